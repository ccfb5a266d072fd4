"""A differential test of the zone score and the bonus table against a small independent oracle.

The oracle below is written from the method's text alone (docs/method.md §6.3
"City weighting", §6.9 "Bonus" and the decisions of §9), in plain Python with
exact fractions, and never calls the engine. For a random period it computes:

* the rank score q of every row of 市级排名: ``table`` → the table's value for
  the rank, else its ``default``; ``linear`` → max(floor, top − (R − 1) × step);
  ``percentile`` → r2(top − (R − 1)/(N − 1) × (top − bottom)), the only method
  that rounds; then the zone score Z = r2(Σ w q / Σ w) over all the rows;
* every main leader's score L = Z + P, capped (r2(min(L, score_cap))) when the
  leader is vetoed;
* who is vetoed: the targets of 否决 rows, and what a vetoed department passes on
  through ``veto.cascade`` (its heads, its leader in charge, all its staff);
* the bonus population: every individual (a roster row whose 职务 is not a
  leader role), plus the leaders when ``bonus.include_leaders`` is true;
* each member's weight u = 绩效基数 × post coefficient × role coefficient ×
  grade factor × 在岗月数 / months of the period, exactly. A leader without a
  岗位类别 has post coefficient 1; rules without ``coefficients.role`` give role
  coefficient 1; a blank 在岗月数 is the whole period; the grade factor is the
  ``factor`` of the published grade. A vetoed member with ``forfeit_bonus``
  forfeits: u = 0 and left out of Σu, its row still showing its coefficients;
* ``fixed`` mode: bonus = round0(u), half away from zero; ``pool`` mode: the
  exact share pool × u / Σu floored to whole yuan, the yuan left over handed out
  one each to the largest remainders (ties: the smaller id by code point), so
  the column adds up to the pool; Σu = 0 in pool mode must be refused;
* the points reward round0(yuan_per_point × P) (negative for net deductions),
  total = max(0, bonus + reward), and 0, 0, 0 for a forfeited row;
* the rows in published order (score descending, then id by code point, leaders
  among staff), every column of 绩效奖金 — 在岗折算 shown to 4 decimals, half up,
  a leader's 部门 blank — and its 合计 row.

Taken from the program's published tables: each member's grade, net points P
and score (the individuals' and leaders in charge' scores only order the rows;
main leaders' scores are the oracle's own). Other oracles check those.

Scenarios are the property cases of :mod:`.strategies` (a few departments, up to
two dozen staff, joiners and leavers through 在岗月数, quarters and whole years)
with the coefficients, the points reward rate and the rank-score settings drawn
more widely, both modes, pools from 0 yuan to millions, and three twists: twins
(copies of a roster row under a new id, so equal weights compete for a leftover
yuan and the id decides), flat rosters (one 绩效基数, whole periods) and rosters
on which nobody was in post (Σu = 0). When the program refuses a pool period,
the same period is scored again in fixed mode (the grades do not depend on the
mode) and the oracle must find Σu = 0.

The main test scores in-process and compares the published tables (the cells the
results workbook, CSV and JSON are written from). A second, smaller test goes
through the files: the input workbook and YAML rules on disk (leaders given a
部门, which must not reach the bonus sheet), ``kpi.api.run``, the results workbook
written and read back.
"""

from __future__ import annotations

import copy
import math
import tempfile
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kpi import api
from kpi.engine.results import Results
from kpi.errors import ComputeError
from kpi.periods import Period
from kpi.report.tables import published_sheets

from .oracle_numbers import r2, round0
from .oracle_vetoes import vetoed
from .strategies import LEADER_IN_CHARGE_ROLE, MAIN_LEADER_ROLES, POSTS, STAFF_ROLES, Case, cases, dec

D = Decimal

# --------------------------------------------------------------------------- the oracle
#
# Plain data in, plain data out: Fractions while exact, Decimals once published.


def four_places(x: Fraction) -> Decimal:
    """A non-negative fraction shown to 4 decimals, half up (2/3 → 0.6667)."""
    return D(math.floor(x * 10000 + Fraction(1, 2))).scaleb(-4)


def months_in(period: str) -> int:
    """A quarter (2024Q3) has 3 months, a year (2024) 12."""
    return 3 if "Q" in period.upper() else 12


def rank_score(method: dict[str, Any], rank: int, participants: int) -> Fraction:
    """q of one city indicator ranked ``rank`` among ``participants``."""
    kind = method["method"]
    if kind == "table":
        table = {int(k): v for k, v in method["table"].items()}
        return Fraction(table[rank] if rank in table else method["default"])
    if kind == "linear":
        return max(Fraction(method["floor"]), Fraction(method["top"]) - (rank - 1) * Fraction(method["step"]))
    top, bottom = Fraction(method["top"]), Fraction(method["bottom"])
    return Fraction(r2(top - Fraction(rank - 1, participants - 1) * (top - bottom)))


def zone_score(case: Case) -> Decimal:
    """Z = r2(Σ w q / Σ w) over every row of 市级排名."""
    method = case.rules["weighting"]["rank_score"]
    terms = [
        (Fraction(row["weight"]), rank_score(method, int(row["rank"]), int(row["participants"])))
        for row in case.city_rankings
    ]
    weighted = sum((w * q for w, q in terms), Fraction(0))
    return r2(weighted / sum((w for w, _ in terms), Fraction(0)))


def leader_roles(rules: dict[str, Any]) -> set[str]:
    return {*rules["roles"]["main_leader"], *rules["roles"]["leader_in_charge"]}


def capped(score: Decimal, is_vetoed: bool, cap: Decimal) -> Decimal:
    return r2(min(score, cap)) if is_vetoed else score


@dataclass(frozen=True)
class Published:
    """What the oracle takes from the program for one person: the grade, the net points P and
    the score that orders the bonus rows."""

    grade: str
    points: Decimal
    score: Decimal


class EmptyPool(Exception):
    """Pool mode with Σu = 0: nobody to share the pool with."""


@dataclass
class Bonus:
    """The oracle's 绩效奖金: rows in published order, plus what the example exercised."""

    rows: list[dict[str, Any]]
    sum_u: Fraction
    tie_at_cut: bool = False


def bonus_table(case: Case, published: dict[str, Published], veto: set[str]) -> Bonus:
    """Method §6.9 for the whole bonus population (module doc); raises EmptyPool."""
    rules = case.rules
    posts: dict[str, Decimal] = rules["coefficients"]["post_category"]
    roles: dict[str, Decimal] | None = rules["coefficients"].get("role")
    factors = {band["name"]: band["factor"] for band in rules["grades"]["bands"]}
    forfeit = rules["veto"]["forfeit_bonus"]
    bonus_rules = rules["bonus"]
    period_months = months_in(case.period)
    leaders = leader_roles(rules)

    members = [p for p in case.people if p["role"] not in leaders or bonus_rules["include_leaders"]]
    members.sort(key=lambda p: (-published[p["id"]].score, p["id"]))  # str order is code point order
    rows: list[dict[str, Any]] = []
    weights: list[Fraction] = []
    lost: list[bool] = []
    for person in members:
        pid = person["id"]
        post_coef = D(1) if person["post_category"] is None else posts[person["post_category"]]
        role_coef = D(1) if roles is None else roles[person["role"]]
        grade_factor = factors[published[pid].grade]
        months = Fraction(1) if person["months"] is None else Fraction(person["months"]) / period_months
        forfeited = pid in veto and forfeit
        u = Fraction(person["bonus_base"]) * Fraction(post_coef) * Fraction(role_coef)
        u *= Fraction(grade_factor) * months
        weights.append(Fraction(0) if forfeited else u)
        lost.append(forfeited)
        rows.append(
            {
                "id": pid,
                "name": person["name"],
                "department": None if person["role"] in leaders else person["department"],
                "bonus_base": person["bonus_base"],
                "post_coef": post_coef,
                "role_coef": role_coef,
                "grade_factor": grade_factor,
                "months_factor": four_places(months),
            }
        )

    sum_u = sum(weights, Fraction(0))
    result = Bonus(rows, sum_u)
    if bonus_rules["mode"] == "fixed":
        amounts = [round0(u) for u in weights]
    else:
        if sum_u == 0:
            raise EmptyPool
        pool = int(bonus_rules["pool"])
        shares = [pool * u / sum_u for u in weights]
        amounts = [math.floor(s) for s in shares]
        remainders = [s - a for s, a in zip(shares, amounts, strict=True)]
        left = pool - sum(amounts)
        queue = sorted(range(len(rows)), key=lambda i: (-remainders[i], rows[i]["id"]))
        for i in queue[:left]:
            amounts[i] += 1
        if 0 < left < len(queue) and remainders[queue[left - 1]] == remainders[queue[left]]:
            result.tie_at_cut = True
        assert sum(amounts) == pool
    rate = Fraction(bonus_rules["yuan_per_point"])
    for row, amount, forfeited in zip(rows, amounts, lost, strict=True):
        reward = 0 if forfeited else round0(rate * Fraction(published[row["id"]].points))
        row["bonus"] = amount
        row["points_reward"] = reward
        row["total"] = 0 if forfeited else max(0, amount + reward)
    return result


def main_leaders(case: Case, zone: Decimal, points: dict[str, Decimal], veto: set[str]) -> dict[str, Decimal]:
    """L = Z + P for each main leader, then the veto cap."""
    cap = case.rules["veto"]["score_cap"]
    return {
        p["id"]: capped(zone + points[p["id"]], p["id"] in veto, cap)
        for p in case.people
        if p["role"] in case.rules["roles"]["main_leader"]
    }


# --------------------------------------------------------------------------- scenarios

#: Coefficients: 0 last, so that it stays rare (hypothesis favours the first choices).
COEF = st.sampled_from((D(1), D("1.15"), D("1.3"), D("0.5"), D("0.85"), D("1.333"), D(2), D(0)))
RATE = st.sampled_from((D(0), D("0.5"), D(1), D(15), D("12.5"), D("33.33"), D(100)))
POOLS = st.one_of(
    st.integers(0, 40),
    st.sampled_from((100, 101, 999, 60000, 1_000_000)),
    st.integers(0, 2_000_000),
).map(D)
PERCENTILE = st.tuples(
    st.sampled_from((D(100), D("99.99"), D(95))), st.sampled_from((D(0), D(60), D("65.5")))
)
LINEAR = st.tuples(
    st.sampled_from((D(100), D("98.5"))),
    st.sampled_from((D(0), D("2.25"), D(3), D("4.5"), D(10))),
    st.sampled_from((D(0), D(50), D("72.5"))),
)
EVERY_ROLE = (*STAFF_ROLES, *MAIN_LEADER_ROLES, LEADER_IN_CHARGE_ROLE)


@st.composite
def scenarios(draw: st.DrawFn, max_people: int = 24) -> Case:
    """A property case with wider coefficients, pools, rates and rank settings, and twists."""
    mode = draw(st.sampled_from(("pool", "fixed")))
    case = draw(cases(max_people=max_people, max_events=30, mode=mode))
    rules = copy.deepcopy(case.rules)
    people = copy.deepcopy(case.people)

    coefficients = rules["coefficients"]
    coefficients["post_category"] = {post: draw(COEF) for post in POSTS}
    if "role" in coefficients:  # every role listed, leaders included (for include_leaders)
        coefficients["role"] = {role: draw(COEF) for role in EVERY_ROLE}
    rules["bonus"]["yuan_per_point"] = draw(RATE)
    if mode == "pool":
        rules["bonus"]["pool"] = draw(POOLS)
    method = rules["weighting"]["rank_score"]
    if method["method"] == "percentile" and draw(st.booleans()):
        method["top"], method["bottom"] = draw(PERCENTILE)
    elif method["method"] == "linear" and draw(st.booleans()):
        method["top"], method["step"], method["floor"] = draw(LINEAR)
    # City indicators no department has a share of: they count in Z only. With several
    # rows, Z tells a rounded percentile q from an unrounded one more often.
    rankings = list(case.city_rankings)
    for k in range(draw(st.integers(0, 4))):
        participants = draw(st.integers(2, 12))
        rankings.append(
            {
                "indicator": f"全区指标{k + 1}",
                "weight": draw(st.sampled_from((D(1), D("0.5"), D(3), D("2.7")))),
                "rank": draw(st.integers(1, participants)),
                "participants": participants,
            }
        )

    # Twins: equal weights (same roster data, no events) that compete for a leftover yuan.
    taken = {p["id"] for p in people}
    for _ in range(draw(st.integers(0, 4))):
        twin = copy.deepcopy(draw(st.sampled_from(people)))
        twin["id"] = str(draw(st.integers(1, 40000)))
        while twin["id"] in taken:
            twin["id"] += "0"
        twin["name"] = f"{twin['name']}孪生"
        taken.add(twin["id"])
        people.insert(draw(st.integers(0, len(people))), twin)
    twist = draw(st.integers(0, 11))
    if twist < 4:  # flat: one base, whole periods; u differs only by coefficients and grade
        base = draw(st.sampled_from((D(1000), D(3000), D("4567.89"))))
        for person in people:
            person.update(bonus_base=base, months=None)
    elif twist == 4:  # nobody in post: Σu = 0
        for person in people:
            person["months"] = D(0)
    # A quarter's rows are dated inside its year: scored as the whole year, a month counts 1/12.
    period = "2024" if draw(st.integers(0, 5)) == 0 else case.period
    return replace(case, rules=rules, people=people, period=period, city_rankings=rankings)


# --------------------------------------------------------------------------- comparing


def tables(results: Results) -> dict[str, list[dict[str, Any]]]:
    """The published tables (English keys): sheet → rows as {column: cell}; 合计 rows as
    sheet + "_totals"."""
    out: dict[str, list[dict[str, Any]]] = {}
    for sheet in published_sheets(results, "en"):
        keys = [c.key for c in sheet.columns]
        out[sheet.key] = [dict(zip(keys, row, strict=True)) for row in sheet.rows]
        out[sheet.key + "_totals"] = [dict(zip(keys, row, strict=True)) for row in sheet.totals]
    return out


def score(case: Case) -> tuple[Results | None, ComputeError | None]:
    try:
        return api.score(case.inputs(), case.rules_file(), case.period_obj()), None
    except ComputeError as error:
        return None, error


def taken_over(published: dict[str, list[dict[str, Any]]]) -> dict[str, Published]:
    return {
        row["id"]: Published(row["grade"], row["points"], row["score"])
        for row in published["individuals"] + published["leaders"]
    }


def check_zone_and_leaders(case: Case, published: dict[str, list[dict[str, Any]]]) -> None:
    """Z on every leader row and in 运行信息; main leaders' L; 否决 of the bonus population."""
    zone = zone_score(case)
    leaders = published["leaders"]
    assert [row["zone_score"] for row in leaders] == [zone] * len(leaders), f"Z: expected {zone}"
    info = {row["key"]: row["value"] for row in published["run_info"]}
    assert D(info["zone_score"]) == zone
    veto = vetoed(case)
    points = {row["id"]: row["points"] for row in leaders}
    want = main_leaders(case, zone, points, veto)
    have = {row["id"]: row["score"] for row in leaders if row["kind"] == "main_leader"}
    assert have == want, f"main leaders' L (published vs expected): {have} {want}"
    flags = {row["id"]: row["vetoed"] == "yes" for row in published["individuals"] + leaders}
    assert flags == {p["id"]: p["id"] in veto for p in case.people}, "who is vetoed"


def compare_bonus(expected: Bonus, rows: list[dict[str, Any]], totals: list[dict[str, Any]]) -> None:
    """Members, order and every cell (Decimal equality: a value, not its trailing zeros)."""
    assert [r["id"] for r in rows] == [r["id"] for r in expected.rows], "bonus: members or their order"
    mismatches = [
        (want["id"], {c: (want[c], got[c]) for c in want if want[c] != got[c]})
        for want, got in zip(expected.rows, rows, strict=True)
        if want != got
    ]
    assert not mismatches, f"bonus (expected, published): {mismatches[:3]}"
    assert len(totals) == 1
    sums = {c: sum(r[c] for r in expected.rows) for c in ("bonus", "points_reward", "total")}
    assert {c: totals[0][c] for c in sums} == sums, "the 合计 row"


def check_refusal(case: Case, error: ComputeError) -> None:
    """The program refused the period: only a pool with Σu = 0 may be refused. The grades do
    not depend on the mode, so the fixed-mode run supplies them."""
    assert case.rules["bonus"]["mode"] == "pool", f"a fixed-mode period was refused: {error}"
    rules = copy.deepcopy(case.rules)
    rules["bonus"]["mode"] = "fixed"
    del rules["bonus"]["pool"]
    fixed = replace(case, rules=rules)
    results, again = score(fixed)
    assert results is not None, f"refused in both modes: {again}"
    published = tables(results)
    try:
        expected = bonus_table(case, taken_over(published), vetoed(case))
    except EmptyPool:
        messages = [str(p.message) for p in error.problems]
        assert len(messages) == 1 and "pool" in messages[0], messages
        event("pool refused: Σu = 0")
        return
    raise AssertionError(f"the program refused a pool with Σu = {expected.sum_u}: {error}")


def check(case: Case, published: dict[str, list[dict[str, Any]]]) -> Bonus:
    check_zone_and_leaders(case, published)
    try:
        expected = bonus_table(case, taken_over(published), vetoed(case))
    except EmptyPool:
        raise AssertionError("the program shared a pool among weights that sum to 0") from None
    compare_bonus(expected, published["bonus"], published["bonus_totals"])
    return expected


def _events(case: Case, expected: Bonus) -> None:
    """What the example exercised (shown with --hypothesis-show-statistics)."""
    rules = case.rules
    event(f"mode {rules['bonus']['mode']}, leaders {'in' if rules['bonus']['include_leaders'] else 'out'}")
    event(
        f"period of {months_in(case.period)} months, rank score {rules['weighting']['rank_score']['method']}"
    )
    if expected.tie_at_cut:
        event("pool: equal remainders at the cut (the id decides)")
    if rules["bonus"]["mode"] == "fixed" and expected.sum_u == 0:
        event("fixed: Σu = 0 accepted")
    rows = expected.rows
    if any(r["months_factor"] not in (0, 1) for r in rows):
        event("a joiner or leaver (part of the period)")
    if any(r["points_reward"] < 0 for r in rows):
        event("a negative points reward")
    if any(r["bonus"] + r["points_reward"] < 0 for r in rows):
        event("a total held at 0")
    veto = vetoed(case)
    if any(r["id"] in veto for r in rows):
        event("a vetoed member " + ("forfeits" if rules["veto"]["forfeit_bonus"] else "is paid"))
    if any(r["department"] is None for r in rows):
        event("a leader in the bonus table")


SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


@SETTINGS
@given(scenarios())
def test_zone_score_and_bonus_table_match_the_oracle(case: Case) -> None:
    """Scored in-process: Z, the main leaders' L and every cell of 绩效奖金 are the oracle's,
    or the period is refused exactly when the pool has Σu = 0."""
    results, error = score(case)
    if results is None:
        assert error is not None
        check_refusal(case, error)
        return
    expected = check(case, tables(results))
    _events(case, expected)


# --------------------------------------------------------------------------- through files


def _read_back(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The results workbook's sheets (English names) as rows of {header: cell}; numbers as the
    Decimal of the stored value, blank cells as None. 绩效奖金's 合计 row goes to bonus_totals."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out: dict[str, list[dict[str, Any]]] = {}
    for key in ("individuals", "leaders", "bonus", "run_info"):
        rows = list(book[key].iter_rows(values_only=True))
        header = [str(h) for h in rows[0]]
        out[key] = [
            {
                h: (dec(v) if isinstance(v, int | float) and not isinstance(v, bool) else (v or None))
                for h, v in zip(header, row, strict=True)
            }
            for row in rows[1:]
        ]
    book.close()
    bonus = out["bonus"]
    out["bonus_totals"] = [r for r in bonus if r["id"] == "total"]
    out["bonus"] = [r for r in bonus if r["id"] != "total"]
    return out


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
@given(scenarios(max_people=8), st.data())
def test_the_results_workbook_matches_the_oracle(case: Case, data: st.DataObject) -> None:
    """Through the files: the workbook and YAML rules are read, scored and written as the CLI
    does; Z, main leaders' L and the 绩效奖金 cells read back are the oracle's. Leaders are
    given a 部门 in the workbook, which the bonus sheet must not show."""
    departments = [d["department"] for d in case.departments]
    roles = leader_roles(case.rules)
    people = [
        {**p, "department": data.draw(st.sampled_from([None, *departments]))} if p["role"] in roles else p
        for p in case.people
    ]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        workbook, rules, out = folder / "in.xlsx", folder / "rules.yaml", folder / "out.xlsx"
        replace(case, people=people).write_workbook(workbook)
        rules.write_text(case.rules_yaml(), encoding="utf-8")
        try:
            results = api.run(workbook, rules, Period.parse(case.period))
        except ComputeError as error:
            check_refusal(case, error)
            return
        api.write_results(results, out, lang="en")
        published = _read_back(out)
    check(case, published)


# --------------------------------------------------------------------------- the oracle itself


@pytest.mark.parametrize("value", ["89.995", "-2.345", "0.005", "-0.005", "1.004"])
def test_oracle_rounding(value: str) -> None:
    """r2 and round0 are half away from zero, as Excel's ROUND."""
    assert r2(Fraction(value)) == D(value).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert round0(Fraction(value) * 1000) == int((D(value) * 1000).quantize(D(1), rounding=ROUND_HALF_UP))


def test_oracle_on_the_worked_examples() -> None:
    """The method's own examples: percentile ranks 2/9, 4/17, 5/10 (top 100, bottom 65) with
    weights 20, 10, 15 give Z = 91.41; the pool of 60000 over u = 23400, 9360, 5200, 5000, 0
    pays 32681, 13073, 7263, 6983, 0; 67.5 yuan of reward rounds to 68 and −67.5 to −68."""
    method = {"method": "percentile", "top": D(100), "bottom": D(65)}
    assert [rank_score(method, r, n) for r, n in ((2, 9), (4, 17), (5, 10))] == [
        Fraction("95.63"),
        Fraction("93.44"),
        Fraction("84.44"),
    ]
    rankings = [
        {"weight": D(20), "rank": 2, "participants": 9},
        {"weight": D(10), "rank": 4, "participants": 17},
        {"weight": D(15), "rank": 5, "participants": 10},
    ]
    rules: dict[str, Any] = {
        "weighting": {"rank_score": method},
        "coefficients": {
            "post_category": {"招商": D("1.3"), "企业服务": D("1.15"), "综合保障": D(1)},
            "role": {"部长": D("1.5"), "职员": D(1)},
        },
        "grades": {
            "bands": [
                {"name": "优秀", "factor": D("1.2")},
                {"name": "良好", "factor": D(1)},
                {"name": "不合格", "factor": D(0)},
            ]
        },
        "veto": {"forfeit_bonus": True},
        "bonus": {"mode": "pool", "pool": D(60000), "yuan_per_point": D(100), "include_leaders": False},
        "roles": {"main_leader": ["主任"], "leader_in_charge": ["副主任"]},
    }
    roster = [
        ("E01", D(10000), "招商", "部长", "优秀", None, D(9)),
        ("E02", D(6000), "招商", "职员", "优秀", None, D(4)),
        ("E03", D(6000), "招商", "职员", "良好", D(2), D(4)),
        ("E04", D(8000), "招商", "职员", "不合格", None, D(1)),
        ("E05", D(5000), "综合保障", "职员", "良好", None, D(20)),
        ("E06", D(5500), "企业服务", "职员", "良好", D(0), D(-1)),
    ]
    people = [
        {
            "id": pid,
            "name": pid,
            "department": "部",
            "post_category": post,
            "role": role,
            "bonus_base": base,
            "months": months,
        }
        for pid, base, post, role, _, months, _ in roster
    ]
    case = Case(rules, "2024Q3", people, [], [], [], rankings, [], [])
    assert zone_score(case) == D("91.41")
    published = {pid: Published(grade, points, D(100)) for pid, _, _, _, grade, _, points in roster}
    expected = bonus_table(case, published, {"E04"})
    by_id = {r["id"]: (r["bonus"], r["points_reward"], r["total"]) for r in expected.rows}
    assert by_id == {
        "E01": (32681, 900, 33581),
        "E02": (13073, 400, 13473),
        "E03": (7263, 400, 7663),
        "E04": (0, 0, 0),
        "E05": (6983, 2000, 8983),
        "E06": (0, -100, 0),
    }
    assert next(r for r in expected.rows if r["id"] == "E03")["months_factor"] == D("0.6667")
    assert [round0(Fraction(15) * Fraction(p)) for p in ("4.5", "-4.5")] == [68, -68]
