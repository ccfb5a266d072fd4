"""Department scores D_d (method §6.4, §9 "Scores").

D_d = r2(Σ W_c X_c / Σ W_c) over the components that exist (indicators I_d,
city C_d, and with evaluations the evaluation score E_d, weight
``department.weights.evaluation``, absent = 0), then + department points, then
the veto cap. Each row keeps every
step so members' 部门得分 and ``explain`` read the same published values.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.engine import veto
from kpi.engine.lookup import published_row
from kpi.engine.steps import Cite, Item, formulas, num, weighted_mean_expression
from kpi.engine.tables import DepartmentScores
from kpi.engine.veto import Causes, capped
from kpi.errors import ComputeError, Problem
from kpi.i18n import N_, KeyPath, _
from kpi.io.inputs import Inputs
from kpi.numbers import Exact, exact_mean, r2
from kpi.rules.schema import Rules

if TYPE_CHECKING:
    from kpi.engine.results import Results

F = formulas(__name__, "6.4")
WEIGHTED = F(N_("D weighted"), N_("r2(Σ W X / Σ W) over the components present"))
WITH_POINTS = F("D", N_("D weighted + P"))


def department_scores(
    inputs: Inputs,
    rules: Rules,
    indicator_scores: dict[str, Exact],
    city_scores: dict[str, Exact],
    points: dict[str, Decimal],
    vetoes: Causes,
    evaluation: dict[str, Decimal] | None = None,
) -> pd.DataFrame:
    """One row per department (sheet order) with indicator_score, city_score,
    evaluation_score, weighted, points, after_points, vetoed, veto_causes and score."""
    weights = rules.department.weights
    w_evaluation = weights.evaluation or Decimal(0)
    scores_e = evaluation or {}
    rows = []
    problems = []
    for name, leader, row in zip(
        inputs.departments["department"],
        inputs.departments["leader_in_charge"],
        inputs.departments["row"],
        strict=True,
    ):
        i_exact, c_exact = indicator_scores.get(name), city_scores.get(name)
        i_d = i_exact.value if i_exact else None
        c_d = c_exact.value if c_exact else None
        e_d = scores_e.get(name)
        components = ((weights.indicators, i_d), (weights.city, c_d), (w_evaluation, e_d))
        terms = [(w, x) for w, x in components if x is not None]
        exact = exact_mean(terms) if terms else None
        if exact is None:
            if rules.evaluation is not None:
                message = _(
                    "department {name} has no score: it needs indicators (指标) or city shares "
                    "(市级分工) or an evaluation (测评) with a non-zero weight in {weights}",
                    name=name,
                    weights=KeyPath("department.weights"),
                )
            else:
                message = _(
                    "department {name} has no score: it needs indicators (指标) or city shares "
                    "(市级分工) with a non-zero weight in {weights}",
                    name=name,
                    weights=KeyPath("department.weights"),
                )
            problems.append(Problem(inputs.location("departments", int(row), "department"), message))
            continue
        weighted = r2(exact)
        p_d = points.get(name, Decimal(0))
        after = weighted + p_d
        causes = vetoes.get(name, ())
        rows.append(
            {
                "department": name,
                "leader_in_charge": leader,
                "indicator_exact": i_exact.exact if i_exact else None,
                "indicator_score": i_d,
                "city_exact": c_exact.exact if c_exact else None,
                "city_score": c_d,
                "w_indicators": weights.indicators if i_d is not None else None,
                "w_city": weights.city if c_d is not None else None,
                "evaluation_score": e_d,
                "w_evaluation": w_evaluation if e_d is not None else None,
                "weighted_exact": exact,
                "weighted": weighted,
                "points": p_d,
                "after_points": after,
                "vetoed": bool(causes),
                "veto_causes": causes,
                "score": capped(after, causes, rules),
                "row": int(row),
            }
        )
    if problems:
        raise ComputeError(problems)
    return pd.DataFrame.from_records(rows, columns=DepartmentScores.columns)


# derivations ------------------------------------------------------------------------


def row_of(results: Results, name: str) -> dict[str, Any]:
    """The published row of department ``name``."""
    row = published_row(results.departments, "department", name)
    return row


def weighted_steps(results: Results, name: str, cite: Cite) -> list[Item]:
    """D weighted: the weighted mean over the components the department has."""
    row = row_of(results, name)
    parts = [
        (row["w_indicators"], row["indicator_score"]),
        (row["w_city"], row["city_score"]),
        (row["w_evaluation"], row["evaluation_score"]),
    ]
    present = [(w, x) for w, x in parts if x is not None]
    return [
        WEIGHTED.step(
            row["weighted"],
            expression=weighted_mean_expression(present),
            exact=row["weighted_exact"],
            sources=[cite.rule("department", "weights")],
        )
    ]


def score_steps(results: Results, name: str, cite: Cite) -> list[Item]:
    """D = D weighted + P."""
    row = row_of(results, name)
    return [
        WITH_POINTS.step(row["after_points"], expression=f"{num(row['weighted'])} + {num(row['points'])}")
    ]


def veto_steps(results: Results, name: str, cite: Cite) -> list[Item] | None:
    """The veto cap applies to D after points; None when the department is not vetoed."""
    row = row_of(results, name)
    return veto.steps(results.rules, row, row["after_points"], N_("D vetoed"), cite)
