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
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer

from kpi import __version__
from kpi.errors import KpiError
from kpi.i18n import N_, Msg, _, current_language, render, resolve_language, set_language, tr
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


# The language ---------------------------------------------------------------------------------
#
# One setting governs the messages, the help and the files written: --lang, else KPI_LANG,
# else Chinese. typer builds its click commands (with their help texts) when the app is
# called, and click reads --lang only after it has parsed the arguments, by which time
# --help may already have been answered. So the root command (_KpiGroup.main) first looks
# for --lang among the arguments, sets the language, and translates every help text of the
# command tree before click parses anything; each command then sets it again from its own
# --lang option (which refuses a language other than zh or en: a usage error, exit 2).
#
# click (vendored in typer as typer._click) writes its own words in English with no gettext:
# "Usage:", "Error:", "Try 'kpi --help' for help.", "Invalid value for …", "No such option",
# "Missing argument", "Show this message and exit." — the classes below render those from
# our catalogue. typer.core calls the standard gettext.gettext for its section titles
# ("Options", "Arguments", "Commands") and "[default: …]", "[required]": its module global
# ``_`` is pointed at our catalogue (see _localize_typer). docs/decisions.md says why this
# is not gettext.textdomain: the standard lookup picks the language from LANGUAGE/LANG,
# not from --lang or KPI_LANG.

#: typer's own strings (typer.core), marked here so the catalogue keeps their Chinese.
_TYPER_STRINGS = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("Aborted!"),
    N_("Show this message and exit."),
    N_("Usage: "),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)


def _typer_gettext(message: str) -> str:
    return tr(message)


def _localize_typer() -> None:
    """typer.core's ``gettext`` (bound at its import) reads our catalogue in the current language."""
    import typer.core

    if getattr(typer.core, "_", None) is not _typer_gettext:
        typer.core._ = _typer_gettext  # type: ignore[attr-defined]


def _lang_in(args: list[str]) -> str | None:
    """The value of the last ``--lang X`` / ``--lang=X`` before ``--`` (None when absent)."""
    found = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            found = args[index + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found


def _use_language(option: str | None) -> str:
    """Set the language of this run from ``--lang`` (else KPI_LANG, else zh) and return it.

    Without the option, the language the root command found (a ``kpi --lang en …`` before
    the command name, else KPI_LANG, else zh) stands.
    """
    if option is None:
        return current_language()
    try:
        language = resolve_language(option)
    except ValueError:
        raise typer.BadParameter(
            _("must be zh or en, not {value}", value=option), param_hint="--lang"
        ) from None
    set_language(language)
    return language


def _check_lang_option(value: str | None) -> str | None:
    _use_language(value)
    return value


def _translate_tree(command: Any, lang: str) -> None:
    """Every help text of ``command`` and its subcommands in ``lang`` (they are English msgids)."""
    for attribute in ("help", "short_help", "epilog"):
        text = getattr(command, attribute, None)
        if isinstance(text, str) and text:
            setattr(command, attribute, tr(text, lang))
    for param in getattr(command, "params", []):
        if isinstance(getattr(param, "help", None), str) and param.help:
            param.help = tr(param.help, lang)
    for sub in getattr(command, "commands", {}).values():
        _translate_tree(sub, lang)


class _Formatter(typer._click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, tr(N_("Usage: ")) if prefix is None else prefix)


class _Context(typer.Context):
    formatter_class = _Formatter


class _Localized:
    """Help option and usage line in the language of the run."""

    context_class: type[typer._click.core.Context] = _Context

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = tr(N_("Show this message and exit."))
        return option


class _KpiCommand(_Localized, typer.core.TyperCommand):
    pass


def _error_text(error: Exception) -> str:
    """A click usage error's message in the current language."""
    from typer._click import exceptions as click_errors

    carried = getattr(error, "message", None)
    message = carried if isinstance(carried, Msg) else None
    if isinstance(error, click_errors.NoSuchOption):
        name = error.option_name
        if error.possibilities:
            options = ", ".join(sorted(error.possibilities))
            return _("No such option: {name} (possible options: {options})", name=name, options=options).to()
        return _("No such option: {name}", name=name).to()
    if isinstance(error, click_errors.MissingParameter):
        hint = _error_hint(error)
        kind = error.param_type or (error.param.param_type_name if error.param is not None else None)
        if kind == "argument":
            return _("Missing argument {name}.", name=hint).to()
        if kind == "option":
            return _("Missing option {name}.", name=hint).to()
        return _("Missing parameter {name}.", name=hint).to()
    if isinstance(error, click_errors.BadParameter):
        text = render(message) if message is not None else _invalid_value(error) or str(carried)
        hint = _error_hint(error)
        if hint:
            return _("Invalid value for {option}: {message}", option=hint, message=text).to()
        return _("Invalid value: {message}", message=text).to()
    if message is not None:
        return message.to()
    return _parser_text(error) or error.format_message()  # type: ignore[attr-defined, no-any-return]


def _invalid_value(error: Exception) -> str | None:
    """typer checks an option's type with pydantic, whose words are English: the two a user
    can meet (not a whole number, under the option's minimum) in the current language."""
    from pydantic import ValidationError

    cause = error.__cause__
    if not isinstance(cause, ValidationError) or not cause.errors():
        return None
    first = cause.errors()[0]
    given = first.get("input")
    if first["type"] in ("int_parsing", "int_from_float", "int_type"):
        return _("'{value}' is not a whole number", value=str(given)).to()
    if first["type"] == "greater_than_equal":
        return _("must be {least} or more, not {value}", least=first["ctx"]["ge"], value=given).to()
    return None


#: click's parser errors, whose text is English with no catalogue: (pattern, message).
_PARSER_ERRORS = (
    (re.compile(r"Option '(?P<name>.+)' requires an argument\.$"), N_("option {name} needs a value")),
    (
        re.compile(r"Option '(?P<name>.+)' requires (?P<count>\d+) arguments\.$"),
        N_("option {name} needs {count} values"),
    ),
    (re.compile(r"Option '(?P<name>.+)' does not take a value\.$"), N_("option {name} takes no value")),
    (
        re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<extra>.*)\)$", re.S),
        N_("unexpected extra arguments: {extra}"),
    ),
)
#: typer's suggestion, appended to a message of ours: "<message>. Did you mean 'score'?"
_SUGGESTION = re.compile(r"^(?P<message>.*?)\.? Did you mean (?P<names>.+)\?$", re.S)


def _parser_text(error: Any) -> str | None:
    """One of :data:`_PARSER_ERRORS` or a command name suggested, in the current language."""
    text = str(getattr(error, "message", ""))
    for pattern, words in _PARSER_ERRORS:
        if found := pattern.match(text):
            return tr(words).format(**found.groupdict())
    if found := _SUGGESTION.match(text):
        message = found["message"].rstrip(".。")
        return _("{message}. Did you mean {names}?", message=message, names=found["names"]).to()
    return None


def _error_hint(error: Any) -> str:
    from typer._click.exceptions import _join_param_hints

    if error.param_hint is not None:
        return _join_param_hints(error.param_hint) or ""
    if error.param is not None:
        return _join_param_hints(error.param.get_error_hint()) or ""
    return ""


def _show_click_error(error: Any) -> None:
    """What click's ``ClickException.show`` prints, in the current language."""
    from typer._click import exceptions as click_errors
    from typer._click.utils import echo

    if isinstance(error, click_errors.NoArgsIsHelpError):
        echo(error.ctx.get_help(), err=True)
        return
    if isinstance(error, click_errors.UsageError) and error.ctx is not None:
        lines = [error.ctx.get_usage()]
        if error.ctx.command.get_help_option(error.ctx) is not None:
            command, option = error.ctx.command_path, error.ctx.help_option_names[0]
            lines.append(_("Try '{command} {option}' for help.", command=command, option=option).to())
        echo("\n".join(lines) + "\n", err=True, color=error.ctx.color)
    echo(_("Error: {message}", message=_error_text(error)).to(), err=True)


class _KpiGroup(_Localized, typer.core.TyperGroup):
    """The ``kpi`` command: sets the language before click reads a word (see above)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        from typer._click.exceptions import ClickException

        given = list(sys.argv[1:] if args is None else args)
        try:
            language = resolve_language(_lang_in(given))
        except ValueError:  # refused with a usage error by the --lang option, in this language
            language = resolve_language(None)
        set_language(language)
        _localize_typer()
        _translate_tree(self, language)
        try:
            code = super().main(
                args,  # None: typer reads sys.argv itself (and expands wildcards on Windows)
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except ClickException as error:
            if not standalone_mode:
                raise
            _show_click_error(error)
            sys.exit(error.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            from typer._click.utils import echo

            echo(tr(N_("Aborted!")), err=True)
            sys.exit(1)
        if standalone_mode:
            sys.exit(code if isinstance(code, int) else 0)
        return code


app = typer.Typer(
    name="kpi",
    help=_("Four-number KPI appraisal: 点数, 系数, 指标数, 加权数."),
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=_KpiGroup,
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
        raise typer.BadParameter(_reason(exc)) from exc


def _reason(exc: Exception) -> str:
    """The message a ValueError carries: its ``Msg`` when it has one (rendered later)."""
    return exc.args[0] if exc.args and isinstance(exc.args[0], Msg) else str(exc)


InputArg = Annotated[
    Path, typer.Argument(metavar="INPUT", readable=False, help=_("Input workbook (.xlsx, .xlsm or .xls)."))
]
RulesOpt = Annotated[Path, typer.Option("--rules", "-r", readable=False, help=_("Rules file (YAML)."))]
PeriodOpt = Annotated[
    Period,
    typer.Option(
        "--period", "-p", parser=_period, help=_("2024Q3 (2024-Q3, 2024年第三季度) or 2024 (2024年度).")
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help=_("Print problems and results as JSON."))]
LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        callback=_check_lang_option,
        help=_(
            "Language of the messages, the help and the files written: zh (default) or en; "
            "without it, the environment variable KPI_LANG."
        ),
    ),
]


def _fail(error: KpiError, as_json: bool) -> None:
    """Report every problem of ``error`` (in the language of the run) and exit 1."""
    language = current_language()
    if as_json:
        payload = {"ok": False, "errors": [p.as_dict(lang=language) for p in error.problems]}
        out_console.print_json(json.dumps(payload, ensure_ascii=False))
    else:
        for problem in error.problems:
            line = _("error: {problem}", problem=problem.text(lang=language))
            err_console.print(Text(line.to(language)), soft_wrap=True)
        count = len(error.problems)
        found = (
            _("1 problem found; nothing written.")
            if count == 1
            else _("{count} problems found; nothing written.", count=count)
        )
        err_console.print(Text(found.to(language)))
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
    line = _(
        "internal error: {kind}: {message} (a bug in kpi, not in your files: "
        "rerun with KPI_DEBUG=1 and report it)",
        kind=type(exc).__name__,
        message=message,
    )
    err_console.print(Text(line.to()), soft_wrap=True)


def _out_of_memory() -> None:
    line = _(
        "error: not enough memory to finish; nothing written (close other programs, raise "
        "the memory limit, or split the workbook)"
    )
    err_console.print(Text(line.to()), soft_wrap=True)


@app.command(
    cls=_KpiCommand, help=_("Score a period and write the results; with --out-dir, many workbooks at once.")
)
def score(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            metavar="INPUT",
            readable=False,
            help=_("Input workbook(s) (.xlsx, .xlsm or .xls); several need --out-dir."),
        ),
    ],
    rules: RulesOpt,
    period: Annotated[
        Period | None,
        typer.Option(
            "--period",
            "-p",
            parser=_period,
            help=_(
                "2024Q3, 2024-Q3 or 2024年第三季度 for a quarter, 2024 or 2024年度 for a year; "
                "optional when the file name carries it (高新区-2024Q3.xlsx)."
            ),
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", readable=False, help=_("Results to write: .xlsx, .json, or a folder for csv.")
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir", readable=False, help=_("Folder for the results of each input (INPUT-结果.xlsx).")
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help=_("xlsx (default), csv (a folder of .csv files) or json."))
    ] = "xlsx",
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help=_("Workbooks scored at once (with --out-dir)."))
    ] = 1,
    lang: LangOpt = None,
    force: Annotated[bool, typer.Option("--force", help=_("Overwrite existing results."))] = False,
    as_json: JsonOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help=_("Print nothing on success (warnings still go to stderr)."))
    ] = False,
) -> None:
    from kpi import api
    from kpi.periods import period_in_name

    language = _use_language(lang)
    if fmt not in api.formats():
        raise typer.BadParameter(
            _("must be one of {choices}", choices=", ".join(api.formats())), param_hint="--format"
        )
    if out_dir is not None:
        if out is not None:
            raise typer.BadParameter(_("give --out (one input) or --out-dir, not both"), param_hint="--out")
        _score_batch(inputs, rules, period, out_dir, fmt, jobs, language, force, as_json, quiet)
        return
    if out is None or len(inputs) > 1 or jobs != 1:
        if out is None:
            what = _("give --out, or --out-dir")
        elif len(inputs) > 1:
            what = _("several inputs need --out-dir")
        else:
            what = _("--jobs needs --out-dir")
        raise typer.BadParameter(what, param_hint="--out")
    input, target = inputs[0], out
    if period is None:
        try:
            period = period_in_name(input.name)
        except ValueError as exc:
            raise typer.BadParameter(_reason(exc), param_hint="--period") from exc
    when = period

    def action() -> Any:
        api.check_target(target, fmt, force=force, inputs=[input, rules])
        with api.progress(err_console, _("scoring {name}", name=input.name).to(language)):
            results = api.run(input, rules, when)
            api.save_results(results, target, fmt, lang=language, force=force)
        return results

    results = _guard(as_json, action)
    if as_json:
        out_console.print_json(json.dumps(api.score_summary(results, str(out)), ensure_ascii=False))
        return
    _print_lines(api.warning_lines(results.warnings, language), err_console)
    if not quiet:
        out_console.print(api.summary(results, language))
        out_console.print(Text(_("wrote {path}", path=out).to(language)), soft_wrap=True)


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
    with api.progress(err_console, _("scoring").to(lang), total=len(planned)) as tracker:

        def finished(outcome: Any) -> None:
            done.append(outcome)
            if tracker is not None:
                tracker.advance()

        try:
            outcomes = api.run_batch(planned, jobs, finished)
        except signals.Interrupted as stop:
            count = sum(o.written for o in done) + (stop.written is not None)  # in-process: its file
            line = _(
                "error: interrupted by {signal}: stopped; {count} of {total} results written",
                signal=stop.name,
                count=count,
                total=len(planned),
            )
            err_console.print(Text(line.to(lang)), soft_wrap=True)
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


@app.command(cls=_KpiCommand, help=_("Check a workbook and the rules; report every problem at once."))
def validate(
    input: InputArg, rules: RulesOpt, period: PeriodOpt, as_json: JsonOpt = False, lang: LangOpt = None
) -> None:
    from kpi import api

    language = _use_language(lang)
    inputs, __ = _guard(as_json, lambda: api.load(input, rules, period))
    if as_json:
        warnings = [w.as_dict(lang=language) for w in inputs.warnings]
        out_console.print_json(
            json.dumps({"ok": True, "errors": [], "warnings": warnings}, ensure_ascii=False)
        )
        return
    _print_lines(api.warning_lines(inputs.warnings, language, in_workbook=False), err_console)
    counts = [
        _("{n} people", n=len(inputs.people)),
        _("{n} point events", n=len(inputs.points)),
    ]
    if len(inputs.service_requests):
        counts.append(_("{n} service requests", n=len(inputs.service_requests)))
    if len(inputs.evaluations):
        counts.append(_("{n} evaluation rows", n=len(inputs.evaluations)))
    listed = tr(N_(", "), language).join(count.to(language) for count in counts)
    line = _("{path}: ok ({counts})", path=input, counts=listed)
    out_console.print(Text(line.to(language)), soft_wrap=True)


QuartersArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="QUARTER",
        readable=False,
        help=_("The quarters' results workbooks (kpi score --out), one to four, any order."),
    ),
]
YearOpt = Annotated[int, typer.Option("--year", "-y", help=_("The year the quarters belong to (2024)."))]
EvaluationOpt = Annotated[
    Path | None,
    typer.Option("--evaluation", "-e", readable=False, help=_("Year-end evaluation workbook (sheet 测评).")),
]


@app.command(
    cls=_KpiCommand,
    help=_(
        "Show the full derivation of one member's score, rank, grade and bonus (--who; with --year, "
        "of its year), or write every member's result slip (--all --out slips.xlsx)."
    ),
)
def explain(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            metavar="INPUT",
            readable=False,
            help=_("The input workbook; with --year, the quarters' results workbooks."),
        ),
    ],
    rules: RulesOpt,
    period: Annotated[
        Period | None,
        typer.Option("--period", "-p", parser=_period, help=_("2024Q3 for a quarter, 2024 for a year.")),
    ] = None,
    who: Annotated[
        str | None, typer.Option("--who", "-w", help=_("A 工号, a department, or a unique 姓名."))
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", "-y", help=_("Explain the annual appraisal of this year from the quarters' results.")
        ),
    ] = None,
    evaluation: EvaluationOpt = None,
    all_members: Annotated[
        bool, typer.Option("--all", help=_("Every member: write result slips (绩效面谈) to --out."))
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", readable=False, help=_("With --all: the slips workbook to write (.xlsx).")
        ),
    ] = None,
    lang: LangOpt = None,
    force: Annotated[bool, typer.Option("--force", help=_("Overwrite an existing --out."))] = False,
    as_json: JsonOpt = False,
) -> None:
    from kpi import api

    language = _use_language(lang)
    if (period is None) == (year is None):
        raise typer.BadParameter(
            _("give --period for a period's workbook, or --year for the annual appraisal")
        )
    if period is not None and len(inputs) != 1:
        raise typer.BadParameter(_("--period explains one input workbook, got {count}", count=len(inputs)))
    if evaluation is not None and year is None:
        raise typer.BadParameter(_("--evaluation is the year-end evaluation: it goes with --year"))
    if all_members and who is not None:
        raise typer.BadParameter(_("give --who or --all, not both"), param_hint="--all")
    if all_members and year is not None:
        raise typer.BadParameter(
            _("--all writes the result slips of a period: give --period"), param_hint="--all"
        )
    if out is not None and not all_members:
        raise typer.BadParameter(_("--out writes the slips of every member: add --all"), param_hint="--out")
    if all_members and out is None:
        raise typer.BadParameter(_("--all writes result slips: give --out slips.xlsx"), param_hint="--all")
    if not all_members and who is None:
        raise typer.BadParameter(
            _("name a member with --who, or give --all --out slips.xlsx"), param_hint="--who"
        )
    if out is not None and period is not None:
        target, given = out, period

        def write() -> Any:
            api.check_output(target, force=force, inputs=[inputs[0], rules])
            return api.write_slips(api.run(inputs[0], rules, given), target, lang=language, force=force)

        made = _guard(as_json, write)
        if as_json:
            payload = {"ok": True, "out": str(out), "members": made.members}
            out_console.print_json(json.dumps(payload, ensure_ascii=False))
            return
        line = _("wrote {path}: {count} result slips", path=out, count=made.members)
        out_console.print(Text(line.to(language)), soft_wrap=True)
        return
    member = who or ""

    def action() -> Any:
        if year is not None:
            return api.explain_year(api.annual(inputs, rules, year, evaluation), member, language)
        assert period is not None
        return api.explain(api.run(inputs[0], rules, period), member, language)

    explanation = _guard(as_json, action)
    if as_json:
        out_console.print_json(json.dumps(explanation.as_dict(), ensure_ascii=False))
        return
    _print_lines(explanation.lines())


@app.command(
    cls=_KpiCommand,
    help=_(
        "Roll the quarters' results up into the annual appraisal (年度考核) and write the annual workbook."
    ),
)
def annual(
    quarters: QuartersArg,
    rules: RulesOpt,
    year: YearOpt,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", readable=False, help=_("Annual workbook to write (.xlsx)."))
    ] = None,
    evaluation: EvaluationOpt = None,
    inputs: Annotated[
        list[Path] | None,
        typer.Option(
            "--inputs",
            readable=False,
            help=_(
                "Each quarter's input workbook (repeat, in the order of the quarters): verify the "
                "quarters first."
            ),
        ),
    ] = None,
    input_rules: Annotated[
        list[Path] | None,
        typer.Option(
            "--input-rules",
            readable=False,
            help=_(
                "The rules each quarter was scored with (once for all, or once per quarter; default --rules)."
            ),
        ),
    ] = None,
    who: Annotated[
        str | None,
        typer.Option("--who", "-w", help=_("Explain one member's year (a 工号, department or 姓名).")),
    ] = None,
    lang: LangOpt = None,
    force: Annotated[bool, typer.Option("--force", help=_("Overwrite an existing --out."))] = False,
    as_json: JsonOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help=_("Print nothing on success (warnings still go to stderr)."))
    ] = False,
) -> None:
    from kpi import api

    language = _use_language(lang)
    if out is None and who is None:
        raise typer.BadParameter(
            _("give --out to write the annual workbook (or --who to explain one member)")
        )
    if input_rules and not inputs:
        raise typer.BadParameter(_("--input-rules goes with --inputs"), param_hint="--input-rules")

    def action() -> Any:
        if out is not None:
            api.check_output(
                out, force=force, inputs=[*quarters, rules, *([evaluation] if evaluation else [])]
            )
        if inputs:
            api.check_quarters(quarters, inputs, input_rules or [rules])
        results = api.annual(quarters, rules, year, evaluation)
        if out is not None:
            api.write_annual(results, out, lang=language, force=force)
        return results, api.explain_year(results, who, language) if who is not None else None

    results, explanation = _guard(as_json, action)
    if as_json:
        payload = api.annual_json(results, None if out is None else str(out))
        if explanation is not None:
            payload["explanation"] = explanation.as_dict()
        out_console.print_json(json.dumps(payload, ensure_ascii=False))
        return
    _print_lines(api.warning_lines(results.warnings, language), err_console)
    if explanation is not None:
        _print_lines(explanation.lines())
    elif not quiet:
        out_console.print(api.annual_summary(results, language))
    if out is not None and not quiet:
        out_console.print(Text(_("wrote {path}", path=out).to(language)), soft_wrap=True)


@app.command(
    cls=_KpiCommand,
    help=_("Write a blank input workbook for a period: sheets, headers, dropdowns, 填表说明."),
)
def template(
    rules: RulesOpt,
    period: PeriodOpt,
    out: Annotated[
        Path, typer.Option("--out", "-o", readable=False, help=_("Blank input workbook to write (.xlsx)."))
    ],
    previous: Annotated[
        Path | None,
        typer.Option(
            "--from",
            metavar="INPUT",
            readable=False,
            help=_("Last period's input: carry over 人员, 部门, 指标, 市级排名 and 市级分工."),
        ),
    ] = None,
    lang: LangOpt = None,
    force: Annotated[bool, typer.Option("--force", help=_("Overwrite an existing --out."))] = False,
    as_json: JsonOpt = False,
) -> None:
    from kpi import api

    language = _use_language(lang)
    made = _guard(
        as_json,
        lambda: api.write_template(rules, period, out, lang=language, force=force, previous=previous),
    )
    carried = made.carried_rows()
    if as_json:
        payload = {
            "ok": True,
            "out": str(out),
            "sheets": made.sheet_names(),
            "carried": carried if previous is not None else None,
            "warnings": [w.as_dict(lang=language) for w in made.warnings],
        }
        out_console.print_json(json.dumps(payload, ensure_ascii=False))
        return
    _print_lines(api.warning_lines(made.warnings, language, in_workbook=False), err_console)
    line = _("wrote {path}: sheets {sheets}", path=out, sheets=", ".join(made.sheet_names()))
    out_console.print(Text(line.to(language)), soft_wrap=True)
    if previous is not None:
        rows = ", ".join(f"{sheet} {n}" for sheet, n in carried.items())
        line = _("carried over from {path}: {rows} rows", path=previous, rows=rows)
        out_console.print(Text(line.to(language)), soft_wrap=True)


rules_app = typer.Typer(
    help=_("Check, describe and compare rules files."),
    no_args_is_help=True,
    rich_markup_mode=None,
    cls=_KpiGroup,
)
app.add_typer(rules_app, name="rules")


@rules_app.command("check", cls=_KpiCommand, help=_("Validate a rules file alone."))
def rules_check(
    path: Annotated[Path, typer.Argument(metavar="RULES", readable=False, help=_("Rules file (YAML)."))],
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    from kpi import api

    language = _use_language(lang)
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
    line = _("{path}: ok — {name} {version}", path=path, name=rules_.name, version=rules_.version)
    out_console.print(Text(line.to(language)), soft_wrap=True)


@rules_app.command(
    "diff",
    cls=_KpiCommand,
    help=_("List semantic rule changes; with --data, their impact on scores, grades and pay."),
)
def rules_diff(
    old: Annotated[Path, typer.Argument(metavar="OLD", readable=False, help=_("The rules in force (YAML)."))],
    new: Annotated[Path, typer.Argument(metavar="NEW", readable=False, help=_("The proposed rules (YAML)."))],
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data",
            readable=False,
            help=_(
                "Score this workbook under both rules (with --period); with --year, the quarters' "
                "results workbooks (repeat) to roll up under both."
            ),
        ),
    ] = None,
    period: Annotated[
        Period | None, typer.Option("--period", "-p", parser=_period, help=_("Period of --data."))
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", "-y", help=_("--data are this year's quarters' results workbooks.")),
    ] = None,
    evaluation: EvaluationOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", readable=False, help=_("Write the impact workbook."))
    ] = None,
    lang: LangOpt = None,
    force: Annotated[bool, typer.Option("--force", help=_("Overwrite an existing --out."))] = False,
    as_json: JsonOpt = False,
) -> None:
    from kpi import api

    language = _use_language(lang)
    if data and period is None and year is None:
        raise typer.BadParameter(_("--data needs --period (an input workbook) or --year (quarters' results)"))
    if period is not None and year is not None:
        raise typer.BadParameter(_("give --period or --year, not both"), param_hint="--year")
    if data and period is not None and len(data) != 1:
        raise typer.BadParameter(
            _("--period scores one workbook, got {count}", count=len(data)), param_hint="--data"
        )
    if out is not None and not data:
        raise typer.BadParameter(_("--out writes the impact of --data: give --data too"), param_hint="--out")
    if evaluation is not None and year is None:
        raise typer.BadParameter(_("--evaluation is the year-end evaluation: it goes with --year"))

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
            api.write_impact(result, out, force=force, inputs=sources, lang=language)
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
        out_console.print(Text(_("wrote {path}", path=out).to(language)), soft_wrap=True)


@rules_app.command(
    "schema", cls=_KpiCommand, help=_("Print the JSON Schema of the rules format (for editors).")
)
def rules_schema(lang: LangOpt = None) -> None:
    from kpi import api

    _use_language(lang)
    out_console.print(Text(json.dumps(api.rules_schema(), ensure_ascii=False, indent=2)), soft_wrap=True)


@app.command(
    cls=_KpiCommand,
    help=_("Recompute a results or annual workbook and name every cell edited since it was written."),
)
def verify(
    results: Annotated[
        Path,
        typer.Argument(
            metavar="RESULTS",
            readable=False,
            help=_("A results workbook (kpi score) or an annual workbook (kpi annual)."),
        ),
    ],
    rules: RulesOpt,
    input: Annotated[
        list[Path] | None,
        typer.Option(
            "--input",
            "-i",
            readable=False,
            help=_(
                "The input workbook it was scored from; for an annual workbook, each quarter's results "
                "workbook (repeat; default: the files its 运行信息 names)."
            ),
        ),
    ] = None,
    evaluation: Annotated[
        Path | None,
        typer.Option(
            "--evaluation",
            "-e",
            readable=False,
            help=_("An annual workbook's year-end evaluation (default: the file its 运行信息 names)."),
        ),
    ] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    from kpi import api

    _use_language(lang)
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


@app.callback(help=_("kpi — the four-number KPI appraisal calculator."))
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help=_("Show the version."))
    ] = False,
    lang: LangOpt = None,
) -> None:
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
            line = _(
                "error: {path}: interrupted by {signal} after the file was written in full",
                path=stop.written,
                signal=stop.name,
            )
        else:
            line = _(
                "error: interrupted by {signal}: stopped, no results file written or changed",
                signal=stop.name,
            )
        err_console.print(Text(line.to()), soft_wrap=True)
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
