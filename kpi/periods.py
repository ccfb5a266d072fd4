"""Appraisal periods: a quarter (``2024Q3``) or a year (``2024``), both ends included."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

_PERIOD = re.compile(r"^(\d{4})(?:[Qq]([1-4]))?$")


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``2024Q3``/``2024q3`` or ``2024``; ValueError with the accepted forms otherwise."""
        m = _PERIOD.match(unicodedata.normalize("NFKC", text).strip())
        if not m:
            raise ValueError(f"period {text!r} is not a quarter like 2024Q3 or a year like 2024")
        return cls(int(m.group(1)), int(m.group(2)) if m.group(2) else None)

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

    def __str__(self) -> str:
        return f"{self.year}" if self.quarter is None else f"{self.year}Q{self.quarter}"
