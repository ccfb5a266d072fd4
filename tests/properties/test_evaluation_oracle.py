"""A differential test of evaluations (method §6.10) against a small independent oracle.

The oracle below is written from the method's text alone, in plain Python with
exact fractions, and never calls the engine. It computes, for a random period:

* per (target, rater group): the number of scores, how many are dropped, the
  trimmed mean G = r2(mean of the rest) when the group has at least
  ``min_raters`` scores, the group's weight and whether it counts — the rows of
  测评明细, ordered by target (code point), then group in rules order;
* per target: E = r2(Σ w G / Σ w) over the groups kept (a vote counts as the
  score ``evaluation.votes`` gives it), absent when no group is kept;
* where E enters, with the weights normalised over the components that exist:
  departments D = r2(Σ W X / Σ W) over indicators, city and evaluation, then
  + points, then the veto cap; individuals S over department, personal and
  evaluation (a ``by_role`` entry replaces the weights whole); main leaders
  L = r2((a Z + e E) / (a + e)) + P with ``weighting.main_leader`` and Z + P
  without it; leaders in charge L = r2((α Z + β M + γ E) / (α + β + γ)) + P with
  M = r2(mean D of the departments in charge); then the veto cap;
* the numbers those depend on that are simple enough to redo here: net points
  (per-code clamp, then the target's cap), Q = r2(base_score + P), who is vetoed
  (directly or through the cascade), ranks (competition ranks, highest first)
  and the order of the rows (score descending, then key by code point).

Only the indicator score I, the city score C and the zone score Z (method §6.2,
§6.3) are taken from the program's published tables; whether I and C exist is
decided here from the input rows. Every step is rounded half up (away from zero)
to cents when it is published, and later steps use the published value.

Scenarios are the property cases of :mod:`.strategies` (small: a few
departments, up to 8 staff) with an ``evaluation`` section, random evaluation
weights for every population (absent, 0 or positive) and up to a few dozen
测评 rows, drawn as (target, group, count) cells whose counts sit around
``min_raters`` and whose scores repeat often (ties at the trim cut). Some
scenarios leave a department with nothing but its evaluation, or weigh every
non-evaluation component 0; when the oracle finds a member that cannot be
scored, the program must refuse the period with one problem per such member.

The main test scores in-process (the frames the reader would hand over) and
compares the published tables (``published_sheets``, the cells the results
workbook, CSV and JSON are written from). A second, smaller test goes the whole
way: the input workbook and a YAML rules file on disk, ``kpi.api.run`` and the
results workbook written and read back.
"""

from __future__ import annotations

import copy
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from kpi import api
from kpi.engine.results import Results
from kpi.errors import ComputeError
from kpi.io.inputs import EVALUATION_COLUMNS, Inputs
from kpi.periods import Period
from kpi.report.tables import published_sheets

from .oracle_numbers import r2
from .oracle_vetoes import vetoed
from .strategies import Case, cases, dec

D = Decimal

# --------------------------------------------------------------------------- the oracle
#
# Plain data in, plain data out. Numbers are Fractions while they are exact and
# Decimals (two places) once published.


def weighted_mean(terms: list[tuple[Decimal, Decimal]]) -> Fraction | None:
    """Σ w x / Σ w exactly; None when the weights add up to 0."""
    total = sum((Fraction(w) for w, _ in terms), Fraction(0))
    if total == 0:
        return None
    return sum((Fraction(w) * Fraction(x) for w, x in terms), Fraction(0)) / total


@dataclass(frozen=True)
class GroupRow:
    """One row of 测评明细."""

    target: str
    group: str
    count: int
    trimmed: int
    mean: Decimal | None
    weight: Decimal
    counted: bool


def evaluate(
    ballots: list[dict[str, Any]], section: dict[str, Any]
) -> tuple[list[GroupRow], dict[str, Decimal]]:
    """Method §6.10: the 测评明细 rows and E of every target with a kept group."""
    groups: dict[str, Decimal] = section["groups"]
    votes: dict[str, Decimal] = section.get("votes") or {}
    trim: int = section["trim"]
    min_raters: int = section["min_raters"]
    scores: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for ballot in ballots:
        value = ballot["score"] if ballot["score"] is not None else votes[ballot["vote"]]
        scores[ballot["target"], ballot["rater_group"]].append(value)
    detail: list[GroupRow] = []
    evaluation: dict[str, Decimal] = {}
    for target in sorted({t for t, _ in scores}):  # str order is code point order
        kept_groups: list[tuple[Decimal, Decimal]] = []
        for group, weight in groups.items():  # rules order
            given_scores = scores.get((target, group))
            if not given_scores:
                continue  # a group without rows is not listed
            n = len(given_scores)
            if n < min_raters:
                detail.append(GroupRow(target, group, n, 0, None, weight, False))
                continue
            rest = sorted(given_scores)[trim : n - trim]
            mean = r2(sum((Fraction(s) for s in rest), Fraction(0)) / len(rest))
            detail.append(GroupRow(target, group, n, 2 * trim, mean, weight, True))
            kept_groups.append((weight, mean))
        if kept_groups:
            exact = weighted_mean(kept_groups)
            assert exact is not None  # group weights are > 0
            evaluation[target] = r2(exact)
    return detail, evaluation


def net_points(case: Case) -> dict[str, Decimal]:
    """Method §6.1 for every person and department: per-code clamp, then the target's cap."""
    events = case.rules["points"]["events"]
    by_code: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in case.points:
        given = row["points"]
        by_code[row["target"], row["code"]] += events[row["code"]]["points"] if given is None else given
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for (target, code), total in by_code.items():
        cap = events[code].get("max_per_period")
        totals[target] += total if cap is None else min(max(total, -cap), cap)
    people = {p["id"] for p in case.people}
    out: dict[str, Decimal] = {}
    for target in [*people, *(d["department"] for d in case.departments)]:
        cap = case.rules["points"]["person_cap" if target in people else "department_cap"]
        out[target] = r2(min(max(totals.get(target, D(0)), -cap["deduct"]), cap["add"]))
    return out


def capped(score: Decimal, is_vetoed: bool, cap: Decimal) -> Decimal:
    return r2(min(score, cap)) if is_vetoed else score


class Unscorable(Exception):
    """Members whose components used weigh 0 together (or who have none): the period is refused."""

    def __init__(self, population: str, members: list[str]) -> None:
        super().__init__(population, members)
        self.population = population
        self.members = members


@dataclass
class Expected:
    """What the oracle says the published tables hold (rows in published order)."""

    detail: list[GroupRow]
    departments: list[dict[str, Any]] = field(default_factory=list)
    leaders: list[dict[str, Any]] = field(default_factory=list)
    individuals: list[dict[str, Any]] = field(default_factory=list)


def has_components(case: Case) -> tuple[set[str], set[str]]:
    """(departments with an indicator score, departments with a city score), from the input rows:
    every weight and level multiplier of the cases is > 0 and every share is > 0."""
    return {i["department"] for i in case.indicators}, {s["department"] for s in case.city_shares}


def department_weights(case: Case, evaluation: dict[str, Decimal]) -> dict[str, list[tuple[Decimal, str]]]:
    """The (weight, component) pairs each department's D is a mean of; raises Unscorable."""
    weights = case.rules["department"]["weights"]
    with_i, with_c = has_components(case)
    out: dict[str, list[tuple[Decimal, str]]] = {}
    for row in case.departments:
        name = row["department"]
        used = [(weights["indicators"], "I")] if name in with_i else []
        used += [(weights["city"], "C")] if name in with_c else []
        used += [(weights.get("evaluation") or D(0), "E")] if name in evaluation else []
        out[name] = used
    bad = [name for name, used in out.items() if sum((w for w, _ in used), D(0)) == 0]
    if bad:
        raise Unscorable("departments", bad)
    return out


def individual_weights(rules: dict[str, Any], role: str) -> dict[str, Decimal]:
    entry = (rules["individual"].get("by_role") or {}).get(role, rules["individual"]["weights"])
    return {
        "department": entry["department"],
        "personal": entry["personal"],
        "evaluation": entry.get("evaluation") or D(0),
    }


def ranked(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Rows by score descending, then key by code point, with competition ranks."""
    ordered = sorted(rows, key=lambda r: (-r["score"], r[key]))
    for row in ordered:
        row["rank"] = 1 + sum(1 for other in rows if other["score"] > row["score"])
    return ordered


def oracle(
    case: Case,
    ballots: list[dict[str, Any]],
    indicator: dict[str, Decimal],
    city: dict[str, Decimal],
    zone: Decimal,
) -> Expected:
    """Every published number of the scenario that §6.10 touches (module doc)."""
    rules = case.rules
    detail, evaluation = evaluate(ballots, rules["evaluation"])
    points = net_points(case)
    veto = vetoed(case)
    cap = rules["veto"]["score_cap"]
    yes = {True: "yes", False: "no"}
    expected = Expected(detail)

    # Departments: D over the components that exist, + points, veto cap.
    final: dict[str, Decimal] = {}
    values = {"I": indicator, "C": city, "E": evaluation}
    for name, used in department_weights(case, evaluation).items():
        exact = weighted_mean([(w, values[c][name]) for w, c in used])
        assert exact is not None
        final[name] = capped(r2(exact) + points[name], name in veto, cap)
        expected.departments.append(
            {
                "department": name,
                "points": points[name],
                "evaluation_score": evaluation.get(name),
                "score": final[name],
                "vetoed": yes[name in veto],
            }
        )

    # Leaders: the zone score blended with M and E as the rules say.
    roles = rules["roles"]
    lic = rules["weighting"]["leader_in_charge"]
    main = rules["weighting"].get("main_leader")
    for person in case.people:
        pid, role = person["id"], person["role"]
        if role in roles["main_leader"]:
            kind, mean = "main_leader", None
            terms = [(main["zone"], zone)] if main is not None else []
            if main is not None and pid in evaluation:
                terms.append((main.get("evaluation") or D(0), evaluation[pid]))
        elif role in roles["leader_in_charge"]:
            kind = "leader_in_charge"
            charged = [final[d["department"]] for d in case.departments if d["leader_in_charge"] == pid]
            mean = r2(Fraction(sum(charged, D(0))) / len(charged)) if charged else None
            terms = [(lic["zone"], zone)]
            terms += [(lic["departments"], mean)] if mean is not None else []
            terms += [(lic.get("evaluation") or D(0), evaluation[pid])] if pid in evaluation else []
        else:
            continue
        blended = weighted_mean(terms) if terms else None
        # No blend, or the components used weigh 0 together: L follows the zone (Z + P).
        weighted = zone if blended is None else r2(blended)
        expected.leaders.append(
            {
                "id": pid,
                "kind": kind,
                "zone_score": zone,
                "departments_mean": mean,
                "evaluation_score": evaluation.get(pid),
                "points": points[pid],
                "score": capped(weighted + points[pid], pid in veto, cap),
                "vetoed": yes[pid in veto],
            }
        )

    # Individuals: department, personal and evaluation, weights by role.
    bad = []
    leader_roles = {*roles["main_leader"], *roles["leader_in_charge"]}
    for person in case.people:
        pid, role = person["id"], person["role"]
        if role in leader_roles:
            continue
        w = individual_weights(rules, role)
        q = r2(rules["base_score"] + points[pid])
        d = final[person["department"]]
        terms = [(w["department"], d), (w["personal"], q)]
        terms += [(w["evaluation"], evaluation[pid])] if pid in evaluation else []
        blended = weighted_mean(terms)
        if blended is None:
            bad.append(pid)
            continue
        expected.individuals.append(
            {
                "id": pid,
                "department": person["department"],
                "points": points[pid],
                "personal_score": q,
                "department_score": d,
                "evaluation_score": evaluation.get(pid),
                "score": capped(r2(blended), pid in veto, cap),
                "vetoed": yes[pid in veto],
            }
        )
    if bad:
        raise Unscorable("individuals", bad)
    expected.departments = ranked(expected.departments, "department")
    expected.leaders = ranked(expected.leaders, "id")
    expected.individuals = ranked(expected.individuals, "id")
    return expected


# --------------------------------------------------------------------------- scenarios

GROUP_NAMES = ("领导", "同事", "服务企业", "共建街道")
VOTE_NAMES = ("优秀", "称职", "基本称职", "不称职")
GROUP_WEIGHT = st.sampled_from((D("0.1"), D("0.3"), D("0.35"), D("0.4"), D("0.333"), D(1), D("2.5")))
VOTE_VALUE = st.sampled_from((D(100), D("95.5"), D(85), D(70), D("60.25"), D(50), D(0)))
#: Absent (None), zero or positive.
EVALUATION_WEIGHT = st.sampled_from((None, D(0), D("0.2"), D("0.5"), D(1), D("0.35")))
POSITIVE = st.sampled_from((D("0.2"), D("0.5"), D(1), D("0.35")))
#: Scores as a spreadsheet cell hands them over; a few values recur so that ties are common.
SCORE = st.one_of(
    st.sampled_from((D(0), D(60), D(80), D(85), D("89.99"), D(90), D("90.01"), D(100))),
    st.integers(0, 10000).map(lambda n: dec(D(n).scaleb(-2))),
    st.integers(0, 100000).map(lambda n: dec(D(n).scaleb(-3))),
)


@dataclass
class Scenario:
    case: Case
    ballots: list[dict[str, Any]]


def _weight_or_absent(target: dict[str, Any], key: str, weight: Decimal | None) -> None:
    if weight is None:
        target.pop(key, None)
    else:
        target[key] = weight


@st.composite
def scenarios(draw: st.DrawFn, max_people: int = 8) -> Scenario:
    """A small property case with an ``evaluation`` section, evaluation weights and 测评 rows."""
    case = draw(cases(max_people=max_people, max_events=20, mode="fixed"))
    rules = copy.deepcopy(case.rules)

    order = draw(st.permutations(GROUP_NAMES))
    groups = {g: draw(GROUP_WEIGHT) for g in order[: draw(st.integers(1, len(GROUP_NAMES)))]}
    trim = draw(st.integers(0, 2))
    section: dict[str, Any] = {
        "groups": groups,
        "trim": trim,
        "min_raters": draw(st.integers(2 * trim + 1, 2 * trim + 3)),
    }
    if draw(st.booleans()):
        section["votes"] = {v: draw(VOTE_VALUE) for v in VOTE_NAMES}
    rules["evaluation"] = section

    # Members only an evaluation can score: most of the time they get a kept group below.
    needy: list[str] = []
    weights = rules["department"]["weights"]
    _weight_or_absent(weights, "evaluation", draw(EVALUATION_WEIGHT))
    if draw(st.integers(0, 11)) == 0:  # departments scored on their evaluation alone
        weights.update(indicators=D(0), city=D(0), evaluation=draw(POSITIVE))
        needy += [d["department"] for d in case.departments]
    individual = rules["individual"]
    by_role = individual.get("by_role") or {}
    for role, entry in [(None, individual["weights"]), *by_role.items()]:
        _weight_or_absent(entry, "evaluation", draw(EVALUATION_WEIGHT))
        if draw(st.integers(0, 9)) == 0:  # only the evaluation weighs
            entry.update(department=D(0), personal=D(0), evaluation=draw(POSITIVE))
            leader_roles = {*rules["roles"]["main_leader"], *rules["roles"]["leader_in_charge"]}
            needy += [
                p["id"]
                for p in case.people
                if p["role"] not in leader_roles
                and (p["role"] == role or (role is None and p["role"] not in by_role))
            ]
    lic = rules["weighting"]["leader_in_charge"]
    _weight_or_absent(lic, "evaluation", draw(EVALUATION_WEIGHT))
    if draw(st.integers(0, 5)) == 0:  # zone and departments weigh 0
        lic.update(zone=D(0), departments=D(0), evaluation=draw(POSITIVE))
    if draw(st.booleans()):
        main: dict[str, Any] = {"zone": draw(st.sampled_from((D(0), D("0.5"), D(1))))}
        _weight_or_absent(main, "evaluation", draw(EVALUATION_WEIGHT))
        if main["zone"] + (main.get("evaluation") or 0) == 0:
            main["evaluation"] = draw(POSITIVE)
        rules["weighting"]["main_leader"] = main
    case = replace(case, rules=rules)

    # Sometimes a department without city shares loses its indicators: only E can score it.
    shared = {s["department"] for s in case.city_shares}
    bare = [d["department"] for d in case.departments if d["department"] not in shared]
    if bare and draw(st.integers(0, 5)) == 0:
        lost = draw(st.sampled_from(bare))
        case = replace(case, indicators=[i for i in case.indicators if i["department"] != lost])
        needy.append(lost)

    # 测评 rows: (target, group, count) cells, counts around min_raters (and at the trim edge).
    min_raters = section["min_raters"]
    targets = [p["id"] for p in case.people] + [d["department"] for d in case.departments]
    edge = st.sampled_from(sorted({max(1, min_raters + k) for k in (-1, 0, 1)} | {1, 2 * trim + 1}))
    cells = [
        (draw(st.sampled_from(targets)), draw(st.sampled_from(list(groups))), draw(edge))
        for _ in range(draw(st.integers(0, 10)))
    ]
    for target in dict.fromkeys(needy):
        if draw(st.integers(0, 11)):
            cells.append((target, draw(st.sampled_from(list(groups))), min_raters + draw(st.integers(0, 2))))
    ballots: list[dict[str, Any]] = []
    for target, group, count in cells:
        for _ in range(count):
            # 评价人 blank (anonymous ballots may repeat) or a name used once
            rater = f"评价人{len(ballots)}" if draw(st.booleans()) else None
            vote = draw(st.sampled_from(VOTE_NAMES)) if "votes" in section and draw(st.booleans()) else None
            ballots.append(
                {
                    "target": target,
                    "rater_group": group,
                    "rater": rater,
                    "score": None if vote is not None else draw(SCORE),
                    "vote": vote,
                }
            )
    ballots = draw(st.permutations(ballots))
    return Scenario(case, ballots)


def inputs_of(scenario: Scenario) -> Inputs:
    """The frames the reader would hand over, 测评 included."""
    import pandas as pd

    inputs = scenario.case.inputs()
    frame = pd.DataFrame(
        {c: pd.Series([b[c] for b in scenario.ballots], dtype=object) for c in EVALUATION_COLUMNS}
    )
    frame["row"] = range(2, len(scenario.ballots) + 2)
    inputs.evaluations = frame
    return inputs


# --------------------------------------------------------------------------- comparing


def tables(results: Results) -> dict[str, list[dict[str, Any]]]:
    """The published tables (English keys): sheet → rows as {column: cell}."""
    return {
        sheet.key: [dict(zip((c.key for c in sheet.columns), row, strict=True)) for row in sheet.rows]
        for sheet in published_sheets(results, "en")
    }


def published_inputs(
    scenario: Scenario, published: dict[str, list[dict[str, Any]]]
) -> tuple[dict[str, Decimal], dict[str, Decimal], Decimal]:
    """I, C (published, blank = absent) and Z; their presence is checked against the input rows."""
    indicator = {r["department"]: r["indicator_score"] for r in published["departments"]}
    city = {r["department"]: r["city_score"] for r in published["departments"]}
    with_i, with_c = has_components(scenario.case)
    assert {d for d, v in indicator.items() if v is not None} == with_i
    assert {d for d, v in city.items() if v is not None} == with_c
    zones = {r["zone_score"] for r in published["leaders"]}
    assert len(zones) == 1
    return (
        {d: v for d, v in indicator.items() if v is not None},
        {d: v for d, v in city.items() if v is not None},
        zones.pop(),
    )


def compare(expected: Expected, published: dict[str, list[dict[str, Any]]]) -> None:
    """Every number the oracle computed against the published cell (Decimal equality: to the cent)."""
    detail = [
        (r["target"], r["rater_group"], r["count"], r["trimmed"], r["mean"], r["weight"], r["counted"])
        for r in published["evaluation_detail"]
    ]
    wanted = [
        (g.target, g.group, g.count, g.trimmed, g.mean, g.weight, "yes" if g.counted else "no")
        for g in expected.detail
    ]
    assert detail == wanted
    for sheet, key, rows in (
        ("departments", "department", expected.departments),
        ("leaders", "id", expected.leaders),
        ("individuals", "id", expected.individuals),
    ):
        have = published[sheet]
        assert [r[key] for r in have] == [r[key] for r in rows], f"{sheet}: members or their order"
        mismatches = [
            (want[key], {c: (want[c], got[c]) for c in want if want[c] != got[c]})
            for want, got in zip(rows, have, strict=True)
            if any(want[c] != got[c] for c in want)
        ]
        assert not mismatches, f"{sheet} (expected, published): {mismatches[:3]}"


SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def _expect(scenario: Scenario, results: Results | None, error: ComputeError | None) -> None:
    """Check one run (results or the error it raised) against the oracle."""
    try:
        if results is None:
            # The oracle needs only which components exist to know the period is refused.
            zero: dict[str, Decimal] = defaultdict(lambda: D(0))
            oracle(scenario.case, scenario.ballots, zero, zero, D(0))
            raise AssertionError(f"the program refused a period the oracle scores: {error}")
        published = tables(results)
        expected = oracle(scenario.case, scenario.ballots, *published_inputs(scenario, published))
    except Unscorable as unscorable:
        assert error is not None, f"{unscorable.population} {unscorable.members} should have no score"
        assert len(error.problems) == len(unscorable.members), [p.message for p in error.problems]
        event(f"refused: {unscorable.population} without a score")
        return
    compare(expected, published)
    _events(scenario, expected)


def _events(scenario: Scenario, expected: Expected) -> None:
    """What the example exercised (shown with --hypothesis-show-statistics)."""
    kept = [g for g in expected.detail if g.counted]
    listed = len(expected.detail)
    event(
        "测评明细 rows: " + ("0" if not listed else "1-3" if listed < 4 else "4-9" if listed < 10 else "10+")
    )
    if kept:
        event("a group kept")
    if len(kept) < len(expected.detail):
        event("a group left out")
    if any(g.count == scenario.case.rules["evaluation"]["min_raters"] for g in kept):
        event("a group with exactly min_raters scores")
    if any(b["vote"] is not None for b in scenario.ballots):
        event("votes")
    with_i, with_c = has_components(scenario.case)
    if any(d["department"] not in with_i | with_c for d in expected.departments):
        event("a department scored on its evaluation alone")
    for population in (expected.departments, expected.leaders, expected.individuals):
        if any(r["evaluation_score"] is not None and r["vetoed"] == "yes" for r in population):
            event("a vetoed member with an evaluation score")
    rules = scenario.case.rules
    if (
        rules["weighting"]["leader_in_charge"]["zone"] + rules["weighting"]["leader_in_charge"]["departments"]
        == 0
    ):
        event("leaders in charge: zone and departments weigh 0")
    if "main_leader" in rules["weighting"] and any(
        r["kind"] == "main_leader" and r["evaluation_score"] is not None for r in expected.leaders
    ):
        event("a main leader blended with E")


@SETTINGS
@given(scenarios())
def test_published_evaluation_numbers_match_the_oracle(scenario: Scenario) -> None:
    """Scored in-process: 测评明细, the 测评得分 columns and every composite built on E are the
    oracle's to the cent, or the period is refused exactly when the oracle finds a member
    without a score (one problem each)."""
    case = scenario.case
    try:
        results = api.score(inputs_of(scenario), case.rules_file(), case.period_obj())
    except ComputeError as error:
        _expect(scenario, None, error)
        return
    _expect(scenario, results, None)


# --------------------------------------------------------------------------- through files


def _write_evaluations(path: Path, ballots: list[dict[str, Any]]) -> None:
    """Add the 测评 sheet (Chinese names) to the input workbook ``path``."""
    import openpyxl

    from kpi.io.names import COLUMN_NAMES, SHEET_NAMES

    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet(SHEET_NAMES["evaluations"][0])
    sheet.append([COLUMN_NAMES["evaluations"][c][0] for c in EVALUATION_COLUMNS])
    for ballot in ballots:
        score = ballot["score"]
        cell = None if score is None else (int(score) if score == score.to_integral_value() else float(score))
        sheet.append([ballot["target"], ballot["rater_group"], ballot["rater"], cell, ballot["vote"]])
    book.save(path)


def _read_back(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The results workbook's sheets (English names) as rows of {header: cell}; numbers as the
    Decimal of the stored value, yes/no and text as written."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    keys = {"evaluation_detail", "departments", "leaders", "individuals"}
    out: dict[str, list[dict[str, Any]]] = {}
    for key in keys:
        rows = list(book[key].iter_rows(values_only=True))
        header = [str(h) for h in rows[0]]
        out[key] = [
            {
                h: (dec(v) if isinstance(v, int | float) and not isinstance(v, bool) else v)
                for h, v in zip(header, row, strict=True)
            }
            for row in rows[1:]
        ]
    book.close()
    return out


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
@given(scenarios(max_people=5))
def test_the_results_workbook_matches_the_oracle(scenario: Scenario) -> None:
    """Through the files: the input workbook and YAML rules are read, scored and written as the
    CLI does; the cells of the results workbook are compared with the oracle."""
    case = scenario.case
    zero: dict[str, Decimal] = defaultdict(lambda: D(0))
    try:
        oracle(case, scenario.ballots, zero, zero, D(0))
    except Unscorable:
        assume(False)  # refusals are the reader's business here; the in-process test checks them
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        workbook, rules, out = folder / "in.xlsx", folder / "rules.yaml", folder / "out.xlsx"
        case.write_workbook(workbook)
        _write_evaluations(workbook, scenario.ballots)
        rules.write_text(case.rules_yaml(), encoding="utf-8")
        results = api.run(workbook, rules, Period.parse(case.period))
        api.write_results(results, out, lang="en")
        published = _read_back(out)
    for row in published["leaders"] + published["departments"] + published["individuals"]:
        for key in ("evaluation_score", "departments_mean", "indicator_score", "city_score"):
            if row.get(key) == "":
                row[key] = None
    expected = oracle(case, scenario.ballots, *published_inputs(scenario, published))
    compare(expected, published)


@pytest.mark.parametrize("value", ["89.995", "-2.345", "0.005", "-0.005", "1.004"])
def test_oracle_rounding(value: str) -> None:
    """The oracle's r2 is the method's: half away from zero (89.995 → 90.00, −2.345 → −2.35)."""
    assert r2(Fraction(value)) == D(value).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def test_oracle_on_a_hand_worked_target() -> None:
    """The oracle itself on numbers worked by hand (trim 1, min_raters 3, votes):
    同事 70 80 90 优秀(100) → drop 70 and 100 → G = 85.00; 领导 two scores → left out;
    服务企业 50 60 85 85 99 → drop 50 and 99 → G = r2(230 / 3) = 76.67;
    E = r2((0.3 × 85.00 + 0.4 × 76.67) / 0.7) = r2(80.24) = 80.24."""
    votes = {"优秀": D(100), "称职": D(85), "不称职": D(50)}
    section: dict[str, Any] = {
        "groups": {"领导": D("0.3"), "同事": D("0.3"), "服务企业": D("0.4")},
        "votes": votes,
        "trim": 1,
        "min_raters": 3,
    }
    given_rows = [("同事", 90), ("同事", 80), ("同事", 70), ("同事", "优秀"), ("领导", "88.5"), ("领导", 91)]
    given_rows += [("服务企业", 60), ("服务企业", 99), ("服务企业", "称职"), ("服务企业", "称职")]
    given_rows += [("服务企业", "不称职")]
    ballots = [
        {
            "target": "E01",
            "rater_group": group,
            "score": D(str(value)) if value not in votes else None,
            "vote": value if value in votes else None,
        }
        for group, value in given_rows
    ]
    detail, evaluation = evaluate(ballots, section)
    assert [(g.group, g.count, g.trimmed, g.mean, g.counted) for g in detail] == [
        ("领导", 2, 0, None, False),
        ("同事", 4, 2, D("85.00"), True),
        ("服务企业", 5, 2, D("76.67"), True),
    ]
    assert evaluation == {"E01": D("80.24")}
