"""Find a sheet's header, map its columns, and cut its data rows into columns.

method §9: the header row is the first non-blank row. Real files often put a
title above it (``2024年第三季度点数考核登记表``, merged across the table), so:

* if the first non-blank row holds every required column, it is the header;
* otherwise the first of the next non-blank rows (the first
  :data:`HEADER_SEARCH_ROWS` non-blank rows in all) that holds every required
  column is the header, and a warning says so;
* otherwise the candidate holding the most known columns is taken and the
  missing columns are reported against it.

A header cell merged down over several rows (``工号`` in A2:A3 beside a
two-row header ``考核`` / ``点数``) makes those rows one header block: each
column is named by its lowest non-blank cell in the block, and data starts
below the block. Below the header, a cell merged down over several rows (a
``部门`` merged over its staff) gives its value to each of those rows; a
horizontal merge gives its value to its first column only.

A sheet whose only content is one row without any known column name (a
title over an unused sheet) is read as empty, with a warning.

A row is skipped when all its recognised columns are blank; if it has
something in other columns only, a warning lists it, since the user may have
meant it as data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np

from kpi.errors import Collector, Location, Problem, column_letter
from kpi.i18n import Msg, _
from kpi.io.cells import factorize, is_blank, shown
from kpi.io.names import COLUMN_ALIASES, COLUMN_NAMES, accepted, did_you_mean, normalize_name
from kpi.io.sources import Grid
from kpi.io.xml_scan import Unreadable

#: How many non-blank rows from the top may hold the header.
HEADER_SEARCH_ROWS = 10
#: Deepest header block (rows) a vertical merge may make.
MAX_HEADER_DEPTH = 5

#: Columns that must be present in each sheet. 部门/岗位类别 are needed for every
#: staff row and 目标值 for every non-评分 indicator, so those columns are required too.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("id", "name", "department", "post_category", "role", "bonus_base"),
    "departments": ("department", "leader_in_charge"),
    "points": ("date", "target", "code"),
    "indicators": ("id", "name", "level", "department", "direction", "target", "actual", "weight"),
    "city_rankings": ("indicator", "weight", "rank", "participants"),
    "city_shares": ("indicator", "department", "share"),
    "vetoes": ("target", "item", "date"),
    "service_requests": ("id", "company", "handler", "kind", "received"),
    "evaluations": ("target", "rater_group"),
}


@dataclass
class Column:
    """One recognised column below the header, factorised: cell i is ``uniques[codes[i]]``."""

    key: str
    letter: str
    header: str
    codes: np.ndarray
    uniques: list[Any]


@dataclass
class Table:
    """The data rows of one sheet, by recognised column."""

    key: str
    sheet: str
    header_row: int
    rows: np.ndarray
    columns: dict[str, Column] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def header(self, column: str) -> str:
        """The column's header as spelled in the sheet (Chinese name if absent)."""
        found = self.columns.get(column)
        return found.header if found else COLUMN_NAMES[self.key][column][0]

    def location(self, file: str, column: str, index: int) -> Location:
        """The cell of record ``index`` in ``column``."""
        found = self.columns.get(column)
        return Location(
            file=file,
            sheet=self.sheet,
            row=int(self.rows[index]),
            column=found.letter if found else None,
        )


def read_table(grid: Grid, key: str, file: str, problems: Collector, warnings: list[Problem]) -> Table | None:
    """The sheet's table, or None when the sheet is entirely blank.

    Header problems (missing or repeated columns) go to ``problems``; the table
    is still returned with the columns that were found, so that their cells
    can be checked in the same run.
    """
    rows = grid.rows
    candidates = _nonblank_rows(rows, HEADER_SEARCH_ROWS)
    if not candidates:
        return None
    required = REQUIRED_COLUMNS[key]
    aliases = COLUMN_ALIASES[key]
    headers = [_header_block(grid, h) for h in candidates]
    found = [{aliases.get(normalize_name(t)) for t, __ in names.values()} - {None} for __, names in headers]
    complete = [i for i, keys in enumerate(found) if set(required) <= keys]
    if len(candidates) == 1 and not found[0]:
        # Only a title, no header and no rows (an unused 否决 sheet): nothing to read.
        warnings.append(
            Problem.warning(
                Location(file, grid.name, candidates[0] + 1),
                _("this row is the sheet's only content and no header: read as an empty sheet"),
            )
        )
        return None
    if complete:
        pick = complete[0]
    else:
        most = max(len(keys) for keys in found)
        pick = next(i for i, keys in enumerate(found) if len(keys) == most) if most else 0
    first = candidates[pick]
    end, names = headers[pick]
    if pick and complete:
        warnings.append(
            Problem.warning(
                Location(file, grid.name, first + 1),
                _(
                    "header found in this row; row(s) {rows} above it read as a title",
                    rows=", ".join(str(c + 1) for c in candidates[:pick]),
                ),
            )
        )
    table = Table(key, grid.name, end + 1, np.empty(0, dtype=np.int64))
    positions = _map_columns(table, names, aliases, file, problems)
    for column in required:
        if column not in positions:
            table.missing.append(column)
            problems.add(
                Location(file=file, sheet=grid.name, row=end + 1),
                _missing_message(key, column, names, positions, aliases, first, candidates[0]),
            )
    _fill_merged_down(grid, end, positions.values())
    _cut_records(table, rows[end + 1 :], end + 1, positions, warnings, file)
    return table


def _nonblank_rows(rows: list[list[Any]], limit: int) -> list[int]:
    """Indexes of the first ``limit`` rows holding anything but blanks."""
    found: list[int] = []
    for i, row in enumerate(rows):
        if any(not is_blank(v) for v in row):
            found.append(i)
            if len(found) == limit:
                break
    return found


def _header_block(grid: Grid, first: int) -> tuple[int, dict[int, tuple[str, int]]]:
    """(last row of the header block, column → (header text, its 0-based row))."""
    end = first
    for r1, _c1, r2, _c2 in grid.merged:
        if r1 == first and r2 > end:
            end = min(r2, first + MAX_HEADER_DEPTH - 1, len(grid.rows) - 1)
    names: dict[int, tuple[str, int]] = {}
    width = len(grid.rows[first])
    for j in range(width):
        for r in range(end, first - 1, -1):
            value = grid.rows[r][j] if j < len(grid.rows[r]) else ""
            if not is_blank(value) and not isinstance(value, Unreadable):
                names[j] = (" ".join(shown(value).split()), r)
                break
    return end, names


def _map_columns(
    table: Table,
    names: dict[int, tuple[str, int]],
    aliases: dict[str, str],
    file: str,
    problems: Collector,
) -> dict[str, int]:
    """Column key → 0-based position; a column named twice is an error at its second cell."""
    positions: dict[str, int] = {}
    for j, (text, r) in sorted(names.items()):
        column = aliases.get(normalize_name(text))
        if column is None:
            continue
        if column in positions:
            first = positions[column]
            problems.add(
                Location(file=file, sheet=table.sheet, row=r + 1, column=column_letter(j + 1)),
                _(
                    "column {column} appears twice ({first_cell} '{first}' and {second_cell} '{second}'): "
                    "keep one of them",
                    column=accepted(COLUMN_NAMES[table.key][column]),
                    first_cell=column_letter(first + 1),
                    first=names[first][0],
                    second_cell=column_letter(j + 1),
                    second=text,
                ),
            )
            continue
        positions[column] = j
        table.columns[column] = Column(column, column_letter(j + 1), text, np.empty(0, dtype=np.int64), [])
    return positions


def _missing_message(
    key: str,
    column: str,
    names: dict[int, tuple[str, int]],
    positions: dict[str, int],
    aliases: dict[str, str],
    header: int,
    first_nonblank: int,
) -> Msg:
    """'missing column 工号 / id' with what the header row does hold and a likely misspelling."""
    wanted = COLUMN_NAMES[key][column]
    used = set(positions.values())
    unknown = [text for j, (text, __) in sorted(names.items()) if j not in used]
    column_name, row = accepted(wanted), header + 1
    guess = None
    for text in unknown:
        if aliases.get(normalize_name(text)) is None and did_you_mean(text, wanted):
            guess = text
            break
    if guess is not None:
        return _(
            "missing column {column} in the header row (row {row}); did you mean '{guess}'? Rename "
            "it to {name}",
            column=column_name,
            row=row,
            guess=guess,
            name=wanted[0],
        )
    if header == first_nonblank:
        return _(
            "missing column {column} in the header row (row {row}): the header is the first non-blank row; "
            "add the column there",
            column=column_name,
            row=row,
        )
    return _(
        "missing column {column} in the header row (row {row}): add the column to the header row",
        column=column_name,
        row=row,
    )


def _fill_merged_down(grid: Grid, header_end: int, used: Any) -> None:
    """Give a data cell merged down over several rows its value on each of those rows."""
    columns = set(used)
    for r1, c1, r2, _c2 in grid.merged:
        if r1 <= header_end or c1 not in columns:
            continue
        value = grid.rows[r1][c1]
        for r in range(r1 + 1, min(r2, len(grid.rows) - 1) + 1):
            if is_blank(grid.rows[r][c1]):
                grid.rows[r][c1] = value


def _cut_records(
    table: Table,
    data: list[list[Any]],
    first_row: int,
    positions: dict[str, int],
    warnings: list[Problem],
    file: str,
) -> None:
    """Fill ``table`` with the non-blank data rows, column by column."""
    n = len(data)
    blank = np.ones(n, dtype=bool)
    factorised: dict[str, tuple[np.ndarray, list[Any]]] = {}
    for column, j in positions.items():
        values = np.empty(n, dtype=object)
        values[:] = list(map(itemgetter(j), data))
        codes, uniques = factorize(values)
        is_blank_unique = np.fromiter((is_blank(u) for u in uniques), dtype=bool, count=len(uniques))
        blank &= is_blank_unique[codes]
        factorised[column] = (codes, uniques)
    skipped = [first_row + i + 1 for i in np.flatnonzero(blank) if any(not is_blank(v) for v in data[i])]
    if skipped:
        listed = ", ".join(str(r) for r in skipped[:10]) + (" …" if len(skipped) > 10 else "")
        warnings.append(
            Problem.warning(
                Location(file, table.sheet, int(skipped[0])),
                _(
                    "row(s) {rows} skipped: they have values only in columns this tool does not read",
                    rows=listed,
                ),
            )
        )
    keep = np.flatnonzero(~blank)
    table.rows = keep.astype(np.int64) + first_row + 1
    for column, (codes, uniques) in factorised.items():
        table.columns[column].codes = codes[keep]
        table.columns[column].uniques = uniques
