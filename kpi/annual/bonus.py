"""The year-end bonus (method §10 "Bonus", with ``annual.bonus``), and its steps for ``explain``.

The bonus population is everyone with a 绩效奖金 row in any quarter (also a
person who later became a leader). Each gets

    B = Σ_q 绩效基数 × 岗位系数 × 职务系数 × 在岗折算   over its quarterly bonus rows,

with the values as published (在岗折算 to 4 decimals), exact; then
``u = factor(annual grade) × B``. A member not graded, or vetoed in the year
when ``veto.forfeit_bonus`` is true, has u = 0 and is out of Σu. The pool is
shared by the quarterly allocation itself
(:func:`~kpi.engine.bonus.allocate_pool`): exact shares floored to the yuan,
the yuan left over one each to the largest remainders (ties by id), so the
bonuses add up to the pool exactly. There is no points reward. Rows are in the
order of the population sheets: graded members by annual score descending then
id, then those not graded, by id.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.annual.quarters import Quarter
from kpi.engine.bonus import allocate_pool
from kpi.engine.columns import records
from kpi.engine.steps import Cite, Item, fact, formulas, num, show
from kpi.errors import ComputeError, Location
from kpi.i18n import KeyPath, _
from kpi.numbers import EXACT, ONE
from kpi.rules.schema import Rules

if TYPE_CHECKING:
    from kpi.rules.loader import RulesFile

F = formulas(__name__, "10")
PRODUCT = F("B Qn", "绩效基数 × 岗位系数 × 职务系数 × 在岗折算")  # one quarterly bonus row, as published
BASE = F("B", "Σ quarters")
WEIGHT = F("u", "grade_factor × B")
TOTAL_WEIGHT = F("Σu", "")
SHARE = F("share", "pool × u / Σu")
FLOOR = F("floor", "")
BONUS = F("bonus", "")

COLUMNS = (
    "id",
    "name",
    "department",
    "parts",
    "base",
    "population",
    "score",
    "grade",
    "grade_factor",
    "graded",
    "forfeited",
    "u",
    "remainder",
    "extra_yuan",
    "bonus",
)


def tidy(value: Decimal) -> Decimal:
    """The same number without trailing zeros (9100.0 → 9100, 5633.61500 → 5633.615)."""
    shown = value.normalize()
    exponent = shown.as_tuple().exponent
    return shown.quantize(ONE) if isinstance(exponent, int) and exponent > 0 else shown


def year_end_bonus(
    quarters: list[Quarter], frames: dict[str, pd.DataFrame], rules_file: RulesFile
) -> pd.DataFrame:
    """One row per member of the quarters' bonus populations (module doc)."""
    rules = rules_file.rules
    annual = rules.annual
    assert annual is not None and annual.bonus is not None
    parts: dict[str, list[tuple[Any, ...]]] = {}
    for quarter in quarters:
        for row in quarter.bonus.to_dict("records"):
            product = tidy(
                EXACT.multiply(
                    EXACT.multiply(row["bonus_base"], row["post_coef"]),
                    EXACT.multiply(row["role_coef"], row["months_factor"]),
                )
            )
            parts.setdefault(str(row["id"]), []).append(
                (
                    quarter.label,
                    row["bonus_base"],
                    row["post_coef"],
                    row["role_coef"],
                    row["months_factor"],
                    product,
                    quarter.cite("bonus", int(row["row"])),
                )
            )
    people = {
        record["id"]: {**record, "population": population}
        for population in ("individuals", "leaders")
        for record in frames[population].to_dict("records")
    }
    rows: list[dict[str, Any]] = []
    for person, own in parts.items():
        member = people[person]
        graded = bool(member["graded"])
        forfeited = graded and bool(member["vetoed"]) and rules.veto.forfeit_bonus
        base = tidy(EXACT.plus(sum((p[5] for p in own), Decimal(0))))
        factor: Decimal | None = member["grade_factor"] if graded else None
        u = Decimal(0) if factor is None or forfeited else tidy(EXACT.multiply(factor, base))
        rows.append(
            {
                "id": person,
                "name": member["name"],
                "department": member.get("department"),
                "parts": tuple(own),
                "base": base,
                "population": member["population"],
                "score": member["score"],
                "grade": member["grade"],
                "grade_factor": factor,
                "graded": graded,
                "forfeited": forfeited,
                "u": u,
            }
        )
    rows.sort(key=lambda r: (0, -r["score"], r["id"]) if r["graded"] else (1, Decimal(0), r["id"]))
    weights = [Fraction(r["u"]) for r in rows]
    if sum(weights, Fraction(0)) == 0:
        raise ComputeError.single(
            _(
                "{key} has a pool, but every member's weight u is 0 (or nobody has a bonus row "
                "in the quarters): check the annual grade factors, min_quarters and vetoes",
                key=KeyPath("annual.bonus"),
            ),
            Location(rules_file.path, line=rules_file.line_of("annual", "bonus", "pool")),
        )
    bonus, remainders, extra = allocate_pool(int(annual.bonus.pool), weights, [r["id"] for r in rows])
    for made, paid, remainder, got in zip(rows, bonus, remainders, extra, strict=True):
        made.update(remainder=remainder, extra_yuan=got, bonus=paid)
    return records(rows, COLUMNS).astype({"graded": bool, "forfeited": bool, "extra_yuan": bool})


# derivations ---------------------------------------------------------------------------------


def steps(bonus: pd.DataFrame, member: str, rules: Rules, cite: Cite) -> list[Item] | None:
    """B from the quarterly bonus rows, u, the pool share, the remainder yuan, the bonus;
    None when the member has no bonus row in any quarter."""
    rows = bonus[bonus["id"] == member]
    if rows.empty:
        return None
    annual = rules.annual
    assert annual is not None and annual.bonus is not None
    row = rows.iloc[0].to_dict()
    items: list[Item] = [
        PRODUCT.step(
            product,
            label=f"B {label}",
            expression=" × ".join(num(v) for v in (base, post, role, months)),
            sources=[source],
        )
        for label, base, post, role, months, product, source in row["parts"]
    ]
    items.append(BASE.step(row["base"], expression=" + ".join(num(p[5]) for p in row["parts"])))
    if not row["graded"]:
        return [*items, fact(_("not graded in the year: u = 0, no annual bonus")), BONUS.step(0)]
    if row["forfeited"]:
        why = fact(
            _(
                "vetoed in the year and {key} is true: u = 0, no annual bonus",
                key=KeyPath("veto.forfeit_bonus"),
            ),
            cite.rule("veto", "forfeit_bonus"),
        )
        return [*items, why, BONUS.step(0)]
    sum_u = tidy(EXACT.plus(sum(bonus["u"], Decimal(0))))
    pool = int(annual.bonus.pool)
    share = Fraction(pool) * Fraction(row["u"]) / Fraction(sum_u)
    paid = int((bonus["u"] > 0).sum())
    left = int(bonus["extra_yuan"].sum())
    return [
        *items,
        WEIGHT.step(
            row["u"],
            expression=f"{num(row['grade_factor'])} × {num(row['base'])}",
            sources=[cite.rule("annual", "grades", "bands")],
        ),
        TOTAL_WEIGHT.step(
            sum_u,
            note=_("{n} member(s) with u > 0; not graded and forfeited members left out", n=paid),
        ),
        SHARE.step(
            share,
            expression=f"{pool} × {show(row['u'])} / {show(sum_u)}",
            sources=[cite.rule("annual", "bonus", "pool")],
        ),
        FLOOR.step(int(share), expression=f"floor({show(share)})"),
        fact(
            _(
                "remainder {remainder}; {left} yuan left after flooring go to the largest "
                "remainders (ties by id): {extra}",
                remainder=show(row["remainder"]),
                left=left,
                extra=_("+1 yuan") if row["extra_yuan"] else _("no extra yuan"),
            )
        ),
        BONUS.step(int(row["bonus"]), expression=f"{int(share)} + {1 if row['extra_yuan'] else 0}"),
    ]
