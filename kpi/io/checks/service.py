"""Checks of sheet 企业诉求 (service requests, method §6.0).

A request names its 负责人 (a 工号 of the roster, individual or leader) and a
类别 of ``service.resolve_days``; its dates are not limited to the period, since
a request received last quarter can have its deadline in this one, but a
response or settlement cannot come before the request was received.

With ``service.calendar.statutory: true``, the deadlines must not depend on a
year the statutory holiday table does not know: a request received before the
table's first year is refused, and so is one whose deadline runs past its last
year while its other deadline lies in the period (the row would publish a
deadline the table cannot tell).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from kpi.errors import Location
from kpi.i18n import KeyPath, _
from kpi.io.checks.checker import Checker, not_in
from kpi.io.checks.field import Checked, Field
from kpi.io.checks.hints import NameHints
from kpi.rules.schema import Service
from kpi.workdays import BLANK, WorkCalendar, day_number, day_numbers, from_number


def check_service_requests(c: Checker, checked: Checked) -> None:
    f = checked.fields.get("service_requests")
    if f is None:
        return
    table = f["id"].table
    service = c.rules.service
    if service is None:
        if len(table):
            c.problems.add(
                Location(c.file, table.sheet, int(table.rows[0])),
                _(
                    "sheet {sheet} lists {count} service request(s) but the rules have no service section: "
                    "add one (respond_days, resolve_days, calendar, events) to score them, or remove "
                    "the sheet",
                    sheet=table.sheet,
                    count=len(table),
                ),
            )
        return
    c.unique(f["id"])
    if checked.ids is not None:
        c.member(f["handler"], sorted(checked.ids), _("is not a 工号 of sheet 人员"), hint=NameHints(checked))
    c.member(f["kind"], list(service.resolve_days), not_in("service.resolve_days"))
    for later in ("responded", "resolved"):
        _not_before(c, f[later], f["received"])
    if service.calendar.statutory:
        _statutory_years(c, f, service)


def _not_before(c: Checker, later: Field, received: Field) -> None:
    """A response or settlement date on or after 受理日期 (when both cells are valid dates)."""
    after = day_numbers(later.cells())
    start = day_numbers(received.cells())
    bad = (after != BLANK) & (start != BLANK) & (after < start)
    c.report(
        later.table,
        later.key,
        bad,
        lambda i: _(
            "{header} {value} is before {received_header} {received} of the same request: a request is "
            "answered and settled on or after the day it is received; correct one of the dates",
            header=later.header,
            value=later.shown(i),
            received_header=received.header,
            received=received.shown(i),
        ),
    )


def _statutory_years(c: Checker, f: dict[str, Field], service: Service) -> None:
    calendar = WorkCalendar.of(service.calendar)
    assert calendar.known is not None  # statutory: true
    first, last = calendar.known
    received = f["received"]
    days = pd.Series(f["kind"].cells(), dtype=object).map(service.resolve_days)
    start = day_numbers(received.cells())
    valid = (start != BLANK) & days.notna().to_numpy()
    known = {"first_year": first.year, "last_year": last.year}
    early = valid & (start + 1 < day_number(first))
    c.report(
        received.table,
        "received",
        early,
        lambda i: _(
            "{header} {value}: the statutory holiday table ({key}) starts in {first_year}, so this "
            "request's deadlines cannot be worked out (it knows {first_year}–{last_year}); correct the "
            "date or remove the request",
            header=received.header,
            value=received.shown(i),
            key=KeyPath("service.calendar.statutory"),
            **known,
        ),
    )
    rows = np.flatnonzero(valid & ~early)
    if rows.size == 0:
        return
    respond = calendar.deadlines(start[rows], np.full(rows.size, service.respond_days))
    resolve = calendar.deadlines(start[rows], days.to_numpy()[rows].astype(np.int64))
    period = (day_number(c.period.first_day), day_number(c.period.last_day))
    end = day_number(last)
    deadlines = {"回应时限 (respond_days)": respond, "办结时限 (resolve_days)": resolve}
    published = np.zeros(rows.size, dtype=bool)
    for found in deadlines.values():
        published |= (found >= period[0]) & (found <= period[1])
    over: dict[int, tuple[str, date]] = {}
    for what, found in deadlines.items():
        for k in np.flatnonzero(published & (found > end)):
            over.setdefault(int(rows[k]), (what, from_number(int(found[k]))))
    c.report(
        received.table,
        "received",
        np.isin(np.arange(len(start)), list(over)),
        lambda i: _(
            "{header} {value}: this request's {deadline} runs into {year}, a year the statutory holiday "
            "table does not know (it knows {first_year}–{last_year}), while its other deadline lies in "
            "{period}: list {year}'s holidays in service.calendar.holidays and workdays with "
            "statutory: false, or use a kpi release whose table knows the year",
            header=received.header,
            value=received.shown(i),
            deadline=over[i][0],
            year=over[i][1].year,
            period=str(c.period),
            **known,
        ),
    )
