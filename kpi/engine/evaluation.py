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
  dropped (``trimmed``) or counted (``kept``), for ``explain``. Only
  ``explain`` reads it, so it is built on first use, from the sort order
  kept aside (half a million ballots need not be copied to be scored);
* ``detail``: one row per (target, group) that has rows — the 测评明细 sheet:
  count, trimmed, kept, the kept sum, the mean G (None when left out), the
  weight and whether the group counts;
* ``scores``: one row per target with a kept group: E exact and published.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

import numpy as np
import pandas as pd

from kpi.engine.lookup import first, records
from kpi.engine.steps import Cite, Item, Sheets, fact, formulas, num, show, total, weighted_mean_expression
from kpi.i18n import N_, _
from kpi.numbers import EXACT
from kpi.rules.schema import Rules

F = formulas(__name__, "6.6")
GROUP_MEAN = F("G", N_("r2(Σ kept / kept)"))
SCORE = F("E", N_("r2(Σ w G / Σ w) over the groups kept"))

#: Scores listed per group in a derivation; a bigger group is summarised by its kept sum.
MAX_LISTED_SCORES = 40
#: 测评 rows cited per group.
MAX_CITED_ROWS = 10

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
    """Every evaluation row, group and target score of one period (see the module doc).

    ``rows`` is built on first access by ``make_rows`` when one is given.
    """

    detail: pd.DataFrame = field(default_factory=lambda: _empty(DETAIL_COLUMNS))
    scores: pd.DataFrame = field(default_factory=lambda: _empty(SCORE_COLUMNS))
    make_rows: Callable[[], pd.DataFrame] | None = field(default=None, repr=False, compare=False)
    _rows: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def rows(self) -> pd.DataFrame:
        """Every 测评 row in the sorted order, with its value, position and fate (for ``explain``)."""
        if self._rows is None:
            self._rows = self.make_rows() if self.make_rows is not None else _empty(ROW_COLUMNS)
            self.make_rows = None
        return self._rows

    def score_of(self) -> dict[str, Decimal]:
        """Target → E, for the targets whose evaluation exists."""
        return dict(zip(self.scores["target"], self.scores["evaluation_score"], strict=True))


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _half_up(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator rounded half up to a whole number, for numerator ≥ 0 and denominator > 0
    (object arrays of Python ints: exact at any size)."""
    quotient = numerator // denominator
    rest = numerator - quotient * denominator
    up = np.where(2 * rest >= denominator, 1, 0).astype(object)
    result: np.ndarray = quotient + up
    return result


def _decimals(integers: np.ndarray, places: int) -> list[Decimal]:
    """Integers → Decimals with ``places`` decimals, each distinct value built once.

    Means of a whole zone take a few thousand distinct values over a hundred thousand
    groups: the distinct values are found with one factorisation, not a Python loop.
    """
    if not len(integers):
        return []
    codes, uniques = pd.factorize(np.asarray(integers, dtype=object))
    made = np.empty(len(uniques), dtype=object)
    made[:] = [Decimal(int(u)).scaleb(-places) for u in uniques]
    decimals: list[Decimal] = made[codes].tolist()
    return decimals


def evaluation_scores(evaluations: pd.DataFrame, rules: Rules) -> Evaluations:
    """Trimmed group means G and evaluation scores E of every target (module doc)."""
    ev = rules.evaluation
    if ev is None or evaluations.empty:
        return Evaluations()
    groups = list(ev.groups)
    given = evaluations["score"].notna().to_numpy()
    values = evaluations["score"].to_numpy(dtype=object).copy()
    values[~given] = evaluations["vote"][~given].map(ev.votes or {}).to_numpy(dtype=object)
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=True)  # ascending scores
    scale = max(_places(u) for u in uniques)
    as_int = np.array([int(u.scaleb(scale)) for u in uniques], dtype=object)
    if scale <= _INT64_SCALE_LIMIT:
        as_int = as_int.astype(np.int64)
    targets, target_names = pd.factorize(evaluations["target"], sort=True)  # code point order
    group = evaluations["rater_group"].map({g: i for i, g in enumerate(groups)}).to_numpy(dtype=np.int64)
    sheet_row = evaluations["row"].to_numpy(dtype=np.int64)
    order = np.lexsort((sheet_row, codes, group, targets))

    # Groups are runs of the sorted rows; a row's position in its run decides its fate.
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

    value = as_int[codes[order]]
    sums = np.add.reduceat(np.where(kept, value, np.zeros(1, dtype=value.dtype)[0]), starts)
    kept_n = np.where(counted, size - 2 * ev.trim, 0)
    mean_cents = _half_up(  # G in cents: one exact division per kept group
        sums.astype(object)[counted] * 100, kept_n[counted].astype(object) * 10**scale
    )
    means = np.full(len(starts), None, dtype=object)
    means[counted] = _decimals(mean_cents, 2)
    group_of = g[starts]
    names = np.empty(len(groups), dtype=object)
    names[:] = groups
    weights = np.empty(len(groups), dtype=object)
    weights[:] = [ev.groups[name] for name in groups]
    detail = pd.DataFrame(
        {
            "target": pd.Series(target_names[t[starts]], dtype=object),
            "rater_group": pd.Series(names[group_of], dtype=object),
            "count": size.astype(np.int64),
            "trimmed": np.where(counted, 2 * ev.trim, 0).astype(np.int64),
            "kept": kept_n.astype(np.int64),
            "kept_sum": pd.Series(_decimals(sums.astype(object), scale), dtype=object),
            "mean": pd.Series(means, dtype=object),
            "weight": pd.Series(weights[group_of], dtype=object),
            "counted": counted,
        }
    )
    owners = t[starts][counted]
    scores = _target_scores(owners, target_names, group_of[counted], mean_cents, ev.groups)
    trimmed = counted[which] & ~kept

    def make_rows() -> pd.DataFrame:
        source = evaluations.iloc[order].reset_index(drop=True)
        return pd.DataFrame(
            {
                **{c: source[c] for c in ("target", "rater_group", "rater", "score", "vote")},
                "value": pd.Series(values[order], dtype=object),
                "row": source["row"],
                "position": position.astype(np.int64),
                "trimmed": trimmed,
                "kept": kept,
            }
        )

    return Evaluations(detail=detail, scores=scores, make_rows=make_rows)


def _target_scores(
    owners: np.ndarray,
    target_names: pd.Index,
    groups: np.ndarray,
    mean_cents: np.ndarray,
    weights: dict[str, Decimal],
) -> pd.DataFrame:
    """E per target from its kept groups (``owners`` sorted, one entry per kept group):
    Σ w G / Σ w with the weights scaled to integers, one exact division per target."""
    if not len(owners):
        return _empty(SCORE_COLUMNS)
    w_scale = max(_places(w) for w in weights.values())
    by_group = np.empty(len(weights), dtype=object)  # each group's weight as a scaled integer
    by_group[:] = [int(w.scaleb(w_scale)) for w in weights.values()]
    w = by_group[groups]
    bounds = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    num = np.add.reduceat(w * mean_cents, bounds)
    den = np.add.reduceat(w, bounds)
    divide = EXACT.divide
    exact = [divide(Decimal(a), Decimal(b * 100)) for a, b in zip(num.tolist(), den.tolist(), strict=True)]
    return pd.DataFrame(
        {
            "target": pd.Series(target_names[owners[bounds]], dtype=object),
            "evaluation_exact": pd.Series(exact, dtype=object),
            "evaluation_score": pd.Series(_decimals(_half_up(num, den), 2), dtype=object),
        }
    )


# derivations ------------------------------------------------------------------------


def _ballot(row: dict[Any, Any]) -> str:
    """A score as given: ``85`` or ``85 (称职)`` for a vote."""
    value = row["value"]
    return show(value) if isinstance(row["score"], Decimal) else f"{show(value)} ({row['vote']})"


class Evaluated(Protocol):
    """What the steps read: a period's results, or the year of the annual appraisal
    (whose year-end 测评 is scored by this module too)."""

    @property
    def rules(self) -> Rules: ...

    @property
    def evaluations(self) -> Evaluations: ...

    @property
    def inputs(self) -> Sheets: ...


def steps(results: Evaluated, target: str, cite: Cite) -> list[Item] | None:
    """Every rater group of ``target`` (its scores, those trimmed, G), then E;
    None when the rules have no evaluations."""
    evaluation = results.rules.evaluation
    if evaluation is None:
        return None
    published = results.evaluations
    groups = records(published.detail, "target", target)
    if not groups:
        return [
            fact(
                _(
                    "no {sheet} rows: the evaluation score is absent",
                    sheet=results.inputs.sheet_name("evaluations"),
                )
            )
        ]
    items: list[Item] = []
    ballots = records(published.rows, "target", target)
    trim = evaluation.trim
    for group in groups:
        name = group["rater_group"]
        mine = [b for b in ballots if b["rater_group"] == name]
        rows = [cite.row("evaluations", int(b["row"])) for b in mine[:MAX_CITED_ROWS]]
        if len(mine) > MAX_CITED_ROWS:
            rows.append(_("… {n} more rows", n=len(mine) - MAX_CITED_ROWS))
        listed: str = ", ".join(_ballot(b) for b in mine[:MAX_LISTED_SCORES])
        if len(mine) > MAX_LISTED_SCORES:
            listed = _("{listed}, … ({n} in all)", listed=listed, n=len(mine))
        used_votes = dict.fromkeys(str(b["vote"]) for b in mine if isinstance(b["vote"], str))
        votes = [cite.rule("evaluation", "votes", v) for v in used_votes]
        if not group["counted"]:
            items.append(
                fact(
                    _(
                        "{group}: {n} score(s) {listed}; fewer than min_raters {min_raters}: left out",
                        group=name,
                        n=len(mine),
                        listed=listed,
                        min_raters=evaluation.min_raters,
                    ),
                    *rows,
                    cite.rule("evaluation", "min_raters"),
                )
            )
            continue
        dropped = [_ballot(b) for b in mine if b["trimmed"]]
        sorted_scores = (
            _(
                "{group}: {n} scores sorted {listed}; trim {trim} drops the lowest {trim} and the highest "
                "{trim}: {dropped}",
                group=name,
                n=len(mine),
                listed=listed,
                trim=trim,
                dropped=", ".join(dropped),
            )
            if trim
            else _("{group}: {n} scores sorted {listed}", group=name, n=len(mine), listed=listed)
        )
        items.append(fact(sorted_scores, *rows, *votes))
        kept = [b["value"] for b in mine if b["kept"]]
        summed = total(kept) if len(mine) <= MAX_LISTED_SCORES else num(group["kept_sum"])
        items.append(
            GROUP_MEAN.step(
                group["mean"],
                label=f"G {name}",
                expression=f"r2(({summed}) / {group['kept']})",
                sources=[cite.rule("evaluation", "trim")] if trim else [],
            )
        )
    used = [g for g in groups if g["counted"]]
    score = first(published.scores, "target", target)
    if score is None:
        items.append(
            fact(
                _(
                    "no group reaches min_raters {min_raters}: the evaluation score is absent",
                    min_raters=evaluation.min_raters,
                ),
                cite.rule("evaluation", "min_raters"),
            )
        )
        return items
    items.append(
        SCORE.step(
            score["evaluation_score"],
            expression=weighted_mean_expression((g["weight"], g["mean"]) for g in used),
            exact=score["evaluation_exact"],
            sources=[cite.rule("evaluation", "groups")],
        )
    )
    return items
