"""Score one period: the engine's single entry point, wiring the numbers in order.

(service requests →) points → indicators → city weighting → vetoes → evaluations →
departments → leaders → individuals → grades → bonus. Each step is a pure function of the frames
before it; this module only joins them and collects warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

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
from kpi.engine.service import ServiceOutcome, service_outcome, with_service_events
from kpi.engine.tables import BonusMembers, Departments, Individuals, NetPoints
from kpi.engine.veto import veto_causes
from kpi.engine.weighting import (
    city_detail,
    city_scores_by_department,
    department_city_scores,
    zone_score,
)
from kpi.errors import Location, Problem, sort_problems
from kpi.io.inputs import Inputs
from kpi.numbers import EXACT
from kpi.periods import Period
from kpi.rules.schema import Rules

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
    """The steps of method §6 in order; each stage is a function below."""
    rules = rules_file.rules
    leaders_roster, individuals_roster = split_roster(inputs.people, rules_file)
    service = (
        service_outcome(inputs.service_requests, rules.service, period) if rules.service is not None else None
    )
    points = _points(inputs, rules, service)
    detail = indicator_detail(inputs.indicators, rules)
    city = city_detail(inputs, rules)
    zone = zone_score(city)
    terms = department_city_scores(city, inputs.city_shares)
    dept_vetoes, person_vetoes = veto_causes(inputs.vetoes, individuals_roster, inputs.departments, rules)
    evaluations = evaluation_scores(inputs.evaluations, rules)
    evaluation = evaluations.score_of()
    grader = _Grader(rules_file, list(inputs.warnings))

    departments = grader.departments(
        department_scores(
            inputs,
            rules,
            department_indicator_scores(detail),
            city_scores_by_department(terms),
            points.of_department,
            dept_vetoes,
            evaluation,
        )
    )
    leaders = grader.leaders(
        leader_scores(leaders_roster, departments, zone, points.of_person, person_vetoes, rules, evaluation)
    )
    individuals = grader.individuals(
        individual_scores(
            individuals_roster,
            dict(zip(departments[Departments.department], departments[Departments.score], strict=True)),
            points.of_person,
            person_vetoes,
            rules,
            evaluation,
            where=inputs.location("people"),
        ),
        departments,
    )
    bonus = _bonus(inputs, rules_file, period, individuals, leaders, leaders_roster)

    return Results(
        period=period,
        rules_file=rules_file,
        inputs=inputs,
        points_ledger=points.ledger,
        person_points=points.person,
        department_points=points.department,
        indicator_detail=detail,
        city_detail=city,
        city_terms=terms,
        zone_score=zone.value,
        zone_exact=zone.exact,
        departments=departments,
        leaders=leaders,
        individuals=individuals,
        bonus=bonus,
        quotas=grader.quotas,
        warnings=sort_problems(grader.warnings, tuple(inputs.sheets.values())),
        service_detail=None if service is None else service.detail,
        service_events=None if service is None else service.events,
        evaluations=evaluations,
        quota_sources=grader.quota_sources,
    )


@dataclass(frozen=True)
class _Points:
    """Method §6.1: the ledger and the net points of every person and department."""

    ledger: pd.DataFrame
    person: pd.DataFrame
    department: pd.DataFrame

    @property
    def of_person(self) -> dict[str, Decimal]:
        return dict(zip(self.person[NetPoints.target], self.person[NetPoints.points], strict=True))

    @property
    def of_department(self) -> dict[str, Decimal]:
        return dict(zip(self.department[NetPoints.target], self.department[NetPoints.points], strict=True))


def _points(inputs: Inputs, rules: Rules, service: ServiceOutcome | None) -> _Points:
    """The typed events (and those the service requests made) → ledger → net points."""
    events = inputs.points if service is None else with_service_events(inputs.points, service.events)
    ledger = points_ledger(events, rules)
    person_cap, department_cap = rules.points.person_cap, rules.points.department_cap
    return _Points(
        ledger,
        net_points(ledger, list(inputs.people["id"]), person_cap.add, person_cap.deduct),
        net_points(ledger, list(inputs.departments["department"]), department_cap.add, department_cap.deduct),
    )


class _Grader:
    """Method §6.8 for the three populations, in order: departments first (their grades
    set individuals' quotas under ``quota_by_department_grade``), then leaders, then
    individuals. Collects the warnings, the quota tables and the quota sources."""

    def __init__(self, rules_file: RulesFile, warnings: list[Problem]) -> None:
        self.rules_file = rules_file
        self.rules = rules_file.rules
        self.warnings = warnings
        self.quotas: dict[str, dict[tuple[str, str], int]] = {}
        self.quota_sources: dict[tuple[str, str], tuple[Decimal, str]] = {}
        self.bands_at = Location(rules_file.path, line=rules_file.line_of("grades", "bands"))

    def _band_at(self, index: int) -> Location:
        return Location(self.rules_file.path, line=self.rules_file.line_of("grades", "bands", index))

    def _grade(self, members: pd.DataFrame, population: str, **options: Any) -> Grading:
        grading = grade_population(
            members, self.rules, population, where=self.bands_at, band_at=self._band_at, **options
        )
        self.warnings += grading.warnings
        return grading

    def departments(self, scored: pd.DataFrame) -> pd.DataFrame:
        grading = self._grade(scored.rename(columns={Departments.department: "id"}), "department")
        self.quotas["departments"] = quota_table(self.rules, {"": len(scored)})
        return _graded(scored, grading, key=Departments.department)

    def leaders(self, scored: pd.DataFrame) -> pd.DataFrame:
        self.quotas["leaders"] = quota_table(self.rules, {"": len(scored)})
        return _graded(scored, self._grade(scored, "leader"))

    def individuals(self, scored: pd.DataFrame, departments: pd.DataFrame) -> pd.DataFrame:
        """Quota groups are departments with ``quota_scope: department`` (n per department),
        else the whole population."""
        by_department = self.rules.grades.quota_scope == "department"
        sizes: dict[str, int] = (
            {str(k): int(v) for k, v in scored[Individuals.department].value_counts().items()}
            if by_department
            else {"": len(scored)}
        )
        grades = dict(zip(departments[Departments.department], departments[Departments.grade], strict=True))
        quota_of = individual_quota(self.rules, grades)
        grading = self._grade(
            scored.assign(quota_group=scored[Individuals.department]),
            "individual",
            group_sizes=sizes if by_department else None,
            quota_of=quota_of,
        )
        self.quotas["individuals"] = quota_table(self.rules, sizes, quota_of)
        self.quota_sources = quota_sources(self.rules, grades, list(sizes))
        return _graded(scored, grading)


def _bonus(
    inputs: Inputs,
    rules_file: RulesFile,
    period: Period,
    individuals: pd.DataFrame,
    leaders: pd.DataFrame,
    leaders_roster: pd.DataFrame,
) -> pd.DataFrame:
    """Method §6.9 over the individuals (and the leaders with ``include_leaders``)."""
    rules = rules_file.rules
    members = [c for c in BonusMembers.columns if c not in (BonusMembers.bonus_base, BonusMembers.months)]
    population = individuals[members]
    if rules.bonus.include_leaders:
        categories = dict(zip(leaders_roster["id"], leaders_roster["post_category"], strict=True))
        leader_rows = leaders[[c for c in members if c not in ("department", "post_category")]].assign(
            department=objects([None] * len(leaders), leaders.index),
            post_category=objects([categories[i] for i in leaders["id"]], leaders.index),
        )
        population = pd.concat(
            [population.astype(object), leader_rows[population.columns].astype(object)],
            ignore_index=True,
        )
    population = population.join(inputs.people.set_index("id")[["bonus_base", "months"]], on="id")
    return bonus_table(
        population,
        rules,
        period.months,
        where=Location(rules_file.path, line=rules_file.line_of("bonus", "mode")),
    )
