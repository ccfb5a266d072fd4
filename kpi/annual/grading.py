"""Annual ranks and grades under the annual quota (method §10, with §5.8 / §7 and §13).

The walk is the quarterly one, :func:`~kpi.engine.grades.grade_population`,
over the graded members of each population, under the rules as the year reads
them (:func:`annual_view`): ``annual.grades`` is the grades section and
``annual.veto_max_grade`` the veto's grade cap. So every option of the
quarterly grades holds for the year — quota rounding, ``quota_scope:
department`` (the quota group is the latest quarter's 部门), ties at a cut,
vetoed members never taking a place, and ``quota_by_department_grade`` set by
the department's *annual* grade. The quota base n counts the graded members
only, vetoed ones included; members not graded get no rank and 不定等次.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.annual.members import MEMBER_WORD
from kpi.annual.results import NOT_GRADED
from kpi.engine.grades import QuotaOf, grade_population, quota_table
from kpi.engine.steps import Cite, Item, fact, formulas, num, show
from kpi.errors import Location, Problem
from kpi.i18n import KeyPath, _
from kpi.rules.schema import Rules

if TYPE_CHECKING:
    from kpi.rules.loader import RulesFile

F = formulas(__name__, "10")
RANK = F("rank", "")  # competition rank among the graded members of the population
QUOTA_PLACES = F("quota places", "")  # floor|round|ceil(n × quota) with the annual bands
GRADE = F("grade", "")  # the band reached, moved down by full quotas, capped by a veto in the year

#: The key column of each population's published frame.
KEY = {"individuals": "id", "leaders": "id", "departments": "department"}
#: Identity columns each population keeps (after its key).
IDENTITY = {"individuals": ("name", "department"), "leaders": ("name", "kind"), "departments": ()}
#: The population in words, in the rank step's note ("of 5 graded individuals").
_POPULATION_WORDS = {
    "individuals": _("individuals"),
    "leaders": _("leaders"),
    "departments": _("departments"),
}
#: Graded first: individuals' quotas may depend on the departments' annual grades.
ORDER = ("departments", "leaders", "individuals")


def annual_view(rules: Rules) -> Rules:
    """The rules as the year's grade walk reads them: ``annual.grades`` as ``grades`` and
    ``annual.veto_max_grade`` as ``veto.max_grade`` (the lowest band when there is none:
    then nobody is vetoed in the year and the cap is never used)."""
    annual = rules.annual
    assert annual is not None
    cap = annual.veto_max_grade or annual.grades.bands[-1].name
    return rules.model_copy(
        update={"grades": annual.grades, "veto": rules.veto.model_copy(update={"max_grade": cap})}
    )


class Graded:
    """The published population frames, quota places, quota sources and warnings of the walk."""

    def __init__(self) -> None:
        self.frames: dict[str, pd.DataFrame] = {}
        self.quotas: dict[str, dict[tuple[str, str], int]] = {}
        self.quota_sources: dict[tuple[str, str], tuple[Decimal, str]] = {}
        self.warnings: list[Problem] = []


def grade_year(scored: dict[str, pd.DataFrame], rules_file: RulesFile) -> Graded:
    """Rank and grade each population's graded members (module doc)."""
    view = annual_view(rules_file.rules)
    grades = view.grades
    where = Location(rules_file.path, line=rules_file.line_of("annual", "grades", "bands"))

    def band_at(index: int) -> Location:
        return Location(rules_file.path, line=rules_file.line_of("annual", "grades", "bands", index))

    out = Graded()
    department_grades: dict[str, str] = {}
    for population in ORDER:
        frame = scored[population]
        graded = frame[frame["graded"]]
        by_department = population == "individuals" and grades.quota_scope == "department"
        groups = list(graded["department"]) if by_department else [""] * len(graded)
        sizes: dict[str, int] = {}
        for group in groups:
            sizes[group] = sizes.get(group, 0) + 1
        sizes = sizes or {"": 0}
        quota_of = _individual_quota(view, department_grades) if by_department else None
        grading = grade_population(
            pd.DataFrame(
                {
                    "id": list(graded["key"]),
                    "score": list(graded["score"]),
                    "vetoed": list(graded["vetoed"]),
                    "quota_group": groups,
                },
                dtype=object,
            ),
            view,
            MEMBER_WORD[population],
            group_sizes=sizes if by_department else None,
            where=where,
            band_at=band_at,
            quota_of=quota_of,
        )
        out.warnings += grading.warnings
        out.frames[population] = _published(frame, grading.frame, population)
        out.quotas[population] = quota_table(view, sizes, quota_of)
        if population == "departments":
            department_grades = dict(zip(grading.frame["id"], grading.frame["grade"], strict=True))
        if quota_of is not None:
            out.quota_sources = {
                (band.name, department): (by_grade[grade], grade)
                for band in grades.bands
                if (by_grade := band.quota_by_department_grade) is not None
                for department in sizes
                if (grade := department_grades.get(department)) is not None
            }
    return out


def _individual_quota(view: Rules, department_grades: dict[str, str]) -> QuotaOf:
    """Individuals' quota of a band in their department (method §13 with the annual grades):
    ``quota_by_department_grade`` of the department's annual grade; in a department not
    graded in the year, the band's own ``quota`` (0 when it has none)."""
    bands = view.grades.bands

    def quota_of(index: int, department: str) -> Decimal | None:
        band = bands[index]
        by_grade = band.quota_by_department_grade
        if by_grade is None:
            return band.quota
        grade = department_grades.get(department)
        if grade is None:
            return band.quota if band.quota is not None else Decimal(0)
        return by_grade[grade]

    return quota_of


def _published(frame: pd.DataFrame, grading: pd.DataFrame, population: str) -> pd.DataFrame:
    """Graded members in the walk's order with their grades, then the others by id."""
    frame = frame.drop(columns=[c for c in ("name", "department", "kind") if c not in IDENTITY[population]])
    frame = frame.rename(columns={"key": "id"})
    graded = grading.merge(frame, on="id", how="left", validate="one_to_one")
    blank = dict.fromkeys(c for c in grading.columns if c != "id")
    rest = frame[~frame["graded"]].sort_values("id", kind="stable").assign(**{**blank, "grade_note": ""})
    order = [*frame.columns, *blank]
    out = pd.concat([graded[order].astype(object), rest[order].astype(object)], ignore_index=True)
    for column in ("rank", "quota_n", "quota_place"):  # whole numbers, or None (not NaN)
        out[column] = pd.Series([None if pd.isna(v) else int(v) for v in out[column]], dtype=object)
    return out.astype({"graded": bool, "vetoed": bool}).rename(columns={"id": KEY[population]})


# derivations ---------------------------------------------------------------------------------


def steps(
    row: dict[str, Any],
    population: str,
    graded_count: int,
    quotas: dict[tuple[str, str], int],
    quota_sources: dict[tuple[str, str], tuple[Decimal, str]],
    view: Rules,
    cite: Cite,
    lang: str = "zh",
) -> list[Item]:
    """Rank among the graded, the band the score reached, the quota places of the bands tried
    (none for a member vetoed in the year), and the grade; or why the member is not graded."""
    annual = view.annual
    assert annual is not None
    if not row["graded"]:
        return [
            fact(
                _(
                    "appears in {n} quarter(s), fewer than {key} {min}: not graded, left out of n "
                    "and of the bonus",
                    n=row["quarters"],
                    key=KeyPath("annual.min_quarters"),
                    min=annual.min_quarters,
                ),
                cite.rule("annual", "min_quarters"),
            ),
            GRADE.step(NOT_GRADED[lang]),
        ]
    items: list[Item] = [
        RANK.step(
            int(row["rank"]),
            note=_(
                "of {n} graded {population}, by score descending then id (competition ranking)",
                n=graded_count,
                population=_POPULATION_WORDS[population],
            ),
        )
    ]
    bands = view.grades.bands
    reached = next(i for i, b in enumerate(bands) if b.name == row["band"])
    items.append(
        fact(
            _(
                "score {score} reaches band {band} (min {min})",
                score=show(row["score"]),
                band=bands[reached].name,
                min=show(bands[reached].min),
            ),
            cite.rule("annual", "grades", "bands", reached, "min"),
        )
    )
    final = next(i for i, b in enumerate(bands) if b.name == row["grade"])
    group = str(row["quota_group"] or "")
    rounding = view.grades.quota_rounding
    for i in [] if row["vetoed"] else range(reached, final + 1):
        band = bands[i]
        by_grade = quota_sources.get((band.name, group)) if population == "individuals" else None
        if by_grade is not None:
            quota, department_grade = by_grade
            items.append(
                fact(
                    _(
                        "{department} is graded {grade} for the year: the quota of {band} is {quota}",
                        department=group,
                        grade=department_grade,
                        band=band.name,
                        quota=show(quota),
                    ),
                    cite.rule("annual", "grades", "bands", i, "quota_by_department_grade", department_grade),
                )
            )
            key = "quota_by_department_grade"
        elif band.quota is None:
            continue
        else:
            quota, key = band.quota, "quota"
        items.append(
            QUOTA_PLACES.step(
                quotas.get((band.name, group), 0),
                label=_("quota places of {band} in {group}", band=band.name, group=group)
                if group
                else _("quota places of {band}", band=band.name),
                formula=f"{rounding}(n × quota)",
                expression=f"{rounding}({int(row['quota_n'])} × {num(quota)})",
                sources=[
                    cite.rule("annual", "grades", "bands", i, key),
                    cite.rule("annual", "grades", "quota_rounding"),
                ],
            )
        )
    if row["grade_note"]:
        note = row["grade_note"]
        items.append(fact(note if isinstance(note, str) else str(note)))
    if row["quota_place"] is not None:
        items.append(
            fact(_("takes quota place {place} of {grade}", place=int(row["quota_place"]), grade=row["grade"]))
        )
    items.append(GRADE.step(row["grade"], note=_("factor {factor}", factor=show(row["grade_factor"]))))
    return items
