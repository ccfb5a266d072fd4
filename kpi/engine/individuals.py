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
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.engine import veto
from kpi.engine.lookup import published_row
from kpi.engine.steps import Cite, Item, fact, formulas, num, show, weighted_mean_expression
from kpi.engine.tables import IndividualScores
from kpi.engine.veto import Causes, capped
from kpi.errors import ComputeError, Location, Problem
from kpi.i18n import N_, KeyPath, _
from kpi.numbers import exact_mean, r2
from kpi.rules.schema import Rules

if TYPE_CHECKING:
    from kpi.engine.results import Results

F = formulas(__name__, "6.6")
PERSONAL = F("Q", "r2(base_score + P)")
DEPARTMENT = F("D", "")  # the final score of the person's department (method §6.4)
WEIGHTED = F("S", "r2((w_dep × D + w_per × Q) / (w_dep + w_per))")
WEIGHTED_WITH_EVALUATION = F(
    "S with E", "r2((w_dep × D + w_per × Q + w_eval × E) / (w_dep + w_per + w_eval))"
)


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
                    _(
                        "{id} has no score: the weights of {weights} give the department and "
                        "personal scores weight 0, and the person has no evaluation score (测评) to weigh",
                        id=pid,
                        weights=KeyPath(_source(role, by_role)),
                    ),
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
    return pd.DataFrame.from_records(rows, columns=IndividualScores.columns)


def _source(role: str, by_role: Container[str]) -> str:
    """The rules key the member's weights come from."""
    return f"individual.by_role.{role}" if role in by_role else "individual.weights"


# derivations ------------------------------------------------------------------------


def row_of(results: Results, pid: str) -> dict[str, Any]:
    """The published row of individual ``pid``."""
    row = published_row(results.individuals, "id", pid)
    return row


def personal_steps(results: Results, pid: str, cite: Cite) -> list[Item]:
    """Q = r2(base_score + P)."""
    row = row_of(results, pid)
    return [
        PERSONAL.step(
            row["personal_score"],
            expression=f"r2({num(results.rules.base_score)} + {num(row['points'])})",
            sources=[cite.rule("base_score")],
        )
    ]


def department_steps(results: Results, pid: str, cite: Cite) -> list[Item]:
    """The department's final D, as published on 部门得分 (derived by its own explanation)."""
    row = row_of(results, pid)
    dept = published_row(results.departments, "department", row["department"])
    return [
        DEPARTMENT.step(
            row["department_score"],
            note=(
                _(
                    "{department}: weighted {weighted} + points {points}, vetoed and capped; "
                    "kpi explain --who {department} derives it",
                    department=row["department"],
                    weighted=show(dept["weighted"]),
                    points=show(dept["points"]),
                )
                if dept["vetoed"]
                else _(
                    "{department}: weighted {weighted} + points {points}; "
                    "kpi explain --who {department} derives it",
                    department=row["department"],
                    weighted=show(dept["weighted"]),
                    points=show(dept["points"]),
                )
            ),
        )
    ]


def score_steps(results: Results, pid: str, cite: Cite) -> list[Item]:
    """S over D, Q and (when the member has one) E, with the weights of its role."""
    row = row_of(results, pid)
    pairs = [(row["w_department"], row["department_score"]), (row["w_personal"], row["personal_score"])]
    items: list[Item] = []
    formula = WEIGHTED
    if row["evaluation_score"] is not None:
        pairs.append((row["w_evaluation"], row["evaluation_score"]))
        formula = WEIGHTED_WITH_EVALUATION
    elif results.rules.evaluation is not None:
        items.append(fact(_("no evaluation score: the weights are normalised over D and Q")))
    items.append(
        formula.step(
            row["weighted"],
            label="S",
            expression=weighted_mean_expression(pairs),
            exact=row["weighted_exact"],
            sources=[cite.rule(*row["weights_from"].split("."))],
        )
    )
    return items


def veto_steps(results: Results, pid: str, cite: Cite) -> list[Item] | None:
    """The veto cap applies to S; None when the member is not vetoed."""
    row = row_of(results, pid)
    return veto.steps(results.rules, row, row["weighted"], N_("S vetoed"), cite)
