"""Properties of the annual appraisal that must hold for every year (method §10).

Random years — members joining and leaving, moving between individuals and
leaders, vetoed in some quarters, with bonus rows — are rolled up in-process
(the quarters as :class:`~kpi.annual.quarters.Quarter` values, no files) under
random ``annual`` sections:

* the year-end pool is paid out exactly, to the yuan;
* a higher quarter score never lowers the member's annual score;
* no quota band admits more graded members than its places, and a member
  vetoed in the year never holds a quota place.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support.worked import WORKED_QUARTER

from kpi.annual.compute import compute_annual
from kpi.annual.quarters import Quarter
from kpi.annual.results import AnnualResults
from kpi.errors import ComputeError
from kpi.io.workbook import YearEndSheet
from kpi.periods import Period
from kpi.rules import parse_rules
from kpi.rules.loader import RulesFile

D = Decimal
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SCORE = st.integers(3000, 11500).map(lambda n: D(n).scaleb(-2))
DEPARTMENTS = ("甲部", "乙部", "丙部")
BONUS_COLUMNS = ("id", "name", "department", "bonus_base", "post_coef", "role_coef", "months_factor")
BASE_RULES = (WORKED_QUARTER / "rules.yaml").read_text(encoding="utf-8")


def frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object) for c in (*columns, "row")})


@st.composite
def rules(draw: st.DrawFn) -> RulesFile:
    scope = draw(st.sampled_from(("zone", "department")))
    rounding = draw(st.sampled_from(("floor", "round", "ceil")))
    quota = draw(st.sampled_from(("0", "0.1", "0.2", "0.35", "0.5", "1")))
    second = draw(st.sampled_from(("", ", quota: 0.3")))
    weights = draw(st.sampled_from(("", "  quarter_weights: {Q1: 1, Q2: 2, Q3: 0.5, Q4: 1.5}\n")))
    veto = draw(st.booleans())
    text = (
        "evaluation:\n  groups: {领导: 1}\n  trim: 0\n  min_raters: 1\n"
        f"annual:\n{weights}"
        f"  weights: {{quarters: {draw(st.sampled_from(('0.7', '1', '0')))}, evaluation: 0.3}}\n"
        f"  min_quarters: {draw(st.integers(0, 4))}\n"
        f"  veto_any_quarter: {'true' if veto else 'false'}\n"
        + ("  veto_max_grade: 称职\n" if veto else "")
        + f"  grades:\n    quota_scope: {scope}\n    quota_rounding: {rounding}\n    bands:\n"
        f"      - {{name: 优秀, min: 90, quota: {quota}, factor: 1.5}}\n"
        f"      - {{name: 称职, min: 70, factor: 1.0{second}}}\n"
        "      - {name: 基本称职, min: 60, factor: 0.5}\n"
        "      - {name: 不称职, min: 0, factor: 0}\n"
        f"  bonus: {{pool: {draw(st.integers(0, 100000))}}}\n"
    )
    return parse_rules(BASE_RULES + text, "rules.yaml")


@st.composite
def years(draw: st.DrawFn) -> tuple[list[Quarter], dict[str, D]]:
    """Quarters of 2024 (some may be missing) and year-end evaluation scores."""
    numbers = sorted(draw(st.sets(st.integers(1, 4), min_size=1)))
    people = [f"P{i:02d}" for i in range(draw(st.integers(1, 12)))]
    quarters = []
    for n in numbers:
        individuals, leaders, bonus = [], [], []
        for i, pid in enumerate(people):
            if not draw(st.booleans()) and i:  # the first person is always there
                continue
            person = {
                "id": pid,
                "name": pid,
                "score": draw(SCORE),
                "vetoed": draw(st.booleans()),
                "row": i + 2,
            }
            if draw(st.integers(0, 4)) == 0:
                leaders.append({**person, "kind": "leader_in_charge"})
                continue
            person["department"] = draw(st.sampled_from(DEPARTMENTS))
            individuals.append(person)
            if draw(st.booleans()) or i == 0:
                bonus.append(
                    {
                        **person,
                        "bonus_base": D(draw(st.integers(1000, 9000))),
                        "post_coef": D("1.3"),
                        "role_coef": D(1),
                        "months_factor": draw(st.sampled_from((D(1), D("0.6667")))),
                    }
                )
        departments = [
            {"department": d, "score": draw(SCORE), "vetoed": draw(st.booleans()), "row": k + 2}
            for k, d in enumerate(DEPARTMENTS)
        ]
        quarters.append(
            Quarter(
                path=f"Q{n}.xlsx",
                sha256="0" * 64,
                period=Period(2024, n),
                lang="zh",
                rules_name="r",
                rules_version="1",
                rules_sha256="",
                input_sha256="",
                individuals=frame(individuals, ("id", "name", "department", "score", "vetoed")),
                leaders=frame(leaders, ("id", "name", "kind", "score", "vetoed")),
                departments=frame(departments, ("department", "score", "vetoed")),
                bonus=frame(bonus, BONUS_COLUMNS),
            )
        )
    rated = draw(st.lists(st.sampled_from([*people, *DEPARTMENTS]), unique=True))
    return quarters, {target: draw(SCORE) for target in rated}


def year_end(scores: dict[str, D]) -> YearEndSheet:
    rows = [
        {"target": t, "rater_group": "领导", "rater": None, "score": s, "vote": None, "row": i + 2}
        for i, (t, s) in enumerate(scores.items())
    ]
    return YearEndSheet(
        "e.xlsx", "", "测评", frame(rows, ("target", "rater_group", "rater", "score", "vote")), []
    )


def roll_up(quarters: list[Quarter], rules_file: RulesFile, scores: dict[str, D]) -> AnnualResults | None:
    try:
        return compute_annual(quarters, rules_file, 2024, year_end(scores))
    except ComputeError:  # nothing to pay (every u is 0): refused, not mispaid
        return None


@SETTINGS
@given(rules(), years())
def test_the_year_end_pool_is_paid_to_the_yuan(
    rules_file: RulesFile, year: tuple[list[Quarter], dict[str, D]]
) -> None:
    results = roll_up(*year[:1], rules_file, year[1])
    assume(results is not None)
    assert results is not None and results.bonus is not None
    annual = rules_file.rules.annual
    assert annual is not None and annual.bonus is not None
    assert sum(int(b) for b in results.bonus["bonus"]) == int(annual.bonus.pool)
    unpaid = results.bonus[~results.bonus["graded"] | results.bonus["forfeited"]]
    assert all(int(b) == 0 for b in unpaid["bonus"])


@SETTINGS
@given(rules(), years(), st.data())
def test_a_higher_quarter_score_never_lowers_the_annual_score(
    rules_file: RulesFile, year: tuple[list[Quarter], dict[str, D]], data: st.DataObject
) -> None:
    quarters, scores = year
    before = roll_up(quarters, rules_file, scores)
    assume(before is not None)
    assert before is not None
    q = data.draw(st.integers(0, len(quarters) - 1))
    population = data.draw(st.sampled_from(("individuals", "departments")))
    frame_ = getattr(quarters[q], population)
    assume(len(frame_))
    row = data.draw(st.integers(0, len(frame_) - 1))
    raised = frame_.copy()
    raised.at[row, "score"] = raised.at[row, "score"] + D(data.draw(st.integers(1, 2000))).scaleb(-2)
    key = "department" if population == "departments" else "id"
    member = raised.at[row, key]
    changed = [*quarters]
    changed[q] = replace(quarters[q], **{population: raised})
    after = roll_up(changed, rules_file, scores)
    assume(after is not None)
    assert after is not None

    def score_of(results: AnnualResults) -> D:
        for name in ("individuals", "leaders", "departments"):
            found = results.population(name)
            column = "department" if name == "departments" else "id"
            hit = found[found[column] == member]
            if len(hit) and (name == "departments") == (population == "departments"):
                return D(hit.iloc[0]["score"])
        raise AssertionError(member)

    assert score_of(after) >= score_of(before)


@SETTINGS
@given(rules(), years())
def test_quotas_are_never_exceeded_among_the_graded(
    rules_file: RulesFile, year: tuple[list[Quarter], dict[str, D]]
) -> None:
    results = roll_up(*year[:1], rules_file, year[1])
    assume(results is not None)
    assert results is not None
    annual = rules_file.rules.annual
    assert annual is not None
    for population in ("individuals", "leaders", "departments"):
        frame_ = results.population(population)
        graded = frame_[frame_["graded"]]
        assert (frame_[~frame_["graded"]]["grade"].isna()).all()
        places = results.quotas[population]
        for (band, group), n in places.items():
            members = graded[(graded["grade"] == band) & (graded["quota_group"].fillna("") == group)]
            assert len(members) <= n, (population, band, group)
            assert not members["vetoed"].any()
        vetoed = graded[graded["vetoed"]]
        quota_bands = {b for b, _ in places}
        assert not set(vetoed["grade"]) & quota_bands
