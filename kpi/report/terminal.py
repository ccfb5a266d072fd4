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
from kpi.report.jsonout import grade_counts, money_totals

if TYPE_CHECKING:
    from kpi.annual.results import AnnualResults

LABELS = {
    "zh": {
        "departments": "部门得分",
        "department": "部门",
        "indicator": "指标得分",
        "city": "市级得分",
        "points": "点数",
        "score": "综合得分",
        "vetoed": "否决",
        "rank": "排名",
        "grade": "等次",
        "grades": "等次分布",
        "population": "对象",
        "bonus": "绩效奖金",
        "pool": "奖金池",
        "paid": "绩效奖金合计",
        "reward": "点数奖励合计",
        "total": "实发合计",
        "warnings": "警告",
        "all_warnings": "全部警告见结果工作簿的运行信息表",
        "zone": "全区市级得分",
        "people": {"departments": "部门", "leaders": "领导", "individuals": "个人"},
        "yes": "是",
        "no": "否",
        "fixed": "固定",
        "pool_mode": "奖金池",
    },
    "en": {
        "departments": "Departments",
        "department": "department",
        "indicator": "indicators",
        "city": "city",
        "points": "points",
        "score": "score",
        "vetoed": "vetoed",
        "rank": "rank",
        "grade": "grade",
        "grades": "Grade distribution",
        "population": "population",
        "bonus": "Bonus",
        "pool": "pool",
        "paid": "bonus paid",
        "reward": "points rewards",
        "total": "total paid",
        "warnings": "Warnings",
        "all_warnings": "every warning is on the run_info sheet of the results workbook",
        "zone": "zone city score",
        "people": {
            "departments": "departments",
            "leaders": "leaders",
            "individuals": "individuals",
        },
        "yes": "yes",
        "no": "no",
        "fixed": "fixed",
        "pool_mode": "pool",
    },
}


#: Warnings printed in the terminal; all of them are in 运行信息.
MAX_WARNINGS = 20


def _num(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def department_table(results: Results, lang: str) -> Table:
    t: dict[str, Any] = LABELS[lang]
    table = Table(title=f"{t['departments']}  ({t['zone']} {_num(results.zone_score)})")
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


def grade_table(results: Results, lang: str) -> Table:
    t: dict[str, Any] = LABELS[lang]
    table = Table(title=t["grades"])
    table.add_column(t["population"])
    for band in results.rules.grades.bands:
        table.add_column(Text(band.name), justify="right")
    for population in ("departments", "leaders", "individuals"):
        counts = grade_counts(results, population)
        table.add_row(t["people"][population], *(str(n) for n in counts.values()))
    return table


def bonus_table(results: Results, lang: str) -> Table:
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


def summary(results: Results, lang: str = "zh") -> Group:
    """Departments, grade distribution, bonus vs pool, and the number of warnings
    (the warnings themselves go to stderr: :func:`warning_lines`)."""
    parts: list[Any] = [
        department_table(results, lang),
        grade_table(results, lang),
        bonus_table(results, lang),
    ]
    if results.warnings:
        parts.append(Text(f"{LABELS[lang]['warnings']}: {len(results.warnings)}", style="bold yellow"))
    return Group(*parts)


def warning_lines(warnings: list[Problem], lang: str = "zh", *, in_workbook: bool = True) -> list[str]:
    """One ``warning: place: message`` line per warning, at most :data:`MAX_WARNINGS`
    of them, then how many more there are (and, after a scoring run, where they are)."""
    lines = [f"warning: {w}" for w in warnings[:MAX_WARNINGS]]
    hidden = len(warnings) - MAX_WARNINGS
    if hidden > 0:
        where = f": {LABELS[lang]['all_warnings']}" if in_workbook else ""
        lines.append(f"warning: … {hidden} more{where}")
    return lines


ANNUAL_LABELS = {
    "zh": {
        "title": "{year}年度考核",
        "annual_bonus": "年度奖金",
        "quarters": "季度",
        "members": "人数",
        "not_graded": "不定等次",
        "pool": "年终奖金池",
        "paid": "年度奖金合计",
    },
    "en": {
        "title": "Annual appraisal {year}",
        "annual_bonus": "Annual bonus",
        "quarters": "quarters",
        "members": "members",
        "not_graded": "not_graded",
        "pool": "year-end pool",
        "paid": "annual bonus paid",
    },
}


def annual_summary(results: AnnualResults, lang: str = "zh") -> Group:
    """The quarters rolled up, the annual grade distribution of each population (with the
    members not graded), the year-end pool against what is paid, the number of warnings."""
    from kpi.annual.tables import grade_counts, money

    t: dict[str, Any] = {**LABELS[lang], **ANNUAL_LABELS[lang]}
    rules: dict[str, list[str]] = {}
    for q in results.quarters:
        rules.setdefault(q.rules, []).append(str(q.period))
    quarters = "; ".join(f"{', '.join(periods)} — {name}" for name, periods in rules.items())
    grades = Table(title=f"{t['title'].format(year=results.year)} — {t['grades']}")
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
    parts: list[Any] = [Text(f"{t['quarters']}: {quarters}"), grades]
    totals = money(results)
    if totals["pool"] is not None:
        table = Table(title=t["annual_bonus"], show_header=False)
        table.add_column()
        table.add_column(justify="right")
        table.add_row(t["pool"], str(totals["pool"]))
        table.add_row(t["paid"], str(totals["paid"]))
        parts.append(table)
    if results.warnings:
        parts.append(Text(f"{t['warnings']}: {len(results.warnings)}", style="bold yellow"))
    return Group(*parts)
