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

from pathlib import Path

from kpi.errors import Collector, InputError, Location, sort_problems
from kpi.io.checks import check_all
from kpi.io.inputs import SHEET_KEYS, Inputs
from kpi.io.names import (
    OPTIONAL_SHEETS,
    SHEET_ALIASES,
    SHEET_NAMES,
    Suggester,
    accepted,
    normalize_name,
)
from kpi.io.plausibility import plausibility_warnings
from kpi.io.sources import load_grid, open_source
from kpi.io.tables import Table, read_table
from kpi.periods import Period
from kpi.rules.schema import Rules

#: Sheets that must hold at least one data row (method §9); 指标 and 市级分工 may be empty.
NEEDS_ROWS = frozenset({"people", "departments", "city_rankings"})

_WHAT_ROWS = {
    "people": "one row per person, leaders included",
    "departments": "one row per department with its 分管领导",
    "city_rankings": "one row per city indicator with its rank",
}


def read_workbook(path: str | Path, rules: Rules, period: Period) -> Inputs:
    """Read and check ``path`` for ``period`` under ``rules``.

    Raises :class:`InputError` carrying every problem found, sorted by location.
    """
    file = str(path)
    source = open_source(path)
    problems = Collector()
    warnings = list(source.warnings)
    sheets = _find_sheets(source.sheet_names, file, problems)
    tables: dict[str, Table] = {}
    for key, name in sheets.items():
        try:
            grid = load_grid(source, name)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        table = read_table(grid, key, file, problems, warnings)
        del grid
        if key in NEEDS_ROWS and (table is None or len(table) == 0):
            problems.add(
                Location(file=file, sheet=name, row=table.header_row if table is not None else None),
                f"sheet {name} has no data rows: it needs {_WHAT_ROWS[key]}",
            )
            continue
        if table is not None:
            tables[key] = table
    frames = check_all(tables, rules, period, file, source.date1904, problems)
    problems.raise_if_any(InputError, tuple(source.sheet_names))
    warnings += plausibility_warnings(tables, frames, source.percent_cells, file)
    return Inputs(
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


def _find_sheets(names: list[str], file: str, problems: Collector) -> dict[str, str]:
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
                f"sheet {accepted(SHEET_NAMES[key])} appears twice ('{found[key]}' and "
                f"'{name}'): keep one of them",
            )
        else:
            found[key] = name
    suggest = Suggester(unknown)
    for key in SHEET_KEYS:
        if key in found or key in OPTIONAL_SHEETS:
            continue
        guess = next((g for n in SHEET_NAMES[key] if (g := suggest(n)) is not None), None)
        hint = f"; did you mean '{guess}'? Rename it to {SHEET_NAMES[key][0]}" if guess else ""
        listed = ", ".join(names) if names else "none"
        problems.add(
            Location(file=file),
            f"missing sheet {accepted(SHEET_NAMES[key])} (the workbook has: {listed}){hint}",
        )
    return {key: found[key] for key in SHEET_KEYS if key in found}
