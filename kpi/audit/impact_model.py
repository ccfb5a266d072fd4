"""The shape of a rules change's impact: who moved, and how much money moved where.

:func:`kpi.audit.impact.impact` builds an :class:`Impact` from two results;
:mod:`kpi.audit.impact_report` renders it as lines and as impact.xlsx. Keeping the
data apart from both lets each side be read (and tested) on its own, and keeps
the flow one way: results → impact → report. ``as_dict`` is the ``--json`` form.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kpi.errors import Problem
from kpi.i18n import current_language
from kpi.periods import Period

#: Populations in method §7 order.
POPULATIONS = ("departments", "leaders", "individuals")


@dataclass(frozen=True)
class Standing:
    """A member's published outcome under one rules file (bonus/total None: not paid;
    rank None: not graded, in the annual appraisal)."""

    score: Decimal
    rank: int | None
    grade: str
    bonus: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class MemberImpact:
    """One department, leader or individual under the old and the new rules.

    ``old``/``new`` is None when the member is not in the population on that side
    (a 职务 reclassified by ``roles``).
    """

    population: str
    id: str
    name: str
    department: str | None
    post_category: str | None
    old: Standing | None
    new: Standing | None

    @property
    def score_delta(self) -> Decimal | None:
        return None if self.old is None or self.new is None else self.new.score - self.old.score

    @property
    def rank_delta(self) -> int | None:
        """New rank minus old rank: negative moved up."""
        if self.old is None or self.new is None or self.old.rank is None or self.new.rank is None:
            return None
        return self.new.rank - self.old.rank

    @property
    def old_grade(self) -> str | None:
        return None if self.old is None else self.old.grade

    @property
    def new_grade(self) -> str | None:
        return None if self.new is None else self.new.grade

    @property
    def paid(self) -> bool:
        """In the bonus population under either rules file."""
        return any(s is not None and s.total is not None for s in (self.old, self.new))

    def sides(self, field: str) -> tuple[Any, Any]:
        """A :class:`Standing` field under the old and the new rules (None: not on that side)."""
        return _of(self.old, field), _of(self.new, field)

    @staticmethod
    def _money(side: Standing | None, field: str) -> int:
        value = _of(side, field)
        return 0 if value is None else int(value)

    @property
    def bonus_delta(self) -> int | None:
        if not self.paid:
            return None
        return self._money(self.new, "bonus") - self._money(self.old, "bonus")

    @property
    def old_total(self) -> int:
        return self._money(self.old, "total")

    @property
    def new_total(self) -> int:
        return self._money(self.new, "total")

    @property
    def total_delta(self) -> int | None:
        return self.new_total - self.old_total if self.paid else None


@dataclass(frozen=True)
class Shift:
    """An amount paid (whole yuan) under the old and the new rules, for one key."""

    key: str | None
    old: int
    new: int

    @property
    def delta(self) -> int:
        return self.new - self.old


@dataclass(frozen=True)
class Transition:
    """How many members of a population went from grade ``old`` to grade ``new``."""

    population: str
    old: str | None
    new: str | None
    count: int


@dataclass(frozen=True)
class Impact:
    """The whole comparison; build it with :func:`impact`."""

    period: Period
    old_rules: str
    new_rules: str
    people: list[MemberImpact]
    departments: list[MemberImpact]
    transitions: list[Transition]
    by_department: list[Shift]
    by_post_category: list[Shift]
    winners: list[MemberImpact]
    losers: list[MemberImpact]
    paid: list[Shift]
    warnings_gone: list[Problem]
    warnings_new: list[Problem]

    def members(self, population: str) -> list[MemberImpact]:
        pool = self.departments if population == "departments" else self.people
        return [m for m in pool if m.population == population]

    def grade_changes(self) -> dict[str, tuple[int, int]]:
        """population → (members whose grade changed, members)."""
        return {
            p: (sum(m.old_grade != m.new_grade for m in self.members(p)), len(self.members(p)))
            for p in POPULATIONS
        }

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The ``--json`` form; warning messages in ``lang`` (default the current language)."""
        lang = lang or current_language()
        return {
            "period": str(self.period),
            "old_rules": self.old_rules,
            "new_rules": self.new_rules,
            "paid": {s.key: _shift(s) for s in self.paid},
            "grade_changes": {p: {"changed": c, "members": n} for p, (c, n) in self.grade_changes().items()},
            "transitions": [vars(t) for t in self.transitions],
            "by_department": [_shift(s) for s in self.by_department],
            "by_post_category": [_shift(s) for s in self.by_post_category],
            "winners": [_member(m) for m in self.winners],
            "losers": [_member(m) for m in self.losers],
            "warnings_gone": [w.as_dict(lang=lang) for w in self.warnings_gone],
            "warnings_new": [w.as_dict(lang=lang) for w in self.warnings_new],
            "people": [_member(m) for m in self.people],
            "departments": [_member(m) for m in self.departments],
        }


def _of(side: Standing | None, field: str) -> Any:
    return None if side is None else getattr(side, field)


# the --json form --------------------------------------------------------------


def _shift(shift: Shift) -> dict[str, Any]:
    return {"key": shift.key, "old": shift.old, "new": shift.new, "delta": shift.delta}


def _member(m: MemberImpact) -> dict[str, Any]:
    def side(s: Standing | None) -> dict[str, Any] | None:
        if s is None:
            return None
        return {
            "score": format(s.score, "f"),
            "rank": s.rank,
            "grade": s.grade,
            "bonus": s.bonus,
            "total": s.total,
        }

    delta = m.score_delta
    return {
        "population": m.population,
        "id": m.id,
        "name": m.name,
        "department": m.department,
        "post_category": m.post_category,
        "old": side(m.old),
        "new": side(m.new),
        "score_delta": None if delta is None else format(delta, "f"),
        "rank_delta": m.rank_delta,
        "bonus_delta": m.bonus_delta,
        "total_delta": m.total_delta,
    }
