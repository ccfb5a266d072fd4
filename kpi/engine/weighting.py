"""加权数 — the city's ranking of the zone (method §6.3, §9 "City weighting").

Rank scores q_k, the zone city score Z and each department's city score C_d.
Only the percentile method rounds q_k; table and linear values are used as is.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from kpi.engine.columns import objects
from kpi.engine.grouping import weighted_means
from kpi.engine.lookup import published_row, records
from kpi.engine.steps import Cite, Item, fact, formulas, num, show, weighted_mean_expression
from kpi.errors import ComputeError, Problem
from kpi.i18n import KeyPath, Msg, _
from kpi.io.inputs import Inputs
from kpi.numbers import Exact, div, exact_mean, r2
from kpi.rules.schema import (
    LinearRankScore,
    PercentileRankScore,
    Rules,
    TableRankScore,
)

if TYPE_CHECKING:
    from kpi.engine.results import Results

F = formulas(__name__, "6.3")
RANK_SCORE = F(
    "q", ""
)  # table[R] | max(floor, top − (R − 1) × step) | r2(top − (R − 1)/(N − 1) × (top − bottom))
ZONE = F("Z", "r2(Σ w q / Σ w)")
CITY = F("C", "r2(Σ w a q / Σ w a)")


def rank_score_exact(rank: int, participants: int, rules: Rules) -> Decimal | None:
    """q before rounding (only percentile rounds); None when a table has no entry and no default."""
    method = rules.weighting.rank_score
    if isinstance(method, TableRankScore):
        return method.table.get(rank, method.default)
    if isinstance(method, LinearRankScore):
        return max(method.floor, method.top - (rank - 1) * method.step)
    assert isinstance(method, PercentileRankScore)
    spread = method.top - method.bottom
    return method.top - div(Decimal(rank - 1), Decimal(participants - 1)) * spread


def rank_score(rank: int, participants: int, rules: Rules) -> Decimal | None:
    """q for rank R of N: percentile values are r2-rounded, table and linear used as is."""
    exact = rank_score_exact(rank, participants, rules)
    if exact is None or not isinstance(rules.weighting.rank_score, PercentileRankScore):
        return exact
    return r2(exact)


def city_detail(inputs: Inputs, rules: Rules) -> pd.DataFrame:
    """Every city-ranked indicator with its rank score q_k, in sheet order by name."""
    rankings = inputs.city_rankings.sort_values("indicator", kind="stable", ignore_index=True)
    pairs = list(zip(rankings["rank"], rankings["participants"], strict=True))
    exact = [rank_score_exact(int(r), int(n), rules) for r, n in pairs]
    scores = [rank_score(int(r), int(n), rules) for r, n in pairs]
    missing = [
        Problem(
            inputs.location("city_rankings", int(row), "rank"),
            _(
                "rank {rank} is not in {table} and the table has no default",
                rank=rank,
                table=KeyPath("weighting.rank_score.table"),
            ),
        )
        for row, rank, q in zip(rankings["row"], rankings["rank"], scores, strict=True)
        if q is None
    ]
    if missing:
        raise ComputeError(missing)
    return rankings.assign(
        rank_score_exact=objects(exact, rankings.index), rank_score=objects(scores, rankings.index)
    )


def zone_score(city: pd.DataFrame) -> Exact:
    """Z = r2(Σ w_k q_k / Σ w_k) over all city indicators (the reader ensures at least one)."""
    mean = exact_mean(list(zip(city["weight"], city["rank_score"], strict=True)))
    assert mean is not None, "市级排名 weights are > 0 and the sheet is not empty"
    return Exact(mean)


def department_city_scores(city: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """C_d = r2(Σ w_k a_dk q_k / Σ w_k a_dk) per department with shares.

    Returns one row per (department, indicator) share with the weight w·a it
    contributes, so explain can list the terms; scores come from
    :func:`city_scores_by_department`.
    """
    joined = shares.merge(city[["indicator", "weight", "rank_score"]], on="indicator", how="inner")
    joined["share_weight"] = [w * a for w, a in zip(joined["weight"], joined["share"], strict=True)]
    return joined.sort_values(["department", "indicator"], kind="stable", ignore_index=True)


def city_scores_by_department(terms: pd.DataFrame) -> dict[str, Exact]:
    """C_d per department with shares (absent otherwise)."""
    return weighted_means(terms, "share_weight", "rank_score")


# derivations ------------------------------------------------------------------------


def rank_note(rules: Rules, rank: int, participants: int) -> Msg:
    """How q was read off the rank: the method, and a table's default when it applied."""
    method = rules.weighting.rank_score
    if isinstance(method, TableRankScore) and rank not in method.table:
        return _(
            "rank {rank} of {participants}, {method}: rank {rank} not in the table, default {default}",
            rank=rank,
            participants=participants,
            method=method.method,
            default=show(method.default),
        )
    return _(
        "rank {rank} of {participants}, {method}", rank=rank, participants=participants, method=method.method
    )


def rank_expression(rules: Rules, rank: int, participants: int) -> str:
    """q as arithmetic for the linear and percentile methods ('' for a table look-up)."""
    method = rules.weighting.rank_score
    if isinstance(method, LinearRankScore):
        return f"max({num(method.floor)}, {num(method.top)} − ({rank} − 1) × {num(method.step)})"
    if isinstance(method, PercentileRankScore):
        return (
            f"r2({num(method.top)} − ({rank} − 1) / ({participants} − 1) × "
            f"({num(method.top)} − {num(method.bottom)}))"
        )
    return ""


def zone_steps(results: Results, cite: Cite) -> list[Item]:
    """q of every city-ranked indicator, then the zone score Z."""
    rules, city = results.rules, results.city_detail
    items: list[Item] = []
    for q in city.to_dict("records"):
        rank, participants = int(q["rank"]), int(q["participants"])
        items.append(
            RANK_SCORE.step(
                q["rank_score"],
                label=f"q {q['indicator']}",
                exact=q["rank_score_exact"],
                expression=rank_expression(rules, rank, participants),
                note=rank_note(rules, rank, participants),
                sources=[cite.row("city_rankings", int(q["row"])), cite.rule("weighting", "rank_score")],
            )
        )
    items.append(
        ZONE.step(
            results.zone_score,
            expression=weighted_mean_expression(zip(city["weight"], city["rank_score"], strict=True)),
            exact=results.zone_exact,
        )
    )
    return items


def city_steps(results: Results, department: str, cite: Cite) -> list[Item]:
    """The city indicators ``department`` has a share of (q, w × a), then its city score C."""
    terms = records(results.city_terms, "department", department)
    items: list[Item] = []
    for term in terms:
        q = published_row(results.city_detail, "indicator", term["indicator"])
        items.append(
            fact(
                _(
                    "{indicator}: {rank}, q = {q}, weight {weight} × share {share} = {product}",
                    indicator=term["indicator"],
                    rank=rank_note(results.rules, int(q["rank"]), int(q["participants"])),
                    q=show(q["rank_score"]),
                    weight=show(term["weight"]),
                    share=show(term["share"]),
                    product=show(term["share_weight"]),
                ),
                cite.row("city_rankings", int(q["row"])),
                cite.row("city_shares", int(term["row"])),
                cite.rule("weighting", "rank_score"),
            )
        )
    published = published_row(results.departments, "department", department)
    if published["city_score"] is None:
        items.append(fact(_("no city shares: the city component is absent")))
    else:
        items.append(
            CITY.step(
                published["city_score"],
                expression=weighted_mean_expression((t["share_weight"], t["rank_score"]) for t in terms),
                exact=published["city_exact"],
            )
        )
    return items
