"""The worked quarter of tests/data/worked_quarter, end to end through the CLI.

Every expected number below is derived by hand from method §6 (and agrees with
WORKED.md, which derives the same numbers in more words). ``r2`` rounds half
away from zero; every step uses the rounded value of the step before it.

The quarter is scored twice: default language (Chinese sheet names, 是/否,
主要领导/分管领导) and ``--lang en``; both must publish the same numbers.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from decimal import Decimal as D
from pathlib import Path

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
    expected_header,
    header,
    read_sheet,
    row_texts,
    score,
    sheet_names,
    sheet_rows,
)


@dataclass(frozen=True)
class Run:
    lang: str
    input: Path
    rules: Path
    out: Path


@pytest.fixture(scope="module", params=["zh", "en"])
def run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, worked_quarter: Path
) -> Run:
    lang = request.param
    tmp = tmp_path_factory.mktemp(f"worked-{lang}")
    input_path = tmp / "input.xlsx"
    rules_path = tmp / "rules.yaml"
    shutil.copyfile(worked_quarter / "input.xlsx", input_path)
    shutil.copyfile(worked_quarter / "rules.yaml", rules_path)
    out = tmp / "results.xlsx"
    extra = ("--lang", lang)
    score(input_path, rules_path, "2024Q3", out, *extra)
    return Run(lang, input_path, rules_path, out)


# ------------------------------------------------------------------ sheets, headers


def test_sheet_names(run: Run) -> None:
    # method §7: the 汇总 sheet first, then seven sheets in this order, zh names by default,
    # English with --lang en.
    expected = {
        "zh": ["汇总", "个人得分", "部门得分", "领导得分", "绩效奖金", "点数明细", "指标明细", "运行信息"],
        "en": [
            "summary",
            "individuals",
            "departments",
            "leaders",
            "bonus",
            "points_ledger",
            "indicator_detail",
            "run_info",
        ],
    }
    assert sheet_names(run.out) == expected[run.lang]


@pytest.mark.parametrize("key", ["individuals", "departments", "leaders", "bonus", "points_ledger"])
def test_header_row(run: Run, key: str) -> None:
    assert header(run.out, key, run.lang) == expected_header(key, run.lang)


# --------------------------------------------------------------------- departments


def test_departments(run: Run) -> None:
    yes, no = YES[run.lang], NO[run.lang]
    # 5.2 indicators: s_k = r2(100 × clamp(ρ, 0, 1.2) × f), e_k = weight × level multiplier
    #   ZB01 招商部 正向 省: ρ = 171.01/200 = 0.85505; 09-20 ≤ 09-30 not late
    #        s = r2(85.505) = 85.51; e = 10 × 1.2 = 12
    #   ZB02 招商部 正向 市: ρ = 10/8 = 1.25 → cap 1.2; 09-10 > 08-31 late ×0.8
    #        s = r2(100 × 1.2 × 0.8) = 96.00; e = 5 × 1.0 = 5
    #   ZB03 综合部 评分: s = r2(91.245) = 91.25; e = 10 × 1.0 = 10
    #   ZB04 综合部 反向 省: actual 0 → ρ = cap 1.2; 09-30 = 09-30 not late
    #        s = 120.00; e = 5 × 1.2 = 6
    #   I(招商部) = r2((12 × 85.51 + 5 × 96.00) / 17) = r2(1506.12 / 17) = r2(88.5952…) = 88.60
    #   I(综合部) = r2((10 × 91.25 + 6 × 120.00) / 16) = r2(1632.50 / 16) = r2(102.03125) = 102.03
    #   I(企业服务部): no indicators → blank
    # 5.3 city, percentile top 100 bottom 65: q = r2(100 − (R−1)/(N−1) × 35)
    #   地区生产总值增速 w 20, 2/9:  r2(100 − 35/8)     = r2(95.625)  = 95.63
    #   实际使用外资     w 10, 4/17: r2(100 − 3×35/16)  = r2(93.4375) = 93.44
    #   营商环境评价     w 15, 5/10: r2(100 − 4×35/9)   = r2(84.444…) = 84.44
    #   C(招商部) = r2((20×0.6×95.63 + 10×1×93.44) / (12 + 10)) = r2(2081.96 / 22)
    #             = r2(94.6345…) = 94.63
    #   C(企业服务部) = r2((20×0.4×95.63 + 15×1×84.44) / (8 + 15)) = r2(2031.64 / 23)
    #                 = r2(88.3321…) = 88.33
    #   C(综合部): no shares → blank
    # 5.1 department points (cap ±10):
    #   招商部 A01 4 × 2 = 8 → max_per_period 6; A02 2 × 3 = 6; 12 → cap 10.00
    #   综合部 B01 −1.00;  企业服务部 no events 0.00
    # 5.4 D = r2(Σ W X / Σ W) over present components, + P, veto cap 60:
    #   招商部 r2(0.6 × 88.60 + 0.4 × 94.63) = r2(53.16 + 37.852) = r2(91.012) = 91.01
    #          + 10.00 = 101.01
    #   综合部 only I: r2(0.6 × 102.03 / 0.6) = 102.03; − 1.00 = 101.03; vetoed → min(·, 60) = 60.00
    #   企业服务部 only C: 88.33 + 0.00 = 88.33
    # Ranks 101.01 → 1, 88.33 → 2, 60.00 → 3.
    # 5.8 n = 3, 优秀 quota ceil(3 × 0.2) = 1: 招商部 优秀; 企业服务部 88.33 → 良好;
    #   综合部 vetoed: band by score 合格 (60 ≥ 60), capped by max_grade → 不合格.
    rows = read_sheet(run.out, "departments", run.lang)
    columns: tuple[str, ...] = ("department", "indicator_score", "city_score", "points", "score")
    columns += ("vetoed", "rank", "grade")
    assert_table(
        rows,
        columns,
        [
            ("招商部", D("88.60"), D("94.63"), D("10.00"), D("101.01"), no, 1, "优秀"),
            ("企业服务部", None, D("88.33"), D("0.00"), D("88.33"), no, 2, "良好"),
            ("综合部", D("102.03"), None, D("-1.00"), D("60.00"), yes, 3, "不合格"),
        ],
    )


# ------------------------------------------------------------------------- leaders


def test_leaders(run: Run) -> None:
    no = NO[run.lang]
    # Z = r2((20 × 95.63 + 10 × 93.44 + 15 × 84.44) / 45)
    #   = r2((1912.60 + 934.40 + 1266.60) / 45) = r2(4113.60 / 45) = r2(91.4133…) = 91.41
    # L01 管委会主任 (main leader): P = A02 with 4 → 4.00; L = 91.41 + 4.00 = 95.41;
    #   departments_mean blank.
    # L02 管委会副主任 (in charge of all three): P = B02 blank → −2.00
    #   M = r2((101.01 + 60.00 + 88.33) / 3) = r2(249.34 / 3) = r2(83.1133…) = 83.11
    #   L = r2((0.5 × 91.41 + 0.5 × 83.11) / 1.0) = r2(45.705 + 41.555) = r2(87.26) = 87.26
    #   L = 87.26 − 2.00 = 85.26; not vetoed (cascade.leader_in_charge false).
    # Ranks 1, 2. n = 2, 优秀 quota ceil(2 × 0.2) = 1: L01 优秀; L02 85.26 → 良好.
    rows = read_sheet(run.out, "leaders", run.lang)
    columns: tuple[str, ...] = ("id", "name", "kind", "zone_score", "departments_mean", "points", "score")
    columns += ("vetoed", "rank", "grade")
    main, in_charge = MAIN_LEADER[run.lang], LEADER_IN_CHARGE[run.lang]
    assert_table(
        rows,
        columns,
        [
            ("L01", "王建国", main, D("91.41"), None, D("4.00"), D("95.41"), no, 1, "优秀"),
            ("L02", "李海涛", in_charge, D("91.41"), D("83.11"), D("-2.00"), D("85.26"),
             no, 2, "良好"),
        ],
    )  # fmt: skip


# --------------------------------------------------------------------- individuals


def test_individuals(run: Run) -> None:
    yes, no = YES[run.lang], NO[run.lang]
    # 5.1 personal points (person cap ±20):
    #   E01 A02 3; A01 4 × 2 = 8 → 6            → 9.00
    #   E02 A02 explicit 5; B01 −1              → 4.00
    #   E03 A02 3; A01 2; B01 −1                → 4.00
    #   E04 B02 4 × −2 = −8 → max_per_period −6 → −6.00
    #   E05 A02 8 × 3 = 24 → person cap 20      → 20.00
    #   E06 B01 −1                              → −1.00
    # Q = r2(100 + P). S = r2(w_dep × D + w_per × Q) (weights 0.4/0.6, 部长 0.7/0.3):
    #   E01 部长 D 101.01 Q 109.00: r2(70.707 + 32.7)   = r2(103.407) = 103.41
    #   E02 职员 D 101.01 Q 104.00: r2(40.404 + 62.4)   = r2(102.804) = 102.80
    #   E03 职员 D 101.01 Q 104.00: same as E02           = 102.80
    #   E04 部长 D  60.00 Q  94.00: r2(42 + 28.2)       = 70.20; vetoed (head of 综合部)
    #                                → min(70.20, 60) = 60.00
    #   E05 职员 D  60.00 Q 120.00: r2(24 + 72)         = 96.00 (not vetoed: members false)
    #   E06 职员 D  88.33 Q  99.00: r2(35.332 + 59.4)   = r2(94.732) = 94.73
    # Order: 103.41, 102.80 (E02 before E03 by id), 96.00, 94.73, 60.00 → ranks 1, 2, 2, 4, 5, 6.
    # 5.8 zone scope, n = 6, 优秀 quota ceil(6 × 0.2) = ceil(1.2) = 2:
    #   E01, E02 优秀; E03 ≥ 90 but the quota is full → 良好; E05, E06 → 良好;
    #   E04 vetoed: band by score 合格, capped by max_grade → 不合格.
    rows = read_sheet(run.out, "individuals", run.lang)
    columns: tuple[str, ...] = ("id", "name", "department", "post_category", "role", "points")
    columns += ("personal_score", "department_score", "score", "vetoed", "rank", "grade")
    assert_table(
        rows,
        columns,
        [
            ("E01", "张伟", "招商部", "招商", "部长",
             D("9.00"), D("109.00"), D("101.01"), D("103.41"), no, 1, "优秀"),
            ("E02", "刘芳", "招商部", "招商", "职员",
             D("4.00"), D("104.00"), D("101.01"), D("102.80"), no, 2, "优秀"),
            ("E03", "陈静", "招商部", "招商", "职员",
             D("4.00"), D("104.00"), D("101.01"), D("102.80"), no, 2, "良好"),
            ("E05", "赵敏", "综合部", "综合保障", "职员",
             D("20.00"), D("120.00"), D("60.00"), D("96.00"), no, 4, "良好"),
            ("E06", "周洋", "企业服务部", "企业服务", "职员",
             D("-1.00"), D("99.00"), D("88.33"), D("94.73"), no, 5, "良好"),
            ("E04", "杨磊", "综合部", "综合保障", "部长",
             D("-6.00"), D("94.00"), D("60.00"), D("60.00"), yes, 6, "不合格"),
        ],
    )  # fmt: skip


# --------------------------------------------------------------------------- bonus


def test_bonus(run: Run) -> None:
    # u = base × post × role × grade factor × months/3 (E04 forfeited: u = 0, left out of Σu)
    #   E01 10000 × 1.3 × 1.5 × 1.2 × 3/3 = 23400
    #   E02  6000 × 1.3 × 1.0 × 1.2 × 3/3 =  9360
    #   E03  6000 × 1.3 × 1.0 × 1.0 × 2/3 =  5200
    #   E05  5000 × 1.0 × 1.0 × 1.0 × 3/3 =  5000
    #   E06  5500 × 1.15 × 1.0 × 1.0 × 0/3 =    0
    # Σu = 42960; pool × u / Σu = 60000 × u / 42960 = u × 250/179:
    #   E01 5850000/179 = 32681 + 101/179
    #   E02 2340000/179 = 13072 + 112/179
    #   E03 1300000/179 =  7262 + 102/179
    #   E05 1250000/179 =  6983 +  43/179
    #   E06 0
    # Floors sum 32681 + 13072 + 7262 + 6983 = 59998 → 2 yuan left, to the two largest
    # remainders E02 (112) and E03 (102): bonuses 32681, 13073, 7263, 6983, 0 (Σ 60000).
    # Reward = round0(100 × P): E01 900, E02 400, E03 400, E05 2000, E06 −100.
    # Total = max(0, bonus + reward): 33581, 13473, 7663, 8983, max(0, −100) = 0.
    # E04 vetoed, forfeit_bonus → bonus, reward, total 0; its row shows its coefficients
    #   (综合保障 1.0, 部长 1.5, 不合格 factor 0, months 3/3).
    # months_factor to 4 decimals: E03 2/3 → 0.6667, E06 0/3 → 0, others 1.
    # Order = the individuals' order: E01, E02, E03, E05, E06, E04.
    rows = read_sheet(run.out, "bonus", run.lang)
    columns: tuple[str, ...] = ("id", "name", "department", "bonus_base", "post_coef", "role_coef")
    columns += ("grade_factor", "months_factor", "bonus", "points_reward", "total")
    assert_table(
        rows,
        columns,
        [
            ("E01", "张伟", "招商部", 10000, D("1.3"), D("1.5"), D("1.2"), D("1"),
             32681, 900, 33581),
            ("E02", "刘芳", "招商部", 6000, D("1.3"), D("1.0"), D("1.2"), D("1"),
             13073, 400, 13473),
            ("E03", "陈静", "招商部", 6000, D("1.3"), D("1.0"), D("1.0"), D("0.6667"),
             7263, 400, 7663),
            ("E05", "赵敏", "综合部", 5000, D("1.0"), D("1.0"), D("1.0"), D("1"),
             6983, 2000, 8983),
            ("E06", "周洋", "企业服务部", 5500, D("1.15"), D("1.0"), D("1.0"), D("0"),
             0, -100, 0),
            ("E04", "杨磊", "综合部", 9000, D("1.0"), D("1.5"), D("0"), D("1"),
             0, 0, 0),
        ],
    )  # fmt: skip


def test_bonuses_sum_to_the_pool(run: Run) -> None:
    rows = read_sheet(run.out, "bonus", run.lang)
    assert sum(dec(row["bonus"]) for row in rows) == 60000
    # The 合计 row: Σ bonus 60000; Σ reward 900 + 400 + 400 + 2000 − 100 + 0 = 3600;
    # Σ total 33581 + 13473 + 7663 + 8983 + 0 + 0 = 63700 (E06's total is max(0, −100) = 0).
    (total,) = read_sheet(run.out, "bonus", run.lang, totals=True)
    assert (dec(total["bonus"]), dec(total["points_reward"]), dec(total["total"])) == (60000, 3600, 63700)
    assert total["id"] == ("合计" if run.lang == "zh" else "total") and total["bonus_base"] is None
    for row in rows:  # money is whole yuan
        for column in ("bonus", "points_reward", "total"):
            assert dec(row[column]) == dec(row[column]).to_integral_value()


# ------------------------------------------------------------------ detail sheets


def test_indicator_detail(run: Run) -> None:
    # s_k and e_k as derived in test_departments.
    assert_indicators(
        run.out,
        run.lang,
        {
            "ZB01": (D("85.51"), D("12")),
            "ZB02": (D("96.00"), D("5")),
            "ZB03": (D("91.25"), D("10")),
            "ZB04": (D("120.00"), D("6")),
        },
    )


def test_points_ledger(run: Run) -> None:
    # One row per (target, code) that has events: 招商部 A01 A02, 综合部 B01, L01 A02,
    # L02 B02, E01 A02 A01, E02 A02 B01, E03 A02 A01 B01, E04 B02, E05 A02, E06 B01 = 15.
    # raw_total sums the events (blank = the code's default); counted clamps that to
    # ±max_per_period; code_cap is blank for a code without max_per_period. The target
    # caps (person ±20, department ±10) apply to the net, not here.
    rows = read_sheet(run.out, "points_ledger", run.lang)
    assert len(rows) == 15
    assert_ledger(
        run.out,
        run.lang,
        {
            # (target, code): (events, raw_total, code_cap, counted)
            ("招商部", "A01"): (4, D("8"), D("6"), D("6")),  # 4 × 2 = 8 → 6
            ("招商部", "A02"): (2, D("6"), None, D("6")),  # 2 × 3
            ("综合部", "B01"): (1, D("-1"), None, D("-1")),
            ("L01", "A02"): (1, D("4"), None, D("4")),  # explicit 4
            ("L02", "B02"): (1, D("-2"), D("6"), D("-2")),
            ("E02", "A02"): (1, D("5"), None, D("5")),  # explicit 5
            ("E04", "B02"): (4, D("-8"), D("6"), D("-6")),  # 4 × −2 = −8 → −6
            ("E05", "A02"): (8, D("24"), None, D("24")),  # 8 × 3 (person cap applies later)
        },
    )
    names = {(row["target"], row["code"]): row["name"] for row in rows}
    assert names[("招商部", "A01")] == "重大活动表现突出"
    assert names[("E04", "B02")] == "工作作风问题"


def test_run_info(run: Run) -> None:
    texts = row_texts(sheet_rows(run.out, "run_info", run.lang))
    # The 优秀 cut among individuals falls between E02 and E03, both 102.80: exactly one
    # warning about that tie (no other population has a tie at a cut).
    tie = [t for t in texts if "E02" in t and "E03" in t]
    assert len(tie) == 1, f"expected one tie warning naming E02 and E03, run_info rows: {texts}"
    everything = "\n".join(texts)
    assert "2024Q3" in everything
    assert "青岛高新区功能区KPI考核办法（手算样例）" in everything  # rules name
    assert "2024.1" in everything  # rules version
    input_sha = hashlib.sha256(run.input.read_bytes()).hexdigest()
    rules_sha = hashlib.sha256(run.rules.read_bytes()).hexdigest()
    assert input_sha in everything.lower()
    assert rules_sha in everything.lower()


# ------------------------------------------------------------------------ formulas


def test_no_cell_is_a_formula(run: Run) -> None:
    # The input reason "=督办件逾期一天" (and any text starting with = + - @) must be written
    # as text. Read without data_only so a formula would show as data_type 'f'.
    cells = all_cells(run.out)
    formulas = [f"{c.parent.title}!{c.coordinate}={c.value!r}" for c in cells if c.data_type == "f"]
    assert not formulas, f"formula cells in the results: {formulas}"
    for cell in cells:
        if isinstance(cell.value, str) and "督办件逾期一天" in cell.value:
            assert cell.value == "=督办件逾期一天"
            assert cell.data_type in ("s", "inlineStr")
