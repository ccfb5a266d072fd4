"""Working days for the service deadlines (the "1510" rule): ``wd(d, n)`` and its trail.

A date is a working day when it is a listed make-up working day, or it is
Monday–Friday and not a listed holiday. With ``statutory: true`` the PRC
statutory holidays join the holidays and their make-up working days (调休) join
the working days, from the table of the pinned ``chinesecalendar`` release.

``wd(d, n)`` is the n-th working day strictly after d (n = 0 gives d). Deadlines
are computed for many requests at once: over the range of days the requests
need, each day gets a running count of working days (a cumulative sum over a
boolean array), and the n-th working day after d is the first day whose count
reaches ``count(d) + n`` — one ``searchsorted`` for all requests. Days are
numbered as numpy ``datetime64[D]`` (days since 1970-01-01), so everything is
integer arithmetic and exact.

:meth:`WorkCalendar.notes` lists, for a stretch of days, the ones a reader
needs to check a deadline by hand: the days skipped (weekend, holiday,
statutory holiday) and the weekend days counted as make-up working days.

The statutory table knows a fixed range of years (:func:`statutory_years`).
Days outside it are treated like any other day (Monday–Friday plus the rules'
own lists); the callers refuse the cases where that would decide a published
deadline (a period outside the range; a request whose deadline runs past it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from kpi.rules.schema import ServiceCalendar

#: Kinds of noted days: skipped (not working) or counted on a weekend (make-up).
WEEKEND = "weekend"
HOLIDAY = "holiday"  # listed in service.calendar.holidays
STATUTORY = "statutory"  # a statutory holiday of the table
WORKDAY = "workday"  # a weekend day listed in service.calendar.workdays
STATUTORY_WORKDAY = "statutory_workday"  # a make-up working day of the table

_EPOCH = date(1970, 1, 1).toordinal()


def day_number(day: date) -> int:
    """Days since 1970-01-01 (numpy's ``datetime64[D]`` as an integer)."""
    return day.toordinal() - _EPOCH


def from_number(number: int) -> date:
    return date.fromordinal(int(number) + _EPOCH)


#: The day number standing for a blank date (below every real one).
BLANK = np.iinfo(np.int64).min


def day_numbers(days: Iterable[date | None]) -> np.ndarray:
    """An int64 array of day numbers; a blank (None) becomes :data:`BLANK`.

    Converted once per distinct date: a column of 100,000 dates holds a few hundred.
    """
    codes, uniques = pd.factorize(
        pd.Series(list(days) if not isinstance(days, pd.Series) else days, dtype=object)
    )
    numbers = np.array([day_number(u) for u in uniques], dtype=np.int64)
    return np.where(codes < 0, BLANK, numbers[np.maximum(codes, 0)] if numbers.size else BLANK)


@cache
def _statutory_table() -> tuple[dict[date, tuple[str, str]], dict[date, tuple[str, str]], tuple[int, int]]:
    """(holidays, make-up working days, (first year, last year)) of the statutory table.

    Each day maps to the holiday's (Chinese, English) name. The years are the
    range the library itself accepts: the first to the last year of its holidays.
    """
    import chinese_calendar

    def named(table: dict[date, str]) -> dict[date, tuple[str, str]]:
        names = {h.value: h.chinese for h in chinese_calendar.Holiday}
        return {day: (names.get(english, english), english) for day, english in table.items()}

    holidays = named(chinese_calendar.holidays)
    workdays = named(chinese_calendar.workdays)
    return holidays, workdays, (min(holidays).year, max(holidays).year)


def statutory_years() -> tuple[int, int]:
    """The first and last year the statutory holiday table knows (both included)."""
    return _statutory_table()[2]


@dataclass(frozen=True)
class DayNote:
    """A day worth showing beside a deadline: skipped, or a weekend day counted."""

    day: date
    kind: str  # WEEKEND | HOLIDAY | STATUTORY | WORKDAY | STATUTORY_WORKDAY
    name: tuple[str, str] | None = None  # a statutory day's holiday (国庆节, National Day)

    @property
    def working(self) -> bool:
        return self.kind in (WORKDAY, STATUTORY_WORKDAY)


class WorkCalendar:
    """The working days of one rules file's ``service.calendar``."""

    def __init__(self, holidays: Iterable[date], workdays: Iterable[date], statutory: bool) -> None:
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        self.statutory = statutory
        if statutory:
            stat_holidays, stat_workdays, years = _statutory_table()
            self.statutory_holidays = stat_holidays
            self.statutory_workdays = stat_workdays
            self.known: tuple[date, date] | None = (date(years[0], 1, 1), date(years[1], 12, 31))
        else:
            self.statutory_holidays, self.statutory_workdays, self.known = {}, {}, None
        off = self.holidays | set(self.statutory_holidays)
        on = self.workdays | set(self.statutory_workdays)
        self._off = np.array(sorted(day_number(d) for d in off), dtype=np.int64)
        self._on = np.array(sorted(day_number(d) for d in on), dtype=np.int64)
        # The working-day count over [_start, _start + len(_count)), built on demand.
        self._start = 0
        self._count = np.zeros(0, dtype=np.int64)

    @classmethod
    def of(cls, calendar: ServiceCalendar) -> WorkCalendar:
        """The calendar a rules file's ``service.calendar`` describes."""
        return cls(calendar.holidays or (), calendar.workdays or (), calendar.statutory)

    # one day -------------------------------------------------------------------------

    def is_working(self, day: date) -> bool:
        """Method §6.0: in the workdays, or Monday–Friday and not in the holidays."""
        if day in self.workdays or day in self.statutory_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays and day not in self.statutory_holidays

    def wd(self, day: date, n: int) -> date:
        """The n-th working day strictly after ``day`` (n = 0 gives ``day``)."""
        found = self.deadlines(np.array([day_number(day)]), np.array([n]))
        return from_number(int(found[0]))

    def note(self, day: date) -> DayNote | None:
        """Why ``day`` is skipped, or why a weekend ``day`` counts; None for a plain working day."""
        if self.is_working(day):
            if day.weekday() < 5:
                return None
            if day in self.workdays:
                return DayNote(day, WORKDAY)
            return DayNote(day, STATUTORY_WORKDAY, self.statutory_workdays[day])
        if day in self.holidays:
            return DayNote(day, HOLIDAY)
        if day in self.statutory_holidays:
            return DayNote(day, STATUTORY, self.statutory_holidays[day])
        return DayNote(day, WEEKEND)

    # many days -----------------------------------------------------------------------

    def deadlines(self, start: np.ndarray, n: np.ndarray) -> np.ndarray:
        """``wd(start[i], n[i])`` for every i, as day numbers (int64 arrays in and out)."""
        start = np.asarray(start, dtype=np.int64)
        n = np.asarray(n, dtype=np.int64)
        if start.size == 0:
            return start.copy()
        count = self._cover(int(start.min()), int(start.max()), int(n.max()))
        target = count[start - self._start] + n
        while int(target.max()) > int(count[-1]):  # far beyond the listed holidays: never loops long
            count = self._cover(self._start, self._start + len(count), 2 * len(count))
            target = count[start - self._start] + n
        found = self._start + np.searchsorted(count, target, side="left")
        return np.where(n == 0, start, found)

    def notes(self, after: np.ndarray, upto: np.ndarray) -> list[tuple[DayNote, ...]]:
        """For each i, the noted days in (after[i], upto[i]] (see :meth:`note`), in date order."""
        after = np.asarray(after, dtype=np.int64)
        upto = np.asarray(upto, dtype=np.int64)
        if after.size == 0:
            return []
        first, last = int(after.min()) + 1, int(upto.max())
        if last < first:
            return [() for _ in range(after.size)]
        days = np.arange(first, last + 1, dtype=np.int64)
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        working = self._working(days, weekday)
        noted = days[~working | (weekday >= 5)]
        found = [self.note(from_number(d)) for d in noted]
        listed = [n for n in found if n is not None]
        at = np.array([day_number(n.day) for n in listed], dtype=np.int64)
        lo = np.searchsorted(at, after, side="right")
        hi = np.searchsorted(at, upto, side="right")
        # Few distinct stretches occur: each becomes a tuple once.
        width = len(listed) + 1
        spans, inverse = np.unique(lo * width + hi, return_inverse=True)
        made = [tuple(listed[s // width : s % width]) for s in spans.tolist()]
        return [made[k] for k in inverse.reshape(-1).tolist()]

    def _working(self, days: np.ndarray, weekday: np.ndarray) -> np.ndarray:
        return np.isin(days, self._on) | ((weekday < 5) & ~np.isin(days, self._off))

    def _cover(self, first: int, last: int, most: int) -> np.ndarray:
        """The running working-day count over at least [first, last + room for ``most`` more]."""
        # ⌈most / 5⌉ weeks hold `most` Monday–Fridays; the listed holidays may take some.
        span = 7 * ((most + len(self._off)) // 5 + 2)
        end = last + span
        if self._count.size and self._start <= first and end < self._start + len(self._count):
            return self._count
        days = np.arange(first, end + 1, dtype=np.int64)
        self._start = first
        self._count = np.cumsum(self._working(days, (days + 3) % 7), dtype=np.int64)
        return self._count
