"""How the impact of a rules change is shown: terminal lines and impact.xlsx.

:mod:`kpi.audit.impact` computes an :class:`~kpi.audit.impact_model.Impact`;
this module only presents it, so the numbers are decided in one place and the
CLI (``kpi rules diff --data``) and tests compare exact lines and cells.
:func:`render` gives the summary as lines (the CLI prints them);
:func:`impact_sheets` and :func:`write_impact_workbook` give the four sheets of
impact.xlsx, written with the results workbook's writer.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from kpi.audit.impact_model import POPULATIONS, Impact, MemberImpact, Shift
from kpi.i18n import N_, _, current_language, tr
from kpi.report.tables import INDIVIDUALS, Sheet, column
from kpi.report.workbook import save_workbook

# rendering -----------------------------------------------------------------------------


def _signed(n: int | Decimal) -> str:
    return f"+{n}" if n > 0 else str(n)


def _moved(shift: Shift) -> str:
    return f"{shift.old} → {shift.new} ({_signed(shift.delta)})"


#: Labels of the terminal summary (English; shown with ``tr``).
_POPULATION = {p: p for p in (N_("departments"), N_("leaders"), N_("individuals"))}
_AMOUNT = {"bonus": N_("bonus"), "points_reward": N_("points rewards"), "total": N_("total")}


def render(result: Impact, lang: str | None = None) -> list[str]:
    """The summary as lines of text, for the terminal (the CLI prints them), in ``lang``
    (default :func:`~kpi.i18n.current_language`)."""
    lang = lang or current_language()
    comma = "，" if lang == "zh" else ", "
    changes = comma.join(
        _(
            "{population} {changed} of {members}", population=tr(_POPULATION[p], lang), changed=c, members=n
        ).to(lang)
        for p, (c, n) in result.grade_changes().items()
    )
    out = [
        _(
            "impact on {period}: {old} → {new}",
            period=str(result.period),
            old=result.old_rules,
            new=result.new_rules,
        ).to(lang),
        _("grade changes: {changes}", changes=changes).to(lang),
    ]
    out += [
        f"  {tr(_POPULATION[t.population], lang)}: {t.old or '—'} → {t.new or '—'}: {t.count}"
        for t in result.transitions
        if t.old != t.new
    ]
    paid = comma.join(f"{tr(_AMOUNT[str(s.key)], lang)} {_moved(s)}" for s in result.paid)
    out.append(_("paid: {amounts}", amounts=paid).to(lang))
    for title, shifts in (
        (_("total paid by department:"), result.by_department),
        (_("total paid by post category:"), result.by_post_category),
    ):
        out.append(title.to(lang))
        out += [f"  {s.key or _('(none)').to(lang)}: {_moved(s)}" for s in shifts]
    for heading, members in (
        (_("largest winners:") if result.winners else _("largest winners: none"), result.winners),
        (_("largest losers:") if result.losers else _("largest losers: none"), result.losers),
    ):
        out.append(heading.to(lang))
        out += [
            f"  {m.id} {m.name}: {m.old_total} → {m.new_total} ({_signed(m.total_delta or 0)})"
            + (f", {m.old_grade} → {m.new_grade}" if m.old_grade != m.new_grade else "")
            for m in members
        ]
    out += [_("warning gone: {warning}", warning=w.text(lang=lang)).to(lang) for w in result.warnings_gone]
    out += [_("warning new: {warning}", warning=w.text(lang=lang)).to(lang) for w in result.warnings_new]
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
_PUBLISHED = {c.key: c for c in INDIVIDUALS}
#: Who a person is: the very columns of the results workbook's 个人得分, so the two agree.
IDENTITY = tuple(_PUBLISHED[key] for key in ("id", "name", "department", "post_category"))
PEOPLE_COLUMNS = (
    _c("population", "对象"),
    *IDENTITY,
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


def _scores(m: MemberImpact) -> list[Any]:
    """The values of :data:`SCORES`: old, new and change of score and rank, then the grades."""
    return [*m.sides("score"), m.score_delta, *m.sides("rank"), m.rank_delta, m.old_grade, m.new_grade]


def impact_sheets(result: Impact, lang: str = "zh") -> list[Sheet]:
    """The four sheets of impact.xlsx: 汇总, 个人, 部门, 等次变化."""
    pop, sec = _POP[lang], _SECTIONS[lang]
    summary: list[list[Any]] = [
        [sec["rules"], "", result.old_rules, result.new_rules, None],
        [sec["period"], "", None, str(result.period), None],
    ]
    summary += [[sec["paid"], _PAID[lang][str(s.key)], s.old, s.new, s.delta] for s in result.paid]
    summary += [[sec["changed"], pop[p], None, None, c] for p, (c, __) in result.grade_changes().items()]
    summary += [[sec["matrix"], pop[t.population], t.old, t.new, t.count] for t in result.transitions]
    for name, shifts in (("department", result.by_department), ("post", result.by_post_category)):
        summary += [[sec[name], s.key or pop[None], s.old, s.new, s.delta] for s in shifts]
    for name, members in (("winners", result.winners), ("losers", result.losers)):
        summary += [[sec[name], f"{m.id} {m.name}", m.old_total, m.new_total, m.total_delta] for m in members]
    summary += [
        [sec["gone"], w.text(with_file=False, lang=lang), None, None, None] for w in result.warnings_gone
    ]
    summary += [
        [sec["new"], w.text(with_file=False, lang=lang), None, None, None] for w in result.warnings_new
    ]
    people = [
        [
            pop[m.population],
            m.id,
            m.name,
            m.department,
            m.post_category,
            *_scores(m),
            *m.sides("bonus"),
            m.bonus_delta,
            *m.sides("total"),
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
    sheets = impact_sheets(result, lang)
    return save_workbook(out, sheets, lang=lang, period=result.period, force=force, inputs=inputs)
