"""What every sheet check uses: typing a column, reporting cells, uniqueness, membership, ranges.

One :class:`Checker` holds what every check needs (file, rules, period, the
problems) so that the sheet modules only say which column gets which check.
One check reports at most :data:`MAX_PER_CHECK` cells and then a summary
problem, so that a whole column typed wrong gives a readable list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from kpi.errors import Collector
from kpi.i18n import KeyPath, Msg, _
from kpi.io.cells import convert_uniques, converter
from kpi.io.checks.columns import CONDITIONAL, KINDS, REQUIRED
from kpi.io.checks.field import Field
from kpi.io.names import Suggester, listing
from kpi.io.tables import Table
from kpi.periods import Period
from kpi.rules.schema import Rules

MAX_PER_CHECK = 100

#: The ``what`` of :meth:`Checker.member` for a column naming a department of sheet 部门.
NOT_A_DEPARTMENT = _("is not a department of sheet 部门")


def not_in(key: str) -> Msg:
    """The ``what`` of :meth:`Checker.member` for values listed under a rules key."""
    return _("is not in {key}", key=KeyPath(key))


class Checker:
    """Holds what every check needs: where the file is, the rules, the period, the problems."""

    def __init__(self, file: str, rules: Rules, period: Period, date1904: bool, problems: Collector) -> None:
        self.file = file
        self.rules = rules
        self.period = period
        self.date1904 = date1904
        self.problems = problems

    # Reporting ---------------------------------------------------------------

    def report(
        self,
        table: Table,
        column: str,
        mask: np.ndarray | Iterable[int],
        message: Callable[[int], str],
        limit: int = MAX_PER_CHECK,
    ) -> int:
        """Add ``message(i)`` at ``column`` of each record i in ``mask`` (the first ``limit``
        of them, then one problem with the count of the rest); returns the count."""
        indices = np.flatnonzero(mask) if isinstance(mask, np.ndarray) else list(mask)
        for i in indices[:limit]:
            self.problems.add(table.location(self.file, column, int(i)), message(int(i)))
        if len(indices) > limit:
            first = int(indices[limit])
            self.problems.add(
                table.location(self.file, column, first),
                _(
                    "{message} (and {count:,} more cells of column {header} with the same problem "
                    "below this one)",
                    message=message(first),
                    count=len(indices) - limit - 1,
                    header=table.header(column),
                ),
            )
        return len(indices)

    # Typing ------------------------------------------------------------------

    def field(self, table: Table, key: str) -> Field:
        """Type one column; type errors and blanks of required columns are reported here."""
        kind = KINDS[table.key][key]
        column = table.columns.get(key)
        if column is None:
            n = len(table)
            return Field(
                table,
                key,
                False,
                np.zeros(n, dtype=np.int64),
                np.array([None], dtype=object),
                np.array([None], dtype=object),
                np.array([True]),
            )
        typed, errors, blank = convert_uniques(column.uniques, converter(kind, self.date1904))
        f = Field(table, key, True, column.codes, typed, errors, blank)
        if (table.key, key) not in CONDITIONAL:
            self.type_errors(f, np.ones(len(table), dtype=bool))
        if key in REQUIRED[table.key]:
            self.report(table, key, f.is_blank(), lambda i: _required(f.header))
        return f

    def type_errors(self, f: Field, mask: np.ndarray) -> None:
        self.report(
            f.table,
            f.key,
            f.has_error() & mask,
            lambda i: _("{header} {error}", header=f.header, error=f.errors[f.codes[i]]),
        )

    def fields(self, table: Table) -> dict[str, Field]:
        return {key: self.field(table, key) for key in KINDS[table.key]}

    # Shared checks -----------------------------------------------------------

    def unique(self, f: Field) -> None:
        """Each value once: the second and later occurrences are errors."""
        values = pd.Series(f.cells())
        present = values.notna()
        repeated = values.duplicated(keep="first") & present
        if not repeated.any():
            return
        first_row: dict[Any, int] = {}
        for i in np.flatnonzero(present.to_numpy()):
            first_row.setdefault(values.iat[int(i)], int(f.table.rows[i]))
        self.report(
            f.table,
            f.key,
            repeated.to_numpy(),
            lambda i: _(
                "{header} '{value}' repeats row {row}: each {header} must appear once",
                header=f.header,
                value=f.shown(i),
                row=first_row[values.iat[i]],
            ),
        )

    def member(
        self,
        f: Field,
        choices: Iterable[str],
        what: Msg,
        mask: np.ndarray | None = None,
        advice: str = "",
        hint: Callable[[str], str] | None = None,
    ) -> np.ndarray:
        """Values must be among ``choices``; returns the per-cell mask of the bad ones.

        ``what`` completes "<column> '<value>' …" (``_("is not in {key}", key=KeyPath(...))``);
        ``advice`` is a :class:`~kpi.i18n.Msg` tail (or nothing) put after the hint.
        ``hint(value)``, when given and not empty, replaces the closest-choice hint
        (a 姓名 typed for a 工号: :class:`~kpi.io.checks.hints.NameHints`); a hint is a
        :class:`~kpi.i18n.Msg` tail with its own punctuation, or ``""``.
        """
        options = list(choices)
        allowed = set(options)
        suggest = Suggester(options)
        bad = f.where(lambda v: v not in allowed)
        if mask is not None:
            bad &= mask

        def hinted(value: str) -> str:
            return (hint(value) if hint is not None else "") or suggest.hint(value)

        self.report(
            f.table,
            f.key,
            bad,
            lambda i: _(
                "{header} '{value}' {what} ({choices}){hint}{advice}",
                header=f.header,
                value=f.shown(i),
                what=what,
                choices=listing(options),
                hint=hinted(str(f.value(i))),
                advice=advice,
            ),
        )
        return bad

    def in_range(
        self,
        f: Field,
        ok: Callable[[Decimal], bool],
        expected: Msg,
        mask: np.ndarray | None = None,
    ) -> None:
        bad = f.where(lambda v: not ok(v))
        if mask is not None:
            bad &= mask
        self.report(
            f.table,
            f.key,
            bad,
            lambda i: _("{header} {value} {expected}", header=f.header, value=f.shown(i), expected=expected),
        )


def _required(header: str) -> Msg:
    return _("{header} is required: fill in this cell, or delete the row", header=header)
