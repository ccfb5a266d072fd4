"""Individual scores S (method §6.6, §9 "Scores").

Q = r2(base_score + P); S = r2((w_dep D_d + w_per Q) / (w_dep + w_per)) with
the weights of ``individual.by_role[职务]`` (exact text) or ``individual.weights``;
a vetoed member is capped at ``veto.score_cap``. With evaluations the member's
evaluation score E joins as a third component when it exists (weight
``evaluation`` of the same weights map, absent = 0), the weights normalised
over the components used. D_d is the department's final
score, after its points and veto cap, so a member's row shows the very number
published on 部门得分.
"""

from __future__ import annotations

from collections.abc import Container
from decimal import Decimal

import pandas as pd

from kpi.engine.veto import Causes, capped
from kpi.errors import ComputeError, Location, Problem
from kpi.numbers import exact_mean, r2
from kpi.rules.schema import Rules


def individual_scores(
    individuals: pd.DataFrame,
    department_score: dict[str, Decimal],
    points: dict[str, Decimal],
    vetoes: Causes,
    rules: Rules,
    evaluation: dict[str, Decimal] | None = None,
    where: Location | None = None,
) -> pd.DataFrame:
    """One row per individual with points, personal_score, department_score,
    evaluation_score, the weights used and their source, weighted, vetoed,
    veto_causes and score. ``where`` locates the 人员 sheet for the one error
    possible here: a member whose components used all weigh 0."""
    by_role = rules.individual.by_role or {}
    base = rules.base_score
    scores_e = evaluation or {}
    rows = []
    problems = []
    for record in individuals.to_dict("records"):
        pid, role = record["id"], record["role"]
        weights = by_role.get(role, rules.individual.weights)
        p = points.get(pid, Decimal(0))
        q = r2(base + p)
        d = department_score[record["department"]]
        e = scores_e.get(pid)
        w_e = weights.evaluation or Decimal(0)
        terms = [(weights.department, d), (weights.personal, q)] + ([(w_e, e)] if e is not None else [])
        exact = exact_mean(terms)
        if exact is None:  # department and personal weigh 0 and the evaluation is absent
            at = where or Location()
            problems.append(
                Problem(
                    Location(at.file, at.sheet, int(record["row"])),
                    f"{pid} has no score: the weights of {_source(role, by_role)} give the "
                    "department and personal scores weight 0, and the person has no evaluation "
                    "score (测评) to weigh",
                )
            )
            continue
        weighted = r2(exact)
        causes = vetoes.get(pid, ())
        rows.append(
            {
                "id": pid,
                "name": record["name"],
                "department": record["department"],
                "post_category": record["post_category"],
                "role": role,
                "points": p,
                "personal_score": q,
                "department_score": d,
                "w_department": weights.department,
                "w_personal": weights.personal,
                "evaluation_score": e,
                "w_evaluation": w_e if e is not None else None,
                "weights_from": _source(role, by_role),
                "weighted_exact": exact,
                "weighted": weighted,
                "vetoed": bool(causes),
                "veto_causes": causes,
                "score": capped(weighted, causes, rules),
                "row": int(record["row"]),
            }
        )
    if problems:
        raise ComputeError(problems)
    return pd.DataFrame.from_records(
        rows,
        columns=[
            "id",
            "name",
            "department",
            "post_category",
            "role",
            "points",
            "personal_score",
            "department_score",
            "w_department",
            "w_personal",
            "evaluation_score",
            "w_evaluation",
            "weights_from",
            "weighted_exact",
            "weighted",
            "vetoed",
            "veto_causes",
            "score",
            "row",
        ],
    )


def _source(role: str, by_role: Container[str]) -> str:
    """The rules key the member's weights come from."""
    return f"individual.by_role.{role}" if role in by_role else "individual.weights"
