"""Leader scores L (SPEC §5.5).

Main leaders follow the zone: L = Z + P. A leader in charge blends the zone
with the mean of the departments in its charge (sheet 部门):
L = r2((αZ + βM) / (α + β)) + P with M = r2(mean D_d), or Z + P when it is in
charge of none. A vetoed leader is capped at ``veto.score_cap``.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from kpi.engine.veto import Causes, capped
from kpi.numbers import Exact, div, exact_mean, r2
from kpi.rules.schema import Rules


def leader_scores(
    leaders: pd.DataFrame,
    departments: pd.DataFrame,
    zone: Exact,
    points: dict[str, Decimal],
    vetoes: Causes,
    rules: Rules,
) -> pd.DataFrame:
    """One row per leader: kind, zone_score, departments, departments_mean, weighted,
    points, after_points, vetoed, veto_causes, score."""
    weights = rules.weighting.leader_in_charge
    in_charge: dict[str, list[tuple[str, Decimal]]] = {}
    for name, leader, score in zip(
        departments["department"],
        departments["leader_in_charge"],
        departments["score"],
        strict=True,
    ):
        in_charge.setdefault(leader, []).append((name, score))
    rows = []
    for pid, name, role, row in zip(
        leaders["id"], leaders["name"], leaders["role"], leaders["row"], strict=True
    ):
        kind = rules.leader_kind(role)
        charged = sorted(in_charge.get(pid, [])) if kind == "leader_in_charge" else []
        mean_exact = mean = blended = None
        weighted = zone.value
        if charged:
            mean_exact = div(sum((s for _, s in charged), Decimal(0)), Decimal(len(charged)))
            mean = r2(mean_exact)
            blended = exact_mean([(weights.zone, zone.value), (weights.departments, mean)])
            assert blended is not None, "the schema rejects zone + departments == 0"
            weighted = r2(blended)
        p = points.get(pid, Decimal(0))
        after = weighted + p
        causes = vetoes.get(pid, ())
        rows.append(
            {
                "id": pid,
                "name": name,
                "role": role,
                "kind": kind,
                "zone_score": zone.value,
                "departments": tuple(d for d, _ in charged),
                "department_scores": tuple(s for _, s in charged),
                "departments_mean_exact": mean_exact,
                "departments_mean": mean,
                "weighted_exact": blended,
                "weighted": weighted,
                "points": p,
                "after_points": after,
                "vetoed": bool(causes),
                "veto_causes": causes,
                "score": capped(after, causes, rules),
                "row": int(row),
            }
        )
    return pd.DataFrame.from_records(
        rows,
        columns=[
            "id",
            "name",
            "role",
            "kind",
            "zone_score",
            "departments",
            "department_scores",
            "departments_mean_exact",
            "departments_mean",
            "weighted_exact",
            "weighted",
            "points",
            "after_points",
            "vetoed",
            "veto_causes",
            "score",
            "row",
        ],
    )
