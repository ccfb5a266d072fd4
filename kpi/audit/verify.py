"""Does a results workbook still say what its inputs say? (``kpi verify``)

A results workbook travels by e-mail to finance and back; a hand-edited bonus or
score must not survive an audit. :func:`verify` reads the workbook as Excel
shows it (cached values), recomputes the period it names from the input and
rules given, builds the very sheets ``kpi score`` would write
(:func:`~kpi.report.tables.published_sheets`, in the workbook's language) and
compares them cell by cell, header rows included. Reading the workbook back
is :mod:`kpi.audit.results_book`; this module compares and reports.

* A published decimal ``d`` matches a numeric cell ``v`` when ``float(d) == v``
  (how it was written) or ``v`` displays as ``d`` (15 significant digits);
  an integer must be equal, text exactly equal, a blank must be blank (empty
  text counts as blank): :func:`~kpi.audit.results_book.matches`.
* Rows are aligned (``difflib``) before cells are compared, so a deleted or
  inserted row is reported once as a missing or extra row rather than as every
  cell below it.
* The 合计 row of 绩效奖金 and every cell of the 汇总 sheet are published values
  (numbers, never formulas) and are compared like any other: an edited bonus is
  reported at its cell, and so is an edited total or summary figure.
* On 运行信息 the paths of the input and rules files are skipped: they record
  how the files were named on the command line, which legitimately differs
  between machines. The two sha256 rows are compared with the files given and,
  when they differ, reported first as "the input changed since the run", since
  every other difference then follows from that.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpi import api
from kpi.audit.results_book import (
    RUN_INFO_KEYS,
    RUN_INFO_SHEET,
    ResultsError,
    Row,
    as_cell,
    language,
    matches,
    read_book,
    recorded_period,
    trim,
)
from kpi.engine.results import Results
from kpi.errors import Location, Problem, column_letter
from kpi.i18n import Msg, _, current_language
from kpi.numbers import from_float
from kpi.periods import Period
from kpi.report.summary import Summary, summary_sheet
from kpi.report.tables import Sheet, published_sheets

if TYPE_CHECKING:
    from kpi.annual.results import AnnualResults


@dataclass(frozen=True)
class VerifyReport:
    """Every difference between a results workbook and a fresh computation."""

    results: str
    input: str
    rules: str
    lang: str
    period: Period
    cells: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self, lang: str | None = None) -> list[str]:
        """One located line per problem, then a one-line verdict, in ``lang`` (default
        :func:`~kpi.i18n.current_language`)."""
        lang = lang or current_language()
        out = [p.text(lang=lang) for p in self.problems]
        files = {
            "results": self.results,
            "input": self.input,
            "rules": self.rules,
            "period": str(self.period),
        }
        count = len(self.problems)
        if self.ok:
            verdict = _(
                "{results}: ok — all {cells} cells match a fresh computation of "
                "{input} under {rules} for {period}",
                cells=self.cells,
                **files,
            )
        elif count == 1:
            verdict = _(
                "{results}: 1 difference from a fresh computation of {input} under {rules} for {period}",
                **files,
            )
        else:
            verdict = _(
                "{results}: {count} differences from a fresh computation of "
                "{input} under {rules} for {period}",
                count=count,
                **files,
            )
        out.append(verdict.to(lang))
        return out

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The ``--json`` form; problem messages in ``lang`` (default the current language)."""
        lang = lang or current_language()
        return {
            "ok": self.ok,
            "results": self.results,
            "input": self.input,
            "rules": self.rules,
            "period": str(self.period),
            "lang": self.lang,
            "cells": self.cells,
            "problems": [p.as_dict(lang=lang) for p in self.problems],
        }


def verify_workbook(
    results_path: str | Path,
    inputs: Sequence[str | Path],
    rules_path: str | Path,
    evaluation: str | Path | None = None,
) -> VerifyReport:
    """``kpi verify``: a quarter's results workbook against its one input, or an annual workbook
    against its quarters' results workbooks (and year-end evaluation), by what the file is."""
    book = read_book(results_path)
    if is_annual(book):
        return verify_annual(results_path, inputs, rules_path, evaluation, book=book)
    if len(inputs) != 1:
        raise ResultsError.single(
            _(
                "{path} is a quarter's results workbook: give its one input workbook with --input "
                "(got {count})",
                path=str(results_path),
                count=len(inputs),
            ),
            Location(str(results_path)),
        )
    return verify(results_path, inputs[0], rules_path, book=book)


def verify(
    results_path: str | Path,
    input_path: str | Path,
    rules_path: str | Path,
    *,
    book: dict[str, list[Row]] | None = None,
) -> VerifyReport:
    """Recompute the period a results workbook names and report every cell that differs.

    Raises :class:`~kpi.audit.results_book.ResultsError` when the workbook is unreadable or is not a
    results workbook, and the usual :class:`KpiError` when the input or rules
    cannot be scored. ``book`` is the workbook already read, if it was.
    """
    name = str(results_path)
    book = read_book(results_path) if book is None else book
    lang = language(book, name)
    period = recorded_period(book, lang, name)
    results = api.run(input_path, rules_path, period)
    problems = _changed_files(book, results, lang, name, str(input_path), str(rules_path))
    summary = summary_sheet(results, lang)
    problems += _compare_summary(summary, lang, book, name)
    sheets = published_sheets(results, lang)
    for sheet in sheets:
        problems += _compare_sheet(sheet, lang, book, name)
    expected = {summary.name(lang), *(s.name(lang) for s in sheets)}
    problems += _extra_sheets(book, expected, name)
    cells = sum(len(s.columns) * (len(s.rows) + len(s.totals) + 1) for s in sheets)
    cells += sum(v is not None for row in summary.values() for v in row)
    return VerifyReport(name, str(input_path), str(rules_path), lang, period, cells, problems)


# comparing ----------------------------------------------------------------------------


def _extra_sheets(book: dict[str, list[Row]], expected: set[str], name: str) -> list[Problem]:
    return [
        Problem(Location(name, title), _("extra sheet: kpi writes no such sheet"), "extra_sheet")
        for title in book
        if title not in expected
    ]


def _changed_files(
    book: dict[str, list[Row]], results: Results, lang: str, name: str, input_: str, rules: str
) -> list[Problem]:
    """The recorded sha256 of the input and rules against the files given now."""
    keys = RUN_INFO_KEYS[lang]
    sheet = RUN_INFO_SHEET[lang]
    recorded = {row[0]: (i, row) for i, row in enumerate(book.get(sheet, []), start=1) if row}
    checks = (
        ("input_sha256", _("input workbook"), input_, results.inputs.sha256, "input_changed"),
        ("rules_sha256", _("rules file"), rules, results.rules_file.sha256, "rules_changed"),
    )
    problems = []
    for key, what, path, now, kind in checks:
        label = keys[key]
        if label not in recorded:
            problems.append(
                Problem(
                    Location(name, sheet),
                    _(
                        "no {label} row: cannot tell whether the {what} changed since the run",
                        label=label,
                        what=what,
                    ),
                    kind,
                )
            )
            continue
        excel_row, row = recorded[label]
        held = row[1] if len(row) > 1 else None
        if held != now:
            problems.append(
                Problem(
                    Location(name, sheet, excel_row, "B"),
                    _(
                        "the {what} changed since the run: {label} recorded {held}, {path} now has {now}",
                        what=what,
                        label=label,
                        held=_short(held),
                        path=path,
                        now=_short(now),
                    ),
                    kind,
                )
            )
    return problems


def _short(sha: Any) -> str:
    return _("blank") if sha is None else f"{str(sha)[:16]}…"


def _compare_summary(summary: Summary, lang: str, book: dict[str, list[Row]], name: str) -> list[Problem]:
    """The 汇总 sheet, cell by cell, against the grid a fresh computation gives."""
    title = summary.name(lang)
    if title not in book:
        missing = _("sheet missing: recomputing gives a summary sheet")
        return [Problem(Location(name, title), missing, "missing_sheet")]
    expected = [(i, tuple(r)) for i, r in enumerate(summary.values(), start=1)]
    return _compare_rows(expected, list(enumerate(book[title], start=1)), Location(name, title))


def _compare_sheet(
    sheet: Sheet, lang: str, book: dict[str, list[Row]], name: str, skipped: set[str] | None = None
) -> list[Problem]:
    """One sheet against its recomputation; on 运行信息 the rows labelled ``skipped`` are left out
    (default: the quarterly file paths and hashes, compared on their own)."""
    title = sheet.name(lang)
    expected = [(1, tuple(c.header(lang) for c in sheet.columns))]
    expected += [(i, tuple(r)) for i, r in enumerate([*sheet.rows, *sheet.totals], start=2)]
    if title not in book:
        return [
            Problem(
                Location(name, title),
                _("sheet missing: recomputing gives a sheet of {count} rows", count=len(sheet.rows)),
                "missing_sheet",
            )
        ]
    actual = list(enumerate(book[title], start=1))
    if sheet.key == "run_info":
        keys = RUN_INFO_KEYS[lang]
        if skipped is None:
            skipped = {keys[k] for k in ("rules_file", "input_file", "rules_sha256", "input_sha256")}
        expected = [(i, r) for i, r in expected if not r or r[0] not in skipped]
        actual = [(i, r) for i, r in actual if not r or r[0] not in skipped]
    return _compare_rows(expected, actual, Location(name, title))


def _compare_rows(
    expected: list[tuple[int, Row]], actual: list[tuple[int, Row]], where: Location
) -> list[Problem]:
    """Align the rows, then compare the cells of each aligned pair."""
    want = [trim([as_cell(v) for v in row]) for __, row in expected]
    have = [row for __, row in actual]
    matcher = difflib.SequenceMatcher(None, want, have, autojunk=False)
    problems: list[Problem] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1)
        for k in range(pairs):
            problems += _compare_cells(expected[i1 + k][1], actual[j1 + k], where)
        next_row = actual[j1 + pairs][0] if j1 + pairs < len(actual) else _after(actual)
        for __, row in expected[i1 + pairs : i2]:
            problems.append(
                Problem(
                    _at(where, next_row),
                    _("row missing: recomputing gives {row}", row=_show_row(row)),
                    "missing_row",
                )
            )
        for excel_row, row in actual[j1 + pairs : j2]:
            problems.append(
                Problem(
                    _at(where, excel_row),
                    _("extra row: holds {row}; recomputing gives no such row", row=_show_row(row)),
                    "extra_row",
                )
            )
    return problems


def _after(actual: list[tuple[int, Row]]) -> int:
    return actual[-1][0] + 1 if actual else 1


def _at(where: Location, row: int, column: str | None = None) -> Location:
    return Location(where.file, where.sheet, row, column)


def _compare_cells(expected: Row, actual: tuple[int, Row], where: Location) -> list[Problem]:
    excel_row, held = actual
    problems = []
    for c in range(max(len(expected), len(held))):
        want = expected[c] if c < len(expected) else None
        have = held[c] if c < len(held) else None
        if not matches(want, have):
            problems.append(
                Problem(
                    _at(where, excel_row, column_letter(c + 1)),
                    _("cell holds {held}, recomputing gives {want}", held=_show(have), want=_show(want)),
                    "cell",
                )
            )
    return problems


def _show(value: Any) -> str:
    if value is None:
        return _("blank")
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, float):
        return format(from_float(value), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _show_row(row: Row) -> str:
    """The cells of a row, ``a | b | blank`` (a blank cell in words, so in any language)."""
    if not row:
        return _("(blank)")
    shown = _show(row[-1])
    for value in reversed(row[:-1]):
        shown = _("{cell} | {rest}", cell=_show(value), rest=shown)
    return shown


# the annual workbook ---------------------------------------------------------------------------


def is_annual(book: dict[str, list[Row]]) -> bool:
    """Whether a workbook is an annual workbook of ``kpi annual`` (sheet 年度个人 / annual_individuals)."""
    from kpi.annual.tables import ANNUAL_TITLES

    return any(title in book for title in ANNUAL_TITLES["annual_individuals"])


def verify_annual(
    results_path: str | Path,
    quarters: Sequence[str | Path] | None,
    rules_path: str | Path,
    evaluation: str | Path | None = None,
    *,
    book: dict[str, list[Row]] | None = None,
) -> VerifyReport:
    """Recompute an annual workbook from its quarters' results workbooks and report every cell
    that differs. Without ``quarters`` (or ``evaluation``) the files named on its 运行信息 are
    read: 季度文件 and 年终测评文件, as the run recorded them."""
    from kpi.annual import run_annual
    from kpi.annual.summary import annual_summary_sheet
    from kpi.annual.tables import ANNUAL_TITLES, annual_tables

    name = str(results_path)
    book = read_book(results_path) if book is None else book
    lang = "en" if ANNUAL_TITLES["annual_individuals"][1] in book else "zh"
    info = [row for row in book.get(ANNUAL_TITLES["run_info"][lang == "en"], []) if row]
    recorded = _annual_info(info, lang)
    year = _annual_year(recorded, lang, name)
    if not quarters:
        quarters = [v for v in recorded.get("quarter_file", []) if v]
    if evaluation is None:
        evaluation = next((v for v in recorded.get("evaluation_file", []) if v), None)
    results = run_annual(quarters, rules_path, year, evaluation)
    problems = _changed_annual_files(book, results, lang, name)
    summary = annual_summary_sheet(results, lang)
    problems += _compare_summary(summary, lang, book, name)
    sheets = annual_tables(results, lang)
    skipped = {
        _annual_label(k, lang) for k in ("rules_file", "rules_sha256", "quarter_file", "quarter_sha256")
    }
    skipped |= {_annual_label(k, lang) for k in ("evaluation_file", "evaluation_sha256")}
    for sheet in sheets:
        problems += _compare_sheet(sheet, lang, book, name, skipped)
    expected = {summary.name(lang), *(s.name(lang) for s in sheets)}
    problems += _extra_sheets(book, expected, name)
    cells = sum(len(s.columns) * (len(s.rows) + len(s.totals) + 1) for s in sheets)
    cells += sum(v is not None for row in summary.values() for v in row)
    given = ", ".join(str(q) for q in quarters)
    return VerifyReport(name, given, str(rules_path), lang, results.period, cells, problems)


def _annual_label(key: str, lang: str) -> str:
    from kpi.annual.tables import label

    return label(key, lang)


def _annual_info(rows: list[Row], lang: str) -> dict[str, list[str]]:
    """运行信息 of an annual workbook: key → its values in order (quarter rows repeat)."""
    from kpi.annual.tables import ANNUAL_RUN_INFO

    keys = {_annual_label(k, lang): k for k in ANNUAL_RUN_INFO}
    found: dict[str, list[str]] = {}
    for row in rows:
        key = keys.get(row[0])
        if key is not None:
            found.setdefault(key, []).append("" if len(row) < 2 or row[1] is None else str(row[1]))
    return found


def _annual_year(recorded: dict[str, list[str]], lang: str, name: str) -> int:
    from kpi.annual.tables import ANNUAL_TITLES

    text = (recorded.get("year") or [""])[0]
    try:
        period = Period.parse(text)
    except ValueError:
        period = None
    if period is None or period.quarter is not None:
        label = _annual_label("year", lang)
        raise ResultsError.single(
            _(
                "no {label} row with a year on sheet {sheet}: cannot tell which year to recompute",
                label=label,
                sheet=ANNUAL_TITLES["run_info"][lang == "en"],
            ),
            Location(name, ANNUAL_TITLES["run_info"][lang == "en"]),
        )
    return period.year


def _changed_annual_files(
    book: dict[str, list[Row]], results: AnnualResults, lang: str, name: str
) -> list[Problem]:
    """The recorded sha256 of the rules, each quarter file and the year-end evaluation against
    the files read now (a changed quarter explains every difference that follows)."""
    from kpi.annual.tables import ANNUAL_TITLES

    sheet = ANNUAL_TITLES["run_info"][lang == "en"]
    rows = list(enumerate(book.get(sheet, []), start=1))
    label = {k: _annual_label(k, lang) for k in ("rules_sha256", "quarter_period", "quarter_sha256")}
    label |= {"evaluation_sha256": _annual_label("evaluation_sha256", lang)}
    recorded: dict[str, tuple[int, str | None]] = {}
    period: str | None = None
    for excel_row, row in rows:
        if not row:
            continue
        value = row[1] if len(row) > 1 else None
        if row[0] == label["quarter_period"]:
            period = str(value)
        elif row[0] == label["quarter_sha256"] and period is not None:
            recorded[period] = (excel_row, value)
        elif row[0] in (label["rules_sha256"], label["evaluation_sha256"]):
            recorded[row[0]] = (excel_row, value)
    checks: list[tuple[str, Msg, Any, Any]] = [
        (label["rules_sha256"], _("rules file"), results.rules_file.path, results.rules_file.sha256)
    ]
    checks += [
        (str(q.period), _("results workbook of {period}", period=str(q.period)), q.path, q.sha256)
        for q in results.quarters
    ]
    if results.year_end is not None:
        year_end = results.year_end
        checks.append((label["evaluation_sha256"], _("year-end evaluation"), year_end.path, year_end.sha256))
    problems = []
    for key, what, path, now in checks:
        if key not in recorded:
            problems.append(
                Problem(
                    Location(name, sheet),
                    _(
                        "no record of the {what} on {sheet}: it was not read by the run",
                        what=what,
                        sheet=sheet,
                    ),
                )
            )
            continue
        excel_row, held = recorded[key]
        if held != now:
            problems.append(
                Problem(
                    Location(name, sheet, excel_row, "B"),
                    _(
                        "the {what} changed since the run: recorded {held}, {path} now has {now}",
                        what=what,
                        held=_short(held),
                        path=path,
                        now=_short(now),
                    ),
                    "input_changed",
                )
            )
    return problems
