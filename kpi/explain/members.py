"""``kpi explain --who``: the full derivation of one person's or department's result.

Resolves ``--who`` (a 工号, a department, or a unique 姓名) and lays out, in
sections, the steps the engine modules give for that member
(``indicators.steps``, ``departments.score_steps``, …). Which formula applies,
and with which operands, is decided by the engine module that computes it;
this module only picks the sections a kind of member has and renders them.
"""

from __future__ import annotations

import difflib
from typing import Any

from kpi.engine import (
    bonus,
    departments,
    evaluation,
    grades,
    indicators,
    individuals,
    leaders,
    points,
    service,
    weighting,
)
from kpi.engine.lookup import first, published_row
from kpi.engine.results import Results
from kpi.engine.steps import Cite, Item
from kpi.errors import KpiError, Location
from kpi.explain.model import Explanation, Section, show
from kpi.i18n import N_, _, current_language, tr
from kpi.io.names import COLUMN_NAMES


class UnknownMember(KpiError):
    """--who names no person or department of the workbook."""


def _record(frame: Any, key: str, value: str) -> dict[str, Any]:
    record = published_row(frame, key, value)
    return record


def resolve(results: Results, who: str) -> tuple[str, str]:
    """(kind, key) for ``who``: an id, a department name, or a 姓名 that names one person."""
    who = who.strip()
    for kind, frame, key in (
        ("individual", results.individuals, "id"),
        ("leader", results.leaders, "id"),
        ("department", results.departments, "department"),
    ):
        if who in set(frame[key]):
            return kind, who
    people = results.inputs.people
    named = people[people["name"] == who]
    if len(named) == 1:
        pid = str(named.iloc[0]["id"])
        return ("leader" if pid in set(results.leaders["id"]) else "individual"), pid
    if len(named) > 1:
        ids = ", ".join(sorted(named["id"]))
        raise UnknownMember.single(
            _("--who {who!r} names {n} people ({ids}): give the 工号", who=who, n=len(named), ids=ids)
        )
    choices = [*people["id"], *people["name"], *results.departments["department"]]
    close = difflib.get_close_matches(who, [str(c) for c in choices], n=3, cutoff=0.5)
    if close:
        message = _(
            "--who {who!r} is not a 工号, department or 姓名 of {path} — did you mean {choices}?",
            who=who,
            path=results.inputs.path,
            choices=" / ".join(repr(c) for c in close),
        )
    else:
        message = _(
            "--who {who!r} is not a 工号, department or 姓名 of {path}", who=who, path=results.inputs.path
        )
    raise UnknownMember.single(message, Location(results.inputs.path))


def explain(results: Results, who: str, lang: str | None = None) -> Explanation:
    """The derivation of ``who``'s results, with titles and labels in ``lang`` (zh | en;
    None: :func:`~kpi.i18n.current_language`)."""
    kind, key = resolve(results, who)
    return explain_member(results, kind, key, lang)


def explain_member(results: Results, kind: str, key: str, lang: str | None = None) -> Explanation:
    """The derivation of the ``kind`` (individual | leader | department) member ``key``
    (its 工号 or department name), already resolved: what ``explain`` shows for it."""
    lang = lang or current_language()
    builder = {"individual": _individual, "leader": _leader, "department": _department}[kind]
    explanation = builder(results, key, lang)
    rules_file = results.rules_file
    rules = rules_file.rules
    meta = [f"{rules.name} {rules.version}"]
    if rules.source:
        meta.append(rules.source)
    if rules.effective_from:
        meta.append(_("effective {date}", date=rules.effective_from.isoformat()).to(lang))
    head = Section(explanation.heading(N_("rules and input")))
    head.fact(", ".join(meta), f"{rules_file.path} sha256 {rules_file.sha256[:12]}…")
    head.fact(results.inputs.path, f"sha256 {results.inputs.sha256[:12]}…")
    explanation.sections.insert(0, head)
    return explanation


def _optional(ex: Explanation, title: str, items: list[Item] | None) -> None:
    """A section only when its engine module has steps for this member (None: it does not apply)."""
    if items is not None:
        ex.section(title, items)


def _department(results: Results, name: str, lang: str) -> Explanation:
    cite = Cite(results)
    ex = Explanation(name, "department", "", lang)
    ex.title = _("department {name}  ({period})", name=name, period=results.period).to(lang)
    row = departments.row_of(results, name)
    ex.section(N_("department")).fact(
        _("leader in charge {leader}", leader=row["leader_in_charge"]),
        cite.row("departments", int(row["row"])),
    )
    ex.section(N_("indicators"), indicators.steps(results, name, cite))
    ex.section(N_("city weighting"), weighting.city_steps(results, name, cite))
    _optional(ex, N_("evaluation"), evaluation.steps(results, name, cite))
    ex.section(N_("department score"), departments.weighted_steps(results, name, cite))
    ex.section(N_("points"), points.steps(results, name, cite, person=False))
    ex.section(N_("score with points"), departments.score_steps(results, name, cite))
    _optional(ex, N_("veto"), departments.veto_steps(results, name, cite))
    ex.section(N_("rank and grade"), grades.steps(results, "departments", row, cite))
    ex.final = {"score": row["score"], "rank": int(row["rank"]), "grade": row["grade"]}
    return ex


def _roster(ex: Explanation, results: Results, cite: Cite, pid: str) -> dict[str, Any]:
    person = _record(results.inputs.people, "id", pid)
    names = COLUMN_NAMES["people"]
    lang = ex.language
    months = _("blank (full period)").to(lang) if person["months"] is None else show(person["months"])
    values = {
        "department": person["department"],
        "post_category": person["post_category"],
        "role": person["role"],
        "bonus_base": show(person["bonus_base"]),
        "months": months,
    }
    # The labels are the 人员 sheet's column names (the workbook's own words, zh or en).
    section = ex.section(N_("roster"))
    section.fact(
        ("，" if lang == "zh" else ", ").join(
            f"{names[k][0 if lang == 'zh' else 1]} {v}" for k, v in values.items() if v is not None
        ),
        cite.row("people", int(person["row"])),
    )
    return person


def _individual(results: Results, pid: str, lang: str) -> Explanation:
    cite = Cite(results)
    row = individuals.row_of(results, pid)
    ex = Explanation(pid, "individual", f"{pid} {row['name']}  ({results.period})", lang)
    _roster(ex, results, cite, pid)
    _optional(ex, N_("service requests"), service.steps(results, pid, cite, lang))
    ex.section(N_("points"), points.steps(results, pid, cite, person=True))
    ex.section(N_("personal score"), individuals.personal_steps(results, pid, cite))
    ex.section(N_("department score"), individuals.department_steps(results, pid, cite))
    _optional(ex, N_("evaluation"), evaluation.steps(results, pid, cite))
    ex.section(N_("score"), individuals.score_steps(results, pid, cite))
    _optional(ex, N_("veto"), individuals.veto_steps(results, pid, cite))
    ex.section(N_("rank and grade"), grades.steps(results, "individuals", row, cite))
    _optional(ex, N_("bonus"), bonus.steps(results, pid, cite))
    ex.final = _final(results, pid, row)
    return ex


def _leader(results: Results, pid: str, lang: str) -> Explanation:
    cite = Cite(results)
    row = leaders.row_of(results, pid)
    kind = {"main_leader": N_("main leader"), "leader_in_charge": N_("leader in charge")}
    ex = Explanation(pid, "leader", "", lang)
    ex.title = f"{pid} {row['name']}  {tr(kind[row['kind']], lang)}  ({results.period})"
    _roster(ex, results, cite, pid)
    ex.section(N_("zone city score"), weighting.zone_steps(results, cite))
    _optional(ex, N_("service requests"), service.steps(results, pid, cite, lang))
    ex.section(N_("points"), points.steps(results, pid, cite, person=True))
    _optional(ex, N_("evaluation"), evaluation.steps(results, pid, cite))
    ex.section(N_("leader score"), leaders.score_steps(results, pid, cite))
    _optional(ex, N_("veto"), leaders.veto_steps(results, pid, cite))
    ex.section(N_("rank and grade"), grades.steps(results, "leaders", row, cite))
    _optional(ex, N_("bonus"), bonus.steps(results, pid, cite))
    ex.final = _final(results, pid, row)
    return ex


def _final(results: Results, pid: str, row: dict[str, Any]) -> dict[str, Any]:
    final: dict[str, Any] = {"score": row["score"], "rank": int(row["rank"]), "grade": row["grade"]}
    paid = first(results.bonus, "id", pid)
    if paid is not None:
        final |= {
            "bonus": int(paid["bonus"]),
            "points_reward": int(paid["points_reward"]),
            "total": int(paid["total"]),
        }
    return final
