"""Where the evaluation score E enters: departments, individuals, main leaders, leaders in charge.

A component is used only when it exists, and the weights are normalised over
the components used. Every expected number is worked by hand below.
"""

from __future__ import annotations

from decimal import Decimal as D
from decimal import localcontext
from typing import Any

import pandas as pd
import pytest

from kpi.engine.departments import department_scores
from kpi.engine.individuals import individual_scores
from kpi.engine.leaders import leader_scores
from kpi.errors import ComputeError, Location
from kpi.io.inputs import Inputs, empty_frame
from kpi.numbers import EXACT, Exact

EVALUATION = {"groups": {"同事": D(1)}, "trim": 0, "min_raters": 1}


def objects(records: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([r[c] for r in records], dtype=object) for c in records[0]})


def test_department_components_renormalised(make_rules: Any) -> None:
    rules = make_rules(
        department={"weights": {"indicators": D("0.6"), "city": D("0.4"), "evaluation": D("0.5")}},
        evaluation=EVALUATION,
    )
    departments = objects(
        [{"department": d, "leader_in_charge": "L02", "row": i + 2} for i, d in enumerate(["甲", "乙", "丙"])]
    )
    inputs = Inputs(
        path="in.xlsx",
        sha256="",
        people=empty_frame("people"),
        points=empty_frame("points"),
        indicators=empty_frame("indicators"),
        city_rankings=empty_frame("city_rankings"),
        city_shares=empty_frame("city_shares"),
        departments=departments,
        vetoes=empty_frame("vetoes"),
    )
    with localcontext(EXACT):
        frame = department_scores(
            inputs,
            rules,
            {"甲": Exact(D(80)), "乙": Exact(D(80))},
            {"甲": Exact(D(90)), "乙": Exact(D(90))},
            {"丙": D(2)},
            {},
            {"甲": D(70), "丙": D("77.77")},
        ).set_index("department")
    # 甲: I 80, C 90, E 70 → r2((0.6 × 80 + 0.4 × 90 + 0.5 × 70) / 1.5) = r2(119 / 1.5)
    #     = r2(79.333…) = 79.33
    assert frame.loc["甲", "score"] == D("79.33")
    # 乙: no evaluation rows → over I and C only: r2((48 + 36) / 1.0) = 84.00
    assert frame.loc["乙", "score"] == D("84.00")
    assert frame.loc["乙", "evaluation_score"] is None
    # 丙: only its evaluation → D = E = 77.77, then + 2 points = 79.77
    assert (frame.loc["丙", "weighted"], frame.loc["丙", "score"]) == (D("77.77"), D("79.77"))


def test_department_with_no_component_names_the_evaluation(make_rules: Any) -> None:
    rules = make_rules(evaluation=EVALUATION)
    departments = objects([{"department": "丁", "leader_in_charge": "L02", "row": 5}])
    inputs = Inputs(
        path="in.xlsx",
        sha256="",
        people=empty_frame("people"),
        points=empty_frame("points"),
        indicators=empty_frame("indicators"),
        city_rankings=empty_frame("city_rankings"),
        city_shares=empty_frame("city_shares"),
        departments=departments,
        vetoes=empty_frame("vetoes"),
    )
    # 丁 has an evaluation score but department.weights.evaluation is absent (0):
    # no component with a non-zero weight.
    with pytest.raises(ComputeError) as caught, localcontext(EXACT):
        department_scores(inputs, rules, {}, {}, {}, {}, {"丁": D(90)})
    [problem] = caught.value.problems
    assert problem.location.row == 5
    assert "or an evaluation (测评)" in problem.message


STAFF = [
    {"id": "A", "role": "职员"},
    {"id": "B", "role": "职员"},
    {"id": "C", "role": "部长"},
    {"id": "V", "role": "职员"},
]


def staff() -> pd.DataFrame:
    return objects(
        [
            {"name": p["id"], "department": "甲", "post_category": "招商", "row": i + 2, **p}
            for i, p in enumerate(STAFF)
        ]
    )


def test_individuals_with_and_without_an_evaluation_score(make_rules: Any) -> None:
    from kpi.engine.veto import VetoCause

    rules = make_rules(
        individual={
            "weights": {"department": D("0.4"), "personal": D("0.6"), "evaluation": D("0.5")},
            # a by_role entry replaces individual.weights whole: no evaluation key → weight 0
            "by_role": {"部长": {"department": D("0.7"), "personal": D("0.3")}},
        },
        evaluation=EVALUATION,
    )
    veto = (VetoCause(9, "安全生产", "V", "direct"),)
    with localcontext(EXACT):
        frame = individual_scores(
            staff(), {"甲": D(80)}, {}, {"V": veto}, rules, {"A": D(90), "C": D(50), "V": D(95)}
        ).set_index("id")
    # A: D 80, Q 100, E 90 → r2((0.4 × 80 + 0.6 × 100 + 0.5 × 90) / 1.5) = r2(137 / 1.5)
    #    = r2(91.333…) = 91.33
    assert frame.loc["A", "score"] == D("91.33")
    # B: no evaluation score → over D and Q: r2((32 + 60) / 1.0) = 92.00
    assert frame.loc["B", "score"] == D("92.00")
    assert frame.loc["B", "w_evaluation"] is None
    # C (部长): E 50 exists but by_role.部长 has no evaluation weight →
    #    r2((0.7 × 80 + 0.3 × 100 + 0 × 50) / 1.0) = 86.00
    assert frame.loc["C", "score"] == D("86.00")
    assert frame.loc["C", "w_evaluation"] == 0
    # V: r2((32 + 60 + 0.5 × 95) / 1.5) = r2(139.5 / 1.5) = 93.00, vetoed → min(93, 60) = 60.00
    assert (frame.loc["V", "weighted"], frame.loc["V", "score"]) == (D("93.00"), D("60.00"))


def test_individual_scored_on_evaluation_alone(make_rules: Any) -> None:
    rules = make_rules(
        individual={
            "weights": {"department": D(0), "personal": D(0), "evaluation": D(1)},
            "by_role": {"部长": {"department": D("0.7"), "personal": D("0.3")}},
        },
        evaluation=EVALUATION,
    )
    with localcontext(EXACT):
        frame = individual_scores(
            staff().iloc[:1], {"甲": D(80)}, {}, {}, rules, {"A": D("88.88")}
        ).set_index("id")
    assert frame.loc["A", "score"] == D("88.88")  # S = E
    # B has no evaluation score and D, Q weigh 0: no score, reported at its 人员 row.
    with pytest.raises(ComputeError) as caught, localcontext(EXACT):
        individual_scores(staff().iloc[1:2], {"甲": D(80)}, {}, {}, rules, {}, Location("in.xlsx", "人员"))
    [problem] = caught.value.problems
    assert (problem.location.sheet, problem.location.row) == ("人员", 3)
    assert "no evaluation score" in problem.message


def leaders_frame() -> pd.DataFrame:
    rows = [("M1", "管委会主任"), ("M2", "管委会主任"), ("V1", "管委会副主任"), ("V2", "管委会副主任")]
    rows += [("V3", "管委会副主任")]
    return objects([{"id": i, "name": i, "role": r, "row": n + 2} for n, (i, r) in enumerate(rows)])


def departments_in_charge() -> pd.DataFrame:
    return objects(
        [
            {"department": "甲", "leader_in_charge": "V1", "score": D(80)},
            {"department": "乙", "leader_in_charge": "V1", "score": D(85)},
        ]
    )


def test_leaders_blend_zone_departments_and_evaluation(make_rules: Any) -> None:
    rules = make_rules(
        weighting={
            "leader_in_charge": {"zone": D("0.5"), "departments": D("0.3"), "evaluation": D("0.2")},
            "main_leader": {"zone": D("0.6"), "evaluation": D("0.4")},
        },
        evaluation=EVALUATION,
    )
    evaluation = {"M1": D(80), "V1": D(70), "V2": D(100)}
    with localcontext(EXACT):
        frame = leader_scores(
            leaders_frame(), departments_in_charge(), Exact(D(90)), {}, {}, rules, evaluation
        ).set_index("id")
    # Z = 90.
    # M1 (main, E 80): r2((0.6 × 90 + 0.4 × 80) / 1.0) = r2(54 + 32) = 86.00
    assert frame.loc["M1", "score"] == D("86.00")
    # M2 (main, no E): only Z is used → L = Z = 90
    assert frame.loc["M2", "score"] == D(90)
    # V1: M = r2((80 + 85) / 2) = 82.50; r2((0.5 × 90 + 0.3 × 82.50 + 0.2 × 70) / 1.0)
    #     = r2(45 + 24.75 + 14) = 83.75
    assert (frame.loc["V1", "departments_mean"], frame.loc["V1", "score"]) == (D("82.50"), D("83.75"))
    # V2: no departments, E 100 → r2((0.5 × 90 + 0.2 × 100) / 0.7) = r2(65 / 0.7) = r2(92.857…) = 92.86
    assert frame.loc["V2", "score"] == D("92.86")
    blend: list[tuple[str, Any, Any]] = frame.loc["V2", "blend"]  # type: ignore[assignment]  # object column
    assert [label for label, _, _ in blend] == ["Z", "E"]
    # V3: no departments, no E → L = Z = 90 (as in v1)
    assert frame.loc["V3", "score"] == D(90)


def test_main_leader_without_main_leader_weights_follows_the_zone(make_rules: Any) -> None:
    rules = make_rules(evaluation=EVALUATION)
    with localcontext(EXACT):
        frame = leader_scores(
            leaders_frame().iloc[:1],
            departments_in_charge(),
            Exact(D(90)),
            {"M1": D(3)},
            {},
            rules,
            {"M1": D(50)},
        ).set_index("id")
    # No weighting.main_leader: L = Z + P = 90 + 3 = 93, E (50) shown but not used.
    assert (frame.loc["M1", "score"], frame.loc["M1", "evaluation_score"]) == (D(93), D(50))
    assert frame.loc["M1", "blend"] == ()
