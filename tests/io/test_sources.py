"""Opening files safely: the byte-level sheet scan, zip limits, containers, sheet mapping."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from kpi.errors import InputError
from kpi.io import safety, sources, xml_scan
from kpi.io.sources import SheetScan, Unreadable, _scan_sheet_xml, open_source
from kpi.io.workbook import read_workbook
from kpi.periods import Period
from kpi.rules.schema import Rules

from .conftest import Sheets

Write = Callable[..., Path]

SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><f>1+1</f></c></row>'
    b'<row r="2"><c r="A2"><f>1+1</f><v></v></c><c r="B2" t="str"><f>""</f><v></v></c>'
    b'<c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    b'<c r="D2"><f t="shared" si="0"/><v>3</v></c></row>'
    b'<row r="3"><c r="AB3" s="1"><f ref="AB3">SUM(A1)</f></c></row>'
    b"</sheetData></worksheet>"
)


def _scan(data: bytes) -> SheetScan:
    return _scan_sheet_xml(io.BytesIO(data))


@pytest.mark.parametrize("chunk", [16, 37, 4 * 1024**2])
def test_scan_finds_uncalculated_formulas_and_error_values(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(xml_scan, "_CHUNK", chunk)
    scan = _scan(SHEET)
    assert scan.rows == 3
    assert sorted(scan.unreadable) == [(1, 2), (2, 1), (2, 3), (3, 28)]
    assert "formula without a cached value" in scan.unreadable[(1, 2)].reason
    assert scan.unreadable[(2, 3)] == Unreadable(
        "shows the Excel error #DIV/0!: fix the formula or type the value"
    )
    assert not scan.unlocated_formula


def test_scan_notes_a_formula_cell_without_reference() -> None:
    scan = _scan(b"<sheetData><row><c><f>1+1</f></c></row></sheetData>")
    assert scan.unlocated_formula and not scan.unreadable


@pytest.mark.parametrize("marker", [b"<!DOCTYPE x>", b'<!ENTITY a "b">'])
def test_scan_refuses_declarations(marker: bytes) -> None:
    with pytest.raises(sources._ForbiddenXml):
        _scan(marker + SHEET)


def test_unlocated_formula_is_a_sheet_problem(
    tmp_path: Path, write: Write, sheets: Sheets, rules: Rules, period: Period
) -> None:
    path = write(sheets)
    data = path.read_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    patched = sheet.replace(b'<c r="F4"', b"<c", 1).replace(b"<v>10000</v>", b"<f>5000*2</f>", 1)
    target = tmp_path / "patched.xlsx"
    target.write_bytes(_replace(data, "xl/worksheets/sheet1.xml", patched))
    with pytest.raises(InputError) as caught:
        read_workbook(target, rules, period)
    assert [str(p) for p in caught.value.problems] == [
        f"{target}:人员: sheet 人员 has formulas without cached values: open and save the "
        "file in Excel/WPS so that the calculated values are stored"
    ]


def test_uncalculated_formula_outside_the_used_range(
    write: Write, sheets: Sheets, rules: Rules, period: Period
) -> None:
    sheets["人员"].append(['=CONCAT("E","07")'])
    with pytest.raises(InputError) as caught:
        read_workbook(write(sheets), rules, period)
    messages = [str(p).split(":", 1)[1] for p in caught.value.problems]
    assert messages[0] == (
        "人员!A10: 工号 is a formula without a cached value: open and save the file in "
        "Excel/WPS so that the calculated values are stored"
    )
    assert all(m.startswith("人员!") and "10: " in m for m in messages)


def _replace(data: bytes, member: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == member else source.read(info))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("limit", "value", "words"),
    [
        ("MAX_UNCOMPRESSED", 10_000, "MB limit"),
        ("MAX_MEMBERS", 3, "parts, more than 3"),
    ],
)
def test_zip_limits(
    monkeypatch: pytest.MonkeyPatch,
    write: Write,
    sheets: Sheets,
    limit: str,
    value: int,
    words: str,
) -> None:
    path = write(sheets)
    open_source(path)
    monkeypatch.setattr(safety, limit, value)
    with pytest.raises(InputError, match=words):
        open_source(path)


def test_member_lying_about_its_size_is_damaged(tmp_path: Path, write: Write, sheets: Sheets) -> None:
    data = write(sheets).read_bytes()
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    central = data.rfind(b"xl/worksheets/sheet1.xml") - 46
    lied = bytearray(data)
    lied[central + 24 : central + 28] = (info.file_size // 2).to_bytes(4, "little")
    path = tmp_path / "lying.xlsx"
    path.write_bytes(bytes(lied))
    with pytest.raises(InputError, match="damaged"):
        open_source(path)


def test_encrypted_ooxml_container(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le")
    )
    with pytest.raises(InputError, match="password-protected \\(encrypted\\)"):
        open_source(path)


def test_sheet_members_and_date_system(write: Write, sheets: Sheets) -> None:
    source = open_source(write(sheets))
    assert source.sheet_names == list(sheets)
    assert set(source.scans) == set(sheets)
    assert source.scans["点数"].rows == len(sheets["点数"])
    assert source.date1904 is False
