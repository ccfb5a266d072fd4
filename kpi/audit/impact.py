"""What a rules change does to the published numbers of one period.

Before a new 考核办法 is adopted, HR and finance ask: who changes grade, who
gains or loses pay, and does the money move between departments or post
categories? :func:`impact` answers from two :class:`~kpi.engine.results.Results`
of the same period (the old and the new rules), reading only published values —
it recomputes nothing, so every figure matches the two results workbooks.

A person who is in the bonus population on one side only counts as paid 0 on
the other. Everything comes in a deterministic order: populations as in SPEC §6,
members by score descending then id (the new scores, else the old ones).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from kpi import api
from kpi.engine.results import Results
from kpi.periods import Period
from kpi.report.output import check_output, write_atomically
from kpi.report.tables import Sheet, column
from kpi.report.workbook import write_workbook

#: Populations in SPEC §6 order; people are the two that can be paid.
POPULATIONS = ("departments", "leaders", "individuals")
PEOPLE = ("individuals", "leaders")
TOP = 10


@dataclass(frozen=True)
class Standing:
    """A member's published outcome under one rules file (bonus/total None: not paid)."""

    score: Decimal
    rank: int
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
        return None if self.old is None or self.new is None else self.new.rank - self.old.rank

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
    warnings_gone: list[str]
    warnings_new: list[str]

    def members(self, population: str) -> list[MemberImpact]:
        pool = self.departments if population == "departments" else self.people
        return [m for m in pool if m.population == population]

    def grade_changes(self) -> dict[str, tuple[int, int]]:
        """population → (members whose grade changed, members)."""
        return {
            p: (sum(m.old_grade != m.new_grade for m in self.members(p)), len(self.members(p)))
            for p in POPULATIONS
        }

    def as_dict(self) -> dict[str, Any]:
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
            "warnings_gone": self.warnings_gone,
            "warnings_new": self.warnings_new,
            "people": [_member(m) for m in self.people],
            "departments": [_member(m) for m in self.departments],
        }


def impact(old: Results, new: Results) -> Impact:
    """Compare the published outcomes of one period under two rules files."""
    people = [m for p in PEOPLE for m in _population(p, old, new)]
    departments = _population("departments", old, new)
    paid = [m for m in people if m.paid]
    return Impact(
        period=new.period,
        old_rules=_label(old),
        new_rules=_label(new),
        people=people,
        departments=departments,
        transitions=_transitions([*departments, *people], old, new),
        by_department=_shifts(paid, lambda m: m.department),
        by_post_category=_shifts(paid, lambda m: m.post_category),
        winners=_top(paid, winners=True),
        losers=_top(paid, winners=False),
        paid=[_paid(old, new, column) for column in ("bonus", "points_reward", "total")],
        warnings_gone=[w for w in old.warnings if w not in new.warnings],
        warnings_new=[w for w in new.warnings if w not in old.warnings],
    )


def impact_of_rules(data: str | Path, old_rules: str | Path, new_rules: str | Path, period: Period) -> Impact:
    """Score ``data`` under both rules files and compare (the input is read once per
    rules file because validation depends on the rules: codes, categories, items)."""
    return impact(api.run(data, old_rules, period), api.run(data, new_rules, period))


# building the comparison -----------------------------------------------------------

Info = tuple[str, str | None, str | None]  # name, department, post_category


def _label(results: Results) -> str:
    rules = results.rules
    return f"{rules.name} {rules.version} ({results.rules_file.path})"


def _read(results: Results, population: str) -> dict[str, tuple[Info, Standing]]:
    """Each member's identity and published outcome, keyed by id (department name)."""
    paid = {
        r["id"]: (int(r["bonus"]), int(r["total"]), r["post_category"])
        for r in results.bonus.to_dict("records")
    }
    out: dict[str, tuple[Info, Standing]] = {}
    for r in results.population(population).to_dict("records"):
        standing = Standing(r["score"], int(r["rank"]), r["grade"])
        if population == "departments":
            out[r["department"]] = ((r["department"], r["department"], None), standing)
            continue
        bonus, total, post = paid.get(r["id"], (None, None, r.get("post_category")))
        info = (r["name"], r.get("department"), post)
        out[r["id"]] = (info, replace(standing, bonus=bonus, total=total))
    return out


def _population(population: str, old: Results, new: Results) -> list[MemberImpact]:
    before, after = _read(old, population), _read(new, population)
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
    """Score descending (new score, else old), then id by code point (SPEC §2)."""
    side = member.new or member.old
    assert side is not None
    return (-side.score, member.id)


def _transitions(members: list[MemberImpact], old: Results, new: Results) -> list[Transition]:
    """The grade transition matrix of each population, non-zero cells, bands in order."""
    old_bands = [b.name for b in old.rules.grades.bands]
    new_bands = [b.name for b in new.rules.grades.bands]

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


def _paid(old: Results, new: Results, column: str) -> Shift:
    return Shift(column, sum(int(x) for x in old.bonus[column]), sum(int(x) for x in new.bonus[column]))


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


# rendering -----------------------------------------------------------------------------


def _signed(n: int | Decimal) -> str:
    return f"+{n}" if n > 0 else str(n)


def _moved(shift: Shift) -> str:
    return f"{shift.old} → {shift.new} ({_signed(shift.delta)})"


def render(result: Impact) -> list[str]:
    """The summary as lines of text, for the terminal (the CLI prints them)."""
    out = [
        f"impact on {result.period}: {result.old_rules} → {result.new_rules}",
        "grade changes: " + ", ".join(f"{p} {c} of {n}" for p, (c, n) in result.grade_changes().items()),
    ]
    out += [
        f"  {t.population}: {t.old or '—'} → {t.new or '—'}: {t.count}"
        for t in result.transitions
        if t.old != t.new
    ]
    names = {"bonus": "bonus", "points_reward": "points rewards", "total": "total"}
    out.append("paid: " + ", ".join(f"{names[str(s.key)]} {_moved(s)}" for s in result.paid))
    for title, shifts in (
        ("by department", result.by_department),
        ("by post category", result.by_post_category),
    ):
        out.append(f"total paid {title}:")
        out += [f"  {s.key or '(none)'}: {_moved(s)}" for s in shifts]
    for title, members in (("winners", result.winners), ("losers", result.losers)):
        out.append(f"largest {title}:" if members else f"largest {title}: none")
        out += [
            f"  {m.id} {m.name}: {m.old_total} → {m.new_total} ({_signed(m.total_delta or 0)})"
            + (f", {m.old_grade} → {m.new_grade}" if m.old_grade != m.new_grade else "")
            for m in members
        ]
    out += [f"warning gone: {w}" for w in result.warnings_gone]
    out += [f"warning new: {w}" for w in result.warnings_new]
    return out


# the impact workbook --------------------------------------------------------------------

_POP = {
    "zh": {"departments": "部门", "leaders": "领导", "individuals": "个人", None: "(无)"},
    "en": {
        "departments": "departments",
        "leaders": "leaders",
        "individuals": "individuals",
        None: "(none)",
    },
}
_PAID = {
    "zh": {"bonus": "绩效奖金", "points_reward": "点数奖励", "total": "合计"},
    "en": {"bonus": "bonus", "points_reward": "points_reward", "total": "total"},
}
_SECTIONS = {
    "zh": {
        "rules": "规则",
        "period": "考核期间",
        "paid": "实发",
        "changed": "等次变化人数",
        "matrix": "等次转换",
        "department": "部门合计变化",
        "post": "岗位类别合计变化",
        "winners": "增加最多",
        "losers": "减少最多",
        "gone": "消失的警告",
        "new": "新增警告",
    },
    "en": {
        "rules": "rules",
        "period": "period",
        "paid": "paid",
        "changed": "grade_changes",
        "matrix": "grade_transitions",
        "department": "total_by_department",
        "post": "total_by_post_category",
        "winners": "winners",
        "losers": "losers",
        "gone": "warnings_gone",
        "new": "warnings_new",
    },
}


_c = column


SUMMARY = (
    _c("section", "类别"),
    _c("item", "项目"),
    _c("old", "原", "coef"),
    _c("new", "新", "coef"),
    _c("change", "变化", "coef"),
)
SCORES = (
    _c("old_score", "原得分", "score"),
    _c("new_score", "新得分", "score"),
    _c("score_change", "得分变化", "score"),
    _c("old_rank", "原排名", "int"),
    _c("new_rank", "新排名", "int"),
    _c("rank_change", "排名变化", "int"),
    _c("old_grade", "原等次"),
    _c("new_grade", "新等次"),
)
PEOPLE_COLUMNS = (
    _c("population", "对象"),
    _c("id", "工号"),
    _c("name", "姓名"),
    _c("department", "部门"),
    _c("post_category", "岗位类别"),
    *SCORES,
    _c("old_bonus", "原绩效奖金", "money"),
    _c("new_bonus", "新绩效奖金", "money"),
    _c("bonus_change", "奖金变化", "money"),
    _c("old_total", "原合计", "money"),
    _c("new_total", "新合计", "money"),
    _c("total_change", "合计变化", "money"),
)
DEPARTMENT_COLUMNS = (_c("department", "部门"), *SCORES)
GRADE_COLUMNS = (
    _c("population", "对象"),
    _c("id", "工号/部门"),
    _c("name", "姓名"),
    _c("old_grade", "原等次"),
    _c("new_grade", "新等次"),
    *SCORES[:2],
    *SCORES[3:5],
)


def _of(side: Standing | None, field: str) -> Any:
    return None if side is None else getattr(side, field)


def _scores(m: MemberImpact) -> list[Any]:
    return [
        _of(m.old, "score"),
        _of(m.new, "score"),
        m.score_delta,
        _of(m.old, "rank"),
        _of(m.new, "rank"),
        m.rank_delta,
        m.old_grade,
        m.new_grade,
    ]


def impact_sheets(result: Impact, lang: str = "zh") -> list[Sheet]:
    """The four sheets of impact.xlsx: 汇总, 个人, 部门, 等次变化."""
    pop, sec = _POP[lang], _SECTIONS[lang]
    summary: list[list[Any]] = [
        [sec["rules"], "", result.old_rules, result.new_rules, None],
        [sec["period"], "", None, str(result.period), None],
    ]
    summary += [[sec["paid"], _PAID[lang][str(s.key)], s.old, s.new, s.delta] for s in result.paid]
    summary += [[sec["changed"], pop[p], None, None, c] for p, (c, _) in result.grade_changes().items()]
    summary += [[sec["matrix"], pop[t.population], t.old, t.new, t.count] for t in result.transitions]
    for name, shifts in (("department", result.by_department), ("post", result.by_post_category)):
        summary += [[sec[name], s.key or pop[None], s.old, s.new, s.delta] for s in shifts]
    for name, members in (("winners", result.winners), ("losers", result.losers)):
        summary += [[sec[name], f"{m.id} {m.name}", m.old_total, m.new_total, m.total_delta] for m in members]
    summary += [[sec["gone"], w, None, None, None] for w in result.warnings_gone]
    summary += [[sec["new"], w, None, None, None] for w in result.warnings_new]
    people = [
        [
            pop[m.population],
            m.id,
            m.name,
            m.department,
            m.post_category,
            *_scores(m),
            _of(m.old, "bonus"),
            _of(m.new, "bonus"),
            m.bonus_delta,
            _of(m.old, "total"),
            _of(m.new, "total"),
            m.total_delta,
        ]
        for m in result.people
    ]
    changed = [
        [
            pop[m.population],
            m.id,
            m.name,
            m.old_grade,
            m.new_grade,
            *_scores(m)[:2],
            *_scores(m)[3:5],
        ]
        for p in POPULATIONS
        for m in result.members(p)
        if m.old_grade != m.new_grade
    ]
    return [
        Sheet("summary", "汇总", "summary", SUMMARY, summary),
        Sheet("people", "个人", "people", PEOPLE_COLUMNS, people),
        Sheet(
            "departments",
            "部门",
            "departments",
            DEPARTMENT_COLUMNS,
            [[m.id, *_scores(m)] for m in result.departments],
        ),
        Sheet("grade_changes", "等次变化", "grade_changes", GRADE_COLUMNS, changed),
    ]


def write_impact_workbook(
    result: Impact, out: Path, force: bool, inputs: list[Path], *, lang: str = "zh"
) -> Path:
    """Write impact.xlsx atomically; never over ``inputs``, never over a file without ``force``.

    The workbook writer of the results is reused, so text is always written as
    text (never a formula) and numbers keep the results' formats.
    """
    check_output(out, force=force, inputs=inputs)
    created = datetime.combine(result.period.last_day, time())
    sheets = impact_sheets(result, lang)
    write_atomically(out, lambda temp: write_workbook(temp, sheets, lang, created))
    return out
