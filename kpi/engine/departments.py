"""Department scores D_d (SPEC §5.4, §7 "Scores").

D_d = r2(Σ W_c X_c / Σ W_c) over the components that exist (indicators I_d,
city C_d), then + department points, then the veto cap. Each row keeps every
step so members' 部门得分 and ``explain`` read the same published values.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from kpi.engine.veto import Causes
from kpi.errors import ComputeError, Problem
from kpi.io.inputs import Inputs
from kpi.numbers import r2, weighted_mean
from kpi.rules.schema import Rules


def department_scores(
    inputs: Inputs,
    rules: Rules,
    indicator_scores: dict[str, Decimal],
    city_scores: dict[str, Decimal],
    points: dict[str, Decimal],
    vetoes: Causes,
) -> pd.DataFrame:
    """One row per department (sheet order) with indicator_score, city_score, weighted,
    points, after_points, vetoed, veto_causes and score."""
    weights = rules.department.weights
    cap = rules.veto.score_cap
    rows = []
    problems = []
    for name, leader, row in zip(
        inputs.departments["department"],
        inputs.departments["leader_in_charge"],
        inputs.departments["row"],
        strict=True,
    ):
        i_d, c_d = indicator_scores.get(name), city_scores.get(name)
        terms = [(w, x) for w, x in ((weights.indicators, i_d), (weights.city, c_d)) if x is not None]
        weighted = weighted_mean(terms) if terms else None
        if weighted is None:
            problems.append(Problem(
                inputs.location("departments", int(row), "department"),
                f"department {name} has no score: it needs indicators (指标) or city shares "
                f"(市级分工) with a non-zero weight in department.weights",
            ))
            continue
        p_d = points.get(name, Decimal(0))
        after = weighted + p_d
        causes = vetoes.get(name, ())
        rows.append({
            "department": name,
            "leader_in_charge": leader,
            "indicator_score": i_d,
            "city_score": c_d,
            "weighted": weighted,
            "points": p_d,
            "after_points": after,
            "vetoed": bool(causes),
            "veto_causes": causes,
            "score": r2(min(after, cap)) if causes else after,
            "row": int(row),
        })
    if problems:
        raise ComputeError(problems)
    return pd.DataFrame.from_records(rows)
