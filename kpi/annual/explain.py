"""``kpi explain --year`` / ``kpi annual --who``: one member's year, derived from the quarter values.

This module only finds the member and puts the sections in order; each step
comes from the module that computes it (:mod:`~kpi.annual.scores`,
:mod:`~kpi.annual.grading`, :mod:`~kpi.annual.bonus`, and
:mod:`kpi.engine.evaluation` for the year-end 测评), reading the published
annual frames, never recomputing.
"""

from __future__ import annotations

import difflib
from typing import Any

from kpi.annual import bonus, grading, scores
from kpi.annual.results import NOT_GRADED, AnnualResults
from kpi.engine import evaluation
from kpi.engine.steps import Cite, Fact, Item, Step, fact
from kpi.errors import KpiError, Location
from kpi.explain.model import Explanation, Section
from kpi.i18n import N_, Msg, _, current_language, render, tr

_KIND = {"main_leader": N_("main leader"), "leader_in_charge": N_("leader in charge")}
_POPULATION = {"individuals": _("individual"), "leaders": _("leader"), "departments": _("department")}
#: Section titles, translated where shown.
SOURCES = N_("rules and inputs")
MEMBER = N_("member")
QUARTER_SCORES = N_("quarter scores")
YEAR_END = N_("year-end evaluation")
ANNUAL_SCORE = N_("annual score")
VETO = N_("veto")
RANK_AND_GRADE = N_("rank and grade")
ANNUAL_BONUS = N_("annual bonus")


class UnknownMember(KpiError):
    """--who names no member of the year."""


def resolve(results: AnnualResults, who: str) -> tuple[str, str]:
    """(population, key) for ``who``: a 工号, a department, or a 姓名 that names one person."""
    who = who.strip()
    for population, key in (("individuals", "id"), ("leaders", "id"), ("departments", "department")):
        if who in set(results.population(population)[key]):
            return population, who
    named = [
        (population, str(record["id"]))
        for population in ("individuals", "leaders")
        for record in results.population(population).to_dict("records")
        if record["name"] == who
    ]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        ids = ", ".join(sorted(i for __, i in named))
        raise UnknownMember.single(
            _("--who {who} names {n} people ({ids}): give the 工号", who=repr(who), n=len(named), ids=ids)
        )
    choices = [
        str(v)
        for population, key in (("individuals", "id"), ("leaders", "id"), ("departments", "department"))
        for v in results.population(population)[key]
    ]
    close = difflib.get_close_matches(who, choices, n=3, cutoff=0.5)
    quarters = ", ".join(str(q.period) for q in results.quarters)
    if close:
        message = _(
            "--who {who} is not a 工号, department or 姓名 of the results of {quarters} — "
            "did you mean {close}?",
            who=repr(who),
            quarters=quarters,
            close=" / ".join(repr(c) for c in close),
        )
    else:
        message = _(
            "--who {who} is not a 工号, department or 姓名 of the results of {quarters}",
            who=repr(who),
            quarters=quarters,
        )
    raise UnknownMember.single(message, Location())


def explain_year(results: AnnualResults, who: str, lang: str | None = None) -> Explanation:
    """The derivation of ``who``'s annual score, rank, grade and bonus, in ``lang`` (zh | en;
    default :func:`~kpi.i18n.current_language`)."""
    lang = lang or current_language()
    population, key = resolve(results, who)
    frame = results.population(population)
    column = "department" if population == "departments" else "id"
    row: dict[str, Any] = {str(k): v for k, v in frame[frame[column] == key].iloc[0].items()}
    cite = Cite(results)
    annual = results.annual
    ex = Explanation(key, population.removesuffix("s"), "", lang)
    if population == "departments":
        member = _("department {name}", name=key).to(lang)
    elif population == "leaders":
        member = f"{key} {row['name']}  {tr(_KIND[row['kind']], lang)}"
    else:
        member = f"{key} {row['name']}"
    ex.title = _("{member}  (annual appraisal {year})", member=member, year=results.year).to(lang)
    ex.sections.append(_sources(results, lang))
    _section(ex, MEMBER, _member(row, population))
    _section(ex, QUARTER_SCORES, scores.quarter_steps(row, annual, cite))
    if results.year_end is not None:
        _section(ex, YEAR_END, evaluation.steps(results, key, cite))
    _section(ex, ANNUAL_SCORE, scores.score_steps(row, annual, cite))
    _section(ex, VETO, scores.veto_steps(row, annual, cite))
    graded = int(frame["graded"].sum())
    quotas, sources = results.quotas[population], results.quota_sources
    view = grading.annual_view(results.rules)
    _section(
        ex,
        RANK_AND_GRADE,
        grading.steps(row, population, graded, quotas, sources, view, cite, lang),
    )
    if results.bonus is not None:
        _section(ex, ANNUAL_BONUS, bonus.steps(results.bonus, key, results.rules, cite))
    ex.final = _final(results, row, key, lang)
    return ex


def _section(ex: Explanation, title: str, items: list[Item] | None) -> None:
    """A section titled ``title`` (an English label) in the explanation's language, its
    messages rendered in that language; none when its module has no steps for this
    member (None: it does not apply)."""
    if items is not None:
        ex.sections.append(Section(tr(title, ex.lang), [_rendered(item, ex.lang) for item in items]))


def _rendered(item: Item, lang: str) -> Item:
    """The item with its messages (a fact's text, a step's label and note) in ``lang``."""
    if isinstance(item, Fact):
        item.text = render(item.text, lang)
    elif isinstance(item, Step):
        item.label = render(item.label, lang)
        item.note = render(item.note, lang)
    return item


def _sources(results: AnnualResults, lang: str) -> Section:
    rules_file = results.rules_file
    rules = rules_file.rules
    section = Section(tr(SOURCES, lang))
    section.fact(f"{rules.name} {rules.version}", f"{rules_file.path} sha256 {rules_file.sha256[:12]}…")
    for q in results.quarters:
        section.fact(f"{q.period}: {q.path} ({q.rules})", f"sha256 {q.sha256[:12]}…")
    if results.year_end is not None:
        year_end = results.year_end
        section.fact(
            _("year-end evaluation: {path}", path=year_end.path).to(lang), f"sha256 {year_end.sha256[:12]}…"
        )
    return section


def _member(row: dict[str, Any], population: str) -> list[Item]:
    """Which quarters the member appears in, in which population, and where it is now."""
    runs: list[tuple[str, list[str]]] = []
    for seen in row["seen"]:
        if runs and runs[-1][0] == seen.population:
            runs[-1][1].append(seen.label)
        else:
            runs.append((seen.population, [seen.label]))
    parts = [
        _("{population} in {quarters}", population=_POPULATION[p], quarters=", ".join(labels))
        for p, labels in runs
    ]
    items: list[Item] = [fact(_joined(parts))]
    if population == "individuals" and row.get("department"):
        items.append(fact(_("department {name} (latest quarter)", name=row["department"])))
    return items


def _joined(parts: list[Msg]) -> Msg:
    """Messages one after the other, separated by semicolons."""
    if len(parts) == 1:
        return parts[0]
    return _("{before}; {after}", before=parts[0], after=_joined(parts[1:]))


def _final(results: AnnualResults, row: dict[str, Any], key: str, lang: str) -> dict[str, Any]:
    final: dict[str, Any] = {
        "quarters_mean": row["quarters_mean"],
        "evaluation": row["evaluation"],
        "score": row["score"],
        "rank": None if row["rank"] is None else int(row["rank"]),
        "grade": row["grade"] if row["graded"] else NOT_GRADED[lang],
    }
    if results.bonus is not None:
        paid = results.bonus[results.bonus["id"] == key]
        if not paid.empty:
            final["bonus"] = int(paid.iloc[0]["bonus"])
    return final
