"""Quarter means and annual scores (method §10 "Computation"), and their steps for ``explain``.

* ``A = r2(Σ_q v_q S_q / Σ_q v_q)`` over the quarters a member appears in (v =
  ``annual.quarter_weights``, 1 each when absent);
* ``Y = r2((W_q A + W_e E_year) / (W_q + W_e))`` when the year-end evaluation
  gives the member a score E_year, else ``Y = A``;
* graded when it appears in at least ``min_quarters`` quarters; vetoed in the
  year (with ``veto_any_quarter``) when 否决 is 是 in any of its quarters.

Both means are exact fractions rounded once, when published; Y uses the
published A, as every later step of the method uses published values. The
``*_steps`` functions give one member's derivation from its published row.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.annual.members import Member
from kpi.engine.columns import records as frame_of
from kpi.engine.steps import Cite, Item, fact, formulas, weighted_mean_expression
from kpi.errors import ComputeError, Location
from kpi.i18n import KeyPath, _
from kpi.numbers import EXACT, ONE, r2_exact
from kpi.rules.schema import Annual

if TYPE_CHECKING:
    from kpi.rules.loader import RulesFile

F = formulas(__name__, "10")
QUARTER = F("S", "")  # a quarter's 综合得分, read from its results workbook
MEAN = F("A", "r2(Σ v S / Σ v)")
SCORE = F("Y", "r2((W_q × A + W_e × E) / (W_q + W_e))")

#: Columns of the scored frame, in order (``key`` is the 工号 or the department).
COLUMNS = (
    "key",
    "name",
    "department",
    "kind",
    "q1",
    "q2",
    "q3",
    "q4",
    "seen",
    "quarters",
    "weights",
    "mean_exact",
    "quarters_mean",
    "evaluation",
    "score_exact",
    "score",
    "vetoed_quarters",
    "vetoed",
    "graded",
)


def annual_scores(
    members: list[Member], annual: Annual, e_year: dict[str, Decimal], rules_file: RulesFile
) -> pd.DataFrame:
    """A, E_year and Y of every member, and whether it is graded and vetoed in the year."""
    weights: dict[str, Decimal] = {str(q): v for q, v in (annual.quarter_weights or {}).items()}
    w_q, w_e = annual.weights.quarters, annual.weights.evaluation
    made: list[dict[str, Any]] = []
    for m in members:
        used = [(s.label, weights.get(s.label, ONE), s.score) for s in m.seen]
        total = sum((Fraction(v) for __, v, ___ in used), Fraction(0))
        if total == 0:
            raise ComputeError.single(
                _(
                    "{member} appears only in {quarters}, whose {key} are all 0: its quarter mean "
                    "is undefined; give those quarters a weight",
                    member=m.key,
                    quarters=", ".join(q for q, __, ___ in used),
                    key=KeyPath("annual.quarter_weights"),
                ),
                Location(rules_file.path, line=rules_file.line_of("annual", "quarter_weights")),
            )
        mean_exact = sum((Fraction(v) * Fraction(s) for __, v, s in used), Fraction(0)) / total
        mean = r2_exact(mean_exact)
        evaluation = e_year.get(m.key)
        score_exact = Fraction(mean)
        if evaluation is not None:
            weighted = Fraction(w_q) * Fraction(mean) + Fraction(w_e) * Fraction(evaluation)
            score_exact = weighted / Fraction(w_q + w_e)
        vetoed_in = [s.label for s in m.seen if s.vetoed]
        by_quarter = {s.quarter: s.score for s in m.seen}
        made.append(
            {
                "key": m.key,
                "name": m.name,
                "department": m.department,
                "kind": m.kind,
                **{f"q{n}": by_quarter.get(n) for n in range(1, 5)},
                "seen": m.seen,
                "quarters": len(m.seen),
                "weights": tuple((q, v) for q, v, __ in used),
                "mean_exact": mean_exact,
                "quarters_mean": mean,
                "evaluation": evaluation,
                "score_exact": score_exact,
                "score": r2_exact(score_exact),
                "vetoed_quarters": ",".join(vetoed_in) or None,
                "vetoed": bool(vetoed_in) and annual.veto_any_quarter,
                "graded": len(m.seen) >= annual.min_quarters,
            }
        )
    return frame_of(made, COLUMNS).astype({"vetoed": bool, "graded": bool})


# derivations ---------------------------------------------------------------------------------

_POPULATION = {"individuals": "个人得分", "leaders": "领导得分", "departments": "部门得分"}


def decimal_of(value: Fraction) -> Decimal:
    """An exact fraction as a decimal for reading (60 significant digits)."""
    return EXACT.divide(Decimal(value.numerator), Decimal(value.denominator))


def quarter_steps(row: dict[str, Any], annual: Annual, cite: Cite) -> list[Item]:
    """Each quarter's published 综合得分 (with its sheet and row), then the quarter mean A."""
    items: list[Item] = []
    for seen in row["seen"]:
        sheet = _POPULATION[seen.population]
        note = _("{sheet}, vetoed", sheet=sheet) if seen.vetoed else sheet
        items.append(QUARTER.step(seen.score, label=f"S {seen.label}", note=note, sources=[seen.source]))
    weights = annual.quarter_weights
    pairs = [(w, s.score) for (__, w), s in zip(row["weights"], row["seen"], strict=True)]
    items.append(
        MEAN.step(
            row["quarters_mean"],
            expression=weighted_mean_expression(pairs),
            exact=decimal_of(row["mean_exact"]),
            note=_("over the {n} quarter(s) it appears in", n=row["quarters"])
            if weights
            else _(
                "over the {n} quarter(s) it appears in; no {key}: v = 1 each",
                n=row["quarters"],
                key=KeyPath("annual.quarter_weights"),
            ),
            sources=[cite.rule("annual", "quarter_weights")] if weights else [],
        )
    )
    return items


def score_steps(row: dict[str, Any], annual: Annual, cite: Cite) -> list[Item]:
    """The annual score Y from A and E_year (Y = A without a year-end evaluation score)."""
    if row["evaluation"] is None:
        return [SCORE.step(row["score"], formula="A", note=_("no year-end evaluation score: Y = A"))]
    w = annual.weights
    return [
        SCORE.step(
            row["score"],
            expression=weighted_mean_expression(
                [(w.quarters, row["quarters_mean"]), (w.evaluation, row["evaluation"])]
            ),
            exact=decimal_of(row["score_exact"]),
            sources=[cite.rule("annual", "weights")],
        )
    ]


def veto_steps(row: dict[str, Any], annual: Annual, cite: Cite) -> list[Item] | None:
    """The quarters with 否决 是 and whether they veto the year; None when none is vetoed."""
    vetoed = [s for s in row["seen"] if s.vetoed]
    if not vetoed:
        return None
    items: list[Item] = [fact(_("{quarter}: 否决 是", quarter=s.label), s.source) for s in vetoed]
    if annual.veto_any_quarter:
        items.append(
            fact(
                _(
                    "vetoed in the year: grade at most {grade}, never a quota place",
                    grade=annual.veto_max_grade,
                ),
                cite.rule("annual", "veto_any_quarter"),
                cite.rule("annual", "veto_max_grade"),
            )
        )
    else:
        items.append(
            fact(
                _(
                    "{key} is false: the year itself is not vetoed",
                    key=KeyPath("annual.veto_any_quarter"),
                ),
                cite.rule("annual", "veto_any_quarter"),
            )
        )
    return items
