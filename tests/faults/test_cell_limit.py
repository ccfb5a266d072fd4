"""No text over Excel's 32,767-character cell limit is ever written to a results workbook."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kpi.errors import OutputError
from kpi.periods import Period
from kpi.report.tables import Sheet, column
from kpi.report.workbook import save_workbook
from kpi.report.xlsx import MAX_CELL_CHARS, CellTooLong, SheetSpec, excel_length, write_xlsx


def spec(rows: list[list[object]]) -> SheetSpec:
    return SheetSpec("人员", ["工号", "姓名"], ["text", "text"], [10.0, 10.0], rows, len(rows))


def test_excel_counts_utf16_units() -> None:
    assert excel_length("名" * 20_000) == 20_000
    assert excel_length("😀" * 16_384) == 32_768  # each is a surrogate pair in Excel
    assert excel_length("a" * MAX_CELL_CHARS) == MAX_CELL_CHARS


@pytest.mark.parametrize("text", ["x" * (MAX_CELL_CHARS + 1), "😀" * 16_384])
def test_writer_refuses_and_locates_a_long_text(tmp_path: Path, text: str) -> None:
    with pytest.raises(CellTooLong) as caught:
        write_xlsx(tmp_path / "r.xlsx", [spec([["E01", "张伟"], ["E02", text]])], datetime(2024, 9, 30))
    error = caught.value
    assert (error.sheet, error.row, error.column) == ("人员", 3, "B")
    assert error.length == excel_length(text) > MAX_CELL_CHARS


def test_text_at_the_limit_is_written(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "r.xlsx", [spec([["E01", "x" * MAX_CELL_CHARS]])], datetime(2024, 9, 30))
    assert (tmp_path / "r.xlsx").stat().st_size > 0


def test_save_workbook_reports_the_cell_and_writes_nothing(tmp_path: Path) -> None:
    sheet = Sheet(
        "individuals",
        "个人",
        "individuals",
        (column("id", "工号"), column("name", "姓名")),
        [["E01", "张伟"], ["E02", "名" * 40_000]],
    )
    out = tmp_path / "r.xlsx"
    with pytest.raises(OutputError) as caught:
        save_workbook(out, [sheet], lang="zh", period=Period.parse("2024Q3"), force=False, inputs=[])
    assert str(caught.value) == (
        f"{out}:个人!B3: a text of 40,000 characters, more than the 32,767 an Excel cell can hold: "
        "shorten it where it comes from"
    )
    assert list(tmp_path.iterdir()) == []
