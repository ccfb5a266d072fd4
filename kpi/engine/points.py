"""点数 — instant add/deduct points (method §6.1, §9 "Points").

Events can number in the millions, so this module never loops over them in
Python. Every event's points (a Decimal, or the code's default when blank) are
mapped to an exact scaled integer — ``points × 10**scale`` with the scale the
most decimal places any value has — and grouped with pandas. Integer sums are
exact, so the per-code clamp and the target cap see the true totals; the net is
turned back into a Decimal only once per target.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from kpi.numbers import ZERO, at_least_cents, clamp, r2
from kpi.rules.schema import Rules

#: Beyond this many decimal places int64 could overflow on a million events;
#: Python ints (object dtype) are used instead, still exact.
_INT64_SCALE_LIMIT = 6


def _decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _scaled(values: pd.Series, scale: int) -> pd.Series:
    """Exact integer ``value × 10**scale`` per element, via a map over the distinct values."""
    factor = Decimal(10) ** scale
    mapping = {v: int(v * factor) for v in pd.unique(values)}
    mapped = values.map(mapping)
    return mapped.astype("int64") if scale <= _INT64_SCALE_LIMIT else mapped.astype(object)


def points_ledger(events: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """One row per (target, code): events, raw_total, code_cap, counted (method §7 点数明细).

    Rows are ordered by target then code (code point order) so the ledger is
    deterministic whatever the order of the input rows.
    """
    columns = ["target", "code", "name", "events", "raw_total", "code_cap", "counted"]
    if events.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    catalogue = rules.points.events
    defaults = events["code"].map({code: e.points for code, e in catalogue.items()})
    values = events["points"].where(events["points"].notna(), defaults)
    scale = max(_decimal_places(v) for v in pd.unique(values))
    scale = max(scale, *(_decimal_places(e.max_per_period or ZERO) for e in catalogue.values()))
    frame = pd.DataFrame(
        {"target": events["target"], "code": events["code"], "value": _scaled(values, scale)}
    )
    grouped = (
        frame.groupby(["target", "code"], sort=False)["value"]
        .agg(["size", "sum"])
        .reset_index()
        .sort_values(["target", "code"], kind="stable", ignore_index=True)
    )
    factor = Decimal(10) ** scale
    units = {c: int(e.max_per_period * factor) for c, e in catalogue.items() if e.max_per_period is not None}
    cap_units = grouped["code"].map(units)
    has_cap = cap_units.notna().to_numpy()
    limit = cap_units.fillna(0).to_numpy(dtype=grouped["sum"].to_numpy().dtype)
    sums = grouped["sum"].to_numpy()
    counted = np.where(has_cap, np.minimum(np.maximum(sums, -limit), limit), sums)
    # Few distinct totals occur, so each becomes a Decimal once.
    as_decimal = {
        int(u): at_least_cents(Decimal(int(u)) / factor) for u in pd.unique(np.concatenate([sums, counted]))
    }
    return pd.DataFrame(
        {
            "target": grouped["target"].astype(object),
            "code": grouped["code"].astype(object),
            "name": grouped["code"].map({c: e.name for c, e in catalogue.items()}).astype(object),
            "events": grouped["size"].astype(int),
            "raw_total": pd.Series(sums).map(as_decimal).astype(object),
            "code_cap": grouped["code"]
            .map({c: e.max_per_period for c, e in catalogue.items()})
            .astype(object),
            "counted": pd.Series(counted).map(as_decimal).astype(object),
        }
    )


def net_points(ledger: pd.DataFrame, targets: list[str], add: Decimal, deduct: Decimal) -> pd.DataFrame:
    """Net points of each target: Σ counted over codes, clamped to [−deduct, +add], r2.

    Returns one row per target in ``targets`` (0 for a target with no events)
    with the unclamped sum and the clamped value kept beside the net, so
    ``explain`` can show the sum, then the cap, as two steps.
    """
    mine = ledger[ledger["target"].isin(set(targets))]
    sums = mine.groupby("target", sort=False)["counted"].sum()
    total = [sums.get(t, ZERO) for t in targets]
    clamped = [clamp(s, -deduct, add) for s in total]
    net = [r2(c) for c in clamped]
    return pd.DataFrame({"target": targets, "sum": total, "clamped": clamped, "points": net})
