"""The library's front door: what every ``kpi`` command and any script calls.

load → read → score → write, then the audits of a scored period: ``explain``
(the steps of one member), ``verify`` (a results workbook against a fresh run),
``diff_rules`` and ``impact`` (a rules change); and the annual appraisal
(``annual``, ``write_annual``, ``explain_year``, method §10), which rolls the
quarters' results workbooks up. Every function raises
:class:`~kpi.errors.KpiError` subclasses for user mistakes and returns plain
data; nothing here prints or exits. The few ``*_lines``/``*_summary`` helpers
turn that data into the text the CLI prints.

Each function imports what it needs when it is called: pandas and pydantic
take over a second to import, which ``kpi --help``, usage errors and
``kpi rules schema`` should not pay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpi.errors import Location, RulesError
from kpi.periods import Period

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from rich.console import Console, Group
    from rich.table import Table

    from kpi.annual.results import AnnualResults
    from kpi.audit.impact_model import Impact
    from kpi.audit.rules_diff import RuleChange
    from kpi.audit.verify import VerifyReport
    from kpi.batch import Job, Outcome
    from kpi.engine.results import Results
    from kpi.errors import Problem
    from kpi.explain.model import Explanation
    from kpi.explain.slips import Slips
    from kpi.io.inputs import Inputs
    from kpi.progress import Tracker
    from kpi.rules.loader import RulesFile
    from kpi.rules.schema import Rules
    from kpi.template import Template

__all__ = [
    "annual",
    "annual_impact",
    "annual_json",
    "annual_summary",
    "batch_closing_line",
    "batch_exit_code",
    "batch_json",
    "batch_problem_lines",
    "batch_table",
    "check_effective",
    "check_output",
    "check_quarters",
    "check_statutory",
    "check_target",
    "diff_rules",
    "explain",
    "explain_year",
    "formats",
    "impact",
    "impact_lines",
    "load",
    "load_rules",
    "make_batch_folder",
    "plan_batch",
    "progress",
    "read_workbook",
    "rule_change_lines",
    "rules_schema",
    "run",
    "run_batch",
    "save_results",
    "score",
    "score_summary",
    "summary",
    "verify",
    "warning_lines",
    "write_annual",
    "write_impact",
    "write_results",
    "write_slips",
    "write_template",
]


def check_effective(rules_file: RulesFile, period: Period) -> None:
    """Scoring a period that ended before the rules took effect is an error.

    A period that merely *starts* before ``effective_from`` is scored: appraisal
    rules are commonly issued during the first quarter they govern.
    """
    start = rules_file.rules.effective_from
    if start is not None and period.last_day < start:
        raise RulesError.single(
            f"these rules take effect on {start.isoformat()}, after period {period} ends "
            f"({period.last_day.isoformat()}): use the rules that were in force then",
            Location(rules_file.path, line=rules_file.line_of("effective_from")),
        )


def check_statutory(rules_file: RulesFile, period: Period) -> None:
    """``service.calendar.statutory: true`` needs a statutory holiday table for the period's year."""
    service = rules_file.rules.service
    if service is None or not service.calendar.statutory:
        return
    from kpi.workdays import statutory_years

    first, last = statutory_years()
    if not first <= period.year <= last:
        raise RulesError.single(
            f"service.calendar.statutory is true, but the statutory holiday table of this kpi knows "
            f"the years {first}–{last} only, not {period.year}: list that year's holidays and make-up "
            "working days in service.calendar.holidays and workdays with statutory: false, or use a "
            "kpi release whose table knows the year",
            Location(rules_file.path, line=rules_file.line_of("service", "calendar", "statutory")),
        )


def load_rules(path: str | Path) -> RulesFile:
    """Read and validate a rules file (every problem at once, located by line)."""
    from kpi.rules.loader import load_rules as load_file

    return load_file(path)


def read_workbook(path: str | Path, rules: RulesFile | Rules, period: Period) -> Inputs:
    """Read and validate a period's input workbook under ``rules`` (a loaded rules file,
    or its rules)."""
    from kpi.io.workbook import read_workbook as read
    from kpi.rules.loader import RulesFile

    return read(path, rules.rules if isinstance(rules, RulesFile) else rules, period)


def score(inputs: Inputs, rules_file: RulesFile, period: Period) -> Results:
    """Every published number of method §6 for one validated workbook."""
    from kpi.engine.run import score as score_period

    return score_period(inputs, rules_file, period)


def check_output(out: str | Path, *, force: bool, inputs: Iterable[str | Path]) -> None:
    """Refuse a results path before anything is computed: the suffix, the folder, an
    existing file without ``force``, one of ``inputs``, a folder that cannot be written."""
    from kpi.report.output import check_output as check

    check(Path(out), force=force, inputs=[Path(i) for i in inputs])


def load(input_path: str | Path, rules_path: str | Path, period: Period) -> tuple[Inputs, RulesFile]:
    """Load the rules, check they govern ``period``, then read and validate the workbook."""
    rules_file = load_rules(rules_path)
    check_effective(rules_file, period)
    check_statutory(rules_file, period)
    return read_workbook(input_path, rules_file, period), rules_file


def run(input_path: str | Path, rules_path: str | Path, period: Period) -> Results:
    """Read, validate and score one period.

    The cyclic garbage collector is paused meanwhile: a zone's workbook and results
    are millions of objects that live to the end of the run and form no cycles, and
    each automatic collection would walk all of them again (about a tenth of a
    50,000-person run, and more the more sheets it has).
    """
    from kpi.io.sources import collector_paused

    with collector_paused():
        inputs, rules_file = load(input_path, rules_path, period)
        return score(inputs, rules_file, period)


def write_template(
    rules_path: str | Path,
    period: Period,
    out: str | Path,
    *,
    lang: str = "zh",
    force: bool = False,
    previous: str | Path | None = None,
) -> Template:
    """Write a blank input workbook for ``period`` under the rules (``kpi template``).

    With ``previous`` (last period's input workbook) its standing data is carried
    over. ``out`` is checked before anything is read, and is never the rules file
    or ``previous``, even with ``force``.
    """
    inputs = [Path(rules_path), *([Path(previous)] if previous is not None else [])]
    check_output(Path(out), force=force, inputs=inputs)
    rules_file = load_rules(rules_path)
    check_effective(rules_file, period)
    check_statutory(rules_file, period)
    from kpi.template import make_template, save_template

    template = make_template(rules_file, period, lang=lang, previous=previous)
    save_template(template, Path(out), force=force, inputs=inputs)
    return template


def write_results(results: Results, out: str | Path, *, lang: str = "zh", force: bool = False) -> Path:
    """Write the results workbook — the 汇总 sheet, then the published tables —
    atomically; refuses to overwrite without ``force`` and never writes over the
    input workbook or the rules file."""
    from kpi.io.sources import collector_paused
    from kpi.report.summary import summary_sheet
    from kpi.report.tables import published_sheets
    from kpi.report.workbook import save_workbook

    with collector_paused():
        return save_workbook(
            Path(out),
            [summary_sheet(results, lang), *published_sheets(results, lang)],
            lang=lang,
            period=results.period,
            force=force,
            inputs=[Path(results.inputs.path), Path(results.rules_file.path)],
        )


# audits of a scored period ---------------------------------------------------------


def explain(results: Results, who: str, lang: str = "zh") -> Explanation:
    """The derivation of ``who`` (a 工号, a department, or a unique 姓名): the steps the
    engine modules give for that member, in sections titled in ``lang``."""
    from kpi.explain.members import explain as explain_member

    return explain_member(results, who, lang)


def write_slips(results: Results, out: str | Path, *, lang: str = "zh", force: bool = False) -> Slips:
    """Write the result slips (绩效面谈): one printable block per member — the header
    (工号, 姓名, 部门, 综合得分, 排名, 等次, 绩效奖金, 合计), the lines ``explain`` shows
    for that member and a signature line — one sheet per population, atomically;
    refuses to overwrite without ``force`` and never writes over the inputs."""
    from kpi.explain.slips import write_slips as write

    return write(results, Path(out), lang=lang, force=force)


def verify(
    results_path: str | Path,
    inputs: str | Path | Sequence[str | Path],
    rules_path: str | Path,
    evaluation: str | Path | None = None,
) -> VerifyReport:
    """Recompute a results workbook (from its input) or an annual workbook (from its quarters'
    results workbooks: ``inputs``, by default the files its 运行信息 names, and ``evaluation``)
    and report every cell that differs."""
    from kpi.audit.verify import verify_workbook

    given = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    return verify_workbook(results_path, given, rules_path, evaluation)


def diff_rules(old_path: str | Path, new_path: str | Path) -> list[RuleChange]:
    """The changes in meaning between two rules files (not in text or layout)."""
    from kpi.audit.rules_diff import diff_rules as diff

    return diff(load_rules(old_path), load_rules(new_path))


def impact(data: str | Path, old_rules: str | Path, new_rules: str | Path, period: Period) -> Impact:
    """Score ``data`` under both rules files and compare the published outcomes."""
    from kpi.audit.impact import impact_of_rules

    return impact_of_rules(data, old_rules, new_rules, period)


def write_impact(
    result: Impact, out: str | Path, *, force: bool = False, inputs: Iterable[Path] = (), lang: str = "zh"
) -> None:
    """Write impact.xlsx atomically (never over one of ``inputs``)."""
    from kpi.audit.impact_report import write_impact_workbook

    write_impact_workbook(result, Path(out), force, list(inputs), lang=lang)


def annual_impact(
    quarters: Sequence[str | Path],
    old_rules: str | Path,
    new_rules: str | Path,
    year: int,
    evaluation: str | Path | None = None,
) -> Impact:
    """Roll the same quarters' results up under both rules files and compare the years."""
    from kpi.audit.impact import annual_impact_of_rules

    return annual_impact_of_rules(quarters, old_rules, new_rules, year, evaluation)


# the annual appraisal (method §10) --------------------------------------------------


def annual(
    quarters: Sequence[str | Path], rules_path: str | Path, year: int, evaluation: str | Path | None = None
) -> AnnualResults:
    """Read the quarters' results workbooks (and the year-end evaluation) and compute the year."""
    from kpi.annual import run_annual

    return run_annual(quarters, rules_path, year, evaluation)


def check_quarters(
    quarters: Sequence[str | Path], inputs: Sequence[str | Path], rules: Sequence[str | Path]
) -> None:
    """Verify each quarter's results against its input workbook (``--inputs``) as :func:`verify`
    does; one rules file for every quarter or one per quarter. Raises with every difference."""
    from kpi.annual import check_quarters as check

    check(quarters, inputs, rules)


def write_annual(results: AnnualResults, out: str | Path, *, lang: str = "zh", force: bool = False) -> Path:
    """Write the annual workbook atomically (never over a file the run read)."""
    from kpi.annual import write_annual as write

    return write(results, out, lang=lang, force=force)


def explain_year(results: AnnualResults, who: str, lang: str = "zh") -> Explanation:
    """The derivation of one member's year from the quarter values."""
    from kpi.annual.explain import explain_year as explain_member_year

    return explain_member_year(results, who, lang)


def annual_summary(results: AnnualResults, lang: str = "zh") -> Group:
    """The terminal summary of an annual run."""
    from kpi.report.terminal import annual_summary as terminal_summary

    return terminal_summary(results, lang)


def annual_json(results: AnnualResults, out: str | None) -> dict[str, Any]:
    """The ``annual --json`` document."""
    from kpi.report.jsonout import annual_json as json_summary

    return json_summary(results, out)


def rules_schema() -> dict[str, Any]:
    """The JSON Schema of the rules format (for editors)."""
    from kpi.rules.jsonschema import rules_json_schema

    return rules_json_schema()


# text for the terminal ------------------------------------------------------------


def rule_change_lines(changes: list[RuleChange]) -> list[str]:
    """One line per rules change."""
    from kpi.audit.rules_diff import lines

    return lines(changes)


def impact_lines(result: Impact) -> list[str]:
    """The impact of a rules change as terminal lines."""
    from kpi.audit.impact_report import render

    return render(result)


def summary(results: Results, lang: str = "zh") -> Group:
    """The terminal summary of a run: departments, grade counts, the bonus against the pool."""
    from kpi.report.terminal import summary as terminal_summary

    return terminal_summary(results, lang)


def score_summary(results: Results, out: str) -> dict[str, Any]:
    """The ``score --json`` document."""
    from kpi.report.jsonout import score_summary as json_summary

    return json_summary(results, out)


def warning_lines(warnings: list[Problem], lang: str = "zh", *, in_workbook: bool = True) -> list[str]:
    """``warning:`` lines for stderr."""
    from kpi.report.terminal import warning_lines as lines

    return lines(warnings, lang, in_workbook=in_workbook)


def formats() -> tuple[str, ...]:
    """The ``--format`` choices of ``score``: xlsx, csv (a folder), json."""
    from kpi.report.export import FORMATS

    return FORMATS


def check_target(out: Path, fmt: str, *, force: bool, inputs: list[Path]) -> None:
    """Refuse an output of ``fmt`` before computing (exists without --force, wrong suffix…)."""
    from kpi.report.export import check_target as check

    check(out, fmt, force=force, inputs=inputs)


def save_results(results: Results, out: Path, fmt: str, *, lang: str = "zh", force: bool = False) -> Path:
    """Write the results as ``fmt``: a workbook, a folder of CSV files, or one JSON document."""
    from kpi.report.export import save_results as save

    return save(results, out, fmt, lang=lang, force=force)


def progress(
    console: Console, description: str, total: int | None = None
) -> AbstractContextManager[Tracker | None]:
    """A progress display on ``console`` after a second, when it is a terminal (else None)."""
    from kpi.progress import progress as shown

    return shown(console, description, total)


def make_batch_folder(out_dir: Path) -> None:
    """Create ``--out-dir`` when missing (its parent must exist)."""
    from kpi.batch import make_folder

    make_folder(out_dir)


def plan_batch(
    inputs: Iterable[Path],
    rules: Path,
    period: Period | None,
    out_dir: Path,
    *,
    fmt: str,
    lang: str,
    force: bool,
) -> list[Job]:
    """One job per input: its period (given, or from its file name) and its results path."""
    from kpi.batch import plan

    return plan(inputs, rules, period, out_dir, fmt=fmt, lang=lang, force=force)


def run_batch(jobs: list[Job], workers: int, notify: Callable[[Outcome], None]) -> list[Outcome]:
    """Score every job (in ``workers`` processes when > 1); ``notify`` hears each outcome."""
    from kpi.batch import run_batch as run_all

    return run_all(jobs, workers, notify)


def batch_exit_code(outcomes: Sequence[Outcome]) -> int:
    """0 when every workbook was scored, 1 when any failed on its input, 3 on a bug."""
    from kpi.batch import ERROR

    if any(o.status == ERROR for o in outcomes):
        return 3
    return 0 if all(o.ok for o in outcomes) else 1


def batch_table(outcomes: list[Outcome], lang: str = "zh") -> Table:
    """The one summary table of a batch."""
    from kpi.report.batch_report import batch_table as table

    return table(outcomes, lang)


def batch_problem_lines(outcome: Outcome) -> list[str]:
    """``error:``/``warning:`` lines of one job for stderr."""
    from kpi.report.batch_report import problem_lines

    return problem_lines(outcome)


def batch_closing_line(outcomes: list[Outcome]) -> str:
    """What failed, in one line, after the table."""
    from kpi.report.batch_report import closing_line

    return closing_line(outcomes)


def batch_json(outcomes: list[Outcome]) -> dict[str, Any]:
    """The ``score --out-dir --json`` document."""
    from kpi.report.batch_report import batch_json as document

    return document(outcomes)
