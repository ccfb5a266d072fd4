"""Small hand-worked cases for what the worked quarter does not cover.

Each case writes its own input workbook (Chinese sheet and column names, method §3)
and rules YAML into a temporary directory, runs ``kpi score`` through the real
entry point and checks every published number. Every expected number is derived
by hand in the comments from method §6/§9: ``r2`` rounds half away from zero at
each published step and later steps use the rounded value; ``round0`` rounds to
whole yuan, half away from zero. The arithmetic was re-checked with exact
``decimal`` (ROUND_HALF_UP) and ``fractions``, never with floats.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from .helpers import (
    LEADER_IN_CHARGE,
    MAIN_LEADER,
    NO,
    YES,
    all_cells,
    assert_indicators,
    assert_ledger,
    assert_table,
    dec,
    read_sheet,
    row_texts,
    score,
    sheet_rows,
    write_input,
)

PEOPLE = ["工号", "姓名", "部门", "岗位类别", "职务", "绩效基数", "在岗月数"]
DEPARTMENTS = ["部门", "分管领导"]
POINTS = ["日期", "对象", "事项", "点数", "事由"]
INDICATORS = ["编号", "名称", "层级", "责任部门", "方向", "目标值", "完成值", "权重"]
INDICATORS += ["截止日期", "完成日期"]
CITY_RANKINGS = ["指标", "权重", "排名", "参评单位数"]
CITY_SHARES = ["指标", "部门", "占比"]
VETOES = ["对象", "事项", "日期", "说明"]


def run_case(tmp: Path, sheets: dict[str, list[list[Any]]], rules: str, period: str, *extra: str) -> Path:
    input_path = tmp / "input.xlsx"
    rules_path = tmp / "rules.yaml"
    out = tmp / "results.xlsx"
    write_input(input_path, sheets)
    rules_path.write_text(rules, encoding="utf-8")
    score(input_path, rules_path, period, out, *extra)
    return out


# =========================================================================== case A

CASE_A_RULES = """\
name: 手算用例A
version: "A.1"
base_score: 100
points:
  person_cap: {add: 10, deduct: 10}
  department_cap: {add: 5, deduct: 5}
  events:
    J01: {name: 加点事项, points: 2}
    K01: {name: 扣点事项, points: -3}
coefficients:
  post_category: {招商: 1.5, 综合保障: 1.0}
indicators:
  level_multiplier: {国家: 2, 省: 1.5, 市: 1}
  cap: 1.1
  late_factor: 0.9
weighting:
  rank_score: {method: table, table: {1: 100, 2: 95, 3: 90}, default: 70}
  leader_in_charge: {zone: 0.6, departments: 0.4}
department:
  weights: {indicators: 0.5, city: 0.5}
individual:
  weights: {department: 0.3, personal: 0.7}
roles:
  main_leader: [管委会主任]
  leader_in_charge: [管委会副主任]
  department_head: [部长]
veto:
  items: [安全生产]
  score_cap: 60
  max_grade: 合格
  forfeit_bonus: true
  cascade: {department_head: true, leader_in_charge: true, members: true}
grades:
  quota_scope: department
  quota_rounding: floor
  bands:
    - {name: 优秀, min: 90, quota: 0.5, factor: 1.5}
    - {name: 良好, min: 75, factor: 1.1}
    - {name: 合格, min: 50, factor: 0.9}
    - {name: 基本合格, min: 40, factor: 0.5}
bonus:
  mode: fixed
  yuan_per_point: 50
  include_leaders: true
"""


def _a_points() -> list[list[Any]]:
    rows: list[list[Any]] = [
        [date(2024, 7, 3), "甲部", "J01", None, "承办招商推介会"],
        [date(2024, 7, 10), "丙部", "K01", None, "档案检查不合格"],
        [date(2024, 8, 10), "丙部", "K01", None, "督办件逾期"],
        [date(2024, 7, 15), "L1", "J01", 0, "通报表扬，不计点"],  # explicit 0
        [date(2024, 8, 5), "L3", "J01", None, "带队走访企业"],
    ]
    rows += [[date(2024, 7, 20 + i), "A2", "J01", None, "+加班保障"] for i in range(2)]
    rows += [[date(2024, 8, 1 + i), "B1", "J01", None, "项目服务"] for i in range(3)]
    rows += [[date(2024, 9, 1 + i), "B2", "J01", None, "@全体 表扬"] for i in range(6)]
    return [POINTS, *rows]


CASE_A_INPUT: dict[str, list[list[Any]]] = {
    "人员": [
        PEOPLE,
        ["L1", "孙立", None, None, "管委会主任", 8000, None],
        ["L2", "钱进", None, None, "管委会副主任", 7500, None],
        ["L3", "吴桐", None, None, "管委会副主任", 7000, None],
        ["A1", "周一", "甲部", "招商", "部长", 6000, None],
        ["A2", "郑二", "甲部", "招商", "职员", 5000, None],
        ["B1", "冯三", "乙部", "招商", "部长", 5010, None],
        ["B2", "陈四", "乙部", "综合保障", "职员", 4000, None],
        ["B3", "褚六", "乙部", "综合保障", "职员", 4000, None],
        ["C1", "=王五", "丙部", "综合保障", "职员", 5620, 1],
    ],
    "部门": [DEPARTMENTS, ["甲部", "L2"], ["乙部", "L2"], ["丙部", "L3"]],
    "点数": _a_points(),
    "指标": [
        INDICATORS,
        ["ZA1", "到位资金", "省", "甲部", "正向", 100, 120, 4, None, None],
        ["ZB1", "项目开工", "市", "乙部", "正向", 50, 45, 3, date(2024, 8, 31), date(2024, 9, 5)],
        ["ZB2", "安全隐患", "国家", "乙部", "反向", 7, 9, 1, None, None],
        ["ZC1", "档案整理", "市", "丙部", "正向", 200, 50, 1, None, None],
    ],
    "市级排名": [
        CITY_RANKINGS,
        ["工业增加值增速", 2, 1, 10],
        ["固定资产投资", 1, 5, 10],
        ["招商引资", 1, 2, 5],
    ],
    "市级分工": [
        CITY_SHARES,
        ["工业增加值增速", "甲部", 1],
        ["固定资产投资", "乙部", 1],
        ["招商引资", "甲部", 0.6],
        ["招商引资", "乙部", 0.4],
    ],
    "否决": [
        VETOES,
        ["甲部", "安全生产", date(2024, 8, 1), "发生一般生产安全事故"],
        ["B3", "安全生产", date(2024, 9, 1), "个人违规操作"],
    ],
}


@pytest.fixture(scope="module")
def case_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_case(tmp_path_factory.mktemp("case-a"), CASE_A_INPUT, CASE_A_RULES, "2024Q3")


class TestCaseA:
    """Case A — period 2024Q3 (3 months), default (Chinese) output.

    Features: rank_score ``table`` with a rank missing from the table (``default``);
    ``quota_scope: department`` with ``quota_rounding: floor``; bonus ``mode: fixed``
    with a u ending in .5; ``include_leaders: true``; cascade ``members`` and
    ``leader_in_charge`` true; a person-level veto; no ``coefficients.role``; a late
    indicator; a 反向 indicator with non-zero actual; explicit 0 points vs blank
    default; a negative department points cap hit; a department below every band;
    months 1 of 3; a name that starts with ``=``.

    Rules: base 100; person cap ±10, department cap ±5; J01 +2, K01 −3 (no
    max_per_period); post 招商 1.5, 综合保障 1.0, no role table; level 国家 2,
    省 1.5, 市 1; indicator cap 1.1, late factor 0.9; table {1: 100, 2: 95, 3: 90}
    default 70; leader_in_charge zone 0.6 / departments 0.4; department weights
    0.5 / 0.5; individual weights department 0.3 / personal 0.7; veto item 安全生产,
    score cap 60, max grade 合格, forfeit; bands 优秀 ≥ 90 (quota 0.5, ×1.5),
    良好 ≥ 75 (×1.1), 合格 ≥ 50 (×0.9), 基本合格 ≥ 40 (×0.5); fixed bonus,
    50 yuan per point, leaders included.

    Roster: L1 孙立 管委会主任; L2 钱进 管委会副主任 (甲部, 乙部); L3 吴桐
    管委会副主任 (丙部); 甲部: A1 周一 招商 部长 6000, A2 郑二 招商 职员 5000;
    乙部: B1 冯三 招商 部长 5010, B2 陈四 综合保障 职员 4000, B3 褚六 综合保障
    职员 4000; 丙部: C1 "=王五" 综合保障 职员 5620, 1 month. Leaders' bases
    8000 / 7500 / 7000, no 部门 or 岗位类别. Other months blank (full period).

    Points: 甲部 J01; 丙部 K01 ×2; L1 J01 with explicit 0; L3 J01; A2 J01 ×2;
    B1 J01 ×3; B2 J01 ×6 (all blank = default unless stated).

    Indicators: ZA1 甲部 省 正向 target 100 actual 120 weight 4; ZB1 乙部 市 正向
    50 / 45 weight 3, deadline 08-31, completed 09-05 (late); ZB2 乙部 国家 反向
    7 / 9 weight 1; ZC1 丙部 市 正向 200 / 50 weight 1.

    City: 工业增加值增速 w 2 rank 1/10 (甲部 1); 固定资产投资 w 1 rank 5/10
    (乙部 1); 招商引资 w 1 rank 2/5 (甲部 0.6, 乙部 0.4).

    Vetoes: 甲部 安全生产 (department); B3 安全生产 (person).
    """

    # ---- 5.1 points
    # 甲部 J01 blank → 2.00.  丙部 K01 2 × −3 = −6 → department cap −5 → −5.00.
    # 乙部 no events → 0.00.
    # L1 J01 explicit 0 → 0.00 (not the default 2).  L2 none → 0.00.  L3 J01 → 2.00.
    # A1 0.00;  A2 2 × 2 = 4.00;  B1 3 × 2 = 6.00;  B2 6 × 2 = 12 → person cap 10 → 10.00;
    # B3 0.00;  C1 0.00.
    #
    # ---- 5.2 indicators: s = r2(100 × clamp(ρ, 0, 1.1) × f), e = weight × level
    # ZA1 ρ = 120/100 = 1.2 → cap 1.1; no dates → s = 110.00; e = 4 × 1.5 = 6
    # ZB1 ρ = 45/50 = 0.9; 09-05 > 08-31 late → s = r2(100 × 0.9 × 0.9) = 81.00; e = 3 × 1 = 3
    # ZB2 反向 ρ = 7/9 = 0.7777…; s = r2(77.777…) = 77.78; e = 1 × 2 = 2
    # ZC1 ρ = 50/200 = 0.25; s = 25.00; e = 1 × 1 = 1
    # I(甲部) = r2(6 × 110 / 6) = 110.00
    # I(乙部) = r2((3 × 81.00 + 2 × 77.78) / 5) = r2((243 + 155.56) / 5) = r2(398.56 / 5)
    #         = r2(79.712) = 79.71
    # I(丙部) = 25.00
    #
    # ---- 5.3 city (table; rank 5 is not in the table → default 70)
    # q: 工业增加值增速 table[1] = 100; 固定资产投资 rank 5 → 70; 招商引资 table[2] = 95
    # Z = r2((2 × 100 + 1 × 70 + 1 × 95) / 4) = r2(365 / 4) = r2(91.25) = 91.25
    # C(甲部) = r2((2 × 1 × 100 + 1 × 0.6 × 95) / (2 + 0.6)) = r2(257 / 2.6) = r2(98.846…) = 98.85
    # C(乙部) = r2((1 × 1 × 70 + 1 × 0.4 × 95) / (1 + 0.4)) = r2(108 / 1.4) = r2(77.1428…) = 77.14
    # C(丙部): no shares → blank
    #
    # ---- 5.4 departments (0.5 / 0.5), + points, veto cap 60
    # 甲部 r2(0.5 × 110.00 + 0.5 × 98.85) = r2(55 + 49.425) = r2(104.425) = 104.43;
    #      + 2.00 = 106.43; vetoed → 60.00
    # 乙部 r2(0.5 × 79.71 + 0.5 × 77.14) = r2(39.855 + 38.57) = r2(78.425) = 78.43; + 0 = 78.43
    #      (B3's person veto does not reach the department)
    # 丙部 only I: 25.00; − 5.00 = 20.00
    # Order/ranks: 乙部 78.43 (1), 甲部 60.00 (2), 丙部 20.00 (3).
    # Grades (departments always zone scope): n = 3, 优秀 places floor(1.5) = 1, nobody ≥ 90.
    #   乙部 78.43 → 良好; 甲部 vetoed: band by score 合格 (60 ≥ 50), max_grade 合格 → 合格;
    #   丙部 20.00 is below every band (lowest min 40) → lowest band 基本合格 + a warning.
    #
    # ---- 5.5 leaders
    # L1 main: 91.25 + 0.00 = 91.25
    # L2 (甲部, 乙部): M = r2((60.00 + 78.43) / 2) = r2(69.215) = 69.22
    #    L = r2((0.6 × 91.25 + 0.4 × 69.22) / 1.0) = r2(54.75 + 27.688) = r2(82.438) = 82.44;
    #    + 0.00 = 82.44; vetoed (cascade.leader_in_charge, 甲部 vetoed) → 60.00
    # L3 (丙部): M = 20.00; L = r2(0.6 × 91.25 + 0.4 × 20.00) = r2(54.75 + 8) = 62.75;
    #    + 2.00 = 64.75
    # Order/ranks: L1 (1), L3 (2), L2 (3). n = 3, 优秀 places floor(1.5) = 1:
    #   L1 91.25 → 优秀; L3 64.75 → 合格; L2 vetoed: 60 → 合格, max_grade 合格 → 合格.
    #
    # ---- 5.6 individuals: Q = r2(100 + P); S = r2(0.3 × D + 0.7 × Q)
    # A1 D 60.00 Q 100.00: r2(18 + 70)      = 88.00; vetoed (members/head) → 60.00
    # A2 D 60.00 Q 104.00: r2(18 + 72.8)    = 90.80; vetoed (members) → 60.00
    # B1 D 78.43 Q 106.00: r2(23.529 + 74.2) = r2(97.729)  = 97.73
    # B2 D 78.43 Q 110.00: r2(23.529 + 77)   = r2(100.529) = 100.53
    # B3 D 78.43 Q 100.00: r2(23.529 + 70)   = r2(93.529)  = 93.53; person veto → 60.00
    # C1 D 20.00 Q 100.00: r2(6 + 70)       = 76.00
    # Order: B2 100.53, B1 97.73, C1 76.00, then 60.00 ×3 by id A1, A2, B3;
    #   ranks 1, 2, 3, 4, 4, 4.
    # Grades, quota per department (floor, quota 0.5; n counts vetoed members):
    #   甲部 n = 2 → 1 place, unused (A1, A2 vetoed → band 合格, max 合格 → 合格)
    #   乙部 n = 3 → floor(1.5) = 1 place: B2 优秀; B1 97.73 ≥ 90 but full → 良好;
    #        B3 vetoed → 合格 (never a quota place)
    #   丙部 n = 1 → floor(0.5) = 0 places; C1 76.00 → 良好
    #   (zone scope would give floor(6 × 0.5) = 3 places and B1 优秀.)
    #
    # ---- 5.9 bonus, fixed: bonus = round0(base × post × role(1) × grade factor × months/3)
    # Order: B2 100.53, B1 97.73, L1 91.25, C1 76.00, L3 64.75, then 60.00: A1, A2, B3, L2.
    # B2 4000 × 1.0 × 1 × 1.5 × 3/3 = 6000 → 6000; reward round0(50 × 10) = 500; total 6500
    # B1 5010 × 1.5 × 1 × 1.1 × 3/3 = 8266.5 → round0 = 8267 (half away from zero);
    #    reward 50 × 6 = 300; total 8567
    # L1 8000 × 1 (no 岗位类别) × 1 × 1.5 × 3/3 = 12000; reward 0; total 12000
    # C1 5620 × 1.0 × 1 × 1.1 × 1/3 = 6182/3 = 2060.666… → 2061 (the exact fraction; the
    #    rounded factor 0.3333 would give 6182 × 0.3333 = 2060.46 → 2060); reward 0;
    #    total 2061; months_factor 0.3333
    # L3 7000 × 1 × 1 × 0.9 × 3/3 = 6300; reward 50 × 2 = 100; total 6400
    # A1, A2, B3, L2 vetoed with forfeit_bonus → 0, 0, 0; coefficients still shown,
    #    grade factor of 合格 = 0.9. Leaders' 部门 blank.

    def test_departments(self, case_a: Path) -> None:
        rows = read_sheet(case_a, "departments", "zh")
        columns: tuple[str, ...] = ("department", "indicator_score", "city_score", "points", "score")
        columns += ("vetoed", "rank", "grade")
        assert_table(
            rows,
            columns,
            [
                ("乙部", D("79.71"), D("77.14"), D("0.00"), D("78.43"), "否", 1, "良好"),
                ("甲部", D("110.00"), D("98.85"), D("2.00"), D("60.00"), "是", 2, "合格"),
                ("丙部", D("25.00"), None, D("-5.00"), D("20.00"), "否", 3, "基本合格"),
            ],
        )

    def test_leaders(self, case_a: Path) -> None:
        main, in_charge = MAIN_LEADER["zh"], LEADER_IN_CHARGE["zh"]
        rows = read_sheet(case_a, "leaders", "zh")
        columns: tuple[str, ...] = ("id", "name", "kind", "zone_score", "departments_mean", "points", "score")
        columns += ("vetoed", "rank", "grade")
        assert_table(
            rows,
            columns,
            [
                ("L1", "孙立", main, D("91.25"), None, D("0.00"), D("91.25"), "否", 1, "优秀"),
                ("L3", "吴桐", in_charge, D("91.25"), D("20.00"), D("2.00"), D("64.75"),
                 "否", 2, "合格"),
                ("L2", "钱进", in_charge, D("91.25"), D("69.22"), D("0.00"), D("60.00"),
                 "是", 3, "合格"),
            ],
        )  # fmt: skip

    def test_individuals(self, case_a: Path) -> None:
        rows = read_sheet(case_a, "individuals", "zh")
        columns: tuple[str, ...] = ("id", "name", "department", "post_category", "role", "points")
        columns += ("personal_score", "department_score", "score", "vetoed", "rank", "grade")
        assert_table(
            rows,
            columns,
            [
                ("B2", "陈四", "乙部", "综合保障", "职员",
                 D("10.00"), D("110.00"), D("78.43"), D("100.53"), "否", 1, "优秀"),
                ("B1", "冯三", "乙部", "招商", "部长",
                 D("6.00"), D("106.00"), D("78.43"), D("97.73"), "否", 2, "良好"),
                ("C1", "=王五", "丙部", "综合保障", "职员",
                 D("0.00"), D("100.00"), D("20.00"), D("76.00"), "否", 3, "良好"),
                ("A1", "周一", "甲部", "招商", "部长",
                 D("0.00"), D("100.00"), D("60.00"), D("60.00"), "是", 4, "合格"),
                ("A2", "郑二", "甲部", "招商", "职员",
                 D("4.00"), D("104.00"), D("60.00"), D("60.00"), "是", 4, "合格"),
                ("B3", "褚六", "乙部", "综合保障", "职员",
                 D("0.00"), D("100.00"), D("78.43"), D("60.00"), "是", 4, "合格"),
            ],
        )  # fmt: skip

    def test_bonus(self, case_a: Path) -> None:
        rows = read_sheet(case_a, "bonus", "zh")
        columns: tuple[str, ...] = ("id", "name", "department", "bonus_base", "post_coef", "role_coef")
        columns += ("grade_factor", "months_factor", "bonus", "points_reward", "total")
        assert_table(
            rows,
            columns,
            [
                ("B2", "陈四", "乙部", 4000, D("1.0"), 1, D("1.5"), D("1"), 6000, 500, 6500),
                ("B1", "冯三", "乙部", 5010, D("1.5"), 1, D("1.1"), D("1"), 8267, 300, 8567),
                ("L1", "孙立", None, 8000, 1, 1, D("1.5"), D("1"), 12000, 0, 12000),
                ("C1", "=王五", "丙部", 5620, D("1.0"), 1, D("1.1"), D("0.3333"), 2061, 0, 2061),
                ("L3", "吴桐", None, 7000, 1, 1, D("0.9"), D("1"), 6300, 100, 6400),
                ("A1", "周一", "甲部", 6000, D("1.5"), 1, D("0.9"), D("1"), 0, 0, 0),
                ("A2", "郑二", "甲部", 5000, D("1.5"), 1, D("0.9"), D("1"), 0, 0, 0),
                ("B3", "褚六", "乙部", 4000, D("1.0"), 1, D("0.9"), D("1"), 0, 0, 0),
                ("L2", "钱进", None, 7500, 1, 1, D("0.9"), D("1"), 0, 0, 0),
            ],
        )  # fmt: skip

    def test_indicator_detail(self, case_a: Path) -> None:
        assert_indicators(
            case_a,
            "zh",
            {
                "ZA1": (D("110.00"), D("6")),
                "ZB1": (D("81.00"), D("3")),
                "ZB2": (D("77.78"), D("2")),
                "ZC1": (D("25.00"), D("1")),
            },
        )

    def test_points_ledger(self, case_a: Path) -> None:
        # (target, code): events, raw_total, code_cap (blank: no max_per_period), counted
        assert_ledger(
            case_a,
            "zh",
            {
                ("甲部", "J01"): (1, D("2"), None, D("2")),
                ("丙部", "K01"): (2, D("-6"), None, D("-6")),  # the −5 cap applies to the net
                ("L1", "J01"): (1, D("0"), None, D("0")),  # explicit 0, not the default 2
                ("L3", "J01"): (1, D("2"), None, D("2")),  # blank → default 2
                ("B2", "J01"): (6, D("12"), None, D("12")),  # the +10 cap applies to the net
            },
        )

    def test_below_every_band_warning(self, case_a: Path) -> None:
        # 丙部 20.00 < 40 (the lowest band's min): graded 基本合格 (above) with one warning.
        texts = row_texts(sheet_rows(case_a, "run_info", "zh"))
        assert any("丙部" in t for t in texts), f"no warning naming 丙部, run_info rows: {texts}"

    def test_formula_like_name_stays_text(self, case_a: Path) -> None:
        cells = all_cells(case_a)
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        names = [c for c in cells if c.value == "=王五"]
        assert len(names) == 2  # 个人得分 and 绩效奖金
        assert all(c.data_type in ("s", "inlineStr") for c in names)


# =========================================================================== case B

CASE_B_RULES = """\
name: 手算用例B
version: 2
base_score: 90
points:
  person_cap: {add: 5, deduct: 5}
  department_cap: {add: 3, deduct: 3}
  events:
    J01: {name: 表扬, points: 1.5, max_per_period: 4}
    K01: {name: 通报批评, points: -2}
coefficients:
  post_category: {项目: 1.2, 综合保障: 1.0}
  role: {科长: 1.2, 科员: 1.0}
indicators:
  level_multiplier: {国家: 1.5, 省: 1.2, 市: 1.0}
  cap: 1.5
  late_factor: 0.5
weighting:
  rank_score: {method: linear, top: 100, step: 7, floor: 75}
  leader_in_charge: {zone: 1, departments: 3}
department:
  weights: {indicators: 0.7, city: 0.3}
individual:
  weights: {department: 0.5, personal: 0.5}
  by_role: {科长: {department: 0.6, personal: 0.4}}
roles:
  main_leader: [书记]
  leader_in_charge: [副主任]
  department_head: [科长]
veto:
  items: [安全生产]
  score_cap: 70
  max_grade: 合格
  forfeit_bonus: false
  cascade: {department_head: false, leader_in_charge: false, members: false}
grades:
  quota_scope: department
  quota_rounding: round
  bands:
    - {name: 优秀, min: 90, quota: 0.5, factor: 1.2}
    - {name: 称职, min: 80, factor: 1.0}
    - {name: 合格, min: 0, factor: 0.6}
bonus:
  mode: pool
  pool: 10000
  yuan_per_point: 5
  include_leaders: false
"""


def _b_points() -> list[list[Any]]:
    rows: list[list[Any]] = [
        [date(2024, 2, 1), "一科", "J01", None, "集体表扬"],
        [date(2024, 5, 1), "一科", "J01", None, "集体表扬"],
        [date(2024, 10, 1), "一科", "J01", None, "集体表扬"],
        [date(2024, 6, 1), "L3", "K01", None, "会议缺席"],
        [date(2024, 12, 31), "K3", "K01", 0, "通报批评，免予扣点"],  # explicit 0, last day
        [date(2024, 1, 1), "Q7", "J01", None, "表扬"],  # first day of the year
        [date(2024, 3, 1), "Q7", "K01", -1, "通报批评（减半）"],
    ]
    rows += [[date(2024, 3 * i + 1, 15), "L1", "J01", None, "表扬"] for i in range(4)]
    rows += [[date(2024, 3 * i + 2, 10), "K20", "J01", None, "表扬"] for i in range(4)]
    rows += [[date(2024, 4 * i + 3, 20), "K3", "J01", None, "表扬"] for i in range(2)]
    return [POINTS, *rows]


JUN30, JUL15 = date(2024, 6, 30), date(2024, 7, 15)

CASE_B_INPUT: dict[str, list[list[Any]]] = {
    "人员": [
        PEOPLE,
        ["L1", "赵书记", None, None, "书记", 9000, None],
        ["L2", "钱副主任", None, None, "副主任", 8000, None],
        ["L3", "孙副主任", None, None, "副主任", 8000, None],
        ["K1", "李科长", "一科", "项目", "科长", 5000, None],
        ["K20", "周科员", "一科", "项目", "科员", 3000, None],
        ["K3", "吴科员", "一科", "项目", "科员", 3000, 12],
        ["Q7", "郑科员", "二科", "综合保障", "科员", 4000, 6],
    ],
    "部门": [DEPARTMENTS, ["一科", "L2"], ["二科", "L2"]],
    "点数": _b_points(),
    "指标": [
        INDICATORS,
        ["P1", "党建工作评分", "市", "一科", "评分", None, 86.625, 2, JUN30, JUL15],
        ["P2", "项目入库数", "国家", "一科", "正向", 40, 70, 1, JUN30, JUL15],
        ["P3", "企业投诉件数", "省", "二科", "反向", 30, 24, 2, None, date(2024, 3, 1)],
        ["P4", "走访企业数", "市", "二科", "正向", 3, 2, 1, date(2024, 3, 31), None],
    ],
    "市级排名": [
        CITY_RANKINGS,
        ["地区生产总值增速", 3, 2, 12],
        ["规上工业增加值", 1, 6, 12],
        ["一般公共预算收入", 1, 1, 5],
    ],
    "市级分工": [
        CITY_SHARES,
        ["地区生产总值增速", "一科", 0.5],
        ["地区生产总值增速", "二科", 0.5],
        ["规上工业增加值", "二科", 1],
    ],
    "否决": [VETOES, ["K1", "安全生产", date(2024, 5, 20), "安全检查发现重大隐患"]],
}


@pytest.fixture(scope="module")
def case_b(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("case-b")
    return run_case(tmp, CASE_B_INPUT, CASE_B_RULES, "2024", "--lang", "en")


class TestCaseB:
    """Case B — period ``2024`` (a year, 12 months), ``--lang en`` output.

    Features: rank_score ``linear`` with the floor reached; ``quota_scope:
    department`` with ``quota_rounding: round`` (and round for the zone-scope
    leaders); pool bonus whose leftover yuan are decided by a remainder tie broken
    by id ascending in code point order ("K20" < "K3"); a 评分 indicator (whose
    late dates are ignored); a late 正向 indicator over the cap (late factor after
    the cap); a 反向 indicator with non-zero actual; "late" needing both dates;
    ``by_role``; explicit 0 and explicit non-default points; max_per_period on
    both a department and a person; a leader in charge with no departments; a city
    indicator with no shares (in Z only); a person veto with ``forfeit_bonus:
    false`` (paid by its capped grade); a points reward round0(2.5) = 3; months
    6 of 12; events on the first and last day of the year; a numeric rules version.

    Rules: base 90; person cap ±5, department cap ±3; J01 +1.5 (max_per_period 4),
    K01 −2; post 项目 1.2, 综合保障 1.0; role 科长 1.2, 科员 1.0; level 国家 1.5,
    省 1.2, 市 1.0; indicator cap 1.5, late factor 0.5; linear top 100 step 7
    floor 75; leader_in_charge zone 1 / departments 3; department weights 0.7 / 0.3;
    individual 0.5 / 0.5, 科长 0.6 / 0.4; veto 安全生产, cap 70, max grade 合格,
    no forfeit, no cascade; bands 优秀 ≥ 90 (quota 0.5, ×1.2), 称职 ≥ 80 (×1.0),
    合格 ≥ 0 (×0.6); pool 10000, 5 yuan per point, leaders not included.

    Roster: L1 赵书记 书记; L2 钱副主任 副主任 (一科, 二科); L3 孙副主任 副主任 (no
    departments); 一科: K1 李科长 项目 科长 5000, K20 周科员 项目 科员 3000, K3 吴科员
    项目 科员 3000 (months 12); 二科: Q7 郑科员 综合保障 科员 4000 (months 6).

    Points: 一科 J01 ×3; L1 J01 ×4; L3 K01; K20 J01 ×4; K3 J01 ×2 and K01 with
    explicit 0; Q7 J01 and K01 with explicit −1.

    Indicators: P1 一科 市 评分 actual 86.625 weight 2 (deadline 06-30, completed
    07-15); P2 一科 国家 正向 40 / 70 weight 1 (deadline 06-30, completed 07-15);
    P3 二科 省 反向 30 / 24 weight 2 (completed only); P4 二科 市 正向 3 / 2 weight 1
    (deadline only).

    City: 地区生产总值增速 w 3 rank 2/12 (一科 0.5, 二科 0.5); 规上工业增加值 w 1
    rank 6/12 (二科 1); 一般公共预算收入 w 1 rank 1/5 (no shares).

    Veto: K1 安全生产 (person).
    """

    # ---- 5.1 points
    # 一科 J01 3 × 1.5 = 4.5 → max_per_period 4 → department cap 3 → 3.00;  二科 0.00
    # L1 J01 4 × 1.5 = 6 → 4 → (person cap 5) 4.00;  L2 0.00;  L3 K01 −2 → −2.00
    # K1 0.00;  K20 J01 4 × 1.5 = 6 → 4 → 4.00;  K3 J01 2 × 1.5 = 3, K01 explicit 0 → 3.00
    # Q7 J01 1.5 + K01 explicit −1 → 0.50
    #
    # ---- 5.2 indicators
    # P1 评分: s = r2(86.625) = 86.63 (no late factor for 评分); e = 2 × 1.0 = 2
    # P2 ρ = 70/40 = 1.75 → cap 1.5; 07-15 > 06-30 late: s = r2(100 × 1.5 × 0.5) = 75.00;
    #    e = 1 × 1.5 = 1.5
    # P3 反向 ρ = 30/24 = 1.25; no deadline → not late; s = 125.00; e = 2 × 1.2 = 2.4
    # P4 ρ = 2/3; no completion date → not late; s = r2(66.666…) = 66.67; e = 1 × 1.0 = 1
    # I(一科) = r2((2 × 86.63 + 1.5 × 75.00) / 3.5) = r2((173.26 + 112.5) / 3.5)
    #         = r2(285.76 / 3.5) = r2(81.6457…) = 81.65
    # I(二科) = r2((2.4 × 125.00 + 1 × 66.67) / 3.4) = r2(366.67 / 3.4) = r2(107.8441…) = 107.84
    #
    # ---- 5.3 city (linear, unrounded): q = max(75, 100 − (R − 1) × 7)
    # 地区生产总值增速 R 2: 93;  规上工业增加值 R 6: 100 − 35 = 65 → floor 75;
    # 一般公共预算收入 R 1: 100
    # Z = r2((3 × 93 + 1 × 75 + 1 × 100) / 5) = r2(454 / 5) = 90.80
    # C(一科) = r2(3 × 0.5 × 93 / 1.5) = 93.00
    # C(二科) = r2((3 × 0.5 × 93 + 1 × 1 × 75) / (1.5 + 1)) = r2(214.5 / 2.5) = 85.80
    #
    # ---- 5.4 departments (0.7 / 0.3)
    # 一科 r2(0.7 × 81.65 + 0.3 × 93.00) = r2(57.155 + 27.9) = r2(85.055) = 85.06; + 3.00 = 88.06
    # 二科 r2(0.7 × 107.84 + 0.3 × 85.80) = r2(75.488 + 25.74) = r2(101.228) = 101.23; + 0
    # Ranks 二科 1, 一科 2. n = 2, 优秀 places round(1.0) = 1: 二科 优秀; 一科 88.06 → 称职.
    #
    # ---- 5.5 leaders
    # L1 main: 90.80 + 4.00 = 94.80
    # L2 (一科, 二科): M = r2((88.06 + 101.23) / 2) = r2(94.645) = 94.65
    #    L = r2((1 × 90.80 + 3 × 94.65) / 4) = r2((90.80 + 283.95) / 4) = r2(93.6875) = 93.69
    # L3 no departments: L = Z + P = 90.80 − 2.00 = 88.80; departments_mean blank
    # Ranks L1 1, L2 2, L3 3. n = 3, 优秀 places round(1.5) = 2 (half up): L1, L2 优秀;
    #   L3 88.80 → 称职.
    #
    # ---- 5.6 individuals: Q = r2(90 + P); S = r2(0.5 D + 0.5 Q), 科长 r2(0.6 D + 0.4 Q)
    # K1 科长 D 88.06 Q 90.00: r2(52.836 + 36) = r2(88.836) = 88.84; person veto → 70.00
    # K20 D 88.06 Q 94.00: r2(44.03 + 47)   = 91.03
    # K3  D 88.06 Q 93.00: r2(44.03 + 46.5) = 90.53
    # Q7  D 101.23 Q 90.50: r2(50.615 + 45.25) = r2(95.865) = 95.87
    # Order Q7, K20, K3, K1; ranks 1–4. 一科 is not vetoed (person vetoes never spread).
    # Grades, per department, round, quota 0.5:
    #   二科 n = 1 → round(0.5) = 1 place: Q7 优秀 (floor would give 0)
    #   一科 n = 3 (K1 counted) → round(1.5) = 2 places: K20, K3 优秀 (floor would give 1)
    #   K1 vetoed: 70.00 → band 合格 (称职 needs 80), max 合格 → 合格
    #   (zone scope would give round(4 × 0.5) = 2 places: Q7, K20, and K3 称职.)
    #
    # ---- 5.9 bonus, pool 10000: u = base × post × role × grade × months/12
    # Q7  4000 × 1.0 × 1.0 × 1.2 × 6/12  = 2400
    # K20 3000 × 1.2 × 1.0 × 1.2 × 12/12 = 4320
    # K3  3000 × 1.2 × 1.0 × 1.2 × 12/12 = 4320
    # K1  5000 × 1.2 × 1.2 × 0.6 × 12/12 = 4320 (vetoed, not forfeited: paid at 合格)
    # Σu = 15360; 10000 / 15360 = 125/192
    # Q7 2400 × 125/192 = 1562.5;  K20, K3, K1 4320 × 125/192 = 2812.5 each
    # Floors 1562 + 3 × 2812 = 9998 → 2 yuan left; all four remainders are 1/2, so the tie
    # goes by id ascending (code point): "K1" < "K20" < "K3" < "Q7" → K1 and K20 get +1.
    # Bonuses: Q7 1562, K20 2813, K3 2812, K1 2813 (Σ 10000).
    # Rewards round0(5 × P): Q7 round0(2.5) = 3; K20 20; K3 15; K1 0.
    # Totals: 1565, 2833, 2827, 2813. months_factor: Q7 0.5, others 1.

    def test_departments(self, case_b: Path) -> None:
        rows = read_sheet(case_b, "departments", "en")
        columns: tuple[str, ...] = ("department", "indicator_score", "city_score", "points", "score")
        columns += ("vetoed", "rank", "grade")
        assert_table(
            rows,
            columns,
            [
                ("二科", D("107.84"), D("85.80"), D("0.00"), D("101.23"), NO["en"], 1, "优秀"),
                ("一科", D("81.65"), D("93.00"), D("3.00"), D("88.06"), NO["en"], 2, "称职"),
            ],
        )

    def test_leaders(self, case_b: Path) -> None:
        main, in_charge, no = MAIN_LEADER["en"], LEADER_IN_CHARGE["en"], NO["en"]
        rows = read_sheet(case_b, "leaders", "en")
        columns: tuple[str, ...] = ("id", "name", "kind", "zone_score", "departments_mean", "points", "score")
        columns += ("vetoed", "rank", "grade")
        assert_table(
            rows,
            columns,
            [
                ("L1", "赵书记", main, D("90.80"), None, D("4.00"), D("94.80"), no, 1, "优秀"),
                ("L2", "钱副主任", in_charge, D("90.80"), D("94.65"), D("0.00"), D("93.69"),
                 no, 2, "优秀"),
                ("L3", "孙副主任", in_charge, D("90.80"), None, D("-2.00"), D("88.80"),
                 no, 3, "称职"),
            ],
        )  # fmt: skip

    def test_individuals(self, case_b: Path) -> None:
        yes, no = YES["en"], NO["en"]
        rows = read_sheet(case_b, "individuals", "en")
        columns: tuple[str, ...] = ("id", "name", "department", "post_category", "role", "points")
        columns += ("personal_score", "department_score", "score", "vetoed", "rank", "grade")
        assert_table(
            rows,
            columns,
            [
                ("Q7", "郑科员", "二科", "综合保障", "科员",
                 D("0.50"), D("90.50"), D("101.23"), D("95.87"), no, 1, "优秀"),
                ("K20", "周科员", "一科", "项目", "科员",
                 D("4.00"), D("94.00"), D("88.06"), D("91.03"), no, 2, "优秀"),
                ("K3", "吴科员", "一科", "项目", "科员",
                 D("3.00"), D("93.00"), D("88.06"), D("90.53"), no, 3, "优秀"),
                ("K1", "李科长", "一科", "项目", "科长",
                 D("0.00"), D("90.00"), D("88.06"), D("70.00"), yes, 4, "合格"),
            ],
        )  # fmt: skip

    def test_bonus(self, case_b: Path) -> None:
        rows = read_sheet(case_b, "bonus", "en")
        columns: tuple[str, ...] = ("id", "name", "department", "bonus_base", "post_coef", "role_coef")
        columns += ("grade_factor", "months_factor", "bonus", "points_reward", "total")
        assert_table(
            rows,
            columns,
            [
                ("Q7", "郑科员", "二科", 4000, D("1.0"), D("1.0"), D("1.2"), D("0.5"),
                 1562, 3, 1565),
                ("K20", "周科员", "一科", 3000, D("1.2"), D("1.0"), D("1.2"), D("1"),
                 2813, 20, 2833),
                ("K3", "吴科员", "一科", 3000, D("1.2"), D("1.0"), D("1.2"), D("1"),
                 2812, 15, 2827),
                ("K1", "李科长", "一科", 5000, D("1.2"), D("1.2"), D("0.6"), D("1"),
                 2813, 0, 2813),
            ],
        )  # fmt: skip
        assert sum(dec(row["bonus"]) for row in rows) == 10000

    def test_indicator_detail(self, case_b: Path) -> None:
        assert_indicators(
            case_b,
            "en",
            {
                "P1": (D("86.63"), D("2")),
                "P2": (D("75.00"), D("1.5")),
                "P3": (D("125.00"), D("2.4")),
                "P4": (D("66.67"), D("1")),
            },
        )

    def test_points_ledger(self, case_b: Path) -> None:
        # (target, code): events, raw_total, code_cap, counted
        assert_ledger(
            case_b,
            "en",
            {
                ("一科", "J01"): (3, D("4.5"), D("4"), D("4")),  # the ±3 cap applies to the net
                ("L1", "J01"): (4, D("6"), D("4"), D("4")),
                ("K20", "J01"): (4, D("6"), D("4"), D("4")),
                ("K3", "J01"): (2, D("3"), D("4"), D("3")),
                ("K3", "K01"): (1, D("0"), None, D("0")),  # explicit 0, not the default −2
                ("Q7", "K01"): (1, D("-1"), None, D("-1")),  # explicit −1
                ("L3", "K01"): (1, D("-2"), None, D("-2")),  # blank → default −2
            },
        )
