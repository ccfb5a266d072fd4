"""一票否决 — who is vetoed, and why (method §6.7, §9 "Vetoes").

A veto row hits its target directly; a vetoed department also hits, per
``veto.cascade``, its department heads, its leader in charge and its members.
Each hit is kept as a :class:`VetoCause` so results and ``explain`` can say
which 否决 row (and which cascade) capped a score. Several vetoes on one
target still count as one veto: the causes are all listed, the cap applies once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from kpi.engine.steps import Cite, Item, fact, formulas, num
from kpi.i18n import N_, Msg, _
from kpi.numbers import r2
from kpi.rules.schema import Rules

F = formulas(__name__, "6.7")
CAP = F(N_("vetoed"), "r2(min(score, score_cap))")


@dataclass(frozen=True, order=True)
class VetoCause:
    """One reason a member is vetoed: a 否决 row, reached directly or by cascade."""

    row: int  # the 否决 sheet row
    item: str  # 事项, e.g. 安全生产
    target: str  # the row's 对象
    via: str  # direct | department_head | leader_in_charge | members

    def describe(self) -> Msg:
        """The cause as a message (its ``str`` is the English)."""
        if self.via == "direct":
            return _("{item} (否决 row {row})", item=self.item, row=self.row)
        if self.via == "department_head":
            return _(
                "{item}: head of vetoed {target} (否决 row {row})",
                item=self.item,
                target=self.target,
                row=self.row,
            )
        if self.via == "leader_in_charge":
            return _(
                "{item}: leader in charge of vetoed {target} (否决 row {row})",
                item=self.item,
                target=self.target,
                row=self.row,
            )
        return _(
            "{item}: member of vetoed {target} (否决 row {row})",
            item=self.item,
            target=self.target,
            row=self.row,
        )


Causes = dict[str, tuple[VetoCause, ...]]


def capped(score: Decimal, causes: tuple[VetoCause, ...], rules: Rules) -> Decimal:
    """A vetoed member's score is r2(min(score, veto.score_cap)); others keep theirs."""
    return r2(min(score, rules.veto.score_cap)) if causes else score


def _add(causes: dict[str, list[VetoCause]], key: str, cause: VetoCause) -> None:
    causes.setdefault(key, []).append(cause)


def veto_causes(
    vetoes: pd.DataFrame,
    individuals: pd.DataFrame,
    departments: pd.DataFrame,
    rules: Rules,
) -> tuple[Causes, Causes]:
    """(department → causes, person id → causes) for every vetoed member.

    ``individuals`` are the non-leader roster rows (id, department, role);
    a person veto never spreads to a department (method §9).
    """
    department_names = set(departments["department"])
    cascade = rules.veto.cascade
    heads = set(rules.roles.department_head)
    dept: dict[str, list[VetoCause]] = {}
    person: dict[str, list[VetoCause]] = {}
    leader_of = dict(zip(departments["department"], departments["leader_in_charge"], strict=True))
    staff = individuals.groupby("department", sort=False)
    for row, target, item in zip(vetoes["row"], vetoes["target"], vetoes["item"], strict=True):
        cause = VetoCause(int(row), item, target, "direct")
        if target not in department_names:
            _add(person, target, cause)
            continue
        _add(dept, target, cause)
        members = staff.get_group(target) if target in staff.groups else individuals.iloc[0:0]
        for pid, role in zip(members["id"], members["role"], strict=True):
            if cascade.members:
                _add(person, pid, VetoCause(int(row), item, target, "members"))
            if cascade.department_head and role in heads:
                _add(person, pid, VetoCause(int(row), item, target, "department_head"))
        if cascade.leader_in_charge:
            _add(person, leader_of[target], VetoCause(int(row), item, target, "leader_in_charge"))
    return (
        {k: tuple(sorted(v)) for k, v in dept.items()},
        {k: tuple(sorted(v)) for k, v in person.items()},
    )


# derivations ------------------------------------------------------------------------


def steps(rules: Rules, row: dict[str, Any], before: Decimal, label: str, cite: Cite) -> list[Item] | None:
    """Who vetoed this member (each cause) and how the cap applied to ``before``;
    None when the member is not vetoed. ``label`` names the capped score (``D vetoed``)."""
    if not row["vetoed"]:
        return None
    items: list[Item] = []
    for cause in row["veto_causes"]:
        sources = [cite.row("vetoes", cause.row)]
        if cause.via != "direct":
            sources.append(cite.rule("veto", "cascade", cause.via))
        items.append(fact(cause.describe(), *sources))
    items.append(
        CAP.step(
            row["score"],
            label=label,
            expression=f"r2(min({num(before)}, {num(rules.veto.score_cap)}))",
            sources=[cite.rule("veto", "score_cap")],
        )
    )
    items.append(fact(_("grade at most {grade}", grade=rules.veto.max_grade), cite.rule("veto", "max_grade")))
    return items
