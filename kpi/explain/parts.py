"""Sections shared by several kinds of member: points, vetoes, rank and grade, bonus.

Each function reads the published frames of :class:`~kpi.engine.results.Results`
(never re-running a formula) and writes the equations that lead to the number.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd

from kpi.engine.results import Results
from kpi.explain.model import Explanation, show
from kpi.explain.service import derived_counts, events_note, service_event_facts
from kpi.explain.sources import Cite, num, total

MAX_LISTED_EVENTS = 200


def points_section(ex: Explanation, results: Results, cite: Cite, target: str, person: bool) -> Decimal:
    """Every event of ``target``, the per-code sums and caps, and the net points P."""
    rules = results.rules
    section = ex.section("点数 points")
    events = results.inputs.points
    mine = events[events["target"] == target].sort_values("row", kind="stable")
    catalogue = rules.points.events
    for shown, event in enumerate(mine.to_dict("records")):
        if shown == MAX_LISTED_EVENTS:
            section.fact(f"… and {len(mine) - MAX_LISTED_EVENTS} more events (see 点数明细)")
            break
        value = event["points"]
        text = f"{event['date']} {event['code']} {catalogue[event['code']].name}: "
        text += (
            show(value)
            if value is not None
            else (f"{show(catalogue[event['code']].points)} (blank → default)")
        )
        if event["reason"]:
            text += f" — {event['reason']}"
        section.fact(
            text,
            cite.row("points", int(event["row"])),
            "" if value is not None else cite.rule("points", "events", event["code"], "points"),
        )
    for shown, fact in enumerate(service_event_facts(results, cite, target)):  # method §6.0 events
        if shown == MAX_LISTED_EVENTS:
            section.fact("… and more events from 企业诉求 (see 诉求明细)")
            break
        section.fact(*fact)
    derived = derived_counts(results, target)
    ledger = results.points_ledger[results.points_ledger["target"] == target]
    for row in ledger.to_dict("records"):
        cap = row["code_cap"]
        if cap is None:
            section.step(
                f"{row['code']} Σ",
                row["counted"],
                expression=num(row["raw_total"]),
                note=events_note(row["events"], derived.get(row["code"], 0)),
            )
        else:
            section.step(
                f"{row['code']} Σ",
                row["counted"],
                formula="clamp(Σ, −max_per_period, max_per_period)",
                expression=f"clamp({num(row['raw_total'])}, {num(-cap)}, {num(cap)})",
                note=events_note(row["events"], derived.get(row["code"], 0)),
                sources=[cite.rule("points", "events", row["code"], "max_per_period")],
            )
    frame = results.person_points if person else results.department_points
    net = frame[frame["target"] == target].iloc[0]
    cap_key = "person_cap" if person else "department_cap"
    cap = getattr(rules.points, cap_key)
    section.step("Σ codes", net["sum"], expression=total(list(ledger["counted"])))
    section.step(
        "P",
        net["points"],
        formula="r2(clamp(Σ codes, −deduct, add))",
        expression=f"r2(clamp({num(net['sum'])}, {num(-cap.deduct)}, {num(cap.add)}))",
        exact=net["clamped"],
        sources=[cite.rule("points", cap_key)],
    )
    return Decimal(net["points"])


def veto_section(
    ex: Explanation, results: Results, cite: Cite, row: dict[str, Any], before: Decimal, label: str
) -> None:
    """Who vetoed this member and how the cap applied (nothing when not vetoed)."""
    if not row["vetoed"]:
        return
    rules = results.rules
    section = ex.section("否决 veto")
    cascade_keys = {
        "department_head": "department_head",
        "leader_in_charge": "leader_in_charge",
        "members": "members",
    }
    for cause in row["veto_causes"]:
        sources = [cite.row("vetoes", cause.row)]
        if cause.via in cascade_keys:
            sources.append(cite.rule("veto", "cascade", cascade_keys[cause.via]))
        section.fact(cause.describe(), *sources)
    section.step(
        label,
        row["score"],
        formula="r2(min(score, score_cap))",
        expression=f"r2(min({num(before)}, {num(rules.veto.score_cap)}))",
        sources=[cite.rule("veto", "score_cap")],
    )
    section.fact(f"grade at most {rules.veto.max_grade}", cite.rule("veto", "max_grade"))


def grade_section(
    ex: Explanation, results: Results, cite: Cite, population: str, row: dict[str, Any]
) -> None:
    """Rank within the population, the band the score reached, the quota and the grade."""
    rules = results.rules
    frame = results.population(population)
    section = ex.section("排名与等次 rank and grade")
    section.step(
        "rank",
        int(row["rank"]),
        note=(f"of {len(frame)} {population}, by score descending then id (competition ranking)"),
    )
    bands = rules.grades.bands
    reached = next(i for i, b in enumerate(bands) if b.name == row["band"])
    band = bands[reached]
    section.fact(
        f"score {show(row['score'])} reaches band {band.name} (min {show(band.min)})",
        cite.rule("grades", "bands", reached, "min"),
    )
    graded = next(i for i, b in enumerate(bands) if b.name == row["grade"])
    tried = [] if row["vetoed"] else range(reached, graded + 1)
    for i in tried:
        b = bands[i]
        by_grade = results.quota_sources.get((b.name, str(row["quota_group"])))
        if population == "individuals" and by_grade is not None:
            quota, department_grade = by_grade
            section.fact(
                f"{row['quota_group']} is graded {department_grade}: the quota of {b.name} is {show(quota)}",
                cite.rule("grades", "bands", i, "quota_by_department_grade", department_grade),
            )
            key = "quota_by_department_grade"
        elif b.quota is None:
            continue
        else:
            quota, key = b.quota, "quota"
        n = int(row["quota_n"])
        places = results.quotas[population].get((b.name, str(row["quota_group"])), 0)
        group = f" in {row['quota_group']}" if row["quota_group"] else ""
        section.step(
            f"quota places of {b.name}{group}",
            places,
            formula=f"{rules.grades.quota_rounding}(n × quota)",
            expression=f"{rules.grades.quota_rounding}({n} × {num(quota)})",
            sources=[
                cite.rule("grades", "bands", i, key),
                cite.rule("grades", "quota_rounding"),
            ],
        )
    if row["grade_note"]:
        section.fact(str(row["grade_note"]))
    if row["quota_place"] is not None and not pd.isna(row["quota_place"]):
        section.fact(f"takes quota place {int(row['quota_place'])} of {row['grade']}")
    section.step("grade", row["grade"], note=f"factor {show(row['grade_factor'])}")


def bonus_section(ex: Explanation, results: Results, cite: Cite, member_id: str) -> None:
    """u, the pool share or fixed amount, the remainder yuan, the points reward and the total."""
    bonus = results.bonus
    rows = bonus[bonus["id"] == member_id]
    if rows.empty:
        return
    rules = results.rules
    row = rows.iloc[0].to_dict()
    section = ex.section("绩效奖金 bonus")
    mf: Fraction = row["months_factor_exact"]
    months = row["months"] if row["months"] is not None else results.period.months
    section.step(
        "months_factor",
        mf,
        expression=f"{num(months)}/{results.period.months}",
        note=f"shown as {show(row['months_factor'])}",
    )
    if row["forfeited"]:
        section.fact(
            "vetoed and veto.forfeit_bonus is true: bonus, reward and total are 0",
            cite.rule("veto", "forfeit_bonus"),
        )
        section.step("total", 0)
        return
    section.step(
        "u",
        row["u"],
        formula="bonus_base × post_coef × role_coef × grade_factor × months_factor",
        expression=" × ".join(
            num(v) for v in (row["bonus_base"], row["post_coef"], row["role_coef"], row["grade_factor"])
        )
        + f" × {show(mf)}",
        sources=[
            cite.rule("coefficients", "post_category"),
            cite.rule("coefficients", "role"),
            cite.rule("grades", "bands"),
        ],
    )
    if rules.bonus.mode == "pool":
        sum_u = sum(bonus["u"], Fraction(0))
        pool = int(rules.bonus.pool or 0)
        paid = int((bonus["u"] > 0).sum())
        share = Fraction(pool) * row["u"] / sum_u
        section.step("Σu", sum_u, note=f"{paid} member(s) with u > 0; forfeited members left out")
        section.step(
            "share",
            share,
            formula="pool × u / Σu",
            expression=f"{pool} × {show(row['u'])} / {show(sum_u)}",
            sources=[cite.rule("bonus", "pool")],
        )
        left = int(bonus["extra_yuan"].sum())  # one extra yuan per leftover yuan
        section.step("floor", int(share), expression=f"floor({show(share)})")
        section.fact(
            f"remainder {show(row['remainder'])}; {left} yuan left after flooring go to the largest "
            f"remainders (ties by id): {'+1 yuan' if row['extra_yuan'] else 'no extra yuan'}"
        )
        section.step("bonus", int(row["bonus"]), expression=f"{int(share)} + {1 if row['extra_yuan'] else 0}")
    else:
        section.step(
            "bonus",
            int(row["bonus"]),
            formula="round0(u)",
            expression=f"round0({show(row['u'])})",
            sources=[cite.rule("bonus", "mode")],
        )
    section.step(
        "points_reward",
        int(row["points_reward"]),
        formula="round0(yuan_per_point × P)",
        expression=f"round0({num(rules.bonus.yuan_per_point)} × {num(row['points'])})",
        sources=[cite.rule("bonus", "yuan_per_point")],
    )
    section.step(
        "total",
        int(row["total"]),
        formula="max(0, bonus + points_reward)",
        expression=f"max(0, {row['bonus']} + {num(int(row['points_reward']))})",
    )
