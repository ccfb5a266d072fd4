"""指标数: ratios, cap, late factor, 反向, 评分, weighted department mean (method §6.2, §9)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pandas as pd

from kpi.engine.indicators import department_indicator_scores, indicator_detail


def frame(*rows: dict) -> pd.DataFrame:
    base = {
        "name": "x",
        "level": "市",
        "department": "甲",
        "target": None,
        "weight": D(1),
        "deadline": None,
        "completed_on": None,
    }
    records = [{**base, "row": i + 2, **r} for i, r in enumerate(rows)]
    return pd.DataFrame.from_records(records).astype(object)


def test_positive_ratio_rounds_half_up_exactly(rules):
    # 171.01 / 200 = 0.85505 → 85.505 → 85.51 (a float would give 85.5).
    d = indicator_detail(
        frame({"id": "K1", "direction": "正向", "target": D(200), "actual": D("171.01")}), rules
    )
    assert d.iloc[0]["ratio"] == D("0.85505") and d.iloc[0]["score"] == D("85.51")


def test_cap_then_late_factor(rules):
    # 10/8 = 1.25 → cap 1.2; completed 09-10 after deadline 08-31 → × 0.8 → 96.00.
    d = indicator_detail(
        frame(
            {
                "id": "K1",
                "direction": "正向",
                "target": D(8),
                "actual": D(10),
                "deadline": date(2024, 8, 31),
                "completed_on": date(2024, 9, 10),
            }
        ),
        rules,
    )
    row = d.iloc[0]
    assert (row["ratio_capped"], row["late"], row["factor"], row["score"]) == (
        D("1.2"),
        True,
        D("0.8"),
        D("96.00"),
    )


def test_on_deadline_is_not_late_and_no_completion_date_is_not_late(rules):
    d = indicator_detail(
        frame(
            {
                "id": "K1",
                "direction": "正向",
                "target": D(1),
                "actual": D(1),
                "deadline": date(2024, 9, 30),
                "completed_on": date(2024, 9, 30),
            },
            {
                "id": "K2",
                "direction": "正向",
                "target": D(2),
                "actual": D(1),
                "deadline": date(2024, 7, 1),
            },
        ),
        rules,
    )
    assert list(d["late"]) == [False, False]
    assert list(d["score"]) == [D("100.00"), D("50.00")]


def test_reverse_direction(rules):
    # 反向: target/actual. 2/4 = 0.5 → 50.00; actual 0 → ρ = cap → 120.00, late still applies → 96.00.
    d = indicator_detail(
        frame(
            {"id": "K1", "direction": "反向", "target": D(2), "actual": D(4)},
            {
                "id": "K2",
                "direction": "反向",
                "target": D(2),
                "actual": D(0),
                "deadline": date(2024, 8, 1),
                "completed_on": date(2024, 8, 2),
            },
        ),
        rules,
    )
    assert list(d["score"]) == [D("50.00"), D("96.00")]


def test_scored_indicator_takes_actual_and_no_late_factor(rules):
    d = indicator_detail(
        frame(
            {
                "id": "K1",
                "direction": "评分",
                "actual": D("91.245"),
                "deadline": date(2024, 7, 1),
                "completed_on": date(2024, 9, 1),
            }
        ),
        rules,
    )
    assert d.iloc[0]["score"] == D("91.25") and not d.iloc[0]["late"]


def test_department_mean_uses_level_multiplier(rules):
    # e = 10 × 1.2 = 12 and 5 × 1 = 5: (12 × 85.51 + 5 × 96) / 17 = 88.5952… → 88.60.
    d = indicator_detail(
        frame(
            {
                "id": "K1",
                "direction": "正向",
                "target": D(200),
                "actual": D("171.01"),
                "level": "省",
                "weight": D(10),
            },
            {
                "id": "K2",
                "direction": "正向",
                "target": D(8),
                "actual": D(10),
                "weight": D(5),
                "deadline": date(2024, 8, 31),
                "completed_on": date(2024, 9, 10),
            },
        ),
        rules,
    )
    assert list(d["effective_weight"]) == [D("12.0"), D(5)]
    assert department_indicator_scores(d)["甲"].value == D("88.60")


def test_negative_ratio_never_happens_but_zero_actual_scores_zero(rules):
    d = indicator_detail(frame({"id": "K1", "direction": "正向", "target": D(5), "actual": D(0)}), rules)
    assert d.iloc[0]["score"] == D("0.00")
