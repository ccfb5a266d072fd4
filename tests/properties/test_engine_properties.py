"""Properties of the engine that must hold for every valid period (method §5, §6, §9).

Each test draws random valid inputs (:mod:`.strategies`) straight into
:class:`~kpi.io.inputs.Inputs` frames and scores them in-process, so a few
hundred cases run in seconds. Expected values are recomputed here from the
inputs and the rules, never read back from the engine's own bookkeeping
columns, except where a property is *about* those columns.
"""

from __future__ import annotations

import math
import random
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, cast

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.engine.results import Results
from kpi.io.inputs import COLUMNS, Inputs
from kpi.report.tables import published_sheets
from kpi.rules.schema import Rules

from .strategies import EVENT_CODES, Case, cases, frame_rows, scored

CENT = Decimal("0.01")
POPULATIONS = ("departments", "leaders", "individuals")

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: Properties that score each example two or three times get fewer examples.
HEAVY = settings(SETTINGS, max_examples=40)


# --------------------------------------------------------------------------- helpers


def key_of(population: str) -> str:
    return "department" if population == "departments" else "id"


def sheet_rows(results: Results) -> dict[str, list[list[Any]]]:
    """Published sheets as rows of (type name, text) cells: '1.0' and '1.00' differ."""
    return {
        sheet.key: [[(type(v).__name__, str(v)) for v in row] for row in sheet.rows]
        for sheet in published_sheets(results, "zh")
    }


def score_at(frame: pd.DataFrame, row: Any, column: str) -> Decimal:
    """A cell of one of the engine's score columns (they hold Decimals)."""
    return cast(Decimal, frame.at[row, column])


def quota_places(n: int, quota: Decimal, rounding: str) -> int:
    """n_q = floor | round (half up) | ceil of n × q, computed with fractions."""
    exact = n * Fraction(quota)
    if rounding == "floor":
        return math.floor(exact)
    if rounding == "ceil":
        return math.ceil(exact)
    return math.floor(exact + Fraction(1, 2))


def band_by_score(score: Decimal, rules: Rules) -> int:
    bands = rules.grades.bands
    return next((i for i, b in enumerate(bands) if score >= b.min), len(bands) - 1)


def band_index(name: str, rules: Rules) -> int:
    return next(i for i, b in enumerate(rules.grades.bands) if b.name == name)


def non_vetoed_individuals(results: Results) -> list[str]:
    frame = results.individuals
    return sorted(frame.loc[~frame["vetoed"].astype(bool), "id"])


# --------------------------------------------------------------------------- 1. pool


@SETTINGS
@given(cases(mode="pool"))
def test_pool_bonuses_sum_to_the_pool_and_follow_the_exact_shares(case: Case) -> None:
    """Pool mode (method §6.9, §9 "Bonus"): the bonus column is a fair, exact split.

    The bonuses sum to the pool to the yuan, none is negative, a forfeited
    member (vetoed under ``forfeit_bonus``) gets 0 bonus, reward and total, and
    every bonus is within 1 yuan of its exact share pool × u / Σu, with u
    recomputed here from the roster (base × post × role × grade factor ×
    months / period months) and the published grade.
    """
    results = scored(case)
    rules = results.rules
    pool = int(rules.bonus.pool or 0)
    bonus = results.bonus
    period_months = results.period.months

    expected_ids = set(results.individuals["id"])
    if rules.bonus.include_leaders:
        expected_ids |= set(results.leaders["id"])
    assert sorted(bonus["id"]) == sorted(expected_ids)

    roster = {p["id"]: p for p in case.people}
    graded = pd.concat([results.individuals, results.leaders], ignore_index=True)
    grade_of = dict(zip(graded["id"], graded["grade"], strict=True))
    vetoed_of = dict(zip(graded["id"], graded["vetoed"], strict=True))
    posts = rules.coefficients.post_category
    roles = rules.coefficients.role

    u: dict[str, Fraction] = {}
    for pid in bonus["id"]:
        person = roster[pid]
        if vetoed_of[pid] and rules.veto.forfeit_bonus:
            u[pid] = Fraction(0)
            continue
        post = Fraction(posts[person["post_category"]]) if person["post_category"] else 1
        role = Fraction(roles[person["role"]]) if roles is not None else 1
        factor = Fraction(rules.band(grade_of[pid]).factor)
        months = person["months"]
        share = Fraction(1) if months is None else Fraction(months) / period_months
        u[pid] = Fraction(person["bonus_base"]) * post * role * factor * share
    total_u = sum(u.values(), Fraction(0))
    assert total_u > 0  # Σu = 0 is an error the strategy's `scored` rejects

    assert sum(int(b) for b in bonus["bonus"]) == pool
    for pid, paid, reward, total in zip(
        bonus["id"], bonus["bonus"], bonus["points_reward"], bonus["total"], strict=True
    ):
        assert paid >= 0, (pid, paid)
        assert total >= 0, (pid, total)
        if vetoed_of[pid] and rules.veto.forfeit_bonus:
            assert (paid, reward, total) == (0, 0, 0), pid
        exact = pool * u[pid] / total_u
        assert abs(paid - exact) < 1, (pid, paid, exact)


# --------------------------------------------------------------------------- 2. quotas


@SETTINGS
@given(cases())
def test_no_quota_is_exceeded_and_vetoed_members_hold_no_quota_band(case: Case) -> None:
    """Quotas (method §6.8, §9 "Grades and ranks") are upper bounds that nobody escapes.

    For every population, every band with a quota q and every quota group
    (the whole population; for individuals under ``quota_scope: department``
    each department's individuals), the non-vetoed members graded into the
    band number at most floor/round/ceil(n × q), with n counting vetoed members
    too. A vetoed member never holds a quota band and is graded at or below
    ``veto.max_grade``; nobody is graded above the band their score reaches.
    """
    results = scored(case)
    rules = results.rules
    cap_index = band_index(rules.veto.max_grade, rules)
    by_department = rules.grades.quota_scope == "department"
    for population in POPULATIONS:
        frame = results.population(population)
        if population == "individuals" and by_department:
            groups = {d: frame[frame["department"] == d] for d in set(frame["department"])}
        else:
            groups = {"": frame}
        for group, members in groups.items():
            n = len(members)
            for band in rules.grades.bands:
                if band.quota is None:
                    continue
                holders = members[(members["grade"] == band.name) & ~members["vetoed"].astype(bool)]
                limit = quota_places(n, band.quota, rules.grades.quota_rounding)
                assert len(holders) <= limit, (
                    population,
                    group,
                    band.name,
                    n,
                    list(holders["score"]),
                )
        for member, score, grade, vetoed in zip(
            frame[key_of(population)], frame["score"], frame["grade"], frame["vetoed"], strict=True
        ):
            index = band_index(grade, rules)
            assert index >= band_by_score(score, rules), (population, member, score, grade)
            if vetoed:
                assert rules.grades.bands[index].quota is None, (population, member, grade)
                assert index >= cap_index, (population, member, grade)


# --------------------------------------------------------------------------- 3. monotonicity


@HEAVY
@given(cases(), st.data())
def test_adding_points_never_lowers_a_score(case: Case, data: st.DataObject) -> None:
    """Monotonicity (method §6.1, §6.4, §6.6): more points never cost a score.

    One more A02 event with an explicit +1 on a non-vetoed individual never
    lowers that individual's score (before grading), and leaves everybody
    else's score unchanged. One more positive event on a department never
    lowers its score, nor any of its members' 部门得分 or score.
    """
    before = scored(case)
    period = case.period_obj()

    candidates = non_vetoed_individuals(before)
    if candidates:
        pid = data.draw(st.sampled_from(candidates), label="individual")
        event = {
            "date": period.first_day,
            "target": pid,
            "code": "A02",
            "points": Decimal(1),
            "reason": None,
        }
        after = scored(case.with_rows("points", [event]))
        old = dict(zip(before.individuals["id"], before.individuals["score"], strict=True))
        new = dict(zip(after.individuals["id"], after.individuals["score"], strict=True))
        assert new[pid] >= old[pid], (pid, old[pid], new[pid])
        assert {k: v for k, v in new.items() if k != pid} == {k: v for k, v in old.items() if k != pid}

    department = data.draw(st.sampled_from([d["department"] for d in case.departments]), label="department")
    points = data.draw(st.integers(1, 500).map(lambda n: Decimal(n) / 100), label="points")
    code = data.draw(st.sampled_from(EVENT_CODES), label="code")
    event = {
        "date": period.last_day,
        "target": department,
        "code": code,
        "points": points,
        "reason": None,
    }
    after = scored(case.with_rows("points", [event]))
    old_d = before.departments.set_index("department")["score"]
    new_d = after.departments.set_index("department")["score"]
    assert new_d[department] >= old_d[department], (
        department,
        old_d[department],
        new_d[department],
    )
    old_i = before.individuals.set_index("id")
    new_i = after.individuals.set_index("id")
    for pid in old_i.index[old_i["department"] == department]:
        assert score_at(new_i, pid, "department_score") >= score_at(old_i, pid, "department_score"), pid
        assert score_at(new_i, pid, "score") >= score_at(old_i, pid, "score"), pid


# --------------------------------------------------------------------------- 4. order


def shuffled(case: Case, rng: random.Random) -> Inputs:
    """The case's Inputs with the rows of every frame shuffled (row numbers kept)."""
    inputs = case.inputs()
    for sheet in COLUMNS:
        frame = inputs.frame(sheet)
        order = list(range(len(frame)))
        rng.shuffle(order)
        setattr(inputs, sheet, frame.iloc[order].reset_index(drop=True))
    return inputs


@HEAVY
@given(cases(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(case: Case, rng: random.Random) -> None:
    """Order independence (method §5 "deterministic order everywhere").

    Shuffling the rows of every input sheet — each row keeping its own Excel
    row number — publishes exactly the same sheets (run_info included) and
    the same warnings, in the same order.
    """
    plain = scored(case)
    mixed = scored(case, shuffled(case, rng))
    assert sheet_rows(mixed) == sheet_rows(plain)
    assert mixed.warnings == plain.warnings


# --------------------------------------------------------------------------- 5. determinism


@HEAVY
@given(cases())
def test_two_runs_publish_identical_sheets(case: Case) -> None:
    """Determinism: scoring the same Inputs twice publishes identical sheets and
    warnings, and scoring leaves the Inputs frames untouched."""
    inputs = case.inputs()
    snapshot = {s: frame_rows(inputs.frame(s)) for s in COLUMNS}
    first = scored(case, inputs)
    second = scored(case, inputs)
    assert sheet_rows(first) == sheet_rows(second)
    assert first.warnings == second.warnings
    assert {s: frame_rows(inputs.frame(s)) for s in snapshot} == snapshot


# --------------------------------------------------------------------------- 6. ranks


def published_scores(results: Results) -> list[tuple[str, str, Any]]:
    """(sheet, column, value) of every cell of a score column of the results."""
    cells = []
    for sheet in published_sheets(results, "zh"):
        for i, column in enumerate(sheet.columns):
            if column.kind == "score":
                cells += [(sheet.key, column.key, row[i]) for row in sheet.rows]
    return cells


@SETTINGS
@given(cases())
def test_ranks_are_competition_ranks_and_scores_have_two_decimals(case: Case) -> None:
    """Ranks (method §5): in each published population a member's rank is 1 + the
    number of strictly higher scores (so equal scores share a rank, 1, 2, 2, 4),
    rows run score descending then id, and every published score cell holds a
    Decimal with exactly two decimal places (exponent −2); blank only for an
    absent component."""
    results = scored(case)
    for sheet in published_sheets(results, "zh"):
        if sheet.key not in POPULATIONS:
            continue
        keys = [c.key for c in sheet.columns]
        rows = [dict(zip(keys, row, strict=True)) for row in sheet.rows]
        scores = [r["score"] for r in rows]
        for r in rows:
            assert r["rank"] == 1 + sum(s > r["score"] for s in scores), (sheet.key, r)
        ident = keys[0]
        order = [(-r["score"], r[ident]) for r in rows]
        assert order == sorted(order), sheet.key
    optional = {
        ("departments", "indicator_score"),
        ("departments", "city_score"),
        ("leaders", "departments_mean"),
    }
    for key, column, value in published_scores(results):
        if value is None and (key, column) in optional:
            continue
        assert isinstance(value, Decimal), (key, column, value)
        assert value.as_tuple().exponent == -2, (key, column, value)


# --------------------------------------------------------------------------- 7. rounding


@SETTINGS
@given(cases())
def test_scores_are_rounded_half_up_and_vetoed_scores_are_capped(case: Case) -> None:
    """Rounding (method §5, §6.4–6.7): every published score is a Decimal equal to
    its own ROUND_HALF_UP to 2 places, and every vetoed member (department,
    leader or individual) scores at most ``veto.score_cap``."""
    results = scored(case)
    for sheet, column, value in published_scores(results):
        if value is None:
            continue
        assert isinstance(value, Decimal), (sheet, column, value)
        assert value == value.quantize(CENT, rounding=ROUND_HALF_UP), (sheet, column, value)
    cap = results.rules.veto.score_cap
    for population in POPULATIONS:
        frame = results.population(population)
        for member, score, vetoed in zip(
            frame[key_of(population)], frame["score"], frame["vetoed"], strict=True
        ):
            if vetoed:
                assert score <= cap, (population, member, score, cap)
