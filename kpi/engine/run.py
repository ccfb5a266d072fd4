"""Score one period: the engine's single entry point, wiring the numbers in order.

(service requests →) points → indicators → city weighting → vetoes → evaluations →
departments → leaders → individuals → grades → bonus. Each step is a pure function of the frames
before it; this module only joins them and collects warnings.
"""

from __future__ import annotations

from decimal import localcontext
from typing import TYPE_CHECKING

import pandas as pd

from kpi.engine.bonus import bonus_table
from kpi.engine.columns import objects
from kpi.engine.departments import department_scores
from kpi.engine.evaluation import evaluation_scores
from kpi.engine.grades import Grading, grade_population, quota_table
from kpi.engine.indicators import department_indicator_scores, indicator_detail
from kpi.engine.individuals import individual_scores
from kpi.engine.leaders import leader_scores
from kpi.engine.points import net_points, points_ledger
from kpi.engine.quotas import individual_quota, quota_sources
from kpi.engine.results import Results
from kpi.engine.service import service_outcome, with_service_events
from kpi.engine.veto import veto_causes
from kpi.engine.weighting import (
    city_detail,
    city_scores_by_department,
    department_city_scores,
    zone_score,
)
from kpi.errors import Location, sort_problems
from kpi.io.inputs import Inputs
from kpi.numbers import EXACT
from kpi.periods import Period

if TYPE_CHECKING:
    from kpi.rules.loader import RulesFile


def split_roster(people: pd.DataFrame, rules_file: RulesFile) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(leaders, individuals): a roster row is a leader when its 职务 is a leader role."""
    rules = rules_file.rules
    leader_roles = set(rules.roles.main_leader) | set(rules.roles.leader_in_charge)
    is_leader = people["role"].isin(leader_roles)
    return people[is_leader].reset_index(drop=True), people[~is_leader].reset_index(drop=True)


def _graded(scored: pd.DataFrame, grading: Grading, key: str = "id") -> pd.DataFrame:
    """Scores joined to their grades, in the grading's deterministic order."""
    graded = grading.frame.rename(columns={"id": key})
    return graded.merge(scored, on=key, how="left", validate="one_to_one")[
        [*scored.columns, *[c for c in graded.columns if c != key]]
    ]


def score(inputs: Inputs, rules_file: RulesFile, period: Period) -> Results:
    """Compute every published number of method §6 for one validated workbook.

    All arithmetic runs in a 60-digit decimal context, so no product or sum of
    input values is ever rounded before a published step rounds it.
    """
    with localcontext(EXACT):
        return _score(inputs, rules_file, period)


def _score(inputs: Inputs, rules_file: RulesFile, period: Period) -> Results:
    rules = rules_file.rules
    leaders_roster, individuals_roster = split_roster(inputs.people, rules_file)
    warnings = list(inputs.warnings)

    service = (
        service_outcome(inputs.service_requests, rules.service, period) if rules.service is not None else None
    )
    events = inputs.points if service is None else with_service_events(inputs.points, service.events)
    ledger = points_ledger(events, rules)
    person_points = net_points(
        ledger,
        list(inputs.people["id"]),
        rules.points.person_cap.add,
        rules.points.person_cap.deduct,
    )
    department_points = net_points(
        ledger,
        list(inputs.departments["department"]),
        rules.points.department_cap.add,
        rules.points.department_cap.deduct,
    )
    person_p = dict(zip(person_points["target"], person_points["points"], strict=True))
    dept_p = dict(zip(department_points["target"], department_points["points"], strict=True))

    detail = indicator_detail(inputs.indicators, rules)
    city = city_detail(inputs, rules)
    zone = zone_score(city)
    terms = department_city_scores(city, inputs.city_shares)
    dept_vetoes, person_vetoes = veto_causes(inputs.vetoes, individuals_roster, inputs.departments, rules)
    evaluations = evaluation_scores(inputs.evaluations, rules)
    evaluation = evaluations.score_of()

    departments = department_scores(
        inputs,
        rules,
        department_indicator_scores(detail),
        city_scores_by_department(terms),
        dept_p,
        dept_vetoes,
        evaluation,
    )
    bands_at = Location(rules_file.path, line=rules_file.line_of("grades", "bands"))

    def band_at(index: int) -> Location:
        return Location(rules_file.path, line=rules_file.line_of("grades", "bands", index))

    dept_grading = grade_population(
        departments.rename(columns={"department": "id"}),
        rules,
        "department",
        where=bands_at,
        band_at=band_at,
    )
    warnings += dept_grading.warnings
    departments = _graded(departments, dept_grading, key="department")

    leaders = leader_scores(leaders_roster, departments, zone, person_p, person_vetoes, rules, evaluation)
    leader_grading = grade_population(leaders, rules, "leader", where=bands_at, band_at=band_at)
    warnings += leader_grading.warnings
    leaders = _graded(leaders, leader_grading)

    individuals = individual_scores(
        individuals_roster,
        dict(zip(departments["department"], departments["score"], strict=True)),
        person_p,
        person_vetoes,
        rules,
        evaluation,
        where=inputs.location("people"),
    )
    by_department = rules.grades.quota_scope == "department"
    sizes: dict[str, int] = (
        {str(k): int(v) for k, v in individuals["department"].value_counts().items()}
        if by_department
        else {"": len(individuals)}
    )
    department_grades = dict(zip(departments["department"], departments["grade"], strict=True))
    quota_of = individual_quota(rules, department_grades)
    individual_grading = grade_population(
        individuals.assign(quota_group=individuals["department"]),
        rules,
        "individual",
        group_sizes=sizes if by_department else None,
        where=bands_at,
        band_at=band_at,
        quota_of=quota_of,
    )
    warnings += individual_grading.warnings
    individuals = _graded(individuals, individual_grading)

    roster = inputs.people.set_index("id")[["bonus_base", "months"]]
    population = individuals[
        [
            "id",
            "name",
            "department",
            "post_category",
            "role",
            "grade",
            "grade_factor",
            "score",
            "vetoed",
            "points",
        ]
    ]
    if rules.bonus.include_leaders:
        categories = dict(zip(leaders_roster["id"], leaders_roster["post_category"], strict=True))
        leader_rows = leaders[
            ["id", "name", "role", "grade", "grade_factor", "score", "vetoed", "points"]
        ].assign(
            department=objects([None] * len(leaders), leaders.index),
            post_category=objects([categories[i] for i in leaders["id"]], leaders.index),
        )
        population = pd.concat(
            [population.astype(object), leader_rows[population.columns].astype(object)],
            ignore_index=True,
        )
    population = population.join(roster, on="id")
    bonus = bonus_table(
        population,
        rules,
        period.months,
        where=Location(rules_file.path, line=rules_file.line_of("bonus", "mode")),
    )

    return Results(
        period=period,
        rules_file=rules_file,
        inputs=inputs,
        points_ledger=ledger,
        person_points=person_points,
        department_points=department_points,
        indicator_detail=detail,
        city_detail=city,
        city_terms=terms,
        zone_score=zone.value,
        zone_exact=zone.exact,
        departments=departments,
        leaders=leaders,
        individuals=individuals,
        bonus=bonus,
        quotas={
            "departments": quota_table(rules, {"": len(departments)}),
            "leaders": quota_table(rules, {"": len(leaders)}),
            "individuals": quota_table(rules, {str(k): int(v) for k, v in sizes.items()}, quota_of),
        },
        warnings=sort_problems(warnings, tuple(inputs.sheets.values())),
        service_detail=None if service is None else service.detail,
        service_events=None if service is None else service.events,
        evaluations=evaluations,
        quota_sources=quota_sources(rules, department_grades, [str(k) for k in sizes]),
    )
