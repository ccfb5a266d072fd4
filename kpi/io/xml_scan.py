"""A byte-level scan of a workbook's XML parts, made once while inflating them.

It exists for two reasons. Safety: no part may declare a ``<!DOCTYPE`` or
``<!ENTITY`` (see :mod:`kpi.io.safety`). Completeness: calamine returns an
empty string both for a formula cell without a cached value and for an Excel
error value such as ``#N/A``; the sheet scan finds those cells, so that the
grid can carry an :class:`Unreadable` marker instead of a misleading blank,
and counts each sheet's rows before calamine builds it.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import IO

from kpi.i18n import _
from kpi.io.safety import MAX_ROWS, RESAVE, input_error


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
    _(
        "is a formula without a cached value: open and save the file in Excel/WPS "
        "so that the calculated values are stored"
    )
)


@dataclass
class SheetScan:
    """What the byte-level scan of one sheet's XML found (1-based row, column)."""

    rows: int = 0
    unreadable: dict[tuple[int, int], Unreadable] = field(default_factory=dict)
    #: A formula without a cached value in a cell without an ``r`` reference.
    unlocated_formula: bool = False


_CHUNK = 4 * 1024**2
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_CELL_TYPE = re.compile(rb'\bt="([A-Za-z]+)"')
_CACHED_VALUE = re.compile(rb"<v(?:\s[^>]*)?>([^<]*)</v>")
_FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY")


def is_sheet_part(member: str) -> bool:
    """Is this package member a worksheet (scanned cell by cell)?"""
    return member.lower().startswith("xl/worksheets/")


def scan_members(path: str, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> dict[str, SheetScan]:
    """Inflate each XML member of ``infos`` once; returns the scan of each sheet member by its name."""
    scans_by_member: dict[str, SheetScan] = {}
    for info in infos:
        if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        is_sheet = is_sheet_part(info.filename)
        try:
            with archive.open(info) as stream:
                scan = scan_sheet_xml(stream) if is_sheet else scan_xml(stream)
        except ForbiddenXml as exc:
            raise input_error(
                path,
                _(
                    "the workbook part {part} declares {what}: workbooks saved by Excel or WPS never do, "
                    "and such declarations can make a reader expand entities without end; refusing the "
                    "file. Copy the data into a new workbook and save it as .xlsx",
                    part=info.filename,
                    what=exc.args[0],
                ),
            ) from exc
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
            raise input_error(
                path,
                _(
                    "the workbook is damaged ({part}: {error}): {fix}",
                    part=info.filename,
                    error=str(exc),
                    fix=RESAVE,
                ),
            ) from exc
        if is_sheet:
            scans_by_member[info.filename] = scan
    return scans_by_member


class ForbiddenXml(Exception):
    """An XML member holds a DOCTYPE or ENTITY declaration."""


def _check_forbidden(part: bytes) -> None:
    for marker in _FORBIDDEN_XML:
        if marker in part:
            raise ForbiddenXml(_("a DOCTYPE") if marker == b"<!DOCTYPE" else _("an ENTITY"))


def scan_xml(stream: IO[bytes]) -> SheetScan:
    """Inflate a non-sheet member in chunks, looking only for forbidden declarations."""
    tail = b""
    while chunk := stream.read(_CHUNK):
        _check_forbidden(tail + chunk)
        tail = chunk[-16:]
    return SheetScan()


def scan_sheet_xml(stream: IO[bytes]) -> SheetScan:
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
                Unreadable(
                    _("shows the Excel error {error}: fix the formula or type the value", error=shown)
                ),
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
