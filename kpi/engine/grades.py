"""Ranks and grades (等次) with quotas (method §5, §6.8, §9 "Grades and ranks").

Members are walked once in the deterministic order (score descending, id
ascending). Each takes the highest band its score reaches; a band with a quota
admits at most ``n_q`` members of its quota group, and a member it cannot admit
tries the next band down, then the next. Vetoed members count in ``n`` but never
take a quota place. Every member's row records the band its score reached, the
grade it got, and why they differ, so ``explain`` reads the reason instead of
replaying the walk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.engine.steps import Cite, Item, fact, formulas, num, show
from kpi.engine.tables import Grading as GradingTable
from kpi.errors import ComputeError, Location, Problem
from kpi.i18n import N_, KeyPath, Msg, _
from kpi.numbers import ceil_int, floor_int, round0
from kpi.rules.schema import Band, Rules

if TYPE_CHECKING:
    from kpi.engine.results import Results

F = formulas(__name__, "6.8")
RANK = F(N_("rank"), "")  # competition rank: 1 + the members with a higher score
QUOTA_PLACES = F("quota places", "")  # floor|round|ceil(n × quota), printed with the rounding
GRADE = F(N_("grade"), "")  # the band reached, moved down by full quotas, capped by a veto


#: The word of a member in the quota walk's messages (``grade_population``'s ``population``).
_MEMBER = {"department": _("department"), "leader": _("leader"), "individual": _("individual")}
#: The name of a population in a rank note.
_POPULATION = {"departments": _("departments"), "leaders": _("leaders"), "individuals": _("individuals")}


def _member(population: str) -> str:
    """``population`` as a message parameter: translated when it is a known word."""
    return _MEMBER.get(population, population)


def order_key(score: Decimal, member_id: str) -> tuple[Decimal, str]:
    """Deterministic order: score descending, then id ascending by code point."""
    return (-score, member_id)


def competition_ranks(scores: list[Decimal]) -> list[int]:
    """1, 2, 2, 4 ranks for scores already sorted descending."""
    ranks: list[int] = []
    for i, score in enumerate(scores):
        ranks.append(ranks[-1] if i and score == scores[i - 1] else i + 1)
    return ranks


def quota_places(n: int, quota: Decimal, rounding: str) -> int:
    """n_q = floor|round|ceil(n × q), round being half up."""
    exact = n * quota
    if rounding == "floor":
        return floor_int(exact)
    if rounding == "ceil":
        return ceil_int(exact)
    return int(round0(exact))


@dataclass(frozen=True)
class Grading:
    """The population's grades plus the warnings the quota walk raised."""

    frame: pd.DataFrame
    warnings: list[Problem]


#: The quota of band i for quota group g (None: the band has no quota there).
QuotaOf = Callable[[int, str], Decimal | None]


@dataclass
class _Walk:
    """One population's quota walk: the bands, each group's n, the places taken so far
    (per band and quota group), and the warnings raised on the way."""

    bands: list[Band]
    quota_at: QuotaOf
    sizes: dict[str, int]
    rounding: str
    population: str
    where: Location | None
    located: Callable[[int], Location]
    used: Counter[tuple[int, str]] = field(default_factory=Counter)
    last_admitted: dict[tuple[int, str], tuple[str, Decimal]] = field(default_factory=dict)
    warned: set[tuple[int, str]] = field(default_factory=set)
    warnings: list[Problem] = field(default_factory=list)

    def band_by_score(self, member_id: str, score: Decimal) -> tuple[int, str | Msg]:
        """The highest band whose min the score reaches (the lowest, with a warning, if none)."""
        reached = next((i for i, b in enumerate(self.bands) if score >= b.min), None)
        if reached is not None:
            return reached, ""
        lowest = len(self.bands) - 1
        self.warnings.append(
            Problem.warning(
                self.located(lowest),
                _(
                    "{population} {id}: score {score} is below every band; graded {band} (lowest band)",
                    population=_member(self.population),
                    id=member_id,
                    score=score,
                    band=self.bands[-1].name,
                ),
            )
        )
        return lowest, _("below every band")

    def veto_cap(self, member_id: str, reached: int, cap_index: int, group: str, max_grade: str) -> int:
        """A vetoed member: at most ``veto.max_grade``, then down to the first band without a
        quota (it never takes a place)."""
        start = max(reached, cap_index)
        index = next((i for i in range(start, len(self.bands)) if self.quota_at(i, group) is None), None)
        if index is None:
            raise ComputeError.single(
                _(
                    "{population} {id} is vetoed but no band without a quota lies at or below "
                    "{key} {max_grade}: add one to {bands}",
                    population=_member(self.population),
                    id=member_id,
                    key=KeyPath("veto.max_grade"),
                    max_grade=max_grade,
                    bands=KeyPath("grades.bands"),
                ),
                self.where,
            )
        return index

    def admit(self, member_id: str, score: Decimal, reached: int, group: str) -> tuple[int, int | None]:
        """The first band from ``reached`` down with a free place (or no quota), and the place
        taken there (None in a band without a quota). Warns of a tie at a full band's cut."""
        index: int | None = reached
        while index is not None and (quota := self.quota_at(index, group)) is not None:
            if self.used[(index, group)] < quota_places(self.sizes[group], quota, self.rounding):
                break
            self._tie_at_cut(member_id, score, index, group)
            index = index + 1 if index + 1 < len(self.bands) else None
        if index is None:
            raise ComputeError.single(
                _(
                    "{population} {id}: every band from {band} down is full; the lowest band needs no quota",
                    population=_member(self.population),
                    id=member_id,
                    band=self.bands[reached].name,
                ),
                self.where,
            )
        if self.quota_at(index, group) is None:
            return index, None
        self.used[(index, group)] += 1
        self.last_admitted[(index, group)] = (member_id, score)
        return index, self.used[(index, group)]

    def _tie_at_cut(self, member_id: str, score: Decimal, index: int, group: str) -> None:
        """Warn once per band and group when the member turned away ties the last one admitted."""
        last = self.last_admitted.get((index, group))
        if last is None or last[1] != score or (index, group) in self.warned:
            return
        self.warned.add((index, group))
        params = {
            "population": _member(self.population),
            "band": self.bands[index].name,
            "score": score,
            "admitted": last[0],
            "id": member_id,
        }
        if group:
            message = _(
                "{population}: tie at the quota cut of {band} in {group} (score {score}): "
                "{admitted} takes the last place by id order, {id} does not",
                group=group,
                **params,
            )
        else:
            message = _(
                "{population}: tie at the quota cut of {band} (score {score}): "
                "{admitted} takes the last place by id order, {id} does not",
                **params,
            )
        self.warnings.append(Problem.warning(self.located(index), message))


def grade_population(
    members: pd.DataFrame,
    rules: Rules,
    population: str,
    group_sizes: dict[str, int] | None = None,
    where: Location | None = None,
    band_at: Callable[[int], Location] | None = None,
    quota_of: QuotaOf | None = None,
) -> Grading:
    """Rank and grade one population.

    ``members`` has columns id, score, vetoed and (for department quota scope)
    ``quota_group``. ``group_sizes`` maps each quota group to its n; without it
    the whole population is one group. Returns the members in deterministic
    order with the columns of :class:`~kpi.engine.tables.Grading`. ``where``
    locates grades.bands in the rules file for the errors a band layout can
    cause; ``band_at(i)`` locates band i for the warnings (a tie at its quota
    cut, a score below every band). ``quota_of`` gives a band's quota per quota
    group (individual quotas set by the department's grade); without it every
    group has the band's own ``quota``.
    """
    bands = rules.grades.bands
    walk = _Walk(
        bands,
        quota_of or (lambda i, _group: bands[i].quota),
        group_sizes or {"": len(members)},
        rules.grades.quota_rounding,
        population,
        where,
        band_at or (lambda _: where or Location()),
    )
    groups = members["quota_group"] if group_sizes else [""] * len(members)
    ordered = sorted(
        zip(members["id"], members["score"], members["vetoed"], groups, strict=True),
        key=lambda m: order_key(m[1], m[0]),
    )
    max_grade = rules.veto.max_grade
    cap_index = next(i for i, b in enumerate(bands) if b.name == max_grade)
    rows = []
    for member_id, score, vetoed, group in ordered:
        reached, note = walk.band_by_score(member_id, score)
        if vetoed:
            index, place = walk.veto_cap(member_id, reached, cap_index, group, max_grade), None
            moved = _(
                "vetoed: {reached} capped to {grade}", reached=bands[reached].name, grade=bands[index].name
            )
        else:
            index, place = walk.admit(member_id, score, reached, group)
            moved = _(
                "quota of {reached} full: moved to {grade}",
                reached=bands[reached].name,
                grade=bands[index].name,
            )
        band = bands[index]
        note = moved if index != reached else note
        rows.append(
            (member_id, bands[reached].name, band.name, band.factor, note, group, walk.sizes[group], place)
        )
    frame = pd.DataFrame.from_records(
        rows, columns=[c for c in GradingTable.columns if c != GradingTable.rank]
    )
    frame.insert(1, GradingTable.rank, competition_ranks([m[1] for m in ordered]))
    return Grading(frame, walk.warnings)


def quota_table(
    rules: Rules, sizes: dict[str, int], quota_of: QuotaOf | None = None
) -> dict[tuple[str, str], int]:
    """(band, group) → n_q for every quota band, for explain and the terminal summary."""
    rounding = rules.grades.quota_rounding
    bands = rules.grades.bands
    quota_at: QuotaOf = quota_of or (lambda i, _group: bands[i].quota)
    return {
        (band.name, group): quota_places(n, quota, rounding)
        for i, band in enumerate(bands)
        for group, n in sizes.items()
        if (quota := quota_at(i, group)) is not None
    }


# derivations ------------------------------------------------------------------------


def steps(results: Results, population: str, row: dict[str, Any], cite: Cite) -> list[Item]:
    """Rank within the population, the band the score reached, the quotas of the bands
    tried (none for a vetoed member, who takes no place), and the grade."""
    rules = results.rules
    frame = results.population(population)
    items: list[Item] = [
        RANK.step(
            int(row["rank"]),
            note=_(
                "of {n} {population}, by score descending then id (competition ranking)",
                n=len(frame),
                population=_POPULATION.get(population, population),
            ),
        )
    ]
    bands = rules.grades.bands
    reached = next(i for i, b in enumerate(bands) if b.name == row["band"])
    band = bands[reached]
    items.append(
        fact(
            _(
                "score {score} reaches band {band} (min {min})",
                score=show(row["score"]),
                band=band.name,
                min=show(band.min),
            ),
            cite.rule("grades", "bands", reached, "min"),
        )
    )
    graded = next(i for i, b in enumerate(bands) if b.name == row["grade"])
    tried = [] if row["vetoed"] else range(reached, graded + 1)
    group_name = str(row["quota_group"])
    for i in tried:
        b = bands[i]
        by_grade = results.quota_sources.get((b.name, group_name))
        if population == "individuals" and by_grade is not None:
            quota, department_grade = by_grade
            items.append(
                fact(
                    _(
                        "{department} is graded {grade}: the quota of {band} is {quota}",
                        department=row["quota_group"],
                        grade=department_grade,
                        band=b.name,
                        quota=show(quota),
                    ),
                    cite.rule("grades", "bands", i, "quota_by_department_grade", department_grade),
                )
            )
            key = "quota_by_department_grade"
        elif b.quota is None:
            continue
        else:
            quota, key = b.quota, "quota"
        n = int(row["quota_n"])
        places = results.quotas[population].get((b.name, group_name), 0)
        rounding = rules.grades.quota_rounding
        if row["quota_group"]:
            label = _("quota places of {band} in {group}", band=b.name, group=row["quota_group"])
        else:
            label = _("quota places of {band}", band=b.name)
        items.append(
            QUOTA_PLACES.step(
                places,
                label=label,
                formula=f"{rounding}(n × quota)",
                expression=f"{rounding}({n} × {num(quota)})",
                sources=[cite.rule("grades", "bands", i, key), cite.rule("grades", "quota_rounding")],
            )
        )
    if row["grade_note"]:
        note = row["grade_note"]
        items.append(fact(note if isinstance(note, Msg) else str(note)))
    if row["quota_place"] is not None and not pd.isna(row["quota_place"]):
        items.append(
            fact(_("takes quota place {place} of {grade}", place=int(row["quota_place"]), grade=row["grade"]))
        )
    items.append(GRADE.step(row["grade"], note=_("factor {factor}", factor=show(row["grade_factor"]))))
    return items
