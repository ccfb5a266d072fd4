"""Read one period's input workbook into validated :class:`~kpi.io.inputs.Inputs`.

The steps, each in its own module:

1. :mod:`kpi.io.sources` — open the file safely (format, zip bombs, XML
   entities, size limits: :mod:`kpi.io.safety`, :mod:`kpi.io.xml_scan`) and
   hand out sheets as grids of cell values;
2. :mod:`kpi.io.tables` — find each sheet's header (a title row above it is
   allowed), map its columns by their Chinese or English names, cut the data
   rows;
3. :mod:`kpi.io.cells` — turn cell values into text, numbers, whole numbers
   and dates (method §9 "Reading");
4. :mod:`kpi.io.checks` — required values, types, unique ids, references
   between sheets and to the rules (one module per sheet in that package);
5. :mod:`kpi.io.plausibility` — warnings at values that are valid but probably
   not meant (a percent in 完成值, ρ far from 1, a 绩效基数 far from its
   department's median).

Every problem of the workbook is collected and raised at once as an
:class:`~kpi.errors.InputError`, sorted by location; the problems that stop
the reading early (an unreadable or hostile file) are raised alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpi.errors import Collector, InputError, Location, Problem, sort_problems
from kpi.i18n import _
from kpi.io.aside import Aside
from kpi.io.checks import check_all, check_year_end
from kpi.io.inputs import SHEET_KEYS, Inputs, empty_frame
from kpi.io.names import (
    OPTIONAL_SHEETS,
    SHEET_ALIASES,
    SHEET_NAMES,
    Suggester,
    accepted,
    normalize_name,
)
from kpi.io.plausibility import plausibility_warnings
from kpi.io.sources import ParsedAhead, load_grid, open_source
from kpi.io.tables import Table, read_table
from kpi.periods import Period
from kpi.rules.schema import Rules

#: Sheets that must hold at least one data row (method §9); 指标 and 市级分工 may be empty.
NEEDS_ROWS = frozenset({"people", "departments", "city_rankings"})

_WHAT_ROWS = {
    "people": _("one row per person, leaders included"),
    "departments": _("one row per department with its 分管领导"),
    "city_rankings": _("one row per city indicator with its rank"),
}


def read_workbook(path: str | Path, rules: Rules, period: Period) -> Inputs:
    """Read and check ``path`` for ``period`` under ``rules``.

    Raises :class:`InputError` carrying every problem found, sorted by location.
    """
    file = str(path)
    problems = Collector()
    warnings: list[Problem] = []
    read: dict[str, Table | None] = {}
    with Aside() as aside:
        source = open_source(path, aside.handoff)
        warnings += source.warnings
        sheets = find_sheets(source.sheet_names, file, problems)
        elsewhere = aside.handed
        with ParsedAhead(source, [n for n in sheets.values() if n not in elsewhere]) as ahead:
            for key, name in sheets.items():
                if name in elsewhere:
                    continue
                try:
                    grid = load_grid(source, name, ahead)
                except InputError as exc:
                    problems.extend(exc.problems)
                    continue
                read[name] = read_table(grid, key, file, problems, warnings)
                del grid
        helped = aside.collect()
    if helped is not None:
        read.update(helped.tables)
        problems.extend(helped.problems)
        warnings += helped.warnings
    tables: dict[str, Table] = {}
    for key, name in sheets.items():
        if name not in read:
            continue  # unreadable: its problem is reported
        table = read[name]
        if key in NEEDS_ROWS and (table is None or len(table) == 0):
            problems.add(
                Location(file=file, sheet=name, row=table.header_row if table is not None else None),
                _("sheet {sheet} has no data rows: it needs {what}", sheet=name, what=_WHAT_ROWS[key]),
            )
        elif table is not None:
            tables[key] = table
    frames = check_all(tables, rules, period, file, source.date1904, problems)
    problems.raise_if_any(InputError, tuple(source.sheet_names))
    warnings += plausibility_warnings(tables, frames, source.percent_cells, file)
    inputs = Inputs(
        path=file,
        sha256=source.sha256,
        people=frames["people"],
        departments=frames["departments"],
        points=frames["points"],
        indicators=frames["indicators"],
        city_rankings=frames["city_rankings"],
        city_shares=frames["city_shares"],
        vetoes=frames["vetoes"],
        service_requests=frames["service_requests"],
        evaluations=frames["evaluations"],
        sheets=sheets,
        columns={
            (key, column): found.letter
            for key, table in tables.items()
            for column, found in table.columns.items()
        },
        warnings=sort_problems(warnings, tuple(source.sheet_names)),
    )
    inputs.warnings += year_hint(inputs, period)
    return inputs


def year_hint(inputs: Inputs, period: Period) -> list[Problem]:
    """A year scored as one period whose dated rows (点数, 否决) all lie in one quarter.

    Scoring a quarter's workbook with ``--period 2024`` is allowed (the dates are
    inside the year) but is almost always a mistake: 在岗月数 counts out of 12 and
    the annual appraisal is not a long quarter. A warning at the first dated
    row names the quarter and points to ``kpi annual``.
    """
    if period.quarter is not None:
        return []
    dated = [
        (day, sheet, int(row))
        for sheet in ("points", "vetoes")
        for day, row in zip(inputs.frame(sheet)["date"], inputs.frame(sheet)["row"], strict=True)
    ]
    quarters = {(day.month - 1) // 3 + 1 for day, __, ___ in dated}
    if len(quarters) != 1:
        return []
    quarter = Period(period.year, quarters.pop())
    __, sheet, row = min(dated, key=lambda d: (d[1] != "points", d[2]))
    return [
        Problem.warning(
            inputs.location(sheet, row, "date"),
            _(
                "period {period} is a whole year, but every date in {points} and {vetoes} lies in {quarter}: "
                "if this is that quarter's workbook, score it with --period {quarter} (a year counts "
                "在岗月数 out of 12); the annual appraisal (年度考核) rolls the four quarters' results "
                "up with kpi annual",
                period=str(period),
                points=inputs.sheet_name("points"),
                vetoes=inputs.sheet_name("vetoes"),
                quarter=str(quarter),
            ),
        )
    ]


def find_sheets(names: list[str], file: str, problems: Collector) -> dict[str, str]:
    """Sheet key → name as spelled; a sheet given twice or a required one absent is an error."""
    found: dict[str, str] = {}
    unknown: list[str] = []
    for name in names:
        key = SHEET_ALIASES.get(normalize_name(name))
        if key is None:
            unknown.append(name)
        elif key in found:
            problems.add(
                Location(file=file, sheet=name),
                _(
                    "sheet {sheet} appears twice ('{first}' and '{second}'): keep one of them",
                    sheet=accepted(SHEET_NAMES[key]),
                    first=found[key],
                    second=name,
                ),
            )
        else:
            found[key] = name
    suggest = Suggester(unknown)
    for key in SHEET_KEYS:
        if key in found or key in OPTIONAL_SHEETS:
            continue
        guess = next((g for n in SHEET_NAMES[key] if (g := suggest(n)) is not None), None)
        listed = ", ".join(names) if names else _("none")
        if guess:
            message = _(
                "missing sheet {sheet} (the workbook has: {listed}); did you mean '{guess}'? Rename "
                "it to {name}",
                sheet=accepted(SHEET_NAMES[key]),
                listed=listed,
                guess=guess,
                name=SHEET_NAMES[key][0],
            )
        else:
            message = _(
                "missing sheet {sheet} (the workbook has: {listed})",
                sheet=accepted(SHEET_NAMES[key]),
                listed=listed,
            )
        problems.add(Location(file=file), message)
    return {key: found[key] for key in SHEET_KEYS if key in found}


@dataclass(frozen=True)
class YearEndSheet:
    """The 测评 sheet of a year-end evaluation workbook, checked (the annual appraisal)."""

    path: str
    sha256: str
    sheet: str
    #: Rows as :class:`~kpi.io.inputs.Inputs` ``evaluations`` holds them.
    evaluations: pd.DataFrame
    warnings: list[Problem]


def read_year_end(
    path: str | Path, rules: Rules, period: Period, members: tuple[set[str], set[str], str]
) -> YearEndSheet:
    """Read the year-end evaluation: a workbook whose 测评 / evaluations sheet is checked
    as a quarter's is, except that each 对象 must be a member of the quarters
    (``members``: their 工号s, their departments, and how to name the quarters).
    Other sheets are ignored. Raises :class:`InputError` with every problem."""
    file = str(path)
    source = open_source(path)
    problems = Collector()
    warnings = list(source.warnings)
    names = [n for n in source.sheet_names if SHEET_ALIASES.get(normalize_name(n)) == "evaluations"]
    if not names:
        listed = ", ".join(source.sheet_names) or _("none")
        raise InputError.single(
            _(
                "no sheet {sheet}: the year-end evaluation workbook holds its ballots there "
                "(the workbook has: {listed})",
                sheet=accepted(SHEET_NAMES["evaluations"]),
                listed=listed,
            ),
            Location(file=file),
        )
    if len(names) > 1:
        raise InputError.single(
            _(
                "sheet {sheet} appears twice ('{first}' and '{second}'): keep one of them",
                sheet=accepted(SHEET_NAMES["evaluations"]),
                first=names[0],
                second=names[1],
            ),
            Location(file=file, sheet=names[1]),
        )
    table = read_table(load_grid(source, names[0]), "evaluations", file, problems, warnings)
    frame = empty_frame("evaluations")
    if table is not None:
        frame = check_year_end(table, rules, period, file, source.date1904, problems, members)
    problems.raise_if_any(InputError, tuple(source.sheet_names))
    return YearEndSheet(file, source.sha256, names[0], frame, sort_problems(warnings))
