"""verify: a fresh results workbook matches; an edited cell, row or input does not."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from support.worked import Worked

from kpi import api
from kpi.audit.results_book import ResultsError, matches
from kpi.audit.verify import verify
from kpi.errors import Location
from kpi.periods import Period

PERIOD = Period.parse("2024Q3")


def results_workbook(worked: Worked, lang: str = "zh") -> Path:
    out = worked.input.with_name(f"results-{lang}.xlsx")
    api.write_results(api.run(worked.input, worked.rules, PERIOD), out, lang=lang)
    return out


def edit(path: Path, sheet: str, change: dict[str, object], name: str = "edited.xlsx") -> Path:
    """A copy of ``path`` with cells changed, saved by openpyxl as a user's Excel would."""
    book = openpyxl.load_workbook(path)
    for cell, value in change.items():
        book[sheet][cell] = value
    copy = path.with_name(name)
    book.save(copy)
    return copy


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fresh_results_verify_ok(worked: Worked, lang: str) -> None:
    report = verify(results_workbook(worked, lang), worked.input, worked.rules)
    assert report.problems == []
    assert report.ok and report.lang == lang and str(report.period) == "2024Q3"
    assert report.lines("en")[-1].startswith(f"{worked.input.with_name(f'results-{lang}.xlsx')}: ok")


def test_resaved_workbook_still_verifies(worked: Worked) -> None:
    # Saving in a spreadsheet program rewrites the file (empty text cells become blank).
    copy = edit(results_workbook(worked), "个人得分", {})
    assert verify(copy, worked.input, worked.rules).ok


def test_an_edited_score_is_named_by_its_cell(worked: Worked) -> None:
    # 个人得分 row 2 is E01; column I is 综合得分 (method §7), published 103.41.
    copy = edit(results_workbook(worked), "个人得分", {"I2": 103.4})
    report = verify(copy, worked.input, worked.rules)
    assert not report.ok
    assert [str(p) for p in report.problems] == [
        f"{copy}:个人得分!I2: cell holds 103.4, recomputing gives 103.41"
    ]
    (problem,) = report.problems
    assert problem.location == Location(str(copy), "个人得分", 2, "I")
    assert problem.kind == "cell"
    assert report.as_dict()["ok"] is False


def test_edited_text_and_grade_cells(worked: Worked) -> None:
    # 绩效奖金!K4 is E03's 合计 (7663); 个人得分!L4 is E03's 等次 (良好).
    copy = edit(results_workbook(worked), "绩效奖金", {"K4": 8000})
    copy = edit(copy, "个人得分", {"L4": "优秀"}, "edited2.xlsx")
    report = verify(copy, worked.input, worked.rules)
    assert [str(p) for p in report.problems] == [
        f"{copy}:个人得分!L4: cell holds '优秀', recomputing gives '良好'",
        f"{copy}:绩效奖金!K4: cell holds 8000, recomputing gives 7663",
    ]


def test_a_deleted_row_is_one_missing_row(worked: Worked) -> None:
    source = results_workbook(worked)
    book = openpyxl.load_workbook(source)
    book["绩效奖金"].delete_rows(3)  # E02
    book.create_sheet("备注")
    copy = source.with_name("deleted.xlsx")
    book.save(copy)
    report = verify(copy, worked.input, worked.rules)
    assert [(p.kind, str(p.location)) for p in report.problems] == [
        ("missing_row", f"{copy}:绩效奖金!3:3"),
        ("extra_sheet", f"{copy}:备注"),
    ]
    assert report.problems[0].message.startswith("row missing: recomputing gives 'E02' | '刘芳'")


def test_a_changed_input_is_a_sha256_mismatch(worked: Worked) -> None:
    results = results_workbook(worked)
    # E05's 绩效基数 (人员!F8) 5000 → 5001 after the run.
    changed = edit(worked.input, "人员", {"F8": 5001}, "input-changed.xlsx")
    report = verify(results, changed, worked.rules)
    assert not report.ok
    first = report.problems[0]
    # 运行信息 row 11 is 输入SHA256 (rows: header, version, period, rules name, version,
    # source, effective_from, rules file, rules sha256, input file, input sha256).
    assert first.kind == "input_changed"
    assert first.location == Location(str(results), "运行信息", 11, "B")
    assert first.message.startswith("the input workbook changed since the run: 输入SHA256")
    # ...and the bonus figures that follow from it differ too.
    assert any(p.location.sheet == "绩效奖金" for p in report.problems[1:])
    assert all(p.kind != "rules_changed" for p in report.problems)


def test_a_comment_in_the_rules_changes_only_their_sha256(worked: Worked) -> None:
    results = results_workbook(worked)
    rules = worked.rules_variant("base_score: 100", "base_score: 100   # 基础分")
    report = verify(results, worked.input, rules)
    assert [(p.kind, p.location.row) for p in report.problems] == [("rules_changed", 9)]


def test_run_info_paths_may_differ(worked: Worked, tmp_path: Path) -> None:
    # The results record the paths as typed; verifying from elsewhere is not an edit.
    results = results_workbook(worked)
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    (moved / "in.xlsx").write_bytes(worked.input.read_bytes())
    (moved / "r.yaml").write_bytes(worked.rules.read_bytes())
    assert verify(results, moved / "in.xlsx", moved / "r.yaml").ok


def test_unreadable_results_workbook(worked: Worked, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(ResultsError) as caught:
        verify(bad, worked.input, worked.rules)
    assert caught.value.problems[0].location == Location(str(bad))
    with pytest.raises(ResultsError, match="not found"):
        verify(tmp_path / "missing.xlsx", worked.input, worked.rules)
    with pytest.raises(ResultsError, match="not a kpi results workbook"):
        verify(worked.input, worked.input, worked.rules)


def test_period_is_read_from_run_info(worked: Worked) -> None:
    copy = edit(results_workbook(worked), "运行信息", {"B3": "2024Q5"})
    with pytest.raises(ResultsError) as caught:
        verify(copy, worked.input, worked.rules)
    assert caught.value.problems[0].location == Location(str(copy), "运行信息", 3, "B")


def test_matching_rule() -> None:
    assert matches(D("88.60"), 88.6)
    assert matches(D("100.00"), 100)
    assert not matches(D("103.41"), 103.4)
    assert not matches(D("1"), "1")  # a number typed as text is an edit
    assert matches(None, None) and matches("", None)
    assert not matches(None, 0)
    assert matches(3, 3.0) and not matches(3, True)
