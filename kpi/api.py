"""The library's front door: load, read, score, write — what the CLI and tests call.

Every function raises :class:`~kpi.errors.KpiError` subclasses for user
mistakes and returns plain data; nothing here prints or exits.
"""

from __future__ import annotations

from pathlib import Path

from kpi.engine.results import Results
from kpi.engine.run import score
from kpi.errors import Location, Problem, RulesError
from kpi.io.inputs import Inputs
from kpi.io.workbook import read_workbook
from kpi.periods import Period
from kpi.report.tables import published_sheets
from kpi.report.workbook import save_workbook
from kpi.rules.loader import RulesFile, load_rules


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


def load(input_path: str | Path, rules_path: str | Path, period: Period) -> tuple[Inputs, RulesFile]:
    """Load the rules, check they govern ``period``, then read and validate the workbook."""
    rules_file = load_rules(rules_path)
    check_effective(rules_file, period)
    check_statutory(rules_file, period)
    inputs = read_workbook(input_path, rules_file.rules, period)
    inputs.warnings += year_hint(inputs, period)
    return inputs, rules_file


def year_hint(inputs: Inputs, period: Period) -> list[Problem]:
    """A year scored as one period whose dated rows (点数, 否决) all lie in one quarter.

    Scoring a quarter's workbook with ``--period 2024`` is allowed (the dates are
    inside the year) but is almost always a mistake: 在岗月数 counts out of 12 and
    the annual appraisal is not a long quarter. A warning at the first dated
    row names the quarter and points to ``kpi annual``.
    """
    if period.quarter is not None:
        return []
    dated = [
        (day, sheet, int(row))
        for sheet in ("points", "vetoes")
        for day, row in zip(inputs.frame(sheet)["date"], inputs.frame(sheet)["row"], strict=True)
    ]
    quarters = {(day.month - 1) // 3 + 1 for day, _, _ in dated}
    if len(quarters) != 1:
        return []
    quarter = Period(period.year, quarters.pop())
    _, sheet, row = min(dated, key=lambda d: (d[1] != "points", d[2]))
    return [
        Problem.warning(
            inputs.location(sheet, row, "date"),
            f"period {period} is a whole year, but every date in "
            f"{inputs.sheet_name('points')} and {inputs.sheet_name('vetoes')} lies in {quarter}: "
            f"if this is that quarter's workbook, score it with --period {quarter} (a year counts "
            "在岗月数 out of 12); the annual appraisal (年度考核) rolls the four quarters' results "
            "up with kpi annual",
        )
    ]


def run(input_path: str | Path, rules_path: str | Path, period: Period) -> Results:
    """Read, validate and score one period."""
    inputs, rules_file = load(input_path, rules_path, period)
    return score(inputs, rules_file, period)


def write_results(results: Results, out: str | Path, *, lang: str = "zh", force: bool = False) -> Path:
    """Write the results workbook atomically; refuses to overwrite without ``force``
    and never writes over the input workbook or the rules file."""
    return save_workbook(
        Path(out),
        published_sheets(results, lang),
        lang=lang,
        period=results.period,
        force=force,
        inputs=[Path(results.inputs.path), Path(results.rules_file.path)],
    )
