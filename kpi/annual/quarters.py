"""The quarters of a year: the results workbooks ``kpi score`` wrote (method §10).

Each file must be a results workbook of one quarter of the year: its period is
read from 运行信息, its language from its sheet names (zh or en). Only the
published values are read — 综合得分 and 否决 of 个人得分, 领导得分 and 部门得分,
and the bonus rows of 绩效奖金 — exactly as Excel shows them, so the annual
appraisal is reproducible by hand from the quarters' printed sheets. Columns
are found by their headers (a quarter scored with evaluations has a 测评得分
column more), and a 合计 row under 绩效奖金 is not a person.

Every problem of every file is collected and raised at once, each at its file,
sheet and cell: a file that is not a ``kpi score`` results workbook, a period
that is a year or of another year, two files of one quarter, a cell that no
longer holds what ``kpi score`` writes there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from kpi.audit.results_book import RUN_INFO_SHEET, ResultsError, Row, language, recorded_period, trim
from kpi.errors import Collector, KpiError, Location, Problem, column_letter
from kpi.i18n import Msg, _
from kpi.io.xml_scan import Unreadable
from kpi.numbers import from_float
from kpi.periods import Period
from kpi.report.tables import (
    BONUS,
    DEPARTMENTS,
    INDIVIDUALS,
    KIND_LABELS,
    LEADERS,
    SHEET_TITLES,
    TOTAL_LABEL,
    Column,
    run_info_label,
)

#: The sheets read, the columns read from each, and how each cell is read.
READ: dict[str, tuple[tuple[Column, ...], tuple[str, ...]]] = {
    "individuals": (INDIVIDUALS, ("id", "name", "department", "score", "vetoed")),
    "leaders": (LEADERS, ("id", "name", "kind", "score", "vetoed")),
    "departments": (DEPARTMENTS, ("department", "score", "vetoed")),
    "bonus": (BONUS, ("id", "name", "department", "bonus_base", "post_coef", "role_coef", "months_factor")),
}
#: 运行信息 rows read besides the period.
RUN_INFO_READ = ("rules_name", "rules_version", "rules_sha256", "input_sha256")
#: The first cell of the 合计 row of 绩效奖金.
TOTAL_LABELS = frozenset(TOTAL_LABEL.values())
NUMBERS = frozenset({"score", "bonus_base", "post_coef", "role_coef", "months_factor"})
OPTIONAL_TEXT = frozenset({"department"})


@dataclass(frozen=True)
class Quarter:
    """One quarter's published results, as read from its results workbook.

    Frames (object columns, one row per member, in sheet order, ``row`` = the Excel row):

    individuals  id, name, department, score (Decimal), vetoed (bool), row
    leaders      id, name, kind (main_leader | leader_in_charge), score, vetoed, row
    departments  department, score, vetoed, row
    bonus        id, name, department (None for a leader), bonus_base, post_coef,
                 role_coef, months_factor (Decimals as published), row
    """

    path: str
    sha256: str
    period: Period
    lang: str
    rules_name: str
    rules_version: str
    rules_sha256: str
    input_sha256: str
    individuals: pd.DataFrame
    leaders: pd.DataFrame
    departments: pd.DataFrame
    bonus: pd.DataFrame
    #: Sheet key → its title in this workbook (for citations: 个人得分!7).
    titles: dict[str, str] = field(default_factory=dict)
    #: The Excel row of 运行信息 that names the period.
    period_row: int | None = None

    @property
    def label(self) -> str:
        """Q1 … Q4."""
        return f"Q{self.period.quarter}"

    @property
    def number(self) -> int:
        assert self.period.quarter is not None
        return self.period.quarter

    @property
    def rules(self) -> str:
        return f"{self.rules_name} {self.rules_version}"

    def cite(self, sheet: str, row: int) -> str:
        """``2024Q3 个人得分!7``."""
        return f"{self.period} {self.titles.get(sheet, sheet)}!{row}"


def read_quarters(paths: Sequence[str | Path], year: int) -> tuple[list[Quarter], list[Problem]]:
    """The quarters in order Q1 → Q4, and the warnings (a missing quarter, different rules).

    Raises :class:`~kpi.audit.results_book.ResultsError` with every problem of every file.
    """
    problems = Collector()
    quarters: list[Quarter] = []
    for path in paths:
        try:
            quarter = read_quarter(path)
        except KpiError as error:
            problems.extend(error.problems)
            continue
        where = _period_cell(quarter)
        if quarter.period.quarter is None:
            problems.add(
                where,
                _(
                    "period {period} is a whole year: kpi annual rolls up the results of the "
                    "quarters {year}Q1 … {year}Q4, each scored with kpi score --period {year}Qn",
                    period=str(quarter.period),
                    year=year,
                ),
            )
        elif quarter.period.year != year:
            problems.add(
                where,
                _(
                    "these are the results of {period}, not of a quarter of --year {year}: "
                    "give the results of {year}Q1 … {year}Q4",
                    period=str(quarter.period),
                    year=year,
                ),
            )
        elif any(q.period == quarter.period for q in quarters):
            first = next(q for q in quarters if q.period == quarter.period)
            problems.add(
                where,
                _(
                    "a second results workbook of {period} (the first is {first}): give one file per quarter",
                    period=str(quarter.period),
                    first=first.path,
                ),
            )
        else:
            quarters.append(quarter)
    problems.raise_if_any(ResultsError)
    quarters.sort(key=lambda q: q.number)
    return quarters, _warnings(quarters, year)


def _warnings(quarters: list[Quarter], year: int) -> list[Problem]:
    warnings = []
    missing = [f"{year}Q{n}" for n in range(1, 5) if n not in {q.number for q in quarters}]
    if missing:
        given = ", ".join(str(q.period) for q in quarters)
        warnings.append(
            Problem.warning(
                Location(),
                _(
                    "no results for {missing}: the year is rolled up from {given} only",
                    missing=", ".join(missing),
                    given=given,
                ),
            )
        )
    versions: dict[str, list[str]] = {}
    for q in quarters:
        versions.setdefault(q.rules, []).append(str(q.period))
    if len(versions) > 1:
        listed = "; ".join(f"{', '.join(periods)}: {rules}" for rules, periods in versions.items())
        warnings.append(
            Problem.warning(
                Location(),
                _(
                    "the quarters were scored under different rules ({listed}): check that the "
                    "change was meant to apply from that quarter",
                    listed=listed,
                ),
            )
        )
    return warnings


def _period_cell(quarter: Quarter) -> Location:
    return Location(quarter.path, RUN_INFO_SHEET[quarter.lang], quarter.period_row, "B")


def read_quarter(path: str | Path) -> Quarter:
    """Read one results workbook (any period); every problem raised at once."""
    name = str(path)
    book, sha256 = _read_book(path)
    lang = _language(book, name)
    period = recorded_period(book, lang, name)
    problems = Collector()
    info, period_row = _run_info(book, lang, name, problems)
    frames = {key: _sheet(book, key, lang, name, problems) for key in READ}
    _one_population(frames, lang, name, problems)
    problems.raise_if_any(ResultsError, tuple(book))
    titles = {key: SHEET_TITLES[key][1 if lang == "en" else 0] for key in (*READ, "run_info")}
    return Quarter(
        path=name,
        sha256=sha256,
        period=period,
        lang=lang,
        rules_name=info["rules_name"],
        rules_version=info["rules_version"],
        rules_sha256=info["rules_sha256"],
        input_sha256=info["input_sha256"],
        individuals=frames["individuals"],
        leaders=frames["leaders"],
        departments=frames["departments"],
        bonus=frames["bonus"],
        titles=titles,
        period_row=period_row or None,
    )


def _read_book(path: str | Path) -> tuple[dict[str, list[Row]], str]:
    """The sheets the year reads, as rows of cell values (blank = None), and the file's sha256.

    Opened with the input reader's safe source (size, zip and XML checks, memory) and read
    with calamine: a 50,000-person quarter in well under a second, where openpyxl takes
    ten. Sheets the year does not read are listed but left unread (a quarter's 点数明细
    can hold 200,000 rows).
    """
    from kpi.io.sources import load_grid, open_source

    wanted = {SHEET_TITLES[key][i] for key in (*READ, "run_info") for i in (0, 1)}
    source = open_source(path)
    book: dict[str, list[Row]] = {}
    for name in source.sheet_names:
        rows = load_grid(source, name).rows if name in wanted else []
        cells = [trim([None if v == "" else v for v in row]) for row in rows]
        while cells and not cells[-1]:
            cells.pop()
        book[name] = cells
    return book, source.sha256


def _language(book: dict[str, list[Row]], name: str) -> str:
    try:
        return language(book, name)
    except ResultsError:
        raise ResultsError.single(
            _(
                "not a results workbook of kpi score: expected its sheets 个人得分, 部门得分, 领导得分, "
                "绩效奖金 and 运行信息 (or their English names); give the file kpi score --out wrote "
                "for the quarter"
            ),
            Location(name),
        ) from None


def _run_info(
    book: dict[str, list[Row]], lang: str, name: str, problems: Collector
) -> tuple[dict[str, str], int]:
    sheet = RUN_INFO_SHEET[lang]
    labels = {run_info_label(k, lang): k for k in (*RUN_INFO_READ, "period")}
    found: dict[str, str] = {}
    period_row = 0
    for excel_row, row in enumerate(book.get(sheet, []), start=1):
        key = labels.get(row[0]) if row else None
        if key == "period":
            period_row = excel_row
        elif key is not None and key not in found:
            found[key] = "" if len(row) < 2 or row[1] is None else str(row[1])
    for key in RUN_INFO_READ:
        if key not in found:
            problems.add(
                Location(name, sheet),
                _(
                    "no {label} row on sheet {sheet}: not a results workbook as kpi score writes it",
                    label=run_info_label(key, lang),
                    sheet=sheet,
                ),
            )
    return found, period_row


def _sheet(book: dict[str, list[Row]], key: str, lang: str, name: str, problems: Collector) -> pd.DataFrame:
    """The columns of ``READ[key]`` of one sheet, typed; blank rows and a 合计 row skipped."""
    columns, wanted = READ[key]
    title = SHEET_TITLES[key][1 if lang == "en" else 0]
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in (*wanted, "row")})
    rows = book.get(title)
    if rows is None:
        problems.add(
            Location(name), _("no sheet {title}: not a results workbook as kpi score writes it", title=title)
        )
        return empty
    header = rows[0] if rows else ()
    headers = {c.key: c.header(lang) for c in columns}
    at: dict[str, int] = {}
    for key_ in wanted:
        text = headers[key_]
        if text in header:
            at[key_] = header.index(text)
        else:
            problems.add(
                Location(name, title, 1),
                _(
                    "no column {header} in the header row of {title}: "
                    "not a results workbook as kpi score writes it",
                    header=text,
                    title=title,
                ),
            )
    if len(at) < len(wanted):
        return empty
    readers = {k: _reader(k, lang) for k in wanted}
    records: dict[str, list[Any]] = {k: [] for k in (*wanted, "row")}
    seen: dict[str, int] = {}
    first = wanted[0]
    for excel_row, row in enumerate(rows[1:], start=2):
        cells = {k: row[i] if i < len(row) else None for k, i in at.items()}
        if all(v is None for v in cells.values()):
            continue
        if key == "bonus" and cells["id"] in TOTAL_LABELS and cells["name"] is None:
            continue  # the 合计 row
        bad = False
        for k, value in cells.items():
            typed, problem = readers[k](value)
            if problem is not None:
                where = Location(name, title, excel_row, column_letter(at[k] + 1))
                problems.add(
                    where,
                    _(
                        "{header} {problem}: the cell no longer holds what kpi score wrote",
                        header=headers[k],
                        problem=problem,
                    ),
                )
                bad = True
            records[k].append(typed)
        records["row"].append(excel_row)
        member = records[first][-1]
        if not bad and member in seen:
            problems.add(
                Location(name, title, excel_row, column_letter(at[first] + 1)),
                _(
                    "{header} '{member}' is listed twice (also row {row})",
                    header=headers[first],
                    member=member,
                    row=seen[member],
                ),
            )
        elif not bad:
            seen[member] = excel_row
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in records.items()})


def _one_population(frames: dict[str, pd.DataFrame], lang: str, name: str, problems: Collector) -> None:
    """A 工号 is an individual or a leader in one quarter, never both."""
    leaders = dict(zip(frames["leaders"]["id"], frames["leaders"]["row"], strict=True))
    title = SHEET_TITLES["leaders"][lang == "en"]
    for person in frames["individuals"]["id"]:
        if person in leaders:
            problems.add(
                Location(name, title, int(leaders[person]), "A"),
                _(
                    "工号 '{person}' is listed both here and on {sheet}: "
                    "a person is an individual or a leader in a quarter, not both",
                    person=person,
                    sheet=SHEET_TITLES["individuals"][lang == "en"],
                ),
            )


Reader = Callable[[Any], tuple[Any, str | None]]


def _blank() -> Msg:
    return _("is blank")


def _reader(key: str, lang: str) -> Reader:
    labels = KIND_LABELS[lang]
    if key in NUMBERS:
        return _number
    if key == "vetoed":
        return _choice({str(labels[True]): True, str(labels[False]): False})
    if key == "kind":
        return _choice({str(labels[k]): k for k in ("main_leader", "leader_in_charge")})
    return lambda v: _text(v, key in OPTIONAL_TEXT)


def _choice(choices: dict[str, Any]) -> Reader:
    """One of two published labels (是/否, 主要领导/分管领导)."""
    first, second = choices

    def read(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, str) and value in choices:
            return choices[value], None
        if isinstance(value, Unreadable):
            return None, value.reason
        if value is None:
            return None, _blank()
        return None, _("'{value}' is not {first} or {second}", value=value, first=first, second=second)

    return read


def _number(value: Any) -> tuple[Decimal | None, str | None]:
    if isinstance(value, Unreadable):  # a formula never calculated, an error value
        return None, value.reason
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, _blank() if value is None else _("'{value}' is not a number", value=value)
    try:
        return from_float(float(value)), None
    except ValueError:
        return None, _("{value} is not a finite number", value=repr(value))


def _text(value: Any, optional: bool) -> tuple[str | None, str | None]:
    if value is None:
        return None, None if optional else _blank()
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), None
    return str(value), None
