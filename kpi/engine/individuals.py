"""Individual scores S (SPEC §5.6, §7 "Scores").

Q = r2(base_score + P); S = r2((w_dep D_d + w_per Q) / (w_dep + w_per)) with
the weights of ``individual.by_role[职务]`` (exact text) or ``individual.weights``;
a vetoed member is capped at ``veto.score_cap``. D_d is the department's final
score, after its points and veto cap, so a member's row shows the very number
published on 部门得分.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from kpi.engine.veto import Causes, capped
from kpi.numbers import exact_mean, r2
from kpi.rules.schema import Rules


def individual_scores(
    individuals: pd.DataFrame,
    department_score: dict[str, Decimal],
    points: dict[str, Decimal],
    vetoes: Causes,
    rules: Rules,
) -> pd.DataFrame:
    """One row per individual with points, personal_score, department_score, the
    weights used and their source, weighted, vetoed, veto_causes and score."""
    by_role = rules.individual.by_role or {}
    base = rules.base_score
    rows = []
    for record in individuals.to_dict("records"):
        pid, role = record["id"], record["role"]
        weights = by_role.get(role, rules.individual.weights)
        p = points.get(pid, Decimal(0))
        q = r2(base + p)
        d = department_score[record["department"]]
        exact = exact_mean([(weights.department, d), (weights.personal, q)])
        assert exact is not None, "the schema rejects department + personal == 0"
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
                "weights_from": f"individual.by_role.{role}" if role in by_role else "individual.weights",
                "weighted_exact": exact,
                "weighted": weighted,
                "vetoed": bool(causes),
                "veto_causes": causes,
                "score": capped(weighted, causes, rules),
                "row": int(record["row"]),
            }
        )
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
            "weights_from",
            "weighted_exact",
            "weighted",
            "vetoed",
            "veto_causes",
            "score",
            "row",
        ],
    )
