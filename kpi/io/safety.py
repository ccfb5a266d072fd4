"""What an input file must be before anything reads it: size, container, zip limits.

The input is whatever a user e-mailed to HR, so these checks run on the raw
bytes, before calamine or any XML parser sees them:

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
  refused as damaged rather than trusted (:mod:`kpi.io.xml_scan`);
* no XML member may contain a ``<!DOCTYPE`` or ``<!ENTITY`` declaration
  (entity-expansion "billion laughs" attacks and external entities); OOXML never
  needs one (:mod:`kpi.io.xml_scan`);
* a sheet may have at most :data:`MAX_ROWS` rows (Excel's own limit).
"""

from __future__ import annotations

import zipfile
from typing import Literal

from kpi.errors import InputError, Location, Problem
from kpi.i18n import Msg, _

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

#: The advice closing a damaged-workbook message (its ``{fix}`` parameter).
RESAVE = _("open it in Excel or WPS and save it again as .xlsx")
PASSWORD = _(
    "the workbook is password-protected (encrypted) and cannot be read. Remove the password in "
    "Excel/WPS (File ▸ Info ▸ Protect Workbook ▸ Encrypt with Password, clear it) and save again"
)

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def input_error(path: str, message: Msg, sheet: str | None = None) -> InputError:
    """A problem with the file as a whole (or one sheet of it), raised alone."""
    return InputError([Problem(Location(file=path, sheet=sheet), message)])


def container(path: str, name: str, data: bytes) -> Literal["ole2", "zip"]:
    """Which container the bytes are; anything else is refused, saying what it looks like."""
    if data.startswith(_OLE2_MAGIC):
        return "ole2"
    if data.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        return "zip"
    raise input_error(
        path,
        _(
            "{name} is not an Excel workbook ({looks_like}): {fix}",
            name=name,
            looks_like=_looks_like(data),
            fix=RESAVE,
        ),
    )


def _looks_like(data: bytes) -> Msg:
    """A few words on what a non-workbook file seems to be, for the message."""
    if not data:
        return _("the file is empty")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")):
        return _("it is a web page (HTML) saved with an Excel extension")
    if head.startswith(b"<?xml"):
        return _("it is an XML file (perhaps Excel 2003 XML)")
    if head.startswith(b"%pdf"):
        return _("it is a PDF")
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return _("its content is not a .xlsx or .xls workbook")
    return _("it is a text file, perhaps CSV, with an Excel extension")


def check_ole2(path: str, data: bytes) -> None:
    """Refuse an OLE2 container that is not a legacy .xls workbook."""
    # Excel stores a password-protected .xlsx as an OLE2 container holding the
    # encrypted zip in a stream named EncryptedPackage.
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise input_error(path, PASSWORD)
    if not _is_biff(data):
        raise input_error(
            path,
            _(
                "the file is an OLE2 container without a workbook inside: most likely a "
                "password-protected (encrypted) workbook, or another Office file with an Excel "
                "name. Remove the password in Excel/WPS (File ▸ Info ▸ Protect Workbook ▸ Encrypt with "
                "Password, clear it) and save again"
            ),
        )


def _is_biff(data: bytes) -> bool:
    """Does an OLE2 container hold a BIFF workbook stream (a real .xls)?"""
    return any(name.encode("utf-16-le") in data for name in ("Workbook", "Book"))


def check_declared_sizes(path: str, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb from the central directory alone, before inflating anything."""
    if len(infos) > MAX_MEMBERS:
        raise input_error(
            path,
            _(
                "the workbook has {count} parts, more than {limit}: refusing it",
                count=len(infos),
                limit=MAX_MEMBERS,
            ),
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise input_error(
            path,
            _(
                "the workbook would inflate to {size:,.0f} MB, more than the {limit:,} MB limit (a zip bomb, "
                "or far more data than an appraisal needs): refusing it",
                size=total / 1024**2,
                limit=MAX_UNCOMPRESSED // 1024**2,
            ),
        )
    for info in infos:
        if info.file_size > RATIO_CHECK_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise input_error(
                path,
                _(
                    "the workbook part {part} would inflate {ratio:,.0f} times (limit {limit}): "
                    "it looks like a zip bomb, refusing it",
                    part=info.filename,
                    ratio=info.file_size / max(info.compress_size, 1),
                    limit=MAX_RATIO,
                ),
            )
