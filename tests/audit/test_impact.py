"""Impact of a rules change on the worked quarter, derived by hand.

The change: the 优秀 band's quota goes from 0.2 to 0.4 (quota_rounding ceil).
Old numbers are those of WORKED.md; every new number is derived below.

Grades (scores and ranks do not move: quotas only act on grades).
- individuals, n = 6: 优秀 places = ceil(6 × 0.4) = ceil(2.4) = 3 (was ceil(1.2) = 2).
  Order E01 103.41, E02 102.80, E03 102.80, E05 96.00, E06 94.73, E04 60.00 (vetoed).
  E01, E02, E03 take the three places → E03 良好 → 优秀. E05 (96.00) reaches 90 but
  优秀 is full → 良好 as before; E06 良好, E04 不合格 as before.
  The old tie warning (E02/E03 at 102.80 across the cut) is gone: the cut now falls
  between E03 (102.80) and E05 (96.00), which are not tied — no new warning.
- departments, n = 3: ceil(1.2) = 2 places; only 招商部 (101.01) reaches 90 → unchanged.
- leaders, n = 2: ceil(0.8) = 1 place; L01 优秀, L02 (85.26) 良好 → unchanged.

Bonus (pool 60000): only E03's grade factor moves, 1.0 → 1.2.
  u(E03) = 6000 × 1.3 × 1.0 × 1.2 × 2/3 = 6240 (was 5200)
  Σu = 23400 + 9360 + 6240 + 5000 + 0 = 44000, so a share is u × 60000/44000 = u × 15/11:
  | id  | u     | share      | floor | remainder | +1  | bonus |
  | E01 | 23400 | 351000/11  | 31909 | 1/11      |     | 31909 |
  | E02 |  9360 | 140400/11  | 12763 | 7/11      | yes | 12764 |
  | E03 |  6240 |  93600/11  |  8509 | 1/11      |     |  8509 |
  | E05 |  5000 |  75000/11  |  6818 | 2/11      |     |  6818 |
  | E06 |     0 |          0 |     0 | 0         |     |     0 |
  (11 × 31909 = 350999, 11 × 12763 = 140393, 11 × 8509 = 93599, 11 × 6818 = 74998.)
  Floors sum to 59999: the one yuan left goes to the largest remainder, E02 (7/11).
  31909 + 12764 + 8509 + 6818 = 60000. E04 is forfeited (vetoed): 0 as before.
Points rewards do not change (E01 900, E02 400, E03 400, E05 2000, E06 −100, E04 0), so
  totals = max(0, bonus + reward):
  | id  | old total | new total | delta |
  | E01 | 33581     | 32809     |  −772 |
  | E02 | 13473     | 13164     |  −309 |
  | E03 |  7663     |  8909     | +1246 |
  | E05 |  8983     |  8818     |  −165 |
  | E06 |     0     |     0     |     0 |
  | E04 |     0     |     0     |     0 |
  By department: 招商部 33581 + 13473 + 7663 = 54717 → 32809 + 13164 + 8909 = 54882 (+165);
  综合部 (E04, E05) 8983 → 8818 (−165); 企业服务部 (E06) 0 → 0.
  By post category: 招商 +165 (E01–E03), 综合保障 −165 (E04, E05), 企业服务 0 (E06).
  Paid: bonus 60000 → 60000; rewards 900 + 400 + 400 + 2000 − 100 + 0 = 3600 both;
  total 63700 → 63700 (the pool is fixed and rewards did not move).
"""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from support.worked import Worked

from kpi import api
from kpi.audit.impact import impact, impact_of_rules
from kpi.audit.impact_model import Impact, Shift, Transition
from kpi.audit.impact_report import render, write_impact_workbook
from kpi.audit.rules_diff import diff_rules, lines
from kpi.errors import Location, OutputError
from kpi.periods import Period
from kpi.rules import load_rules

PERIOD = Period.parse("2024Q3")

TIE = (
    "individual: tie at the quota cut of 优秀 (score 102.80): E02 takes the last place "
    "by id order, E03 does not"
)


def band_line(rules: Path, band: str) -> int:
    """1-based line of the band ``band`` in a rules file."""
    lines = rules.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if f"name: {band}" in line)


@pytest.fixture
def quota(worked: Worked) -> tuple[Path, Impact]:
    new_rules = worked.rules_variant(
        "{name: 优秀, min: 90, quota: 0.2, factor: 1.2}",
        "{name: 优秀, min: 90, quota: 0.4, factor: 1.2}",
    )
    return new_rules, impact_of_rules(worked.input, worked.rules, new_rules, PERIOD)


def test_the_rules_diff_of_the_change(worked: Worked, quota: tuple[Path, Impact]) -> None:
    new_rules, _ = quota
    changes = diff_rules(load_rules(worked.rules), load_rules(new_rules))
    assert lines(changes, "en") == ["grades.bands[优秀].quota: 0.2 → 0.4  (touches: grades, bonus)"]


def test_people_by_hand(quota: tuple[Path, Impact]) -> None:
    _, result = quota
    rows = [
        (
            m.population,
            m.id,
            m.old_grade,
            m.new_grade,
            m.old.bonus if m.old else None,
            m.new.bonus if m.new else None,
            m.old_total,
            m.new_total,
            m.total_delta,
        )
        for m in result.people
    ]
    assert rows == [
        ("individuals", "E01", "优秀", "优秀", 32681, 31909, 33581, 32809, -772),
        ("individuals", "E02", "优秀", "优秀", 13073, 12764, 13473, 13164, -309),
        ("individuals", "E03", "良好", "优秀", 7263, 8509, 7663, 8909, 1246),
        ("individuals", "E05", "良好", "良好", 6983, 6818, 8983, 8818, -165),
        ("individuals", "E06", "良好", "良好", 0, 0, 0, 0, 0),
        ("individuals", "E04", "不合格", "不合格", 0, 0, 0, 0, 0),
        # leaders are not in the bonus population (include_leaders: false)
        ("leaders", "L01", "优秀", "优秀", None, None, 0, 0, None),
        ("leaders", "L02", "良好", "良好", None, None, 0, 0, None),
    ]
    e03 = result.people[2]
    assert (e03.score_delta, e03.rank_delta, e03.bonus_delta) == (D(0), 0, 1246)
    assert [m.score_delta for m in result.people] == [D(0)] * 8
    assert [(m.id, m.old_grade, m.new_grade) for m in result.departments] == [
        ("招商部", "优秀", "优秀"),
        ("企业服务部", "良好", "良好"),
        ("综合部", "不合格", "不合格"),
    ]


def test_summary_by_hand(worked: Worked, quota: tuple[Path, Impact]) -> None:
    _, result = quota
    assert result.grade_changes() == {
        "departments": (0, 3),
        "leaders": (0, 2),
        "individuals": (1, 6),
    }
    assert result.transitions == [
        Transition("departments", "优秀", "优秀", 1),
        Transition("departments", "良好", "良好", 1),
        Transition("departments", "不合格", "不合格", 1),
        Transition("leaders", "优秀", "优秀", 1),
        Transition("leaders", "良好", "良好", 1),
        Transition("individuals", "优秀", "优秀", 2),
        Transition("individuals", "良好", "优秀", 1),
        Transition("individuals", "良好", "良好", 2),
        Transition("individuals", "不合格", "不合格", 1),
    ]
    assert result.by_department == [
        Shift("企业服务部", 0, 0),
        Shift("招商部", 54717, 54882),
        Shift("综合部", 8983, 8818),
    ]
    assert result.by_post_category == [
        Shift("企业服务", 0, 0),
        Shift("招商", 54717, 54882),
        Shift("综合保障", 8983, 8818),
    ]
    assert [s.delta for s in result.by_department] == [0, 165, -165]
    assert result.paid == [
        Shift("bonus", 60000, 60000),
        Shift("points_reward", 3600, 3600),
        Shift("total", 63700, 63700),
    ]
    assert [(m.id, m.total_delta) for m in result.winners] == [("E03", 1246)]
    assert [(m.id, m.total_delta) for m in result.losers] == [
        ("E01", -772),
        ("E02", -309),
        ("E05", -165),
    ]
    # The tie warning is located at the 优秀 band's line of the old rules file.
    [gone] = result.warnings_gone
    assert (gone.kind, gone.message) == ("warning", TIE)
    assert gone.location == Location(str(worked.rules), line=band_line(worked.rules, "优秀"))
    assert result.warnings_new == []


def test_render_lines(worked: Worked, quota: tuple[Path, Impact]) -> None:
    _, result = quota
    text = render(result, "en")
    assert text[1:4] == [
        "grade changes: departments 0 of 3, leaders 0 of 2, individuals 1 of 6",
        "  individuals: 良好 → 优秀: 1",
        "paid: bonus 60000 → 60000 (0), points rewards 3600 → 3600 (0), total 63700 → 63700 (0)",
    ]
    assert "  招商部: 54717 → 54882 (+165)" in text
    assert "  综合部: 8983 → 8818 (-165)" in text
    assert "  E03 陈静: 7663 → 8909 (+1246), 良好 → 优秀" in text
    assert text[-1] == f"warning gone: {worked.rules}:{band_line(worked.rules, '优秀')}: {TIE}"


def test_same_rules_have_no_impact(worked: Worked) -> None:
    results = api.run(worked.input, worked.rules, PERIOD)
    result = impact(results, results)
    assert all(c == 0 for c, _ in result.grade_changes().values())
    assert result.winners == [] and result.losers == []
    assert all(s.delta == 0 for s in [*result.paid, *result.by_department])
    assert result.warnings_gone == [] and result.warnings_new == []


def test_impact_workbook(tmp_path: Path, worked: Worked, quota: tuple[Path, Impact]) -> None:
    new_rules, result = quota
    out = tmp_path / "impact.xlsx"
    inputs = [worked.input, worked.rules, new_rules]
    assert write_impact_workbook(result, out, False, inputs) == out
    book = openpyxl.load_workbook(out)  # not data_only: a formula would show as "=…"
    try:
        assert book.sheetnames == ["汇总", "个人", "部门", "等次变化"]
        people = list(book["个人"].iter_rows(values_only=True))
        assert people[0][:3] == ("对象", "工号", "姓名")
        assert people[3][:2] == ("个人", "E03")
        assert people[3][-3:] == (7663, 8909, 1246)
        changes = list(book["等次变化"].iter_rows(values_only=True))
        assert changes[1:] == [("个人", "E03", "陈静", "良好", "优秀", 102.8, 102.8, 2, 2)]
        summary = list(book["汇总"].iter_rows(values_only=True))
        assert ("实发", "合计", 63700, 63700, 0) in summary
        assert ("部门合计变化", "招商部", 54717, 54882, 165) in summary
        assert ("等次转换", "个人", "良好", "优秀", 1) in summary
        line = band_line(worked.rules, "优秀")
        [gone] = result.warnings_gone
        text = gone.text(with_file=False, lang="zh")  # the zh workbook shows warnings in Chinese
        assert text.startswith(f"第 {line} 行") and ("消失的警告", text, None, None, None) in summary
    finally:
        book.close()
    with pytest.raises(OutputError, match="already exists"):
        write_impact_workbook(result, out, False, inputs)
    write_impact_workbook(result, out, True, inputs)
    with pytest.raises(OutputError, match="refusing to write"):
        write_impact_workbook(result, worked.input, True, inputs)


def test_impact_workbook_in_english(tmp_path: Path, quota: tuple[Path, Impact]) -> None:
    _, result = quota
    out = tmp_path / "impact-en.xlsx"
    write_impact_workbook(result, out, False, [], lang="en")
    book = openpyxl.load_workbook(out, read_only=True)
    try:
        assert book.sheetnames == ["summary", "people", "departments", "grade_changes"]
    finally:
        book.close()


def test_as_dict_is_json_ready(quota: tuple[Path, Impact]) -> None:
    _, result = quota
    data = json.loads(json.dumps(result.as_dict(), ensure_ascii=False))
    assert data["paid"]["total"] == {"key": "total", "old": 63700, "new": 63700, "delta": 0}
    assert data["winners"][0]["id"] == "E03"
    assert data["winners"][0]["new"] == {
        "score": "102.80",
        "rank": 2,
        "grade": "优秀",
        "bonus": 8509,
        "total": 8909,
    }
