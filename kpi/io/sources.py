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
  this module's safety scan (about 2 s: inflating and searching the XML),
  header mapping, typing and every check: 10.1–10.4 s, peak RSS 760–775 MB
  (the calamine grid is most of it). With the machine fully loaded by other
  work the same read took 14–16 s.

calamine is therefore the only reader. openpyxl is not needed as a fallback:
the two things calamine cannot tell — a formula cell without a cached value,
and an Excel error value such as ``#N/A`` (both come back as an empty string)
— are found by :func:`_scan_sheet_xml`, a byte-level scan of the sheet XML
that this module makes anyway for safety. (For a legacy .xls, which has no
XML, an error value reads as blank.)

Safety (the input is whatever a user e-mailed to HR):

* the extension must be .xlsx, .xlsm or .xls, and the content is sniffed: a
  zip (OOXML), an OLE2 container (legacy .xls, or an *encrypted* OOXML, which
  Excel stores as OLE2 with an ``EncryptedPackage`` stream), anything else is
  refused with a message saying what it looks like;
* the whole file is read once into memory (at most :data:`MAX_FILE_BYTES`), so
  the sha256 and the cells come from the same bytes and the input is never
  opened for writing;
* zip bombs are refused from the *declared* sizes in the central directory,
  before anything is inflated: at most :data:`MAX_MEMBERS` members,
  :data:`MAX_UNCOMPRESSED` bytes in total, and no member over
  :data:`RATIO_CHECK_BYTES` inflating more than :data:`MAX_RATIO` times. Every
  XML member is then inflated once, in chunks, by :mod:`zipfile`, which stops at
  the declared size and checks the CRC, so a member that lies about its size is
  refused as damaged rather than trusted;
* no XML member may contain a ``<!DOCTYPE`` or ``<!ENTITY`` declaration
  (entity-expansion "billion laughs" attacks and external entities); OOXML never
  needs one;
* a sheet may have at most :data:`MAX_ROWS` rows (Excel's own limit).
"""

from __future__ import annotations

import gc
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import python_calamine as calamine
from defusedxml import ElementTree as SafeET

from kpi.errors import InputError, Location, Problem

#: Largest input file read at all (a full 1,048,576-row sheet is ~30–150 MB).
MAX_FILE_BYTES = 512 * 1024**2
#: Largest total of the declared uncompressed sizes of a workbook's members.
MAX_UNCOMPRESSED = 1024**3
#: Members declaring more than this are held to :data:`MAX_RATIO`.
RATIO_CHECK_BYTES = 1024**2
#: Largest uncompressed/compressed ratio of a big member (real sheets: 5–20;
#: Apache POI's default limit is the same 100).
MAX_RATIO = 100
#: More members than any workbook has; a zip of many tiny bombs is refused.
MAX_MEMBERS = 10_000
#: Excel's own limits; a larger sheet cannot have come from Excel or WPS.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384

ACCEPTED_SUFFIXES = (".xlsx", ".xlsm", ".xls")

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 4 * 1024**2
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_CELL_TYPE = re.compile(rb'\bt="([A-Za-z]+)"')
_CACHED_VALUE = re.compile(rb"<v(?:\s[^>]*)?>([^<]*)</v>")
_FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY")
_RESAVE = "open it in Excel or WPS and save it again as .xlsx"
_PASSWORD_FIX = (
    "Remove the password in Excel/WPS (File ▸ Info ▸ Protect Workbook ▸ Encrypt with "
    "Password, clear it) and save again"
)
_PASSWORD = "the workbook is password-protected (encrypted) and cannot be read. " + _PASSWORD_FIX


@dataclass(frozen=True)
class Unreadable:
    """Stands in a grid for a cell whose value the file does not hold.

    calamine returns an empty string both for a formula that was never
    calculated (files written by scripts) and for an Excel error value
    (``#N/A``, ``#DIV/0!``); treating those as blank would hide the real fault
    behind a "value is required" message, so the grid carries this instead.
    """

    reason: str


_NOT_CALCULATED = Unreadable(
    "is a formula without a cached value: open and save the file in Excel/WPS "
    "so that the calculated values are stored"
)


@dataclass
class SheetScan:
    """What the byte-level scan of one sheet's XML found (1-based row, column)."""

    rows: int = 0
    unreadable: dict[tuple[int, int], Unreadable] = field(default_factory=dict)
    #: A formula without a cached value in a cell without an ``r`` reference.
    unlocated_formula: bool = False


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
    warnings: list[str] = field(default_factory=list)


def _fail(path: str, message: str, sheet: str | None = None) -> InputError:
    return InputError([Problem(Location(file=path, sheet=sheet), message)])


def open_source(path: str | Path) -> Source:
    """Check and open ``path``; an :class:`InputError` says what is wrong with the file."""
    shown = str(path)
    file = Path(path)
    if not file.exists():
        raise _fail(shown, f"file not found: {shown}")
    if file.is_dir():
        raise _fail(shown, f"{shown} is a folder, not a workbook: give the .xlsx file")
    suffix = file.suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        hint = (
            " (a .csv file holds one sheet; the input needs the sheets 人员, 部门, 点数, 指标, "
            "市级排名, 市级分工, 否决 in one workbook)"
            if suffix in (".csv", ".txt", ".tsv")
            else ""
        )
        raise _fail(
            shown,
            f"expected an Excel workbook (.xlsx, .xlsm or .xls), got '{file.name}'{hint}: "
            "save the workbook as .xlsx",
        )
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _fail(
            shown,
            f"the file is {size / 1024**2:.0f} MB, more than the {MAX_FILE_BYTES // 1024**2} MB "
            "this tool reads: remove unused sheets, images or formatting",
        )
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise _fail(shown, f"cannot read the file: {exc.strerror or exc}") from exc
    sha = hashlib.sha256(data).hexdigest()
    if data.startswith(_OLE2_MAGIC):
        return _open_ole2(shown, sha, data, suffix)
    if data.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        return _open_ooxml(shown, sha, data, suffix)
    raise _fail(shown, f"{file.name} is not an Excel workbook ({_looks_like(data)}): {_RESAVE}")


def _looks_like(data: bytes) -> str:
    """A few words on what a non-workbook file seems to be, for the message."""
    if not data:
        return "the file is empty"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")):
        return "it is a web page (HTML) saved with an Excel extension"
    if head.startswith(b"<?xml"):
        return "it is an XML file (perhaps Excel 2003 XML)"
    if head.startswith(b"%pdf"):
        return "it is a PDF"
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "its content is not a .xlsx or .xls workbook"
    return "it is a text file, perhaps CSV, with an Excel extension"


def _open_ole2(path: str, sha: str, data: bytes, suffix: str) -> Source:
    """An OLE2 container: a legacy .xls, or an encrypted (password-protected) .xlsx."""
    # Excel stores a password-protected .xlsx as an OLE2 container holding the
    # encrypted zip in a stream named EncryptedPackage.
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise _fail(path, _PASSWORD)
    if not _is_biff(data):
        raise _fail(
            path,
            "the file is an OLE2 container without a workbook inside: most likely a "
            "password-protected (encrypted) workbook, or another Office file with an Excel "
            "name. " + _PASSWORD_FIX,
        )
    warnings = []
    if suffix != ".xls":
        warnings.append(f"{path} is a legacy .xls workbook with a {suffix} name; read it as .xls")
    book = _calamine_open(path, data)
    return Source(path, sha, book, _worksheet_names(book), warnings=warnings)


def _is_biff(data: bytes) -> bool:
    """Does an OLE2 container hold a BIFF workbook stream (a real .xls)?"""
    return any(name.encode("utf-16-le") in data for name in ("Workbook", "Book"))


def _calamine_open(path: str, data: bytes) -> calamine.CalamineWorkbook:
    try:
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError as exc:
        raise _fail(path, _PASSWORD) from exc
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise _fail(path, f"the workbook cannot be read ({exc}): {_RESAVE}") from exc


def _worksheet_names(book: calamine.CalamineWorkbook) -> list[str]:
    """Worksheets in workbook order (chart sheets and macro sheets hold no table)."""
    return [m.name for m in book.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]


def _open_ooxml(path: str, sha: str, data: bytes, suffix: str) -> Source:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise _fail(path, f"the workbook is damaged or truncated (not a complete zip): {_RESAVE}") from exc
    with archive:
        infos = archive.infolist()
        _check_declared_sizes(path, infos)
        scans_by_member: dict[str, SheetScan] = {}
        for info in infos:
            if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            is_sheet = info.filename.lower().startswith("xl/worksheets/")
            try:
                with archive.open(info) as stream:
                    scan = _scan_sheet_xml(stream) if is_sheet else _scan_xml(stream)
            except _ForbiddenXml as exc:
                raise _fail(
                    path,
                    f"the workbook part {info.filename} declares {exc.args[0]}: workbooks saved by "
                    "Excel or WPS never do, and such declarations can make a reader expand "
                    "entities without end; refusing the file. Copy the data into a new "
                    "workbook and save it as .xlsx",
                ) from exc
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
                raise _fail(path, f"the workbook is damaged ({info.filename}: {exc}): {_RESAVE}") from exc
            if is_sheet:
                scans_by_member[info.filename] = scan
        members = _sheet_members(archive)
        date1904 = _date1904(archive, members.get("", ""))
    book = _calamine_open(path, data)
    names = _worksheet_names(book)
    scans = {name: scans_by_member[m] for name, m in members.items() if m in scans_by_member}
    return Source(path, sha, book, names, date1904=date1904, scans=scans)


def _check_declared_sizes(path: str, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb from the central directory alone, before inflating anything."""
    if len(infos) > MAX_MEMBERS:
        raise _fail(path, f"the workbook has {len(infos)} parts, more than {MAX_MEMBERS}: refusing it")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise _fail(
            path,
            f"the workbook would inflate to {total / 1024**2:,.0f} MB, more than the "
            f"{MAX_UNCOMPRESSED // 1024**2:,} MB limit (a zip bomb, or far more data than an "
            "appraisal needs): refusing it",
        )
    for info in infos:
        if info.file_size > RATIO_CHECK_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _fail(
                path,
                f"the workbook part {info.filename} would inflate "
                f"{info.file_size / max(info.compress_size, 1):,.0f} times (limit {MAX_RATIO}): "
                "it looks like a zip bomb, refusing it",
            )


class _ForbiddenXml(Exception):
    """An XML member holds a DOCTYPE or ENTITY declaration."""


def _check_forbidden(part: bytes) -> None:
    for marker in _FORBIDDEN_XML:
        if marker in part:
            raise _ForbiddenXml("a DOCTYPE" if marker == b"<!DOCTYPE" else "an ENTITY")


def _scan_xml(stream: IO[bytes]) -> SheetScan:
    """Inflate a non-sheet member in chunks, looking only for forbidden declarations."""
    tail = b""
    while chunk := stream.read(_CHUNK):
        _check_forbidden(tail + chunk)
        tail = chunk[-16:]
    return SheetScan()


def _scan_sheet_xml(stream: IO[bytes]) -> SheetScan:
    """Inflate a sheet in chunks, counting rows and finding unreadable cells.

    Chunks are cut after the last ``</c>`` (or ``</row>``) so that no cell is
    split between two scans; the tail is carried to the next chunk.
    """
    scan = SheetScan()
    carry = b""
    while chunk := stream.read(_CHUNK):
        buf = carry + chunk
        ends = [i + len(m) for m in (b"</c>", b"</row>") if (i := buf.rfind(m)) >= 0]
        if not ends and len(buf) < 4 * _CHUNK:
            carry = buf
            continue
        cut = max(ends, default=len(buf))
        _scan_part(buf[:cut], scan)
        carry = buf[cut:]
        if scan.rows > MAX_ROWS:
            return scan
    _scan_part(carry, scan)
    return scan


def _scan_part(part: bytes, scan: SheetScan) -> None:
    """One pass per marker over a run of whole cells (bytes.find is memchr-fast)."""
    if b"<!" in part:
        _check_forbidden(part)
    scan.rows += part.count(b"<row")  # also counts the one <rowBreaks, if any
    pos = part.find(b"<f")
    while pos >= 0:
        if part[pos + 2 : pos + 3] in (b">", b" "):
            _formula_cell(part, pos, scan)
        pos = part.find(b"<f", pos + 2)
    pos = part.find(b't="e"')
    while pos >= 0:
        cell = _cell_around(part, pos)
        if cell is not None:
            value = _CACHED_VALUE.search(cell)
            shown = value.group(1).decode("utf-8", "replace") if value else "error"
            _mark(
                cell,
                scan,
                Unreadable(f"shows the Excel error {shown}: fix the formula or type the value"),
            )
        pos = part.find(b't="e"', pos + 5)


def _cell_around(part: bytes, pos: int) -> bytes | None:
    """The ``<c …>…`` element holding byte ``pos`` (up to its ``</c>``), if whole."""
    start = max(part.rfind(b"<c ", 0, pos), part.rfind(b"<c>", 0, pos))
    end = part.find(b"</c>", pos)
    return part[start:end] if start >= 0 and end >= 0 else None


def _formula_cell(part: bytes, pos: int, scan: SheetScan) -> None:
    """Record the formula cell around ``pos`` if it has no cached value."""
    cell = _cell_around(part, pos)
    if cell is None:
        return
    head = cell[: cell.find(b">") + 1]
    kind = _CELL_TYPE.search(head)
    value = _CACHED_VALUE.search(cell)
    # A formula that returned "" is stored as t="str" with an empty <v>: that is
    # a cached (blank) value. No <v>, or an empty numeric one, means "never calculated".
    cached = value is not None and (value.group(1) != b"" or (kind is not None and kind.group(1) == b"str"))
    if not cached and not _mark(cell, scan, _NOT_CALCULATED):
        scan.unlocated_formula = True


def _mark(cell: bytes, scan: SheetScan, what: Unreadable) -> bool:
    ref = _CELL_REF.search(cell[: cell.find(b">") + 1])
    if ref is None:
        return False
    col = 0
    for ch in ref.group(1):
        col = col * 26 + ch - 64
    scan.unreadable[(int(ref.group(2)), col)] = what
    return True


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML member, from the workbook part and its relationships.

    The key ``""`` holds the workbook part itself. Anything unexpected gives an
    empty map: the scan results then simply go unused.
    """
    try:
        root_rels = SafeET.fromstring(archive.read("_rels/.rels"))
        workbook = next(
            r.get("Target", "") for r in root_rels if r.get("Type", "").endswith("/officeDocument")
        ).lstrip("/")
        folder = PurePosixPath(workbook).parent
        rels_path = str(folder / "_rels" / (PurePosixPath(workbook).name + ".rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in SafeET.fromstring(archive.read(rels_path))}
        members = {"": workbook}
        for sheet in SafeET.fromstring(archive.read(workbook)).iter():
            if not sheet.tag.endswith("}sheet"):
                continue
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            member = target.lstrip("/") if target.startswith("/") else str(folder / target)
            members[sheet.get("name", "")] = _normalise_member(member)
        return members
    except Exception:  # a malformed but calamine-readable workbook: no scan mapping
        return {}


def _normalise_member(member: str) -> str:
    parts: list[str] = []
    for piece in member.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _date1904(archive: zipfile.ZipFile, workbook: str) -> bool:
    """Does the workbook count dates from 1904 (old Mac Excel)?"""
    if not workbook:
        return False
    try:
        root = SafeET.fromstring(archive.read(workbook))
    except Exception:
        return False
    for element in root.iter():
        if element.tag.endswith("}workbookPr"):
            return element.get("date1904", "").lower() in ("1", "true")
    return False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of cell objects are made.

    Building a million-row grid allocates millions of lists, strings and floats;
    each allocation burst triggers a generation-2 collection that walks every
    object made so far, which roughly doubles the reading time. None of these
    objects form cycles, so nothing is lost by collecting afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_grid(source: Source, name: str) -> Grid:
    """The cells of sheet ``name`` (unreadable cells replaced by :class:`Unreadable`)."""
    scan = source.scans.get(name)
    if scan is not None and scan.rows > MAX_ROWS:
        raise _too_big(source.path, name, f"more than {MAX_ROWS:,} rows")
    try:
        sheet = source.book.get_sheet_by_name(name)
        if sheet.total_height > MAX_ROWS or sheet.total_width > MAX_COLUMNS:
            raise _too_big(source.path, name, f"{sheet.total_height:,} rows × {sheet.total_width:,} columns")
        with _collector_paused():
            rows = sheet.to_python(skip_empty_area=False) if sheet.height else []
        merged = [(a, b, c, d) for (a, b), (c, d) in (sheet.merged_cell_ranges or [])]
    except InputError:
        raise
    except Exception as exc:
        raise _fail(source.path, f"sheet {name} cannot be read ({exc}): {_RESAVE}", sheet=name) from exc
    if scan is not None:
        if scan.unlocated_formula:
            raise _fail(
                source.path,
                f"sheet {name} has formulas without cached values: open and save the file in "
                "Excel/WPS so that the calculated values are stored",
                sheet=name,
            )
        _place_unreadable(rows, scan)
    return Grid(name, rows, merged)


def _too_big(path: str, name: str, what: str) -> InputError:
    return _fail(
        path,
        f"sheet {name} has {what}; Excel allows at most {MAX_ROWS:,} rows and "
        f"{MAX_COLUMNS:,} columns: refusing it",
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
            rows.extend([] for _ in range(row - len(rows)))
            grown = True
        cells = rows[row - 1]
        if col > len(cells):
            cells.extend("" for _ in range(col - len(cells)))
            grown = True
            width = max(width, col)
        if cells[col - 1] in ("", None):
            cells[col - 1] = what
    if grown:
        for cells in rows:
            if len(cells) < width:
                cells.extend("" for _ in range(width - len(cells)))
