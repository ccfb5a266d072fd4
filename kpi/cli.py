"""The ``kpi`` command: argument parsing and rendering only.

Each command is a few lines over :mod:`kpi.api`. User errors (``KpiError``)
print one located line per problem on stderr — or a JSON document with
``--json`` — and exit 1; usage errors exit 2; nothing a user can type produces
a traceback.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import os
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer

from kpi import __version__
from kpi.errors import KpiError
from kpi.periods import Period

# Each command imports the library parts it needs when it runs: pandas and
# pydantic take over a second to import, which `kpi --help`, usage errors and
# `kpi rules schema` should not pay. rich too is imported on first use (the
# consoles and Text below), so that `kpi --help` and shell completion, which
# print through typer alone, start within 0.3 s (benchmarks/help_time.py).
if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text
else:

    def Text(*args: Any, **options: Any) -> Any:  # rich.text.Text, imported on first use
        from rich.text import Text as RichText

        return RichText(*args, **options)


app = typer.Typer(
    name="kpi",
    help="Four-number KPI appraisal: 点数, 系数, 指标数, 加权数.",
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Any console, no traceback: a console that cannot show a character (ASCII, or
# GBK on a Chinese Windows) gets it spelled in ASCII, or "?" when there is no
# spelling, instead of a UnicodeEncodeError. _configure_streams() sets this up
# once, from main() and from the root callback (so in-process runs get it too);
# the library never prints.
_SPELLED = {
    "ρ": "rho",
    "Σ": "sum",
    "σ": "sigma",
    "α": "alpha",
    "β": "beta",
    "Δ": "delta",
    "µ": "u",
    "μ": "u",
    "−": "-",
    "–": "-",
    "—": "--",
    "×": "x",
    "÷": "/",
    "±": "+/-",
    "→": "->",
    "←": "<-",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "≈": "~",
    "…": "...",
    "·": ".",
    "•": "*",
    "▸": ">",
    "§": "section ",
    "√": "sqrt",
    "∞": "inf",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "✓": "ok",
    "✗": "x",
}


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    except LookupError:
        return True
    return True


def _spelled(char: str, encoding: str) -> str:
    if char in _SPELLED:
        return _SPELLED[char]
    folded = unicodedata.normalize("NFKC", char)  # full-width Ｄ, subscript ᵢ ₂ …
    if folded != char and _encodes(folded, encoding):
        return folded
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    if plain:
        return plain
    # A wide character (汉字) takes two columns: two marks keep the tables aligned.
    return "??" if unicodedata.east_asian_width(char) in ("W", "F") else "?"


def _spell_error(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler ``kpi-spell``: unencodable characters in ASCII words, else "?"/"??"."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(_spelled(char, error.encoding) for char in text), error.end


codecs.register_error("kpi-spell", _spell_error)


def _configure_streams() -> None:
    """Make stdout and stderr spell what their encoding cannot show (see _SPELLED)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) != "kpi-spell":
            with contextlib.suppress(ValueError, OSError, io.UnsupportedOperation):
                reconfigure(errors="kpi-spell")


def _console(stderr: bool) -> Console:
    from rich.console import Console

    class _Console(Console):
        """JSON keeps every character: escaped (``\\u4eba``) when the console cannot show it."""

        def print_json(self, json: str | None = None, *, data: Any = None, **options: Any) -> None:
            if "ensure_ascii" not in options:
                options["ensure_ascii"] = not _encodes(json or "", self.encoding)
            super().print_json(json, data=data, **options)

    return _Console(stderr=stderr, highlight=False)


class _LazyConsole:
    """A rich console made on first use (``real``), so importing this module imports no rich."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._real: Console | None = None

    @property
    def real(self) -> Console:
        if self._real is None:
            self._real = _console(self._stderr)
        return self._real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


out_console = cast("Console", _LazyConsole(stderr=False))
err_console = cast("Console", _LazyConsole(stderr=True))

T = TypeVar("T")


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


InputArg = Annotated[
    Path, typer.Argument(metavar="INPUT", readable=False, help="Input workbook (.xlsx, .xlsm or .xls).")
]
RulesOpt = Annotated[Path, typer.Option("--rules", "-r", readable=False, help="Rules file (YAML).")]
PeriodOpt = Annotated[
    Period,
    typer.Option(
        "--period", "-p", parser=_period, help="2024Q3 (2024-Q3, 2024年第三季度) or 2024 (2024年度)."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print problems and results as JSON.")]
LangOpt = Annotated[str, typer.Option("--lang", help="zh (default) or en sheet and column names.")]


def _check_lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise typer.BadParameter("must be zh or en", param_hint="--lang")
    return lang


def _fail(error: KpiError, as_json: bool) -> None:
    """Report every problem of ``error`` and exit 1."""
    if as_json:
        payload = {"ok": False, "errors": [p.as_dict() for p in error.problems]}
        out_console.print_json(json.dumps(payload, ensure_ascii=False))
    else:
        for problem in error.problems:
            err_console.print(Text(f"error: {problem}"), soft_wrap=True)
        count = len(error.problems)
        err_console.print(Text(f"{count} problem{'s' if count != 1 else ''} found; nothing written."))
    raise typer.Exit(1)


def _guard(as_json: bool, action: Callable[[], T]) -> T:
    """Run ``action``, turning user errors into exit 1 and bugs into a short report."""
    try:
        return action()
    except KpiError as error:
        _fail(error, as_json)
        raise AssertionError("unreachable") from error
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except MemoryError as exc:
        if os.environ.get("KPI_DEBUG"):
            raise
        _out_of_memory()
        raise typer.Exit(1) from exc
    except Exception as exc:  # a bug, not a user mistake: say so without a traceback
        if os.environ.get("KPI_DEBUG"):
            raise
        _internal_error(exc)
        raise typer.Exit(3) from exc


def _internal_error(exc: BaseException) -> None:
    message = " ".join(str(exc).split())  # one line, whatever the exception holds
    err_console.print(
        Text(
            f"internal error: {type(exc).__name__}: {message} (a bug in kpi, not in your files: "
            "rerun with KPI_DEBUG=1 and report it)"
        ),
        soft_wrap=True,
    )


def _out_of_memory() -> None:
    err_console.print(
        Text(
            "error: not enough memory to finish; nothing written (close other programs, raise "
            "the memory limit, or split the workbook)"
        ),
        soft_wrap=True,
    )


@app.command()
def score(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            metavar="INPUT",
            readable=False,
            help="Input workbook(s) (.xlsx, .xlsm or .xls); several need --out-dir.",
        ),
    ],
    rules: RulesOpt,
    period: Annotated[
        Period | None,
        typer.Option(
            "--period",
            "-p",
            parser=_period,
            help="2024Q3, 2024-Q3 or 2024年第三季度 for a quarter, 2024 or 2024年度 for a year; "
            "optional when the file name carries it (高新区-2024Q3.xlsx).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", readable=False, help="Results to write: .xlsx, .json, or a folder for csv."
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir", readable=False, help="Folder for the results of each input (INPUT-结果.xlsx)."
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="xlsx (default), csv (a folder of .csv files) or json.")
    ] = "xlsx",
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="Workbooks scored at once (with --out-dir).")
    ] = 1,
    lang: LangOpt = "zh",
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing results.")] = False,
    as_json: JsonOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing on success (warnings still go to stderr).")
    ] = False,
) -> None:
    """Score a period and write the results; with --out-dir, many workbooks at once."""
    from kpi import api
    from kpi.periods import period_in_name

    _check_lang(lang)
    if fmt not in api.formats():
        raise typer.BadParameter(f"must be one of {', '.join(api.formats())}", param_hint="--format")
    if out_dir is not None:
        if out is not None:
            raise typer.BadParameter("give --out (one input) or --out-dir, not both", param_hint="--out")
        _score_batch(inputs, rules, period, out_dir, fmt, jobs, lang, force, as_json, quiet)
        return
    if out is None or len(inputs) > 1 or jobs != 1:
        what = "several inputs need --out-dir" if len(inputs) > 1 else "--jobs needs --out-dir"
        raise typer.BadParameter(what if out is not None else "give --out, or --out-dir", param_hint="--out")
    input, target = inputs[0], out
    if period is None:
        try:
            period = period_in_name(input.name)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--period") from exc
    when = period

    def action() -> Any:
        api.check_target(target, fmt, force=force, inputs=[input, rules])
        with api.progress(err_console, f"scoring {input.name}"):
            results = api.run(input, rules, when)
            api.save_results(results, target, fmt, lang=lang, force=force)
        return results

    results = _guard(as_json, action)
    if as_json:
        out_console.print_json(json.dumps(api.score_summary(results, str(out)), ensure_ascii=False))
        return
    _print_lines(api.warning_lines(results.warnings, lang), err_console)
    if not quiet:
        out_console.print(api.summary(results, lang))
        out_console.print(Text(f"wrote {out}"), soft_wrap=True)


def _score_batch(
    inputs: list[Path],
    rules: Path,
    period: Period | None,
    out_dir: Path,
    fmt: str,
    jobs: int,
    lang: str,
    force: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """``score … --out-dir``: every input scored, one summary; exit 1 if any failed (3 on a bug)."""
    from kpi import api, signals

    _guard(as_json, lambda: api.make_batch_folder(out_dir))
    planned = api.plan_batch(inputs, rules, period, out_dir, fmt=fmt, lang=lang, force=force)
    done: list[Any] = []
    with api.progress(err_console, "scoring", total=len(planned)) as tracker:

        def finished(outcome: Any) -> None:
            done.append(outcome)
            if tracker is not None:
                tracker.advance()

        try:
            outcomes = api.run_batch(planned, jobs, finished)
        except signals.Interrupted as stop:
            count = sum(o.written for o in done) + (stop.written is not None)  # in-process: its file
            written = f"{count} of {len(planned)} results written"
            err_console.print(Text(f"error: interrupted by {stop.name}: stopped; {written}"), soft_wrap=True)
            raise typer.Exit(stop.exit_code) from None
    if as_json:
        out_console.print_json(json.dumps(api.batch_json(outcomes), ensure_ascii=False))
    else:
        for outcome in outcomes:
            _print_lines(api.batch_problem_lines(outcome), err_console)
        if not quiet or not all(o.ok for o in outcomes):
            out_console.print(api.batch_table(outcomes, lang))
        if not all(o.ok for o in outcomes):
            err_console.print(Text(api.batch_closing_line(outcomes)), soft_wrap=True)
    raise typer.Exit(api.batch_exit_code(outcomes))


@app.command()
def validate(input: InputArg, rules: RulesOpt, period: PeriodOpt, as_json: JsonOpt = False) -> None:
    """Check a workbook and the rules; report every problem at once."""
    from kpi import api

    inputs, _ = _guard(as_json, lambda: api.load(input, rules, period))
    if as_json:
        warnings = [w.as_dict() for w in inputs.warnings]
        out_console.print_json(
            json.dumps({"ok": True, "errors": [], "warnings": warnings}, ensure_ascii=False)
        )
        return
    _print_lines(api.warning_lines(inputs.warnings, in_workbook=False), err_console)
    people = len(inputs.people)
    events = len(inputs.points)
    requests = len(inputs.service_requests)
    listed = f", {requests} service requests" if requests else ""
    out_console.print(Text(f"{input}: ok ({people} people, {events} point events{listed})"))


QuartersArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="QUARTER",
        readable=False,
        help="The quarters' results workbooks (kpi score --out), one to four, any order.",
    ),
]
YearOpt = Annotated[int, typer.Option("--year", "-y", help="The year the quarters belong to (2024).")]
EvaluationOpt = Annotated[
    Path | None,
    typer.Option("--evaluation", "-e", readable=False, help="Year-end evaluation workbook (sheet 测评)."),
]


@app.command()
def explain(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            metavar="INPUT",
            readable=False,
            help="The input workbook; with --year, the quarters' results workbooks.",
        ),
    ],
    rules: RulesOpt,
    period: Annotated[
        Period | None,
        typer.Option("--period", "-p", parser=_period, help="2024Q3 for a quarter, 2024 for a year."),
    ] = None,
    who: Annotated[
        str | None, typer.Option("--who", "-w", help="A 工号, a department, or a unique 姓名.")
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", "-y", help="Explain the annual appraisal of this year from the quarters' results."
        ),
    ] = None,
    evaluation: EvaluationOpt = None,
    all_members: Annotated[
        bool, typer.Option("--all", help="Every member: write result slips (绩效面谈) to --out.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", readable=False, help="With --all: the slips workbook to write (.xlsx)."),
    ] = None,
    lang: LangOpt = "zh",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --out.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show the full derivation of one member's score, rank, grade and bonus (--who; with
    --year, of its year), or write every member's result slip (--all --out slips.xlsx)."""
    from kpi import api

    _check_lang(lang)
    if (period is None) == (year is None):
        raise typer.BadParameter("give --period for a period's workbook, or --year for the annual appraisal")
    if period is not None and len(inputs) != 1:
        raise typer.BadParameter(f"--period explains one input workbook, got {len(inputs)}")
    if evaluation is not None and year is None:
        raise typer.BadParameter("--evaluation is the year-end evaluation: it goes with --year")
    if all_members and who is not None:
        raise typer.BadParameter("give --who or --all, not both", param_hint="--all")
    if all_members and year is not None:
        raise typer.BadParameter(
            "--all writes the result slips of a period: give --period", param_hint="--all"
        )
    if out is not None and not all_members:
        raise typer.BadParameter("--out writes the slips of every member: add --all", param_hint="--out")
    if all_members and out is None:
        raise typer.BadParameter("--all writes result slips: give --out slips.xlsx", param_hint="--all")
    if not all_members and who is None:
        raise typer.BadParameter(
            "name a member with --who, or give --all --out slips.xlsx", param_hint="--who"
        )
    if out is not None and period is not None:
        target, given = out, period

        def write() -> Any:
            api.check_output(target, force=force, inputs=[inputs[0], rules])
            return api.write_slips(api.run(inputs[0], rules, given), target, lang=lang, force=force)

        made = _guard(as_json, write)
        if as_json:
            payload = {"ok": True, "out": str(out), "members": made.members}
            out_console.print_json(json.dumps(payload, ensure_ascii=False))
            return
        out_console.print(Text(f"wrote {out}: {made.members} result slips"), soft_wrap=True)
        return
    member = who or ""

    def action() -> Any:
        if year is not None:
            return api.explain_year(api.annual(inputs, rules, year, evaluation), member, lang)
        assert period is not None
        return api.explain(api.run(inputs[0], rules, period), member, lang)

    explanation = _guard(as_json, action)
    if as_json:
        out_console.print_json(json.dumps(explanation.as_dict(), ensure_ascii=False))
        return
    _print_lines(explanation.lines())


@app.command()
def annual(
    quarters: QuartersArg,
    rules: RulesOpt,
    year: YearOpt,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", readable=False, help="Annual workbook to write (.xlsx).")
    ] = None,
    evaluation: EvaluationOpt = None,
    inputs: Annotated[
        list[Path] | None,
        typer.Option(
            "--inputs",
            readable=False,
            help="Each quarter's input workbook (repeat, in the order of the quarters): verify the "
            "quarters first.",
        ),
    ] = None,
    input_rules: Annotated[
        list[Path] | None,
        typer.Option(
            "--input-rules",
            readable=False,
            help="The rules each quarter was scored with (once for all, or once per quarter; "
            "default --rules).",
        ),
    ] = None,
    who: Annotated[
        str | None,
        typer.Option("--who", "-w", help="Explain one member's year (a 工号, department or 姓名)."),
    ] = None,
    lang: LangOpt = "zh",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --out.")] = False,
    as_json: JsonOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing on success (warnings still go to stderr).")
    ] = False,
) -> None:
    """Roll the quarters' results up into the annual appraisal (年度考核) and write the annual workbook."""
    from kpi import api

    _check_lang(lang)
    if out is None and who is None:
        raise typer.BadParameter("give --out to write the annual workbook (or --who to explain one member)")
    if input_rules and not inputs:
        raise typer.BadParameter("--input-rules goes with --inputs", param_hint="--input-rules")

    def action() -> Any:
        if out is not None:
            api.check_output(
                out, force=force, inputs=[*quarters, rules, *([evaluation] if evaluation else [])]
            )
        if inputs:
            api.check_quarters(quarters, inputs, input_rules or [rules])
        results = api.annual(quarters, rules, year, evaluation)
        if out is not None:
            api.write_annual(results, out, lang=lang, force=force)
        return results, api.explain_year(results, who, lang) if who is not None else None

    results, explanation = _guard(as_json, action)
    if as_json:
        payload = api.annual_json(results, None if out is None else str(out))
        if explanation is not None:
            payload["explanation"] = explanation.as_dict()
        out_console.print_json(json.dumps(payload, ensure_ascii=False))
        return
    _print_lines(api.warning_lines(results.warnings, lang), err_console)
    if explanation is not None:
        _print_lines(explanation.lines())
    elif not quiet:
        out_console.print(api.annual_summary(results, lang))
    if out is not None and not quiet:
        out_console.print(Text(f"wrote {out}"), soft_wrap=True)


@app.command()
def template(
    rules: RulesOpt,
    period: PeriodOpt,
    out: Annotated[
        Path, typer.Option("--out", "-o", readable=False, help="Blank input workbook to write (.xlsx).")
    ],
    previous: Annotated[
        Path | None,
        typer.Option(
            "--from",
            metavar="INPUT",
            readable=False,
            help="Last period's input: carry over 人员, 部门, 指标, 市级排名 and 市级分工.",
        ),
    ] = None,
    lang: LangOpt = "zh",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --out.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write a blank input workbook for a period: sheets, headers, dropdowns, 填表说明."""
    from kpi import api

    _check_lang(lang)
    made = _guard(
        as_json,
        lambda: api.write_template(rules, period, out, lang=lang, force=force, previous=previous),
    )
    carried = made.carried_rows()
    if as_json:
        payload = {
            "ok": True,
            "out": str(out),
            "sheets": made.sheet_names(),
            "carried": carried if previous is not None else None,
            "warnings": [w.as_dict() for w in made.warnings],
        }
        out_console.print_json(json.dumps(payload, ensure_ascii=False))
        return
    _print_lines(api.warning_lines(made.warnings, lang, in_workbook=False), err_console)
    out_console.print(Text(f"wrote {out}: sheets {', '.join(made.sheet_names())}"), soft_wrap=True)
    if previous is not None:
        rows = ", ".join(f"{sheet} {n}" for sheet, n in carried.items())
        out_console.print(Text(f"carried over from {previous}: {rows} rows"), soft_wrap=True)


rules_app = typer.Typer(help="Check, describe and compare rules files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


@rules_app.command("check")
def rules_check(
    path: Annotated[Path, typer.Argument(readable=False, help="Rules file (YAML).")], as_json: JsonOpt = False
) -> None:
    """Validate a rules file alone."""
    from kpi import api

    loaded = _guard(as_json, lambda: api.load_rules(path))
    rules_ = loaded.rules
    if as_json:
        out_console.print_json(
            json.dumps(
                {
                    "ok": True,
                    "name": rules_.name,
                    "version": rules_.version,
                    "sha256": loaded.sha256,
                },
                ensure_ascii=False,
            )
        )
        return
    out_console.print(Text(f"{path}: ok — {rules_.name} {rules_.version}"))


@rules_app.command("diff")
def rules_diff(
    old: Annotated[Path, typer.Argument(readable=False, help="The rules in force (YAML).")],
    new: Annotated[Path, typer.Argument(readable=False, help="The proposed rules (YAML).")],
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data",
            readable=False,
            help="Score this workbook under both rules (with --period); with --year, the quarters' "
            "results workbooks (repeat) to roll up under both.",
        ),
    ] = None,
    period: Annotated[
        Period | None, typer.Option("--period", "-p", parser=_period, help="Period of --data.")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", "-y", help="--data are this year's quarters' results workbooks.")
    ] = None,
    evaluation: EvaluationOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", readable=False, help="Write the impact workbook.")
    ] = None,
    lang: LangOpt = "zh",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --out.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """List semantic rule changes; with --data, their impact on scores, grades and pay."""
    from kpi import api

    _check_lang(lang)
    if data and period is None and year is None:
        raise typer.BadParameter("--data needs --period (an input workbook) or --year (quarters' results)")
    if period is not None and year is not None:
        raise typer.BadParameter("give --period or --year, not both", param_hint="--year")
    if data and period is not None and len(data) != 1:
        raise typer.BadParameter(f"--period scores one workbook, got {len(data)}", param_hint="--data")
    if out is not None and not data:
        raise typer.BadParameter("--out writes the impact of --data: give --data too", param_hint="--out")
    if evaluation is not None and year is None:
        raise typer.BadParameter("--evaluation is the year-end evaluation: it goes with --year")

    def action() -> Any:
        changes = api.diff_rules(old, new)
        if not data:
            return changes, None
        sources = [*data, old, new, *([evaluation] if evaluation else [])]
        if out is not None:
            api.check_output(out, force=force, inputs=sources)
        if year is not None:
            result = api.annual_impact(data, old, new, year, evaluation)
        else:
            assert period is not None
            result = api.impact(data[0], old, new, period)
        if out is not None:
            api.write_impact(result, out, force=force, inputs=sources, lang=lang)
        return changes, result

    changes, result = _guard(as_json, action)
    if as_json:
        payload = {
            "ok": True,
            "changes": [c.as_dict() for c in changes],
            "impact": result.as_dict() if result is not None else None,
        }
        out_console.print_json(json.dumps(payload, ensure_ascii=False))
        return
    _print_lines(api.rule_change_lines(changes))
    if result is not None:
        out_console.print()
        _print_lines(api.impact_lines(result))
    if out is not None:
        out_console.print(Text(f"wrote {out}"), soft_wrap=True)


@rules_app.command("schema")
def rules_schema() -> None:
    """Print the JSON Schema of the rules format (for editors)."""
    from kpi import api

    out_console.print(Text(json.dumps(api.rules_schema(), ensure_ascii=False, indent=2)), soft_wrap=True)


@app.command()
def verify(
    results: Annotated[
        Path,
        typer.Argument(
            readable=False, help="A results workbook (kpi score) or an annual workbook (kpi annual)."
        ),
    ],
    rules: RulesOpt,
    input: Annotated[
        list[Path] | None,
        typer.Option(
            "--input",
            "-i",
            readable=False,
            help="The input workbook it was scored from; for an annual workbook, each quarter's results "
            "workbook (repeat; default: the files its 运行信息 names).",
        ),
    ] = None,
    evaluation: Annotated[
        Path | None,
        typer.Option(
            "--evaluation",
            "-e",
            readable=False,
            help="An annual workbook's year-end evaluation (default: the file its 运行信息 names).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Recompute a results or annual workbook and name every cell edited since it was written."""
    from kpi import api

    report = _guard(as_json, lambda: api.verify(results, input or [], rules, evaluation))
    if as_json:
        out_console.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        _print_lines(report.lines())
    raise typer.Exit(0 if report.ok else 1)


def _print_lines(lines: list[str], console: Console = out_console) -> None:
    for line in lines:
        console.print(Text(line), soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        out_console.print(f"kpi {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """kpi — the four-number KPI appraisal calculator."""
    _configure_streams()


def main() -> None:
    """Console-script entry point: the one place that handles signals and stray exceptions.

    Exit codes: 0 ok, 1 a user error (or not enough memory), 2 usage, 3 a bug,
    128 + the signal's number when stopped by SIGINT (130), SIGHUP (129) or
    SIGTERM (143).
    """
    from kpi import signals

    _configure_streams()
    signals.install()
    try:
        app(prog_name="kpi")
    except signals.Interrupted as stop:
        if stop.written is not None:
            line = f"error: {stop.written}: interrupted by {stop.name} after the file was written in full"
        else:
            line = f"error: interrupted by {stop.name}: stopped, no results file written or changed"
        err_console.print(Text(line), soft_wrap=True)
        sys.exit(stop.exit_code)
    except MemoryError:
        if os.environ.get("KPI_DEBUG"):
            raise
        _out_of_memory()
        sys.exit(1)
    except Exception as exc:  # outside a command's guard (rendering, imports): still one line
        if os.environ.get("KPI_DEBUG"):
            raise
        _internal_error(exc)
        sys.exit(3)
