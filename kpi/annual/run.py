"""``kpi annual``'s library side: read the quarters, check them, roll the year up.

The CLI calls :func:`run_annual` (and :func:`check_quarters` for ``--inputs``);
both raise :class:`~kpi.errors.KpiError` subclasses carrying every located
problem and never print.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kpi.annual.compute import compute_annual
from kpi.annual.quarters import Quarter, read_quarters
from kpi.annual.results import AnnualResults
from kpi.errors import Collector, KpiError, Location, Problem, RulesError
from kpi.i18n import KeyPath, _
from kpi.periods import Period
from kpi.rules.loader import RulesFile, load_rules


class QuarterChanged(KpiError):
    """A quarter's results workbook no longer matches its input (``--inputs``)."""


def needs_annual(rules_file: RulesFile) -> None:
    """Rules without an ``annual`` section cannot roll a year up."""
    if rules_file.rules.annual is None:
        raise RulesError.single(
            _(
                "these rules have no {section} section: kpi annual needs one (weights, min_quarters, "
                "veto_any_quarter, grades; optional quarter_weights, veto_max_grade, bonus) — see "
                "docs/method.md §10",
                section=KeyPath("annual"),
            ),
            Location(rules_file.path, line=1),
        )


def run_annual(
    paths: Sequence[str | Path],
    rules_path: str | Path,
    year: int,
    evaluation: str | Path | None = None,
) -> AnnualResults:
    """Read the quarters' results workbooks and the year-end evaluation; compute the year."""
    from kpi.api import check_effective
    from kpi.io.workbook import read_year_end

    rules_file = load_rules(rules_path)
    needs_annual(rules_file)
    check_effective(rules_file, Period(year))
    quarters, warnings = read_quarters(paths, year)
    year_end = None
    if evaluation is not None:
        if rules_file.rules.evaluation is None:
            raise RulesError.single(
                _(
                    "--evaluation gives a year-end 测评 workbook, but these rules have no {section} "
                    "section to score it (groups, trim, min_raters): add one",
                    section=KeyPath("evaluation"),
                ),
                Location(rules_file.path, line=1),
            )
        year_end = read_year_end(evaluation, rules_file.rules, Period(year), members_of(quarters))
        warnings += year_end.warnings
    return compute_annual(quarters, rules_file, year, year_end, warnings)


def members_of(quarters: list[Quarter]) -> tuple[set[str], set[str], str]:
    """(工号s, departments, the quarters' periods in words) — who the year-end evaluation may rate."""
    ids: set[str] = set()
    departments: set[str] = set()
    for q in quarters:
        ids.update(str(i) for i in q.individuals["id"])
        ids.update(str(i) for i in q.leaders["id"])
        departments.update(str(d) for d in q.departments["department"])
    return ids, departments, ", ".join(str(q.period) for q in quarters)


def check_quarters(
    paths: Sequence[str | Path],
    inputs: Sequence[str | Path],
    rules: Sequence[str | Path],
) -> list[Problem]:
    """Verify each quarter's results against its input workbook, as ``kpi verify`` does.

    ``inputs`` pairs with ``paths`` in order; ``rules`` is one rules file for every
    quarter or one per quarter. Raises :class:`QuarterChanged` listing every
    difference of every quarter (a hand-edited score, a changed input); returns
    nothing to say when all match.
    """
    from kpi.audit.verify import verify

    if len(inputs) != len(paths):
        raise QuarterChanged.single(
            _(
                "--inputs names {inputs} input workbook(s) for {quarters} quarter file(s): "
                "give one per quarter file, in the same order",
                inputs=len(inputs),
                quarters=len(paths),
            )
        )
    if len(rules) not in (1, len(paths)):
        raise QuarterChanged.single(
            _(
                "--input-rules names {rules} rules files for {quarters} quarter file(s): give one "
                "for every quarter, or one per quarter file in the same order",
                rules=len(rules),
                quarters=len(paths),
            )
        )
    problems = Collector()
    for i, (path, input_path) in enumerate(zip(paths, inputs, strict=True)):
        report = verify(path, input_path, rules[0] if len(rules) == 1 else rules[i])
        problems.extend(report.problems)
    problems.raise_if_any(QuarterChanged)
    return []


def write_annual(results: AnnualResults, out: str | Path, *, lang: str = "zh", force: bool = False) -> Path:
    """Write the annual workbook atomically; never over a quarter file, the rules or the
    year-end evaluation, nor over an existing file without ``force``."""
    from kpi.annual.tables import annual_sheets
    from kpi.report.workbook import save_workbook

    return save_workbook(
        Path(out),
        annual_sheets(results, lang),
        lang=lang,
        period=results.period,
        force=force,
        inputs=annual_inputs(results),
    )


def annual_inputs(results: AnnualResults) -> list[Path]:
    """Every file the run read (an output must never be one of them)."""
    files = [Path(q.path) for q in results.quarters] + [Path(results.rules_file.path)]
    if results.year_end is not None:
        files.append(Path(results.year_end.path))
    return files
