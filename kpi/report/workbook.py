"""The results workbook (SPEC §6): published tables → :mod:`kpi.report.xlsx` sheets.

Cell kinds map to number formats: scores and points with 2 decimals, money and
counts as whole numbers, the on-post factor with 4, dates as dates; text is
always text (never a formula).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kpi.report.tables import Sheet
from kpi.report.xlsx import SheetSpec, write_xlsx

FORMATS = {
    "score": "0.00",
    "points": "0.00",
    "money": "0",
    "factor4": "0.0000",
    "int": "0",
    "date": "date",
}
WIDTHS = {
    "text": 14,
    "score": 10,
    "points": 10,
    "money": 11,
    "coef": 10,
    "ratio": 11,
    "factor4": 10,
    "int": 7,
    "flag": 6,
    "kind": 10,
    "date": 11,
}


def _spec(sheet: Sheet, lang: str) -> SheetSpec:
    widths = [float(WIDTHS.get(c.kind, 12)) for c in sheet.columns]
    if sheet.key == "run_info":
        widths[-1] = 70.0
    return SheetSpec(
        title=sheet.name(lang),
        headers=[c.header(lang) for c in sheet.columns],
        styles=[FORMATS.get(c.kind, "text") for c in sheet.columns],
        widths=widths,
        rows=sheet.rows,
        row_count=len(sheet.rows),
    )


def write_workbook(path: Path, sheets: list[Sheet], lang: str, created: datetime) -> None:
    """Write ``sheets`` to ``path`` (a fresh file: the caller makes it atomic)."""
    write_xlsx(path, [_spec(s, lang) for s in sheets], created, title="kpi results")
