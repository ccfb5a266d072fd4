"""Cell values → text, numbers, whole numbers and dates (method §9 "Reading")."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi.io.cells import (
    CellError,
    factorize,
    is_blank,
    number_from_text,
    to_date,
    to_integer,
    to_number,
    to_text,
)
from kpi.io.sources import Unreadable

D = Decimal


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1001.0, "1001"),
        (1001, "1001"),
        (1001.5, "1001.5"),
        (" E01 ", "E01"),
        ("\u3000招商部\u3000", "招商部"),
        (True, "TRUE"),
        (date(2024, 7, 1), "2024-07-01"),
        (datetime(2024, 7, 1), "2024-07-01"),
        (0.1 + 0.2, "0.3"),
        ("=督办件逾期一天", "=督办件逾期一天"),
    ],
)
def test_text(value: object, text: str) -> None:
    assert to_text(value) == text


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (6000.0, D(6000)),
        (171.01, D("171.01")),
        (0.1 + 0.2, D("0.3")),
        (91.245, D("91.245")),
        (-2, D(-2)),
        ("１２３", D(123)),
        (" 12,000 ", D(12000)),
        ("1,234.5", D("1234.5")),
        ("60%", D("0.6")),
        ("６０％", D("0.6")),
        ("+3.5", D("3.5")),
        ("\u22125", D(-5)),
        ("1e3", D(1000)),
        (".5", D("0.5")),
        # A number cell with a date/time format is still its stored number.
        (date(2024, 7, 1), D(45474)),
        (datetime(2024, 7, 1, 12), D("45474.5")),
        (date(1900, 1, 3), D(3)),
        (time(12), D("0.5")),
        (timedelta(days=1, hours=12), D("1.5")),
    ],
)
def test_number(value: object, number: Decimal) -> None:
    assert to_number(value) == number


@pytest.mark.parametrize("value", ["abc", "六千", "1,2", "12,00", "nan", "inf", "1.2.3", "--1", True])
def test_not_a_number(value: object) -> None:
    with pytest.raises(CellError, match="is not a number"):
        to_number(value)


def test_number_in_1904_workbook_from_date_cell() -> None:
    assert to_number(date(1904, 1, 2), date1904=True) == 1


@pytest.mark.parametrize(("value", "whole"), [(2.0, 2), ("2", 2), ("２", 2), (17, 17), ("2.00", 2)])
def test_integer(value: object, whole: int) -> None:
    result = to_integer(value)
    assert result == whole and isinstance(result, int)


def test_integer_rejects_fraction() -> None:
    with pytest.raises(CellError, match=r"'2\.5' is not a whole number"):
        to_integer(2.5)


@pytest.mark.parametrize(
    "value",
    [
        date(2024, 7, 1),
        datetime(2024, 7, 1, 18, 30),
        45474.0,
        45474.75,
        45474,
        "2024-07-01",
        "2024-7-1",
        "2024/7/1",
        "2024/07/01",
        "2024.7.1",
        "2024年7月1日",
        "2024 年 7 月 1 日",
        "２０２４年７月１日",
        " 2024-07-01 ",
        "2024-07-01 10:30",
        "2024/7/1 10:30:15",
    ],
)
def test_date(value: object) -> None:
    assert to_date(value) == date(2024, 7, 1)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("7月1日", "is not a date"),
        ("2024-7/1", "is not a date"),
        ("20240701", "is not a date"),
        ("2024-02-30", "is not a valid date"),
        ("2024-13-01", "is not a valid date"),
        ("下周一", "is not a date"),
        (True, "is not a date"),
        (time(10), "is a time, not a date"),
        (60.0, "is not a date"),
        (0.0, "is not a date"),
        (3e6, "is not a date"),
        (Unreadable("shows the Excel error #N/A"), "Excel error #N/A"),
    ],
)
def test_not_a_date(value: object, words: str) -> None:
    with pytest.raises(CellError, match=words):
        to_date(value)


def test_date_serials_around_excel_1900_leap_bug() -> None:
    assert to_date(59.0) == date(1900, 2, 28)
    assert to_date(61.0) == date(1900, 3, 1)
    assert to_date(1.0) == date(1900, 1, 1)


def test_date_serial_in_1904_workbook() -> None:
    assert to_date(0.0, date1904=True) == date(1904, 1, 1)
    assert to_date(44012.0, date1904=True) == date(2024, 7, 1)


def test_unreadable_cell_explains_itself_in_any_column() -> None:
    marker = Unreadable("is a formula without a cached value")
    for convert in (to_text, to_number, to_integer, to_date):
        with pytest.raises(CellError, match="formula without a cached value"):
            convert(marker)


@pytest.mark.parametrize(
    ("value", "blank"), [("", True), ("  \u3000\n", True), (None, True), (0, False), ("x", False)]
)
def test_blank(value: object, blank: bool) -> None:
    assert is_blank(value) is blank


def test_factorize_keeps_booleans_apart_from_equal_numbers() -> None:
    values = np.array([1.0, True, 1, 0.0, False, True, "1"], dtype=object)
    codes, uniques = factorize(values)
    back = [uniques[c] for c in codes]
    assert [type(v) for v in back] == [float, bool, float, float, bool, bool, str]
    assert back[2] == 1


@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_whole_number_cell_in_text_column_has_no_decimal_point(n: int) -> None:
    assert to_text(float(n)) == str(n)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9))
def test_number_text_reads_exactly(number: Decimal) -> None:
    assert number_from_text(f"{number:f}") == number
