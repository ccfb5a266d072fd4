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

from kpi.engine.steps import Cite, Item, fact, formulas, num, show
from kpi.engine.tables import CurveColumns
from kpi.i18n import Msg, _
from kpi.numbers import EXACT, ONE, r2_exact
from kpi.rules.schema import Curve, Rules

F = formulas(__name__, "6.2")
RATIO = F("ρ", "")  # actual / target (正向) or target / actual (反向), exact, not clamped
READING = F("g", "")  # g(ρ) read off the curve: a point's y, or the segment between two points
BETWEEN_POINTS = F("g between", "y₀ + (y₁ − y₀) × (ρ − x₀) / (x₁ − x₀)")
SCORE = F("s", "r2(g × factor)")

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
    xs = [Fraction(x) for x, __ in curve.points]
    ys = [Fraction(y) for __, y in curve.points]
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


def score_on_curve(
    row: dict[str, Any], name: str, rules: Rules, *, above_all: bool, late: bool
) -> dict[str, Any]:
    """The indicator-detail fields of a 正向/反向 indicator scored on curve ``name``;
    ``above_all`` is a 反向 indicator with actual 0 (no finite ρ), ``late`` whether
    it was completed after its deadline."""
    curves = rules.indicators.curves or {}
    curve = curves[name]
    actual, target = row["actual"], row["target"]
    exact_ratio: Fraction | None
    if above_all:
        exact_ratio = None
    elif row["direction"] == "正向":
        exact_ratio = Fraction(actual) / Fraction(target)
    else:
        exact_ratio = Fraction(target) / Fraction(actual)
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
CURVE_COLUMNS = CurveColumns.columns


# derivations ------------------------------------------------------------------------


def exact(value: Fraction) -> str:
    """A fraction as a decimal when it has one (19/20 → 0.95), else as a/b (1/3)."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return show(value)
    return show(Decimal(value.numerator) / Decimal(value.denominator))


def _point(point: tuple[Any, ...]) -> str:
    return f"[{show(point[0])}, {show(point[1])}]"


def _reading(how: str, mode: str, name: str, p: str) -> Msg:
    """How a reading of g(ρ) is told, with ``p`` the point it read."""
    if how == BELOW_FIRST:
        return _("{mode} {name}: at or below the first point {p}: its y", mode=mode, name=name, p=p)
    if how == ABOVE_LAST:
        return _("{mode} {name}: at or above the last point {p}: its y", mode=mode, name=name, p=p)
    if how == STEP:
        return _("{mode} {name}: the last point with x ≤ ρ is {p}: its y", mode=mode, name=name, p=p)
    return _("{mode} {name}: ρ is below every point: 0", mode=mode, name=name)


def curve_steps(row: dict[str, Any], ratio_expression: str, cite: Cite) -> list[Item]:
    """ρ (not clamped), g(ρ) from the curve and s = r2(g × factor) for one indicator row;
    ``ratio_expression`` is ρ as arithmetic (the indicator module's, by direction)."""
    name, mode, how = row["curve"], row["curve_mode"], row["curve_how"]
    ratio: Fraction | None = row["ratio_exact"]
    sources = [cite.row("indicators", int(row["row"]))]
    items: list[Item] = []
    if ratio is None:
        items.append(
            fact(
                _(
                    "ρ {id} {name}: 反向 with actual 0, so ρ lies above every point of curve {curve}",
                    id=row["id"],
                    name=row["name"],
                    curve=name,
                ),
                *sources,
            )
        )
        rho = "ρ"
    else:
        items.append(
            RATIO.step(
                exact(ratio),
                label=f"ρ {row['id']} {row['name']}",
                expression=ratio_expression,
                note=_("{direction}, not clamped (curve {curve})", direction=row["direction"], curve=name),
                sources=sources,
            )
        )
        rho = exact(ratio)
    points = row["curve_points"]
    cited = [cite.rule("indicators", "curves", name, "points")]
    g: Fraction = row["curve_value"]
    if how == BETWEEN:
        (x0, y0), (x1, y1) = points
        items.append(
            BETWEEN_POINTS.step(
                exact(g),
                label=f"g {row['id']}",
                expression=f"{num(y0)} + ({num(y1)} − {num(y0)}) × ({rho} − {num(x0)}) / "
                f"({num(x1)} − {num(x0)})",
                note=_(
                    "linear {curve}: ρ between {low} and {high}",
                    curve=name,
                    low=_point(points[0]),
                    high=_point(points[1]),
                ),
                sources=cited,
            )
        )
    else:
        note = _reading(how, mode, name, _point(points[0]) if points else "")
        items.append(READING.step(exact(g), label=f"g {row['id']}", note=note, sources=cited))
    late = _("late: completed after deadline") if row["late"] else ""
    items.append(
        SCORE.step(
            row["score"],
            label=f"s {row['id']}",
            expression=f"r2({exact(g)} × {num(row['factor'])})",
            exact=row["score_exact"] if row["score_exact"] != row["score"] else None,
            note=late,
            sources=[cite.rule("indicators", "late_factor")] if row["late"] else [],
        )
    )
    return items
