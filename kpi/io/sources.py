"""Open an input workbook safely and hand out its sheets as plain grids of cell values.

Why calamine — measured on this project's 2-CPU machine (Python 3.11,
python-calamine 0.9.1, openpyxl 3.1.5, another process busy on one CPU) with
a workbook written by xlsxwriter: a 1,000,000-row × 5-column 点数 sheet plus
50,000 人员 rows (26 MB file, 194 MB of sheet XML, shared strings):

* openpyxl ``read_only=True, values_only=True``: 14 s per 200,000 rows of 点数,
  so about 70 s for that sheet alone;
* python-calamine: open + load + ``to_python`` of every sheet 6.8 s
  (``to_python`` alone is about twice as slow with the garbage collector on);
* :func:`kpi.io.workbook.read_workbook` on the whole file, i.e. calamine plus
  the safety scan (about 2 s: inflating and searching the XML),
  header mapping, typing and every check: 10.1–10.4 s, peak RSS 760–775 MB
  (the calamine grid is most of it). With the machine fully loaded by other
  work the same read took 14–16 s.

calamine is therefore the only reader. openpyxl is not needed as a fallback:
the two things calamine cannot tell — a formula cell without a cached value,
and an Excel error value such as ``#N/A`` (both come back as an empty string)
— are found by :func:`~kpi.io.xml_scan.scan_sheet_xml`, a byte-level scan of
the sheet XML that the reader makes anyway for safety. (For a legacy .xls,
which has no XML, an error value reads as blank.)

This module puts the steps together; what makes a file safe to read is in
:mod:`kpi.io.safety` (size, container, zip limits), :mod:`kpi.io.xml_scan`
(forbidden XML declarations, unreadable cells) and :mod:`kpi.io.ooxml_parts`
(which member is which sheet, the date system).
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine

from kpi.errors import InputError, Location, Problem
from kpi.files import FileProblem, read_regular
from kpi.i18n import Msg, _
from kpi.io.memory import check_memory, out_of_memory
from kpi.io.names import SHEET_ALIASES, normalize_name
from kpi.io.number_formats import percent_cells, percent_styles
from kpi.io.ooxml_parts import is_date1904, related_part, sheet_members
from kpi.io.safety import (
    ACCEPTED_SUFFIXES,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    PASSWORD,
    RESAVE,
    check_declared_sizes,
    check_ole2,
    container,
    input_error,
)
from kpi.io.xml_scan import (
    ForbiddenXml,
    SheetScan,
    Unreadable,
    is_sheet_part,
    scan_members,
    scan_sheet_xml,
)

# Kept importable from here, where they used to live (tests/io/test_sources.py).
_ForbiddenXml = ForbiddenXml
_scan_sheet_xml = scan_sheet_xml

__all__ = [
    "Grid",
    "Handoff",
    "Package",
    "ParsedAhead",
    "SheetScan",
    "Source",
    "Unreadable",
    "load_grid",
    "open_package",
    "open_source",
]


@dataclass
class Grid:
    """One sheet: ``rows[i][j]`` is Excel cell (row i+1, column j+1), padded from A1.

    ``merged`` lists merged ranges as 0-based (first_row, first_col, last_row, last_col).
    """

    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]]


@dataclass
class Source:
    """An opened, checked workbook."""

    path: str
    sha256: str
    book: calamine.CalamineWorkbook
    sheet_names: list[str]
    date1904: bool = False
    scans: dict[str, SheetScan] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    #: Sheet name → its percent-formatted cells (1-based row, column), for the sheets
    #: of :data:`PERCENT_SHEETS` (an .xls has no number formats to read: always empty).
    percent_cells: dict[str, set[tuple[int, int]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Package:
    """An .xlsx in memory whose container has been checked and whose parts other
    than the sheets have passed the safety scan: all that another process needs to
    read some of its sheets on its own (:func:`open_package`)."""

    path: str
    sha256: str
    data: bytes
    #: Sheet name → its XML member (``""`` → the workbook part), see :func:`sheet_members`.
    members: dict[str, str]
    #: Member → its inflated size in bytes.
    sizes: dict[str, int]


#: Called by :func:`open_source` once the package is known: the names of the sheets
#: that another process reads. Their members are then neither scanned nor read here.
Handoff = Callable[[Package], frozenset[str]]


#: Sheets whose percent-formatted cells the reader wants to know (目标值, 完成值 of 指标).
PERCENT_SHEETS = frozenset({"indicators"})


def open_source(path: str | Path, handoff: Handoff | None = None) -> Source:
    """Check and open ``path``; an :class:`InputError` says what is wrong with the file.

    With ``handoff``, an .xlsx is offered to it before its sheets are scanned; the
    sheets it returns are left to whoever it gave them to (:mod:`kpi.io.aside`).
    """
    shown = str(path)
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES and os.path.exists(file) and not os.path.isdir(file):
        if suffix in (".csv", ".txt", ".tsv"):
            message = _(
                "expected an Excel workbook (.xlsx, .xlsm or .xls), got '{name}' (a .csv file holds one "
                "sheet; the input needs the sheets 人员, 部门, 点数, 指标, 市级排名, 市级分工, 否决 in one "
                "workbook): save the workbook as .xlsx",
                name=file.name,
            )
        else:
            message = _(
                "expected an Excel workbook (.xlsx, .xlsm or .xls), got '{name}': save the workbook as .xlsx",
                name=file.name,
            )
        raise input_error(shown, message)
    try:
        data = read_regular(file, MAX_FILE_BYTES)
    except FileProblem as problem:
        if problem.reason == "missing":
            raise input_error(shown, _("file not found: {path}", path=shown)) from None
        if problem.reason == "folder":
            raise input_error(
                shown, _("{path} is a folder, not a workbook: give the .xlsx file", path=shown)
            ) from None
        if problem.reason == "size":
            raise input_error(
                shown, _("{reason}: remove unused sheets, images or formatting", reason=problem.message)
            ) from None
        raise input_error(shown, problem.message) from None
    sha = hashlib.sha256(data).hexdigest()
    if container(shown, file.name, data) == "ole2":
        return _open_ole2(shown, sha, data, suffix)
    return _open_ooxml(shown, sha, data, handoff)


def _open_ole2(path: str, sha: str, data: bytes, suffix: str) -> Source:
    """An OLE2 container: a legacy .xls, or an encrypted (password-protected) .xlsx."""
    check_ole2(path, data)
    check_memory(path, len(data))  # a BIFF workbook is not compressed: its size is its data
    warnings = []
    if suffix != ".xls":
        warnings.append(
            Problem.warning(
                Location(path),
                _("a legacy .xls workbook with a {suffix} name; read it as .xls", suffix=suffix),
            )
        )
    book = _calamine_open(path, data)
    return Source(path, sha, book, _worksheet_names(book), warnings=warnings)


def _open_ooxml(path: str, sha: str, data: bytes, handoff: Handoff | None) -> Source:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise input_error(
            path, _("the workbook is damaged or truncated (not a complete zip): {fix}", fix=RESAVE)
        ) from exc
    with archive:
        infos = archive.infolist()
        check_declared_sizes(path, infos)
        check_memory(path, sum(i.file_size for i in infos if i.filename.lower().endswith(".xml")))
        scan_members(path, archive, [i for i in infos if not is_sheet_part(i.filename)])
        members = sheet_members(archive)
        handed: frozenset[str] = frozenset()
        if handoff is not None:
            handed = handoff(Package(path, sha, data, members, {i.filename: i.file_size for i in infos}))
        elsewhere = {members[name] for name in handed}
        sheets = [i for i in infos if is_sheet_part(i.filename) and i.filename not in elsewhere]
        scans_by_member = scan_members(path, archive, sheets)
        date1904 = is_date1904(archive, members.get("", ""))
        percent = _percent_cells(archive, {n: m for n, m in members.items() if n not in handed})
    book = _calamine_open(path, data)
    names = _worksheet_names(book)
    scans = {name: scans_by_member[m] for name, m in members.items() if m in scans_by_member}
    return Source(path, sha, book, names, date1904=date1904, scans=scans, percent_cells=percent)


def open_package(package: Package, names: Iterable[str]) -> Source:
    """The sheets ``names`` of a package handed off by :func:`open_source`: their
    members scanned (the other parts were), then the workbook opened."""
    wanted = {package.members[name] for name in names}
    with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
        infos = [i for i in archive.infolist() if i.filename in wanted]
        scans_by_member = scan_members(package.path, archive, infos)
    book = _calamine_open(package.path, package.data)
    scans = {name: scans_by_member[m] for name, m in package.members.items() if m in scans_by_member}
    return Source(package.path, package.sha256, book, _worksheet_names(book), scans=scans)


def _percent_cells(archive: zipfile.ZipFile, members: dict[str, str]) -> dict[str, set[tuple[int, int]]]:
    """The percent-formatted cells of the :data:`PERCENT_SHEETS` (after the safety scan)."""
    wanted = {
        name: member
        for name, member in members.items()
        if name and SHEET_ALIASES.get(normalize_name(name)) in PERCENT_SHEETS
    }
    if not wanted:
        return {}
    styles = percent_styles(archive, related_part(archive, members[""], "styles"))
    if not styles:
        return {}
    found: dict[str, set[tuple[int, int]]] = {}
    for name, member in wanted.items():
        try:
            found[name] = percent_cells(archive.read(member), styles)
        except (KeyError, zipfile.BadZipFile, EOFError, OSError, NotImplementedError):
            continue  # calamine reports a damaged sheet when it is read
    return found


def _calamine_open(path: str, data: bytes) -> calamine.CalamineWorkbook:
    try:
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError as exc:
        raise input_error(path, PASSWORD) from exc
    except MemoryError:
        raise out_of_memory(path) from None
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise input_error(
            path, _("the workbook cannot be read ({error}): {fix}", error=str(exc), fix=RESAVE)
        ) from exc


def _worksheet_names(book: calamine.CalamineWorkbook) -> list[str]:
    """Worksheets in workbook order (chart sheets and macro sheets hold no table)."""
    return [m.name for m in book.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of cell objects are made.

    Building a million-row grid allocates millions of lists, strings and floats;
    each allocation burst triggers a generation-2 collection that walks every
    object made so far, which roughly doubles the reading time. None of these
    objects form cycles, so nothing is lost by collecting afterwards. Nested uses
    are fine: only the outermost one turns the collector back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class ParsedAhead:
    """Parse a workbook's sheets on a worker thread, in the order they will be read.

    calamine's parse of a sheet (inflating and reading its XML into native cells)
    releases the GIL, while turning the cells into Python values and cutting them
    into records holds it; on a machine with two CPUs the two overlap. Measured on
    50,000 people, 1,000,000 events, 100,000 service requests and 500,000
    evaluation rows: the parse of 企业诉求 and 测评 runs while 点数 is being converted,
    which takes about 1.2 s off the read (see benchmarks/README.md).

    The worker is the only thread that touches ``source.book`` until it is closed:
    it calls ``get_sheet_by_name`` for ``names`` one after the other, and
    :meth:`take` hands each parsed sheet (or the exception its parse raised) to the
    reading thread. Memory stays bounded: the worker starts the next sheet only
    while the parsed sheets not yet taken hold fewer than :attr:`AHEAD_CELLS`
    cells, so it runs ahead past small sheets but never past a large one (in
    calamine's form a cell takes about 32 bytes plus its text). A sheet whose
    safety scan counts more rows than Excel allows is not parsed at all:
    :func:`load_grid` refuses it before asking for it.

    The thread is a daemon and :meth:`close` tells it to stop after the sheet in
    hand, so an interrupted read exits at once.
    """

    AHEAD_CELLS = 4_000_000

    def __init__(self, source: Source, names: Iterable[str]) -> None:
        self._source = source
        self._names = list(names)
        self._parsed: dict[str, tuple[Any, BaseException | None, int]] = {}
        self._held = 0
        self._stopped = False
        self._ready = threading.Condition()
        self._worker = threading.Thread(target=self._parse_all, name="kpi-sheet-parse", daemon=True)
        self._worker.start()

    def _parse_all(self) -> None:
        for name in self._names:
            with self._ready:
                while self._held >= self.AHEAD_CELLS and not self._stopped:
                    self._ready.wait()
                if self._stopped:
                    return
            sheet: Any = None
            error: BaseException | None = None
            cells = 0
            if not _too_many_rows(self._source, name):
                try:
                    sheet = self._source.book.get_sheet_by_name(name)
                    cells = sheet.total_height * sheet.total_width
                except BaseException as exc:  # raised in the reading thread by take()
                    sheet, error = None, exc
            with self._ready:
                self._parsed[name] = (sheet, error, cells)
                self._held += cells
                self._ready.notify_all()

    def take(self, name: str) -> Any:
        """The parsed sheet ``name`` (waiting for it); its parse's exception is raised here."""
        with self._ready:
            while name not in self._parsed:
                self._ready.wait()
            sheet, error, cells = self._parsed.pop(name)
            self._held -= cells
            self._ready.notify_all()
        if error is not None:
            raise error
        return sheet

    def close(self) -> None:
        """Let the worker stop after the sheet in hand; drop the sheets not taken."""
        with self._ready:
            self._stopped = True
            self._parsed.clear()
            self._held = 0
            self._ready.notify_all()

    def __enter__(self) -> ParsedAhead:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _too_many_rows(source: Source, name: str) -> bool:
    scan = source.scans.get(name)
    return scan is not None and scan.rows > MAX_ROWS


def load_grid(source: Source, name: str, ahead: ParsedAhead | None = None) -> Grid:
    """The cells of sheet ``name`` (unreadable cells replaced by :class:`Unreadable`).

    With ``ahead``, the sheet parsed by its worker thread is taken from it instead
    of parsing it here (the worker alone then uses ``source.book``).
    """
    scan = source.scans.get(name)
    if _too_many_rows(source, name):
        raise _too_big(source.path, name, _("more than {rows:,} rows", rows=MAX_ROWS))
    try:
        sheet = ahead.take(name) if ahead is not None else source.book.get_sheet_by_name(name)
        if sheet.total_height > MAX_ROWS or sheet.total_width > MAX_COLUMNS:
            raise _too_big(
                source.path,
                name,
                _("{rows:,} rows × {columns:,} columns", rows=sheet.total_height, columns=sheet.total_width),
            )
        with collector_paused():
            rows = sheet.to_python(skip_empty_area=False) if sheet.height else []
        merged = [(a, b, c, d) for (a, b), (c, d) in (sheet.merged_cell_ranges or [])]
    except InputError:
        raise
    except MemoryError:
        raise out_of_memory(source.path, name) from None
    except Exception as exc:
        raise input_error(
            source.path,
            _("sheet {sheet} cannot be read ({error}): {fix}", sheet=name, error=str(exc), fix=RESAVE),
            sheet=name,
        ) from exc
    if scan is not None:
        if scan.unlocated_formula:
            raise input_error(
                source.path,
                _(
                    "sheet {sheet} has formulas without cached values: open and save the file in "
                    "Excel/WPS so that the calculated values are stored",
                    sheet=name,
                ),
                sheet=name,
            )
        _place_unreadable(rows, scan)
    return Grid(name, rows, merged)


def _too_big(path: str, name: str, what: Msg) -> InputError:
    return input_error(
        path,
        _(
            "sheet {sheet} has {what}; Excel allows at most {rows:,} rows and {columns:,} columns: "
            "refusing it",
            sheet=name,
            what=what,
            rows=MAX_ROWS,
            columns=MAX_COLUMNS,
        ),
        sheet=name,
    )


def _place_unreadable(rows: list[list[Any]], scan: SheetScan) -> None:
    """Put the :class:`Unreadable` markers where calamine left empty strings.

    A never-calculated formula may lie outside calamine's used range; the grid
    is then grown (and padded to one width) so that the marker has a cell.
    """
    if not scan.unreadable:
        return
    width = max((len(r) for r in rows), default=0)
    grown = False
    for (row, col), what in scan.unreadable.items():
        if row > len(rows):
            rows.extend([] for __ in range(row - len(rows)))
            grown = True
        cells = rows[row - 1]
        if col > len(cells):
            cells.extend("" for __ in range(col - len(cells)))
            grown = True
            width = max(width, col)
        if cells[col - 1] in ("", None):
            cells[col - 1] = what
    if grown:
        for cells in rows:
            if len(cells) < width:
                cells.extend("" for __ in range(width - len(cells)))
