"""加权数: rank score methods, Z and C_d (method §6.3, §9)."""

from __future__ import annotations

from decimal import Decimal as D

import pandas as pd

from kpi.engine.weighting import (
    city_scores_by_department,
    department_city_scores,
    rank_score,
    zone_score,
)


def test_percentile_rounds_half_up(rules):
    # 100 − 1/8 × 35 = 95.625 → 95.63 (banker's rounding of a float would give 95.62).
    assert rank_score(2, 9, rules) == D("95.63")
    assert rank_score(1, 9, rules) == D("100.00")
    assert rank_score(9, 9, rules) == D("65.00")


def test_table_with_and_without_default(make_rules):
    rules = make_rules(
        weighting={"rank_score": {"method": "table", "table": {1: D(100), 2: D(96)}, "default": D(80)}}
    )
    assert rank_score(2, 10, rules) == D(96) and rank_score(7, 10, rules) == D(80)
    strict = make_rules(weighting={"rank_score": {"method": "table", "table": {1: D(100)}}})
    assert rank_score(3, 10, strict) is None


def test_linear_with_floor_and_no_rounding(make_rules):
    rules = make_rules(
        weighting={"rank_score": {"method": "linear", "top": D(100), "step": D("4.125"), "floor": D(60)}}
    )
    assert rank_score(3, 20, rules) == D("91.750")  # 100 − 2 × 4.125, used as is
    assert rank_score(15, 20, rules) == D(60)  # 100 − 14 × 4.125 = 42.25 → floor 60


def test_zone_and_department_city_scores():
    # The worked quarter: Z = 4113.60 / 45 = 91.4133… → 91.41;
    # C(招商部) = (12 × 95.63 + 10 × 93.44) / 22 = 94.6345… → 94.63.
    city = pd.DataFrame(
        {
            "indicator": ["GDP", "FDI", "BIZ"],
            "weight": [D(20), D(10), D(15)],
            "rank_score": [D("95.63"), D("93.44"), D("84.44")],
        }
    )
    shares = pd.DataFrame(
        {
            "indicator": ["GDP", "GDP", "FDI", "BIZ"],
            "department": ["招商部", "企业服务部", "招商部", "企业服务部"],
            "share": [D("0.6"), D("0.4"), D(1), D(1)],
        }
    )
    assert zone_score(city).value == D("91.41")
    scores = city_scores_by_department(department_city_scores(city, shares))
    assert {k: v.value for k, v in scores.items()} == {
        "招商部": D("94.63"),
        "企业服务部": D("88.33"),
    }
