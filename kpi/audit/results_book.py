"""Reading a results workbook back, as Excel shows it, to audit it.

``kpi score`` writes the results workbook; finance opens, e-mails and sometimes
edits it. This module is the way back in: the sheets as rows of cached values,
the language they were written in, the period named on 运行信息, and the rule
for whether a cell still holds the value that was published (:func:`matches`).
:mod:`kpi.audit.verify` uses them to compare the workbook with a fresh computation.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from kpi.errors import KpiError, Location
from kpi.files import FileProblem, read_regular
from kpi.i18n import Msg, _
from kpi.io.safety import MAX_FILE_BYTES
from kpi.numbers import from_float
from kpi.periods import Period
from kpi.report.tables import SHEET_TITLES, run_info_label

#: 运行信息 labels verify reads, by language, as :mod:`kpi.report.tables` writes them.
RUN_INFO_KEYS = {
    lang: {
        key: run_info_label(key, lang)
        for key in ("period", "rules_file", "input_file", "rules_sha256", "input_sha256")
    }
    for lang in ("zh", "en")
}
#: The sheet whose presence tells the language of a results workbook, and 运行信息.
FIRST_SHEET = {"zh": SHEET_TITLES["individuals"][0], "en": SHEET_TITLES["individuals"][1]}
RUN_INFO_SHEET = {"zh": SHEET_TITLES["run_info"][0], "en": SHEET_TITLES["run_info"][1]}

Row = tuple[Any, ...]


class ResultsError(KpiError):
    """The results workbook cannot be read, or is not a kpi results workbook."""


def read_book(path: str | Path) -> dict[str, list[Row]]:
    """Every sheet's rows as Excel shows them (cached values), trailing blanks trimmed.

    An empty text cell reads as blank: Excel shows no difference, and saving the
    workbook in Excel or openpyxl drops it.
    """
    name = str(path)
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except FileProblem as problem:
        message = _("results workbook not found") if problem.reason == "missing" else problem.message
        raise ResultsError.single(message, Location(name)) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise ResultsError.single(
            _(
                "cannot read the results workbook ({error}): give the .xlsx that kpi score wrote",
                error=str(exc),
            ),
            Location(name),
        ) from None
    try:
        sheets = {}
        for ws in book.worksheets:
            cells = ws.iter_rows(min_row=1, min_col=1, values_only=True)
            rows = [trim([None if v == "" else v for v in row]) for row in cells]
            while rows and not rows[-1]:
                rows.pop()
            sheets[ws.title] = rows
        return sheets
    finally:
        book.close()


def trim(row: Sequence[Any]) -> Row:
    """The row without its trailing blanks (Excel keeps no trailing empty cells)."""
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return tuple(row[:end])


def language(book: dict[str, list[Row]], name: str) -> str:
    """zh or en, from the sheet names kpi score wrote."""
    found = [lang for lang, sheet in FIRST_SHEET.items() if sheet in book]
    if len(found) != 1:
        raise ResultsError.single(
            _("not a kpi results workbook: expected a sheet 个人得分 (or individuals with --lang en)"),
            Location(name),
        )
    return found[0]


def recorded_period(book: dict[str, list[Row]], lang: str, name: str) -> Period:
    """The period the workbook was scored for, from its 运行信息 sheet."""
    sheet = RUN_INFO_SHEET[lang]
    key = RUN_INFO_KEYS[lang]["period"]
    for excel_row, row in enumerate(book.get(sheet, []), start=1):
        if row and row[0] == key:
            value = row[1] if len(row) > 1 else None
            try:
                return Period.parse(str(value))
            except ValueError as exc:
                reason = exc.args[0] if exc.args and isinstance(exc.args[0], Msg) else str(exc)
                raise ResultsError.single(reason, Location(name, sheet, excel_row, "B")) from None
    raise ResultsError.single(
        _("no {label} row on sheet {sheet}: cannot tell which period to recompute", label=key, sheet=sheet),
        Location(name, sheet),
    )


def matches(published: Any, cell: Any) -> bool:
    """Whether a cell holds what ``kpi score`` wrote for ``published``."""
    numeric = isinstance(cell, int | float) and not isinstance(cell, bool)
    if published is None or published == "":
        return cell is None
    if isinstance(published, Decimal):
        return numeric and (float(published) == cell or from_float(float(cell)) == published)
    if isinstance(published, int) and not isinstance(published, bool):
        return numeric and cell == published
    if isinstance(published, date):
        return isinstance(cell, datetime) and cell == as_cell(published)
    return isinstance(cell, str) and cell == published


def as_cell(value: Any) -> Any:
    """What a published value reads back as from the workbook (for aligning rows)."""
    if value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value
