"""Indicator scoring curves: the completion ratio ρ mapped to a score (rules ``indicators.curves``).

An indicator whose 计分曲线 names a curve is scored as ``s = r2(g(ρ) × f)``
instead of ``r2(100 × clamp(ρ, 0, cap) × f)``:

* ρ is ``actual/target`` (正向) or ``target/actual`` (反向), not clamped, and
  exact: a :class:`~fractions.Fraction` of the two decimals. 反向 with actual 0
  has no finite ρ; it lies above every point of any curve (``ratio`` None).
* ``linear``: at or below the first point's x, that point's y; at or above the
  last point's x, the last y; in between, the straight line through the two
  points around ρ.
* ``step``: the y of the last point whose x ≤ ρ; 0 below every point.

``g(ρ)`` is an exact fraction and ``s`` is rounded from it exactly, so no
decimal step can move a published cent. Each indicator row keeps the curve,
the points it used and g(ρ), which 指标明细 and ``explain`` show.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kpi.numbers import EXACT, ONE, r2_exact
from kpi.rules.schema import Curve, Rules

#: How g(ρ) was read off the curve (for ``explain``).
BELOW_FIRST = "below_first"  # linear: ρ ≤ x of the first point → its y
ABOVE_LAST = "above_last"  # linear: ρ ≥ x of the last point → its y
BETWEEN = "between"  # linear: on the segment between two points
STEP = "step"  # step: the last point with x ≤ ρ
BELOW_ALL = "below_all"  # step: ρ below every point → 0


@dataclass(frozen=True)
class CurveReading:
    """g(ρ) with the points it was read from: indexes into the curve's points."""

    value: Fraction
    how: str
    points: tuple[int, ...]


def read_curve(curve: Curve, ratio: Fraction | None) -> CurveReading:
    """g(ρ) exactly; ``ratio`` None is a ρ above every point (反向 with actual 0)."""
    xs = [Fraction(x) for x, _ in curve.points]
    ys = [Fraction(y) for _, y in curve.points]
    last = len(xs) - 1
    if curve.mode == "step":
        if ratio is None:
            return CurveReading(ys[last], STEP, (last,))
        at = bisect_right(xs, ratio) - 1  # the last point whose x ≤ ρ
        if at < 0:
            return CurveReading(Fraction(0), BELOW_ALL, ())
        return CurveReading(ys[at], STEP, (at,))
    if ratio is None or ratio >= xs[last]:
        return CurveReading(ys[last], ABOVE_LAST, (last,))
    if ratio <= xs[0]:
        return CurveReading(ys[0], BELOW_FIRST, (0,))
    i = bisect_right(xs, ratio) - 1  # x_i ≤ ρ < x_{i+1}
    value = ys[i] + (ys[i + 1] - ys[i]) * (ratio - xs[i]) / (xs[i + 1] - xs[i])
    return CurveReading(value, BETWEEN, (i, i + 1))


def score_on_curve(row: dict[str, Any], name: str, rules: Rules) -> dict[str, Any]:
    """The indicator-detail fields of a 正向/反向 indicator scored on curve ``name``."""
    curves = rules.indicators.curves or {}
    curve = curves[name]
    actual, target = row["actual"], row["target"]
    exact_ratio: Fraction | None
    if row["direction"] == "正向":
        exact_ratio = Fraction(actual) / Fraction(target)
    else:
        exact_ratio = None if actual == 0 else Fraction(target) / Fraction(actual)
    deadline, done = row["deadline"], row["completed_on"]
    late = deadline is not None and done is not None and done > deadline
    factor = rules.indicators.late_factor if late else ONE
    reading = read_curve(curve, exact_ratio)
    exact = reading.value * Fraction(factor)
    return {
        "ratio": None if exact_ratio is None else _decimal(exact_ratio),
        "ratio_capped": None,
        "late": late,
        "factor": factor,
        "score_exact": _decimal(exact),
        "score": r2_exact(exact),
        "curve": name,
        "curve_mode": curve.mode,
        "curve_how": reading.how,
        "curve_points": tuple(tuple(curve.points[i]) for i in reading.points),
        "curve_value": reading.value,
        "ratio_exact": exact_ratio,
    }


def _decimal(value: Fraction) -> Decimal:
    """A fraction as a 60-digit decimal, for showing (the published value is rounded exactly)."""
    return EXACT.divide(Decimal(value.numerator), Decimal(value.denominator))


#: The detail columns a curve adds to every indicator row (None without a curve).
CURVE_COLUMNS = ("curve", "curve_mode", "curve_how", "curve_points", "curve_value", "ratio_exact")
