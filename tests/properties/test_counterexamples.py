"""Minimal counterexamples found by the property tests, pinned as plain examples.

Each is the smallest case a property shrank to, checked by hand through the
real workbook reader and CLI as well. An open one is marked ``xfail``
(strict), so its fix shows up as a failure that says so: then drop the mark and
widen the matching restriction in :mod:`.strategies`.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest

from kpi.errors import RulesError
from kpi.rules import parse_rules

from .strategies import BASE, LEADER_IN_CHARGE_ROLE, Case, scored

REFERENCE = Path(__file__).resolve().parents[2] / "rules" / "qingdao-hitech-2024.yaml"

D = Decimal


def _small_case() -> Case:
    rules = copy.deepcopy(BASE)
    rules["bonus"]["include_leaders"] = True
    rules["coefficients"]["role"].update({"党工委书记": D(2), LEADER_IN_CHARGE_ROLE: D(2)})
    person = {"bonus_base": D(10000), "months": None}
    return Case(
        rules=rules,
        period="2024Q3",
        people=[
            {
                "id": "L1",
                "name": "书记",
                "department": None,
                "post_category": None,
                "role": "党工委书记",
                **person,
            },
            {
                "id": "L2",
                "name": "副主任",
                "department": None,
                "post_category": "综合保障",
                "role": LEADER_IN_CHARGE_ROLE,
                **person,
            },
            {
                "id": "P1",
                "name": "职员甲",
                "department": "招商一部",
                "post_category": "招商",
                "role": "职员",
                **person,
            },
        ],
        departments=[{"department": "招商一部", "leader_in_charge": "L2"}],
        points=[],
        indicators=[],
        city_rankings=[{"indicator": "市指标1", "weight": D(1), "rank": 1, "participants": 5}],
        city_shares=[{"indicator": "市指标1", "department": "招商一部", "share": D(1)}],
        vetoes=[],
    )


def test_leaders_paid_with_and_without_a_post_category() -> None:
    """method §9 "Reading": a leader's 岗位类别 is optional (post coefficient 1 without
    one), also when leaders are paid a bonus (``include_leaders: true``).

    Found by the pool property: with some leaders having a 岗位类别 and some not,
    pandas 3 inferred a str column with NaN for the blank, and scoring crashed
    with ``KeyError: nan`` (``kpi score`` exit 3). Fixed in d3d0b42."""
    results = scored(_small_case())
    post_coef = dict(zip(results.bonus["id"], results.bonus["post_coef"], strict=True))
    assert post_coef == {"L1": D(1), "L2": D(1), "P1": D("1.3")}


def test_score_cap_finer_than_cents_is_refused() -> None:
    """A vetoed member's score is at most ``veto.score_cap`` (method §6.4–6.7). The
    property search found that a cap of 59.995 was exceeded by the published
    r2(min(100.00, 59.995)) = 60.00; a cap is itself a published score, so the
    rules schema now requires whole cents and reports the line."""
    text = REFERENCE.read_text(encoding="utf-8").replace("score_cap: 60", "score_cap: 59.995")
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "rules.yaml")
    (problem,) = caught.value.problems
    assert problem.location.line == text.splitlines().index("  score_cap: 59.995") + 1
    assert "veto.score_cap must have at most 2 decimal places" in problem.message
