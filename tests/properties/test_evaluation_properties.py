"""Properties of evaluation scores that must hold for every valid period.

The cases of :mod:`.strategies` get an ``evaluation`` section, evaluation
weights for every population and random 测评 rows (scores and votes) for
random targets — people and departments — before they are scored in-process.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.engine.results import Results
from kpi.io.inputs import EVALUATION_COLUMNS, Inputs

from .strategies import Case, cases, scored

D = Decimal
POPULATIONS = ("departments", "leaders", "individuals")
GROUPS = ("领导", "同事", "服务企业")
VOTES = {"优秀": D(100), "称职": D(85), "基本称职": D(70), "不称职": D(50)}

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

WEIGHT = st.sampled_from((D(0), D("0.2"), D("0.5"), D(1)))
SCORE = st.integers(0, 10000).map(lambda n: D(n).scaleb(-2))


@st.composite
def evaluated(draw: st.DrawFn) -> tuple[Case, list[dict[str, Any]]]:
    """A case whose rules weigh evaluations, with its 测评 rows."""
    case = draw(cases(max_people=20, max_events=40))
    rules = copy.deepcopy(case.rules)
    trim = draw(st.integers(0, 2))
    rules["evaluation"] = {
        "groups": {g: draw(st.sampled_from((D("0.3"), D("0.4"), D(1)))) for g in GROUPS},
        "votes": VOTES,
        "trim": trim,
        "min_raters": draw(st.integers(2 * trim + 1, 2 * trim + 3)),
    }
    rules["department"]["weights"]["evaluation"] = draw(WEIGHT)
    rules["individual"]["weights"]["evaluation"] = draw(WEIGHT)
    for entry in (rules["individual"].get("by_role") or {}).values():
        entry["evaluation"] = draw(WEIGHT)
    rules["weighting"]["leader_in_charge"]["evaluation"] = draw(WEIGHT)
    if draw(st.booleans()):
        rules["weighting"]["main_leader"] = {"zone": draw(WEIGHT.filter(bool)), "evaluation": draw(WEIGHT)}
    targets = [p["id"] for p in case.people] + [d["department"] for d in case.departments]
    ballots = []
    for _ in range(draw(st.integers(1, 60))):
        vote = draw(st.sampled_from((None, *VOTES)))
        ballots.append(
            {
                "target": draw(st.sampled_from(targets)),
                "rater_group": draw(st.sampled_from(GROUPS)),
                "rater": None,
                "score": None if vote is not None else draw(SCORE),
                "vote": vote,
            }
        )
    return replace(case, rules=rules), ballots


def _frame(ballots: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([b[c] for b in ballots], dtype=object) for c in EVALUATION_COLUMNS})
    frame["row"] = range(2, len(ballots) + 2)
    return frame


def _inputs(case: Case, ballots: list[dict[str, Any]]) -> Inputs:
    inputs = case.inputs()
    inputs.evaluations = _frame(ballots)
    return inputs


def _scores(results: Results) -> dict[tuple[str, str], Decimal]:
    out = {}
    for population in POPULATIONS:
        frame = results.population(population)
        key = "department" if population == "departments" else "id"
        out.update({(population, k): v for k, v in zip(frame[key], frame["score"], strict=True)})
    return out


@SETTINGS
@given(evaluated(), st.data())
def test_a_higher_evaluation_score_never_lowers_a_score(
    example: tuple[Case, list[dict[str, Any]]], data: st.DataObject
) -> None:
    """Raising one rater's score (or replacing a vote by a higher score) never lowers
    anybody's score: not the target's, not its members' (a department's E reaches
    them through D), not its leader in charge's (through M)."""
    case, ballots = example
    before = scored(case, _inputs(case, ballots))
    i = data.draw(st.integers(0, len(ballots) - 1), label="raised row")
    old = ballots[i]["score"] if ballots[i]["score"] is not None else VOTES[ballots[i]["vote"]]
    higher = data.draw(st.integers(int(old * 100), 10000), label="new score (cents)")
    raised = copy.deepcopy(ballots)
    raised[i] = {**raised[i], "score": D(higher).scaleb(-2), "vote": None}
    after = scored(case, _inputs(case, raised))
    old_scores, new_scores = _scores(before), _scores(after)
    lowered = {k: (old_scores[k], new_scores[k]) for k in old_scores if new_scores[k] < old_scores[k]}
    assert not lowered, lowered
    target = ballots[i]["target"]
    e_before = before.evaluations.score_of().get(target)
    e_after = after.evaluations.score_of().get(target)
    assert (e_before is None) == (e_after is None)
    assert e_before is None or (e_after is not None and e_after >= e_before)


@SETTINGS
@given(evaluated())
def test_evaluations_weighted_zero_change_no_score(example: tuple[Case, list[dict[str, Any]]]) -> None:
    """With every evaluation weight 0 (and no weighting.main_leader), scoring with the
    evaluation rows gives the scores of scoring without them."""
    case, ballots = example
    rules = copy.deepcopy(case.rules)
    rules["department"]["weights"]["evaluation"] = D(0)
    rules["individual"]["weights"]["evaluation"] = D(0)
    for entry in (rules["individual"].get("by_role") or {}).values():
        entry["evaluation"] = D(0)
    rules["weighting"]["leader_in_charge"]["evaluation"] = D(0)
    rules["weighting"].pop("main_leader", None)
    zero = replace(case, rules=rules)
    with_rows = scored(zero, _inputs(zero, ballots))
    without = scored(zero, zero.inputs())
    assert _scores(with_rows) == _scores(without)
