"""What an annual run publishes, with everything each number was computed from.

The annual workbook, ``--json``, ``explain --year``, ``verify`` and ``rules diff
--data`` read these frames; none of them recomputes a formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from kpi.annual.quarters import Quarter
from kpi.engine.evaluation import Evaluations
from kpi.errors import Problem
from kpi.periods import Period
from kpi.rules.schema import Annual, Rules

if TYPE_CHECKING:
    from kpi.io.workbook import YearEndSheet
    from kpi.rules.loader import RulesFile

#: The grade of a member scored in fewer than ``min_quarters`` quarters (不定等次).
NOT_GRADED = {"zh": "不定等次", "en": "not_graded"}


@dataclass(frozen=True)
class YearEndSheets:
    """The one workbook an annual run cites rows of by sheet: the year-end 测评."""

    sheet: str

    def sheet_name(self, sheet: str) -> str:
        return self.sheet


@dataclass
class AnnualResults:
    """One year rolled up from its quarters under one rules file.

    Population frames (``individuals``, ``leaders``, ``departments``; key column
    ``id``, or ``department`` for departments) are in published order — graded
    members by score descending then id, then the members not graded by id —
    with columns: name, department (individuals), kind (leaders), q1 … q4 (the
    quarter scores, None where absent), seen (the :class:`~kpi.annual.members.Seen`
    of each quarter), quarters (how many), weights ((quarter, v) pairs used),
    mean_exact (Fraction), quarters_mean (A), evaluation (E_year or None),
    score_exact (Fraction), score (Y), vetoed_quarters (``Q2,Q3``, or None),
    vetoed (counts as vetoed in the year), graded, rank (None when not graded),
    band, grade (None when not graded), grade_factor, grade_note, quota_group,
    quota_n, quota_place.

    ``bonus`` (None without ``annual.bonus``) has one row per member of the
    quarters' bonus populations: id, name, department, parts (per quarterly
    bonus row: quarter, bonus_base, post_coef, role_coef, months_factor, product,
    source), base (B), population, score, grade, grade_factor, graded, forfeited, u,
    remainder, extra_yuan, bonus.
    """

    year: int
    rules_file: RulesFile
    quarters: list[Quarter]
    year_end: YearEndSheet | None
    evaluations: Evaluations
    individuals: pd.DataFrame
    leaders: pd.DataFrame
    departments: pd.DataFrame
    bonus: pd.DataFrame | None
    #: Population → (band, quota group) → places, for explain and the summary.
    quotas: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)
    #: Individuals' (band, department) → (quota, the department's annual grade that set it).
    quota_sources: dict[tuple[str, str], tuple[Decimal, str]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def rules(self) -> Rules:
        return self.rules_file.rules

    @property
    def annual(self) -> Annual:
        annual = self.rules.annual
        assert annual is not None  # run_annual refuses rules without it
        return annual

    @property
    def period(self) -> Period:
        return Period(self.year)

    @property
    def inputs(self) -> YearEndSheets:
        """Where the year's own rows are cited: the year-end evaluation's 测评 sheet
        (the quarters' rows are cited with their period, as ``2024Q3 个人得分!7``)."""
        return YearEndSheets(self.year_end.sheet if self.year_end is not None else "测评")

    def population(self, name: str) -> pd.DataFrame:
        """individuals | leaders | departments."""
        frame: pd.DataFrame = getattr(self, name)
        return frame
