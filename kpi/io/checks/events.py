"""Checks of the dated event sheets: 点数 (points) and 否决 (vetoes).

Both name a 对象 that is a 工号 or a department, an item the rules list, and
a date inside the period, so the two checks of 对象 and date live here with them.
"""

from __future__ import annotations

from kpi.io.checks.checker import Checker
from kpi.io.checks.field import Checked, Field
from kpi.io.names import Suggester


def check_points(c: Checker, checked: Checked) -> None:
    f = checked.fields.get("points")
    if f is None:
        return
    _in_period(c, f["date"])
    _targets(c, f["target"], checked.ids, checked.departments)
    c.member(f["code"], list(c.rules.points.events), "in points.events")


def check_vetoes(c: Checker, checked: Checked) -> None:
    f = checked.fields.get("vetoes")
    if f is None:
        return
    _targets(c, f["target"], checked.ids, checked.departments)
    c.member(f["item"], list(c.rules.veto.items), "in veto.items")
    _in_period(c, f["date"])


def _in_period(c: Checker, f: Field) -> None:
    p = c.period
    c.report(
        f.table,
        f.key,
        f.where(lambda d: not p.contains(d)),
        lambda i: (
            f"{f.header} {f.shown(i)} is outside the period {p} "
            f"({p.first_day.isoformat()} to {p.last_day.isoformat()}): correct the date, "
            "or move the row to the workbook of its own period"
        ),
    )


def _targets(c: Checker, f: Field, ids: set[str] | None, departments: set[str] | None) -> None:
    """对象: a 工号 or a department name, never both (when those lists were read)."""
    if ids is None or departments is None:
        return
    both = ids & departments
    ambiguous = f.where(lambda v: v in both)
    c.report(
        f.table,
        f.key,
        ambiguous,
        lambda i: (
            f"{f.header} '{f.shown(i)}' is both a 工号 in 人员 and a department in 部门, so it "
            "is ambiguous: give the person or the department a different name"
        ),
    )
    suggest = Suggester(v for group in (departments, ids) for v in sorted(group))
    c.report(
        f.table,
        f.key,
        f.where(lambda v: v not in ids and v not in departments),
        lambda i: (
            f"{f.header} '{f.shown(i)}' is neither a 工号 in 人员 nor a department in 部门"
            f"{suggest.hint(str(f.value(i)))}"
        ),
    )
