"""Cell values → typed Python values, by method §9 "Reading".

calamine hands over each cell as ``str``, ``float``, ``int``, ``bool``,
``date``, ``datetime``, ``time`` or ``timedelta`` (dates and times when the
cell has a date/time number format), ``""`` for an empty cell, or a
:class:`~kpi.io.xml_scan.Unreadable` marker. Each converter takes one such
value, known not to be blank, and returns the typed value or raises
:class:`CellError` whose message completes "<column> …".

A column of a million rows holds few distinct values (dates of one quarter,
event codes, targets), so :func:`factorize` and :func:`convert_uniques` convert
each distinct value once; the results are spread to the cells with numpy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from kpi.i18n import Msg, _
from kpi.io.xml_scan import Unreadable
from kpi.numbers import from_float, plain
from kpi.report.xlsx import MAX_CELL_CHARS, excel_length

TEXT, NUMBER, INTEGER, DATE = "text", "number", "integer", "date"

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_DATE_TEXT = re.compile(
    r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"|(?P<y2>\d{4})\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日"
)
_TIME_TEXT = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
_EPOCH_1900 = date(1899, 12, 30)
_EPOCH_1904 = date(1904, 1, 1)
#: Excel's largest date, 9999-12-31, as a 1900-system serial.
_MAX_SERIAL = 2_958_465
_DATE_FORMS = _("2024-07-01, 2024/7/1, 2024.7.1 or 2024年7月1日")


class CellError(ValueError):
    """A cell value that its column cannot take; the message (a :class:`~kpi.i18n.Msg`,
    also ``str()``) follows the column name."""

    def __str__(self) -> str:
        return self.args[0] if self.args and isinstance(self.args[0], str) else super().__str__()


def is_blank(value: Any) -> bool:
    """Empty, or text of white space only (method §9)."""
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: Any) -> str:
    """A cell value as a message quotes it: text as typed, numbers as Excel shows them."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return plain(from_float(value))
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def to_text(value: Any) -> str:
    """Text, stripped; a number is its plain digits (工号 1001 → '1001', never '1001.0')."""
    if isinstance(value, str):
        if len(value) > MAX_CELL_CHARS // 2 and excel_length(value) > MAX_CELL_CHARS:
            raise CellError(
                _(
                    "holds {count:,} characters, more than the {limit:,} an Excel cell can hold "
                    "(the file was not saved by Excel or WPS): shorten it",
                    count=excel_length(value),
                    limit=MAX_CELL_CHARS,
                )
            )
        return value.strip()
    if isinstance(value, Unreadable):
        raise CellError(value.reason)
    if isinstance(value, timedelta):
        raise CellError(_("'{value}' is a duration, not text", value=str(value)))
    return shown(value)


def to_number(value: Any, date1904: bool = False) -> Decimal:
    """The stored number (at most 15 significant digits), or text that reads as one.

    A date-formatted number cell is still a number (the method: the stored value, not
    its number-format rendering), so a date comes back as its serial.
    """
    if isinstance(value, bool):
        raise CellError(_("'{value}' is not a number", value=shown(value)))
    if isinstance(value, (int, float)):
        return from_float(float(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, str):
        parsed = number_from_text(value)
        if parsed is None:
            raise CellError(
                _("'{value}' is not a number: write digits, e.g. 8000 or 0.35", value=value.strip())
            )
        return parsed
    if isinstance(value, Unreadable):
        raise CellError(value.reason)
    return from_float(_serial(value, date1904))


def number_from_text(text: str) -> Decimal | None:
    """Digits typed as text, after NFKC (full-width digits), as Excel would take them.

    Accepts a sign, a decimal point, an exponent, thousands separators
    (``12,000``) and a trailing percent sign (``60%`` is 0.6); anything else is None.
    """
    t = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    percent = t.endswith("%")
    if percent:
        t = t[:-1].rstrip()
    if _THOUSANDS.fullmatch(t):
        t = t.replace(",", "")
    if not _NUMBER.fullmatch(t):
        return None
    number = Decimal(t)
    return number.scaleb(-2) if percent else number


def to_integer(value: Any, date1904: bool = False) -> int:
    """A whole number: 2, 2.0 and '2' are 2; 2.5 is an error."""
    number = to_number(value, date1904)
    if number != number.to_integral_value():
        raise CellError(_("'{value}' is not a whole number", value=plain(number)))
    return int(number)


def to_date(value: Any, date1904: bool = False) -> date:
    """A date cell, the date part of a date-time, an Excel serial, or date text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError(_not_a_date(shown(value)))
    if isinstance(value, (int, float)):
        return _from_serial(float(value), date1904)
    if isinstance(value, str):
        return _date_from_text(value)
    if isinstance(value, Unreadable):
        raise CellError(value.reason)
    raise CellError(
        _("'{value}' is a time, not a date: write {forms}", value=shown(value), forms=_DATE_FORMS)
    )


def _not_a_date(value: str) -> Msg:
    return _("'{value}' is not a date: write {forms}", value=value, forms=_DATE_FORMS)


def _date_from_text(text: str) -> date:
    t = unicodedata.normalize("NFKC", text).strip()
    m = _DATE_TEXT.match(t)
    if m is None or not (m.end() == len(t) or _TIME_TEXT.fullmatch(t, m.end())):
        raise CellError(_not_a_date(text.strip()))
    y, mo, d = (m.group(g) or m.group(g + "2") for g in ("y", "m", "d"))
    try:
        return date(int(y), int(mo), int(d))
    except ValueError as exc:
        raise CellError(
            _("'{value}' is not a valid date ({reason})", value=text.strip(), reason=_day_error(exc))
        ) from exc


def _day_error(exc: ValueError) -> str:
    """Python's words for an impossible date, as a message."""
    text = str(exc)
    if text.startswith("day is out of range"):
        return _("day is out of range for month")
    if text.startswith("month must be"):
        return _("month must be in 1..12")
    if text.startswith("year"):
        return _("the year is out of range")
    return text


def _from_serial(serial: float, date1904: bool) -> date:
    """An Excel serial number's date (its whole part; the fraction is the time of day)."""
    days = int(serial // 1)
    if date1904:
        if not 0 <= days <= _MAX_SERIAL - 1462:
            raise CellError(_not_a_date(shown(serial)))
        return _EPOCH_1904 + timedelta(days=days)
    if not 1 <= days <= _MAX_SERIAL or days == 60:
        # 60 is Excel's 1900-02-29, a day that never was (kept for Lotus 1-2-3).
        raise CellError(_not_a_date(shown(serial)))
    if days < 60:
        return date(1899, 12, 31) + timedelta(days=days)
    return _EPOCH_1900 + timedelta(days=days)


def _serial(value: date | time | timedelta, date1904: bool) -> float:
    """The stored number behind a date/time-formatted cell (inverse of calamine's reading).

    calamine shows serials 59 and 60 both as 1900-02-28; this returns 59.
    """
    if isinstance(value, timedelta):
        return value / timedelta(days=1)
    if isinstance(value, time):
        return (datetime.combine(date.min, value) - datetime.min) / timedelta(days=1)
    day = value.date() if isinstance(value, datetime) else value
    fraction = (
        (value - datetime.combine(day, time())) / timedelta(days=1) if isinstance(value, datetime) else 0.0
    )
    if date1904:
        return (day - _EPOCH_1904).days + fraction
    if day < date(1900, 3, 1):
        return (day - date(1899, 12, 31)).days + fraction
    return (day - _EPOCH_1900).days + fraction


def converter(kind: str, date1904: bool) -> Callable[[Any], Any]:
    """The converter of a column kind (:data:`TEXT`, :data:`NUMBER`, …)."""
    if kind == TEXT:
        return to_text
    if kind == NUMBER:
        return lambda v: to_number(v, date1904)
    if kind == INTEGER:
        return lambda v: to_integer(v, date1904)
    if kind == DATE:
        return lambda v: to_date(v, date1904)
    raise ValueError(f"unknown column kind {kind!r}")


_IS_BOOL = np.frompyfunc(lambda v: v.__class__ is bool, 1, 1)


def factorize(values: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Codes and distinct values of an object array, keeping TRUE apart from 1.

    Hashing treats ``True == 1 == 1.0`` (and False/0) as one value; a boolean
    cell must not be read as the number it equals, so booleans that share a
    code with a number get a code of their own.
    """
    codes, uniques_array = pd.factorize(values, use_na_sentinel=False)
    uniques = list(uniques_array)
    for k, u in enumerate(list(uniques)):
        if isinstance(u, (bool, int, float)) and u in (0, 1):
            where = np.flatnonzero(codes == k)
            booleans = _IS_BOOL(values[where]).astype(bool)
            if booleans.any() and not booleans.all():
                flip = where[booleans] if not isinstance(u, bool) else where[~booleans]
                uniques.append(values[flip[0]])
                codes[flip] = len(uniques) - 1
    return codes, uniques


def convert_uniques(
    uniques: list[Any], convert: Callable[[Any], Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Convert distinct values: (typed values, error messages, blank flags), one per value.

    A blank value gives ``None`` and no error; the caller decides if blank is allowed.
    """
    typed = np.empty(len(uniques), dtype=object)
    errors = np.empty(len(uniques), dtype=object)
    blank = np.zeros(len(uniques), dtype=bool)
    for k, u in enumerate(uniques):
        if is_blank(u):
            blank[k] = True
            continue
        try:
            typed[k] = convert(u)
        except CellError as exc:
            errors[k] = str(exc)
    return typed, errors, blank
