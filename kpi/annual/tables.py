"""The sheets of the annual workbook (method §10), built from :class:`AnnualResults`.

Like the quarterly tables (:mod:`kpi.report.tables`), one definition of each
sheet and column (key, Chinese and English header, cell kind) serves the
workbook, ``verify`` and ``--json``; the cell kinds give the number formats.
The workbook opens with 汇总 (:mod:`~kpi.annual.summary`), then 年度个人,
年度部门, 年度领导, 年度奖金 (with ``annual.bonus``) and 运行信息: one row per
member, as method §10 lists them (the totals are on 汇总). The lowest annual
band is highlighted in 等次, as in a quarter.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kpi import __version__
from kpi.annual.results import NOT_GRADED, AnnualResults
from kpi.report.summary import Summary
from kpi.report.tables import KIND_LABELS, RUN_INFO, RUN_INFO_LABELS, Column, Sheet, column

_c = column

_QUARTERS = tuple(_c(f"q{n}", f"Q{n}", "score", f"Q{n}") for n in range(1, 5))
_TAIL = (
    _c("quarters_mean", "季度均分", "score"),
    _c("evaluation", "年终测评", "score"),
    _c("score", "年度得分", "score"),
    _c("vetoed_quarters", "否决季度"),
    _c("rank", "排名", "int"),
    _c("grade", "等次", "grade"),
)
ANNUAL_INDIVIDUALS = (_c("id", "工号"), _c("name", "姓名"), _c("department", "部门"), *_QUARTERS, *_TAIL)
ANNUAL_DEPARTMENTS = (_c("department", "部门"), *_QUARTERS, *_TAIL)
ANNUAL_LEADERS = (_c("id", "工号"), _c("name", "姓名"), _c("kind", "类别", "kind"), *_QUARTERS, *_TAIL)
ANNUAL_BONUS = (
    _c("id", "工号"),
    _c("name", "姓名"),
    _c("department", "部门"),
    _c("base", "折算基数", "coef"),
    _c("grade_factor", "等次系数", "coef"),
    _c("bonus", "年度奖金", "money"),
)

#: Sheet key → (zh, en) titles, in workbook order.
ANNUAL_TITLES: dict[str, tuple[str, str]] = {
    "summary": ("汇总", "summary"),
    "annual_individuals": ("年度个人", "annual_individuals"),
    "annual_departments": ("年度部门", "annual_departments"),
    "annual_leaders": ("年度领导", "annual_leaders"),
    "annual_bonus": ("年度奖金", "annual_bonus"),
    "run_info": ("运行信息", "run_info"),
}
#: Population → (its sheet, its columns).
POPULATION_SHEETS = {
    "individuals": ("annual_individuals", ANNUAL_INDIVIDUALS),
    "departments": ("annual_departments", ANNUAL_DEPARTMENTS),
    "leaders": ("annual_leaders", ANNUAL_LEADERS),
}

#: 运行信息 labels (zh, en), in the order they are written; the quarter rows repeat per quarter.
_RULES_ROWS = (
    "rules_name",
    "rules_version",
    "rules_source",
    "rules_effective_from",
    "rules_file",
    "rules_sha256",
)
ANNUAL_RUN_INFO: dict[str, tuple[str, str]] = {
    "tool_version": RUN_INFO_LABELS["tool_version"],
    "year": ("考核年度", "year"),
    **{key: RUN_INFO_LABELS[key] for key in _RULES_ROWS},
    "quarter_period": ("季度期间", "quarter_period"),
    "quarter_file": ("季度文件", "quarter_file"),
    "quarter_sha256": ("季度SHA256", "quarter_sha256"),
    "quarter_rules": ("季度规则", "quarter_rules"),
    "evaluation_file": ("年终测评文件", "evaluation_file"),
    "evaluation_sha256": ("年终测评SHA256", "evaluation_sha256"),
    "warning_count": RUN_INFO_LABELS["warning_count"],
    "warning": RUN_INFO_LABELS["warning"],
}
#: 运行信息 rows that name where a file was (verify skips them: files move).
PATH_ROWS = ("rules_file", "quarter_file", "evaluation_file")


def label(key: str, lang: str) -> str:
    zh, en = ANNUAL_RUN_INFO[key]
    return en if lang == "en" else zh


def _sheet(
    key: str,
    columns: tuple[Column, ...],
    rows: list[list[Any]],
    lang: str,
    marks: dict[str, str] | None = None,
) -> Sheet:
    """A table of one row per member (the pool and what is paid are on 汇总)."""
    return Sheet(key, *ANNUAL_TITLES[key], columns, rows, [], marks or {})


def _cells(frame: pd.DataFrame, columns: tuple[Column, ...], lang: str) -> list[list[Any]]:
    kinds = KIND_LABELS[lang]
    rows = []
    for record in frame.to_dict("records"):
        row = []
        for c in columns:
            value = record[c.key]
            if c.key == "grade" and value is None:
                value = NOT_GRADED[lang]
            elif c.kind == "kind":
                value = kinds[value]
            row.append(value)
        rows.append(row)
    return rows


def annual_sheets(results: AnnualResults, lang: str = "zh") -> list[Sheet | Summary]:
    """Every sheet of the annual workbook, in order: 汇总 first, then the tables."""
    from kpi.annual.summary import annual_summary_sheet

    return [annual_summary_sheet(results, lang), *annual_tables(results, lang)]


def annual_tables(results: AnnualResults, lang: str = "zh") -> list[Sheet]:
    """The tables of the annual workbook (every sheet but 汇总), one row per member."""
    marks = {"grade": results.annual.grades.bands[-1].name}
    sheets = [
        _sheet(key, columns, _cells(results.population(population), columns, lang), lang, marks)
        for population, (key, columns) in POPULATION_SHEETS.items()
    ]
    if results.bonus is not None:
        sheets.append(_sheet("annual_bonus", ANNUAL_BONUS, _cells(results.bonus, ANNUAL_BONUS, lang), lang))
    sheets.append(_sheet("run_info", RUN_INFO, run_info_rows(results, lang), lang))
    return sheets


def run_info_rows(results: AnnualResults, lang: str) -> list[list[Any]]:
    rf = results.rules_file
    rules = rf.rules
    rows: list[list[Any]] = [
        [label("tool_version", lang), f"kpi {__version__}"],
        [label("year", lang), str(results.year)],
        [label("rules_name", lang), rules.name],
        [label("rules_version", lang), rules.version],
        [label("rules_source", lang), rules.source or ""],
        [
            label("rules_effective_from", lang),
            rules.effective_from.isoformat() if rules.effective_from else "",
        ],
        [label("rules_file", lang), rf.path],
        [label("rules_sha256", lang), rf.sha256],
    ]
    for q in results.quarters:
        rows += [
            [label("quarter_period", lang), str(q.period)],
            [label("quarter_file", lang), q.path],
            [label("quarter_sha256", lang), q.sha256],
            [label("quarter_rules", lang), q.rules],
        ]
    year_end = results.year_end
    rows += [
        [label("evaluation_file", lang), year_end.path if year_end else ""],
        [label("evaluation_sha256", lang), year_end.sha256 if year_end else ""],
        [label("warning_count", lang), str(len(results.warnings))],
    ]
    rows += [[label("warning", lang), w.text(with_file=False, lang=lang)] for w in results.warnings]
    return rows


def grade_counts(results: AnnualResults, population: str) -> dict[str | None, int]:
    """Members per annual grade, bands in the rules' order, then None (not graded)."""
    grades = list(results.population(population)["grade"])
    bands: list[str | None] = [b.name for b in results.annual.grades.bands]
    return {b: sum(1 for g in grades if g == b) for b in [*bands, None]}


def money(results: AnnualResults) -> dict[str, int | None]:
    """The year-end pool against what is paid (None without annual.bonus)."""
    if results.bonus is None or results.annual.bonus is None:
        return {"pool": None, "paid": None, "paid_members": None}
    paid = [int(b) for b in results.bonus["bonus"]]
    return {
        "pool": int(results.annual.bonus.pool),
        "paid": sum(paid),
        "paid_members": sum(1 for b in paid if b > 0),
    }
