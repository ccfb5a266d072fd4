"""What a scoring run publishes, with everything each number was computed from.

``explain``, ``diff``, ``verify`` and the reports read these frames; none of
them recomputes a formula. Frames hold Python values (Decimal, Fraction, str,
tuples of :class:`~kpi.engine.veto.VetoCause`) in deterministic order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from kpi.engine.evaluation import Evaluations
from kpi.errors import Problem
from kpi.io.inputs import Inputs
from kpi.periods import Period
from kpi.rules.schema import Rules

if TYPE_CHECKING:
    from kpi.rules.loader import RulesFile


@dataclass
class Results:
    """One period scored under one rules file."""

    period: Period
    rules_file: RulesFile
    inputs: Inputs
    points_ledger: pd.DataFrame
    person_points: pd.DataFrame
    department_points: pd.DataFrame
    indicator_detail: pd.DataFrame
    city_detail: pd.DataFrame
    city_terms: pd.DataFrame
    zone_score: Decimal
    zone_exact: Decimal
    departments: pd.DataFrame
    leaders: pd.DataFrame
    individuals: pd.DataFrame
    bonus: pd.DataFrame
    quotas: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    #: 诉求明细 with what explain shows (method §6.0); None when the rules have no ``service``.
    service_detail: pd.DataFrame | None = None
    #: The points events derived from the requests, each with its request (编号 and row).
    service_events: pd.DataFrame | None = None
    #: Evaluation rows, groups and scores (empty without evaluations).
    evaluations: Evaluations = field(default_factory=Evaluations)
    #: Individuals' (band, department) → (quota, the department grade that set it),
    #: for bands with quota_by_department_grade.
    quota_sources: dict[tuple[str, str], tuple[Decimal, str]] = field(default_factory=dict)

    @property
    def rules(self) -> Rules:
        return self.rules_file.rules

    def population(self, name: str) -> pd.DataFrame:
        """departments | leaders | individuals."""
        frame: pd.DataFrame = getattr(self, name)
        return frame
