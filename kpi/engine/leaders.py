"""Leader scores L (method §6.5).

Main leaders follow the zone: L = Z + P. A leader in charge blends the zone
with the mean of the departments in its charge (sheet 部门):
L = r2((αZ + βM) / (α + β)) + P with M = r2(mean D_d), or Z + P when it is in
charge of none. A vetoed leader is capped at ``veto.score_cap``.

With evaluations, a leader's evaluation score E joins the blend when it exists:
a leader in charge gets L = r2((αZ + βM + γE) / (α + β + γ)) + P over the
components used (γ = ``weighting.leader_in_charge.evaluation``, absent = 0); a
main leader gets L = r2((aZ + eE) / (a + e)) + P with ``weighting.main_leader``,
and Z + P without it. When Z is the only component, or the components used
weigh 0 together, L follows the zone: Z + P, as a leader in charge of no
department does. Each row keeps the (component, weight, value) terms it blended.
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
    evaluation: dict[str, Decimal] | None = None,
) -> pd.DataFrame:
    """One row per leader: kind, zone_score, departments, departments_mean,
    evaluation_score, blend, weighted, points, after_points, vetoed, veto_causes, score."""
    weights = rules.weighting.leader_in_charge
    main = rules.weighting.main_leader
    scores_e = evaluation or {}
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
        e = scores_e.get(pid)
        terms: list[tuple[str, Decimal, Decimal]] = []
        if charged:
            mean_exact = div(sum((s for _, s in charged), Decimal(0)), Decimal(len(charged)))
            mean = r2(mean_exact)
        if kind == "leader_in_charge":
            terms = [("Z", weights.zone, zone.value)]
            terms += [("M", weights.departments, mean)] if mean is not None else []
            terms += [("E", weights.evaluation or Decimal(0), e)] if e is not None else []
        elif main is not None:
            terms = [("Z", main.zone, zone.value)]
            terms += [("E", main.evaluation or Decimal(0), e)] if e is not None else []
        if len(terms) > 1:
            blended = exact_mean([(w, x) for _, w, x in terms])
            weighted = r2(blended) if blended is not None else zone.value
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
                "evaluation_score": e,
                "blend": tuple(terms) if blended is not None else (),
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
            "evaluation_score",
            "blend",
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
