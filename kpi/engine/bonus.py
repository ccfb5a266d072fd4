"""绩效奖金 — bonus pay (method §6.9, §9 "Bonus").

u = bonus_base × post_coef × role_coef × grade_factor × months/period_months is
kept as an exact :class:`~fractions.Fraction` (months/3 is not a finite
decimal). In pool mode every share ``pool × u / Σu`` is exact too; shares are
floored to whole yuan and the yuan left over go one each to the largest
remainders (ties: id ascending), so the column sums to the pool to the yuan.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import pandas as pd

from kpi.engine.columns import objects
from kpi.engine.lookup import memo, records
from kpi.engine.steps import Cite, Item, fact, formulas, num, show
from kpi.errors import ComputeError, Location
from kpi.i18n import N_, KeyPath, _
from kpi.numbers import EXACT, ONE, round0
from kpi.rules.schema import Rules

if TYPE_CHECKING:
    from kpi.engine.results import Results

MONTHS_PLACES = Decimal("0.0001")

F = formulas(__name__, "6.9")
MONTHS = F("months_factor", "")  # 在岗月数 / months of the period, exact (blank: the whole period)
WEIGHT = F("u", "bonus_base × post_coef × role_coef × grade_factor × months_factor")
WEIGHTS_SUM = F("Σu", "")
SHARE = F(N_("share"), "pool × u / Σu")
FLOOR = F(N_("floor"), "")
POOL_BONUS = F(N_("bonus"), "")  # the floor, plus one yuan to the largest remainders
FIXED_BONUS = F("bonus fixed", "round0(u)")
REWARD = F("points_reward", "round0(yuan_per_point × P)")
TOTAL = F(N_("total"), N_("max(0, bonus + points_reward)"))
FORFEITED = F("total forfeited", "")  # vetoed with veto.forfeit_bonus: 0


def months_factor(months: Decimal | None, period_months: int) -> Fraction:
    """The exact on-post fraction (blank = the full period)."""
    return Fraction(1) if months is None else Fraction(months) / period_months


def shown_months_factor(factor: Fraction) -> Decimal:
    """在岗折算 as published: 4 decimals, half up (2/3 → 0.6667)."""
    exact = Decimal(factor.numerator) / Decimal(factor.denominator)
    return exact.quantize(MONTHS_PLACES, rounding=ROUND_HALF_UP)


def round_half_up(value: Fraction) -> int:
    """Whole yuan, half away from zero, for an exact fraction."""
    sign = -1 if value < 0 else 1
    return sign * int(abs(value) + Fraction(1, 2))


def allocate_pool(
    pool: int, weights: list[Fraction], ids: list[str]
) -> tuple[list[int], list[Fraction], list[bool]]:
    """Largest-remainder allocation of a whole-yuan pool in proportion to ``weights``.

    Returns (bonus, remainder, got_extra_yuan) per member. The bonuses sum to
    ``pool`` exactly; extra yuan go to the largest remainders, ties by id. The
    weights are brought to one common denominator first, so every share, floor
    and remainder is integer arithmetic — exact, and fast enough for 50,000
    members where comparing fractions would not be.
    """
    common = math.lcm(*(w.denominator for w in weights)) if weights else 1
    scaled = [w.numerator * (common // w.denominator) for w in weights]
    total = sum(scaled)
    pairs = [divmod(pool * u, total) for u in scaled]
    floors = [q for q, __ in pairs]
    remainders = [r for __, r in pairs]
    left = pool - sum(floors)
    winners = sorted(range(len(ids)), key=lambda i: (-remainders[i], ids[i]))[:left]
    extra = [False] * len(ids)
    for i in winners:
        extra[i] = True
    return (
        [f + int(e) for f, e in zip(floors, extra, strict=True)],
        [Fraction(r, total) for r in remainders],
        extra,
    )


def bonus_table(
    population: pd.DataFrame, rules: Rules, period_months: int, where: Location | None = None
) -> pd.DataFrame:
    """One row per member of the bonus population, in deterministic order.

    ``population`` has id, name, department, post_category, role, bonus_base,
    months, grade, grade_factor, score, vetoed, points. The result adds the
    coefficients, the exact u, share, remainder, extra-yuan flag, bonus,
    points_reward, total and forfeited. ``where`` locates the rules' bonus section
    for the one error this can raise (a pool with nothing to share).
    """
    posts = rules.coefficients.post_category
    roles = rules.coefficients.role
    forfeit = rules.veto.forfeit_bonus
    ordered = (
        population.assign(_key=[-s for s in population["score"]])
        .sort_values(["_key", "id"], kind="stable", ignore_index=True)
        .drop(columns="_key")
    )
    post_coef = [ONE if c is None else posts[c] for c in ordered["post_category"]]
    role_coef = [ONE if roles is None else roles[r] for r in ordered["role"]]
    factors = [months_factor(m, period_months) for m in ordered["months"]]
    forfeited = [bool(v) and forfeit for v in ordered["vetoed"]]
    u = [
        Fraction(0)
        if lost
        else Fraction(EXACT.multiply(EXACT.multiply(base, pc), EXACT.multiply(rc, gf))) * mf
        for base, pc, rc, gf, mf, lost in zip(
            ordered["bonus_base"],
            post_coef,
            role_coef,
            ordered["grade_factor"],
            factors,
            forfeited,
            strict=True,
        )
    ]
    ids = list(ordered["id"])
    if rules.bonus.mode == "pool":
        if sum(u, Fraction(0)) == 0:
            raise ComputeError.single(
                _(
                    "{mode} is pool but every member's bonus weight u is 0 (or there is no "
                    "one to pay): check bonus_base, months, grade factors and vetoes, or use "
                    "mode fixed",
                    mode=KeyPath("bonus.mode"),
                ),
                where,
            )
        assert rules.bonus.pool is not None
        bonus, remainders, extra = allocate_pool(int(rules.bonus.pool), u, ids)
    else:
        bonus = [round_half_up(x) for x in u]
        remainders = [Fraction(0)] * len(u)
        extra = [False] * len(u)
    rewards = [int(round0(rules.bonus.yuan_per_point * p)) for p in ordered["points"]]
    rewards = [0 if lost else r for r, lost in zip(rewards, forfeited, strict=True)]
    totals = [0 if lost else max(0, b + r) for b, r, lost in zip(bonus, rewards, forfeited, strict=True)]
    return ordered.assign(
        post_coef=objects(post_coef, ordered.index),
        role_coef=objects(role_coef, ordered.index),
        months_factor_exact=objects(factors, ordered.index),
        months_factor=objects([shown_months_factor(f) for f in factors], ordered.index),
        u=objects(u, ordered.index),
        remainder=objects(remainders, ordered.index),
        extra_yuan=extra,
        forfeited=forfeited,
        bonus=bonus,
        points_reward=rewards,
        total=totals,
    )


# derivations ------------------------------------------------------------------------


def steps(results: Results, member_id: str, cite: Cite) -> list[Item] | None:
    """u, the pool share or fixed amount, the remainder yuan, the points reward and the
    total of one member; None when the member is not in the bonus population."""
    bonus = results.bonus
    rows = records(bonus, "id", member_id)
    if not rows:
        return None
    rules = results.rules
    row = rows[0]
    mf: Fraction = row["months_factor_exact"]
    months = row["months"] if row["months"] is not None else results.period.months
    items: list[Item] = [
        MONTHS.step(
            mf,
            expression=f"{num(months)}/{results.period.months}",
            note=_("shown as {value}", value=show(row["months_factor"])),
        )
    ]
    if row["forfeited"]:
        items.append(
            fact(
                _("vetoed and veto.forfeit_bonus is true: bonus, reward and total are 0"),
                cite.rule("veto", "forfeit_bonus"),
            )
        )
        items.append(FORFEITED.step(0, label=N_("total")))
        return items
    items.append(
        WEIGHT.step(
            row["u"],
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
    )
    if rules.bonus.mode == "pool":
        sum_u = memo(bonus, "sum_u", lambda b: sum(b["u"], Fraction(0)))
        pool = int(rules.bonus.pool or 0)
        paid = memo(bonus, "paid", lambda b: int((b["u"] > 0).sum()))
        share = Fraction(pool) * row["u"] / sum_u
        items.append(
            WEIGHTS_SUM.step(sum_u, note=_("{n} member(s) with u > 0; forfeited members left out", n=paid))
        )
        items.append(
            SHARE.step(
                share,
                expression=f"{pool} × {show(row['u'])} / {show(sum_u)}",
                sources=[cite.rule("bonus", "pool")],
            )
        )
        left = memo(bonus, "left", lambda b: int(b["extra_yuan"].sum()))  # one extra yuan per leftover yuan
        items.append(FLOOR.step(int(share), expression=f"floor({show(share)})"))
        items.append(
            fact(
                _(
                    "remainder {remainder}; {left} yuan left after flooring go to the largest "
                    "remainders (ties by id): {extra}",
                    remainder=show(row["remainder"]),
                    left=left,
                    extra=_("+1 yuan") if row["extra_yuan"] else _("no extra yuan"),
                )
            )
        )
        items.append(
            POOL_BONUS.step(int(row["bonus"]), expression=f"{int(share)} + {1 if row['extra_yuan'] else 0}")
        )
    else:
        items.append(
            FIXED_BONUS.step(
                int(row["bonus"]),
                label=N_("bonus"),
                expression=f"round0({show(row['u'])})",
                sources=[cite.rule("bonus", "mode")],
            )
        )
    items.append(
        REWARD.step(
            int(row["points_reward"]),
            expression=f"round0({num(rules.bonus.yuan_per_point)} × {num(row['points'])})",
            sources=[cite.rule("bonus", "yuan_per_point")],
        )
    )
    items.append(
        TOTAL.step(
            int(row["total"]),
            expression=f"max(0, {row['bonus']} + {num(int(row['points_reward']))})",
        )
    )
    return items
