"""Type checks of each sheet's cells and their cross-references (method §3, §6.4, §9).

Every check adds located problems to one :class:`~kpi.errors.Collector`, so a
workbook's faults are all reported in one run. A cell that fails its type
check is left out of the later checks (a bad date is not also "outside the
period"), and a reference is only checked against a list that was itself read
(no "unknown department" flood when sheet 部门 is missing).

This package holds :func:`check_all`, which runs the checks in order and
builds the frames; the checks themselves live one sheet (or pair of sheets)
per module:

* :mod:`~kpi.io.checks.columns` — each column's cell type, and the required ones;
* :mod:`~kpi.io.checks.field` — a column typed once per distinct value;
* :mod:`~kpi.io.checks.checker` — typing, reporting and the checks all sheets use;
* :mod:`~kpi.io.checks.people`, :mod:`~kpi.io.checks.departments`,
  :mod:`~kpi.io.checks.indicators`, :mod:`~kpi.io.checks.city`,
  :mod:`~kpi.io.checks.events` — the sheet checks;
* :mod:`~kpi.io.checks.service` (the optional 企业诉求 sheet);
* :mod:`~kpi.io.checks.curves` (指标's 计分曲线) and :mod:`~kpi.io.checks.evaluations`
  (the optional 测评 sheet) — what the scoring curves and evaluations add.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.errors import Collector
from kpi.io.checks.checker import Checker
from kpi.io.checks.city import check_city_rankings, check_city_shares
from kpi.io.checks.curves import check_curves
from kpi.io.checks.departments import check_department_components, check_departments
from kpi.io.checks.evaluations import check_ballots, check_evaluations, check_year_end_targets
from kpi.io.checks.events import check_period_of_dates, check_points, check_vetoes
from kpi.io.checks.field import Checked, Field, values
from kpi.io.checks.indicators import check_indicators
from kpi.io.checks.people import check_people
from kpi.io.checks.service import check_service_requests
from kpi.io.inputs import COLUMNS, EXTRA_COLUMNS, OPTIONAL_COLUMNS, empty_frame
from kpi.io.tables import Table
from kpi.periods import Period
from kpi.rules.schema import Rules

__all__ = ["check_all", "check_year_end"]


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
    ids = values(fields, "people", "id")
    departments = values(fields, "departments", "department")
    checked = Checked(fields, ids, departments)
    people_kinds = check_people(checker, checked)
    check_departments(checker, checked, people_kinds)
    dates_listed = check_period_of_dates(checker, checked)
    check_points(checker, checked, dates_listed)
    check_indicators(checker, checked)
    check_curves(checker, checked)
    rankings = check_city_rankings(checker, checked)
    check_city_shares(checker, checked, rankings)
    check_vetoes(checker, checked, dates_listed)
    check_service_requests(checker, checked)
    check_evaluations(checker, checked)
    check_department_components(checker, checked)
    if problems:
        return {}
    return {
        key: _frame(key, fields.get(key), tables.get(key), checked.overrides.get(key, {}))
        for key in (*COLUMNS, *EXTRA_COLUMNS)
    }


def check_year_end(
    table: Table,
    rules: Rules,
    period: Period,
    file: str,
    date1904: bool,
    problems: Collector,
    members: tuple[set[str], set[str], str],
) -> pd.DataFrame:
    """Check the 测评 sheet of a year-end evaluation workbook (the annual appraisal, method §10).

    ``members`` is (工号s, departments, the quarters named in messages): a 对象 must
    be a member of some quarter. The rows are otherwise checked as a quarter's
    测评 sheet is; returns its frame (meaningful only when ``problems`` stays empty).
    """
    checker = Checker(file, rules, period, date1904, problems)
    fields = {"evaluations": checker.fields(table)}
    ids, departments, quarters = members
    check_year_end_targets(checker, fields["evaluations"]["target"], ids, departments, quarters)
    check_ballots(checker, Checked(fields, ids, departments))
    return _frame("evaluations", fields["evaluations"], table, {})


def _frame(
    key: str,
    fields: dict[str, Field] | None,
    table: Table | None,
    overrides: dict[str, np.ndarray],
) -> pd.DataFrame:
    """The sheet's frame in the shape :mod:`kpi.io.inputs` documents."""
    if fields is None or table is None or len(table) == 0:
        return empty_frame(key)
    columns = {**COLUMNS, **EXTRA_COLUMNS}[key]
    columns += tuple(c for c in OPTIONAL_COLUMNS.get(key, ()) if fields[c].present)
    data = {column: fields[column].cells() for column in columns}
    data.update(overrides)
    frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in data.items()})
    frame["row"] = table.rows.astype(np.int64)
    return frame
