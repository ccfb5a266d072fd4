"""The results workbook (SPEC §6), written with xlsxwriter.

xlsxwriter streams rows (``constant_memory``) and writes ~5× faster than
openpyxl on large sheets; its ``write_string`` never turns text into a formula,
and the workbook options below also stop it guessing numbers or URLs in text,
so a name like ``=督办件逾期一天`` stays text in Excel and WPS.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from kpi.report.tables import Sheet

FORMATS = {
    "score": "0.00",
    "points": "0.00",
    "money": "0",
    "factor4": "0.0000",
    "int": "0",
    "date": "yyyy-mm-dd",
}
WIDTHS = {"text": 14, "score": 10, "points": 10, "money": 11, "coef": 10, "ratio": 11,
          "factor4": 10, "int": 7, "flag": 6, "kind": 10, "date": 11}


def write_workbook(path: Path, sheets: list[Sheet], lang: str, created: datetime) -> None:
    """Write ``sheets`` to ``path`` (a fresh file: the caller makes it atomic)."""
    book = xlsxwriter.Workbook(str(path), {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    })
    book.set_properties({"created": created, "title": "kpi results"})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                              "text_wrap": True, "valign": "vcenter"})
    formats = {kind: book.add_format({"num_format": spec}) for kind, spec in FORMATS.items()}
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name(lang))
        for col, column in enumerate(sheet.columns):
            width = WIDTHS.get(column.kind, 12)
            if sheet.key == "run_info" and col == 1:
                width = 70
            ws.set_column(col, col, width)
            ws.write_string(0, col, column.header(lang), header)
        ws.freeze_panes(1, 0)
        for r, row in enumerate(sheet.rows, start=1):
            for col, (column, value) in enumerate(zip(sheet.columns, row, strict=True)):
                _write_cell(ws, r, col, value, formats.get(column.kind))
        if sheet.rows:
            ws.autofilter(0, 0, len(sheet.rows), len(sheet.columns) - 1)
    book.close()


def _write_cell(ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_string(row, col, str(value))
    elif isinstance(value, int):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, Decimal):
        ws.write_number(row, col, float(value), fmt)
    elif isinstance(value, datetime | date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day), fmt)
    else:
        ws.write_string(row, col, str(value))
