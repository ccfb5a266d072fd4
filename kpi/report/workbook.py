"""The results workbook (method §7): published tables → :mod:`kpi.report.xlsx` sheets.

How a cell looks is declared once per cell kind (:data:`FORMATS`,
:data:`HIGHLIGHTS`), so any sheet — a new one included — gets it by naming its
columns' kinds: scores and points with 2 decimals, money ``#,##0``, true shares
``0.00%``, counts whole, the on-post factor with 4 decimals, dates as dates,
ratios and coefficients as plain numbers (their published precision), text
always text (never a formula). 否决 = 是 and the lowest band are highlighted by
conditional formats. Column widths follow what the header and a sample of the
values display (a CJK character is two columns wide). Every sheet prints A4
landscape, one page wide, with its header row repeated and a footer naming the
period and the page; the 汇总 sheet (:mod:`kpi.report.summary`) comes first.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from kpi.errors import Location, OutputError
from kpi.i18n import _
from kpi.periods import Period
from kpi.report.output import check_output, write_atomically
from kpi.report.summary import Summary
from kpi.report.tables import Sheet
from kpi.report.xlsx import MAX_CELL_CHARS, CellTooLong, FormSpec, Highlight, SheetSpec, write_xlsx
from kpi.report.xlsx_chart import letter

#: Cell kind → number format of the writer (every other kind: General).
FORMATS = {
    "score": "0.00",
    "points": "0.00",
    "money": "#,##0",
    "share": "0.00%",
    "factor4": "0.0000",
    "int": "0",
    "date": "date",
}
#: Cell kind → the highlight of its cells equal to the sheet's mark for that kind.
HIGHLIGHTS = {"veto": "alert", "grade": "low"}
#: Summary cell role → style prefix (table parts are boxed) or a style of its own.
ROLES = {"plain": "", "cell": "box:", "total": "boxtotal:"}
ROLE_STYLES = {"title": "title", "section": "section", "head": "header", "sign": "sign"}

#: Column widths, in Excel's units (about one Latin character each).
MIN_WIDTH = 6.0
MAX_WIDTH = 60.0
#: Values sampled per column to size it: evenly spread, so widths cost nothing per cell.
SAMPLE_ROWS = 200
_FILTER_BUTTON = 2  # the autofilter's drop-down covers the end of a header cell


def display_width(text: str) -> int:
    """Columns ``text`` takes on screen: East Asian wide and full-width characters count 2."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shown(value: Any, kind: str) -> str:
    """``value`` as its number format displays it (near enough to size a column)."""
    if value is None:
        return ""
    if isinstance(value, bool | str):
        return str(value)
    if isinstance(value, date):
        return "2024-12-31"
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if kind == "money":
        return f"{number:,.0f}"
    if kind == "share":
        return f"{number * 100:.2f}%"
    if kind in ("score", "points"):
        return f"{number:.2f}"
    if kind == "factor4":
        return f"{number:.4f}"
    return format(number, "f")


def _width(header: int, values: list[int]) -> float:
    needed = max([header, *values]) + 2
    return float(min(MAX_WIDTH, max(MIN_WIDTH, needed)))


def _sample(rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    step = max(1, len(rows) // SAMPLE_ROWS)
    return rows[::step]


def column_widths(sheet: Sheet, lang: str) -> list[float]:
    """Per column: the wider of its header (and filter button) and its sampled values."""
    sample = [*_sample(sheet.rows), *sheet.totals]
    return [
        _width(
            display_width(c.header(lang)) + _FILTER_BUTTON,
            [display_width(shown(row[i], c.kind)) for row in sample],
        )
        for i, c in enumerate(sheet.columns)
    ]


def footer(period: str, lang: str) -> str:
    """The printed footer: the period, the sheet's name, page n of m (``&`` doubled in text)."""
    # &L, &C, &R: left, centre, right part; &A the sheet's name; &P the page, &N the pages.
    text = _("&LPeriod: {period}&C&A&RPage &P of &N", period=period.replace("&", "&&"))
    return text.to("en" if lang == "en" else "zh")


def _spec(sheet: Sheet, lang: str) -> SheetSpec:
    highlights = [
        Highlight(i, sheet.marks[c.kind], HIGHLIGHTS[c.kind])
        for i, c in enumerate(sheet.columns)
        if c.kind in HIGHLIGHTS and c.kind in sheet.marks
    ]
    return SheetSpec(
        title=sheet.name(lang),
        headers=[c.header(lang) for c in sheet.columns],
        styles=[FORMATS.get(c.kind, "text") for c in sheet.columns],
        widths=column_widths(sheet, lang),
        rows=sheet.rows,
        row_count=len(sheet.rows),
        totals=sheet.totals,
        highlights=highlights,
        footer=footer(sheet.period, lang) if sheet.period else "",
    )


def _form(summary: Summary, lang: str) -> FormSpec:
    cells = [
        [
            (cell.value, ROLE_STYLES.get(cell.role) or ROLES[cell.role] + FORMATS.get(cell.kind, "text"))
            for cell in row
        ]
        for row in summary.grid
    ]
    # Widths from the tables only: titles, headings and labels may run on into empty cells.
    columns = max(len(row) for row in summary.grid)
    measured: list[list[int]] = [[] for __ in range(columns)]
    merges = []
    for number, row in enumerate(summary.grid, start=1):
        for i, cell in enumerate(row):
            if cell.span > 1:
                merges.append(f"{letter(i)}{number}:{letter(i + cell.span - 1)}{number}")
            elif cell.role in ("head", "cell", "total"):
                measured[i].append(display_width(shown(cell.value, cell.kind)))
    widths = [_width(0, m) for m in measured]
    return FormSpec(
        title=summary.name(lang),
        cells=cells,
        widths=widths,
        charts=summary.charts,
        breaks=summary.breaks,
        footer=footer(summary.period, lang) if summary.period else "",
        merges=merges,
    )


def write_workbook(path: Path, sheets: Sequence[Sheet | Summary], lang: str, created: datetime) -> None:
    """Write ``sheets`` to ``path`` (a fresh file: :func:`save_workbook` makes it atomic)."""
    specs = [_form(s, lang) if isinstance(s, Summary) else _spec(s, lang) for s in sheets]
    write_xlsx(path, specs, created, title="kpi results")


def save_workbook(
    out: Path,
    sheets: Sequence[Sheet | Summary],
    *,
    lang: str,
    period: Period,
    force: bool,
    inputs: list[Path],
) -> Path:
    """Check ``out`` is safe to write, then write ``sheets`` there atomically.

    The creation time is the period's last day, so the same inputs give
    byte-identical files; every sheet's printed footer names the period.
    """
    check_output(out, force=force, inputs=inputs)
    created = datetime.combine(period.last_day, time())
    dated = [s if s.period else replace(s, period=str(period)) for s in sheets]

    def write(temp: Path) -> None:
        try:
            write_workbook(temp, dated, lang, created)
        except CellTooLong as exc:
            raise OutputError.single(
                _(
                    "a text of {length:,} characters, more than the {limit:,} an Excel cell can hold: "
                    "shorten it where it comes from",
                    length=exc.length,
                    limit=MAX_CELL_CHARS,
                ),
                Location(str(out), sheet=exc.sheet, row=exc.row, column=exc.column),
            ) from None

    write_atomically(out, write, force=force)
    return out
