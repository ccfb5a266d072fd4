"""绩效奖金: exact pool allocation, fixed mode, forfeits, rewards (method §6.9, §9)."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction as F

import pandas as pd
import pytest

from kpi.engine.bonus import allocate_pool, bonus_table, round_half_up, shown_months_factor
from kpi.errors import ComputeError


def population(*rows: dict) -> pd.DataFrame:
    base = {
        "name": "n",
        "department": "甲",
        "post_category": "综合保障",
        "role": "职员",
        "grade": "良好",
        "grade_factor": D(1),
        "score": D(90),
        "vetoed": False,
        "points": D(0),
        "bonus_base": D(1000),
        "months": None,
    }
    return pd.DataFrame.from_records([{**base, **r} for r in rows])


def test_worked_quarter_pool():
    # u = 23400, 9360, 5200, 5000, 0; 60000 × u / 42960: floors 32681, 13072, 7262, 6983, 0
    # (59998); remainders 101, 112, 102, 43, 0 (/179): +1 to the 112 and 102.
    bonus, remainders, extra = allocate_pool(
        60000, [F(23400), F(9360), F(5200), F(5000), F(0)], ["E01", "E02", "E03", "E05", "E06"]
    )
    assert bonus == [32681, 13073, 7263, 6983, 0]
    assert remainders[0] == F(101, 179) and extra == [False, True, True, False, False]


def test_remainder_ties_go_to_lower_id():
    # 100 yuan over three equal weights: 33 each, 1 left, all remainders 1/3 → id "a".
    bonus, _, _ = allocate_pool(100, [F(1)] * 3, ["c", "a", "b"])
    assert bonus == [33, 34, 33]


def test_round_half_up_fraction():
    assert [round_half_up(F(5, 2)), round_half_up(F(7, 2)), round_half_up(F(-5, 2))] == [3, 4, -3]


def test_months_factor_display():
    assert shown_months_factor(F(2, 3)) == D("0.6667")
    assert shown_months_factor(F(1, 3)) == D("0.3333")


def test_fixed_mode_rounds_whole_yuan(make_rules):
    # 1000 × 1.3 × 1 × 1 × 1/3 = 433.333… → 433; 1500 × 1 × 1 × 1 = 1500 ;
    # 1001 × 1.15 × 1 × 1 × (1/2 of a 12-month year is 6/12) → 575.575 → 576.
    rules = make_rules(bonus={"mode": "fixed", "pool": None})
    table = bonus_table(
        population(
            {"id": "A", "post_category": "招商", "months": D(1)},
            {"id": "B", "bonus_base": D(1500)},
        ),
        rules,
        3,
    )
    assert list(table["bonus"]) == [433, 1500]
    year = bonus_table(
        population({"id": "C", "post_category": "企业服务", "bonus_base": D(1001), "months": D(6)}),
        rules,
        12,
    )
    assert list(year["bonus"]) == [576]


def test_forfeit_and_rewards(rules):
    # A vetoed (forfeit) gets 0 everywhere; B has reward 100 × −1.5 = −150 → total max(0, …).
    table = bonus_table(
        population(
            {"id": "A", "vetoed": True, "points": D(5), "score": D(60)},
            {"id": "B", "points": D("-1.5")},
            {"id": "C", "points": D("0.005")},
        ),
        rules,
        3,
    )
    rows = table.set_index("id")
    assert (rows.loc["A", "bonus"], rows.loc["A", "points_reward"], rows.loc["A", "total"]) == (
        0,
        0,
        0,
    )
    assert rows.loc["B", "bonus"] == 30000 and rows.loc["B", "points_reward"] == -150
    assert rows.loc["B", "total"] == 29850
    assert rows.loc["C", "points_reward"] == 1  # 0.5 yuan rounds half up
    assert sum(table["bonus"]) == 60000


def test_pool_all_zero_is_an_error(rules):
    with pytest.raises(ComputeError, match="pool"):
        bonus_table(population({"id": "A", "months": D(0)}), rules, 3)
