"""Checks of sheet 指标: levels, directions, and the 目标值/完成值 each direction needs.

A 评分 indicator differs from 正向/反向 ones in which values are required and
allowed (method §9), which is most of this sheet's rules.
"""

from __future__ import annotations

import numpy as np

from kpi.i18n import _
from kpi.io.checks.checker import NOT_A_DEPARTMENT, Checker, not_in
from kpi.io.checks.field import Checked

DIRECTIONS = ("正向", "反向", "评分")
SCORED = "评分"


def check_indicators(c: Checker, checked: Checked) -> None:
    f = checked.fields.get("indicators")
    if f is None:
        return
    c.unique(f["id"])
    c.member(f["level"], list(c.rules.indicators.level_multiplier), not_in("indicators.level_multiplier"))
    if checked.departments is not None:
        c.member(f["department"], sorted(checked.departments), NOT_A_DEPARTMENT)
    c.member(f["direction"], DIRECTIONS, _("is not a direction"))
    directions = f["direction"].cells()
    scored = np.array([d == SCORED for d in directions], dtype=bool)
    known = f["direction"].valid() & np.array([d in DIRECTIONS for d in directions], dtype=bool)
    target = f["target"]
    c.type_errors(target, ~scored)
    if target.present:
        c.report(
            target.table,
            "target",
            target.is_blank() & known & ~scored,
            lambda i: _(
                "{header} is required for a {direction} indicator (only 评分 indicators need none): "
                "fill in this cell",
                header=target.header,
                direction=directions[i],
            ),
        )
    c.in_range(
        target,
        lambda v: v > 0,
        _("must be more than 0 (only a 评分 indicator may leave it blank)"),
        known & ~scored,
    )
    c.in_range(f["actual"], lambda v: v >= 0, _("must be 0 or more"))
    c.in_range(
        f["actual"],
        lambda v: v <= 100,
        _("must be between 0 and 100 for a 评分 indicator (its 完成值 is already a score)"),
        scored,
    )
    c.in_range(f["weight"], lambda v: v > 0, _("must be more than 0"))
    # method §9: a 评分 indicator's 目标值 is ignored.
    targets = target.cells()
    targets[scored] = None
    checked.overrides["indicators"] = {"target": targets}
