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
from kpi.engine.steps import Cite, Item, fact
from kpi.errors import KpiError, Location
from kpi.explain.model import Explanation, Section

_KIND = {"main_leader": "主要领导 main leader", "leader_in_charge": "分管领导 leader in charge"}
_POPULATION = {"individuals": "个人 individual", "leaders": "领导 leader", "departments": "部门 department"}


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
        ids = ", ".join(sorted(i for _, i in named))
        raise UnknownMember.single(f"--who {who!r} names {len(named)} people ({ids}): give the 工号")
    choices = [
        str(v)
        for population, key in (("individuals", "id"), ("leaders", "id"), ("departments", "department"))
        for v in results.population(population)[key]
    ]
    close = difflib.get_close_matches(who, choices, n=3, cutoff=0.5)
    hint = f" — did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    quarters = ", ".join(str(q.period) for q in results.quarters)
    raise UnknownMember.single(
        f"--who {who!r} is not a 工号, department or 姓名 of the results of {quarters}{hint}", Location()
    )


def explain_year(results: AnnualResults, who: str, lang: str = "zh") -> Explanation:
    """The derivation of ``who``'s annual score, rank, grade and bonus, in ``lang`` (zh | en)."""
    population, key = resolve(results, who)
    frame = results.population(population)
    column = "department" if population == "departments" else "id"
    row: dict[str, Any] = {str(k): v for k, v in frame[frame[column] == key].iloc[0].items()}
    cite = Cite(results)
    annual = results.annual
    ex = Explanation(key, population.removesuffix("s"), "", lang)
    name = f"{key} {row['name']}" if population != "departments" else f"{ex.pick('部门 department')} {key}"
    extra = f"  {ex.pick(_KIND[row['kind']])}" if population == "leaders" else ""
    ex.title = f"{name}{extra}  ({ex.pick('年度考核 annual appraisal')} {results.year})"
    ex.sections.append(_sources(ex, results))
    ex.section("成员 member", _member(ex, row, population))
    ex.section("季度得分 quarter scores", scores.quarter_steps(row, annual, cite))
    if results.year_end is not None:
        _optional(ex, "年终测评 year-end evaluation", evaluation.steps(results, key, cite))
    ex.section("年度得分 annual score", scores.score_steps(row, annual, cite))
    _optional(ex, "否决 veto", scores.veto_steps(row, annual, cite))
    graded = int(frame["graded"].sum())
    quotas, sources = results.quotas[population], results.quota_sources
    view = grading.annual_view(results.rules)
    ex.section(
        "排名与等次 rank and grade",
        grading.steps(row, population, graded, quotas, sources, view, cite, lang),
    )
    if results.bonus is not None:
        _optional(ex, "年度奖金 annual bonus", bonus.steps(results.bonus, key, results.rules, cite))
    ex.final = _final(results, row, key, lang)
    return ex


def _optional(ex: Explanation, title: str, items: list[Item] | None) -> None:
    """A section only when its module has steps for this member (None: it does not apply)."""
    if items is not None:
        ex.section(title, items)


def _sources(ex: Explanation, results: AnnualResults) -> Section:
    rules_file = results.rules_file
    rules = rules_file.rules
    section = Section(ex.pick("规则与输入 rules and inputs"))
    section.fact(f"{rules.name} {rules.version}", f"{rules_file.path} sha256 {rules_file.sha256[:12]}…")
    for q in results.quarters:
        section.fact(f"{q.period}: {q.path} ({q.rules})", f"sha256 {q.sha256[:12]}…")
    if results.year_end is not None:
        year_end = results.year_end
        section.fact(
            f"{ex.pick('年终测评 year-end evaluation')}: {year_end.path}", f"sha256 {year_end.sha256[:12]}…"
        )
    return section


def _member(ex: Explanation, row: dict[str, Any], population: str) -> list[Item]:
    """Which quarters the member appears in, in which population, and where it is now."""
    runs: list[tuple[str, list[str]]] = []
    for seen in row["seen"]:
        if runs and runs[-1][0] == seen.population:
            runs[-1][1].append(seen.label)
        else:
            runs.append((seen.population, [seen.label]))
    items: list[Item] = [
        fact("; ".join(f"{ex.pick(_POPULATION[p])} in {', '.join(labels)}" for p, labels in runs))
    ]
    if population == "individuals" and row.get("department"):
        items.append(fact(f"{ex.pick('部门 department')} {row['department']} (latest quarter)"))
    return items


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
