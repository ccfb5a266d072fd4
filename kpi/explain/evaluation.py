"""The evaluation section of an explanation: each rater group's scores, the ones dropped, G and E.

Reads what :mod:`kpi.engine.evaluation` published — the 测评 rows in sorted
order with the ones dropped by ``trim`` marked, and one row per group with its
count, kept sum, mean and weight — and writes them as facts and checkable steps.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from kpi.engine.evaluation import Evaluations
from kpi.explain.model import Explanation, show
from kpi.explain.sources import Cite, num, total, weighted_mean_expression
from kpi.rules.schema import Rules

#: Scores listed per group; a bigger group is summarised by its kept sum.
MAX_LISTED_SCORES = 40
#: 测评 rows cited per group.
MAX_CITED_ROWS = 10


def _ballot(row: dict[Any, Any]) -> str:
    """A score as given: ``85`` or ``85 (称职)`` for a vote."""
    value = row["value"]
    return show(value) if isinstance(row["score"], Decimal) else f"{show(value)} ({row['vote']})"


class Evaluated(Protocol):
    """What the section reads: a quarter's results, or the year of the annual appraisal."""

    @property
    def rules(self) -> Rules: ...

    evaluations: Evaluations


def evaluation_section(ex: Explanation, results: Evaluated, cite: Cite, target: str) -> Decimal | None:
    """Every rater group of ``target``; returns E (None when absent or without evaluations)."""
    evaluation = results.rules.evaluation
    if evaluation is None:
        return None
    section = ex.section("测评 evaluation")
    published = results.evaluations
    groups = published.detail[published.detail["target"] == target]
    if groups.empty:
        section.fact(f"no {cite.sheet('evaluations')} rows: the evaluation score is absent")
        return None
    ballots = published.rows[published.rows["target"] == target]
    trim = evaluation.trim
    for group in groups.to_dict("records"):
        name = group["rater_group"]
        mine = ballots[ballots["rater_group"] == name].to_dict("records")
        rows = [cite.row("evaluations", int(b["row"])) for b in mine[:MAX_CITED_ROWS]]
        if len(mine) > MAX_CITED_ROWS:
            rows.append(f"… {len(mine) - MAX_CITED_ROWS} more rows")
        listed = ", ".join(_ballot(b) for b in mine[:MAX_LISTED_SCORES])
        if len(mine) > MAX_LISTED_SCORES:
            listed += f", … ({len(mine)} in all)"
        used_votes = dict.fromkeys(str(b["vote"]) for b in mine if isinstance(b["vote"], str))
        votes = [cite.rule("evaluation", "votes", v) for v in used_votes]
        if not group["counted"]:
            section.fact(
                f"{name}: {len(mine)} score(s) {listed}; fewer than min_raters {evaluation.min_raters}: "
                "left out",
                *rows,
                cite.rule("evaluation", "min_raters"),
            )
            continue
        dropped = [_ballot(b) for b in mine if b["trimmed"]]
        drops = (
            f"; trim {trim} drops the lowest {trim} and the highest {trim}: {', '.join(dropped)}"
            if trim
            else ""
        )
        section.fact(f"{name}: {len(mine)} scores sorted {listed}{drops}", *rows, *votes)
        kept = [b["value"] for b in mine if b["kept"]]
        summed = total(kept) if len(mine) <= MAX_LISTED_SCORES else num(group["kept_sum"])
        section.step(
            f"G {name}",
            group["mean"],
            formula="r2(Σ kept / kept)",
            expression=f"r2(({summed}) / {group['kept']})",
            sources=[cite.rule("evaluation", "trim")] if trim else [],
        )
    used = groups[groups["counted"].astype(bool)]
    scores = published.scores[published.scores["target"] == target]
    if scores.empty:
        section.fact(
            f"no group reaches min_raters {evaluation.min_raters}: the evaluation score is absent",
            cite.rule("evaluation", "min_raters"),
        )
        return None
    score = scores.iloc[0]
    section.step(
        "E",
        score["evaluation_score"],
        formula="r2(Σ w G / Σ w) over the groups kept",
        expression=weighted_mean_expression(zip(used["weight"], used["mean"], strict=True)),
        exact=score["evaluation_exact"],
        sources=[cite.rule("evaluation", "groups")],
    )
    value: Decimal = score["evaluation_score"]
    return value
