"""What a batch run shows: the summary table, the problem lines and the ``--json`` document.

Built here and printed by the CLI (the library stays silent); user text goes
into ``Text`` objects, never into markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from kpi.batch import Outcome
from kpi.errors import Problem
from kpi.i18n import N_, _, current_language, tr

#: The table's headers, in English; shown with ``tr(header, lang)``.
HEADERS = (N_("file"), N_("period"), N_("status"), N_("people"), N_("warnings"), N_("output"))
#: An outcome's status as the table shows it (``tr(label, lang)``).
STATUS = {
    "ok": N_("ok"),
    "failed": N_("failed"),
    "error": N_("internal error"),
    "interrupted": N_("interrupted"),
}
#: Warnings printed per workbook; the rest are in its results (运行信息).
MAX_WARNINGS = 20


def batch_table(outcomes: list[Outcome], lang: str | None = None) -> Table:
    """One row per workbook: file, period, status, people, warnings, output (headers and
    status in ``lang``, default: the current language)."""
    lang = lang or current_language()
    table = Table()
    for i, header in enumerate(HEADERS):
        # Folded, never cut: a file name shown in part would be no use.
        table.add_column(tr(header, lang), justify="right" if i in (3, 4) else "left", overflow="fold")
    for outcome in outcomes:
        ok = outcome.ok
        table.add_row(
            Text(outcome.input),
            outcome.period or "",
            Text(tr(STATUS[outcome.status], lang), style="green" if ok else "bold red"),
            str(outcome.people) if ok else "",
            str(len(outcome.warnings)) if ok else "",
            Text(outcome.output) if ok or outcome.written else "",
        )
    return table


def _line(kind: str, problem: Problem, outcome: Outcome, lang: str) -> str:
    """``error: file:sheet!cell: message``; a problem of another file (the rules) names the input."""
    text = problem.text(lang=lang)
    other = Path(problem.location.file) != Path(outcome.input)
    if kind == "error":
        if other:
            return _("error: {problem} (scoring {input})", problem=text, input=outcome.input).to(lang)
        return _("error: {problem}", problem=text).to(lang)
    if other:
        return _("warning: {problem} (scoring {input})", problem=text, input=outcome.input).to(lang)
    return _("warning: {problem}", problem=text).to(lang)


def problem_lines(outcome: Outcome, lang: str | None = None) -> list[str]:
    """The errors of a failed workbook, then at most :data:`MAX_WARNINGS` warnings, in
    ``lang`` (default: the current language)."""
    lang = lang or current_language()
    lines = [_line("error", p, outcome, lang) for p in outcome.problems]
    lines += [_line("warning", w, outcome, lang) for w in outcome.warnings[:MAX_WARNINGS]]
    hidden = len(outcome.warnings) - MAX_WARNINGS
    if hidden > 0:
        more = _(
            "warning: … {n} more (scoring {input}): see the run_info sheet of its results",
            n=hidden,
            input=outcome.input,
        )
        lines.append(more.to(lang))
    return lines


def closing_line(outcomes: list[Outcome], lang: str | None = None) -> str:
    """``3 workbooks: 2 scored, 1 failed`` (on stderr after the problems), in ``lang``
    (default: the current language)."""
    ok = sum(o.ok for o in outcomes)
    failed = len(outcomes) - ok
    if len(outcomes) == 1:
        if failed:
            line = _("1 workbook: {ok} scored, {failed} failed", ok=ok, failed=failed)
        else:
            line = _("1 workbook: {ok} scored", ok=ok)
    elif failed:
        line = _("{n} workbooks: {ok} scored, {failed} failed", n=len(outcomes), ok=ok, failed=failed)
    else:
        line = _("{n} workbooks: {ok} scored", n=len(outcomes), ok=ok)
    return line.to(lang or current_language())


def batch_json(outcomes: list[Outcome], lang: str = "en") -> dict[str, Any]:
    """``{"ok", "runs": [{input, period, status, output, people, warnings, errors}]}``; the
    messages in ``lang`` (English by default: the document is for scripts, like its keys).

    ``output`` is the results file of every run that placed one whole — also a run whose
    process was stopped just after — and ``null`` for the others."""
    return {
        "ok": all(o.ok for o in outcomes),
        "runs": [
            {
                "input": o.input,
                "period": o.period,
                "status": o.status,
                "output": o.output if o.ok or o.written else None,
                "people": o.people if o.ok else None,
                "warnings": [w.as_dict(lang) for w in o.warnings],
                "errors": [p.as_dict(lang) for p in o.problems],
            }
            for o in outcomes
        ],
    }
