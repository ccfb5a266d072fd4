"""加权数 — the city's ranking of the zone (method §6.3, §9 "City weighting").

Rank scores q_k, the zone city score Z and each department's city score C_d.
Only the percentile method rounds q_k; table and linear values are used as is.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from kpi.engine.columns import objects
from kpi.engine.grouping import weighted_means
from kpi.errors import ComputeError, Problem
from kpi.io.inputs import Inputs
from kpi.numbers import Exact, div, exact_mean, r2
from kpi.rules.schema import (
    LinearRankScore,
    PercentileRankScore,
    Rules,
    TableRankScore,
)


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
            f"rank {rank} is not in weighting.rank_score.table and the table has no default",
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
