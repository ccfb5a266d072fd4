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
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi.engine import service
from kpi.engine.lookup import published_row, records
from kpi.engine.steps import Cite, Item, fact, formulas, num, show, total
from kpi.engine.tables import PointsLedger
from kpi.i18n import N_, _
from kpi.numbers import ZERO, at_least_cents, clamp, r2
from kpi.rules.schema import Rules

if TYPE_CHECKING:
    from kpi.engine.results import Results

F = formulas(__name__, "6.1")
CODE_SUM = F("Σ code", "")  # a code without max_per_period counts its events' sum
CODE_CLAMPED = F("Σ code capped", "clamp(Σ, −max_per_period, max_per_period)")
CODES_SUM = F(N_("Σ codes"), "")
NET = F("P", N_("r2(clamp(Σ codes, −deduct, add))"))

#: Events listed one by one in a derivation; the rest are counted.
MAX_LISTED_EVENTS = 200

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
    columns = PointsLedger.columns
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


# derivations ------------------------------------------------------------------------


def _event_facts(results: Results, target: str, cite: Cite) -> list[Item]:
    """Each typed 点数 event of ``target`` (a blank 点数 takes the code's default), then the
    events its service requests made."""
    catalogue = results.rules.points.events
    events = results.inputs.points
    mine = sorted(records(events, "target", target), key=lambda e: e["row"])
    items: list[Item] = []
    for shown, event in enumerate(mine):
        if shown == MAX_LISTED_EVENTS:
            items.append(fact(_("… and {n} more events (see 点数明细)", n=len(mine) - MAX_LISTED_EVENTS)))
            break
        value = event["points"]
        shown_value = (
            show(value)
            if value is not None
            else _("{points} (blank → default)", points=show(catalogue[event["code"]].points))
        )
        params = {"date": event["date"], "code": event["code"], "name": catalogue[event["code"]].name}
        if event["reason"]:
            text = _(
                "{date} {code} {name}: {value} — {reason}",
                value=shown_value,
                reason=event["reason"],
                **params,
            )
        else:
            text = _("{date} {code} {name}: {value}", value=shown_value, **params)
        items.append(
            fact(
                text,
                cite.row("points", int(event["row"])),
                "" if value is not None else cite.rule("points", "events", event["code"], "points"),
            )
        )
    for shown, item in enumerate(service.event_facts(results, target, cite)):  # method §6.0 events
        if shown == MAX_LISTED_EVENTS:
            items.append(fact(_("… and more events from 企业诉求 (see 诉求明细)")))
            break
        items.append(item)
    return items


def steps(results: Results, target: str, cite: Cite, *, person: bool) -> list[Item]:
    """The events of ``target``, each code's sum (capped by max_per_period), and the net points P."""
    rules = results.rules
    items = _event_facts(results, target, cite)
    derived = service.derived_counts(results, target)
    ledger = records(results.points_ledger, "target", target)
    for row in ledger:
        cap = row["code_cap"]
        note = service.events_note(row["events"], derived.get(row["code"], 0))
        if cap is None:
            items.append(
                CODE_SUM.step(
                    row["counted"], label=f"{row['code']} Σ", expression=num(row["raw_total"]), note=note
                )
            )
        else:
            items.append(
                CODE_CLAMPED.step(
                    row["counted"],
                    label=f"{row['code']} Σ",
                    expression=f"clamp({num(row['raw_total'])}, {num(-cap)}, {num(cap)})",
                    note=note,
                    sources=[cite.rule("points", "events", row["code"], "max_per_period")],
                )
            )
    frame = results.person_points if person else results.department_points
    net = published_row(frame, "target", target)
    cap_key = "person_cap" if person else "department_cap"
    cap = getattr(rules.points, cap_key)
    items.append(CODES_SUM.step(net["sum"], expression=total([row["counted"] for row in ledger])))
    items.append(
        NET.step(
            net["points"],
            expression=f"r2(clamp({num(net['sum'])}, {num(-cap.deduct)}, {num(cap.add)}))",
            exact=net["clamped"],
            sources=[cite.rule("points", cap_key)],
        )
    )
    return items
