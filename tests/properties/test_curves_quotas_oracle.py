"""Differential oracles for scoring curves (method §6.11) and quotas tied to the
department's grade (method §6.12).

Hypothesis draws small periods — a few departments, a few dozen people,
indicators scored on random curves — and scores them in-process with the
program. Two oracles, written in plain Python straight from the method's text,
recompute the published numbers from the drawn rows and rules, and the test
compares them with what the program publishes:

1. Curves (§6.11 with §6.2–6.4): ρ of every indicator (正向 actual/target, 反向
   target/actual, none for 反向 with actual 0, which lies above every point),
   g(ρ) on a ``linear`` or ``step`` curve at, between, below and beyond its
   points, s = r2(g × f) with the late factor f and no cap; indicators without
   a curve by the v1 formula (ρ clamped to [0, cap]) and 评分 ones as given;
   then each department's I_d, its city score C_d, its points P_d and its
   score D_d with the veto cap — all against 指标明细 and 部门得分, to the cent.
2. Quotas (§6.12 with §6.8 and the decisions of §9): the departments are
   graded zone-wide with the bands' own ``quota``; each individual band with
   ``quota_by_department_grade`` then admits n_q = floor|round|ceil(n_dept × q)
   of a department's individuals, q read at that department's final grade;
   bands without the map keep their ``quota`` per department; candidates go in
   score-then-id order, vetoed members take no place and never sit in a quota
   band, members pushed out of a full band try the next ones. The grades, ranks,
   quota places and tie-at-the-cut warnings are compared with the program's,
   and no department's quota may be exceeded.

Arithmetic is exact (``Fraction``); every published step is rounded half away
from zero to 2 decimals (ρ to 6) and later steps use the rounded value, as
method §5 says. Nothing here calls the engine's step functions: the program is
only asked to score the period and to publish its sheets.
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.engine.results import Results
from kpi.io.inputs import Inputs
from kpi.report.tables import published_sheets

from .oracle_numbers import clamp, half_up, r2
from .oracle_vetoes import vetoed
from .strategies import BAND_NAMES, BASE, DEPARTMENT_NAMES, EVENT_CODES, POSTS, Case, dec, scored

D = Decimal
F = Fraction

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

MAIN_LEADER = "党工委书记"
LEADER_IN_CHARGE = "管委会副主任"
STAFF_ROLES = ("部长", "副部长", "职员")
LEVELS = ("国家", "省", "市")
PERIOD = "2024Q3"
FIRST_DAY = date(2024, 7, 1)
PERIOD_DAYS = 92


# =========================================================================== exact numbers


def fr(x: Decimal | int) -> Fraction:
    return F(x)


def places_for(n: int, q: Fraction, rounding: str) -> int:
    """n_q = floor | round (half up) | ceil of n × q (method §6.8)."""
    exact = n * q
    if rounding == "floor":
        return math.floor(exact)
    if rounding == "ceil":
        return math.ceil(exact)
    return math.floor(exact + F(1, 2))


# =========================================================================== oracle 1: §6.11


def curve_value(mode: str, points: list[tuple[Fraction, Fraction]], rho: Fraction | None) -> Fraction:
    """g(ρ) of method §6.11; ``rho`` None is a ratio above every point (反向 with actual 0)."""
    if rho is None:
        return points[-1][1]
    if mode == "step":
        # the y of the last point whose x ≤ ρ; 0 below every point
        value = F(0)
        for x, y in points:
            if x <= rho:
                value = y
        return value
    # linear: flat before the first point and after the last, straight lines between
    if rho <= points[0][0]:
        return points[0][1]
    if rho >= points[-1][0]:
        return points[-1][1]
    for (x0, y0), (x1, y1) in pairwise(points):
        if x0 <= rho <= x1:
            return y0 + (y1 - y0) * (rho - x0) / (x1 - x0)
    raise AssertionError(f"ρ = {rho} not located on {points}")


@dataclass(frozen=True)
class IndicatorRow:
    """What 指标明细 must show for one indicator."""

    ratio: Decimal | None  # ρ to 6 decimals; blank for 评分 and for a curve's 反向 with actual 0
    ratio_capped: Decimal | None  # blank for 评分 and for every curve indicator
    late: bool
    factor: Decimal
    score: Decimal
    effective_weight: Decimal
    curve: str | None


def expected_indicator(row: dict[str, Any], curve: str | None, rules: dict[str, Any]) -> IndicatorRow:
    """s_k of method §6.2 (no curve) or §6.11 (a curve), with e_k."""
    spec = rules["indicators"]
    weight = row["weight"] * spec["level_multiplier"][row["level"]]
    direction = row["direction"]
    if direction == "评分":  # the actual is the score: no ratio, no late factor
        return IndicatorRow(None, None, False, D(1), r2(fr(row["actual"])), weight, None)
    deadline, done = row["deadline"], row["completed_on"]
    late = deadline is not None and done is not None and done > deadline
    factor = spec["late_factor"] if late else D(1)
    actual, target = fr(row["actual"]), fr(row["target"])
    # 正向 actual/target; 反向 target/actual, with no finite value when actual is 0
    inverse = None if actual == 0 else target / actual
    rho: Fraction | None = actual / target if direction == "正向" else inverse
    if curve is not None:  # §6.11: ρ unclamped, g exact, the cap does not apply
        shape = spec["curves"][curve]
        points = [(fr(x), fr(y)) for x, y in shape["points"]]
        g = curve_value(shape["mode"], points, rho)
        ratio = None if rho is None else half_up(rho, 6)
        return IndicatorRow(ratio, None, late, factor, r2(g * fr(factor)), weight, curve)
    cap = fr(spec["cap"])
    plain = cap if rho is None else rho  # v1: 反向 with actual 0 gives ρ = cap
    capped = clamp(plain, F(0), cap)
    score = r2(100 * capped * fr(factor))
    return IndicatorRow(half_up(plain, 6), half_up(capped, 6), late, factor, score, weight, None)


def weighted_mean(terms: list[tuple[Fraction, Fraction]]) -> Decimal | None:
    """r2(Σ w x / Σ w), absent when there is nothing to weigh."""
    total = sum((w for w, _ in terms), F(0))
    if total == 0:
        return None
    return r2(sum((w * x for w, x in terms), F(0)) / total)


def net_points(events: list[dict[str, Any]], rules: dict[str, Any], cap: dict[str, Decimal]) -> Decimal:
    """P of method §6.1: per-code sums clamped to ±max_per_period, the net clamped to the cap."""
    catalogue = rules["points"]["events"]
    by_code: dict[str, Fraction] = {}
    for event in events:
        value = catalogue[event["code"]]["points"] if event["points"] is None else event["points"]
        by_code[event["code"]] = by_code.get(event["code"], F(0)) + fr(value)
    total = F(0)
    for code, summed in by_code.items():
        limit = catalogue[code].get("max_per_period")
        total += summed if limit is None else clamp(summed, -fr(limit), fr(limit))
    return r2(clamp(total, -fr(cap["deduct"]), fr(cap["add"])))


def rank_score(rank: int, participants: int, method: dict[str, Any]) -> Fraction:
    """q_k of method §6.3 (only percentile is rounded)."""
    if method["method"] == "table":
        table = method["table"]
        return fr(table[rank] if rank in table else method["default"])
    if method["method"] == "linear":
        return max(fr(method["floor"]), fr(method["top"]) - (rank - 1) * fr(method["step"]))
    top, bottom = fr(method["top"]), fr(method["bottom"])
    return fr(r2(top - F(rank - 1, participants - 1) * (top - bottom)))


@dataclass(frozen=True)
class DepartmentRow:
    indicator_score: Decimal | None
    city_score: Decimal | None
    points: Decimal
    score: Decimal
    vetoed: bool


def expected_departments(scenario: Scenario, details: dict[str, IndicatorRow]) -> dict[str, DepartmentRow]:
    """I_d, C_d, P_d and D_d of method §6.2–6.4, from the published s_k and e_k."""
    case, rules = scenario.case, scenario.case.rules
    targets = {v["target"] for v in case.vetoes}
    city = {r["indicator"]: r for r in case.city_rankings}
    out: dict[str, DepartmentRow] = {}
    for department in (d["department"] for d in case.departments):
        own = [details[i["id"]] for i in case.indicators if i["department"] == department]
        indicator = weighted_mean([(fr(k.effective_weight), fr(k.score)) for k in own])
        shares = [s for s in case.city_shares if s["department"] == department]
        city_score = weighted_mean(
            [
                (
                    fr(city[s["indicator"]]["weight"]) * fr(s["share"]),
                    rank_score(
                        city[s["indicator"]]["rank"],
                        city[s["indicator"]]["participants"],
                        rules["weighting"]["rank_score"],
                    ),
                )
                for s in shares
            ]
        )
        weights = rules["department"]["weights"]
        parts = [(fr(weights["indicators"]), fr(indicator))] if indicator is not None else []
        if city_score is not None:
            parts.append((fr(weights["city"]), fr(city_score)))
        weighted = weighted_mean(parts)
        assert weighted is not None, department
        events = [e for e in case.points if e["target"] == department]
        points = net_points(events, rules, rules["points"]["department_cap"])
        score = weighted + points
        if department in targets:
            score = r2(min(fr(score), fr(rules["veto"]["score_cap"])))
        out[department] = DepartmentRow(indicator, city_score, points, score, department in targets)
    return out


# =========================================================================== oracle 2: §6.12


@dataclass(frozen=True)
class Member:
    key: str
    score: Decimal
    vetoed: bool
    group: str  # the quota group: a department for individuals, "" zone-wide


@dataclass
class Grading:
    grades: dict[str, str] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)
    #: (band, group) → n_q for every band that has a quota in that group
    places: dict[tuple[str, str], int] = field(default_factory=dict)
    #: (band, group, last admitted, first turned away) when those two scores are equal
    ties: list[tuple[str, str, str, str]] = field(default_factory=list)


#: band index, quota group → q (None: no quota in that band for that group)
QuotaOf = Callable[[int, str], Fraction | None]


def grade(members: list[Member], rules: dict[str, Any], quota_of: QuotaOf) -> Grading:
    """Method §6.8 with the decisions of §9: bands by min, quotas in score-then-id order, vetoes, ties."""
    bands = rules["grades"]["bands"]
    rounding = rules["grades"]["quota_rounding"]
    names = [b["name"] for b in bands]
    cap_index = names.index(rules["veto"]["max_grade"])
    sizes = Counter(m.group for m in members)  # vetoed members count in n
    out = Grading()
    for group, n in sizes.items():
        for i, name in enumerate(names):
            q = quota_of(i, group)
            if q is not None:
                out.places[(name, group)] = places_for(n, q, rounding)
    for m in members:
        out.ranks[m.key] = 1 + sum(other.score > m.score for other in members)
    used: Counter[tuple[str, str]] = Counter()
    last: dict[tuple[str, str], Member] = {}
    turned: set[tuple[str, str]] = set()
    for m in sorted(members, key=lambda m: (-m.score, m.key)):  # ids by code point
        reached = next((i for i, b in enumerate(bands) if m.score >= b["min"]), len(bands) - 1)
        if m.vetoed:
            # at most max_grade, then down to a band without a quota: no place taken
            index = max(reached, cap_index)
            while quota_of(index, m.group) is not None:
                index += 1
            out.grades[m.key] = names[index]
            continue
        index = reached
        while (slot := (names[index], m.group)) in out.places and used[slot] >= out.places[slot]:
            if slot not in turned:
                turned.add(slot)
                if slot in last and last[slot].score == m.score:
                    out.ties.append((slot[0], slot[1], last[slot].key, m.key))
            index += 1  # the strategy keeps the lowest band free of quota
        if slot in out.places:
            used[slot] += 1
            last[slot] = m
        out.grades[m.key] = names[index]
    return out


def band_quota(rules: dict[str, Any]) -> QuotaOf:
    """Departments and leaders: the band's own ``quota`` (none when it has none)."""
    bands = rules["grades"]["bands"]

    def quota_of(index: int, group: str) -> Fraction | None:
        q = bands[index].get("quota")
        return None if q is None else fr(q)

    return quota_of


def individual_quota(rules: dict[str, Any], department_grades: dict[str, str]) -> QuotaOf:
    """Individuals (method §6.12): a band with ``quota_by_department_grade`` takes q at the
    grade of the member's department — a quota band in every department, even at q = 0;
    a band without the map keeps its ``quota``, counted per department."""
    bands = rules["grades"]["bands"]

    def quota_of(index: int, department: str) -> Fraction | None:
        by_grade = bands[index].get("quota_by_department_grade")
        if by_grade is not None:
            return fr(by_grade[department_grades[department]])
        q = bands[index].get("quota")
        return None if q is None else fr(q)

    return quota_of


def expected_individual_scores(
    scenario: Scenario, departments: dict[str, DepartmentRow]
) -> dict[str, tuple[Decimal, bool]]:
    """S of method §6.6 with the veto cascade of §6.7: id → (score, vetoed)."""
    case, rules = scenario.case, scenario.case.rules
    reached = vetoed(case)
    out: dict[str, tuple[Decimal, bool]] = {}
    for person in case.people:
        if person["department"] is None:  # a leader
            continue
        department = person["department"]
        events = [e for e in case.points if e["target"] == person["id"]]
        p = net_points(events, rules, rules["points"]["person_cap"])
        q = r2(fr(rules["base_score"]) + fr(p))
        weights = rules["individual"].get("by_role", {}).get(person["role"], rules["individual"]["weights"])
        w_dep, w_per = fr(weights["department"]), fr(weights["personal"])
        score = r2((w_dep * fr(departments[department].score) + w_per * fr(q)) / (w_dep + w_per))
        if person["id"] in reached:
            score = r2(min(fr(score), fr(rules["veto"]["score_cap"])))
        out[person["id"]] = (score, person["id"] in reached)
    return out


# =========================================================================== scenarios


@dataclass
class Scenario:
    """A drawn period: the case (rules and sheets) and each indicator's 计分曲线."""

    case: Case
    curves: list[str | None]

    def inputs(self) -> Inputs:
        inputs = self.case.inputs()
        inputs.indicators["curve"] = list(self.curves)
        return inputs


def cents(lo: int, hi: int, places: int = 2) -> st.SearchStrategy[Decimal]:
    return st.integers(lo, hi).map(lambda n: dec(D(n).scaleb(-places)))


QUOTA = st.one_of(
    st.sampled_from((D(0), D("0.1"), D("0.125"), D("0.2"), D("0.25"), D("0.3"), D("0.5"), D(1))),
    cents(0, 100),
)
CURVE_X = st.lists(st.integers(0, 300), min_size=1, max_size=5, unique=True)
#: y mostly between 30 and 130, so departments land in every band
CURVE_Y = st.one_of(cents(3000, 13000), cents(3000, 13000), cents(0, 15000))


@st.composite
def curve_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A curve of method §6.11: x ≥ 0 strictly increasing, y ≥ 0 in any order."""
    mode = draw(st.sampled_from(("linear", "step")))
    xs = sorted(draw(CURVE_X))
    if mode == "linear" and len(xs) == 1:
        xs.append(xs[0] + draw(st.integers(1, 100)))
    return {"mode": mode, "points": [[dec(D(x).scaleb(-2)), draw(CURVE_Y)] for x in xs]}


@st.composite
def grade_rules(draw: st.DrawFn) -> dict[str, Any]:
    """Bands 优秀 / 良好 / 合格 / 不合格; the two upper ones may carry a quota and a map."""
    top = draw(st.sampled_from((D(90), D(95), D(100))))
    mins = [top, top - 10, D(60), D(0)]
    factors = [D("1.2"), D(1), D("0.8"), D(0)]
    tied = draw(st.integers(0, 7)) > 0  # most periods tie individual quotas to the grade
    bands: list[dict[str, Any]] = []
    for i, (name, low, factor) in enumerate(zip(BAND_NAMES, mins, factors, strict=True)):
        band: dict[str, Any] = {"name": name, "min": low, "factor": factor}
        if i < 2:
            if draw(st.booleans()):
                band["quota"] = draw(QUOTA)
            if tied and (draw(st.booleans()) or i == 0):
                band["quota_by_department_grade"] = {b: draw(QUOTA) for b in BAND_NAMES}
        bands.append(band)
    scope = "department" if tied else draw(st.sampled_from(("zone", "department")))
    rounding = draw(st.sampled_from(("floor", "round", "ceil")))
    return {"quota_scope": scope, "quota_rounding": rounding, "bands": bands}


RANK_METHODS = st.sampled_from(
    (
        {"method": "percentile", "top": D(100), "bottom": D(65)},
        {"method": "percentile", "top": D(100), "bottom": D("70.5")},
        {"method": "linear", "top": D(100), "step": D("4.5"), "floor": D(60)},
        {"method": "table", "table": {1: D(100), 2: D("96.5"), 3: D(92)}, "default": D(80)},
    )
)
WEIGHT_PAIRS = st.sampled_from(((D("0.4"), D("0.6")), (D(0), D(1)), (D(1), D(1)), (D("0.35"), D("0.65"))))


@st.composite
def rules_dicts(draw: st.DrawFn) -> dict[str, Any]:
    r: dict[str, Any] = {**copy.deepcopy(BASE), "name": "oracle"}
    names = [f"曲线{i + 1}" for i in range(draw(st.integers(1, 3)))]
    r["indicators"] = {
        "level_multiplier": {"国家": D("1.5"), "省": D("1.2"), "市": draw(st.sampled_from((D(1), D("0.7"))))},
        "cap": draw(st.sampled_from((D(1), D("1.2"), D("1.5")))),
        "late_factor": draw(st.sampled_from((D("0.5"), D("0.8"), D("0.75"), D(1)))),
        "curves": {name: draw(curve_specs()) for name in names},
    }
    r["weighting"] = {
        "rank_score": draw(RANK_METHODS),
        "leader_in_charge": {"zone": D("0.5"), "departments": D("0.5")},
    }
    r["department"] = {
        "weights": {
            "indicators": draw(st.sampled_from((D("0.6"), D(1), D("0.35")))),
            "city": draw(st.sampled_from((D("0.4"), D(1), D("0.65")))),
        }
    }
    w_dep, w_per = draw(WEIGHT_PAIRS)
    r["individual"] = {"weights": {"department": w_dep, "personal": w_per}}
    if draw(st.booleans()):
        r["individual"]["by_role"] = {"部长": {"department": D("0.7"), "personal": D("0.3")}}
    r["veto"] = {
        "items": ["全面从严治党", "安全生产"],
        "score_cap": draw(st.sampled_from((D(60), D(90), D(120)))),
        "max_grade": draw(st.sampled_from(BAND_NAMES)),
        "forfeit_bonus": draw(st.booleans()),
        "cascade": {
            "department_head": draw(st.booleans()),
            "leader_in_charge": draw(st.booleans()),
            "members": draw(st.booleans()),
        },
    }
    r["grades"] = draw(grade_rules())
    r["bonus"] = {"mode": "fixed", "yuan_per_point": D(100), "include_leaders": False}
    return r


def ratio_candidates(rules: dict[str, Any], curve: str | None) -> list[Fraction]:
    """Ratios worth hitting: each point, between two points, below the first, past the last
    (for a curve); the cap, around 1 and 0 (for the v1 formula)."""
    if curve is None:
        cap = fr(rules["indicators"]["cap"])
        return [cap, cap + F(1, 100), cap - F(1, 100), F(1), F(1, 2), F(0)]
    xs = [fr(x) for x, _ in rules["indicators"]["curves"][curve]["points"]]
    out = [*xs, xs[-1] + F(1, 4), xs[-1] * 2 + 1]
    out += [(a + b) / 2 for a, b in pairwise(xs)]
    out += [a + (b - a) / 3 for a, b in pairwise(xs)]
    if xs[0] > 0:
        out += [xs[0] / 2, xs[0] - F(1, 1000)]
    return out


@st.composite
def indicator_rows(
    draw: st.DrawFn, rules: dict[str, Any], department: str
) -> tuple[dict[str, Any], str | None]:
    """One 指标 row and its 计分曲线: ρ aimed at a point of interest, exactly or nearly."""
    direction = draw(st.sampled_from(("正向", "正向", "反向", "反向", "评分")))
    curve: str | None = None
    if direction != "评分" and draw(st.integers(0, 3)) > 0:
        curve = draw(st.sampled_from(sorted(rules["indicators"]["curves"])))
    if direction == "评分":
        target, actual = None, draw(cents(0, 10000))
    else:
        rho = draw(st.sampled_from(ratio_candidates(rules, curve)))
        how = draw(st.sampled_from(("exact", "exact", "near", "near", "free", "zero")))
        if how == "zero":  # 正向: ρ = 0; 反向: no finite ρ
            target, actual = draw(cents(1, 50000)), D(0)
        elif how == "free":
            target, actual = draw(cents(1, 50000)), draw(cents(0, 60000))
        else:
            if how == "exact":  # a base with 2 decimals: ρ × base is a short decimal
                base = fr(draw(cents(1, 50000)))
                other = rho * base
            else:  # a whole base: other / base is mostly not a finite decimal
                base = F(draw(st.integers(1, 999)))
                other = fr(r2(rho * base)) + F(draw(st.integers(-1, 1)), 100)
            other = max(other, F(1, 100))
            known, derived = (
                dec(D(base.numerator) / base.denominator),
                dec(D(other.numerator) / D(other.denominator)),
            )
            target, actual = (known, derived) if direction == "正向" else (derived, known)
    deadline = None if draw(st.booleans()) else date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 365)))
    shift = draw(st.sampled_from((None, 0, 1, -3, 20)))
    completed = None if shift is None else (deadline or date(2024, 7, 1)) + timedelta(days=shift)
    row = {
        "id": "",
        "name": "",
        "level": draw(st.sampled_from(LEVELS)),
        "department": department,
        "direction": direction,
        "target": target,
        "actual": actual,
        "weight": draw(cents(1, 100, 1)),
        "deadline": deadline,
        "completed_on": completed,
    }
    return row, curve


#: mostly whole points, so individuals often tie at a quota cut
EVENT_POINTS = st.one_of(st.none(), st.sampled_from((D(0), D(1), D(-1), D(3), D(-5))), cents(-500, 500, 1))


@st.composite
def events(draw: st.DrawFn, target: str, most: int) -> list[dict[str, Any]]:
    return [
        {
            "date": FIRST_DAY + timedelta(days=draw(st.integers(0, PERIOD_DAYS - 1))),
            "target": target,
            "code": draw(st.sampled_from(EVENT_CODES)),
            "points": draw(EVENT_POINTS),
            "reason": None,
        }
        for _ in range(draw(st.integers(0, most)))
    ]


@st.composite
def scenarios(draw: st.DrawFn, staff: int, fewest: int = 1) -> Scenario:
    """A period of ``fewest``–4 departments with 1–``staff`` individuals each, a main leader and
    one or two leaders in charge, curve and v1 indicators, city shares, points and vetoes."""
    rules = draw(rules_dicts())
    departments = draw(st.lists(st.sampled_from(DEPARTMENT_NAMES), min_size=fewest, max_size=4, unique=True))
    sizes = [draw(st.integers(1, staff)) for _ in departments]
    n_lic = draw(st.integers(1, 2))
    total = 1 + n_lic + sum(sizes)
    # ids of mixed lengths, so code-point order ("10" < "9") differs from numeric order
    ids = [str(i) for i in draw(st.permutations(range(1, 3 * total + 1)))[:total]]
    people: list[dict[str, Any]] = [
        {
            "id": pid,
            "name": f"领导{i}",
            "department": None,
            "post_category": None,
            "role": MAIN_LEADER if i == 0 else LEADER_IN_CHARGE,
            "bonus_base": D(1000),
            "months": None,
        }
        for i, pid in enumerate(ids[: 1 + n_lic])
    ]
    staff_ids = iter(ids[1 + n_lic :])
    for department, size in zip(departments, sizes, strict=True):
        for _ in range(size):
            pid = next(staff_ids)
            people.append(
                {
                    "id": pid,
                    "name": f"姓名{pid}",
                    "department": department,
                    "post_category": draw(st.sampled_from(POSTS)),
                    "role": draw(st.sampled_from(STAFF_ROLES)),
                    "bonus_base": D(1000),
                    "months": None,
                }
            )
    lics = ids[1 : 1 + n_lic]
    department_rows = [
        {"department": d, "leader_in_charge": draw(st.sampled_from(lics))} for d in departments
    ]

    drawn = [draw(indicator_rows(rules, d)) for d in departments for _ in range(draw(st.integers(1, 4)))]
    order = draw(st.permutations(range(len(drawn))))
    indicators, curves = [], []
    for k, i in enumerate(order):
        row, curve = drawn[i]
        indicators.append({**row, "id": f"K{k + 1}", "name": f"指标{k + 1}"})
        curves.append(curve)

    rankings, shares = [], []
    for k in range(draw(st.integers(1, 2))):
        name = f"市指标{k + 1}"
        participants = draw(st.integers(2, 8))
        rankings.append(
            {
                "indicator": name,
                "weight": draw(cents(1, 30, 1)),
                "rank": draw(st.integers(1, participants)),
                "participants": participants,
            }
        )
        bearers = draw(st.lists(st.sampled_from(departments), unique=True, max_size=2))
        split = [D(1)] if len(bearers) == 1 else draw(st.sampled_from(([D("0.5")] * 2, [D("0.3"), D("0.7")])))
        shares += [
            {"indicator": name, "department": d, "share": s} for d, s in zip(bearers, split, strict=False)
        ]

    points: list[dict[str, Any]] = []
    for department in departments:
        points += draw(events(department, 3))
    for person in people[1 + n_lic :]:
        points += draw(events(person["id"], 2))
    vetoes = [
        {
            "target": draw(st.sampled_from([*departments, *ids[1 + n_lic :]])),
            "item": "安全生产",
            "date": FIRST_DAY + timedelta(days=draw(st.integers(0, PERIOD_DAYS - 1))),
            "note": None,
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    case = Case(
        rules=rules,
        period=PERIOD,
        people=draw(st.permutations(people)),
        departments=department_rows,
        points=points,
        indicators=indicators,
        city_rankings=rankings,
        city_shares=shares,
        vetoes=vetoes,
    )
    return Scenario(case, curves)


# =========================================================================== reading the program


def published(results: Results, key: str) -> list[dict[str, Any]]:
    """The rows of a published sheet (zh values: 是/否), keyed by column key."""
    for sheet in published_sheets(results, "zh"):
        if sheet.key == key:
            columns = [c.key for c in sheet.columns]
            return [dict(zip(columns, row, strict=True)) for row in sheet.rows]
    raise AssertionError(f"no sheet {key}")


def flag(value: Any) -> bool:
    assert value in ("是", "否"), value
    return bool(value == "是")


def indicator_details(scenario: Scenario) -> dict[str, IndicatorRow]:
    rules = scenario.case.rules
    return {
        row["id"]: expected_indicator(row, curve, rules)
        for row, curve in zip(scenario.case.indicators, scenario.curves, strict=True)
    }


# =========================================================================== 1. curves


@SETTINGS
@given(scenarios(staff=3))
def test_curve_scores_and_department_scores_match_the_oracle(scenario: Scenario) -> None:
    """Method §6.11 (with §6.2–6.4): every 指标明细 row — ρ, 计分比率, late flag and
    factor, s_k, e_k, 计分曲线 — and every department's I_d, C_d, P_d and D_d equal
    the oracle's, to the cent (ρ to 6 decimals)."""
    results = scored(scenario.case, scenario.inputs())
    expected = indicator_details(scenario)

    rows = published(results, "indicator_detail")
    assert sorted(r["id"] for r in rows) == sorted(expected)
    for row in rows:
        want = expected[row["id"]]
        got = IndicatorRow(
            row["ratio"],
            row["ratio_capped"],
            flag(row["late"]),
            row["factor"],
            row["score"],
            row["effective_weight"],
            row["curve"],
        )
        assert got == want, (row["id"], row["direction"], row["target"], row["actual"], got, want)
        assert row["score"].as_tuple().exponent == -2, row

    departments = expected_departments(scenario, expected)
    for row in published(results, "departments"):
        got_d = DepartmentRow(
            row["indicator_score"], row["city_score"], row["points"], row["score"], flag(row["vetoed"])
        )
        assert got_d == departments[row["department"]], (row["department"], got_d)


# =========================================================================== 2. quotas


@SETTINGS
@given(scenarios(staff=10, fewest=2))
def test_individual_quotas_follow_the_department_grade(scenario: Scenario) -> None:
    """Method §6.12 (with §6.8 and the decisions of §9): departments graded zone-wide with the bands' own
    quotas; individuals per department with q from ``quota_by_department_grade`` at the
    department's final grade (the band's ``quota`` for a band without the map); grades,
    ranks, quota places and tie warnings as the oracle's; no quota exceeded."""
    rules = scenario.case.rules
    results = scored(scenario.case, scenario.inputs())

    # -- departments: scores recomputed (oracle 1), graded zone-wide
    departments = expected_departments(scenario, indicator_details(scenario))
    department_rows = published(results, "departments")
    assert {r["department"]: r["score"] for r in department_rows} == {
        d: row.score for d, row in departments.items()
    }
    dept = grade(
        [Member(d, row.score, row.vetoed, "") for d, row in departments.items()], rules, band_quota(rules)
    )
    assert {r["department"]: r["grade"] for r in department_rows} == dept.grades
    assert {r["department"]: r["rank"] for r in department_rows} == dept.ranks

    # -- individuals: scores recomputed, then the tied quotas
    scores = expected_individual_scores(scenario, departments)
    individual_rows = published(results, "individuals")
    assert {r["id"]: (r["score"], flag(r["vetoed"])) for r in individual_rows} == scores
    department_of = {r["id"]: r["department"] for r in individual_rows}
    by_department = rules["grades"]["quota_scope"] == "department"
    members = [
        Member(pid, score, vetoed, department_of[pid] if by_department else "")
        for pid, (score, vetoed) in scores.items()
    ]
    ind = grade(members, rules, individual_quota(rules, dept.grades) if by_department else band_quota(rules))
    got = {r["id"]: r["grade"] for r in individual_rows}
    assert got == ind.grades, {k: (got[k], v) for k, v in ind.grades.items() if got[k] != v}
    assert {r["id"]: r["rank"] for r in individual_rows} == ind.ranks

    # -- leaders keep the band quota (their scores are taken as published)
    leader_rows = published(results, "leaders")
    lead = grade(
        [Member(r["id"], r["score"], flag(r["vetoed"]), "") for r in leader_rows], rules, band_quota(rules)
    )
    assert {r["id"]: r["grade"] for r in leader_rows} == lead.grades

    # -- quota places per (band, group), as the program counts them
    assert results.quotas["departments"] == dept.places
    assert results.quotas["leaders"] == lead.places
    assert results.quotas["individuals"] == ind.places

    # -- invariant: no department holds more non-vetoed members in a quota band than n_q,
    #    and no vetoed individual sits in a band that is a quota band in its department
    held = Counter(
        (r["grade"], r["department"] if by_department else "")
        for r in individual_rows
        if not flag(r["vetoed"])
    )
    for slot, limit in ind.places.items():
        assert held[slot] <= limit, (slot, held[slot], limit)
    for r in individual_rows:
        if flag(r["vetoed"]):
            assert (r["grade"], r["department"] if by_department else "") not in ind.places, r

    # -- a tie at a quota cut is one warning naming the band, the last admitted and the first moved down
    ties = [str(w.message) for w in results.warnings if "tie at the quota cut" in str(w.message)]
    expected_ties = dept.ties + lead.ties + ind.ties
    assert len(ties) == len(expected_ties), (ties, expected_ties)
    for band, group, admitted, turned in expected_ties:
        assert any(
            band in text
            and group in text
            and f"{admitted} takes the last place" in text
            and f", {turned} does not" in text
            for text in ties
        ), (band, group, admitted, turned, ties)
