"""Type checks of each sheet's cells and their cross-references (SPEC §3, §5.4, §7).

Every check adds located problems to one :class:`~kpi.errors.Collector`, so a
workbook's faults are all reported in one run. A cell that fails its type
check is left out of the later checks (a bad date is not also "outside the
period"), and a reference is only checked against a list that was itself read
(no "unknown department" flood when sheet 部门 is missing).

Checks run once per *distinct* value where they can (a million 点数 rows have
a few hundred targets and codes): a :class:`Field` keeps a column factorised.
One check reports at most :data:`MAX_PER_CHECK` cells and then a summary
problem, so that a whole column typed wrong gives a readable list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from kpi.errors import Collector
from kpi.io.cells import DATE, INTEGER, NUMBER, TEXT, convert_uniques, converter
from kpi.io.inputs import COLUMNS, empty_frame
from kpi.io.names import SHEET_NAMES, Suggester, listing
from kpi.io.tables import Table
from kpi.numbers import plain
from kpi.periods import Period
from kpi.rules.schema import Rules

MAX_PER_CHECK = 100

DIRECTIONS = ("正向", "反向", "评分")
SCORED = "评分"

KINDS: dict[str, dict[str, str]] = {
    "people": {
        "id": TEXT,
        "name": TEXT,
        "department": TEXT,
        "post_category": TEXT,
        "role": TEXT,
        "bonus_base": NUMBER,
        "months": NUMBER,
    },
    "departments": {"department": TEXT, "leader_in_charge": TEXT},
    "points": {"date": DATE, "target": TEXT, "code": TEXT, "points": NUMBER, "reason": TEXT},
    "indicators": {
        "id": TEXT,
        "name": TEXT,
        "level": TEXT,
        "department": TEXT,
        "direction": TEXT,
        "target": NUMBER,
        "actual": NUMBER,
        "weight": NUMBER,
        "deadline": DATE,
        "completed_on": DATE,
    },
    "city_rankings": {
        "indicator": TEXT,
        "weight": NUMBER,
        "rank": INTEGER,
        "participants": INTEGER,
    },
    "city_shares": {"indicator": TEXT, "department": TEXT, "share": NUMBER},
    "vetoes": {"target": TEXT, "item": TEXT, "date": DATE, "note": TEXT},
}

#: Values required on every row; 部门/岗位类别 (staff only) and 目标值 (not 评分)
#: are required conditionally by the sheet checks.
REQUIRED: dict[str, tuple[str, ...]] = {
    "people": ("id", "name", "role", "bonus_base"),
    "departments": ("department", "leader_in_charge"),
    "points": ("date", "target", "code"),
    "indicators": ("id", "name", "level", "department", "direction", "actual", "weight"),
    "city_rankings": ("indicator", "weight", "rank", "participants"),
    "city_shares": ("indicator", "department", "share"),
    "vetoes": ("target", "item", "date"),
}

#: Which columns' type errors wait for the sheet check (they may not apply to a row).
_CONDITIONAL = {("people", "department"), ("indicators", "target")}


@dataclass
class Field:
    """One column of a table, typed once per distinct value.

    Cell ``i`` holds ``typed[codes[i]]``; ``errors`` and ``blank`` are per distinct value.
    An absent column is one blank value for every row.
    """

    table: Table
    key: str
    present: bool
    codes: np.ndarray
    typed: np.ndarray
    errors: np.ndarray
    blank: np.ndarray

    @property
    def header(self) -> str:
        return self.table.header(self.key)

    def good_unique(self) -> np.ndarray:
        return ~self.blank & np.array([e is None for e in self.errors], dtype=bool)

    def valid(self) -> np.ndarray:
        """Per cell: holds a value of the right type."""
        return self.good_unique()[self.codes]

    def is_blank(self) -> np.ndarray:
        return self.blank[self.codes]

    def has_error(self) -> np.ndarray:
        return np.array([e is not None for e in self.errors], dtype=bool)[self.codes]

    def cells(self) -> np.ndarray:
        """Per cell: the typed value, or None when blank or wrong."""
        values = self.typed.copy()
        values[~self.good_unique()] = None
        return values[self.codes]

    def where(self, predicate: Callable[[Any], bool]) -> np.ndarray:
        """Per cell: valid and ``predicate(value)``, evaluated once per distinct value."""
        good = self.good_unique()
        hits = np.array([bool(good[k]) and predicate(v) for k, v in enumerate(self.typed)], dtype=bool)
        return hits[self.codes] if len(hits) else np.zeros(len(self.codes), dtype=bool)

    def value(self, i: int) -> Any:
        return self.typed[self.codes[i]]

    def shown(self, i: int) -> str:
        value = self.value(i)
        if isinstance(value, Decimal):
            return plain(value)
        if isinstance(value, date):
            return value.isoformat()
        return str(value)


class Checker:
    """Holds what every check needs: where the file is, the rules, the period, the problems."""

    def __init__(self, file: str, rules: Rules, period: Period, date1904: bool, problems: Collector) -> None:
        self.file = file
        self.rules = rules
        self.period = period
        self.date1904 = date1904
        self.problems = problems

    # Reporting ---------------------------------------------------------------

    def report(
        self,
        table: Table,
        column: str,
        mask: np.ndarray | Iterable[int],
        message: Callable[[int], str],
    ) -> int:
        """Add ``message(i)`` at ``column`` of each record i in ``mask``; returns the count."""
        indices = np.flatnonzero(mask) if isinstance(mask, np.ndarray) else list(mask)
        for i in indices[:MAX_PER_CHECK]:
            self.problems.add(table.location(self.file, column, int(i)), message(int(i)))
        if len(indices) > MAX_PER_CHECK:
            first = int(indices[MAX_PER_CHECK])
            self.problems.add(
                table.location(self.file, column, first),
                f"{message(first)} (and {len(indices) - MAX_PER_CHECK - 1:,} more cells of "
                f"column {table.header(column)} with the same problem below this one)",
            )
        return len(indices)

    # Typing ------------------------------------------------------------------

    def field(self, table: Table, key: str) -> Field:
        """Type one column; type errors and blanks of required columns are reported here."""
        kind = KINDS[table.key][key]
        column = table.columns.get(key)
        if column is None:
            n = len(table)
            return Field(
                table,
                key,
                False,
                np.zeros(n, dtype=np.int64),
                np.array([None], dtype=object),
                np.array([None], dtype=object),
                np.array([True]),
            )
        typed, errors, blank = convert_uniques(column.uniques, converter(kind, self.date1904))
        f = Field(table, key, True, column.codes, typed, errors, blank)
        if (table.key, key) not in _CONDITIONAL:
            self.type_errors(f, np.ones(len(table), dtype=bool))
        if key in REQUIRED[table.key]:
            self.report(table, key, f.is_blank(), lambda i: _required(f.header))
        return f

    def type_errors(self, f: Field, mask: np.ndarray) -> None:
        self.report(
            f.table,
            f.key,
            f.has_error() & mask,
            lambda i: f"{f.header} {f.errors[f.codes[i]]}",
        )

    def fields(self, table: Table) -> dict[str, Field]:
        return {key: self.field(table, key) for key in KINDS[table.key]}

    # Shared checks -----------------------------------------------------------

    def unique(self, f: Field) -> None:
        """Each value once: the second and later occurrences are errors."""
        values = pd.Series(f.cells())
        present = values.notna()
        repeated = values.duplicated(keep="first") & present
        if not repeated.any():
            return
        first_row: dict[Any, int] = {}
        for i in np.flatnonzero(present.to_numpy()):
            first_row.setdefault(values.iat[i], int(f.table.rows[i]))
        self.report(
            f.table,
            f.key,
            repeated.to_numpy(),
            lambda i: (
                f"{f.header} '{f.shown(i)}' repeats row {first_row[values.iat[i]]}: "
                f"each {f.header} must appear once"
            ),
        )

    def member(
        self,
        f: Field,
        choices: Iterable[str],
        what: str,
        mask: np.ndarray | None = None,
        advice: str = "",
    ) -> np.ndarray:
        """Values must be among ``choices``; returns the per-cell mask of the bad ones."""
        options = list(choices)
        allowed = set(options)
        suggest = Suggester(options)
        bad = f.where(lambda v: v not in allowed)
        if mask is not None:
            bad &= mask
        self.report(
            f.table,
            f.key,
            bad,
            lambda i: (
                f"{f.header} '{f.shown(i)}' is not {what} ({listing(options)})"
                f"{suggest.hint(str(f.value(i)))}{advice}"
            ),
        )
        return bad

    def in_range(
        self,
        f: Field,
        ok: Callable[[Decimal], bool],
        expected: str,
        mask: np.ndarray | None = None,
    ) -> None:
        bad = f.where(lambda v: not ok(v))
        if mask is not None:
            bad &= mask
        self.report(f.table, f.key, bad, lambda i: f"{f.header} {f.shown(i)} {expected}")

    def in_period(self, f: Field) -> None:
        p = self.period
        self.report(
            f.table,
            f.key,
            f.where(lambda d: not p.contains(d)),
            lambda i: (
                f"{f.header} {f.shown(i)} is outside the period {p} "
                f"({p.first_day.isoformat()} to {p.last_day.isoformat()}): correct the date, "
                "or move the row to the workbook of its own period"
            ),
        )

    def targets(self, f: Field, ids: set[str] | None, departments: set[str] | None) -> None:
        """对象: a 工号 or a department name, never both (when those lists were read)."""
        if ids is None or departments is None:
            return
        both = ids & departments
        ambiguous = f.where(lambda v: v in both)
        self.report(
            f.table,
            f.key,
            ambiguous,
            lambda i: (
                f"{f.header} '{f.shown(i)}' is both a 工号 in 人员 and a department in 部门, so it "
                "is ambiguous: give the person or the department a different name"
            ),
        )
        suggest = Suggester(v for group in (departments, ids) for v in sorted(group))
        self.report(
            f.table,
            f.key,
            f.where(lambda v: v not in ids and v not in departments),
            lambda i: (
                f"{f.header} '{f.shown(i)}' is neither a 工号 in 人员 nor a department in 部门"
                f"{suggest.hint(str(f.value(i)))}"
            ),
        )


def _required(header: str) -> str:
    return f"{header} is required: fill in this cell, or delete the row"


# Sheets ---------------------------------------------------------------------


@dataclass
class Checked:
    """Typed fields of every sheet read, and the reference lists they give."""

    fields: dict[str, dict[str, Field]]
    ids: set[str] | None
    departments: set[str] | None
    #: Per sheet, columns whose output differs from the cells (values the SPEC ignores).
    overrides: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


def check_all(
    tables: dict[str, Table],
    rules: Rules,
    period: Period,
    file: str,
    date1904: bool,
    problems: Collector,
) -> dict[str, pd.DataFrame]:
    """Check every table; returns the frames of :class:`~kpi.io.inputs.Inputs` by sheet key.

    The frames are only meaningful when ``problems`` stays empty.
    """
    checker = Checker(file, rules, period, date1904, problems)
    fields = {key: checker.fields(table) for key, table in tables.items()}
    ids = _values(fields, "people", "id")
    departments = _values(fields, "departments", "department")
    checked = Checked(fields, ids, departments)
    people_kinds = _check_people(checker, checked)
    _check_departments(checker, checked, people_kinds)
    _check_points(checker, checked)
    _check_indicators(checker, checked)
    rankings = _check_city_rankings(checker, checked)
    _check_city_shares(checker, checked, rankings)
    _check_vetoes(checker, checked)
    _check_department_components(checker, checked)
    if problems:
        return {}
    return {
        key: _frame(key, fields.get(key), tables.get(key), checked.overrides.get(key, {})) for key in COLUMNS
    }


def _values(fields: dict[str, dict[str, Field]], sheet: str, column: str) -> set[str] | None:
    """The valid values of a column, or None when the sheet or the column is absent."""
    f = fields.get(sheet, {}).get(column)
    if f is None or not f.present:
        return None
    return {v for v, ok in zip(f.typed, f.good_unique(), strict=True) if ok}


def _check_people(c: Checker, checked: Checked) -> dict[str, str | None]:
    """人员; returns 工号 → leader kind ('main_leader', 'leader_in_charge' or None)."""
    f = checked.fields.get("people")
    if f is None:
        return {}
    rules = c.rules
    c.unique(f["id"])
    roles = f["role"].cells()
    leader = np.array([r is not None and rules.leader_kind(r) is not None for r in roles], dtype=bool)
    staff = f["role"].valid() & ~leader
    table = f["id"].table

    def staff_needs(header: str) -> Callable[[int], str]:
        return lambda i: (
            f"{header} is required for staff (职务 '{roles[i]}' is not a leader role): fill in this cell"
        )

    for key in ("department", "post_category"):
        if f[key].present:
            c.report(table, key, f[key].is_blank() & staff, staff_needs(f[key].header))
    c.type_errors(f["department"], staff)
    if checked.departments is not None:
        c.member(f["department"], sorted(checked.departments), "a department of sheet 部门", staff)
    c.member(f["post_category"], list(rules.coefficients.post_category), "in coefficients.post_category")
    c.in_range(f["bonus_base"], lambda v: v >= 0, "must be 0 or more (yuan per period)")
    months = c.period.months
    c.in_range(
        f["months"],
        lambda v: 0 <= v <= months,
        f"must be between 0 and {months} (the months in {c.period}); leave it blank for the full period",
    )
    role_coef = rules.coefficients.role
    if role_coef is not None:
        paid = staff | (leader if rules.bonus.include_leaders else np.zeros_like(leader))
        population = "staff and leaders" if rules.bonus.include_leaders else "staff"
        c.member(
            f["role"],
            list(role_coef),
            "in coefficients.role",
            paid,
            advice=(
                f". The rules must give a coefficient for the 职务 of everyone paid a bonus "
                f"({population}): add it to coefficients.role or correct the 职务"
            ),
        )
    # SPEC §7: a leader's 部门 is ignored.
    departments = f["department"].cells()
    departments[leader] = None
    checked.overrides["people"] = {"department": departments}
    ids = f["id"].cells()
    return {
        str(ids[i]): (rules.leader_kind(str(roles[i])) if roles[i] is not None else None)
        for i in range(len(ids))
        if ids[i] is not None
    }


def _check_departments(c: Checker, checked: Checked, kinds: dict[str, str | None]) -> None:
    f = checked.fields.get("departments")
    if f is None:
        return
    c.unique(f["department"])
    lic = f["leader_in_charge"]
    if checked.ids is None:
        return
    suggest = Suggester(k for k in sorted(kinds) if kinds[k] == "leader_in_charge")
    c.report(
        lic.table,
        lic.key,
        lic.where(lambda v: v not in kinds),
        lambda i: f"{lic.header} '{lic.shown(i)}' is not a 工号 in sheet 人员{suggest.hint(lic.shown(i))}",
    )
    allowed = listing(c.rules.roles.leader_in_charge)
    c.report(
        lic.table,
        lic.key,
        lic.where(lambda v: v in kinds and kinds[v] != "leader_in_charge"),
        lambda i: (
            f"{lic.header} '{lic.shown(i)}' is not a leader in charge: the person's 职务 must be "
            f"in roles.leader_in_charge ({allowed})"
        ),
    )


def _check_points(c: Checker, checked: Checked) -> None:
    f = checked.fields.get("points")
    if f is None:
        return
    c.in_period(f["date"])
    c.targets(f["target"], checked.ids, checked.departments)
    c.member(f["code"], list(c.rules.points.events), "in points.events")


def _check_indicators(c: Checker, checked: Checked) -> None:
    f = checked.fields.get("indicators")
    if f is None:
        return
    c.unique(f["id"])
    c.member(f["level"], list(c.rules.indicators.level_multiplier), "in indicators.level_multiplier")
    if checked.departments is not None:
        c.member(f["department"], sorted(checked.departments), "a department of sheet 部门")
    c.member(f["direction"], DIRECTIONS, "a direction")
    directions = f["direction"].cells()
    scored = np.array([d == SCORED for d in directions], dtype=bool)
    known = f["direction"].valid() & np.array([d in DIRECTIONS for d in directions], dtype=bool)
    target = f["target"]
    c.type_errors(target, ~scored)
    if target.present:
        c.report(
            target.table,
            "target",
            target.is_blank() & known & ~scored,
            lambda i: (
                f"{target.header} is required for a {directions[i]} indicator "
                "(only 评分 indicators need none): fill in this cell"
            ),
        )
    c.in_range(
        target,
        lambda v: v > 0,
        "must be more than 0 (only a 评分 indicator may leave it blank)",
        known & ~scored,
    )
    c.in_range(f["actual"], lambda v: v >= 0, "must be 0 or more")
    c.in_range(
        f["actual"],
        lambda v: v <= 100,
        "must be between 0 and 100 for a 评分 indicator (its 完成值 is already a score)",
        scored,
    )
    c.in_range(f["weight"], lambda v: v > 0, "must be more than 0")
    # SPEC §7: a 评分 indicator's 目标值 is ignored.
    targets = target.cells()
    targets[scored] = None
    checked.overrides["indicators"] = {"target": targets}


def _check_city_rankings(c: Checker, checked: Checked) -> set[str] | None:
    f = checked.fields.get("city_rankings")
    if f is None:
        return None
    c.unique(f["indicator"])
    c.in_range(f["weight"], lambda v: v > 0, "must be more than 0")
    c.in_range(f["participants"], lambda v: v >= 2, "must be 2 or more (a ranking needs rivals)")
    c.in_range(f["rank"], lambda v: v >= 1, "must be 1 or more")
    ranks, participants = f["rank"].cells(), f["participants"].cells()
    beyond = [
        i
        for i in range(len(ranks))
        if ranks[i] is not None
        and participants[i] is not None
        and participants[i] >= 2
        and ranks[i] > participants[i]
    ]
    c.report(
        f["rank"].table,
        "rank",
        beyond,
        lambda i: (
            f"{f['rank'].header} {ranks[i]} is beyond {f['participants'].header} "
            f"{participants[i]}: a rank lies between 1 and the number of participants"
        ),
    )
    return _values(checked.fields, "city_rankings", "indicator")


def _check_city_shares(c: Checker, checked: Checked, rankings: set[str] | None) -> None:
    f = checked.fields.get("city_shares")
    if f is None:
        return
    if rankings is not None:
        c.member(f["indicator"], sorted(rankings), "an indicator of sheet 市级排名")
    if checked.departments is not None:
        c.member(f["department"], sorted(checked.departments), "a department of sheet 部门")
    share = f["share"]
    c.in_range(share, lambda v: 0 < v <= 1, "must be more than 0 and at most 1")
    indicators, departments, shares = f["indicator"].cells(), f["department"].cells(), share.cells()
    table = share.table
    seen: dict[tuple[str, str], int] = {}
    repeats: list[int] = []
    for i in range(len(table)):
        pair = (indicators[i], departments[i])
        if pair[0] is None or pair[1] is None:
            continue
        if pair in seen:
            repeats.append(i)
        else:
            seen[pair] = i
    c.report(
        table,
        "department",
        repeats,
        lambda i: (
            f"{f['indicator'].header} '{indicators[i]}' with {f['department'].header} "
            f"'{departments[i]}' repeats row {table.rows[seen[(indicators[i], departments[i])]]}: "
            "give each department one share per indicator"
        ),
    )
    groups: dict[str, list[int]] = {}
    for i in range(len(table)):
        if indicators[i] is not None:
            groups.setdefault(str(indicators[i]), []).append(i)
    for name, members in groups.items():
        if any(shares[i] is None or not 0 < shares[i] <= 1 for i in members):
            continue
        total = sum((shares[i] for i in members), Decimal(0))
        if total != 1:
            rows = ", ".join(str(table.rows[i]) for i in members)
            c.problems.add(
                table.location(c.file, "share", members[0]),
                f"the {share.header} of '{name}' add up to {plain(total)} (rows {rows}), "
                "not 1: the shares of one indicator must add up to exactly 1",
            )


def _check_vetoes(c: Checker, checked: Checked) -> None:
    f = checked.fields.get("vetoes")
    if f is None:
        return
    c.targets(f["target"], checked.ids, checked.departments)
    c.member(f["item"], list(c.rules.veto.items), "in veto.items")
    c.in_period(f["date"])


def _check_department_components(c: Checker, checked: Checked) -> None:
    """SPEC §5.4: a department with neither indicators nor city shares cannot be scored.

    Skipped while 指标 or 市级分工 is missing, or names a department that is not
    in 部门: those problems come first and may be the cause.
    """
    departments = checked.fields.get("departments")
    if departments is None or checked.departments is None:
        return
    scored: set[str] = set()
    for sheet in ("indicators", "city_shares"):
        f = checked.fields.get(sheet, {}).get("department")
        if f is None or not f.present:
            return
        values = {v for v, ok in zip(f.typed, f.good_unique(), strict=True) if ok}
        if values - checked.departments:
            return
        scored |= values
    f = departments["department"]
    names = f.cells()
    c.report(
        f.table,
        "department",
        f.where(lambda v: v not in scored),
        lambda i: (
            f"department '{names[i]}' has neither indicators (sheet "
            f"{SHEET_NAMES['indicators'][0]}) nor city shares (sheet "
            f"{SHEET_NAMES['city_shares'][0]}), so it cannot be scored: "
            "give it at least one of them, or remove it"
        ),
    )


# Frames ---------------------------------------------------------------------


def _frame(
    key: str,
    fields: dict[str, Field] | None,
    table: Table | None,
    overrides: dict[str, np.ndarray],
) -> pd.DataFrame:
    """The sheet's frame in the shape :mod:`kpi.io.inputs` documents."""
    if fields is None or table is None or len(table) == 0:
        return empty_frame(key)
    data = {column: fields[column].cells() for column in COLUMNS[key]}
    data.update(overrides)
    frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in data.items()})
    frame["row"] = table.rows.astype(np.int64)
    return frame
