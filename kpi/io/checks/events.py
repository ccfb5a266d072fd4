"""Checks of the dated event sheets: 点数 (points) and 否决 (vetoes).

Both name a 对象 that is a 工号 or a department, an item the rules list, and
a date inside the period, so the two checks of 对象 and date live here with them.

When most of their dates lie outside the period, the workbook is most likely
another period's (or ``--period`` was mistyped): :func:`check_period_of_dates`
puts one error naming the period the dates lie in before the cells, and each
date column then lists only its first :data:`FEW` cells and a count.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from kpi.errors import Location
from kpi.i18n import _
from kpi.io.checks.checker import MAX_PER_CHECK, Checker, not_in
from kpi.io.checks.field import Checked, Field
from kpi.io.checks.hints import NameHints
from kpi.io.names import Suggester
from kpi.periods import Period

#: Out-of-period cells listed per date column when most dates lie outside the period.
FEW = 5


def check_period_of_dates(c: Checker, checked: Checked) -> int:
    """One error when most dates of 点数 and 否决 lie outside the period, naming the
    period most of them lie in; returns how many out-of-period cells a date column lists."""
    p = c.period
    total = 0
    outside: Counter[Period] = Counter()
    by_field: list[tuple[int, Field]] = []
    for key in ("points", "vetoes"):
        f = checked.fields.get(key, {}).get("date")
        if f is None or not f.present or len(f.codes) == 0:
            continue
        counts = np.bincount(f.codes[f.valid()], minlength=len(f.typed))
        out = 0
        for k in np.flatnonzero(counts):
            total += int(counts[k])
            if not p.contains(f.typed[k]):
                outside[p.of(f.typed[k])] += int(counts[k])
                out += int(counts[k])
        if out:
            by_field.append((out, f))
    out = sum(outside.values())
    if not out or 2 * out <= total:
        return MAX_PER_CHECK
    where = max(by_field, key=lambda pair: pair[0])[1]
    columns = [(f.table.sheet, f.header) for __, f in by_field]
    if len(columns) == 1:
        where_dates = _("{sheet} {column}", sheet=columns[0][0], column=columns[0][1])
    else:
        where_dates = _(
            "{sheet} {column} and {sheet2} {column2}",
            sheet=columns[0][0],
            column=columns[0][1],
            sheet2=columns[1][0],
            column2=columns[1][1],
        )
    (other, n), *__ = outside.most_common(1)
    common = {
        "out": out,
        "total": total,
        "columns": where_dates,
        "period": str(p),
        "first": p.first_day.isoformat(),
        "last": p.last_day.isoformat(),
    }
    if 2 * n > out:
        message = _(
            "{out:,} of the {total:,} dates in {columns} lie outside the period {period} "
            "({first} to {last}); {n:,} of them lie in {other} ({other_first} to {other_last}): "
            "did you mean --period {other}? If this workbook is the one of {period}, "
            "correct the dates listed below",
            n=n,
            other=str(other),
            other_first=other.first_day.isoformat(),
            other_last=other.last_day.isoformat(),
            **common,
        )
    else:
        spread = ", ".join(f"{q} ({k:,})" for q, k in outside.most_common(3))
        if len(outside) > 3:
            spread += ", …"
        message = _(
            "{out:,} of the {total:,} dates in {columns} lie outside the period {period} "
            "({first} to {last}), spread over {spread}: check --period, and the dates listed below",
            spread=spread,
            **common,
        )
    column = where.table.columns["date"].letter
    c.problems.add(Location(c.file, where.table.sheet, where.table.header_row, column), message)
    return FEW


def check_points(c: Checker, checked: Checked, limit: int = MAX_PER_CHECK) -> None:
    f = checked.fields.get("points")
    if f is None:
        return
    _in_period(c, f["date"], limit)
    _targets(c, f["target"], checked)
    c.member(f["code"], list(c.rules.points.events), not_in("points.events"))


def check_vetoes(c: Checker, checked: Checked, limit: int = MAX_PER_CHECK) -> None:
    f = checked.fields.get("vetoes")
    if f is None:
        return
    _targets(c, f["target"], checked)
    c.member(f["item"], list(c.rules.veto.items), not_in("veto.items"))
    _in_period(c, f["date"], limit)


def _in_period(c: Checker, f: Field, limit: int) -> None:
    p = c.period
    c.report(
        f.table,
        f.key,
        f.where(lambda d: not p.contains(d)),
        lambda i: _(
            "{header} {value} is outside the period {period} ({first} to {last}): correct the date, "
            "or move the row to the workbook of its own period",
            header=f.header,
            value=f.shown(i),
            period=str(p),
            first=p.first_day.isoformat(),
            last=p.last_day.isoformat(),
        ),
        limit,
    )


def _targets(c: Checker, f: Field, checked: Checked) -> None:
    """对象: a 工号 or a department name, never both (when those lists were read)."""
    ids, departments = checked.ids, checked.departments
    if ids is None or departments is None:
        return
    both = ids & departments
    ambiguous = f.where(lambda v: v in both)
    c.report(
        f.table,
        f.key,
        ambiguous,
        lambda i: _(
            "{header} '{value}' is both a 工号 in 人员 and a department in 部门, so it is ambiguous: "
            "give the person or the department a different name",
            header=f.header,
            value=f.shown(i),
        ),
    )
    suggest = Suggester(v for group in (departments, ids) for v in sorted(group))
    names = NameHints(checked)
    c.report(
        f.table,
        f.key,
        f.where(lambda v: v not in ids and v not in departments),
        lambda i: _(
            "{header} '{value}' is neither a 工号 in 人员 nor a department in 部门{hint}",
            header=f.header,
            value=f.shown(i),
            hint=names(str(f.value(i))) or suggest.hint(str(f.value(i))),
        ),
    )
