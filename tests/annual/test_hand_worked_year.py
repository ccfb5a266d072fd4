"""A whole year worked by hand (method §10): quarter means, Y, annual grades, the year-end pool.

The zone: departments 甲部 and 乙部; leaders L1 (main) and L2 (in charge); staff
E1–E6. The quarters' results workbooks are written by hand with the values
below (what ``kpi score`` would have published); the rules are the worked
quarter's plus::

    evaluation: {groups: {领导: 1}, trim: 0, min_raters: 1}
    annual:
      quarter_weights: {Q1: 1, Q2: 1, Q3: 1, Q4: 2}
      weights: {quarters: 0.6, evaluation: 0.4}
      min_quarters: 2
      veto_any_quarter: true
      veto_max_grade: 基本称职
      grades: floor; 优秀 min 90 quota 0.4 factor 1.5, 称职 70 1.0, 基本称职 60 0.5, 不称职 0 0
      bonus: {pool: 10000}

Year-end 测评 (one 领导 score each, so E = that score): E1 88, E3 95, L1 90, 甲部 85.

Quarter means A = r2(Σ v S / Σ v), v = 1, 1, 1, 2:

    E1 甲部  92, 95, 90, 96        A = (92 + 95 + 90 + 2×96) / 5     = 469/5    = 93.80
    E2 甲部  91, 93, 94, 91.5      A = (91 + 93 + 94 + 2×91.5) / 5   = 461/5    = 92.20
    E3 乙部  85.55, 60 (vetoed Q2), 88, 99
                                   A = (85.55 + 60 + 88 + 2×99) / 5  = 431.55/5 = 86.31
    E4 乙部  joins in Q3: 80.01, 90.02
                                   A = (80.01 + 2×90.02) / 3 = 260.05/3 = 86.68333… → 86.68
    E5 甲部  leaves after Q1: 99   A = 99.00 (one quarter: not graded)
    E6 乙部  部长, promoted to leader in charge from Q3: 90.5, 91 (个人得分), 93, 92 (领导得分)
                                   A = (90.5 + 91 + 93 + 2×92) / 5   = 458.5/5  = 91.70
    L1       88, 89, 90, 91        A = (88 + 89 + 90 + 2×91) / 5     = 449/5    = 89.80
    L2       95, 94, 96, 90        A = (95 + 94 + 96 + 2×90) / 5     = 465/5    = 93.00
    甲部     95, 96, 97, 98        A = (95 + 96 + 97 + 2×98) / 5     = 484/5    = 96.80
    乙部     90, 60 (vetoed Q2), 91, 92
                                   A = (90 + 60 + 91 + 2×92) / 5     = 425/5    = 85.00

Annual score Y = r2((0.6 A + 0.4 E) / 1) with an evaluation score, else A:

    E1  0.6 × 93.80 + 0.4 × 88 = 56.28 + 35.2  = 91.48
    E3  0.6 × 86.31 + 0.4 × 95 = 51.786 + 38   = 89.786 → 89.79
    L1  0.6 × 89.80 + 0.4 × 90 = 53.88 + 36    = 89.88
    甲部 0.6 × 96.80 + 0.4 × 85 = 58.08 + 34   = 92.08
    the others: Y = A.

Grades (floor; vetoed in Q2 → at most 基本称职, no quota place; n = graded only):

    individuals  n = 4 (E5 not graded): 优秀 places floor(4 × 0.4) = 1
                 E2 92.20 → 优秀 (place 1); E1 91.48 → 优秀 full → 称职;
                 E3 89.79 vetoed → 称职 capped to 基本称职; E4 86.68 → 称职; E5 → 不定等次
    leaders      n = 3: floor(1.2) = 1: L2 93.00 → 优秀; E6 91.70 → 称职 (full); L1 89.88 → 称职
    departments  n = 2: floor(0.8) = 0: 甲部 92.08 → 称职 (no place); 乙部 85.00 vetoed → 基本称职

Year-end pool: B = Σ 绩效基数 × 岗位系数 × 职务系数 × 在岗折算 over each quarterly bonus row:

    E1  6000 × 1.3 × 1 × 1 = 7800 in Q1–Q4                B = 31200
    E2  5000 × 1 × 1 × 0.6667 = 3333.5 in Q1, 5000 in Q2–Q4  B = 18333.5
    E3  8000 × 1.15 × 1.5 = 13800 in Q1–Q4               B = 55200 (vetoed: forfeited)
    E4  6000 × 0.3333 = 1999.8 in Q3, 6000 in Q4         B = 7999.8
    E5  7000 × 1.3 = 9100 in Q1                          B = 9100 (not graded)
    E6  10000 × 1 × 1.5 = 15000 in Q1 and Q2             B = 30000 (a leader now, paid by its grade)

    u = factor × B: E2 1.5 × 18333.5 = 27500.25; E1 31200; E4 7999.8; E6 30000; E3, E5 0
    Σu = 96700.05; share = 10000 × u / Σu:
      E2 1833350000/644667 = 2843 + 561719/644667
      E1 2080000000/644667 = 3226 + 304258/644667
      E4  533320000/644667 =  827 + 180391/644667
      E6 2000000000/644667 = 3102 + 242966/644667
    floors 9998; the 2 yuan left go to the largest remainders, E2 and E1:
      E2 2844, E1 3227, E4 827, E6 3102 (= 10000); E3 0, E5 0.
    Rows by annual score (E2 92.20, E6 91.70, E1 91.48, E3 89.79, E4 86.68), then E5.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from support.annual import write_quarter
from support.worked import WORKED_QUARTER
from typer.testing import CliRunner

from kpi.annual import run_annual
from kpi.annual.explain import explain_year
from kpi.cli import app

RULES_TAIL = """\
evaluation:
  groups: {领导: 1}
  trim: 0
  min_raters: 1
annual:
  quarter_weights: {Q1: 1, Q2: 1, Q3: 1, Q4: 2}
  weights: {quarters: 0.6, evaluation: 0.4}
  min_quarters: 2
  veto_any_quarter: true
  veto_max_grade: 基本称职
  grades:
    quota_scope: zone
    quota_rounding: floor
    bands:
      - {name: 优秀, min: 90, quota: 0.4, factor: 1.5}
      - {name: 称职, min: 70, factor: 1.0}
      - {name: 基本称职, min: 60, factor: 0.5}
      - {name: 不称职, min: 0, factor: 0}
  bonus: {pool: 10000}
"""

# Quarter scores: (Q1, Q2, Q3, Q4), None where absent.
STAFF = {
    "E1": ("甲部", (92, 95, 90, 96)),
    "E2": ("甲部", (91, 93, 94, 91.5)),
    "E3": ("乙部", (85.55, 60, 88, 99)),
    "E4": ("乙部", (None, None, 80.01, 90.02)),
    "E5": ("甲部", (99, None, None, None)),
    "E6": ("乙部", (90.5, 91, None, None)),
}
LEADERS = {
    "L1": ("main_leader", (88, 89, 90, 91)),
    "L2": ("leader_in_charge", (95, 94, 96, 90)),
    "E6": ("leader_in_charge", (None, None, 93, 92)),
}
DEPARTMENTS = {"甲部": (95, 96, 97, 98), "乙部": (90, 60, 91, 92)}
VETOED_Q2 = {"E3", "乙部"}
# Bonus rows: id → (bonus_base, post_coef, role_coef, months_factor per quarter or None).
BONUS = {
    "E1": (6000, 1.3, 1, (1, 1, 1, 1)),
    "E2": (5000, 1, 1, (0.6667, 1, 1, 1)),
    "E3": (8000, 1.15, 1.5, (1, 1, 1, 1)),
    "E4": (6000, 1, 1, (None, None, 0.3333, 1)),
    "E5": (7000, 1.3, 1, (1, None, None, None)),
    "E6": (10000, 1, 1.5, (1, 1, None, None)),
}
BALLOTS = (("E1", 88), ("E3", 95), ("L1", 90), ("甲部", 85))


def name(member: str) -> str:
    return f"姓名{member}"


def make_year(folder: Path, lang: str = "zh") -> tuple[list[Path], Path, Path]:
    """The four quarters' results workbooks, the rules and the year-end evaluation."""
    quarters = []
    for q in range(4):
        individuals = [
            {
                "id": i,
                "name": name(i),
                "department": dept,
                "score": scores[q],
                "vetoed": q == 1 and i in VETOED_Q2,
            }
            for i, (dept, scores) in STAFF.items()
            if scores[q] is not None
        ]
        leaders = [
            {"id": i, "name": name(i), "kind": kind, "score": scores[q]}
            for i, (kind, scores) in LEADERS.items()
            if scores[q] is not None
        ]
        departments = [
            {"department": d, "score": s[q], "vetoed": q == 1 and d in VETOED_Q2}
            for d, s in DEPARTMENTS.items()
        ]
        bonus = [
            {
                "id": i,
                "name": name(i),
                "department": STAFF[i][0],
                "bonus_base": base,
                "post_coef": post,
                "role_coef": role,
                "months_factor": months[q],
            }
            for i, (base, post, role, months) in BONUS.items()
            if months[q] is not None
        ]
        path = folder / f"results-Q{q + 1}.xlsx"
        write_quarter(
            path,
            f"2024Q{q + 1}",
            individuals=individuals,
            departments=departments,
            leaders=leaders,
            bonus=bonus,
            lang=lang,
        )
        quarters.append(path)
    rules = folder / "rules.yaml"
    rules.write_text(
        (WORKED_QUARTER / "rules.yaml").read_text(encoding="utf-8") + RULES_TAIL, encoding="utf-8"
    )
    evaluation = folder / "year-end.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "测评"
    ws.append(["对象", "评价方", "分数"])
    for target, score in BALLOTS:
        ws.append([target, "领导", score])
    book.save(evaluation)
    return quarters, rules, evaluation


@pytest.fixture
def year(tmp_path: Path) -> tuple[list[Path], Path, Path]:
    return make_year(tmp_path)


def by_key(frame: object, key: str) -> dict[str, dict[str, object]]:
    return {r[key]: r for r in frame.to_dict("records")}  # type: ignore[attr-defined]


def test_quarter_means_and_annual_scores(year: tuple[list[Path], Path, Path]) -> None:
    quarters, rules, evaluation = year
    results = run_annual(quarters, rules, 2024, evaluation)
    people = {**by_key(results.individuals, "id"), **by_key(results.leaders, "id")}
    expected = {
        "E1": ("93.80", "88.00", "91.48"),
        "E2": ("92.20", None, "92.20"),
        "E3": ("86.31", "95.00", "89.79"),
        "E4": ("86.68", None, "86.68"),
        "E5": ("99.00", None, "99.00"),
        "E6": ("91.70", None, "91.70"),
        "L1": ("89.80", "90.00", "89.88"),
        "L2": ("93.00", None, "93.00"),
    }
    for member, (mean, evaluation_score, score) in expected.items():
        row = people[member]
        assert row["quarters_mean"] == D(mean), member
        assert row["evaluation"] == (None if evaluation_score is None else D(evaluation_score)), member
        assert row["score"] == D(score), member
    departments = by_key(results.departments, "department")
    assert (departments["甲部"]["quarters_mean"], departments["甲部"]["score"]) == (D("96.80"), D("92.08"))
    assert (departments["乙部"]["quarters_mean"], departments["乙部"]["score"]) == (D("85.00"), D("85.00"))
    assert people["E6"]["q1"] == D("90.5") and people["E6"]["q3"] == D("93")  # both populations
    assert people["E3"]["vetoed_quarters"] == "Q2"


def test_grades_ranks_and_the_quota(year: tuple[list[Path], Path, Path]) -> None:
    results = run_annual(*year[:2], 2024, year[2])
    rows = [(r["id"], r["rank"], r["grade"]) for r in results.individuals.to_dict("records")]
    assert rows == [
        ("E2", 1, "优秀"),
        ("E1", 2, "称职"),
        ("E3", 3, "基本称职"),
        ("E4", 4, "称职"),
        ("E5", None, None),
    ]
    assert [(r["id"], r["grade"]) for r in results.leaders.to_dict("records")] == [
        ("L2", "优秀"),
        ("E6", "称职"),
        ("L1", "称职"),
    ]
    assert [(r["department"], r["grade"]) for r in results.departments.to_dict("records")] == [
        ("甲部", "称职"),
        ("乙部", "基本称职"),
    ]
    assert results.quotas["individuals"] == {("优秀", ""): 1}
    assert results.quotas["departments"] == {("优秀", ""): 0}


def test_the_year_end_pool_to_the_yuan(year: tuple[list[Path], Path, Path]) -> None:
    results = run_annual(*year[:2], 2024, year[2])
    assert results.bonus is not None
    paid = [(r["id"], r["base"], r["bonus"]) for r in results.bonus.to_dict("records")]
    assert paid == [
        ("E2", D("18333.5"), 2844),
        ("E6", D("30000"), 3102),
        ("E1", D("31200"), 3227),
        ("E3", D("55200"), 0),
        ("E4", D("7999.8"), 827),
        ("E5", D("9100"), 0),
    ]
    assert sum(b for _, _, b in paid) == 10000


def test_the_annual_workbook_through_the_cli(year: tuple[list[Path], Path, Path], tmp_path: Path) -> None:
    quarters, rules, evaluation = year
    out = tmp_path / "annual.xlsx"
    args = ["annual", *map(str, reversed(quarters)), "--rules", str(rules), "--year", "2024"]
    result = CliRunner().invoke(
        app, ["--lang", "zh", *args, "--evaluation", str(evaluation), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["汇总", "年度个人", "年度部门", "年度领导", "年度奖金", "运行信息"]
    rows = list(book["年度个人"].iter_rows(values_only=True))
    assert rows[0] == (
        "工号",
        "姓名",
        "部门",
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "季度均分",
        "年终测评",
        "年度得分",
        "否决季度",
        "排名",
        "等次",
    )
    assert rows[3] == ("E3", "姓名E3", "乙部", 85.55, 60, 88, 99, 86.31, 95, 89.79, "Q2", 3, "基本称职")
    assert rows[5] == ("E5", "姓名E5", "甲部", 99, None, None, None, 99, None, 99, None, None, "不定等次")
    leaders = list(book["年度领导"].iter_rows(values_only=True))
    assert leaders[2] == ("E6", "姓名E6", "分管领导", 90.5, 91, 93, 92, 91.7, None, 91.7, None, 2, "称职")
    bonus = list(book["年度奖金"].iter_rows(values_only=True))
    assert bonus[0] == ("工号", "姓名", "部门", "折算基数", "等次系数", "年度奖金")
    assert bonus[2] == ("E6", "姓名E6", None, 30000, 1, 3102)
    assert bonus[6] == ("E5", "姓名E5", "甲部", 9100, None, 0)
    info = dict(r[:2] for r in book["运行信息"].iter_rows(values_only=True))
    assert info["考核年度"] == "2024"
    periods = [r[1] for r in book["运行信息"].iter_rows(values_only=True) if r[0] == "季度期间"]
    assert periods == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    verified = CliRunner().invoke(app, ["--lang", "zh", "verify", str(out), "--rules", str(rules)])
    assert verified.exit_code == 0, verified.output


def test_english_quarters_and_an_english_workbook(tmp_path: Path) -> None:
    quarters, rules, evaluation = make_year(tmp_path, lang="en")
    out = tmp_path / "annual.xlsx"
    result = CliRunner().invoke(
        app,
        [
            "annual",
            *map(str, quarters),
            "-r",
            str(rules),
            "-y",
            "2024",
            "-e",
            str(evaluation),
            "-o",
            str(out),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "summary",
        "annual_individuals",
        "annual_departments",
        "annual_leaders",
        "annual_bonus",
        "run_info",
    ]
    rows = list(book["annual_individuals"].iter_rows(values_only=True))
    assert rows[0][7:] == ("quarters_mean", "evaluation", "score", "vetoed_quarters", "rank", "grade")
    assert rows[5][-1] == "not_graded"


def test_explain_derives_a_members_year(year: tuple[list[Path], Path, Path]) -> None:
    results = run_annual(*year[:2], 2024, year[2])
    lines = explain_year(results, "E3", "en").lines()
    text = "\n".join(lines)
    assert (
        "A = r2(Σ v S / Σ v) = r2((1 × 85.55 + 1 × 60 + 1 × 88 + 2 × 99) / (1 + 1 + 1 + 2)) = 86.31" in text
    )
    assert "Y = r2((W_q × A + W_e × E) / (W_q + W_e)) = r2((0.6 × 86.31 + 0.4 × 95.00) / (0.6 + 0.4))" in text
    assert "vetoed in the year: grade at most 基本称职" in text
    assert "grade = 基本称职" in text
    e2 = "\n".join(explain_year(results, "E2", "en").lines())
    assert "u = grade_factor × B = 1.5 × 18333.5 = 27500.25" in e2
    assert "bonus = 2843 + 1 = 2844" in e2
    e5 = "\n".join(explain_year(results, "姓名E5", "en").lines())
    assert "fewer than annual.min_quarters 2: not graded" in e5
    assert "grade = not_graded" in e5
