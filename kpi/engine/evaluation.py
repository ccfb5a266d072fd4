"""Evaluation scores E (民主测评, 共建共评): trimmed means per rater group, then a weighted mean.

For target t and rater group g with n ≥ ``min_raters`` scores: sort them, drop
the ``trim`` lowest and ``trim`` highest, ``G = r2(mean of the rest)``; a group
with fewer scores is left out. ``E = r2(Σ w_g G / Σ w_g)`` over the groups
kept, absent when none is. A vote counts as the score ``evaluation.votes``
gives it.

A zone's evaluation can hold hundreds of thousands of ballots, so nothing here
loops over rows in Python. Every score becomes an exact scaled integer
(``score × 10**scale``, scale = the most decimal places any score has), the
rows are sorted once by (target, group rank, score, sheet row) with numpy, and
each row's position in its group comes from the group's first row: the rows
at positions < trim or ≥ n − trim are the ones dropped. Sums per group are
integer sums (exact); the only divisions, one per group and one per target,
are integer divisions rounded half up to whole cents. Decimals are built once
per group, never per row.

What is published:

* ``rows``: every 测评 row in that sorted order, with its score (a vote
  turned into its score), its position in the group and whether it was
  dropped (``trimmed``) or counted (``kept``), for ``explain``;
* ``detail``: one row per (target, group) that has rows — the 测评明细 sheet:
  count, trimmed, kept, the kept sum, the mean G (None when left out), the
  weight and whether the group counts;
* ``scores``: one row per target with a kept group: E exact and published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from kpi.numbers import EXACT
from kpi.rules.schema import Rules

#: Beyond this many decimal places an int64 sum of a million scores could overflow;
#: Python ints (object arrays) are used instead, still exact.
_INT64_SCALE_LIMIT = 6

ROW_COLUMNS = (
    "target",
    "rater_group",
    "rater",
    "score",
    "vote",
    "value",
    "row",
    "position",
    "trimmed",
    "kept",
)
DETAIL_COLUMNS = (
    "target",
    "rater_group",
    "count",
    "trimmed",
    "kept",
    "kept_sum",
    "mean",
    "weight",
    "counted",
)
SCORE_COLUMNS = ("target", "evaluation_exact", "evaluation_score")


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


@dataclass
class Evaluations:
    """Every evaluation row, group and target score of one period (see the module doc)."""

    rows: pd.DataFrame = field(default_factory=lambda: _empty(ROW_COLUMNS))
    detail: pd.DataFrame = field(default_factory=lambda: _empty(DETAIL_COLUMNS))
    scores: pd.DataFrame = field(default_factory=lambda: _empty(SCORE_COLUMNS))

    def score_of(self) -> dict[str, Decimal]:
        """Target → E, for the targets whose evaluation exists."""
        return dict(zip(self.scores["target"], self.scores["evaluation_score"], strict=True))


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _half_up(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """round(numerator / denominator) half up, for numerator ≥ 0 and denominator > 0
    (object arrays of Python ints: exact at any size)."""
    quotient = numerator // denominator
    rest = numerator - quotient * denominator
    up = np.where(2 * rest >= denominator, 1, 0).astype(object)
    result: np.ndarray = quotient + up
    return result


def _decimals(integers: np.ndarray, places: int) -> list[Decimal]:
    """Integers → Decimals with ``places`` decimals, each distinct value built once."""
    made: dict[int, Decimal] = {}
    out = []
    for value in integers:
        key = int(value)
        decimal = made.get(key)
        if decimal is None:
            decimal = made[key] = Decimal(key).scaleb(-places)
        out.append(decimal)
    return out


def evaluation_scores(evaluations: pd.DataFrame, rules: Rules) -> Evaluations:
    """Trimmed group means G and evaluation scores E of every target (module doc)."""
    ev = rules.evaluation
    if ev is None or evaluations.empty:
        return Evaluations()
    groups = list(ev.groups)
    votes = ev.votes or {}
    given = evaluations["score"].notna().to_numpy()
    values = evaluations["score"].to_numpy(dtype=object).copy()
    values[~given] = evaluations["vote"][~given].map(votes).to_numpy(dtype=object)
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=True)  # ascending scores
    scale = max(_places(u) for u in uniques)
    factor = Decimal(10) ** scale
    as_int = np.array([int(u * factor) for u in uniques], dtype=object)
    if scale <= _INT64_SCALE_LIMIT:
        as_int = as_int.astype(np.int64)

    targets, target_names = pd.factorize(evaluations["target"], sort=True)  # code point order
    rank = {g: i for i, g in enumerate(groups)}
    group = evaluations["rater_group"].map(rank).to_numpy(dtype=np.int64)
    sheet_row = evaluations["row"].to_numpy(dtype=np.int64)
    order = np.lexsort((sheet_row, codes, group, targets))

    t, g = targets[order], group[order]
    n = len(order)
    first = np.ones(n, dtype=bool)
    first[1:] = (t[1:] != t[:-1]) | (g[1:] != g[:-1])
    starts = np.flatnonzero(first)
    which = np.cumsum(first) - 1
    size = np.diff(np.append(starts, n))
    position = np.arange(n) - starts[which]
    counted = size >= ev.min_raters
    kept = counted[which] & (position >= ev.trim) & (position < size[which] - ev.trim)
    trimmed = counted[which] & ~kept

    value = as_int[codes[order]]
    zero = np.zeros(1, dtype=value.dtype)[0]
    sums = np.add.reduceat(np.where(kept, value, zero), starts)
    kept_n = np.where(counted, size - 2 * ev.trim, 0)

    # G in cents, one exact division per kept group.
    sums_obj = sums.astype(object)
    denominators = kept_n[counted].astype(object) * (10**scale)
    mean_cents = _half_up(sums_obj[counted] * 100, denominators)
    means: list[Decimal | None] = [None] * len(starts)
    for i, m in zip(np.flatnonzero(counted), _decimals(mean_cents, 2), strict=True):
        means[i] = m

    group_of = g[starts]
    weights = [ev.groups[groups[k]] for k in group_of]
    detail = pd.DataFrame(
        {
            "target": pd.Series(target_names[t[starts]], dtype=object),
            "rater_group": pd.Series([groups[k] for k in group_of], dtype=object),
            "count": size.astype(np.int64),
            "trimmed": np.where(counted, 2 * ev.trim, 0).astype(np.int64),
            "kept": kept_n.astype(np.int64),
            "kept_sum": pd.Series(_decimals(sums_obj, scale), dtype=object),
            "mean": pd.Series(means, dtype=object),
            "weight": pd.Series(weights, dtype=object),
            "counted": counted,
        }
    )

    # E in cents, one exact division per target: Σ w G / Σ w with w scaled to integers.
    w_scale = max(_places(w) for w in ev.groups.values())
    w_int = {k: int(ev.groups[name] * Decimal(10) ** w_scale) for k, name in enumerate(groups)}
    kept_groups = np.flatnonzero(counted)
    owner = t[starts][kept_groups]
    w = np.array([w_int[k] for k in group_of[kept_groups]], dtype=object)
    weighted = w * mean_cents
    bounds = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(owner) else np.array([], int)
    num = np.add.reduceat(weighted, bounds) if len(bounds) else weighted[:0]
    den = np.add.reduceat(w, bounds) if len(bounds) else w[:0]
    e_cents = _half_up(num, den) if len(bounds) else num
    exact = [EXACT.divide(Decimal(int(a)), Decimal(int(b) * 100)) for a, b in zip(num, den, strict=True)]
    result = pd.DataFrame(
        {
            "target": pd.Series(target_names[owner[bounds]] if len(bounds) else [], dtype=object),
            "evaluation_exact": pd.Series(exact, dtype=object),
            "evaluation_score": pd.Series(_decimals(e_cents, 2), dtype=object),
        }
    )

    source = evaluations.iloc[order].reset_index(drop=True)
    rows = pd.DataFrame(
        {
            "target": source["target"],
            "rater_group": source["rater_group"],
            "rater": source["rater"],
            "score": source["score"],
            "vote": source["vote"],
            "value": pd.Series(values[order], dtype=object),
            "row": source["row"],
            "position": position.astype(np.int64),
            "trimmed": trimmed,
            "kept": kept,
        }
    )
    return Evaluations(rows=rows, detail=detail, scores=result)
