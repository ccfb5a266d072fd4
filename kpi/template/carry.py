"""``--from``: the standing data of last period's input workbook, read leniently.

The previous workbook is read with the project's reader down to its tables
(:mod:`kpi.io.sources` opens it safely, :func:`~kpi.io.workbook.find_sheets`
and :mod:`kpi.io.tables` find the sheets, headers and columns by their Chinese
or English names), but it is not validated as a period: its rows were valid
for their own period and rules, and the checks of the new period (dates
inside it, codes of the new rules) are what ``kpi validate`` runs on the
filled-in template. So:

* an unreadable or unsafe file, a missing or doubled sheet of the contract, or
  a header without a required column is an error: the file is not an input
  workbook;
* a cell that does not read as its column's type is carried over as written,
  with a warning, so nothing is lost and ``kpi validate`` points at it later;
* the columns the template clears (``ColumnSpec.carried`` false: 完成值,
  完成日期, 排名, 在岗月数) are not carried;
* a column's ``review`` names values worth a look in the new period, as
  warnings: a 在岗月数 that was not a whole period (it may still hold), a
  截止日期 before the new period starts;
* of 企业诉求, only the requests with a check still to count are kept: a
  response or settle deadline (method §6.0) on or after the new period's first
  day. A request answered and settled last period whose deadlines also fell
  there is done; one received at the end of the period, or not settled yet
  and not yet due, is checked in the new period and must be listed there. A
  request whose deadline cannot be worked out (a 受理日期 that is not a date, a
  类别 the rules do not know) is kept, for ``kpi validate`` to point at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from kpi.errors import Collector, InputError, Location, Problem
from kpi.i18n import Msg, _
from kpi.io.cells import CellError, converter, is_blank, shown
from kpi.io.sources import load_grid, open_source
from kpi.io.tables import Table, read_table
from kpi.io.workbook import find_sheets
from kpi.io.xml_scan import Unreadable
from kpi.numbers import plain
from kpi.periods import Period
from kpi.rules.schema import Rules, Service
from kpi.template.spec import ColumnSpec, SheetSpec, kind
from kpi.workdays import WorkCalendar, day_number, day_numbers

#: One carried row: column key → typed value (str, Decimal, int, date) or None.
Row = dict[str, Any]


@dataclass
class Carried:
    """Rows carried over from ``path``, by sheet key, in the previous workbook's order."""

    path: str
    rows: dict[str, list[Row]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)


def carry_over(
    path: str | Path, sheets: list[tuple[SheetSpec, list[ColumnSpec]]], period: Period, rules: Rules
) -> Carried:
    """Read the carried sheets of the previous input ``path`` for the template of ``period``.

    Raises :class:`InputError` with every problem that makes ``path`` unusable.
    """
    file = str(path)
    source = open_source(path)
    problems = Collector()
    found = find_sheets(source.sheet_names, file, problems)
    carried = Carried(file)
    ignored: list[Problem] = []  # the old file's title rows and skipped rows are no news
    for spec, columns in sheets:
        if not spec.carried or spec.key not in found:
            continue
        try:
            grid = load_grid(source, found[spec.key])
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        table = read_table(grid, spec.key, file, problems, ignored)
        del grid
        rows = _rows(table, columns, file, source.date1904, period, carried.warnings) if table else []
        if spec.key == "service_requests" and rules.service is not None:
            rows = still_due(rows, rules.service, period)
        carried.rows[spec.key] = rows
    problems.raise_if_any(InputError, tuple(source.sheet_names))
    return carried


def _rows(
    table: Table,
    columns: list[ColumnSpec],
    file: str,
    date1904: bool,
    period: Period,
    warnings: list[Problem],
) -> list[Row]:
    rows: list[Row] = [{} for __ in range(len(table))]
    for spec in columns:
        found = table.columns.get(spec.key)
        if found is None:
            for row in rows:
                row[spec.key] = None
            continue
        convert = converter(kind(table.key, spec.key), date1904)
        typed = [_typed(value, convert) for value in found.uniques]
        for i, code in enumerate(found.codes):
            value, error = typed[code]
            if value is None and error is None:
                rows[i][spec.key] = None
                continue
            where = Location(file, table.sheet, int(table.rows[i]), found.letter)
            review = spec.review(value, period) if spec.review is not None and value is not None else None
            if review is not None:
                written = plain(value) if isinstance(value, Decimal) else shown(value)
                warnings.append(
                    Problem.warning(
                        where,
                        _("{header} {value} {review}", header=found.header, value=written, review=review),
                    )
                )
            rows[i][spec.key] = value if spec.carried else None
            if error is not None and spec.carried:
                problem = _("{header} {problem}", header=found.header, problem=error)
                warnings.append(Problem.warning(where, problem))
    return rows


def still_due(requests: list[Row], service: Service, period: Period) -> list[Row]:
    """The requests with a response or settle deadline on or after ``period`` starts
    (those whose deadline cannot be worked out too), in their order."""
    dated = [
        i
        for i, r in enumerate(requests)
        if isinstance(r.get("received"), date) and r.get("kind") in service.resolve_days
    ]
    received = day_numbers(requests[i]["received"] for i in dated)
    latest = np.array(
        [max(service.respond_days, service.resolve_days[requests[i]["kind"]]) for i in dated], dtype=np.int64
    )
    deadline = WorkCalendar.of(service.calendar).deadlines(received, latest)
    past = {i for i, day in zip(dated, deadline, strict=True) if day < day_number(period.first_day)}
    return [r for i, r in enumerate(requests) if i not in past]


def _typed(value: Any, convert: Callable[[Any], Any]) -> tuple[Any, Msg | None]:
    """(typed value, None); (the value as written, why it is not of its type); or, for a
    cell without a value (an error value, a formula never calculated), (None, why)."""
    if is_blank(value):
        return None, None
    if isinstance(value, Unreadable):
        return None, _("{reason}: left blank", reason=value.reason)
    try:
        return convert(value), None
    except CellError as exc:
        return shown(value), _("{reason}: carried over as written", reason=_reason(exc))


def _reason(exc: CellError) -> str:
    """Why a cell does not read as its type: the error's message (a ``Msg`` kept as it is)."""
    message = exc.args[0] if exc.args else None
    return message if isinstance(message, str) else str(exc)
