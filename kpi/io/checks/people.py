"""Checks of sheet 人员, which also tell each person's leader kind to sheet 部门.

人员 is the one sheet whose required columns depend on the row (a leader needs
no 部门 or 岗位类别) and whose 职务 decides who is paid, so its rules stand alone.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kpi.i18n import KeyPath, _
from kpi.io.checks.checker import NOT_A_DEPARTMENT, Checker, not_in
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
        return lambda i: _(
            "{header} is required for staff (职务 '{role}' is not a leader role): fill in this cell",
            header=header,
            role=roles[i],
        )

    for key in ("department", "post_category"):
        if f[key].present:
            c.report(table, key, f[key].is_blank() & staff, staff_needs(f[key].header))
    c.type_errors(f["department"], staff)
    if checked.departments is not None:
        c.member(f["department"], sorted(checked.departments), NOT_A_DEPARTMENT, staff)
    c.member(f["post_category"], list(rules.coefficients.post_category), not_in("coefficients.post_category"))
    c.in_range(f["bonus_base"], lambda v: v >= 0, _("must be 0 or more (yuan per period)"))
    months = c.period.months
    c.in_range(
        f["months"],
        lambda v: 0 <= v <= months,
        _(
            "must be between 0 and {months} (the months in {period}); leave it blank for the full period",
            months=months,
            period=str(c.period),
        ),
    )
    role_coef = rules.coefficients.role
    if role_coef is not None:
        paid = staff | (leader if rules.bonus.include_leaders else np.zeros_like(leader))
        if rules.bonus.include_leaders:
            advice = _(
                ". The rules must give a coefficient for the 职务 of everyone paid a bonus "
                "(staff and leaders): add it to {key} or correct the 职务",
                key=KeyPath("coefficients.role"),
            )
        else:
            advice = _(
                ". The rules must give a coefficient for the 职务 of everyone paid a bonus "
                "(staff): add it to {key} or correct the 职务",
                key=KeyPath("coefficients.role"),
            )
        c.member(f["role"], list(role_coef), not_in("coefficients.role"), paid, advice=advice)
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
