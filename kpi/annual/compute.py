"""The annual appraisal's numbers (method §10 "Computation"), step by step.

Members of the year (:mod:`~kpi.annual.members`) → quarter means, the
year-end evaluation and annual scores (:mod:`~kpi.annual.scores`) → ranks and
grades under the annual quota (:mod:`~kpi.annual.grading`) → the year-end
pool (:mod:`~kpi.annual.bonus`). Each module holds its formulas and the steps
that explain them; this one only wires them in order, in the exact decimal
context of the engine.
"""

from __future__ import annotations

from decimal import localcontext
from typing import TYPE_CHECKING

from kpi.annual.bonus import year_end_bonus
from kpi.annual.grading import grade_year
from kpi.annual.members import POPULATIONS, roll_up
from kpi.annual.quarters import Quarter
from kpi.annual.results import AnnualResults
from kpi.annual.scores import annual_scores
from kpi.engine.evaluation import Evaluations, evaluation_scores
from kpi.errors import Problem, sort_problems
from kpi.numbers import EXACT

if TYPE_CHECKING:
    from kpi.io.workbook import YearEndSheet
    from kpi.rules.loader import RulesFile


def compute_annual(
    quarters: list[Quarter],
    rules_file: RulesFile,
    year: int,
    year_end: YearEndSheet | None = None,
    warnings: list[Problem] | None = None,
) -> AnnualResults:
    """Every published number of the year; ``warnings`` are those of reading the quarters."""
    rules = rules_file.rules
    annual = rules.annual
    assert annual is not None
    with localcontext(EXACT):
        members = roll_up(quarters)
        evaluations = (
            evaluation_scores(year_end.evaluations, rules) if year_end is not None else Evaluations()
        )
        e_year = evaluations.score_of()
        scored = {p: annual_scores(members[p], annual, e_year, rules_file) for p in POPULATIONS}
        graded = grade_year(scored, rules_file)
        bonus = year_end_bonus(quarters, graded.frames, rules_file) if annual.bonus is not None else None
    return AnnualResults(
        year=year,
        rules_file=rules_file,
        quarters=quarters,
        year_end=year_end,
        evaluations=evaluations,
        individuals=graded.frames["individuals"],
        leaders=graded.frames["leaders"],
        departments=graded.frames["departments"],
        bonus=bonus,
        quotas=graded.quotas,
        quota_sources=graded.quota_sources,
        warnings=sort_problems([*(warnings or []), *graded.warnings]),
    )
