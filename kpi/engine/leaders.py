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
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.engine import veto
from kpi.engine.lookup import published_row
from kpi.engine.steps import Cite, Item, fact, formulas, num, show, weighted_mean_expression
from kpi.engine.tables import LeaderScores
from kpi.engine.veto import Causes, capped
from kpi.i18n import N_, Msg, _
from kpi.numbers import Exact, div, exact_mean, r2
from kpi.rules.schema import Rules

if TYPE_CHECKING:
    from kpi.engine.results import Results

F = formulas(__name__, "6.5")
MEAN = F("M", N_("r2(mean D)"))
WEIGHTED = F(N_("L weighted"), "")  # r2((α Z + β M + γ E) / (α + β + γ)) over the terms blended
WITH_POINTS = F("L", N_("L weighted + P"))

#: The weight symbols of each kind of leader's blend.
SYMBOLS = {
    "leader_in_charge": {"Z": "α", "M": "β", "E": "γ"},
    "main_leader": {"Z": "a", "E": "e"},
}


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
            mean_exact = div(sum((s for __, s in charged), Decimal(0)), Decimal(len(charged)))
            mean = r2(mean_exact)
        if kind == "leader_in_charge":
            terms = [("Z", weights.zone, zone.value)]
            terms += [("M", weights.departments, mean)] if mean is not None else []
            terms += [("E", weights.evaluation or Decimal(0), e)] if e is not None else []
        elif main is not None:
            terms = [("Z", main.zone, zone.value)]
            terms += [("E", main.evaluation or Decimal(0), e)] if e is not None else []
        if len(terms) > 1:
            blended = exact_mean([(w, x) for __, w, x in terms])
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
                "departments": tuple(d for d, __ in charged),
                "department_scores": tuple(s for __, s in charged),
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
    return pd.DataFrame.from_records(rows, columns=LeaderScores.columns)


# derivations ------------------------------------------------------------------------


def row_of(results: Results, pid: str) -> dict[str, Any]:
    """The published row of leader ``pid``."""
    row = published_row(results.leaders, "id", pid)
    return row


def _follows_zone(results: Results, row: dict[str, Any]) -> Msg:
    """Why a leader's L is the zone score alone."""
    if results.rules.evaluation is None:
        return _("main leader, or in charge of no department: L follows the zone score")
    if row["kind"] == "main_leader" and results.rules.weighting.main_leader is None:
        return _("main leader and no weighting.main_leader: L follows the zone score")
    if row["evaluation_score"] is None and not row["departments"]:
        return _("no departments in charge and no evaluation score: L follows the zone score")
    return _("the components used weigh 0 together: L follows the zone score")


def score_steps(results: Results, pid: str, cite: Cite) -> list[Item]:
    """The departments in charge and their mean M, the blend with Z (and E), then + P."""
    row = row_of(results, pid)
    items: list[Item] = []
    if row["departments"]:
        for dept, score in zip(row["departments"], row["department_scores"], strict=True):
            published = published_row(results.departments, "department", dept)
            source = cite.row("departments", int(published["row"]))
            items.append(
                fact(_("in charge of {department}: D = {score}", department=dept, score=show(score)), source)
            )
        items.append(
            MEAN.step(
                row["departments_mean"],
                expression=f"r2(({' + '.join(num(s) for s in row['department_scores'])}) / "
                f"{len(row['departments'])})",
                exact=row["departments_mean_exact"],
            )
        )
    if row["blend"]:
        key = row["kind"]
        used = [SYMBOLS[key][label] for label, __, __ in row["blend"]]
        terms = " + ".join(f"{s} {label}" for s, (label, __, __) in zip(used, row["blend"], strict=True))
        items.append(
            WEIGHTED.step(
                row["weighted"],
                formula=f"r2(({terms}) / ({' + '.join(used)}))",
                expression=weighted_mean_expression([(w, x) for __, w, x in row["blend"]]),
                exact=row["weighted_exact"],
                sources=[cite.rule("weighting", key)],
            )
        )
    else:
        items.append(fact(_follows_zone(results, row)))
    items.append(
        WITH_POINTS.step(row["after_points"], expression=f"{num(row['weighted'])} + {num(row['points'])}")
    )
    return items


def veto_steps(results: Results, pid: str, cite: Cite) -> list[Item] | None:
    """The veto cap applies to L after points; None when the leader is not vetoed."""
    row = row_of(results, pid)
    return veto.steps(results.rules, row, row["after_points"], N_("L vetoed"), cite)
