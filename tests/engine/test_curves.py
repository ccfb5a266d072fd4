"""Indicator scoring curves: g(ρ) at, between and beyond the points, and s = r2(g × f).

Curves of the examples (hand-worked in each test):

* 增长型, linear: (0, 0) (1, 100) (1.4, 120) — full marks at target, 5 more per
  0.1 of ρ above it, at most 120;
* 达标型, step: (0.8, 60) (0.9, 80) (1, 100) — 90% done → 80, 80% → 60, less → 0;
* 起步型, linear from (0.5, 40): below 0.5 the first point's y.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from decimal import localcontext
from fractions import Fraction as F
from typing import Any

import pandas as pd
import pytest

from kpi.engine import curves
from kpi.engine.curves import read_curve
from kpi.engine.indicators import indicator_detail
from kpi.numbers import EXACT
from kpi.rules.schema import Curve

CURVES = {
    "增长型": {"mode": "linear", "points": [[D(0), D(0)], [D(1), D(100)], [D("1.4"), D(120)]]},
    "达标型": {"mode": "step", "points": [[D("0.8"), D(60)], [D("0.9"), D(80)], [D(1), D(100)]]},
    "起步型": {"mode": "linear", "points": [[D("0.5"), D(40)], [D(1), D(100)]]},
}


def curve(name: str) -> Curve:
    return Curve.model_validate(CURVES[name])


@pytest.mark.parametrize(
    ("ratio", "value", "how", "points"),
    [
        (F(0), F(0), curves.BELOW_FIRST, (0,)),  # at the first point
        (F(1, 2), F(50), curves.BETWEEN, (0, 1)),  # 0 + (100 − 0) × 0.5 / 1 = 50
        (F(1), F(100), curves.BETWEEN, (1, 2)),  # at a middle point: its y
        (F(6, 5), F(110), curves.BETWEEN, (1, 2)),  # 100 + 20 × (1.2 − 1) / 0.4 = 110
        (F(7, 5), F(120), curves.ABOVE_LAST, (2,)),  # at the last point
        (F(3), F(120), curves.ABOVE_LAST, (2,)),  # beyond it: no cap needed, the last y
        (F(1, 3), F(100, 3), curves.BETWEEN, (0, 1)),  # 100 × 1/3, kept exact
        (None, F(120), curves.ABOVE_LAST, (2,)),  # 反向 with actual 0: above every point
    ],
)
def test_linear(ratio: F | None, value: F, how: str, points: tuple[int, ...]) -> None:
    reading = read_curve(curve("增长型"), ratio)
    assert (reading.value, reading.how, reading.points) == (value, how, points)


def test_linear_below_its_first_point_takes_the_first_y() -> None:
    # 起步型 starts at (0.5, 40): ρ = 0.3 → 40; ρ = 0.75 → 40 + 60 × 0.25 / 0.5 = 70.
    assert read_curve(curve("起步型"), F(3, 10)).value == 40
    assert read_curve(curve("起步型"), F(3, 4)).value == 70


@pytest.mark.parametrize(
    ("ratio", "value", "points"),
    [
        (F(79, 100), F(0), ()),  # below every point → 0
        (F(4, 5), F(60), (0,)),  # at 0.8 → 60
        (F(89, 100), F(60), (0,)),  # between 0.8 and 0.9 → the last x ≤ ρ is 0.8
        (F(9, 10), F(80), (1,)),  # at 0.9 → 80
        (F(95, 100), F(80), (1,)),
        (F(1), F(100), (2,)),  # at 1 → 100
        (F(2), F(100), (2,)),  # beyond the last point → its y
        (None, F(100), (2,)),  # 反向 with actual 0
    ],
)
def test_step(ratio: F | None, value: F, points: tuple[int, ...]) -> None:
    reading = read_curve(curve("达标型"), ratio)
    assert (reading.value, reading.points) == (value, points)


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    base = {
        "name": "x",
        "level": "市",
        "department": "甲",
        "weight": D(1),
        "deadline": None,
        "completed_on": None,
        "curve": None,
    }
    records = [{**base, "row": i + 2, **r} for i, r in enumerate(rows)]
    return pd.DataFrame({c: pd.Series([r[c] for r in records], dtype=object) for c in records[0]})


def detail(make_rules: Any, *rows: dict[str, Any]) -> pd.DataFrame:
    with localcontext(EXACT):
        return indicator_detail(frame(*rows), make_rules(indicators={"curves": CURVES})).set_index("id")


def test_indicator_scores_on_curves(make_rules: Any) -> None:
    d = detail(
        make_rules,
        # ρ = 171.01 / 200 = 0.85505 on 增长型: g = 85.505 → s = r2(85.505) = 85.51 (exact half up)
        {"id": "K1", "direction": "正向", "target": D(200), "actual": D("171.01"), "curve": "增长型"},
        # ρ = 1/3 → g = 100/3 → s = r2(33.333…) = 33.33
        {"id": "K2", "direction": "正向", "target": D(3), "actual": D(1), "curve": "增长型"},
        # 反向 5 / 4 = 1.25 on 达标型: last x ≤ 1.25 is 1 → 100
        {"id": "K3", "direction": "反向", "target": D(5), "actual": D(4), "curve": "达标型"},
        # ρ = 1.5 is above the cap 1.2, but a curve is not clamped: 增长型 gives 120
        {"id": "K4", "direction": "正向", "target": D(2), "actual": D(3), "curve": "增长型"},
        # no curve: the v1 formula, clamped at 1.2 → 120.00
        {"id": "K5", "direction": "正向", "target": D(2), "actual": D(3)},
    )
    assert d.loc["K1", "score"] == D("85.51")
    assert d.loc["K2", "score"] == D("33.33")
    assert d.loc["K2", "curve_value"] == F(100, 3)
    assert d.loc["K3", "score"] == D("100.00")
    assert (d.loc["K4", "ratio"], d.loc["K4", "score"]) == (D("1.5"), D("120.00"))
    assert d.loc["K5", "score"] == D("120.00")
    # 计分比率 (ratio_capped) is blank for curve indicators only.
    assert [d.loc[k, "ratio_capped"] for k in ("K1", "K4", "K5")] == [None, None, D("1.2")]
    assert [d.loc[k, "curve"] for k in ("K1", "K5")] == ["增长型", None]


def test_reverse_with_actual_zero_and_a_late_factor_on_a_curve(make_rules: Any) -> None:
    d = detail(
        make_rules,
        # 反向 with actual 0: ρ above every point → 增长型's last y 120; completed 09-10
        # after the 08-31 deadline → s = r2(120 × 0.8) = 96.00
        {
            "id": "K1",
            "direction": "反向",
            "target": D(2),
            "actual": D(0),
            "deadline": date(2024, 8, 31),
            "completed_on": date(2024, 9, 10),
            "curve": "增长型",
        },
        # 反向 with actual 0 on 达标型 → 100, on time → 100.00
        {"id": "K2", "direction": "反向", "target": D(2), "actual": D(0), "curve": "达标型"},
        # ρ = 0.95 on 达标型 → 80, late → r2(80 × 0.8) = 64.00
        {
            "id": "K3",
            "direction": "正向",
            "target": D(20),
            "actual": D(19),
            "deadline": date(2024, 8, 31),
            "completed_on": date(2024, 9, 1),
            "curve": "达标型",
        },
        # ρ = 1.21 on 增长型: g = 100 + 20 × 0.21 / 0.4 = 110.5, late → 110.5 × 0.8 = 88.40
        {
            "id": "K4",
            "direction": "正向",
            "target": D(100),
            "actual": D(121),
            "deadline": date(2024, 8, 31),
            "completed_on": date(2024, 9, 1),
            "curve": "增长型",
        },
    )
    assert (d.loc["K1", "ratio"], d.loc["K1", "late"], d.loc["K1", "score"]) == (None, True, D("96.00"))
    assert d.loc["K1", "curve_how"] == curves.ABOVE_LAST
    assert d.loc["K2", "score"] == D("100.00")
    assert d.loc["K3", "score"] == D("64.00")
    assert d.loc["K4", "curve_value"] == F(221, 2)
    assert d.loc["K4", "score"] == D("88.40")


def test_exact_fraction_rounds_half_up(make_rules: Any) -> None:
    # 起步型 from (0.5, 40) to (1, 100): ρ = 0.500125 → 40 + 60 × 0.000125 / 0.5 = 40.015
    # exactly (g is a fraction, never a float) → r2 = 40.02, half away from zero
    d = detail(
        make_rules,
        {"id": "K1", "direction": "正向", "target": D(1), "actual": D("0.500125"), "curve": "起步型"},
    )
    assert d.loc["K1", "curve_value"] == F(40015, 1000)
    assert d.loc["K1", "score"] == D("40.02")
