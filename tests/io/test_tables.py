"""Header detection, column mapping and data rows, on grids built in memory."""

from __future__ import annotations

from typing import Any

from kpi.errors import Collector, Location, Problem
from kpi.io.sources import Grid
from kpi.io.tables import Table, read_table

HEADER = ["部门", "分管领导"]


def _read(
    rows: list[list[Any]],
    merged: list[tuple[int, int, int, int]] | None = None,
    key: str = "departments",
) -> tuple[Table | None, Collector, list[Problem]]:
    width = max(len(r) for r in rows) if rows else 0
    grid = Grid("部门", [[*r, *[""] * (width - len(r))] for r in rows], merged or [])
    problems = Collector()
    warnings: list[Problem] = []
    return read_table(grid, key, "in.xlsx", problems, warnings), problems, warnings


def _values(table: Table, column: str) -> list[Any]:
    found = table.columns[column]
    return [found.uniques[c] for c in found.codes]


def test_header_is_first_nonblank_row() -> None:
    table, problems, warnings = _read([[], ["", ""], HEADER, ["招商部", "L02"]])
    assert table is not None and not problems and not warnings
    assert table.header_row == 3
    assert list(table.rows) == [4]
    assert {k: c.letter for k, c in table.columns.items()} == {
        "department": "A",
        "leader_in_charge": "B",
    }


def test_title_rows_above_the_header() -> None:
    rows = [["2024年第三季度部门分工表", ""], ["制表：办公室", ""], HEADER, ["招商部", "L02"]]
    table, problems, warnings = _read(rows, merged=[(0, 0, 0, 1)])
    assert table is not None and not problems
    assert table.header_row == 3
    assert _values(table, "department") == ["招商部"]
    assert warnings == [
        Problem.warning(
            Location("in.xlsx", "部门", 3), "header found in this row; row(s) 1, 2 above it read as a title"
        )
    ]


def test_no_header_in_reach_reports_missing_columns_at_first_row() -> None:
    rows = [["2024年第三季度", ""], *[[f"备注{i}", ""] for i in range(12)], HEADER]
    _, problems, _ = _read(rows)
    assert [str(p) for p in problems.problems] == [
        "in.xlsx:部门!1:1: missing column 部门 / department in the header row (row 1): "
        "the header is the first non-blank row; add the column there",
        "in.xlsx:部门!1:1: missing column 分管领导 / leader_in_charge in the header row "
        "(row 1): the header is the first non-blank row; add the column there",
    ]


def test_partial_header_below_title_is_used_for_missing_column_report() -> None:
    rows = [["部门考核表", ""], ["部门", "领导"], ["招商部", "L02"]]
    table, problems, _ = _read(rows)
    assert table is not None
    assert table.header_row == 2
    assert [p.message for p in problems.problems] == [
        "missing column 分管领导 / leader_in_charge in the header row (row 2); "
        "did you mean '领导'? Rename it to 分管领导"
    ]


def test_header_names_are_normalised() -> None:
    rows = [[" Department ", "分管\n领导"], ["招商部", "L02"]]
    table, problems, _ = _read(rows)
    assert table is not None and not problems
    assert table.header("leader_in_charge") == "分管 领导"
    assert _values(table, "leader_in_charge") == ["L02"]


def test_fullwidth_english_header() -> None:
    rows = [["ＤＥＰＡＲＴＭＥＮＴ", "Leader_In_Charge"], ["招商部", "L02"]]
    table, problems, _ = _read(rows)
    assert table is not None and not problems


def test_two_row_header_from_vertical_merge() -> None:
    rows = [
        ["部门", "负责", ""],
        ["", "分管领导", "备注"],
        ["招商部", "L02", "x"],
    ]
    table, problems, _ = _read(rows, merged=[(0, 0, 1, 0), (0, 1, 0, 2)])
    assert table is not None and not problems
    assert table.header_row == 2
    assert list(table.rows) == [3]
    assert _values(table, "leader_in_charge") == ["L02"]


def test_merged_data_cell_fills_each_row() -> None:
    rows = [HEADER, ["招商部", "L02"], ["", "L03"], ["综合部", "L04"]]
    table, _, _ = _read(rows, merged=[(1, 0, 2, 0)])
    assert table is not None
    assert _values(table, "department") == ["招商部", "招商部", "综合部"]


def test_blank_and_whitespace_rows_are_skipped() -> None:
    rows = [HEADER, ["招商部", "L02"], ["", ""], [" ", "\u3000"], ["综合部", "L02"]]
    table, problems, warnings = _read(rows)
    assert table is not None and not problems and not warnings
    assert list(table.rows) == [2, 5]


def test_rows_with_only_unknown_columns_are_skipped_with_a_warning() -> None:
    rows = [[*HEADER, "备注"], ["招商部", "L02", ""], ["", "", "以下空白"]]
    table, _, warnings = _read(rows)
    assert table is not None and list(table.rows) == [2]
    assert warnings == [
        Problem.warning(
            Location("in.xlsx", "部门", 3),
            "row(s) 3 skipped: they have values only in columns this tool does not read",
        )
    ]


def test_column_named_twice_is_an_error_at_the_second() -> None:
    rows = [["部门", "分管领导", "department"], ["招商部", "L02", "招商部"]]
    _, problems, _ = _read(rows)
    assert [str(p) for p in problems.problems] == [
        "in.xlsx:部门!C1: column 部门 / department appears twice (A '部门' and C 'department'): "
        "keep one of them"
    ]


def test_entirely_blank_sheet_has_no_table() -> None:
    table, problems, _ = _read([["", ""], [" ", ""]])
    assert table is None and not problems


def test_header_without_rows() -> None:
    table, problems, _ = _read([HEADER])
    assert table is not None and len(table) == 0 and not problems


def test_numeric_header_cell_is_ignored_as_unknown() -> None:
    rows = [[*HEADER, 2024.0], ["招商部", "L02", 1]]
    table, problems, _ = _read(rows)
    assert table is not None and not problems
    assert set(table.columns) == {"department", "leader_in_charge"}


def test_title_only_sheet_is_empty_with_a_warning() -> None:
    table, problems, warnings = _read([["2024年第三季度否决事项（无）", ""]], key="vetoes")
    assert table is None and not problems
    assert warnings == [
        Problem.warning(
            Location("in.xlsx", "部门", 1),
            "this row is the sheet's only content and no header: read as an empty sheet",
        )
    ]
