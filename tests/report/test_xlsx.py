"""Unit tests of :mod:`kpi.report.xlsx`, the small streaming SpreadsheetML writer.

Every file is read back three ways: the raw XML of its parts (what was
written), openpyxl (types, styles, sheet settings) and python-calamine (the
other reader a user of the results may meet). Tests marked ``xfail(strict=True)``
describe behaviour the writer should have and does not yet: each fails today
and turns into an XPASS failure once the writer is fixed, so the marker must
then be removed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from kpi.report.xlsx import (
    HIGHLIGHT,
    MAIN_NS,
    STYLE,
    CellTooLong,
    FormSpec,
    Highlight,
    SheetSpec,
    _letter,
    write_xlsx,
)
from kpi.report.xlsx_chart import Chart, Series, Span

CREATED = datetime(2024, 3, 31)
NS = {"m": MAIN_NS}
DATE_FORMAT = "yyyy\\-mm\\-dd"
#: Excel's own limits (Microsoft's "Excel specifications and limits").
MAX_CELL_CHARS = 32_767
MAX_TITLE_CHARS = 31
#: Characters XML 1.0 does not allow in a document, even as character references.
XML_ILLEGAL = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))] + ["\ufffe", "\uffff"]


def spec(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str] | None = None,
    styles: Sequence[str] | None = None,
    title: str = "Sheet",
    widths: Sequence[float] | None = None,
) -> SheetSpec:
    """A sheet of ``rows``; by default one text column per cell of the first row."""
    width = len(headers) if headers is not None else len(rows[0])
    return SheetSpec(
        title=title,
        headers=list(headers) if headers is not None else [f"h{i}" for i in range(width)],
        styles=list(styles) if styles is not None else ["text"] * width,
        widths=list(widths) if widths is not None else [10.0] * width,
        rows=[list(r) for r in rows],
        row_count=len(rows),
    )


def write(tmp_path: Path, *sheets: SheetSpec | FormSpec, name: str = "book.xlsx", title: str = "") -> Path:
    path = tmp_path / name
    write_xlsx(path, list(sheets), CREATED, title=title)
    return path


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as book:
        return book.read(name)


def sheet_xml(path: Path, index: int = 1) -> ET.Element:
    return ET.fromstring(part(path, f"xl/worksheets/sheet{index}.xml"))


def cells(root: ET.Element) -> dict[str, ET.Element]:
    """The ``<c>`` elements of a parsed sheet by reference (``"B2"``)."""
    return {c.attrib["r"]: c for c in root.iterfind(".//m:sheetData/m:row/m:c", NS)}


def raw_value(root: ET.Element, ref: str) -> str | None:
    return cells(root)[ref].findtext("m:v", namespaces=NS)


def inline_text(root: ET.Element, ref: str) -> str | None:
    return cells(root)[ref].findtext("m:is/m:t", namespaces=NS)


def openpyxl_rows(path: Path, index: int = 0) -> list[list[Any]]:
    book = openpyxl.load_workbook(path)
    try:
        return [[c.value for c in row] for row in book.worksheets[index].iter_rows()]
    finally:
        book.close()


def calamine_rows(path: Path, index: int = 0) -> list[list[Any]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return list(book.get_sheet_by_index(index).to_python())


# --- text: escaping and inline strings -------------------------------------------------------------


def test_markup_characters_are_escaped_and_read_back_exactly(tmp_path: Path) -> None:
    texts = ["a & b", "<b>bold</b>", "x > y < z", 'say "hi"', "it's", "&amp; already", "]]> end", "&#0;"]
    path = write(tmp_path, spec([texts], headers=["&<>\"'", *[f"h{i}" for i in range(len(texts) - 1)]]))

    for name in zipfile.ZipFile(path).namelist():
        ET.fromstring(part(path, name))  # every part is well-formed XML
    root = sheet_xml(path)
    assert [inline_text(root, f"{get_column_letter(i + 1)}2") for i in range(len(texts))] == texts
    assert openpyxl_rows(path) == [["&<>\"'", *[f"h{i}" for i in range(len(texts) - 1)]], texts]
    assert calamine_rows(path)[1] == texts


def test_xml_illegal_characters_become_excel_escapes(tmp_path: Path) -> None:
    """Each character XML 1.0 forbids is written as Excel's ``_xHHHH_`` escape: the
    file stays well-formed, openpyxl shows the escape text as is, calamine (like
    Excel) decodes it back to the original character."""
    text = "名" + "".join(XML_ILLEGAL) + "end"
    header = "head\x07er"
    path = write(tmp_path, spec([[text, "tab\tand\nnewline"]], headers=[header, "h"]))

    sheet = part(path, "xl/worksheets/sheet1.xml").decode()
    assert not any(ch in sheet for ch in XML_ILLEGAL)
    root = sheet_xml(path)
    escaped = "名" + "".join(f"_x{ord(ch):04X}_" for ch in XML_ILLEGAL) + "end"
    assert inline_text(root, "A2") == escaped
    assert escaped.startswith("名_x0000__x0001_") and escaped.endswith("_x001F__xFFFE__xFFFF_end")
    assert inline_text(root, "A1") == "head_x0007_er"
    # Tab and newline are legal XML and are kept as they are.
    assert inline_text(root, "B2") == "tab\tand\nnewline"

    assert openpyxl_rows(path) == [["head_x0007_er", "h"], [escaped, "tab\tand\nnewline"]]
    decoded = calamine_rows(path)
    assert decoded[0][0] == header
    # calamine decodes every escape except those of the two non-characters U+FFFE, U+FFFF.
    assert decoded[1][0] == "名" + "".join(XML_ILLEGAL[:-2]) + "_xFFFE__xFFFF_end"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40))
def test_any_text_gives_well_formed_xml(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    """Whatever the text (bar lone surrogates, which UTF-8 cannot encode), the sheet
    parses and its ``<t>`` holds the text with the ``_`` of anything that looks like
    an escape written ``_x005F_``, then illegal characters escaped; a CR survives
    (written as a character reference)."""
    path = write(tmp_path_factory.mktemp("any"), spec([[text]]))
    expected = re.sub("_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1", text)
    expected = "".join(f"_x{ord(ch):04X}_" if ch in XML_ILLEGAL else ch for ch in expected)
    assert (inline_text(sheet_xml(path), "A2") or "") == expected


def test_text_that_looks_like_an_escape_reads_back_unchanged(tmp_path: Path) -> None:
    path = write(tmp_path, spec([["ID_x0041_7"]]))
    assert calamine_rows(path)[1] == ["ID_x0041_7"]


def test_carriage_return_survives(tmp_path: Path) -> None:
    path = write(tmp_path, spec([["line1\r\nline2", "a\rb"]]))
    assert calamine_rows(path)[1] == ["line1\r\nline2", "a\rb"]


def test_leading_and_trailing_spaces_are_preserved(tmp_path: Path) -> None:
    texts = ["  two before", "after  ", "\tboth\n", " "]
    path = write(tmp_path, spec([texts]))

    root = sheet_xml(path)
    preserved = "{http://www.w3.org/XML/1998/namespace}space"
    for i in range(len(texts)):
        t = cells(root)[f"{get_column_letter(i + 1)}2"].find("m:is/m:t", NS)
        assert t is not None and t.attrib.get(preserved) == "preserve"
    assert openpyxl_rows(path)[1] == texts
    assert calamine_rows(path)[1] == texts


def test_text_is_always_an_inline_string_never_a_formula(tmp_path: Path) -> None:
    texts = ["=SUM(A1:A3)", "+1", "-2", "@x", "=1+1", '=HYPERLINK("http://x")', "0123", "1e5", "TRUE", "#N/A"]
    path = write(tmp_path, spec([texts], headers=["=A1", "+h", *[f"h{i}" for i in range(len(texts) - 2)]]))

    with zipfile.ZipFile(path) as book:
        assert not any("sharedStrings" in n for n in book.namelist())
    root = sheet_xml(path)
    assert root.findall(".//m:f", NS) == []
    text_cells = list(cells(root).values())
    assert len(text_cells) == 2 * len(texts)
    assert {c.attrib.get("t") for c in text_cells} == {"inlineStr"}

    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert [(c.value, c.data_type) for c in sheet[2]] == [(t, "s") for t in texts]
    assert [c.value for c in sheet[1]][:2] == ["=A1", "+h"]
    assert {c.data_type for c in sheet[1]} == {"s"}
    book.close()
    assert calamine_rows(path)[1] == texts


def test_empty_string_is_an_empty_text_cell(tmp_path: Path) -> None:
    path = write(tmp_path, spec([["", "x"]]))
    root = sheet_xml(path)
    assert cells(root)["A2"].attrib["t"] == "inlineStr"
    assert inline_text(root, "A2") == ""  # <t></t>
    assert openpyxl_rows(path)[1] == ["", "x"]


# --- numbers ---------------------------------------------------------------------------------------

NUMBERS: list[tuple[Any, str]] = [
    (Decimal("103.41"), "103.41"),
    (Decimal("-2.35"), "-2.35"),
    (Decimal("0.000001"), "0.000001"),
    (Decimal("1E-7"), "0.0000001"),
    (Decimal("102.80"), "102.80"),
    (Decimal("1500000"), "1500000"),
    (Decimal("1.5E+6"), "1500000"),
    (Decimal("0.1"), "0.1"),
    (1500000, "1500000"),
    (-7, "-7"),
    (0, "0"),
    (12345678901234, "12345678901234"),
    (0.1, "0.1"),
    (-2.5, "-2.5"),
]


def test_numbers_are_written_from_their_exact_decimal_text(tmp_path: Path) -> None:
    values = [v for v, _ in NUMBERS]
    path = write(tmp_path, spec([values], styles=["0.00"] * len(values)))

    root = sheet_xml(path)
    refs = [f"{get_column_letter(i + 1)}2" for i in range(len(values))]
    assert [raw_value(root, r) for r in refs] == [text for _, text in NUMBERS]
    assert all("t" not in cells(root)[r].attrib for r in refs)  # numbers, not text

    read = openpyxl_rows(path)[1]
    assert read == [float(v) if isinstance(v, Decimal) else v for v in values]
    # Decimals read back with exactly their digits (a binary float's repr would not).
    for (value, _), got in zip(NUMBERS, read, strict=True):
        if isinstance(value, Decimal):
            assert Decimal(repr(got)) == value
    assert calamine_rows(path)[1] == [float(v) for v in values]


def test_integers_stay_integers(tmp_path: Path) -> None:
    path = write(tmp_path, spec([[1500000, -3, 12345678901234, Decimal("42")]], styles=["0"] * 4))
    read = openpyxl_rows(path)[1]
    assert read == [1500000, -3, 12345678901234, 42]
    assert all(type(v) is int for v in read)
    root = sheet_xml(path)
    assert all("." not in (raw_value(root, f"{c}2") or ".") for c in "ABCD")


def test_booleans_are_boolean_cells(tmp_path: Path) -> None:
    path = write(tmp_path, spec([[True, False]], styles=["0", "0"]))
    root = sheet_xml(path)
    assert [cells(root)[r].attrib.get("t") for r in ("A2", "B2")] == ["b", "b"]
    assert openpyxl_rows(path)[1] == [True, False]
    assert calamine_rows(path)[1] == [True, False]


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), Decimal("NaN"), Decimal("-Infinity")],
    ids=["float-nan", "float-inf", "decimal-nan", "decimal-minus-infinity"],
)
def test_non_finite_numbers_do_not_make_an_unreadable_file(tmp_path: Path, value: Any) -> None:
    path = tmp_path / "book.xlsx"
    try:
        write_xlsx(path, [spec([[value]], styles=["0.00"])], CREATED)
    except ValueError:
        return  # refusing the value is one acceptable fix
    openpyxl.load_workbook(path).close()  # writing a readable file is the other


# --- dates -----------------------------------------------------------------------------------------

DATES = [date(2024, 1, 1), date(2024, 3, 31), date(2000, 2, 29), date(1970, 1, 1), date(1900, 3, 1)]


def test_dates_are_serial_numbers_with_a_date_format(tmp_path: Path) -> None:
    path = write(tmp_path, spec([[d] for d in DATES], headers=["日期"], styles=["date"]))

    root = sheet_xml(path)
    serials = [raw_value(root, f"A{i}") for i in range(2, len(DATES) + 2)]
    assert serials[0] == "45292"  # Excel's serial of 2024-01-01
    assert serials[-1] == "61"  # and of 1900-03-01, the first day after the fictitious 1900-02-29
    assert serials == [str((d - date(1899, 12, 30)).days) for d in DATES]

    book = openpyxl.load_workbook(path)
    column = [c for (c,) in book.worksheets[0].iter_rows(min_row=2)]
    assert [c.value.date() for c in column] == DATES
    assert all(c.is_date and c.number_format == DATE_FORMAT for c in column)
    book.close()
    assert [row[0] for row in calamine_rows(path)[1:]] == DATES
    assert all(type(row[0]) is date for row in calamine_rows(path)[1:])


def test_datetime_is_written_as_its_day(tmp_path: Path) -> None:
    """A datetime in a date column keeps only its date: the time of day is dropped."""
    path = write(tmp_path, spec([[datetime(2024, 3, 1, 15, 30)]], styles=["date"]))
    assert raw_value(sheet_xml(path), "A2") == "45352"
    assert openpyxl_rows(path)[1] == [datetime(2024, 3, 1)]
    assert calamine_rows(path)[1] == [date(2024, 3, 1)]


def test_style_follows_the_column_not_the_value(tmp_path: Path) -> None:
    """A date in a column not styled "date" is a bare serial number; a number in a
    date column is shown as a date. The caller must style columns to match."""
    path = write(tmp_path, spec([[date(2024, 1, 1), 45292]], styles=["0", "date"]))
    assert openpyxl_rows(path)[1] == [45292, datetime(2024, 1, 1)]
    assert calamine_rows(path)[1] == [45292.0, date(2024, 1, 1)]


# --- number formats and blanks ---------------------------------------------------------------------

#: Each column style of the writer → the number format openpyxl reads back.
FORMATS = {
    "text": "General",
    "0.00": "0.00",
    "0": "0",
    "0.0000": "0.0000",
    "date": DATE_FORMAT,
    "#,##0": "#,##0",
    "0.00%": "0.00%",
}
#: Variants of every number style (a total row, a boxed cell, a boxed total) and the layout styles.
VARIANTS = ("total:", "box:", "boxtotal:")
LAYOUT = {"header", "title", "section", "sign", "wrap"}


def test_every_style_is_covered_here() -> None:
    assert set(STYLE) == {*FORMATS, *(v + f for v in VARIANTS for f in FORMATS), *LAYOUT}


def test_each_style_gives_its_number_format(tmp_path: Path) -> None:
    styles = list(FORMATS)
    row = [
        Decimal("7"),
        Decimal("88.125"),
        Decimal("123456"),
        Decimal("0.98765"),
        date(2024, 3, 31),
        Decimal("1234567"),
        Decimal("0.3333"),
    ]
    path = write(tmp_path, spec([row, ["text"] * len(styles)], styles=styles))

    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert [c.number_format for c in sheet[2]] == [FORMATS[s] for s in styles]
    # Text carries no number style, whatever its column's.
    assert [c.number_format for c in sheet[3]] == ["General"] * len(styles)
    # The header has its own style, never a number format.
    assert [c.number_format for c in sheet[1]] == ["General"] * len(styles)
    book.close()
    root = sheet_xml(path)
    assert [cells(root)[f"{get_column_letter(i + 1)}2"].attrib["s"] for i in range(len(styles))] == [
        str(STYLE[s]) for s in styles
    ]
    # The first six styles keep the indices files written before had.
    assert [STYLE[s] for s in ("text", "header", "0.00", "0", "0.0000", "date")] == list(range(6))


def test_every_variant_keeps_its_number_format(tmp_path: Path) -> None:
    """A total row or a boxed cell shows its number as the plain style does, in bold or boxed."""
    for prefix in VARIANTS:
        cells_ = [[(Decimal("1234.5"), prefix + f) for f in FORMATS if f != "date"]]
        path = write(tmp_path, FormSpec("F", cells_, [10.0] * len(cells_[0])), name=f"{prefix[:-1]}.xlsx")
        book = openpyxl.load_workbook(path)
        row = book.worksheets[0][1]
        assert [c.number_format for c in row] == [FORMATS[f] for f in FORMATS if f != "date"]
        assert {bool(c.font.b) for c in row} == {"total" in prefix}
        assert {c.border.top.style for c in row} == {"thin"}  # a total's rule; a box's edge
        if prefix.startswith("box"):
            assert {c.border.left.style for c in row} == {"thin"}
        book.close()


def test_none_cells_are_left_out(tmp_path: Path) -> None:
    path = write(
        tmp_path, spec([[None, "b", None], [Decimal("1"), None, None]], styles=["0", "text", "date"])
    )

    assert set(cells(sheet_xml(path))) == {"A1", "B1", "C1", "B2", "A3"}
    assert openpyxl_rows(path)[1:] == [[None, "b", None], [1, None, None]]
    assert calamine_rows(path)[1:] == [["", "b", ""], [1.0, "", ""]]


# --- sheet settings ---------------------------------------------------------------------------------


def test_header_is_bold_frozen_and_filtered_and_widths_are_set(tmp_path: Path) -> None:
    rows = [["张三", Decimal("95.50"), 3], ["李四", Decimal("88.00"), 4]]
    path = write(tmp_path, spec(rows, headers=["姓名", "得分", "人数"], widths=[14.0, 10.5, 7.0]))

    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert [c.font.b for c in sheet[1]] == [True, True, True]
    assert all(c.alignment.wrap_text for c in sheet[1])
    assert [bool(c.font.b) for c in sheet[2]] == [False, False, False]
    assert sheet.freeze_panes == "A2"
    assert sheet.sheet_view.pane.state == "frozen"
    assert sheet.auto_filter.ref == "A1:C3"
    assert {k: (d.width, d.customWidth) for k, d in sheet.column_dimensions.items()} == {
        "A": (14.0, True),
        "B": (10.5, True),
        "C": (7.0, True),
    }
    book.close()
    root = sheet_xml(path)
    dimension = root.find("m:dimension", NS)
    assert dimension is not None and dimension.attrib["ref"] == "A1:C3"


def test_sheet_without_rows_has_header_but_no_autofilter(tmp_path: Path) -> None:
    path = write(tmp_path, spec([], headers=["a", "b"]))
    root = sheet_xml(path)
    assert root.find("m:autoFilter", NS) is None
    dimension = root.find("m:dimension", NS)
    assert dimension is not None and dimension.attrib["ref"] == "A1:B1"
    book = openpyxl.load_workbook(path)
    assert book.worksheets[0].freeze_panes == "A2"
    assert book.worksheets[0].auto_filter.ref is None
    book.close()
    assert openpyxl_rows(path) == [["a", "b"]]


@pytest.mark.parametrize("index", [0, 1, 25, 26, 27, 51, 52, 701, 702, 16383])
def test_column_letters_match_excel(index: int) -> None:
    assert _letter(index) == get_column_letter(index + 1)


def test_wide_sheet_uses_two_letter_columns(tmp_path: Path) -> None:
    row = list(range(30))
    path = write(tmp_path, spec([row], styles=["0"] * 30))
    root = sheet_xml(path)
    assert {"Z2", "AA2", "AD2"} <= set(cells(root))
    filt = root.find("m:autoFilter", NS)
    assert filt is not None and filt.attrib["ref"] == "A1:AD2"
    assert openpyxl_rows(path)[1] == row


def test_rows_are_streamed_from_an_iterator(tmp_path: Path) -> None:
    """Rows may be a one-pass iterator; all of them are written, across the
    writer's chunks (every CHUNK_ROWS rows)."""
    count = 4_321

    def rows() -> Iterator[list[Any]]:
        for i in range(count):
            yield [f"p{i}", i, Decimal(i) / 100]

    sheet = SheetSpec("big", ["id", "n", "x"], ["text", "0", "0.00"], [8.0] * 3, rows(), count)
    path = write(tmp_path, sheet)
    read = calamine_rows(path)
    assert len(read) == count + 1
    assert read[1] == ["p0", 0.0, 0.0]
    assert read[2001] == ["p2000", 2000.0, 20.0]
    assert read[-1] == [f"p{count - 1}", float(count - 1), (count - 1) / 100]
    assert [r[1] for r in read[1:]] == [float(i) for i in range(count)]


def test_row_of_the_wrong_width_is_an_error(tmp_path: Path) -> None:
    """A row shorter or longer than the header never shifts cells into other columns."""
    for bad in (["only one"], ["a", "b", "c"]):
        with pytest.raises(ValueError):
            write(tmp_path, SheetSpec("S", ["h1", "h2"], ["text"] * 2, [8.0] * 2, [["x", "y"], bad], 2))


# --- workbooks: readers, names, reproducibility ------------------------------------------------------


def two_sheets() -> list[SheetSpec]:
    return [
        spec(
            [["张三", Decimal("103.41"), date(2024, 3, 31)], ["李四", Decimal("-2.35"), None]],
            headers=["姓名", "得分", "日期"],
            styles=["text", "0.00", "date"],
            title="个人得分",
        ),
        spec([["工具版本", "0.1.0"], ["备注", "=not a formula"]], title="运行信息"),
    ]


def test_workbook_opens_in_openpyxl_and_calamine_with_the_same_content(tmp_path: Path) -> None:
    path = write(tmp_path, *two_sheets(), title="kpi & results")
    header = ["姓名", "得分", "日期"]
    second = [["h0", "h1"], ["工具版本", "0.1.0"], ["备注", "=not a formula"]]

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["个人得分", "运行信息"]
    assert [ws.sheet_view.tabSelected for ws in book.worksheets] == [True, None]
    assert book.properties.title == "kpi & results"
    assert book.properties.creator == "kpi"
    assert book.properties.created == CREATED
    book.close()
    assert openpyxl_rows(path) == [
        header,
        ["张三", 103.41, datetime(2024, 3, 31)],  # openpyxl reads every date as a datetime
        ["李四", -2.35, None],
    ]
    assert openpyxl_rows(path, 1) == second

    calamine = python_calamine.CalamineWorkbook.from_path(str(path))
    assert calamine.sheet_names == ["个人得分", "运行信息"]
    assert calamine_rows(path) == [header, ["张三", 103.41, date(2024, 3, 31)], ["李四", -2.35, ""]]
    assert calamine_rows(path, 1) == second


def test_sheet_titles_are_kept_exactly(tmp_path: Path) -> None:
    titles = ["指标明细" * 7 + "abc", "R&D <部门>", "\"quoted\" & 'single'"]
    assert len(titles[0]) == MAX_TITLE_CHARS
    path = write(tmp_path, *(spec([["x"]], title=t) for t in titles))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == titles
    book.close()
    assert python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names == titles


def test_same_sheets_give_identical_bytes(tmp_path: Path) -> None:
    first = write(tmp_path, *two_sheets(), name="one.xlsx")
    second = write(tmp_path, *two_sheets(), name="two.xlsx")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as book:
        assert {info.date_time for info in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    # The creation time given is the only clock in the file.
    later = tmp_path / "later.xlsx"
    write_xlsx(later, two_sheets(), datetime(2024, 6, 30))
    assert later.read_bytes() != first.read_bytes()


# --- total rows, highlights, print setup -----------------------------------------------------------


def bonus_sheet(**extra: Any) -> SheetSpec:
    rows = [["E01", "是", "优秀", 1200], ["E02", "否", "不合格", 800]]
    return SheetSpec(
        "奖金",
        ["工号", "否决", "等次", "奖金"],
        ["text", "text", "text", "#,##0"],
        [8.0, 6.0, 8.0, 10.0],
        rows,
        len(rows),
        **extra,
    )


def test_total_rows_follow_the_body_in_bold_outside_the_filter(tmp_path: Path) -> None:
    path = write(tmp_path, bonus_sheet(totals=[["合计", None, None, 2000]]))

    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[4]] == ["合计", None, None, 2000]
    # Sorting or filtering the body leaves the total where it is.
    assert sheet.auto_filter.ref == "A1:D3"
    # Bold under a rule across the whole row, blanks included; numbers keep their format.
    assert [(bool(c.font.b), c.border.top.style) for c in sheet[4]] == [(True, "thin")] * 4
    assert sheet["D4"].number_format == "#,##0"
    assert not sheet["D3"].font.b and sheet["D3"].number_format == "#,##0"
    book.close()
    dimension = sheet_xml(path).find("m:dimension", NS)
    assert dimension is not None and dimension.attrib["ref"] == "A1:D4"
    assert calamine_rows(path)[3] == ["合计", "", "", 2000.0]


def test_highlights_are_conditional_formats_over_the_body(tmp_path: Path) -> None:
    marks = [Highlight(1, "是", "alert"), Highlight(2, '不"合"格', "low")]
    path = write(tmp_path, bonus_sheet(highlights=marks, totals=[["合计", None, None, 2000]]))

    book = openpyxl.load_workbook(path)
    rules = {
        str(cf.sqref): [(r.type, r.operator, r.formula, r.dxfId) for r in cf.rules]
        for cf in book.worksheets[0].conditional_formatting
    }
    assert rules == {
        "B2:B3": [("cellIs", "equal", ['"是"'], HIGHLIGHT["alert"])],
        "C2:C3": [("cellIs", "equal", ['"不""合""格"'], HIGHLIGHT["low"])],  # quotes doubled
    }
    alert, low = book._differential_styles.styles  # the dxfs the rules point at
    assert alert.fill.bgColor.rgb == "FFFFC7CE" and alert.font.color.rgb == "FF9C0006"
    assert low.fill.bgColor.rgb == "FFFFEB9C"
    book.close()


def test_a_sheet_without_rows_has_no_conditional_format(tmp_path: Path) -> None:
    empty = SheetSpec("S", ["否决"], ["text"], [6.0], [], 0, highlights=[Highlight(0, "是", "alert")])
    assert sheet_xml(write(tmp_path, empty)).find("m:conditionalFormatting", NS) is None


def test_tables_print_a4_landscape_one_page_wide_with_titles_and_a_footer(tmp_path: Path) -> None:
    footer = "&L考核期间：R&&D 2024Q3&C&A&R第 &P 页，共 &N 页"
    path = write(tmp_path, bonus_sheet(footer=footer), spec([["x"]], title="R'D & <co>"))

    book = openpyxl.load_workbook(path)
    first, second = book.worksheets
    setup = first.page_setup
    assert (setup.orientation, int(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,  # A4
        1,
        0,  # as many pages tall as needed
    )
    assert first.sheet_properties.pageSetUpPr.fitToPage is True
    # The header row is repeated on every printed page, for every table.
    assert first.print_title_rows == "$1:$1" and second.print_title_rows == "$1:$1"
    assert first.oddFooter.left.text == "考核期间：R&&D 2024Q3"
    assert (first.oddFooter.center.text, first.oddFooter.right.text) == ("&A", "第 &P 页，共 &N 页")
    assert second.oddFooter.left.text is None  # no footer given, none written
    book.close()
    workbook = part(path, "xl/workbook.xml").decode()
    assert '<definedName name="_xlnm.Print_Titles" localSheetId="0">\'奖金\'!$1:$1</definedName>' in workbook
    assert "localSheetId=\"1\">'R''D &amp; &lt;co&gt;'!$1:$1<" in workbook


# --- forms: the summary sheet, its merges, breaks and charts ----------------------------------------


def form(title: str = "汇总") -> FormSpec:
    cells: list[list[tuple[Any, str]]] = [
        [("部门得分", "section")],
        [("部门", "header"), ("得分", "header"), ("奖金", "header")],
        [("招商部", "box:text"), (Decimal("101.01"), "box:0.00"), (53017, "box:#,##0")],
        [("综合部", "box:text"), (Decimal("60.00"), "box:0.00"), (None, "box:#,##0")],
        [("合计", "boxtotal:text"), (None, "boxtotal:0.00"), (53017, "boxtotal:#,##0")],
        [],
        [("原因", "box:text"), (None, "box:text"), (None, "box:text")],
        [("制表：", "text"), (None, "sign"), (None, "sign")],
    ]
    chart = Chart(
        "部门 & <得分>",
        Span(0, 3, 4),
        [Series(Span(1, 2, 2), Span(1, 3, 4)), Series(Span(2, 2, 2), Span(2, 3, 4))],
        (0, 9),
        (3, 24),
        "0",
    )
    widths = [12.0, 10.0, 10.0]
    return FormSpec(title, cells, widths, [chart], breaks=[8], footer="&C&P / &N", merges=["A7:C7"])


def test_form_cells_take_their_own_styles(tmp_path: Path) -> None:
    path = write(tmp_path, form())

    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["部门得分", None, None],
        ["部门", "得分", "奖金"],
        ["招商部", 101.01, 53017],
        ["综合部", 60, None],
        ["合计", None, 53017],
        [None, None, None],
        ["原因", None, None],
        ["制表：", None, None],
    ]
    assert sheet["A1"].font.b and sheet["A2"].fill.fgColor.rgb == "FFDDEBF7"
    assert sheet["B3"].number_format == "0.00" and sheet["C3"].number_format == "#,##0"
    assert sheet["C4"].border.left.style == "thin"  # a blank cell of a table keeps its box
    assert sheet["C5"].font.b and sheet["A5"].font.b
    assert sheet["B8"].border.bottom.style == "thin" and sheet["C8"].border.bottom.style == "thin"
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A7:C7"]
    assert [b.id for b in sheet.row_breaks.brk] == [8]
    # A form is no table: no frozen header, no filter, no repeated titles, no grid lines.
    assert sheet.freeze_panes is None and sheet.auto_filter.ref is None
    assert sheet.print_title_rows is None and sheet.sheet_view.showGridLines is False
    assert sheet.page_setup.orientation == "landscape" and sheet.oddFooter.center.text == "&P / &N"
    book.close()
    assert calamine_rows(path)[2] == ["招商部", 101.01, 53017.0]


def test_chart_parts_relationships_and_content_types(tmp_path: Path) -> None:
    path = write(tmp_path, spec([["x"]], title="个人得分"), form())
    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        for name in names:
            ET.fromstring(book.read(name))  # every part is well-formed XML
    assert names[-4:] == [
        "xl/worksheets/_rels/sheet2.xml.rels",
        "xl/drawings/drawing1.xml",
        "xl/charts/chart1.xml",
        "xl/drawings/_rels/drawing1.xml.rels",
    ]
    types = ET.fromstring(part(path, "[Content_Types].xml"))
    overrides = {o.attrib["PartName"]: o.attrib["ContentType"] for o in types if "PartName" in o.attrib}
    officedocument = "application/vnd.openxmlformats-officedocument"
    assert overrides["/xl/drawings/drawing1.xml"] == f"{officedocument}.drawing+xml"
    assert overrides["/xl/charts/chart1.xml"] == f"{officedocument}.drawingml.chart+xml"
    rel = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
    officedoc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    (to_drawing,) = ET.fromstring(part(path, "xl/worksheets/_rels/sheet2.xml.rels")).iter(rel)
    assert to_drawing.attrib == {
        "Id": "rId1",
        "Type": f"{officedoc}/drawing",
        "Target": "../drawings/drawing1.xml",
    }
    drawing = sheet_xml(path, 2).find("m:drawing", NS)
    assert drawing is not None and drawing.attrib[f"{{{officedoc}}}id"] == "rId1"
    (to_chart,) = ET.fromstring(part(path, "xl/drawings/_rels/drawing1.xml.rels")).iter(rel)
    assert to_chart.attrib == {"Id": "rId1", "Type": f"{officedoc}/chart", "Target": "../charts/chart1.xml"}
    assert f'<c:chart xmlns:c="{CHART}" r:id="rId1"/>' in part(path, "xl/drawings/drawing1.xml").decode()
    assert "xl/worksheets/_rels/sheet1.xml.rels" not in names  # a table without charts has none


CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def test_a_chart_shows_its_cells_with_their_values_cached(tmp_path: Path) -> None:
    """Each series names the cells it shows and carries their values, so a viewer draws
    it without recalculating; a blank cell is a gap (no point)."""
    path = write(tmp_path, form())
    root = ET.fromstring(part(path, "xl/charts/chart1.xml"))
    c = {"c": CHART}
    assert root.find(".//c:barChart/c:barDir", c).attrib["val"] == "col"  # type: ignore[union-attr]
    series = root.findall(".//c:ser", c)
    assert [s.findtext("c:tx/c:strRef/c:f", namespaces=c) for s in series] == ["'汇总'!$B$2", "'汇总'!$C$2"]
    assert [s.findtext("c:tx//c:v", namespaces=c) for s in series] == ["得分", "奖金"]
    assert [s.findtext("c:cat/c:strRef/c:f", namespaces=c) for s in series] == ["'汇总'!$A$3:$A$4"] * 2
    assert [v.text for v in series[0].iterfind("c:cat//c:pt/c:v", c)] == ["招商部", "综合部"]
    assert series[0].findtext("c:val/c:numRef/c:f", namespaces=c) == "'汇总'!$B$3:$B$4"
    points = series[0].iterfind("c:val//c:pt", c)
    values = [(p.attrib["idx"], p.findtext("c:v", namespaces=c)) for p in points]
    assert values == [("0", "101.01"), ("1", "60.00")]
    cache = series[1].find("c:val/c:numRef/c:numCache", c)
    assert cache is not None and cache.find("c:ptCount", c).attrib["val"] == "2"  # type: ignore[union-attr]
    assert [p.attrib["idx"] for p in cache.iterfind("c:pt", c)] == ["0"]  # C4 is blank
    title = "".join(t.text or "" for t in root.iterfind(".//c:title//{*}t", c))
    assert title == "部门 & <得分>"

    book = openpyxl.load_workbook(path)
    (chart,) = book.worksheets[0]._charts
    assert chart.tagname == "barChart" and len(chart.series) == 2
    assert chart.series[0].val.numRef.f == "'汇总'!$B$3:$B$4"
    assert (chart.anchor._from.row, chart.anchor.to.row, chart.anchor.to.col) == (9, 24, 3)
    book.close()


def test_charts_of_several_forms_are_numbered_across_the_book(tmp_path: Path) -> None:
    one, two = form("一"), form("二")
    two = FormSpec(two.title, two.cells, two.widths, [*two.charts, *two.charts])
    path = write(tmp_path, one, spec([["x"]]), two)
    names = zipfile.ZipFile(path).namelist()
    assert {n for n in names if "drawing" in n or "chart" in n or "_rels/sheet" in n} == {
        "xl/worksheets/_rels/sheet1.xml.rels",
        "xl/worksheets/_rels/sheet3.xml.rels",
        "xl/drawings/drawing1.xml",
        "xl/drawings/drawing2.xml",
        "xl/drawings/_rels/drawing1.xml.rels",
        "xl/drawings/_rels/drawing2.xml.rels",
        "xl/charts/chart1.xml",
        "xl/charts/chart2.xml",
        "xl/charts/chart3.xml",
    }
    assert "../drawings/drawing2.xml" in part(path, "xl/worksheets/_rels/sheet3.xml.rels").decode()
    links = part(path, "xl/drawings/_rels/drawing2.xml.rels").decode()
    assert '"rId1"' in links and "../charts/chart2.xml" in links and "../charts/chart3.xml" in links
    assert "'二'!$B$3:$B$4" in part(path, "xl/charts/chart3.xml").decode()
    book = openpyxl.load_workbook(path)
    assert [len(ws._charts) for ws in book.worksheets] == [1, 0, 2]
    book.close()


def test_forms_and_charts_give_identical_bytes(tmp_path: Path) -> None:
    first = write(tmp_path, form(), *two_sheets(), name="one.xlsx")
    second = write(tmp_path, form(), *two_sheets(), name="two.xlsx")
    assert first.read_bytes() == second.read_bytes()


# --- Excel's limits: the writer has no guards --------------------------------------------------------


def test_cell_of_exactly_the_excel_limit_is_written_whole(tmp_path: Path) -> None:
    text = "长" * MAX_CELL_CHARS
    path = write(tmp_path, spec([[text]]))
    assert openpyxl_rows(path)[1] == [text]


def test_cell_over_the_excel_limit_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write(tmp_path, spec([["x" * (MAX_CELL_CHARS + 1)]]))


TOO_LONG = "x" * (MAX_CELL_CHARS + 1)


@pytest.mark.parametrize(
    "sheet",
    [
        FormSpec("汇总", [[("a", "text")], [(None, "text"), (TOO_LONG, "box:text")]], [9.0]),
        SheetSpec("奖金", ["h"], ["text"], [9.0], [["ok"]], 1, totals=[[TOO_LONG]]),
    ],
    ids=["form", "total-row"],
)
def test_text_over_the_limit_in_a_form_or_a_total_row_is_located(tmp_path: Path, sheet: Any) -> None:
    with pytest.raises(CellTooLong) as raised:
        write(tmp_path, sheet)
    expected = ("汇总", 2, "B") if isinstance(sheet, FormSpec) else ("奖金", 3, "A")
    assert (raised.value.sheet, raised.value.row, raised.value.column) == expected


@pytest.mark.parametrize(
    "titles",
    [
        ["x" * (MAX_TITLE_CHARS + 1)],
        [""],
        ["a/b"],
        ["[x]"],
        ["a:b"],
        ["a*b?"],
        ["a\\b"],
        ["a\x01b"],
        ["S", "s"],
    ],
    ids=[
        "too-long",
        "blank",
        "slash",
        "brackets",
        "colon",
        "star-question",
        "backslash",
        "control",
        "duplicate",
    ],
)
def test_invalid_sheet_title_is_an_error(tmp_path: Path, titles: list[str]) -> None:
    with pytest.raises(ValueError):
        write(tmp_path, *(spec([["x"]], title=t) for t in titles))


# --- the fast paths: the text cache and the deflating thread ---------------------------------------


def test_repeated_and_distinct_texts_beyond_the_cache_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kpi.report.xlsx.TEXT_CACHE_SIZE", 4)
    rows = [[f"t{i}", "部门 & <同>", f" s{i % 3}", date(2024, 7, i % 28 + 1)] for i in range(20)]
    path = write(tmp_path, spec(rows, styles=["text", "text", "text", "date"]))
    assert calamine_rows(path)[1:] == [[a, b, c, d] for a, b, c, d in rows]


def test_a_failing_write_is_raised_by_the_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kpi.report.xlsx as xlsx

    class Broken:
        def write(self, chunk: bytes) -> int:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), xlsx._Deflating(Broken()) as stream:  # type: ignore[arg-type]
        stream.write(b"<row/>")


# --- column by column: blanks, mixed columns, chunks ------------------------------------------------

CELL_VALUES = st.one_of(
    st.none(),
    st.text(alphabet="ab<&", max_size=3),
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    st.booleans(),
)


@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda width: st.lists(st.lists(CELL_VALUES, min_size=width, max_size=width), max_size=9)
    )
)
@settings(max_examples=60, deadline=None)
def test_every_cell_lands_at_its_reference_whatever_the_blanks_and_types(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[Any]]
) -> None:
    """Rows are rendered a chunk at a time, column by column, each column by one
    comprehension when it holds one type: blanks anywhere (first, last, every cell
    of a row), mixed columns and chunk boundaries (3 rows here) must not move a cell."""
    import kpi.report.xlsx as xlsx

    width = len(rows[0]) if rows else 2
    styles = ["0.00"] * width
    sheet = SheetSpec("S", [f"h{i}" for i in range(width)], styles, [8.0] * width, rows, len(rows))
    chunk = xlsx.CHUNK_ROWS
    xlsx.CHUNK_ROWS = 3
    try:
        path = write(tmp_path_factory.mktemp("cells"), sheet)
    finally:
        xlsx.CHUNK_ROWS = chunk
    expected_refs = {
        f"{_letter(j)}{i}" for i, row in enumerate(rows, start=2) for j, v in enumerate(row) if v is not None
    }
    found = set(cells(sheet_xml(path))) - {f"{_letter(j)}1" for j in range(width)}
    assert found == expected_refs

    def shown(value: Any) -> Any:  # as calamine reads a cell of the General-like "0.00" style
        if value is None:
            return ""
        if isinstance(value, (bool, str)):
            return value
        if isinstance(value, date):
            return float((value - date(1899, 12, 30)).days)
        return float(value)

    read = calamine_rows(path)[1:]
    expected = [[shown(v) for v in row] for row in rows]
    assert read == expected[: len(read)]
    assert all(v == "" for row in expected[len(read) :] for v in row)  # trailing blank rows


def test_text_over_the_limit_in_a_later_chunk_is_located(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kpi.report.xlsx.CHUNK_ROWS", 4)
    rows = [[f"p{i}", "ok"] for i in range(10)]
    rows[6][1] = TOO_LONG  # the third row of the second chunk: Excel row 8, column B
    with pytest.raises(CellTooLong) as raised:
        write(tmp_path, SheetSpec("明细", ["a", "b"], ["text", "text"], [9.0] * 2, rows, len(rows)))
    assert (raised.value.sheet, raised.value.row, raised.value.column) == ("明细", 8, "B")


def test_a_column_of_one_type_renders_as_cell_by_cell() -> None:
    """The comprehension of a one-type column and the cell-by-cell path of a mixed one
    give the same text for the same values."""
    from kpi.report.xlsx import _tails

    values = [Decimal("1.50"), None, Decimal("1E+2"), Decimal("-0.00"), Decimal("12345678901234567890.12")]
    head = '" s="2"><v>'
    alone = _tails(values, 2, "C", 2, head, {})
    mixed = _tails([*values, True], 2, "C", 2, head, {})
    assert alone == mixed[:-1]
    assert alone[2] == f"{head}100</v></c>"
    assert mixed[-1] == '" t="b"><v>1</v></c>'


def test_equal_numbers_keep_their_own_digits_in_one_column() -> None:
    """A column's cells are rendered once per distinct text (Decimals) or value (ints,
    dates): Decimal('6') and Decimal('6.00') are equal but print differently."""
    from kpi.report.xlsx import _tails

    head = '" s="2"><v>'
    decimals = [Decimal("6"), Decimal("6.00"), None, Decimal("6"), Decimal("-0.50")]
    assert _tails(decimals, 2, "B", 2, head, {}) == [
        f"{head}6</v></c>",
        f"{head}6.00</v></c>",
        None,
        f"{head}6</v></c>",
        f"{head}-0.50</v></c>",
    ]
    assert _tails([3, None, 3, 0], 2, "B", 2, head, {}) == [
        f"{head}3</v></c>",
        None,
        f"{head}3</v></c>",
        f"{head}0</v></c>",
    ]
    # 2024-07-01 is Excel serial 45474 (days since 1899-12-30).
    days = [date(2024, 7, 1), None, date(2024, 7, 1)]
    assert _tails(days, 2, "E", 2, head, {}) == [f"{head}45474</v></c>", None, f"{head}45474</v></c>"]
