"""What a rules change does to the published numbers of one period.

Before a new 考核办法 is adopted, HR and finance ask: who changes grade, who
gains or loses pay, and does the money move between departments or post
categories? :func:`impact` answers from two :class:`~kpi.engine.results.Results`
of the same period (the old and the new rules), reading only published values —
it recomputes nothing, so every figure matches the two results workbooks.

A person who is in the bonus population on one side only counts as paid 0 on
the other. Everything comes in a deterministic order: populations as in method §7,
members by score descending then id (the new scores, else the old ones).

This module only computes: the data it returns is defined in
:mod:`kpi.audit.impact_model`, and :mod:`kpi.audit.impact_report` turns it into
terminal lines and impact.xlsx.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from kpi import api
from kpi.audit.impact_model import POPULATIONS, Impact, MemberImpact, Shift, Standing, Transition
from kpi.engine.results import Results
from kpi.errors import Problem
from kpi.periods import Period

if TYPE_CHECKING:
    from kpi.annual.results import AnnualResults
    from kpi.rules.loader import RulesFile

#: The two populations that can be paid.
PEOPLE = ("individuals", "leaders")
TOP = 10


@dataclass(frozen=True)
class Side:
    """One side of the comparison: each member's identity and published outcome, by
    population and key, the grade bands in order, the amounts paid and the warnings."""

    label: str
    members: dict[str, dict[str, tuple[Info, Standing]]]
    bands: list[str]
    paid: dict[str, int]
    warnings: list[Problem]


def impact(old: Results, new: Results) -> Impact:
    """Compare the published outcomes of one period under two rules files."""
    return compare(side_of(old), side_of(new), new.period)


def annual_impact(old: AnnualResults, new: AnnualResults) -> Impact:
    """Compare the published outcomes of one year (the same quarters) under two rules files."""
    return compare(annual_side(old), annual_side(new), new.period)


def compare(old: Side, new: Side, period: Period) -> Impact:
    """Who moved, and how much money moved where, from ``old`` to ``new``."""
    people = [m for p in PEOPLE for m in _population(p, old, new)]
    departments = _population("departments", old, new)
    paid = [m for m in people if m.paid]
    return Impact(
        period=period,
        old_rules=old.label,
        new_rules=new.label,
        people=people,
        departments=departments,
        transitions=_transitions([*departments, *people], old, new),
        by_department=_shifts(paid, lambda m: m.department),
        by_post_category=_shifts(paid, lambda m: m.post_category),
        winners=_top(paid, winners=True),
        losers=_top(paid, winners=False),
        paid=[Shift(column, old.paid[column], new.paid[column]) for column in PAID],
        warnings_gone=_unmatched(old.warnings, new.warnings),
        warnings_new=_unmatched(new.warnings, old.warnings),
    )


def _unmatched(warnings: list[Problem], others: list[Problem]) -> list[Problem]:
    """The warnings of ``warnings`` that ``others`` does not raise. Two runs under
    different rules files locate rules warnings in different files and lines, so
    a warning is matched by its workbook cell and its message only."""

    def key(w: Problem) -> tuple[object, ...]:
        where = w.location
        return (where.sheet, where.row, where.column, w.message) if where.sheet else (w.message,)

    seen = {key(w) for w in others}
    return [w for w in warnings if key(w) not in seen]


def impact_of_rules(data: str | Path, old_rules: str | Path, new_rules: str | Path, period: Period) -> Impact:
    """Score ``data`` under both rules files and compare (the input is read once per
    rules file because validation depends on the rules: codes, categories, items)."""
    return impact(api.run(data, old_rules, period), api.run(data, new_rules, period))


def annual_impact_of_rules(
    quarters: Sequence[str | Path],
    old_rules: str | Path,
    new_rules: str | Path,
    year: int,
    evaluation: str | Path | None = None,
) -> Impact:
    """Roll the same quarters' results up under both rules files and compare. The quarters
    are published results, so what moves is what the annual computation reads from the
    rules: ``annual``, ``evaluation`` (the year-end 测评) and ``veto.forfeit_bonus``."""
    from kpi.annual import run_annual

    return annual_impact(
        run_annual(quarters, old_rules, year, evaluation), run_annual(quarters, new_rules, year, evaluation)
    )


# building the comparison -----------------------------------------------------------

Info = tuple[str, str | None, str | None]  # name, department, post_category
#: The amounts compared.
PAID = ("bonus", "points_reward", "total")


def _label(rules_file: RulesFile) -> str:
    rules = rules_file.rules
    return f"{rules.name} {rules.version} ({rules_file.path})"


def side_of(results: Results) -> Side:
    """A quarter's published outcome, by population."""
    paid = {
        r["id"]: (int(r["bonus"]), int(r["total"]), r["post_category"])
        for r in results.bonus.to_dict("records")
    }
    members: dict[str, dict[str, tuple[Info, Standing]]] = {}
    for population in POPULATIONS:
        out: dict[str, tuple[Info, Standing]] = members.setdefault(population, {})
        for r in results.population(population).to_dict("records"):
            standing = Standing(r["score"], int(r["rank"]), r["grade"])
            if population == "departments":
                out[r["department"]] = ((r["department"], r["department"], None), standing)
                continue
            bonus, total, post = paid.get(r["id"], (None, None, r.get("post_category")))
            info = (r["name"], r.get("department"), post)
            out[r["id"]] = (info, replace(standing, bonus=bonus, total=total))
    return Side(
        _label(results.rules_file),
        members,
        [b.name for b in results.rules.grades.bands],
        {column: sum(int(x) for x in results.bonus[column]) for column in PAID},
        results.warnings,
    )


def annual_side(results: AnnualResults) -> Side:
    """A year's published outcome, by population: the annual score, rank (None when not
    graded), grade (不定等次 when not graded) and the annual bonus (no points reward)."""
    from kpi.annual.results import NOT_GRADED

    paid: dict[str, int] = {}
    if results.bonus is not None:
        paid = {str(r["id"]): int(r["bonus"]) for r in results.bonus.to_dict("records")}
    members: dict[str, dict[str, tuple[Info, Standing]]] = {}
    for population in POPULATIONS:
        out: dict[str, tuple[Info, Standing]] = members.setdefault(population, {})
        key = "department" if population == "departments" else "id"
        for r in results.population(population).to_dict("records"):
            rank = None if r["rank"] is None else int(r["rank"])
            standing = Standing(r["score"], rank, r["grade"] or NOT_GRADED["zh"])
            if population == "departments":
                out[r[key]] = ((r[key], r[key], None), standing)
                continue
            amount = paid.get(r["id"])
            out[r["id"]] = (
                (r["name"], r.get("department"), None),
                replace(standing, bonus=amount, total=amount),
            )
    total = sum(paid.values())
    return Side(
        _label(results.rules_file),
        members,
        [b.name for b in results.annual.grades.bands],
        {"bonus": total, "points_reward": 0, "total": total},
        results.warnings,
    )


def _population(population: str, old: Side, new: Side) -> list[MemberImpact]:
    before, after = old.members[population], new.members[population]
    members = []
    for key in dict.fromkeys([*after, *before]):
        info = (after.get(key) or before[key])[0]
        members.append(
            MemberImpact(
                population,
                key,
                *info,
                old=before[key][1] if key in before else None,
                new=after[key][1] if key in after else None,
            )
        )
    return sorted(members, key=_order)


def _order(member: MemberImpact) -> tuple[Decimal, str]:
    """Score descending (new score, else old), then id by code point (method §5)."""
    side = member.new or member.old
    assert side is not None
    return (-side.score, member.id)


def _transitions(members: list[MemberImpact], old: Side, new: Side) -> list[Transition]:
    """The grade transition matrix of each population, non-zero cells, bands in order."""
    old_bands, new_bands = old.bands, new.bands

    def band(names: list[str], grade: str | None) -> int:
        return names.index(grade) if grade in names else len(names)

    counts = Counter((m.population, m.old_grade, m.new_grade) for m in members)
    ordered = sorted(
        counts,
        key=lambda c: (
            POPULATIONS.index(c[0]),
            band(old_bands, c[1]),
            band(new_bands, c[2]),
            c[1] or "",
            c[2] or "",
        ),
    )
    return [Transition(p, a, b, counts[(p, a, b)]) for p, a, b in ordered]


def _shifts(paid: Iterable[MemberImpact], key: Callable[[MemberImpact], str | None]) -> list[Shift]:
    """Total paid per key (department, post category); no key (leaders) comes last."""
    sums: dict[str | None, list[int]] = {}
    for member in paid:
        pair = sums.setdefault(key(member), [0, 0])
        pair[0] += member.old_total
        pair[1] += member.new_total
    ordered = sorted(sums, key=lambda k: (k is None, k or ""))
    return [Shift(k, *sums[k]) for k in ordered]


def _top(paid: list[MemberImpact], *, winners: bool) -> list[MemberImpact]:
    """The ``TOP`` largest gains (or losses) of total pay, ties by id."""
    sign = -1 if winners else 1
    moved = [m for m in paid if m.total_delta and (m.total_delta > 0) == winners]
    return sorted(moved, key=lambda m: (sign * (m.total_delta or 0), m.id))[:TOP]
