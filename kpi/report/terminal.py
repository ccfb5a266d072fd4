"""Rich renderables for the terminal summary of a scoring run.

They are built here and printed by the CLI, so the library stays silent and the
summary can be tested as data. User text goes into ``Text`` objects, never
into markup, so a name like ``[red]`` prints as typed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from kpi.engine.results import Results
from kpi.errors import Problem
from kpi.i18n import N_, _, current_language
from kpi.report.jsonout import grade_counts, money_totals
from kpi.report.labels import Labels

if TYPE_CHECKING:
    from kpi.annual.results import AnnualResults

#: The summary's labels; ``LABELS[lang]`` gives them in ``lang`` (the Chinese is in the catalogue).
LABELS = Labels(
    {
        "departments": N_("Departments"),
        "department": N_("department"),
        "indicator": N_("indicators"),
        "city": N_("city"),
        "points": N_("points"),
        "score": N_("score"),
        "vetoed": N_("vetoed"),
        "rank": N_("rank"),
        "grade": N_("grade"),
        "grades": N_("Grade distribution"),
        "population": N_("population"),
        "bonus": N_("Bonus"),
        "pool": N_("pool"),
        "paid": N_("bonus paid"),
        "reward": N_("points rewards"),
        "total": N_("total paid"),
        "warnings": N_("Warnings"),
        "zone": N_("zone city score"),
        "people": {
            "departments": N_("departments"),
            "leaders": N_("leaders"),
            "individuals": N_("individuals"),
        },
        "yes": N_("yes"),
        "no": N_("no"),
    }
)


#: Warnings printed in the terminal; all of them are in 运行信息.
MAX_WARNINGS = 20


def _num(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def department_table(results: Results, lang: str | None = None) -> Table:
    lang = lang or current_language()
    t: dict[str, Any] = LABELS[lang]
    title = _("Departments (zone city score {score})", score=_num(results.zone_score))
    table = Table(title=title.to(lang))
    for key in ("department", "indicator", "city", "points", "score", "vetoed", "rank", "grade"):
        table.add_column(t[key], justify="left" if key in ("department", "grade") else "right")
    for row in results.departments.to_dict("records"):
        table.add_row(
            Text(row["department"]),
            _num(row["indicator_score"]),
            _num(row["city_score"]),
            _num(row["points"]),
            _num(row["score"]),
            t["yes"] if row["vetoed"] else t["no"],
            str(row["rank"]),
            Text(row["grade"]),
        )
    return table


def grade_table(results: Results, lang: str | None = None) -> Table:
    t: dict[str, Any] = LABELS[lang]
    table = Table(title=t["grades"])
    table.add_column(t["population"])
    for band in results.rules.grades.bands:
        table.add_column(Text(band.name), justify="right")
    for population in ("departments", "leaders", "individuals"):
        counts = grade_counts(results, population)
        table.add_row(t["people"][population], *(str(n) for n in counts.values()))
    return table


def bonus_table(results: Results, lang: str | None = None) -> Table:
    t: dict[str, Any] = LABELS[lang]
    totals = money_totals(results)
    table = Table(title=t["bonus"], show_header=False)
    table.add_column()
    table.add_column(justify="right")
    if totals["pool"] is not None and results.rules.bonus.mode == "pool":
        table.add_row(t["pool"], str(totals["pool"]))
    table.add_row(t["paid"], str(totals["paid"]))
    table.add_row(t["reward"], str(totals["points_rewards"]))
    table.add_row(t["total"], str(totals["total"]))
    return table


def summary(results: Results, lang: str | None = None) -> Group:
    """Departments, grade distribution, bonus vs pool, and the number of warnings
    (the warnings themselves go to stderr: :func:`warning_lines`), in ``lang``
    (default: the current language)."""
    lang = lang or current_language()
    parts: list[Any] = [
        department_table(results, lang),
        grade_table(results, lang),
        bonus_table(results, lang),
    ]
    if results.warnings:
        parts.append(Text(_("Warnings: {n}", n=len(results.warnings)).to(lang), style="bold yellow"))
    return Group(*parts)


def warning_lines(warnings: list[Problem], lang: str | None = None, *, in_workbook: bool = True) -> list[str]:
    """One ``warning: place: message`` line per warning (``警告：place: message`` in
    Chinese), at most :data:`MAX_WARNINGS` of them, then how many more there are (and,
    after a scoring run, where they are); in ``lang`` (default: the current language)."""
    lang = lang or current_language()
    lines = [_("warning: {problem}", problem=w.text(lang=lang)).to(lang) for w in warnings[:MAX_WARNINGS]]
    hidden = len(warnings) - MAX_WARNINGS
    if hidden > 0:
        if in_workbook:
            more = _(
                "warning: … {n} more: every warning is on the run_info sheet of the results workbook",
                n=hidden,
            )
        else:
            more = _("warning: … {n} more", n=hidden)
        lines.append(more.to(lang))
    return lines


ANNUAL_LABELS = Labels(
    {
        "annual_bonus": N_("Annual bonus"),
        "members": N_("members"),
        "not_graded": N_("not_graded"),
        "pool": N_("year-end pool"),
        "paid": N_("annual bonus paid"),
    }
)


def annual_summary(results: AnnualResults, lang: str | None = None) -> Group:
    """The quarters rolled up, the annual grade distribution of each population (with the
    members not graded), the year-end pool against what is paid, the number of warnings;
    in ``lang`` (default: the current language)."""
    from kpi.annual.tables import grade_counts, money

    lang = lang or current_language()
    t: dict[str, Any] = {**LABELS[lang], **ANNUAL_LABELS[lang]}
    rules: dict[str, list[str]] = {}
    for q in results.quarters:
        rules.setdefault(q.rules, []).append(str(q.period))
    quarters = "; ".join(f"{', '.join(periods)} — {name}" for name, periods in rules.items())
    grades = Table(title=_("Annual appraisal {year} — Grade distribution", year=results.year).to(lang))
    grades.add_column(t["population"])
    grades.add_column(t["members"], justify="right")
    for band in results.annual.grades.bands:
        grades.add_column(Text(band.name), justify="right")
    grades.add_column(t["not_graded"], justify="right")
    for population in ("departments", "leaders", "individuals"):
        counts = grade_counts(results, population)
        grades.add_row(
            t["people"][population],
            str(len(results.population(population))),
            *(str(n) for n in counts.values()),
        )
    parts: list[Any] = [Text(_("quarters: {quarters}", quarters=quarters).to(lang)), grades]
    totals = money(results)
    if totals["pool"] is not None:
        table = Table(title=t["annual_bonus"], show_header=False)
        table.add_column()
        table.add_column(justify="right")
        table.add_row(t["pool"], str(totals["pool"]))
        table.add_row(t["paid"], str(totals["paid"]))
        parts.append(table)
    if results.warnings:
        parts.append(Text(_("Warnings: {n}", n=len(results.warnings)).to(lang), style="bold yellow"))
    return Group(*parts)
