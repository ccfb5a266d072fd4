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

HEADERS = {
    "zh": ("文件", "考核期间", "状态", "人数", "警告", "结果文件"),
    "en": ("file", "period", "status", "people", "warnings", "output"),
}
STATUS = {
    "zh": {"ok": "完成", "failed": "失败", "error": "内部错误", "interrupted": "中断"},
    "en": {"ok": "ok", "failed": "failed", "error": "internal error", "interrupted": "interrupted"},
}
#: Warnings printed per workbook; the rest are in its results (运行信息).
MAX_WARNINGS = 20


def batch_table(outcomes: list[Outcome], lang: str = "zh") -> Table:
    """One row per workbook: file, period, status, people, warnings, output."""
    table = Table()
    for i, header in enumerate(HEADERS[lang]):
        # Folded, never cut: a file name shown in part would be no use.
        table.add_column(header, justify="right" if i in (3, 4) else "left", overflow="fold")
    for outcome in outcomes:
        ok = outcome.ok
        table.add_row(
            Text(outcome.input),
            outcome.period or "",
            Text(STATUS[lang][outcome.status], style="green" if ok else "bold red"),
            str(outcome.people) if ok else "",
            str(len(outcome.warnings)) if ok else "",
            Text(outcome.output) if ok else "",
        )
    return table


def _line(kind: str, problem: Problem, outcome: Outcome) -> str:
    """``error: file:sheet!cell: message``; a problem of another file (the rules) names the input."""
    line = f"{kind}: {problem}"
    if Path(problem.location.file) != Path(outcome.input):
        line += f" (scoring {outcome.input})"
    return line


def problem_lines(outcome: Outcome) -> list[str]:
    """The errors of a failed workbook, then at most :data:`MAX_WARNINGS` warnings."""
    lines = [_line("error", p, outcome) for p in outcome.problems]
    lines += [_line("warning", w, outcome) for w in outcome.warnings[:MAX_WARNINGS]]
    hidden = len(outcome.warnings) - MAX_WARNINGS
    if hidden > 0:
        where = "see 运行信息 / run_info of its results"
        lines.append(f"warning: … {hidden} more (scoring {outcome.input}): {where}")
    return lines


def closing_line(outcomes: list[Outcome]) -> str:
    """``3 workbooks: 2 scored, 1 failed`` (on stderr after the problems)."""
    ok = sum(o.ok for o in outcomes)
    failed = len(outcomes) - ok
    noun = "workbook" if len(outcomes) == 1 else "workbooks"
    return f"{len(outcomes)} {noun}: {ok} scored" + (f", {failed} failed" if failed else "")


def batch_json(outcomes: list[Outcome]) -> dict[str, Any]:
    """``{"ok", "runs": [{input, period, status, output, people, warnings, errors}]}``."""
    return {
        "ok": all(o.ok for o in outcomes),
        "runs": [
            {
                "input": o.input,
                "period": o.period,
                "status": o.status,
                "output": o.output if o.ok else None,
                "people": o.people if o.ok else None,
                "warnings": [w.as_dict() for w in o.warnings],
                "errors": [p.as_dict() for p in o.problems],
            }
            for o in outcomes
        ],
    }
