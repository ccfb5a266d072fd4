"""Checks of sheet 部门: its 分管领导 against 人员, and that each department can be scored.

Both need other sheets read first (人员's leader kinds; 指标 and 市级分工), so
they run after those sheets' own checks (method §6.4).
"""

from __future__ import annotations

from kpi.i18n import KeyPath, Msg, _
from kpi.io.checks.checker import Checker
from kpi.io.checks.evaluations import evaluated_departments
from kpi.io.checks.field import Checked, values
from kpi.io.checks.hints import NameHints
from kpi.io.names import SHEET_NAMES, Suggester, listing


def check_departments(c: Checker, checked: Checked, kinds: dict[str, str | None]) -> None:
    f = checked.fields.get("departments")
    if f is None:
        return
    c.unique(f["department"])
    lic = f["leader_in_charge"]
    if checked.ids is None:
        return
    suggest = Suggester(k for k in sorted(kinds) if kinds[k] == "leader_in_charge")
    names = NameHints(checked)
    c.report(
        lic.table,
        lic.key,
        lic.where(lambda v: v not in kinds),
        lambda i: _(
            "{header} '{value}' is not a 工号 in sheet 人员{hint}",
            header=lic.header,
            value=lic.shown(i),
            hint=names(lic.shown(i)) or suggest.hint(lic.shown(i)),
        ),
    )
    allowed = listing(c.rules.roles.leader_in_charge)
    c.report(
        lic.table,
        lic.key,
        lic.where(lambda v: v in kinds and kinds[v] != "leader_in_charge"),
        lambda i: _(
            "{header} '{value}' is not a leader in charge: the person's 职务 must be in {key} ({allowed})",
            header=lic.header,
            value=lic.shown(i),
            key=KeyPath("roles.leader_in_charge"),
            allowed=allowed,
        ),
    )


def check_department_components(c: Checker, checked: Checked) -> None:
    """method §6.4: a department with neither indicators nor city shares cannot be scored.

    Skipped while 指标 or 市级分工 is missing, or names a department that is not
    in 部门: those problems come first and may be the cause. With evaluations,
    a department whose evaluation is kept (a group with ``min_raters`` rows)
    is scored on it.
    """
    departments = checked.fields.get("departments")
    if departments is None or checked.departments is None:
        return
    scored: set[str] = set()
    for sheet in ("indicators", "city_shares"):
        named = values(checked.fields, sheet, "department")
        if named is None or named - checked.departments:
            return
        scored |= named
    scored |= evaluated_departments(checked, c.rules)
    evaluation = c.rules.evaluation
    f = departments["department"]
    names = f.cells()
    sheets = {
        "indicators": SHEET_NAMES["indicators"][0],
        "city_shares": SHEET_NAMES["city_shares"][0],
        "evaluations": SHEET_NAMES["evaluations"][0],
    }

    def unscored(i: int) -> Msg:
        if evaluation is None:
            return _(
                "department '{department}' has neither indicators (sheet {indicators}) nor city shares "
                "(sheet {city_shares}), so it cannot be scored: give it at least one of them, or remove it",
                department=names[i],
                **sheets,
            )
        return _(
            "department '{department}' has neither indicators (sheet {indicators}) nor city shares "
            "(sheet {city_shares}) nor an evaluation (sheet {evaluations}: a 评价方 with at least "
            "{min_raters} rows), so it cannot be scored: give it at least one of them, or remove it",
            department=names[i],
            min_raters=evaluation.min_raters,
            **sheets,
        )

    c.report(f.table, "department", f.where(lambda v: v not in scored), unscored)
