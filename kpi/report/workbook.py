"""The results workbook (method §7): published tables → :mod:`kpi.report.xlsx` sheets.

Cell kinds map to number formats: scores and points with 2 decimals, money and
counts as whole numbers, the on-post factor with 4, dates as dates; text is
always text (never a formula).
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

from kpi.errors import Location, OutputError
from kpi.periods import Period
from kpi.report.output import check_output, write_atomically
from kpi.report.tables import Sheet
from kpi.report.xlsx import MAX_CELL_CHARS, CellTooLong, SheetSpec, write_xlsx

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
    """Write ``sheets`` to ``path`` (a fresh file: :func:`save_workbook` makes it atomic)."""
    write_xlsx(path, [_spec(s, lang) for s in sheets], created, title="kpi results")


def save_workbook(
    out: Path, sheets: list[Sheet], *, lang: str, period: Period, force: bool, inputs: list[Path]
) -> Path:
    """Check ``out`` is safe to write, then write ``sheets`` there atomically.

    The creation time is the period's last day, so the same inputs give
    byte-identical files.
    """
    check_output(out, force=force, inputs=inputs)
    created = datetime.combine(period.last_day, time())

    def write(temp: Path) -> None:
        try:
            write_workbook(temp, sheets, lang, created)
        except CellTooLong as exc:
            raise OutputError.single(
                f"a text of {exc.length:,} characters, more than the {MAX_CELL_CHARS:,} an Excel "
                "cell can hold: shorten it where it comes from",
                Location(str(out), sheet=exc.sheet, row=exc.row, column=exc.column),
            ) from None

    write_atomically(out, write, force=force)
    return out
