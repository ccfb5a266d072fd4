"""The 汇总 / summary sheet: the page finance and the leaders sign.

It opens the results workbook: the zone score, the department table (score,
rank, grade, veto, people, bonus), the grade distribution of each population
against its quotas (count, share, quota places), the bonus pool against what is
paid, the vetoed members with their causes, the number of warnings, and the
制表 / 审核 / 批准 sign-off lines; below a page break, three bar charts of those
cells (department scores, grade shares per population, bonus by department).

Every value is a published number computed here from
:class:`~kpi.engine.results.Results` — never a formula — so ``kpi verify``
rebuilds this very grid and compares it cell by cell like any other sheet.
Cells carry a kind (as table columns do: score, money, share, int, text) and a
role (title, section, head, cell, total, sign…); :mod:`kpi.report.workbook`
turns the two into styles. Labels follow ``--lang``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kpi.engine.results import Results
from kpi.engine.veto import VetoCause
from kpi.i18n import N_, Msg, _
from kpi.report.jsonout import grade_counts, money_totals
from kpi.report.labels import Labels
from kpi.report.tables import BONUS, DEPARTMENTS, KIND_LABELS, TOTAL_LABEL, Column
from kpi.report.xlsx_chart import Chart, Series, Span

POPULATIONS = ("departments", "leaders", "individuals")
SHARE_PLACES = Decimal("0.0001")  # 0.00% shows a share to 4 decimals
#: Rows each chart takes, and the width of the grid (the grade table's).
CHART_ROWS = 15
WIDTH = 10

#: The sheet's labels; ``LABELS[lang]`` gives them in ``lang`` (the Chinese is in the
#: catalogue). ``title`` is filled in with ``.format(period=...)``.
LABELS = Labels(
    {
        "title": N_("Appraisal results {period}"),
        "rules": N_("rules"),
        "zone": N_("zone city score"),
        "warnings": N_("warnings"),
        "departments": N_("Departments"),
        "people": N_("people"),
        "no_department": N_("(no department)"),
        "grades": N_("Grade distribution"),
        "population": N_("population"),
        "count": N_("count"),
        "share": N_("share"),
        "quota": N_("quota"),
        "populations": {
            "departments": N_("departments"),
            "leaders": N_("leaders"),
            "individuals": N_("individuals"),
        },
        "bonus": N_("Bonus"),
        "pool": N_("pool"),
        "paid": N_("bonus paid"),
        "reward": N_("points rewards"),
        "total": N_("total paid"),
        "vetoed": N_("Vetoed"),
        "who": N_("id/department"),
        "name": N_("name"),
        "causes": N_("causes"),
        "none": N_("none"),
        "sign": (N_("Prepared by:"), N_("Reviewed by:"), N_("Approved by:")),
        "date": N_("Date:"),
        "charts": N_("Charts"),
        "chart_scores": N_("Department scores"),
        "chart_grades": N_("Grade distribution (share)"),
        "chart_bonus": N_("Bonus and points rewards by department"),
    }
)

_DEPARTMENT = {c.key: c for c in DEPARTMENTS}
_BONUS = {c.key: c for c in BONUS}


@dataclass(frozen=True)
class Cell:
    """One cell: its value, its kind (as a table column's) and its role on the page.

    Roles: ``plain``, ``title``, ``section`` (a heading), ``head`` (a table's
    header), ``cell`` (a table's body), ``total`` (a table's 合计 row), ``sign``
    (an empty signature line).
    """

    value: Any = None
    kind: str = "text"
    role: str = "plain"
    #: Columns the cell covers (merged): the cells it covers follow it in the grid, blank.
    span: int = 1


@dataclass(frozen=True)
class Summary:
    """The 汇总 sheet as a grid of cells (row 1 first), its charts and page breaks."""

    key: str
    zh: str
    en: str
    grid: list[list[Cell]]
    charts: list[Chart] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)
    period: str = ""

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def values(self) -> list[list[Any]]:
        """The published values, row by row (what verify compares)."""
        return [[c.value for c in row] for row in self.grid]


SUMMARY_TITLE = ("汇总", "summary")


def cause_message(cause: VetoCause) -> Msg:
    """A veto cause as a message (its English is :meth:`VetoCause.describe`'s)."""
    item, target, row = cause.item, cause.target, cause.row
    if cause.via == "direct":
        return _("{item} (否决 row {row})", item=item, row=row)
    if cause.via == "department_head":
        return _("{item}: head of vetoed {target} (否决 row {row})", item=item, target=target, row=row)
    if cause.via == "leader_in_charge":
        return _(
            "{item}: leader in charge of vetoed {target} (否决 row {row})", item=item, target=target, row=row
        )
    return _("{item}: member of vetoed {target} (否决 row {row})", item=item, target=target, row=row)


def cause_text(cause: VetoCause, lang: str) -> str:
    """A veto cause in the sheet's language."""
    if lang == "en":
        return cause.describe()
    return cause_message(cause).to(lang)


def heads(*labels: str) -> list[Cell]:
    return [Cell(label, role="head") for label in labels]


def _header(columns: list[Column], lang: str) -> list[Cell]:
    return heads(*(c.header(lang) for c in columns))


class Grid:
    """Rows appended one by one; remembers where each part landed (for the charts)."""

    def __init__(self) -> None:
        self.rows: list[list[Cell]] = []

    @property
    def next(self) -> int:
        """The sheet row (from 1) the next appended row takes."""
        return len(self.rows) + 1

    def add(self, *cells: Cell) -> int:
        self.rows.append(list(cells))
        return len(self.rows)

    def blank(self) -> None:
        self.rows.append([])


def _departments(results: Results, grid: Grid, t: dict[str, Any], lang: str) -> tuple[Span, Span]:
    """The department table; returns the rows of the departments and of every bonus row."""
    yes, no = KIND_LABELS[lang][True], KIND_LABELS[lang][False]
    bonus = results.bonus
    paid: dict[str, list[int]] = {}
    for dept, b, r, total in zip(
        bonus["department"], bonus["bonus"], bonus["points_reward"], bonus["total"], strict=True
    ):
        sums = paid.setdefault(dept or "", [0, 0, 0])
        sums[0] += int(b)
        sums[1] += int(r)
        sums[2] += int(total)
    people = Counter(results.individuals["department"])
    grid.add(Cell(t["departments"], role="section"))
    columns = [_DEPARTMENT[k] for k in ("department", "score", "rank", "grade", "vetoed")]
    money = [_BONUS[k] for k in ("bonus", "points_reward", "total")]
    grid.add(*_header(columns, lang), Cell(t["people"], role="head"), *_header(money, lang))
    first = grid.next
    for row in results.departments.to_dict("records"):
        name = row["department"]
        grid.add(
            Cell(name, role="cell"),
            Cell(row["score"], "score", "cell"),
            Cell(row["rank"], "int", "cell"),
            Cell(row["grade"], role="cell"),
            Cell(yes if row["vetoed"] else no, role="cell"),
            Cell(people.get(name, 0), "int", "cell"),
            *(Cell(v, "money", "cell") for v in paid.get(name, [0, 0, 0])),
        )
    last_department = grid.next - 1
    if "" in paid:  # leaders in the bonus (include_leaders) belong to no department
        grid.add(
            Cell(t["no_department"], role="cell"),
            *(Cell(role="cell") for __ in range(5)),
            *(Cell(v, "money", "cell") for v in paid[""]),
        )
    last_bonus = grid.next - 1
    totals = money_totals(results)
    grid.add(
        Cell(TOTAL_LABEL[lang], role="total"),
        *(Cell(role="total") for __ in range(4)),
        Cell(len(results.individuals), "int", "total"),
        *(Cell(totals[k], "money", "total") for k in ("paid", "points_rewards", "total")),
    )
    return Span(0, first, last_department), Span(0, first, last_bonus)


@dataclass(frozen=True)
class GradeColumn:
    """One population's part of the grade table: members graded, per band, quota places."""

    graded: int
    counts: dict[str, int]
    places: dict[str, int | None]
    #: Members not graded (不定等次 of the annual appraisal); None: no such row.
    not_graded: int | None = None


def grade_column(
    quotas: dict[tuple[str, str], int], graded: int, counts: dict[str, int], not_graded: int | None = None
) -> GradeColumn:
    """A population's column from its counts and its quota places (summed over quota groups)."""
    places: dict[str, int | None] = {}
    for band in counts:
        found = [q for (name, _group), q in quotas.items() if name == band]
        places[band] = sum(found) if found else None
    return GradeColumn(graded, counts, places, not_graded)


def grade_table(
    grid: Grid, t: dict[str, Any], bands: list[str], columns: list[GradeColumn]
) -> tuple[Span, list[Series]]:
    """One row per band with a count, share of the graded and quota places per population,
    then 合计 (n and 100%) and, when any column has it, the members not graded; returns the
    bands' rows and a chart series (the shares) per population. The quarter's and the
    year's 汇总 both draw their grade distribution with it."""
    grid.add(Cell(t["grades"], role="section"))
    head = grid.add(
        Cell(role="head"),
        *(
            cell
            for population in POPULATIONS
            for cell in (Cell(t["populations"][population], role="head", span=3), *[Cell(role="head")] * 2)
        ),
    )
    grid.add(Cell(t["grade"], role="head"), *heads(*[t["count"], t["share"], t["quota"]] * len(POPULATIONS)))
    first = grid.next
    for band in bands:
        row = [Cell(band, role="cell")]
        for column in columns:
            n, count = column.graded, column.counts[band]
            share = (Decimal(count) / n).quantize(SHARE_PLACES, ROUND_HALF_UP) if n else None
            row += [
                Cell(count, "int", "cell"),
                Cell(share, "share", "cell"),
                Cell(column.places[band], "int", "cell"),
            ]
        grid.add(*row)
    span = Span(0, first, grid.next - 1)
    total = [Cell(t["sum"], role="total")]
    for column in columns:
        n = column.graded
        total += [
            Cell(n, "int", "total"),
            Cell(Decimal(1) if n else None, "share", "total"),
            Cell(role="total"),
        ]
    grid.add(*total)
    if any(column.not_graded is not None for column in columns):
        not_graded = [Cell(t["not_graded"], role="cell")]
        for column in columns:
            not_graded += [Cell(column.not_graded, "int", "cell"), Cell(role="cell"), Cell(role="cell")]
        grid.add(*not_graded)
    series = [Series(Span(1 + 3 * k, head, head), Span(2 + 3 * k, span.first, span.last)) for k in range(3)]
    return span, series


def _grades(results: Results, grid: Grid, t: dict[str, Any]) -> tuple[Span, list[Series]]:
    """The quarter's grade distribution: every member of a population is graded."""
    bands = [b.name for b in results.rules.grades.bands]
    columns = [
        grade_column(results.quotas.get(p, {}), len(results.population(p)), grade_counts(results, p))
        for p in POPULATIONS
    ]
    return grade_table(grid, t, bands, columns)


def sign_off(grid: Grid, t: dict[str, Any]) -> None:
    """The 制表 / 审核 / 批准 lines with a line to sign and a date under each."""
    prepared, reviewed, approved = t["sign"]
    line = (Cell(role="sign"), Cell(role="sign"))
    grid.add(Cell(prepared), *line, Cell(reviewed), *line, Cell(approved), *line)
    grid.blank()
    grid.add(Cell(t["date"]), *line, Cell(t["date"]), *line, Cell(t["date"]), *line)


def _bonus(results: Results, grid: Grid, t: dict[str, Any]) -> None:
    totals = money_totals(results)
    grid.add(Cell(t["bonus"], role="section"))
    if results.rules.bonus.mode == "pool" and totals["pool"] is not None:
        grid.add(Cell(t["pool"], role="cell"), Cell(totals["pool"], "money", "cell"))
    grid.add(Cell(t["paid"], role="cell"), Cell(totals["paid"], "money", "cell"))
    grid.add(Cell(t["reward"], role="cell"), Cell(totals["points_rewards"], "money", "cell"))
    grid.add(Cell(t["total"], role="total"), Cell(totals["total"], "money", "total"))


def _vetoed(results: Results, grid: Grid, t: dict[str, Any], lang: str) -> None:
    grid.add(Cell(t["vetoed"], role="section"))
    rest = WIDTH - 3  # the causes take the rest of the width
    covered = [Cell(role="head")] * (rest - 1)
    causes_head = Cell(t["causes"], role="head", span=rest)
    grid.add(*heads(t["population"], t["who"], t["name"]), causes_head, *covered)
    covered = [Cell(role="cell")] * (rest - 1)
    found = False
    for population in POPULATIONS:
        frame = results.population(population)
        for row in frame[frame["vetoed"]].to_dict("records"):
            found = True
            who = row["department"] if population == "departments" else row["id"]
            name = None if population == "departments" else row["name"]
            causes = "；" if lang == "zh" else "; "
            grid.add(
                Cell(t["populations"][population], role="cell"),
                Cell(who, role="cell"),
                Cell(name, role="cell"),
                Cell(causes.join(cause_text(c, lang) for c in row["veto_causes"]), role="cell", span=rest),
                *covered,
            )
    if not found:
        blank = Cell(role="cell")
        grid.add(Cell(t["none"], role="cell"), blank, blank, Cell(role="cell", span=rest), *covered)


def summary_sheet(results: Results, lang: str = "zh") -> Summary:
    """The 汇总 sheet of ``results`` in ``lang``."""
    t = {**LABELS[lang], "grade": _DEPARTMENT["grade"].header(lang), "sum": TOTAL_LABEL[lang]}
    grid = Grid()
    rules = results.rules
    grid.add(Cell(t["title"].format(period=results.period), role="title"))
    grid.add(Cell(t["rules"]), Cell(f"{rules.name} {rules.version}"))
    grid.add(Cell(t["zone"]), Cell(results.zone_score, "score"))
    grid.add(Cell(t["warnings"]), Cell(len(results.warnings), "int"))
    grid.blank()
    departments, bonus_rows = _departments(results, grid, t, lang)
    grid.blank()
    bands, grade_series = _grades(results, grid, t)
    grid.blank()
    _bonus(results, grid, t)
    grid.blank()
    _vetoed(results, grid, t, lang)
    grid.blank()
    grid.blank()
    sign_off(grid, t)
    page_end = grid.next - 1
    grid.add(Cell(t["charts"], role="section"))
    charts, second_page_end = _charts(t, grid.next, departments, bonus_rows, bands, grade_series)
    return Summary("summary", *SUMMARY_TITLE, grid.rows, charts, [page_end, second_page_end])


def _charts(
    t: dict[str, Any], top: int, departments: Span, bonus_rows: Span, bands: Span, grades: list[Series]
) -> tuple[list[Chart], int]:
    """Department scores, grade shares per population, bonus by department, from row
    ``top`` down, two to a printed page; returns them and the row after which the page breaks.
    (Anchors count rows from 0: a chart from sheet row ``s`` is anchored at ``s - 1``.)"""
    head = departments.first - 1  # the department table's header row
    plans: list[tuple[str, Span, list[Series], str]] = [
        (
            t["chart_scores"],
            departments,
            [Series(Span(1, head, head), Span(1, departments.first, departments.last))],
            "0",
        ),
        (t["chart_grades"], bands, grades, "0%"),
        (
            t["chart_bonus"],
            bonus_rows,
            [Series(Span(c, head, head), Span(c, bonus_rows.first, bonus_rows.last)) for c in (6, 7)],
            "#,##0",
        ),
    ]
    # Two charts on the first page of charts; the third on the next, after a blank row, so
    # no frame touches a page break (viewers draw an edge on both sides of it).
    second = top + CHART_ROWS + 1
    page_break = second + CHART_ROWS
    starts = (top, second, page_break + 2)
    charts = [
        Chart(title, categories, series, (0, start - 1), (WIDTH, start - 1 + CHART_ROWS), number_format)
        for (title, categories, series, number_format), start in zip(plans, starts, strict=True)
        if categories.last >= categories.first  # nothing to chart (no department): no chart
    ]
    return charts, page_break
