"""The 汇总 / summary sheet of the annual workbook: the page the year is signed on.

Built with the quarterly summary's cells (:class:`~kpi.report.summary.Cell`,
:class:`~kpi.report.summary.Summary`), so it looks and prints the same and
``kpi verify`` compares it cell by cell: the year, the rules, the quarters and
the year-end evaluation read; the departments with their annual score, rank,
grade, vetoed quarters, people and year-end bonus; the annual grade
distribution of each population against the quota places (shares of the
graded members, the quota base), with the members not graded (不定等次); the
year-end pool against what is paid; the members with a vetoed quarter; the
sign-off lines; then three bar charts of those cells (department annual
scores, grade shares, year-end bonus by department). Every value is a
published number of :class:`~kpi.annual.results.AnnualResults`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from kpi.annual.results import NOT_GRADED, AnnualResults
from kpi.i18n import N_, _, current_language, tr
from kpi.report.summary import (
    CHART_ROWS,
    SUMMARY_TITLE,
    WIDTH,
    Cell,
    Grid,
    Summary,
    grade_column,
    grade_table,
    heads,
    sign_off,
)
from kpi.report.summary import LABELS as QUARTER_LABELS
from kpi.report.tables import TOTAL_LABEL
from kpi.report.xlsx_chart import Chart, Series, Span

POPULATIONS = ("departments", "leaders", "individuals")

#: The annual labels (English msgids, shown with :func:`~kpi.i18n.tr`), over the quarter's.
LABELS: dict[str, str] = {
    "quarters": N_("quarters"),
    "evaluation": N_("with a year-end evaluation score"),
    "departments": N_("Departments of the year"),
    "department": N_("department"),
    "score": N_("annual score"),
    "rank": N_("rank"),
    "grade": N_("grade"),
    "vetoed_quarters": N_("vetoed quarters"),
    "bonus_column": N_("annual bonus"),
    "grades": N_("Annual grades (shares of the graded members)"),
    "bonus": N_("Year-end bonus"),
    "pool": N_("year-end pool"),
    "paid": N_("annual bonus paid"),
    "paid_members": N_("members paid"),
    "vetoed": N_("Vetoed in a quarter"),
    "counted": N_("vetoes the year"),
    "yes": N_("yes"),
    "no": N_("no"),
    "chart_scores": N_("Department annual scores"),
    "chart_grades": N_("Annual grades (share)"),
    "chart_bonus": N_("Year-end bonus by department"),
}


def labels(lang: str | None = None) -> dict[str, str]:
    """The annual labels in ``lang`` (default :func:`~kpi.i18n.current_language`)."""
    return {key: tr(text, lang) for key, text in LABELS.items()}


def _departments(results: AnnualResults, grid: Grid, t: dict[str, Any], lang: str) -> Span:
    """The department table; returns the rows of the departments."""
    paid: Counter[str] = Counter()
    if results.bonus is not None:
        for department, bonus in zip(results.bonus["department"], results.bonus["bonus"], strict=True):
            paid[department or ""] += int(bonus)
    people = Counter(results.individuals["department"])
    grid.add(Cell(t["departments"], role="section"))
    grid.add(
        *heads(t["department"], t["score"], t["rank"], t["grade"], t["vetoed_quarters"]),
        *heads(t["people"], t["bonus_column"]),
    )
    first = grid.next
    for row in results.departments.to_dict("records"):
        name = row["department"]
        grid.add(
            Cell(name, role="cell"),
            Cell(row["score"], "score", "cell"),
            Cell(row["rank"], "int", "cell"),
            Cell(row["grade"] or t["not_graded"], role="cell"),
            Cell(row["vetoed_quarters"], role="cell"),
            Cell(people.get(name, 0), "int", "cell"),
            Cell(paid.get(name, 0), "money", "cell"),
        )
    rows = Span(0, first, grid.next - 1)
    blank = [Cell(role="total")] * 4
    grid.add(
        Cell(TOTAL_LABEL[lang], role="total"),
        *blank,
        Cell(len(results.individuals), "int", "total"),
        Cell(sum(paid.values()), "money", "total"),
    )
    return rows


def _grades(results: AnnualResults, grid: Grid, t: dict[str, Any]) -> tuple[Span, list[Series]]:
    """The year's grade distribution: shares of the graded members, then those not graded."""
    bands = [b.name for b in results.annual.grades.bands]
    columns = []
    for population in POPULATIONS:
        frame = results.population(population)
        counts = frame["grade"].value_counts()
        columns.append(
            grade_column(
                results.quotas.get(population, {}),
                int(frame["graded"].sum()),
                {band: int(counts.get(band, 0)) for band in bands},
                int((~frame["graded"]).sum()),
            )
        )
    return grade_table(grid, t, bands, columns)


def _bonus(results: AnnualResults, grid: Grid, t: dict[str, Any]) -> None:
    annual = results.annual
    if results.bonus is None or annual.bonus is None:
        return
    paid = [int(b) for b in results.bonus["bonus"]]
    grid.add(Cell(t["bonus"], role="section"))
    grid.add(Cell(t["pool"], role="cell"), Cell(int(annual.bonus.pool), "money", "cell"))
    grid.add(Cell(t["paid_members"], role="cell"), Cell(sum(1 for b in paid if b > 0), "int", "cell"))
    grid.add(Cell(t["paid"], role="total"), Cell(sum(paid), "money", "total"))
    grid.blank()


def _vetoed(results: AnnualResults, grid: Grid, t: dict[str, Any]) -> None:
    grid.add(Cell(t["vetoed"], role="section"))
    grid.add(*heads(t["population"], t["who"], t["name"], t["vetoed_quarters"], t["counted"]))
    found = False
    for population in POPULATIONS:
        frame = results.population(population)
        for row in frame[frame["vetoed_quarters"].notna()].to_dict("records"):
            found = True
            who = row["department"] if population == "departments" else row["id"]
            name = None if population == "departments" else row["name"]
            grid.add(
                Cell(t["populations"][population], role="cell"),
                Cell(who, role="cell"),
                Cell(name, role="cell"),
                Cell(row["vetoed_quarters"], role="cell"),
                Cell(t["yes"] if row["vetoed"] else t["no"], role="cell"),
            )
    if not found:
        blank = Cell(role="cell")
        grid.add(Cell(t["none"], role="cell"), blank, blank, blank, blank)


def annual_summary_sheet(results: AnnualResults, lang: str | None = None) -> Summary:
    """The 汇总 sheet of the annual workbook in ``lang`` (default :func:`~kpi.i18n.current_language`)."""
    lang = lang or current_language()
    t: dict[str, Any] = {
        **QUARTER_LABELS[lang],
        **labels(lang),
        "not_graded": NOT_GRADED[lang],
        "sum": TOTAL_LABEL[lang],
    }
    grid = Grid()
    rules = results.rules
    grid.add(Cell(_("Annual appraisal {year}", year=results.year).to(lang), role="title"))
    grid.add(Cell(t["rules"]), Cell(f"{rules.name} {rules.version}"))
    grid.add(Cell(t["quarters"]), Cell(", ".join(str(q.period) for q in results.quarters)))
    rated = sum(int(results.population(p)["evaluation"].notna().sum()) for p in POPULATIONS)
    grid.add(Cell(t["evaluation"]), Cell(rated, "int"))
    grid.add(Cell(t["warnings"]), Cell(len(results.warnings), "int"))
    grid.blank()
    departments = _departments(results, grid, t, lang)
    grid.blank()
    bands, grade_series = _grades(results, grid, t)
    grid.blank()
    _bonus(results, grid, t)
    _vetoed(results, grid, t)
    grid.blank()
    grid.blank()
    sign_off(grid, t)
    page_end = grid.next - 1
    grid.add(Cell(t["charts"], role="section"))
    charts, second_page_end = _charts(
        t, grid.next, departments, bands, grade_series, results.bonus is not None
    )
    return Summary("summary", *SUMMARY_TITLE, grid.rows, charts, [page_end, second_page_end])


def _charts(
    t: dict[str, Any], top: int, departments: Span, bands: Span, grades: list[Series], bonus: bool
) -> tuple[list[Chart], int]:
    """Department annual scores, grade shares per population, year-end bonus by department
    (with a pool), from row ``top`` down, two to a printed page."""
    head = departments.first - 1
    plans: list[tuple[str, Span, list[Series], str]] = [
        (
            t["chart_scores"],
            departments,
            [Series(Span(1, head, head), Span(1, departments.first, departments.last))],
            "0",
        ),
        (t["chart_grades"], bands, grades, "0%"),
    ]
    if bonus:
        values = Series(Span(6, head, head), Span(6, departments.first, departments.last))
        plans.append((t["chart_bonus"], departments, [values], "#,##0"))
    second = top + CHART_ROWS + 1
    page_break = second + CHART_ROWS
    starts = (top, second, page_break + 2)
    charts = [
        Chart(title, categories, series, (0, start - 1), (WIDTH, start - 1 + CHART_ROWS), number_format)
        for (title, categories, series, number_format), start in zip(plans, starts, strict=False)
        if categories.last >= categories.first
    ]
    return charts, page_break
