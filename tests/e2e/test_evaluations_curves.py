"""End to end through ``python -m kpi``: evaluations, scoring curves and quotas by department grade.

The test writes a small workbook with openpyxl (a 测评 sheet, a 计分曲线 column),
runs ``kpi score``, and checks the published cells against the numbers worked
out by hand below. ``r2`` rounds half away from zero; each step uses the
rounded value of the step before.

Rules: weights department {indicators 0.5, city 0.3, evaluation 0.2},
individual {department 0.3, personal 0.5, evaluation 0.2}, leader in charge
{zone 0.4, departments 0.4, evaluation 0.2}, main leader {zone 0.5,
evaluation 0.5}; evaluation groups 领导 0.4, 群众 0.6, votes 优秀 100 / 称职 85 /
基本称职 70 / 不称职 50, trim 1, min_raters 3. Band 优秀 (min 90) has quota 0.7
for departments and leaders and, for individuals, quota_by_department_grade
{优秀 0.5, 良好 0.25, 合格 0, 不合格 0}; quota_scope department, floor.

Indicators (curves 增长型 linear (0,0) (1,100) (1.4,120); 达标型 step (0.8,60)
(0.9,80) (1,100)):

* K1 甲部 达标型 ρ = 95/100 = 0.95 → last x ≤ 0.95 is 0.9 → 80 → s 80.00
* K2 甲部 增长型 ρ = 12/10 = 1.2 → 100 + 20 × 0.2/0.4 = 110; late → 110 × 0.8 = 88.00
* K3 乙部 反向 actual 0 on 增长型 → above every point → 120.00
* K4 乙部 增长型 ρ = 1/3 → 100/3 → 33.33 (weight 2)
* K5 乙部 no curve ρ = 6/8 = 0.75 → 75.00
* I(甲) = r2((80 + 88)/2) = 84.00; I(乙) = r2((120 + 2 × 33.33 + 75)/4) = r2(261.66/4)
  = r2(65.415) = 65.42

City: one indicator ranked 2 (table → 90), all of it on 甲部: Z = 90, C(甲) = 90.

Evaluations (G = trimmed mean, E = r2(Σ w G / Σ w) over the groups kept):

* 甲部 领导 80 85 90 → 85.00; 群众 基本称职 70, 称职 85 ×2, 优秀 100 ×2 → keep 85 85 100
  → 90.00; E = r2(0.4 × 85 + 0.6 × 90) = 88.00
* 丙部 领导 90 95 98 100 → keep 95 98 → 96.50; 群众 60 65: 2 < 3, left out; E = 96.50
* P1 领导 88 92 96 → 92.00; 群众 不称职 50, 称职 85 ×2, 优秀 100 → keep 85 85 → 85.00;
  E = r2(0.4 × 92 + 0.6 × 85) = r2(36.8 + 51) = 87.80
* P3 群众 60 70 80 → 70.00; 领导 one score, left out; E = 70.00
* P7 领导 100 ×3 → 100.00 = E
* L1 群众 称职 85, 优秀 100 ×2 → keep 100 → 100.00 = E
* L3 领导 70 80 90 → 80.00; 群众 70 75 80 85 90 → keep 75 80 85 → 80.00; E = 80.00

Departments:

* 甲部 r2(0.5 × 84 + 0.3 × 90 + 0.2 × 88) = r2(42 + 27 + 17.6) = 86.60, + 2 × A01 (2) = 90.60
* 乙部 only I → 65.42 (no evaluation rows: the weights renormalise over I alone)
* 丙部 only E → 96.50, vetoed → min(96.50, 60) = 60.00
* grades: n = 3, 优秀 floor(3 × 0.7) = 2 places: 甲部 90.60 优秀; 乙部 65.42 合格;
  丙部 60.00 vetoed → band 合格, capped at max_grade 合格 → 合格.

Individuals (D, Q = 100 + P, E):

* P1 r2(0.3 × 90.60 + 0.5 × 100 + 0.2 × 87.80) = r2(27.18 + 50 + 17.56) = 94.74
* P2 no E: r2((27.18 + 50) / 0.8) = r2(96.475) = 96.48
* P3 r2(27.18 + 50 + 0.2 × 70) = 91.18
* P4 +2 points, Q 102, no E: r2((27.18 + 51) / 0.8) = r2(97.725) = 97.73
* P5 r2((0.3 × 65.42 + 50) / 0.8) = r2(69.626 / 0.8) = r2(87.0325) = 87.03
* P6 +8, Q 108: r2((19.626 + 54) / 0.8) = r2(92.0325) = 92.03
* P7 r2(0.3 × 60 + 50 + 0.2 × 100) = 88.00
* P8 +20 (cap), Q 120: r2((18 + 60) / 0.8) = 97.50
* quotas of 优秀: 甲部 graded 优秀 → q 0.5 → floor(4 × 0.5) = 2: P4 97.73 and P2 96.48;
  P1 94.74 and P3 91.18 reach 优秀 but the band is full → 良好. 乙部 graded 合格 → q 0:
  P6 92.03 → 良好. 丙部 (vetoed, graded 合格) → q 0: P8 97.50 → 良好.

Leaders (Z = 90):

* L1 main: r2(0.5 × 90 + 0.5 × 100) = 95.00
* L2 in charge of all three, no E: M = r2((90.60 + 65.42 + 60.00) / 3) = r2(72.00666…) = 72.01;
  L = r2((0.4 × 90 + 0.4 × 72.01) / 0.8) = r2(81.005) = 81.01
* L3 in charge of none: r2((0.4 × 90 + 0.2 × 80) / 0.6) = r2(86.666…) = 86.67
* grades: n = 3, 2 places: L1 优秀; L3 86.67 and L2 81.01 良好.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from .helpers import run_kpi, score

RULES = """\
name: 测评与曲线用例
version: "1"
base_score: 100
points:
  person_cap: {add: 20, deduct: 20}
  department_cap: {add: 10, deduct: 10}
  events:
    A01: {name: 加点, points: 2}
coefficients:
  post_category: {综合: 1}
indicators:
  level_multiplier: {市: 1}
  cap: 1.2
  late_factor: 0.8
  curves:
    增长型: {mode: linear, points: [[0, 0], [1, 100], [1.4, 120]]}
    达标型: {mode: step, points: [[0.8, 60], [0.9, 80], [1, 100]]}
weighting:
  rank_score: {method: table, table: {1: 100, 2: 90}, default: 80}
  leader_in_charge: {zone: 0.4, departments: 0.4, evaluation: 0.2}
  main_leader: {zone: 0.5, evaluation: 0.5}
department:
  weights: {indicators: 0.5, city: 0.3, evaluation: 0.2}
individual:
  weights: {department: 0.3, personal: 0.5, evaluation: 0.2}
roles:
  main_leader: [主任]
  leader_in_charge: [副主任]
  department_head: [部长]
veto:
  items: [安全生产]
  score_cap: 60
  max_grade: 合格
  forfeit_bonus: true
  cascade: {department_head: false, leader_in_charge: false, members: false}
grades:
  quota_scope: department
  quota_rounding: floor
  bands:
    - name: 优秀
      min: 90
      quota: 0.7
      quota_by_department_grade: {优秀: 0.5, 良好: 0.25, 合格: 0, 不合格: 0}
      factor: 1.2
    - {name: 良好, min: 80, factor: 1}
    - {name: 合格, min: 60, factor: 0.8}
    - {name: 不合格, min: 0, factor: 0}
bonus:
  mode: fixed
  yuan_per_point: 0
  include_leaders: false
evaluation:
  groups: {领导: 0.4, 群众: 0.6}
  votes: {优秀: 100, 称职: 85, 基本称职: 70, 不称职: 50}
  trim: 1
  min_raters: 3
"""

STAFF = [("P1", "甲部", "部长"), ("P2", "甲部", "职员"), ("P3", "甲部", "职员"), ("P4", "甲部", "职员")]
STAFF += [("P5", "乙部", "职员"), ("P6", "乙部", "职员"), ("P7", "丙部", "职员"), ("P8", "丙部", "职员")]


def _points() -> list[list[Any]]:
    rows: list[list[Any]] = [["日期", "对象", "事项", "点数", "事由"]]
    rows += [[date(2024, 7, 1), "甲部", "A01", None, None], [date(2024, 7, 2), "甲部", "A01", None, None]]
    rows += [[date(2024, 7, 3), "P4", "A01", None, None]]
    rows += [[date(2024, 8, d), "P6", "A01", None, None] for d in range(1, 5)]
    rows += [[date(2024, 9, d), "P8", "A01", None, None] for d in range(1, 11)]
    return rows


def _evaluations() -> list[list[Any]]:
    rows: list[list[Any]] = [["对象", "评价方", "评价人", "分数", "等次"]]
    rows += [["甲部", "领导", rater, s, None] for rater, s in (("a", 90), ("b", 80), ("c", 85))]
    rows += [["甲部", "群众", None, None, v] for v in ("优秀", "称职", "称职", "基本称职", "优秀")]
    rows += [["丙部", "领导", None, s, None] for s in (90, 95, 98, 100)]
    rows += [["丙部", "群众", None, s, None] for s in (60, 65)]
    rows += [["P1", "领导", None, s, None] for s in (88, 92, 96)]
    rows += [["P1", "群众", None, None, v] for v in ("称职", "称职", "优秀", "不称职")]
    rows += [["P3", "群众", rater, s, None] for rater, s in (("x", 60), ("y", 70), ("z", 80))]
    rows += [["P3", "领导", None, 90, None]]
    rows += [["P7", "领导", None, 100, None]] * 3
    rows += [["L1", "群众", None, None, v] for v in ("优秀", "优秀", "称职")]
    rows += [["L3", "领导", None, s, None] for s in (80, 90, 70)]
    rows += [["L3", "群众", rater, s, None] for rater, s in zip("vwxyz", (70, 75, 80, 85, 90), strict=True)]
    return rows


INDICATOR_HEADER = ["编号", "名称", "层级", "责任部门", "方向", "目标值", "完成值", "权重"]
INDICATOR_HEADER += ["截止日期", "完成日期", "计分曲线"]

SHEETS: dict[str, list[list[Any]]] = {
    "人员": [
        ["工号", "姓名", "部门", "岗位类别", "职务", "绩效基数", "在岗月数"],
        ["L1", "主任甲", None, None, "主任", 1000, None],
        ["L2", "副主任乙", None, None, "副主任", 1000, None],
        ["L3", "副主任丙", None, None, "副主任", 1000, None],
        *([pid, pid, dept, "综合", role, 1000, None] for pid, dept, role in STAFF),
    ],
    "部门": [["部门", "分管领导"], ["甲部", "L2"], ["乙部", "L2"], ["丙部", "L2"]],
    "点数": _points(),
    "指标": [
        INDICATOR_HEADER,
        ["K1", "达标", "市", "甲部", "正向", 100, 95, 1, None, None, "达标型"],
        ["K2", "增长", "市", "甲部", "正向", 10, 12, 1, date(2024, 8, 31), date(2024, 9, 10), "增长型"],
        ["K3", "事故", "市", "乙部", "反向", 5, 0, 1, None, None, "增长型"],
        ["K4", "三分之一", "市", "乙部", "正向", 3, 1, 2, None, None, "增长型"],
        ["K5", "普通", "市", "乙部", "正向", 8, 6, 1, None, None, None],
    ],
    "市级排名": [["指标", "权重", "排名", "参评单位数"], ["GDP", 1, 2, 10]],
    "市级分工": [["指标", "部门", "占比"], ["GDP", "甲部", 1]],
    "否决": [["对象", "事项", "日期", "说明"], ["丙部", "安全生产", date(2024, 8, 1), None]],
    "测评": _evaluations(),
}


def _write(path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in SHEETS.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    book.save(path)


def _sheet(path: Path, name: str) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path, data_only=True)
    try:
        return [tuple(row) for row in book[name].iter_rows(values_only=True)]
    finally:
        book.close()


def _by_first(rows: list[tuple[Any, ...]]) -> dict[Any, dict[str, Any]]:
    header = rows[0]
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def _num(value: Any) -> D | None:
    return None if value is None else D(str(value))


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("evaluations")
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    _write(folder / "input.xlsx")
    score(folder / "input.xlsx", folder / "rules.yaml", "2024Q3", folder / "results.xlsx")
    return folder / "input.xlsx", folder / "rules.yaml", folder / "results.xlsx"


def test_departments(case: tuple[Path, Path, Path]) -> None:
    rows = _sheet(case[2], "部门得分")
    assert rows[0][:6] == ("部门", "指标得分", "市级得分", "测评得分", "部门点数", "综合得分")
    assert rows[0][6:] == ("否决", "排名", "等次")
    got = {r[0]: (*map(_num, r[1:6]), *r[6:]) for r in rows[1:]}
    assert list(got) == ["甲部", "乙部", "丙部"]
    assert got["甲部"] == (D("84.00"), D("90.00"), D("88.00"), D("4.00"), D("90.60"), "否", 1, "优秀")
    assert got["乙部"] == (D("65.42"), None, None, D(0), D("65.42"), "否", 2, "合格")
    assert got["丙部"] == (None, None, D("96.50"), D(0), D("60.00"), "是", 3, "合格")


def test_individuals(case: tuple[Path, Path, Path]) -> None:
    rows = _sheet(case[2], "个人得分")
    assert rows[0][7:10] == ("部门得分", "测评得分", "综合得分")
    got = {r[0]: (_num(r[7]), _num(r[8]), _num(r[9]), r[11], r[12]) for r in rows[1:]}
    assert list(got) == ["P4", "P8", "P2", "P1", "P6", "P3", "P7", "P5"]
    assert got == {
        "P4": (D("90.60"), None, D("97.73"), 1, "优秀"),
        "P8": (D("60.00"), None, D("97.50"), 2, "良好"),
        "P2": (D("90.60"), None, D("96.48"), 3, "优秀"),
        "P1": (D("90.60"), D("87.80"), D("94.74"), 4, "良好"),
        "P6": (D("65.42"), None, D("92.03"), 5, "良好"),
        "P3": (D("90.60"), D("70.00"), D("91.18"), 6, "良好"),
        "P7": (D("60.00"), D("100.00"), D("88.00"), 7, "良好"),
        "P5": (D("65.42"), None, D("87.03"), 8, "良好"),
    }


def test_leaders(case: tuple[Path, Path, Path]) -> None:
    rows = _sheet(case[2], "领导得分")
    assert rows[0][3:7] == ("全区得分", "分管部门均分", "测评得分", "个人点数")
    got = {r[0]: (_num(r[4]), _num(r[5]), _num(r[7]), r[10]) for r in rows[1:]}
    assert got == {
        "L1": (None, D("100.00"), D("95.00"), "优秀"),
        "L3": (None, D("80.00"), D("86.67"), "良好"),
        "L2": (D("72.01"), None, D("81.01"), "良好"),
    }


def test_evaluation_detail(case: tuple[Path, Path, Path]) -> None:
    rows = _sheet(case[2], "测评明细")
    assert rows[0] == ("对象", "评价方", "评分数", "去掉", "平均分", "权重", "计入")
    got = [(r[0], r[1], r[2], r[3], _num(r[4]), _num(r[5]), r[6]) for r in rows[1:]]
    assert got == [
        ("L1", "群众", 3, 2, D(100), D("0.6"), "是"),
        ("L3", "领导", 3, 2, D(80), D("0.4"), "是"),
        ("L3", "群众", 5, 2, D(80), D("0.6"), "是"),
        ("P1", "领导", 3, 2, D(92), D("0.4"), "是"),
        ("P1", "群众", 4, 2, D(85), D("0.6"), "是"),
        ("P3", "领导", 1, 0, None, D("0.4"), "否"),
        ("P3", "群众", 3, 2, D(70), D("0.6"), "是"),
        ("P7", "领导", 3, 2, D(100), D("0.4"), "是"),
        ("丙部", "领导", 4, 2, D("96.5"), D("0.4"), "是"),
        ("丙部", "群众", 2, 0, None, D("0.6"), "否"),
        ("甲部", "领导", 3, 2, D(85), D("0.4"), "是"),
        ("甲部", "群众", 5, 2, D(90), D("0.6"), "是"),
    ]


def test_indicator_detail_with_curves(case: tuple[Path, Path, Path]) -> None:
    rows = _by_first(_sheet(case[2], "指标明细"))
    header = list(next(iter(rows.values())))
    assert header[9:13] == ["完成日期", "计分曲线", "完成比率", "计分比率"]
    got = {
        k: (r["计分曲线"], _num(r["完成比率"]), _num(r["计分比率"]), _num(r["指标得分"]))
        for k, r in rows.items()
    }
    assert got == {
        "K1": ("达标型", D("0.95"), None, D(80)),
        "K2": ("增长型", D("1.2"), None, D(88)),
        "K3": ("增长型", None, None, D(120)),  # 反向 with actual 0: no finite ρ
        "K4": ("增长型", D("0.333333"), None, D("33.33")),
        "K5": (None, D("0.75"), D("0.75"), D(75)),
    }


def test_english_names_and_verify(case: tuple[Path, Path, Path], tmp_path: Path) -> None:
    source, rules, _ = case
    out = tmp_path / "results-en.xlsx"
    score(source, rules, "2024Q3", out, "--lang", "en")
    book = openpyxl.load_workbook(out, read_only=True)
    try:
        names = book.sheetnames
    finally:
        book.close()
    # 汇总 / summary first, then the tables; 测评明细 after 指标明细.
    assert names[0] == "summary"
    assert names[6:9] == ["indicator_detail", "evaluation_detail", "run_info"]
    header = _sheet(out, "evaluation_detail")[0]
    assert header == ("target", "rater_group", "count", "trimmed", "mean", "weight", "counted")
    assert _sheet(out, "individuals")[0][7:10] == ("department_score", "evaluation_score", "score")
    assert _sheet(out, "evaluation_detail")[1][6] == "yes"
    checked = run_kpi("verify", out, "--input", source, "--rules", rules)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    book = openpyxl.load_workbook(out)
    book["evaluation_detail"]["E2"] = 99  # L1 群众's mean, edited by hand
    book.save(out)
    checked = run_kpi("verify", out, "--input", source, "--rules", rules)
    assert checked.returncode == 1
    assert "evaluation_detail!E2: 单元格为 99，重新计算得 100.00" in checked.stdout


def test_validate_counts_the_evaluation_rows(case: tuple[Path, Path, Path]) -> None:
    """3 leaders + 8 staff; 点数 2 + 1 + 4 + 10 = 17 rows; 测评 3 + 5 (甲部) + 4 + 2 (丙部)
    + 3 + 4 (P1) + 3 + 1 (P3) + 3 (P7) + 3 (L1) + 3 + 5 (L3) = 39 rows; no 企业诉求."""
    source, rules, __ = case
    result = run_kpi("validate", source, "--rules", rules, "--period", "2024Q3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{source}：通过（11 人，17 条点数事项，39 条测评）"


def test_explain_shows_the_trimmed_scores_the_curve_and_the_quota(case: tuple[Path, Path, Path]) -> None:
    source, rules, _ = case
    common = (source, "--rules", rules, "--period", "2024Q3")
    p1 = run_kpi("explain", *common, "--who", "P1", "--lang", "en")
    assert p1.returncode == 0, p1.stderr
    lines = p1.stdout.splitlines()
    assert any(
        "群众: 4 scores sorted 50 (不称职), 85 (称职), 85 (称职), 100 (优秀); trim 1 drops the lowest 1 "
        "and the highest 1: 50 (不称职), 100 (优秀)" in line
        for line in lines
    )
    bare = [line.split("  [")[0] for line in lines]
    assert "  G 群众 = r2(Σ kept / kept) = r2((85 + 85) / 2) = 85.00" in bare
    e = "  E = r2(Σ w G / Σ w) over the groups kept = r2((0.4 × 92.00 + 0.6 × 85.00) / (0.4 + 0.6))"
    assert any(line.startswith(e) for line in lines)
    assert any("甲部 is graded 优秀: the quota of 优秀 is 0.5" in line for line in lines)
    assert any("floor(4 × 0.5) = 2" in line for line in lines)
    zh = run_kpi("explain", *common, "--who", "P1").stdout
    assert (
        "群众：4 个评分，排序后 50 (不称职), 85 (称职), 85 (称职), 100 (优秀)；"
        "trim 1 去掉最低 1 个和最高 1 个" in zh
    )
    assert "G 群众 = r2(Σ 保留分数 / 保留个数) = r2((85 + 85) / 2) = 85.00" in zh
    assert "甲部 的等次为 优秀：优秀 的名额比例为 0.5" in zh

    p8 = run_kpi("explain", *common, "--who", "P8", "--lang", "en")
    assert any("丙部 is graded 合格: the quota of 优秀 is 0" in line for line in p8.stdout.splitlines())

    dept = run_kpi("explain", *common, "--who", "甲部", "--lang", "en")
    text = dept.stdout
    interpolation = "g K2 = y₀ + (y₁ − y₀) × (ρ − x₀) / (x₁ − x₀) = "
    assert interpolation + "100 + (120 − 100) × (1.2 − 1) / (1.4 − 1) = 110" in text
    assert "linear 增长型: ρ between [1, 100] and [1.4, 120]" in text
    assert "s K2 = r2(g × factor) = r2(110 × 0.8) = 88.00" in text
    assert "g K1 = 80  (step 达标型: the last point with x ≤ ρ is [0.9, 80]: its y)" in text
    assert "\nevaluation\n" in text

    b = run_kpi("explain", *common, "--who", "乙部", "--lang", "en")
    assert "ρ K3 事故: 反向 with actual 0, so ρ lies above every point of curve 增长型" in b.stdout
    interpolation = "g K4 = y₀ + (y₁ − y₀) × (ρ − x₀) / (x₁ − x₀) = "
    assert interpolation + "0 + (100 − 0) × (1/3 − 0) / (1 − 0) = 100/3" in b.stdout


def test_rules_diff_shows_the_impact_of_an_evaluation_weight(
    case: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    # individual.weights.evaluation 0.2 → 0: E still exists but weighs nothing, so
    # P1 = r2((27.18 + 50) / 0.8) = 96.48 (was 94.74), P3 = 96.48 (was 91.18) and
    # P7 = r2((18 + 50) / 0.8) = 85.00. In 甲部 (2 places of 优秀) P4 97.73 keeps one;
    # P1, P2, P3 tie at 96.48 and P1 takes the last place by id: P1 良好 → 优秀
    # (bonus 1000 → 1200), P2 优秀 → 良好 (1200 → 1000).
    source, rules, _ = case
    new = tmp_path / "new.yaml"
    old_weights = "weights: {department: 0.3, personal: 0.5, evaluation: 0.2}"
    new.write_text(RULES.replace(old_weights, old_weights.replace("0.2}", "0}")), encoding="utf-8")
    result = run_kpi("rules", "diff", rules, new, "--data", source, "--period", "2024Q3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "individual.weights.evaluation（个人综合得分权重 测评得分权重）："
        "0.2 → 0（影响：个人、等次、绩效奖金）"
    )
    assert "  P1 P1: 1000 → 1200 (+200), 良好 → 优秀" in lines
    assert "  P2 P2: 1200 → 1000 (-200), 优秀 → 良好" in lines
