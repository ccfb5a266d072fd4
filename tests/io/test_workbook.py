"""read_workbook on whole workbooks: the worked quarter and the real-world variants users send.

``data/worked-quarter.xls`` is the worked quarter (``BASE``) saved as a legacy
BIFF8 .xls by xlwt 1.3.0 (not a project dependency), committed so that the
.xls path is tested without it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from kpi.errors import InputError, Location, Problem
from kpi.io.inputs import COLUMNS, Inputs
from kpi.io.workbook import read_workbook
from kpi.periods import Period
from kpi.rules.schema import Rules

from .conftest import DATA, Sheets, load_test_rules

D = Decimal
Write = Callable[..., Path]


def _problems(error: InputError) -> list[str]:
    return [str(p) for p in error.problems]


def _raises(path: Path, rules: Rules, period: Period) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_workbook(path, rules, period)
    return _problems(caught.value)


def _check_worked(inputs: Inputs) -> None:
    """The values of the worked quarter, typed as kpi.io.inputs documents them."""
    people = inputs.people.set_index("id")
    assert list(people.index) == ["L01", "L02", "E01", "E02", "E03", "E04", "E05", "E06"]
    assert people.loc["L01", "department"] is None
    assert people.loc["E01", "department"] == "招商部"
    assert people.loc["E03", "months"] == D(2)
    assert people.loc["E06", "months"] == D(0)
    assert people.loc["E01", "months"] is None
    assert people.loc["E06", "bonus_base"] == D(5500)
    assert list(inputs.people["row"]) == list(range(2, 10))
    indicators = inputs.indicators.set_index("id")
    assert indicators.loc["ZB01", "actual"] == D("171.01")
    assert indicators.loc["ZB03", "actual"] == D("91.245")
    assert indicators.loc["ZB03", "target"] is None
    assert indicators.loc["ZB02", "completed_on"] == date(2024, 9, 10)
    assert indicators.loc["ZB03", "deadline"] is None
    rankings = inputs.city_rankings
    assert list(rankings["rank"]) == [2, 4, 5]
    assert all(type(v) is int for v in rankings["participants"])
    assert list(inputs.city_shares["share"]) == [D("0.6"), D("0.4"), D(1), D(1)]
    assert len(inputs.points) == 32
    assert inputs.points.loc[0, "date"] == date(2024, 7, 5)
    assert type(inputs.points.loc[0, "date"]) is date
    assert inputs.points.loc[0, "points"] is None
    assert inputs.points.loc[7, "points"] == D(4)
    assert inputs.vetoes.loc[0, "target"] == "综合部"
    for key, columns in COLUMNS.items():
        assert list(inputs.frame(key).columns) == [*columns, "row"]


def test_worked_quarter_as_given(period: Period, worked_quarter: Path) -> None:
    path = worked_quarter / "input.xlsx"
    rules = load_test_rules(worked_quarter / "rules.yaml")
    inputs = read_workbook(path, rules, period)
    _check_worked(inputs)
    assert inputs.path == str(path)
    assert inputs.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert inputs.sheets == {
        "people": "人员",
        "departments": "部门",
        "points": "点数",
        "indicators": "指标",
        "city_rankings": "市级排名",
        "city_shares": "市级分工",
        "vetoes": "否决",
    }
    assert inputs.columns[("people", "bonus_base")] == "F"
    assert inputs.columns[("indicators", "completed_on")] == "J"
    assert inputs.warnings == []
    # Text that looks like a formula is text (the worked example has one).
    assert inputs.points.loc[15, "reason"] == "=督办件逾期一天"


def test_written_base(write: Write, sheets: Sheets, rules: Rules, period: Period) -> None:
    _check_worked(read_workbook(write(sheets), rules, period))


def test_legacy_xls(rules: Rules, period: Period) -> None:
    _check_worked(read_workbook(DATA / "worked-quarter.xls", rules, period))


def test_legacy_xls_named_xlsx(tmp_path: Path, rules: Rules, period: Period) -> None:
    path = tmp_path / "renamed.xlsx"
    shutil.copy(DATA / "worked-quarter.xls", path)
    inputs = read_workbook(path, rules, period)
    _check_worked(inputs)
    assert inputs.warnings == [
        Problem.warning(Location(str(path)), "a legacy .xls workbook with a .xlsx name; read it as .xls")
    ]


def test_xlsm(write: Write, sheets: Sheets, rules: Rules, period: Period) -> None:
    _check_worked(read_workbook(write(sheets, "in.xlsm"), rules, period))


def test_english_sheet_and_column_names(write: Write, sheets: Sheets, rules: Rules, period: Period) -> None:
    english = {
        "人员": (
            "People",
            ["ID", "Name", "Department", "Post_Category", "Role", "Bonus_Base", "Months"],
        ),
        "部门": ("departments", ["department", "leader_in_charge"]),
        "点数": ("POINTS", ["date", "target", "code", "points", "reason"]),
    }
    for zh, (en, header) in english.items():
        rows = sheets.pop(zh)
        rows[0] = header
        sheets[en] = rows
    inputs = read_workbook(write(sheets), rules, period)
    assert inputs.sheets["people"] == "People"
    assert len(inputs.people) == 8


def test_title_row_above_header(write: Write, sheets: Sheets, rules: Rules, period: Period) -> None:
    sheets["人员"].insert(0, ["2024年第三季度人员名单"])
    sheets["点数"][:0] = [["2024年第三季度点数考核登记表"], [None]]
    inputs = read_workbook(write(sheets), rules, period)
    assert list(inputs.people["row"]) == list(range(3, 11))
    assert list(inputs.points["row"])[:2] == [4, 5]
    file = inputs.path
    assert [(w.kind, str(w)) for w in inputs.warnings] == [
        ("warning", f"{file}:人员!2:2: header found in this row; row(s) 1 above it read as a title"),
        ("warning", f"{file}:点数!3:3: header found in this row; row(s) 1 above it read as a title"),
    ]


def test_merged_title_and_merged_department_cells(
    tmp_path: Path, sheets: Sheets, rules: Rules, period: Period
) -> None:
    from .conftest import CORPUS

    sheets["人员"].insert(0, ["人员名单", None, None, None, None, None, None])
    path = CORPUS.write_book(tmp_path / "in.xlsx", sheets)
    book = openpyxl.load_workbook(path)
    people = book["人员"]
    people.merge_cells("A1:G1")
    people["C7"] = None  # E03 takes 招商部 from the merged C5:C7
    people.merge_cells("C5:C7")
    people.row_dimensions[9].hidden = True
    book.save(path)
    inputs = read_workbook(path, rules, period)
    assert list(inputs.people["department"])[2:5] == ["招商部"] * 3
    assert "E05" in set(inputs.people["id"])


def test_real_world_cell_variants(write: Write, sheets: Sheets, rules: Rules, period: Period) -> None:
    people = sheets["人员"]
    people[0][0] = " 工 号 "  # spaces inside a header
    people[0][5] = "绩效\n基数"  # Alt+Enter line break
    people[4][5] = "６０００"  # full-width digits, stored as text
    people[5][5] = " 6,000 "  # thousands separator as text
    people[5][6] = "2"  # number as text
    people.insert(3, [None] * 7)  # blank row
    people.insert(4, ["  ", "\u3000"])  # whitespace-only row
    points = sheets["点数"]
    points[1][0] = "2024年7月5日"
    points[2][0] = "2024/7/19"
    points[3][0] = "2024.8.9"
    points[4][0] = 45538  # Excel serial of 2024-09-03, unformatted
    points[5][0] = datetime(2024, 8, 12, 15, 30)
    points[8][3] = "4"
    shares = sheets["市级分工"]
    shares[1][2], shares[2][2] = "60%", "40%"
    inputs = read_workbook(write(sheets), rules, period)
    assert list(inputs.people["bonus_base"])[3:5] == [D(6000), D(6000)]
    assert inputs.people.loc[4, "months"] == D(2)
    assert list(inputs.people["row"]) == [2, 3, 6, 7, 8, 9, 10, 11]
    assert list(inputs.points["date"])[:5] == [
        date(2024, 7, 5),
        date(2024, 7, 19),
        date(2024, 8, 9),
        date(2024, 9, 3),
        date(2024, 8, 12),
    ]
    assert inputs.points.loc[7, "points"] == D(4)
    assert list(inputs.city_shares["share"])[:2] == [D("0.6"), D("0.4")]


def test_numeric_ids_are_text(write: Write, sheets: Sheets, rules: Rules, period: Period) -> None:
    sheets["人员"][2][0] = 1002  # L02 becomes 1002, a number cell
    sheets["部门"][1][1] = "1002"  # referenced as text
    sheets["部门"][2][1] = 1002.0
    sheets["部门"][3][1] = 1002
    sheets["点数"][9][1] = 1002
    inputs = read_workbook(write(sheets), rules, period)
    assert inputs.people.loc[1, "id"] == "1002"
    assert set(inputs.departments["leader_in_charge"]) == {"1002"}
    assert inputs.points.loc[8, "target"] == "1002"


def test_formula_cells_give_their_cached_values(
    tmp_path: Path, sheets: Sheets, rules: Rules, period: Period
) -> None:
    path = tmp_path / "formulas.xlsx"
    book = xlsxwriter.Workbook(path)
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, datetime.combine(value, datetime.min.time()), dates)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
    people = book.get_worksheet_by_name("人员")
    assert people is not None
    people.write_formula("F4", "=5000*2", None, 10000)
    people.write_formula("A5", '="E"&"02"', None, "E02")
    book.close()
    inputs = read_workbook(path, rules, period)
    assert inputs.people.loc[2, "bonus_base"] == D(10000)
    assert inputs.people.loc[3, "id"] == "E02"


def test_absent_optional_sheets_and_unknown_sheets_and_columns(
    write: Write, sheets: Sheets, rules: Rules, period: Period
) -> None:
    del sheets["点数"], sheets["否决"]
    sheets["说明"] = [["本表说明"], ["随便写"]]
    for row in sheets["人员"]:
        row.append("备注")
    inputs = read_workbook(write(sheets), rules, period)
    assert inputs.points.empty and list(inputs.points.columns) == [*COLUMNS["points"], "row"]
    assert inputs.vetoes.empty
    assert "points" not in inputs.sheets


def test_empty_indicator_and_blank_optional_sheets(
    write: Write, sheets: Sheets, rules: Rules, period: Period
) -> None:
    del sheets["指标"][1:]
    sheets["市级分工"][4][2] = 0.5
    sheets["市级分工"].append(["营商环境评价", "综合部", 0.5])
    sheets["点数"] = []
    sheets["否决"] = [["对象", "事项", "日期", "说明"]]
    inputs = read_workbook(write(sheets), rules, period)
    assert inputs.indicators.empty and inputs.points.empty and inputs.vetoes.empty


def test_year_period_allows_twelve_months(write: Write, sheets: Sheets, rules: Rules) -> None:
    sheets["人员"][5][6] = 12
    sheets["点数"][1][0] = date(2024, 12, 31)
    inputs = read_workbook(write(sheets), rules, Period.parse("2024"))
    assert inputs.people.loc[4, "months"] == D(12)


def test_leader_department_is_ignored_and_post_category_optional(
    write: Write, sheets: Sheets, rules: Rules, period: Period
) -> None:
    sheets["人员"][1][2] = "不存在的部门"
    inputs = read_workbook(write(sheets), rules, period)
    assert inputs.people.loc[0, "department"] is None
    sheets["人员"][1][3] = "领导岗"
    problems = _raises(write(sheets, "bad.xlsx"), rules, period)
    assert len(problems) == 1 and "人员!D2: 岗位类别 '领导岗'" in problems[0]


def test_role_table_covers_leaders_when_they_are_paid(
    write: Write, sheets: Sheets, rules: Rules, period: Period
) -> None:
    paid = rules.model_copy(update={"bonus": rules.bonus.model_copy(update={"include_leaders": True})})
    problems = _raises(write(sheets), paid, period)
    assert [p.split(": ")[0].split(":")[-1] for p in problems] == ["人员!E2", "人员!E3"]
    no_table = rules.model_copy(update={"coefficients": rules.coefficients.model_copy(update={"role": None})})
    sheets["人员"][4][4] = "科员"
    assert len(read_workbook(write(sheets, "ok.xlsx"), no_table, period).people) == 8


def test_many_bad_cells_are_summarised(write: Write, sheets: Sheets, rules: Rules, period: Period) -> None:
    row = sheets["点数"][1]
    sheets["点数"][1:] = [[row[0], "E01", "Z99", None, None] for _ in range(150)]
    problems = _raises(write(sheets), rules, period)
    assert len(problems) == 101
    assert "(and 49 more cells of column 事项 with the same problem below this one)" in problems[-1]
    assert ":点数!C102: " in problems[-1]


def test_problems_are_sorted_and_the_input_untouched(
    write: Write, sheets: Sheets, rules: Rules, period: Period
) -> None:
    sheets["点数"][5][2] = "X"
    sheets["人员"][8][5] = -1
    sheets["点数"][2][2] = "Y"
    path = write(sheets)
    before = path.read_bytes(), os.stat(path).st_mtime_ns
    problems = _raises(path, rules, period)
    assert [p.split(": ")[0].split(":", 1)[1] for p in problems] == [
        "人员!F9",
        "点数!C3",
        "点数!C6",
    ]
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p / "missing.xlsx", "file not found"),
        (lambda p: p, "is a folder, not a workbook"),
        (lambda p: _touch(p / "in.ods", b"x"), "expected an Excel workbook"),
        (lambda p: _touch(p / "in.xlsx", b""), "the file is empty"),
        (lambda p: _touch(p / "in.xls", b"<html><table></table></html>"), "web page (HTML)"),
    ],
)
def test_unreadable_files(
    tmp_path: Path, make: Callable[[Path], Path], words: str, rules: Rules, period: Period
) -> None:
    path = make(tmp_path)
    problems = _raises(path, rules, period)
    assert len(problems) == 1 and words in problems[0]
    assert problems[0].startswith(f"{path}: ")


def _touch(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_excel_1904_date_system(tmp_path: Path, sheets: Sheets, rules: Rules, period: Period) -> None:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    from .conftest import CORPUS

    sheets["点数"][1][0] = 44012  # a 1904-system serial: 2024-07-01
    path = CORPUS.write_book(tmp_path / "in.xlsx", sheets)
    book = openpyxl.load_workbook(path)
    book.epoch = CALENDAR_MAC_1904
    book.save(path)
    inputs = read_workbook(path, rules, period)
    assert inputs.points.loc[0, "date"] == date(2024, 7, 1)
    assert inputs.points.loc[1, "date"] == date(2024, 7, 19)
