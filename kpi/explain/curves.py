"""Explanation steps of an indicator scored on a curve: ρ, the points g(ρ) was read from, s.

Reads the indicator-detail row (:mod:`kpi.engine.curves` keeps the curve, how
g(ρ) was read, the points used and the exact g) and writes the interpolation
with its numbers, citing the curve's points in the rules file.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from kpi.engine import curves
from kpi.explain.model import Section, show
from kpi.explain.sources import Cite, num


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


def curve_steps(section: Section, ind: dict[Any, Any], cite: Cite) -> None:
    """ρ (not clamped), g(ρ) from the curve and s = r2(g × factor) for one indicator."""
    name, mode, how = ind["curve"], ind["curve_mode"], ind["curve_how"]
    ratio: Fraction | None = ind["ratio_exact"]
    sources = [cite.row("indicators", int(ind["row"]))]
    if ratio is None:
        section.fact(
            f"ρ {ind['id']} {ind['name']}: 反向 with actual 0, so ρ lies above every point of curve {name}",
            *sources,
        )
        rho = "ρ"
    else:
        section.step(
            f"ρ {ind['id']} {ind['name']}",
            exact(ratio),
            expression=(
                f"{num(ind['actual'])} / {num(ind['target'])}"
                if ind["direction"] == "正向"
                else f"{num(ind['target'])} / {num(ind['actual'])}"
            ),
            note=f"{ind['direction']}, not clamped (curve {name})",
            sources=sources,
        )
        rho = exact(ratio)
    points = ind["curve_points"]
    cited = [cite.rule("indicators", "curves", name, "points")]
    g: Fraction = ind["curve_value"]
    if how == curves.BETWEEN:
        (x0, y0), (x1, y1) = points
        section.step(
            f"g {ind['id']}",
            exact(g),
            formula="y₀ + (y₁ − y₀) × (ρ − x₀) / (x₁ − x₀)",
            expression=f"{num(y0)} + ({num(y1)} − {num(y0)}) × ({rho} − {num(x0)}) / ({num(x1)} − {num(x0)})",
            note=f"linear {name}: ρ between {_point(points[0])} and {_point(points[1])}",
            sources=cited,
        )
    else:
        notes = {
            curves.BELOW_FIRST: "at or below the first point {p}: its y",
            curves.ABOVE_LAST: "at or above the last point {p}: its y",
            curves.STEP: "the last point with x ≤ ρ is {p}: its y",
            curves.BELOW_ALL: "ρ is below every point: 0",
        }
        text = notes[how].format(p=_point(points[0]) if points else "")
        section.step(f"g {ind['id']}", exact(g), note=f"{mode} {name}: {text}", sources=cited)
    late = "late: completed after deadline" if ind["late"] else ""
    section.step(
        f"s {ind['id']}",
        ind["score"],
        formula="r2(g × factor)",
        expression=f"r2({exact(g)} × {num(ind['factor'])})",
        exact=ind["score_exact"] if ind["score_exact"] != ind["score"] else None,
        note=late,
        sources=[cite.rule("indicators", "late_factor")] if ind["late"] else [],
    )
