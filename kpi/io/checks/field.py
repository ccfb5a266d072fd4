"""A column typed once per distinct value, and the typed sheets the checks share.

Checks run once per *distinct* value where they can (a million 点数 rows have
a few hundred targets and codes): a :class:`Field` keeps a column factorised,
and every sheet check reads and writes one :class:`Checked`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from kpi.io.tables import Table
from kpi.numbers import plain


@dataclass
class Field:
    """One column of a table, typed once per distinct value.

    Cell ``i`` holds ``typed[codes[i]]``; ``errors`` and ``blank`` are per distinct value.
    An absent column is one blank value for every row.
    """

    table: Table
    key: str
    present: bool
    codes: np.ndarray
    typed: np.ndarray
    errors: np.ndarray
    blank: np.ndarray

    @property
    def header(self) -> str:
        return self.table.header(self.key)

    def good_unique(self) -> np.ndarray:
        return ~self.blank & np.array([e is None for e in self.errors], dtype=bool)

    def valid(self) -> np.ndarray:
        """Per cell: holds a value of the right type."""
        return self.good_unique()[self.codes]

    def is_blank(self) -> np.ndarray:
        return self.blank[self.codes]

    def has_error(self) -> np.ndarray:
        return np.array([e is not None for e in self.errors], dtype=bool)[self.codes]

    def cells(self) -> np.ndarray:
        """Per cell: the typed value, or None when blank or wrong."""
        values = self.typed.copy()
        values[~self.good_unique()] = None
        return values[self.codes]

    def where(self, predicate: Callable[[Any], bool]) -> np.ndarray:
        """Per cell: valid and ``predicate(value)``, evaluated once per distinct value."""
        good = self.good_unique()
        hits = np.array([bool(good[k]) and predicate(v) for k, v in enumerate(self.typed)], dtype=bool)
        return hits[self.codes] if len(hits) else np.zeros(len(self.codes), dtype=bool)

    def value(self, i: int) -> Any:
        return self.typed[self.codes[i]]

    def shown(self, i: int) -> str:
        value = self.value(i)
        if isinstance(value, Decimal):
            return plain(value)
        if isinstance(value, date):
            return value.isoformat()
        return str(value)


@dataclass
class Checked:
    """Typed fields of every sheet read, and the reference lists they give."""

    fields: dict[str, dict[str, Field]]
    ids: set[str] | None
    departments: set[str] | None
    #: Per sheet, columns whose output differs from the cells (values the method ignores).
    overrides: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


def values(fields: dict[str, dict[str, Field]], sheet: str, column: str) -> set[str] | None:
    """The valid values of a column, or None when the sheet or the column is absent."""
    f = fields.get(sheet, {}).get(column)
    if f is None or not f.present:
        return None
    return {v for v, ok in zip(f.typed, f.good_unique(), strict=True) if ok}
