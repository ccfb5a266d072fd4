"""Checks of sheet 人员, which also tell each person's leader kind to sheet 部门.

人员 is the one sheet whose required columns depend on the row (a leader needs
no 部门 or 岗位类别) and whose 职务 decides who is paid, so its rules stand alone.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kpi.io.checks.checker import Checker
from kpi.io.checks.field import Checked


def check_people(c: Checker, checked: Checked) -> dict[str, str | None]:
    """人员; returns 工号 → leader kind ('main_leader', 'leader_in_charge' or None)."""
    f = checked.fields.get("people")
    if f is None:
        return {}
    rules = c.rules
    c.unique(f["id"])
    roles = f["role"].cells()
    leader = np.array([r is not None and rules.leader_kind(r) is not None for r in roles], dtype=bool)
    staff = f["role"].valid() & ~leader
    table = f["id"].table

    def staff_needs(header: str) -> Callable[[int], str]:
        return lambda i: (
            f"{header} is required for staff (职务 '{roles[i]}' is not a leader role): fill in this cell"
        )

    for key in ("department", "post_category"):
        if f[key].present:
            c.report(table, key, f[key].is_blank() & staff, staff_needs(f[key].header))
    c.type_errors(f["department"], staff)
    if checked.departments is not None:
        c.member(f["department"], sorted(checked.departments), "a department of sheet 部门", staff)
    c.member(f["post_category"], list(rules.coefficients.post_category), "in coefficients.post_category")
    c.in_range(f["bonus_base"], lambda v: v >= 0, "must be 0 or more (yuan per period)")
    months = c.period.months
    c.in_range(
        f["months"],
        lambda v: 0 <= v <= months,
        f"must be between 0 and {months} (the months in {c.period}); leave it blank for the full period",
    )
    role_coef = rules.coefficients.role
    if role_coef is not None:
        paid = staff | (leader if rules.bonus.include_leaders else np.zeros_like(leader))
        population = "staff and leaders" if rules.bonus.include_leaders else "staff"
        c.member(
            f["role"],
            list(role_coef),
            "in coefficients.role",
            paid,
            advice=(
                f". The rules must give a coefficient for the 职务 of everyone paid a bonus "
                f"({population}): add it to coefficients.role or correct the 职务"
            ),
        )
    # method §9: a leader's 部门 is ignored.
    departments = f["department"].cells()
    departments[leader] = None
    checked.overrides["people"] = {"department": departments}
    ids = f["id"].cells()
    return {
        str(ids[i]): (rules.leader_kind(str(roles[i])) if roles[i] is not None else None)
        for i in range(len(ids))
        if ids[i] is not None
    }
