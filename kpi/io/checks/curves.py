"""Checks of 指标's optional 计分曲线 column: a curve the rules define, never on a 评分 indicator.

A blank cell keeps the indicator on the plain ratio formula; a named curve
maps its completion ratio to a score instead (rules ``indicators.curves``).
A 评分 indicator's 完成值 is already a score, so a curve on it is an error.
"""

from __future__ import annotations

import numpy as np

from kpi.i18n import KeyPath, _
from kpi.io.checks.checker import Checker, not_in
from kpi.io.checks.field import Checked
from kpi.io.checks.indicators import SCORED


def check_curves(c: Checker, checked: Checked) -> None:
    f = checked.fields.get("indicators")
    if f is None or not f["curve"].present:
        return
    curve = f["curve"]
    curves = c.rules.indicators.curves or {}
    if curves:
        c.member(curve, list(curves), not_in("indicators.curves"))
    else:
        c.report(
            curve.table,
            "curve",
            curve.valid(),
            lambda i: _(
                "{header} '{value}' names a scoring curve, but the rules define none ({key}): "
                "add the curve to the rules, or clear the cell",
                header=curve.header,
                value=curve.shown(i),
                key=KeyPath("indicators.curves"),
            ),
        )
    scored = np.array([d == SCORED for d in f["direction"].cells()], dtype=bool)
    c.report(
        curve.table,
        "curve",
        curve.valid() & scored,
        lambda i: _(
            "{header} '{value}' is given for a 评分 indicator, whose 完成值 is already a score: "
            "clear the cell, or give the indicator another 方向",
            header=curve.header,
            value=curve.shown(i),
        ),
    )
