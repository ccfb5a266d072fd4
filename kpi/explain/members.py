"""``kpi explain --who``: the full derivation of one person's or department's result.

Resolves ``--who`` (a 工号, a department, or a unique 姓名) and builds an
:class:`~kpi.explain.model.Explanation` from the published frames.
"""

from __future__ import annotations

import difflib
from typing import Any

from kpi.engine.results import Results
from kpi.errors import KpiError, Location
from kpi.explain.curves import curve_steps
from kpi.explain.evaluation import evaluation_section
from kpi.explain.model import Explanation, Section, show
from kpi.explain.parts import bonus_section, grade_section, points_section, veto_section
from kpi.explain.service import service_section
from kpi.explain.sources import Cite, num, weighted_mean_expression
from kpi.io.names import COLUMN_NAMES
from kpi.numbers import r6
from kpi.rules.schema import LinearRankScore, PercentileRankScore, TableRankScore


class UnknownMember(KpiError):
    """--who names no person or department of the workbook."""


def _record(frame: Any, key: str, value: str) -> dict[str, Any]:
    record: dict[str, Any] = frame[frame[key] == value].iloc[0].to_dict()
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
        raise UnknownMember.single(f"--who {who!r} names {len(named)} people ({ids}): give the 工号")
    choices = [*people["id"], *people["name"], *results.departments["department"]]
    close = difflib.get_close_matches(who, [str(c) for c in choices], n=3, cutoff=0.5)
    hint = f" — did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownMember.single(
        f"--who {who!r} is not a 工号, department or 姓名 of {results.inputs.path}{hint}",
        Location(results.inputs.path),
    )


def explain(results: Results, who: str, lang: str = "zh") -> Explanation:
    """The derivation of ``who``'s results, with titles and labels in ``lang`` (zh | en)."""
    kind, key = resolve(results, who)
    builder = {"individual": _individual, "leader": _leader, "department": _department}[kind]
    explanation = builder(results, key, lang)
    rules_file = results.rules_file
    rules = rules_file.rules
    meta = [f"{rules.name} {rules.version}"]
    if rules.source:
        meta.append(rules.source)
    if rules.effective_from:
        meta.append(f"effective {rules.effective_from.isoformat()}")
    head = Section(explanation.pick("规则与输入 rules and input"))
    head.fact(", ".join(meta), f"{rules_file.path} sha256 {rules_file.sha256[:12]}…")
    head.fact(results.inputs.path, f"sha256 {results.inputs.sha256[:12]}…")
    explanation.sections.insert(0, head)
    return explanation


def _rank_note(results: Results, rank: int, participants: int) -> str:
    """How q was read off the rank: the method, and a table's default when it applied."""
    method = results.rules.weighting.rank_score
    text = f"rank {rank} of {participants}, {method.method}"
    if isinstance(method, TableRankScore) and rank not in method.table:
        text += f": rank {rank} not in the table, default {show(method.default)}"
    return text


def _rank_expression(results: Results, rank: int, participants: int) -> str:
    """q as arithmetic for the linear and percentile methods ('' for a table look-up)."""
    method = results.rules.weighting.rank_score
    if isinstance(method, LinearRankScore):
        return f"max({num(method.floor)}, {num(method.top)} − ({rank} − 1) × {num(method.step)})"
    if isinstance(method, PercentileRankScore):
        return (
            f"r2({num(method.top)} − ({rank} − 1) / ({participants} − 1) × "
            f"({num(method.top)} − {num(method.bottom)}))"
        )
    return ""


def _department_scores(ex: Explanation, results: Results, cite: Cite, name: str) -> dict[str, Any]:
    row = _record(results.departments, "department", name)
    rules = results.rules
    detail = results.indicator_detail[results.indicator_detail["department"] == name]
    section = ex.section("指标数 indicators")
    for ind in detail.to_dict("records"):
        sources = [cite.row("indicators", int(ind["row"]))]
        if ind.get("curve"):
            curve_steps(section, ind, cite)
        elif ind["direction"] == "评分":
            section.step(
                f"s {ind['id']} {ind['name']}",
                ind["score"],
                formula="r2(actual)",
                expression=f"r2({num(ind['actual'])})",
                sources=sources,
            )
        else:
            ratio = (
                f"{num(ind['actual'])} / {num(ind['target'])}"
                if ind["direction"] == "正向"
                else f"{num(ind['target'])} / {num(ind['actual'])}"
            )
            note = ind["direction"]
            if ind["direction"] == "反向" and ind["actual"] == 0:
                ratio, note = num(rules.indicators.cap), "反向 with actual 0: ρ = cap"
            shown = r6(ind["ratio"])
            section.step(
                f"ρ {ind['id']} {ind['name']}",
                shown,
                expression=ratio,
                note=note,
                sources=sources,
                approx=shown != ind["ratio"],
            )
            late = " late: completed after deadline" if ind["late"] else ""
            # ρ enters s exactly: as its own division, not as the 6-decimal figure shown.
            section.step(
                f"s {ind['id']}",
                ind["score"],
                formula="r2(100 × clamp(ρ, 0, cap) × factor)",
                expression=f"r2(100 × clamp({ratio}, 0, {num(rules.indicators.cap)}) × {num(ind['factor'])})",
                exact=ind["score_exact"],
                note=late.strip(),
                sources=[cite.rule("indicators", "cap")]
                + ([cite.rule("indicators", "late_factor")] if ind["late"] else []),
            )
        section.step(
            f"e {ind['id']}",
            ind["effective_weight"],
            formula="weight × level_multiplier",
            expression=f"{num(ind['weight'])} × {num(ind['level_multiplier'])}",
            sources=[cite.rule("indicators", "level_multiplier", ind["level"])],
        )
    if row["indicator_score"] is None:
        section.fact("no indicators: the indicator component is absent")
    else:
        section.step(
            "I",
            row["indicator_score"],
            formula="r2(Σ e s / Σ e)",
            expression=weighted_mean_expression(
                zip(detail["effective_weight"], detail["score"], strict=True)
            ),
            exact=row["indicator_exact"],
        )
    section = ex.section("加权数 city weighting")
    terms_frame = results.city_terms[results.city_terms["department"] == name]
    city = results.city_detail.set_index("indicator")
    for term in terms_frame.to_dict("records"):
        q = city.loc[term["indicator"]]
        section.fact(
            f"{term['indicator']}: {_rank_note(results, int(q['rank']), int(q['participants']))}, "
            f"q = {show(q['rank_score'])}, "
            f"weight {show(term['weight'])} × share {show(term['share'])} = {show(term['share_weight'])}",
            cite.row("city_rankings", int(q["row"])),
            cite.row("city_shares", int(term["row"])),
            cite.rule("weighting", "rank_score"),
        )
    if row["city_score"] is None:
        section.fact("no city shares: the city component is absent")
    else:
        section.step(
            "C",
            row["city_score"],
            formula="r2(Σ w a q / Σ w a)",
            expression=weighted_mean_expression(
                zip(terms_frame["share_weight"], terms_frame["rank_score"], strict=True)
            ),
            exact=row["city_exact"],
        )
    evaluation_section(ex, results, cite, name)
    section = ex.section("部门得分 department score")
    parts = [(row["w_indicators"], row["indicator_score"]), (row["w_city"], row["city_score"])]
    parts.append((row["w_evaluation"], row["evaluation_score"]))
    present = [(w, x) for w, x in parts if x is not None]
    section.step(
        "D weighted",
        row["weighted"],
        formula="r2(Σ W X / Σ W) over the components present",
        expression=weighted_mean_expression(present),
        exact=row["weighted_exact"],
        sources=[cite.rule("department", "weights")],
    )
    return row


def _department(results: Results, name: str, lang: str) -> Explanation:
    cite = Cite(results)
    ex = Explanation(name, "department", "", lang)
    ex.title = f"{ex.pick('部门 department')} {name}  ({results.period})"
    row = _record(results.departments, "department", name)
    ex.section("部门 department").fact(
        f"{ex.pick('分管领导 leader_in_charge')} {row['leader_in_charge']}",
        cite.row("departments", int(row["row"])),
    )
    _department_scores(ex, results, cite, name)
    points = points_section(ex, results, cite, name, person=False)
    section = ex.section("部门得分（含点数） score with points")
    section.step(
        "D",
        row["after_points"],
        formula="D weighted + P",
        expression=f"{num(row['weighted'])} + {num(points)}",
    )
    veto_section(ex, results, cite, row, row["after_points"], "D vetoed")
    grade_section(ex, results, cite, "departments", row)
    ex.final = {"score": row["score"], "rank": int(row["rank"]), "grade": row["grade"]}
    return ex


def _roster(ex: Explanation, results: Results, cite: Cite, pid: str) -> dict[str, Any]:
    person = _record(results.inputs.people, "id", pid)
    names = COLUMN_NAMES["people"]
    months = "blank (full period)" if person["months"] is None else show(person["months"])
    values = {
        "department": person["department"],
        "post_category": person["post_category"],
        "role": person["role"],
        "bonus_base": show(person["bonus_base"]),
        "months": months,
    }
    section = ex.section("人员 roster")
    section.fact(
        ", ".join(f"{ex.pick(' '.join(names[k]))} {v}" for k, v in values.items() if v is not None),
        cite.row("people", int(person["row"])),
    )
    return person


def _individual(results: Results, pid: str, lang: str) -> Explanation:
    cite = Cite(results)
    row = _record(results.individuals, "id", pid)
    rules = results.rules
    ex = Explanation(pid, "individual", f"{pid} {row['name']}  ({results.period})", lang)
    _roster(ex, results, cite, pid)
    service_section(ex, results, cite, pid)
    points = points_section(ex, results, cite, pid, person=True)
    section = ex.section("个人得分 personal score")
    section.step(
        "Q",
        row["personal_score"],
        formula="r2(base_score + P)",
        expression=f"r2({num(rules.base_score)} + {num(points)})",
        sources=[cite.rule("base_score")],
    )
    dept = _record(results.departments, "department", row["department"])
    section = ex.section("部门得分 department score")
    section.step(
        "D",
        row["department_score"],
        note=(
            f"{row['department']}: weighted {show(dept['weighted'])} + points {show(dept['points'])}"
            + (", vetoed and capped" if dept["vetoed"] else "")
            + f"; kpi explain --who {row['department']} derives it"
        ),
    )
    evaluation_section(ex, results, cite, pid)
    section = ex.section("综合得分 score")
    wd, wp = row["w_department"], row["w_personal"]
    weight_path = row["weights_from"].split(".")
    pairs = [(wd, row["department_score"]), (wp, row["personal_score"])]
    formula = "r2((w_dep × D + w_per × Q) / (w_dep + w_per))"
    if row["evaluation_score"] is not None:
        pairs.append((row["w_evaluation"], row["evaluation_score"]))
        formula = "r2((w_dep × D + w_per × Q + w_eval × E) / (w_dep + w_per + w_eval))"
    elif results.rules.evaluation is not None:
        section.fact("no evaluation score: the weights are normalised over D and Q")
    section.step(
        "S",
        row["weighted"],
        formula=formula,
        expression=weighted_mean_expression(pairs),
        exact=row["weighted_exact"],
        sources=[cite.rule(*weight_path)],
    )
    veto_section(ex, results, cite, row, row["weighted"], "S vetoed")
    grade_section(ex, results, cite, "individuals", row)
    bonus_section(ex, results, cite, pid)
    ex.final = _final(results, pid, row)
    return ex


def _leader(results: Results, pid: str, lang: str) -> Explanation:
    cite = Cite(results)
    row = _record(results.leaders, "id", pid)
    rules = results.rules
    kind = {"main_leader": "主要领导 main leader", "leader_in_charge": "分管领导 leader in charge"}
    ex = Explanation(pid, "leader", "", lang)
    ex.title = f"{pid} {row['name']}  {ex.pick(kind[row['kind']])}  ({results.period})"
    _roster(ex, results, cite, pid)
    section = ex.section("全区得分 zone city score")
    city = results.city_detail
    for q in city.to_dict("records"):
        section.step(
            f"q {q['indicator']}",
            q["rank_score"],
            exact=q["rank_score_exact"],
            expression=_rank_expression(results, int(q["rank"]), int(q["participants"])),
            note=_rank_note(results, int(q["rank"]), int(q["participants"])),
            sources=[
                cite.row("city_rankings", int(q["row"])),
                cite.rule("weighting", "rank_score"),
            ],
        )
    section.step(
        "Z",
        results.zone_score,
        formula="r2(Σ w q / Σ w)",
        expression=weighted_mean_expression(zip(city["weight"], city["rank_score"], strict=True)),
        exact=results.zone_exact,
    )
    service_section(ex, results, cite, pid)
    points = points_section(ex, results, cite, pid, person=True)
    evaluation_section(ex, results, cite, pid)
    section = ex.section("领导得分 leader score")
    if row["departments"]:
        for dept, score in zip(row["departments"], row["department_scores"], strict=True):
            section.fact(
                f"in charge of {dept}: D = {show(score)}",
                cite.row("departments", int(_record(results.departments, "department", dept)["row"])),
            )
        section.step(
            "M",
            row["departments_mean"],
            formula="r2(mean D)",
            expression=f"r2(({' + '.join(num(s) for s in row['department_scores'])}) / "
            f"{len(row['departments'])})",
            exact=row["departments_mean_exact"],
        )
    if row["blend"]:
        key = "leader_in_charge" if row["kind"] == "leader_in_charge" else "main_leader"
        symbols = {"Z": "α", "M": "β", "E": "γ"} if key == "leader_in_charge" else {"Z": "a", "E": "e"}
        used = [symbols[label] for label, _, _ in row["blend"]]
        terms = " + ".join(f"{s} {label}" for s, (label, _, _) in zip(used, row["blend"], strict=True))
        section.step(
            "L weighted",
            row["weighted"],
            formula=f"r2(({terms}) / ({' + '.join(used)}))",
            expression=weighted_mean_expression([(w, x) for _, w, x in row["blend"]]),
            exact=row["weighted_exact"],
            sources=[cite.rule("weighting", key)],
        )
    elif rules.evaluation is None:
        section.fact("main leader, or in charge of no department: L follows the zone score")
    else:
        section.fact(_follows_zone(results, row))
    section.step(
        "L",
        row["after_points"],
        formula="L weighted + P",
        expression=f"{num(row['weighted'])} + {num(points)}",
    )
    veto_section(ex, results, cite, row, row["after_points"], "L vetoed")
    grade_section(ex, results, cite, "leaders", row)
    bonus_section(ex, results, cite, pid)
    ex.final = _final(results, pid, row)
    return ex


def _follows_zone(results: Results, row: dict[str, Any]) -> str:
    """Why a leader's L is the zone score alone (with evaluations in the rules)."""
    if row["kind"] == "main_leader" and results.rules.weighting.main_leader is None:
        return "main leader and no weighting.main_leader: L follows the zone score"
    if row["evaluation_score"] is None and not row["departments"]:
        return "no departments in charge and no evaluation score: L follows the zone score"
    return "the components used weigh 0 together: L follows the zone score"


def _final(results: Results, pid: str, row: dict[str, Any]) -> dict[str, Any]:
    final: dict[str, Any] = {"score": row["score"], "rank": int(row["rank"]), "grade": row["grade"]}
    bonus = results.bonus[results.bonus["id"] == pid]
    if not bonus.empty:
        paid = bonus.iloc[0]
        final |= {
            "bonus": int(paid["bonus"]),
            "points_reward": int(paid["points_reward"]),
            "total": int(paid["total"]),
        }
    return final
