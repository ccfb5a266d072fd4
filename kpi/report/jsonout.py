"""``--json`` documents for scoring runs: what CI reads instead of the terminal summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kpi.engine.results import Results

if TYPE_CHECKING:
    from kpi.annual.results import AnnualResults


def grade_counts(results: Results, population: str) -> dict[str, int]:
    """Members per grade, bands in the rules' order (highest first)."""
    counts = results.population(population)["grade"].value_counts()
    return {b.name: int(counts.get(b.name, 0)) for b in results.rules.grades.bands}


def money_totals(results: Results) -> dict[str, int | None]:
    """The pool against what is paid: bonuses, points rewards, totals (whole yuan)."""
    bonus = results.bonus
    pool = results.rules.bonus.pool
    return {
        "pool": None if pool is None else int(pool),
        "paid": sum(int(b) for b in bonus["bonus"]),
        "points_rewards": sum(int(r) for r in bonus["points_reward"]),
        "total": sum(int(t) for t in bonus["total"]),
    }


def score_summary(results: Results, output: str, lang: str = "en") -> dict[str, Any]:
    """Counts, grade distributions, money totals and warnings of one run; the warnings'
    messages in ``lang`` (English by default: the document is for scripts, like its keys)."""
    populations = ("departments", "leaders", "individuals")
    return {
        "ok": True,
        "output": output,
        "period": str(results.period),
        "rules": {
            "name": results.rules.name,
            "version": results.rules.version,
            "sha256": results.rules_file.sha256,
        },
        "input_sha256": results.inputs.sha256,
        "zone_score": str(results.zone_score),
        "counts": {p: len(results.population(p)) for p in populations},
        "grades": {p: grade_counts(results, p) for p in populations},
        "bonus": money_totals(results),
        "warnings": [w.as_dict(lang) for w in results.warnings],
    }


def annual_json(results: AnnualResults, output: str | None, lang: str = "en") -> dict[str, Any]:
    """The quarters, counts, annual grade distributions, the year-end pool and the warnings
    (their messages in ``lang``, English by default)."""
    from kpi.annual.tables import grade_counts as annual_grades
    from kpi.annual.tables import money

    populations = ("departments", "leaders", "individuals")
    year_end = results.year_end
    return {
        "ok": True,
        "output": output,
        "year": results.year,
        "rules": {
            "name": results.rules.name,
            "version": results.rules.version,
            "sha256": results.rules_file.sha256,
        },
        "quarters": [
            {"period": str(q.period), "file": q.path, "sha256": q.sha256, "rules": q.rules}
            for q in results.quarters
        ],
        "evaluation": None if year_end is None else {"file": year_end.path, "sha256": year_end.sha256},
        "counts": {p: len(results.population(p)) for p in populations},
        "graded": {p: int(results.population(p)["graded"].sum()) for p in populations},
        "grades": {
            p: {(g if g is not None else "not_graded"): n for g, n in annual_grades(results, p).items()}
            for p in populations
        },
        "bonus": money(results),
        "warnings": [w.as_dict(lang) for w in results.warnings],
    }
