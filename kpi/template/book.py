"""The template as an openpyxl workbook, and its reproducible bytes.

Each data sheet has its header in row 1 (frozen), column widths that fit
Chinese text, a number format per column (text ``@`` so that 工号 ``001``
stays text, ``yyyy-mm-dd`` for dates) and one data validation per column
that has allowed values (:mod:`kpi.template.spec`), over rows 2 to
:func:`last_row`:

* a list from the rules is written inline (``"招商,企业服务"``) when Excel can
  hold it (at most :data:`INLINE_LIMIT` characters, no comma or quote in a
  value), otherwise as a named range over a column of the hidden sheet
  :data:`LISTS`;
* a list from another sheet is a range of that sheet's column
  (``=部门!$A$2:$A$1000``), so the dropdown follows what is typed there;
* numbers and dates get Excel's decimal, whole, date or custom checks.

The file is written to memory by openpyxl and then repacked with fixed zip
timestamps; with the workbook's creation time fixed by the caller, the same
rules, period and ``--from`` give byte-identical files.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from kpi.errors import column_letter
from kpi.i18n import N_, Msg
from kpi.io.cells import DATE, INTEGER, TEXT
from kpi.io.names import OPTIONAL_SHEETS
from kpi.numbers import plain
from kpi.report.xlsx import EXCEL_EPOCH, ZIP_TIME
from kpi.template.spec import (
    KIND_TEXT,
    NEEDS,
    Allowed,
    Bilingual,
    Bound,
    ColumnSpec,
    RulesList,
    SheetList,
    SheetSpec,
    kind,
    name,
    pick,
    say,
)

if TYPE_CHECKING:
    from kpi.template import Template

#: The instructions sheet and the hidden sheet of long lists (neither is read by ``kpi``).
INSTRUCTIONS: Bilingual = ("填表说明", "instructions")
LISTS = "_lists"
#: Excel's limit on the text of an inline list (``"a,b,c"`` without the quotes).
INLINE_LIMIT = 255
#: Excel's limits on a validation's prompt and error texts.
TITLE_LIMIT, PROMPT_LIMIT, ERROR_LIMIT = 32, 255, 225

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
FORMATS = {TEXT: TEXT_FORMAT, DATE: DATE_FORMAT, INTEGER: "0"}
MIN_WIDTH, MAX_WIDTH = 8.0, 40.0

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
_THIN = Side(style="thin")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_SIMPLE_SHEET_NAME = re.compile(r"[^\W\d]\w*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}\d+|[RrCc]\d*")

#: The texts of 填表说明 and of the validations' prompts and errors (English msgids, with
#: named placeholders; rendered by :meth:`TemplateBook.t` in the template's language).
TEXTS: dict[str, str] = {
    "title": N_("KPI input workbook for {period}: instructions"),
    "rules": N_("Rules: {rules}; period {first} to {last} ({months} months)"),
    "from": N_("Rows of {sheets} carried over from {file}; cleared: {cleared}."),
    "from_requests": N_(
        "Of {sheet}, only the requests with a response or settle deadline on or after {first} "
        "are carried over: the others were checked in their own period."
    ),
    "sheets": N_("Sheets"),
    "sheet_needed": N_("needed"),
    "table": N_("Columns"),
    "sheet": N_("sheet"),
    "column": N_("column"),
    "need": N_("required"),
    "type": N_("type"),
    "allowed": N_("allowed values"),
    "example": N_("example"),
    "note": N_("note"),
    "events": N_("Event codes (sheet points, column code)"),
    "code": N_("code"),
    "event": N_("event name"),
    "points": N_("default points"),
    "cap": N_("cap per period"),
    "none": N_("—"),
    "from_sheet": N_("a value of column {column} in sheet {sheet}"),
    "from_sheet_or_department": N_(
        "a value of column {column} in sheet {sheet}, or a department in sheet {departments}"
    ),
    "rules_list": N_("{values} (rules: {source})"),
    "pick": N_("Pick from the list: {allowed}"),
    "stop": N_("{header}: pick a value from the list."),
    "warn": N_("{header}: not in the list; continue if it is right."),
    "range": N_("must be: {allowed}"),
    "out_of_range": N_("{header} must be: {allowed}"),
}

NOTES: tuple[str, ...] = (
    N_(
        "Row 1 of each sheet is its header: keep it. One record per row from row 2. Columns "
        "with a dropdown take values from the rules file or from another sheet."
    ),
    N_(
        "The dropdown of a 对象 (target) column lists the 工号 of sheet people; for a department, "
        "type its name (Excel asks to confirm)."
    ),
    N_(
        "Write dates as {first}. Dates of points and vetoes lie within {first} to {last}; "
        "other dates (an indicator's deadline) may lie outside the period."
    ),
    N_(
        "When filled in, check it: kpi validate THIS_FILE --rules RULES --period {period}; "
        "every problem is shown with its cell."
    ),
    N_("This sheet and the hidden sheet _lists are not read."),
)


def last_row(carried_rows: int) -> int:
    """The last row the validations cover: at least 1000, and at least 500 rows below
    the carried ones, in whole thousands (the same for every sheet of a workbook)."""
    return 1000 * ((carried_rows + 500) // 1000 + 1)


def display_width(text: str) -> int:
    """Columns a text takes in Excel: a Chinese character is two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def quote_sheet(title: str) -> str:
    """A sheet name as a formula writes it: quoted unless it is a plain name."""
    if _SIMPLE_SHEET_NAME.fullmatch(title) and not _CELL_LIKE.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def excel_serial(day: date) -> int:
    return (day - EXCEL_EPOCH).days


class TemplateBook:
    """Builds the workbook of one template; :meth:`build` returns it."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.sheets = template.sheets
        self.rows = template.carried.rows if template.carried is not None else {}
        self.lang = template.lang
        self.rules = template.rules
        self.period = template.period
        self.last = last_row(max((len(r) for r in self.rows.values()), default=0))
        self.titles = {spec.key: name(spec.key, None, self.lang) for spec, _ in self.sheets}
        self.letters = {
            (spec.key, column.key): _letter(j)
            for spec, columns in self.sheets
            for j, column in enumerate(columns)
        }
        self.book = Workbook()
        #: The hidden sheet of long lists, made when a first list needs it, and its columns.
        self.lists: Worksheet | None = None
        self.list_count = 0

    def t(self, key: str, **values: Any) -> str:
        return Msg(TEXTS[key], values).to(self.lang)

    def build(self) -> Workbook:
        book = self.book
        assert book.active is not None
        book.remove(book.active)
        guide = book.create_sheet(pick(INSTRUCTIONS, self.lang))
        for spec, columns in self.sheets:
            self._data_sheet(spec, columns)
        self._instructions(guide)
        if self.lists is not None:
            book.move_sheet(self.lists, len(book.sheetnames))
        book.active = 0
        return book

    # Data sheets ---------------------------------------------------------------------------

    def _data_sheet(self, spec: SheetSpec, columns: list[ColumnSpec]) -> None:
        ws = self.book.create_sheet(self.titles[spec.key])
        rows = self.rows.get(spec.key, [])
        for j, column in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=j, value=name(spec.key, column.key, self.lang))
            cell.font, cell.fill, cell.border, cell.alignment = (
                _HEADER_FONT,
                _HEADER_FILL,
                _HEADER_BORDER,
                _HEADER_ALIGN,
            )
            letter = _letter(j - 1)
            cell_kind = kind(spec.key, column.key)
            number_format = FORMATS.get(cell_kind, "General")
            dimension = ws.column_dimensions[letter]
            dimension.number_format = number_format
            texts = [str(cell.value), column.example(self.rules, self.period)]
            for i, row in enumerate(rows, start=2):
                value = row.get(column.key)
                if value is None:
                    continue
                written = ws.cell(row=i, column=j)
                _set(written, value)
                written.number_format = number_format
                texts.append(_shown(value))
            least = 12 if cell_kind == DATE else MIN_WIDTH
            dimension.width = min(MAX_WIDTH, max(least, max(display_width(t) for t in texts) + 2.0))
            allowed = column.allowed(self.rules, self.period)
            if allowed is not None:
                ws.add_data_validation(
                    self._validation(spec, column, allowed, f"{letter}2:{letter}{self.last}")
                )
        ws.freeze_panes = "A2"

    def _validation(
        self, spec: SheetSpec, column: ColumnSpec, allowed: Allowed, sqref: str
    ) -> DataValidation:
        header = name(spec.key, column.key, self.lang)
        described = self.describe(allowed)
        if isinstance(allowed, RulesList):
            dv = DataValidation(type="list", formula1=self._list_formula(spec, column, allowed))
            strict = allowed.strict
        elif isinstance(allowed, SheetList):
            letter = self.letters[(allowed.sheet, allowed.column)]
            source = quote_sheet(self.titles[allowed.sheet])
            dv = DataValidation(type="list", formula1=f"{source}!${letter}$2:${letter}${self.last}")
            strict = allowed.strict
        else:
            dv = _bound(allowed, sqref.split(":")[0])
            strict = True
        dv.allow_blank = True
        dv.showInputMessage = True
        dv.showErrorMessage = True
        dv.promptTitle = _cut(header, TITLE_LIMIT)
        dv.errorTitle = _cut(header, TITLE_LIMIT)
        if isinstance(allowed, Bound):
            dv.prompt = _cut(self.t("range", allowed=described), PROMPT_LIMIT)
            dv.error = _cut(self.t("out_of_range", header=header, allowed=described), ERROR_LIMIT)
        else:
            dv.prompt = _cut(self.t("pick", allowed=described), PROMPT_LIMIT)
            dv.error = _cut(self.t("stop" if strict else "warn", header=header), ERROR_LIMIT)
        dv.errorStyle = "stop" if strict else "warning"
        dv.add(sqref)
        return dv

    def _list_formula(self, spec: SheetSpec, column: ColumnSpec, allowed: RulesList) -> str:
        inline = ",".join(allowed.values)
        if len(inline) <= INLINE_LIMIT and not any("," in v or '"' in v for v in allowed.values):
            return f'"{inline}"'
        if self.lists is None:
            self.lists = self.book.create_sheet(LISTS)
            self.lists.sheet_state = "hidden"
        lists = self.lists
        self.list_count += 1
        j = self.list_count
        letter = _letter(j - 1)
        lists.cell(row=1, column=j, value=f"{self.titles[spec.key]}.{name(spec.key, column.key, self.lang)}")
        for i, value in enumerate(allowed.values, start=2):
            _set(lists.cell(row=i, column=j), value)
        defined = f"kpi_{spec.key}_{column.key}"
        ref = f"{quote_sheet(LISTS)}!${letter}$2:${letter}${len(allowed.values) + 1}"
        self.book.defined_names[defined] = DefinedName(defined, attr_text=ref)
        return defined

    def describe(self, allowed: Allowed | None) -> str:
        """Allowed values in words, for 填表说明 and the validation prompts."""
        if allowed is None:
            return ""
        if isinstance(allowed, Bound):
            return say(allowed.text, self.lang)
        if isinstance(allowed, SheetList):
            return self.t(
                "from_sheet_or_department" if allowed.or_department else "from_sheet",
                sheet=self.titles[allowed.sheet],
                column=name(allowed.sheet, allowed.column, self.lang),
                departments=self.titles["departments"],
            )
        separator = "、" if self.lang == "zh" else ", "
        labels = [say(label, self.lang) for label in allowed.labels] or [""] * len(allowed.values)
        shown = [f"{v} {label}" if label else v for v, label in zip(allowed.values, labels, strict=True)]
        if not allowed.source:
            return separator.join(shown)
        return self.t("rules_list", values=separator.join(shown), source=allowed.source)

    # 填表说明 -------------------------------------------------------------------------------

    def _instructions(self, ws: Worksheet) -> None:
        lang, period = self.lang, self.period
        first, last = period.first_day.isoformat(), period.last_day.isoformat()
        _append(ws, [self.t("title", period=period)])
        ws["A1"].font = Font(bold=True, size=14)
        _append(
            ws,
            [self.t("rules", rules=self.template.rules_label, first=first, last=last, months=period.months)],
        )
        carried = self.template.carried
        if carried is not None:
            separator = "、" if lang == "zh" else ", "
            kept = [spec for spec, _ in self.sheets if spec.carried]
            cleared = [
                name(s.key, c.key, lang)
                for s, cols in self.sheets
                if s.carried
                for c in cols
                if not c.carried
            ]
            line = self.t(
                "from",
                sheets=separator.join(self.titles[s.key] for s in kept),
                file=Path(carried.path).name,
                cleared=separator.join(cleared),
            )
            _append(ws, [line])
            if any(s.key == "service_requests" for s in kept):
                _append(ws, [self.t("from_requests", sheet=self.titles["service_requests"], first=first)])
        for note in NOTES:
            _append(ws, [Msg(note, {"first": first, "last": last, "period": period}).to(lang)])
        ws.append([])
        _append(ws, [self.t("sheets")])
        ws.cell(row=ws.max_row, column=1).font = _HEADER_FONT
        self._table_header(ws, ["sheet", "sheet_needed", "note"])
        for spec, _ in self.sheets:
            needed = say(NEEDS["optional" if spec.key in OPTIONAL_SHEETS else "all"], lang)
            _append(ws, [self.titles[spec.key], needed, say(spec.note, lang)])
        ws.append([])
        _append(ws, [self.t("table")])
        ws.cell(row=ws.max_row, column=1).font = _HEADER_FONT
        self._table_header(ws, ["sheet", "column", "need", "type", "allowed", "example", "note"])
        for spec, columns in self.sheets:
            for column in columns:
                _append(
                    ws,
                    [
                        self.titles[spec.key],
                        name(spec.key, column.key, lang),
                        say(NEEDS[column.need], lang),
                        say(KIND_TEXT[kind(spec.key, column.key)], lang),
                        self.describe(column.allowed(self.rules, period)),
                        column.example(self.rules, period),
                        say(column.note, lang),
                    ],
                )
                for cell in ws[ws.max_row]:
                    cell.alignment = _WRAP
        if "points" in self.titles:
            ws.append([])
            _append(ws, [self.t("events")])
            ws.cell(row=ws.max_row, column=1).font = _HEADER_FONT
            self._table_header(ws, ["code", "event", "points", "cap"])
            for code, event in self.rules.points.events.items():
                cap = event.max_per_period
                _append(
                    ws, [code, event.name, plain(event.points), self.t("none") if cap is None else plain(cap)]
                )
        for letter, width in zip("ABCDEFG", (14, 16, 22, 10, 48, 16, 40), strict=True):
            ws.column_dimensions[letter].width = width

    def _table_header(self, ws: Worksheet, keys: list[str]) -> None:
        _append(ws, [self.t(k) for k in keys])
        for cell in ws[ws.max_row]:
            cell.font, cell.fill, cell.border, cell.alignment = (
                _HEADER_FONT,
                _HEADER_FILL,
                _HEADER_BORDER,
                _HEADER_ALIGN,
            )


def _append(ws: Worksheet, texts: list[str]) -> None:
    """A row of text cells (the first one not empty) below the last: text that starts
    with ``=`` stays text."""
    ws.append([_clean(t) if t else None for t in texts])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _clean(text: str) -> str:
    """Characters XML cannot hold, as Excel's ``_xHHHH_`` escape."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _bound(bound: Bound, first_cell: str) -> DataValidation:
    if bound.type == "custom":
        return DataValidation(type="custom", formula1=bound.custom.format(cell=first_cell))
    return DataValidation(
        type=bound.type,
        operator=bound.operator,
        formula1=_limit(bound.low),
        formula2=_limit(bound.high),
    )


def _limit(value: Decimal | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return str(excel_serial(value))
    return plain(value)


def _letter(index: int) -> str:
    """Column letters of a 0-based column index."""
    return column_letter(index + 1)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _set(cell: Any, value: Any) -> None:
    """A carried value as a cell: text stays text (never a formula), numbers exact."""
    if isinstance(value, str):
        cell.value = _clean(value)
        cell.data_type = "s"
    elif isinstance(value, Decimal):
        cell.value = int(value) if value == value.to_integral_value() else float(value)
    else:
        cell.value = value


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def write_book(book: Workbook, path: Path, created: datetime, title: str) -> None:
    """Save ``book`` at ``path`` with fixed properties and zip timestamps (reproducible bytes)."""
    props = book.properties
    props.creator = "kpi"
    props.lastModifiedBy = None
    props.title = title
    props.created = created
    props.modified = created
    buffer = io.BytesIO()
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    with zipfile.ZipFile(buffer) as packed, zipfile.ZipFile(path, "w") as out:
        for info in packed.infolist():
            out.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), packed.read(info), zipfile.ZIP_DEFLATED)
