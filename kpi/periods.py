"""Appraisal periods: a quarter (``2024Q3``) or a year (``2024``), both ends included.

:meth:`Period.parse` reads what people type for ``--period``: ``2024Q3``,
``2024q3``, ``2024-Q3``, ``2024年第三季度``, ``2024年第3季度`` for a quarter;
``2024``, ``2024年``, ``2024年度`` for a year. :func:`period_in_name` finds the
period a file name carries (``高新区-2024Q3.xlsx``), for batches scored
without ``--period``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from kpi.i18n import Msg, _

_CHINESE_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}
_QUARTER = r"(?:[-_ ]?[Qq]([1-4])|\s*年\s*第\s*([1-4一二三四])\s*季度?)"
_PERIOD = re.compile(rf"^(\d{{4}})(?:{_QUARTER}|\s*年度?)?$")
#: In a file name: a quarter in any accepted spelling, or a year written ``2024年度``
#: (a bare ``2024`` or ``2024年`` in a name is too often part of something else).
_IN_NAME = re.compile(rf"(?<!\d)(\d{{4}})(?:{_QUARTER}|\s*(年度))(?![\d年])")

FORMS = _("a quarter like 2024Q3, 2024-Q3 or 2024年第三季度, or a year like 2024 or 2024年度")


class PeriodError(ValueError):
    """A period that cannot be read; ``message`` (also ``str()``) is a :class:`~kpi.i18n.Msg`
    (render it with ``.to(lang)``)."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse the forms of the module docstring; otherwise :class:`PeriodError` (a
        ValueError) naming the accepted forms."""
        m = _PERIOD.match(unicodedata.normalize("NFKC", text).strip())
        if not m:
            raise PeriodError(_("period {text} is not {forms}", text=repr(text), forms=FORMS))
        return cls(int(m.group(1)), _quarter(m.group(2) or m.group(3)))

    @property
    def months(self) -> int:
        return 12 if self.quarter is None else 3

    @property
    def first_day(self) -> date:
        month = 1 if self.quarter is None else 3 * self.quarter - 2
        return date(self.year, month, 1)

    @property
    def last_day(self) -> date:
        if self.quarter is None or self.quarter == 4:
            return date(self.year, 12, 31)
        nxt = date(self.year, 3 * self.quarter + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def of(self, day: date) -> Period:
        """The period of the same kind (quarter or year) that holds ``day``."""
        return Period(day.year, None if self.quarter is None else (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}" if self.quarter is None else f"{self.year}Q{self.quarter}"


def _quarter(text: str | None) -> int | None:
    return None if text is None else int(_CHINESE_DIGITS.get(text, text))


def periods_in_name(name: str) -> list[Period]:
    """Every distinct period ``name`` spells (``高新区-2024Q3.xlsx`` → [2024Q3]), in order."""
    found: list[Period] = []
    for m in _IN_NAME.finditer(unicodedata.normalize("NFKC", name)):
        period = Period(int(m.group(1)), _quarter(m.group(2) or m.group(3)))
        if period not in found:
            found.append(period)
    return found


def period_in_name(name: str) -> Period:
    """The one period ``name`` spells; PeriodError (a ValueError) when it spells none or several."""
    found = periods_in_name(name)
    if not found:
        raise PeriodError(
            _(
                "the file name '{name}' names no period (such as 2024Q3, 2024-Q3 or 2024年第三季度): "
                "give --period, or put the period in the name",
                name=name,
            )
        )
    if len(found) > 1:
        listed = ", ".join(str(p) for p in found)
        raise PeriodError(
            _(
                "the file name '{name}' names several periods ({listed}): give --period, or rename it",
                name=name,
                listed=listed,
            )
        )
    return found[0]
