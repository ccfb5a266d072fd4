"""A second, independent reckoning of method §6.0 (service requests, the 1510 deadlines).

(docs/method.md tells the same steps.)

The oracle below is written from the method alone, in plain Python and exact
arithmetic (Fraction; r2 is half away from zero), and never calls kpi's
engine or working-day code. Hypothesis builds small periods — a random case
of the property strategies (a few people, departments, typed 点数 rows), a
``service`` section and a few dozen 企业诉求 rows received around the period's
edges, weekends, the rules' own holidays and make-up days and the statutory
ones — and the real program scores them. Every number the oracle can work out
is then compared with what the program publishes, to the cent:

* 诉求明细: which requests are listed, in 编号 order, with both deadlines, the
  input dates, the two 逾期 flags (blank when that deadline lies outside the
  period) and the codes made, in the method's order;
* the derived events themselves (date, 对象, 事项, 事由, 点数 blank);
* 点数明细: every (对象, 事项) row with its count, raw total, cap and the points
  counted after the per-code clamp — typed and derived events of one code
  together;
* each person's net points after the person cap, and what they feed: the
  personal score Q, the individual's S and the leader's L (taking the department
  scores D and the zone score Z as published, since requests never move them),
  the points reward and the bonus total.

Where the method leaves a choice the oracle takes the project's recorded one
(docs/decisions.md): a day on both lists — a listed day off that the statutory
table makes a make-up day — is worked; 点数明细 runs by target, then code;
生成事项 is blank when no code was made.

One test scores the cases in memory (many examples); the other writes them as
a user would — an .xlsx workbook and a YAML rules file — and reads the JSON
export, so the reader's handling of the new sheet and section is covered too.
"""

from __future__ import annotations

import copy
import json
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from kpi import api
from kpi.engine.results import Results
from kpi.errors import ComputeError
from kpi.io.inputs import Inputs
from kpi.periods import Period

from .oracle_numbers import clamp, r2, round0
from .strategies import Case, cases, scored, yaml_text

D = Decimal

# --------------------------------------------------------------------------- the calendar
#
# The statutory table, typed in from the State Council's notices on the public
# holidays of 2024 (国办发明电〔2023〕7号) and 2025 (国办发明电〔2024〕12号), as far
# as the generated dates can reach: requests are received at most a month
# before 2024 or after it, and their deadlines stay before the Qingming
# festival of 2025. Nothing in November and December 2023 is a statutory day.

TABLE_FROM, TABLE_TO = date(2023, 11, 1), date(2025, 3, 31)


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


STATUTORY_OFF = frozenset(
    [
        date(2024, 1, 1),  # 元旦
        *_span(date(2024, 2, 10), date(2024, 2, 17)),  # 春节
        *_span(date(2024, 4, 4), date(2024, 4, 6)),  # 清明节
        *_span(date(2024, 5, 1), date(2024, 5, 5)),  # 劳动节
        date(2024, 6, 10),  # 端午节
        *_span(date(2024, 9, 15), date(2024, 9, 17)),  # 中秋节
        *_span(date(2024, 10, 1), date(2024, 10, 7)),  # 国庆节
        date(2025, 1, 1),  # 元旦
        *_span(date(2025, 1, 28), date(2025, 2, 4)),  # 春节
    ]
)
STATUTORY_ON = frozenset(
    [
        date(2024, 2, 4),
        date(2024, 2, 18),
        date(2024, 4, 7),
        date(2024, 4, 28),
        date(2024, 5, 11),
        date(2024, 9, 14),
        date(2024, 9, 29),
        date(2024, 10, 12),
        date(2025, 1, 26),
        date(2025, 2, 8),
    ]
)


@dataclass(frozen=True)
class Calendar:
    """The working days of method §6.0: a listed working day, or Monday–Friday not listed off."""

    holidays: frozenset[date]
    workdays: frozenset[date]

    @staticmethod
    def of(statutory: bool, holidays: list[date], workdays: list[date]) -> Calendar:
        # With the statutory table, its holidays join the rules' holidays and its
        # make-up days join the rules' working days; the definition then decides a
        # day that ends up on both lists (a listed working day works).
        off, on = set(holidays), set(workdays)
        if statutory:
            off |= STATUTORY_OFF
            on |= STATUTORY_ON
        return Calendar(frozenset(off), frozenset(on))

    def working(self, day: date) -> bool:
        assert TABLE_FROM <= day <= TABLE_TO, f"{day} lies outside the typed-in table"
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)

    def wd(self, day: date, n: int) -> date:
        """The n-th working day strictly after ``day`` (n = 0: the day itself)."""
        found = 0
        while found < n:
            day += timedelta(days=1)
            found += self.working(day)
        return day


# --------------------------------------------------------------------------- the oracle


@dataclass(frozen=True)
class Request:
    id: str
    company: str
    handler: str
    kind: str
    received: date
    responded: date | None
    resolved: date | None


@dataclass(frozen=True)
class Event:
    """A points event: typed in 点数 or made from a request (points None: the code's default)."""

    day: date
    target: str
    code: str
    points: Decimal | None
    reason: str | None


@dataclass
class Expected:
    detail: list[list[Any]]  # 诉求明细, published column order
    derived: list[Event]
    ledger: list[list[Any]]  # 点数明细: target, code, name, events, raw_total, code_cap, counted
    net: dict[str, Decimal]  # every target's published net points


def service_oracle(service: dict[str, Any], period: Period, requests: list[Request]) -> Expected:
    """诉求明细 and the derived events of method §6.0 for ``period``."""
    cal = service["calendar"]
    calendar = Calendar.of(cal["statutory"], cal.get("holidays") or [], cal.get("workdays") or [])
    codes = service["events"]
    on_time_code: str | None = codes.get("on_time")

    def inside(day: date) -> bool:
        return period.first_day <= day <= period.last_day

    rows: list[list[Any]] = []
    derived: list[Event] = []
    for q in sorted(requests, key=lambda q: q.id):  # 编号 by code point
        respond_by = calendar.wd(q.received, service["respond_days"])
        resolve_by = calendar.wd(q.received, service["resolve_days"][q.kind])
        # Settling answers a request: without 回应日期 the 办结日期 is the response.
        answered = q.responded if q.responded is not None else q.resolved
        late_response = answered is None or answered > respond_by
        late_resolution = q.resolved is None or q.resolved > resolve_by
        # Each check belongs to the period holding its deadline, and to no other.
        made: list[tuple[date, str]] = []
        if inside(respond_by) and late_response:
            made.append((respond_by, codes["late_response"]))
        if inside(resolve_by) and late_resolution:
            made.append((resolve_by, codes["late_resolution"]))
        # The reward needs both checks on time, whichever period the response check fell in.
        if on_time_code is not None and inside(resolve_by) and not late_response and not late_resolution:
            made.append((resolve_by, on_time_code))
        derived += [Event(day, q.handler, code, None, f"企业诉求 {q.id}") for day, code in made]
        if not (inside(respond_by) or inside(resolve_by)):
            continue  # both deadlines elsewhere: not listed, nothing made
        rows.append(
            [
                q.id,
                q.company,
                q.handler,
                q.kind,
                q.received,
                respond_by,
                q.responded,  # the input cell, blank when only 办结日期 answered
                late_response if inside(respond_by) else None,
                resolve_by,
                q.resolved,
                late_resolution if inside(resolve_by) else None,
                ",".join(code for _, code in made) or None,
            ]
        )
    return Expected(detail=rows, derived=derived, ledger=[], net={})


def points_oracle(rules: dict[str, Any], events: list[Event], people: set[str], expected: Expected) -> None:
    """点数明细 and net points (method §6.1, with the derived events among the typed ones)."""
    catalogue = rules["points"]["events"]
    by_pair: dict[tuple[str, str], list[Fraction]] = defaultdict(list)
    for e in events:
        value = e.points if e.points is not None else catalogue[e.code]["points"]
        by_pair[(e.target, e.code)].append(Fraction(value))
    totals: dict[str, Fraction] = defaultdict(Fraction)
    ledger = []
    for (target, code), values in sorted(by_pair.items()):  # by target, then code (code point)
        raw = sum(values, Fraction(0))
        cap = catalogue[code].get("max_per_period")
        counted = raw if cap is None else clamp(raw, -Fraction(cap), Fraction(cap))
        totals[target] += counted
        ledger.append([target, code, catalogue[code]["name"], len(values), raw, cap, counted])
    expected.ledger = ledger
    for target, total in totals.items():
        which = "person_cap" if target in people else "department_cap"
        cap = rules["points"][which]
        expected.net[target] = r2(clamp(total, -Fraction(cap["deduct"]), Fraction(cap["add"])))
    for person in people:
        expected.net.setdefault(person, D("0.00"))


# --------------------------------------------------------------------------- scenarios

#: Codes the checks may use: the three service codes and two of the catalogue's own, so
#: that derived events share a code's clamp with typed ones (and two checks may share one).
CHECK_CODES = ("S01", "S02", "S03", "A01", "B01")
KINDS = ("一般", "特殊", "即办")
POINT_VALUES = st.one_of(
    st.integers(-300, 300).map(lambda n: D(n) / 100),
    st.integers(-3000, 3000).map(lambda n: D(n) / 1000),  # a third decimal: r2 of the net matters
)
CAPS = st.one_of(st.none(), st.integers(0, 40).map(lambda n: D(n) / 10))


@dataclass
class Scenario:
    case: Case
    requests: list[Request]

    @property
    def period(self) -> Period:
        return self.case.period_obj()


def _requarter(case: Case, quarter: int) -> Case:
    """The same case moved to another quarter of its year (its dated rows moved along)."""
    old = case.period_obj()
    new = Period.parse(f"{old.year}Q{quarter}")
    span = (new.last_day - new.first_day).days + 1

    def move(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {**r, "date": new.first_day + timedelta(days=(r["date"] - old.first_day).days % span)}
            for r in rows
        ]

    return replace(case, period=str(new), points=move(case.points), vetoes=move(case.vetoes))


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    case = draw(cases(max_people=6, max_events=12))
    if "Q" in case.period:  # the strategies give Q1, Q3 and the year: reach Q2 and Q4 too
        case = _requarter(case, draw(st.integers(1, 4)))
    period = case.period_obj()
    first, last = period.first_day, period.last_day
    ids = [p["id"] for p in case.people]

    # Days near the period's two edges (and, less often, anywhere a month around it).
    near = st.one_of(
        st.integers(-25, 12).map(lambda k: first + timedelta(days=k)),
        st.integers(-20, 25).map(lambda k: last + timedelta(days=k)),
        st.integers(-30, (last - first).days + 30).map(lambda k: first + timedelta(days=k)),
    )

    rules = copy.deepcopy(case.rules)
    events = rules["points"]["events"]
    for code, name in (("S01", "诉求逾期回应"), ("S02", "诉求逾期办结"), ("S03", "诉求按时办结")):
        events[code] = {"name": name, "points": draw(POINT_VALUES)}
        cap = draw(CAPS)
        if cap is not None:
            events[code]["max_per_period"] = cap
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=3, unique=True))
    # The rules' own lists also pick statutory days, so that a listed day off can be a
    # make-up day of the table (and a listed working day a statutory holiday).
    table = [d for d in sorted(STATUTORY_OFF | STATUTORY_ON) if first - timedelta(days=30) <= d <= last]
    listed = st.one_of(near, st.sampled_from(table)) if table else near
    holidays = draw(st.lists(listed, max_size=6, unique=True))
    workdays = draw(st.lists(listed.filter(lambda d: d not in holidays), max_size=4, unique=True))
    calendar: dict[str, Any] = {"statutory": draw(st.booleans())}
    write_empty = draw(st.booleans())  # an empty list written out, or the key left out
    if holidays or write_empty:
        calendar["holidays"] = holidays
    if workdays or write_empty:
        calendar["workdays"] = workdays
    checks: dict[str, Any] = {
        "late_response": draw(st.sampled_from(CHECK_CODES)),
        "late_resolution": draw(st.sampled_from(CHECK_CODES)),
    }
    if draw(st.integers(0, 3)):
        checks["on_time"] = draw(st.sampled_from(CHECK_CODES))
    rules["service"] = {
        "respond_days": draw(st.sampled_from((1, 1, 0, 2, 3))),
        "resolve_days": {k: draw(st.integers(0, 12)) for k in kinds},
        "calendar": calendar,
        "events": checks,
    }

    numbers = draw(st.lists(st.integers(1, 120), min_size=4, max_size=30, unique=True))
    later = st.one_of(st.none(), st.integers(0, 18))
    requests = []
    for n in numbers:
        received = draw(near)
        answer, settle = draw(later), draw(later)
        requests.append(
            Request(
                id=f"R{n}",  # "R10" sorts before "R9": 编号 order is by code point
                company=f"企业{n}",
                handler=draw(st.sampled_from(ids)),
                kind=draw(st.sampled_from(kinds)),
                received=received,
                responded=None if answer is None else received + timedelta(days=answer),
                resolved=None if settle is None else received + timedelta(days=settle),
            )
        )
    # A few typed rows of the service codes on the handlers: they share the code's clamp.
    typed = draw(
        st.lists(
            st.tuples(
                st.sampled_from(ids),
                st.sampled_from(("S01", "S02", "S03")),
                st.integers(0, (last - first).days),
                st.one_of(st.none(), POINT_VALUES),
            ),
            max_size=4,
        )
    )
    extra = [
        {"date": first + timedelta(days=k), "target": t, "code": c, "points": p, "reason": "督办"}
        for t, c, k, p in typed
    ]
    case = replace(case, rules=rules, points=[*case.points, *extra])
    return Scenario(case=case, requests=requests)


def request_frame(requests: list[Request]) -> pd.DataFrame:
    """The 企业诉求 frame as the reader hands it over (Python values, None for blank)."""
    columns = ("id", "company", "handler", "kind", "received", "responded", "resolved")
    frame = pd.DataFrame({c: pd.Series([getattr(q, c) for q in requests], dtype=object) for c in columns})
    frame["row"] = list(range(2, 2 + len(requests)))
    return frame


# --------------------------------------------------------------------------- the comparison


def published(results: Results) -> dict[str, list[dict[str, str | None]]]:
    """The JSON export's sheets as rows of {column: published text}."""
    with tempfile.TemporaryDirectory() as folder:
        out = api.save_results(results, Path(folder) / "results.json", "json", lang="zh")
        document = json.loads(out.read_text(encoding="utf-8"))
    return {
        name: [dict(zip(sheet["columns"], row, strict=True)) for row in sheet["rows"]]
        for name, sheet in document["sheets"].items()
    }


def text(value: Any) -> str | None:
    """How the JSON export writes a text, date or flag of the oracle (dates ISO, flags 是/否)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


CENTS = re.compile(r"-?[0-9]+\.[0-9]{2}")


def cents(value: str | None) -> Decimal:
    """A published score or points value: two decimals, read back as the number it is.

    Compared by value, so a published ``-0.00`` (the sign of a tiny negative total
    rounded to nothing) equals the oracle's 0.00.
    """
    assert value is not None and CENTS.fullmatch(value), value
    return D(value)


def number(value: str | None) -> Decimal | None:
    return None if value is None else D(value)


def exact(value: str | None) -> Fraction:
    """A published number that must be there, as an exact fraction."""
    assert value is not None
    return Fraction(D(value))


def compare(scenario: Scenario, results: Results) -> None:
    case = scenario.case
    rules = case.rules
    expected = service_oracle(rules["service"], scenario.period, scenario.requests)
    people = {p["id"] for p in case.people}
    typed = [Event(r["date"], r["target"], r["code"], r["points"], r["reason"]) for r in case.points]
    points_oracle(rules, [*typed, *expected.derived], people, expected)
    sheets = published(results)

    # 诉求明细, row by row in 编号 order.
    detail_columns = [
        "id", "company", "handler", "kind", "received", "respond_by", "responded",
        "late_response", "resolve_by", "resolved", "late_resolution", "codes",
    ]  # fmt: skip
    got = [[row[c] for c in detail_columns] for row in sheets["service_detail"]]
    assert got == [[text(v) for v in row] for row in expected.detail]

    # The derived events (the program's order is its own: compared as a multiset).
    events = results.service_events
    assert events is not None
    made = sorted(
        zip(events["date"], events["target"], events["code"], events["points"], events["reason"], strict=True)
    )
    assert made == sorted((e.day, e.target, e.code, e.points, e.reason) for e in expected.derived)

    # 点数明细: counts, raw totals, caps and counted points, to the cent.
    ledger_columns = ["target", "code", "name", "events", "raw_total", "code_cap", "counted"]
    got_ledger = [[row[c] for c in ledger_columns] for row in sheets["points_ledger"]]
    want_ledger = [
        [t, c, n, str(k), r2(raw), cap, r2(counted)] for t, c, n, k, raw, cap, counted in expected.ledger
    ]
    assert [[*r[:4], cents(r[4]), number(r[5]), cents(r[6])] for r in got_ledger] == want_ledger

    # Net points and what they feed: Q, S, L, the points reward and the total.
    net = expected.net
    base = Fraction(rules["base_score"])
    cap_score = Fraction(rules["veto"]["score_cap"])
    departments = {row["department"]: row for row in sheets["departments"]}
    vetoed: dict[str, bool] = {}
    weights = rules["individual"]
    for row in sheets["individuals"]:
        pid = row["id"]
        assert pid is not None
        p = Fraction(net[pid])
        assert cents(row["points"]) == net[pid], pid
        q = Fraction(r2(base + p))
        assert cents(row["personal_score"]) == r2(q), pid
        person = next(x for x in case.people if x["id"] == pid)
        w = (weights.get("by_role") or {}).get(person["role"], weights["weights"])
        dep = exact(departments[person["department"]]["score"])
        s = Fraction(
            r2(
                (Fraction(w["department"]) * dep + Fraction(w["personal"]) * q)
                / Fraction(w["department"] + w["personal"])
            )
        )
        vetoed[pid] = row["vetoed"] == "是"
        if vetoed[pid]:
            s = min(s, cap_score)
        assert cents(row["score"]) == r2(s), pid
    lic = rules["weighting"]["leader_in_charge"]
    for row in sheets["leaders"]:
        pid = row["id"]
        assert pid is not None
        p = Fraction(net[pid])
        assert cents(row["points"]) == net[pid], pid
        z = exact(row["zone_score"])
        mean = row["departments_mean"]
        if row["kind"] == "分管领导" and mean is not None:
            alpha, beta = Fraction(lic["zone"]), Fraction(lic["departments"])
            score = Fraction(r2((alpha * z + beta * Fraction(D(mean))) / (alpha + beta))) + p
        else:
            score = z + p
        vetoed[pid] = row["vetoed"] == "是"
        if vetoed[pid]:
            score = min(score, cap_score)
        assert cents(row["score"]) == r2(score), pid
    per_point = Fraction(rules["bonus"]["yuan_per_point"])
    forfeit = rules["veto"]["forfeit_bonus"]
    for row in sheets["bonus"]:
        pid = row["id"]
        assert pid is not None
        if forfeit and vetoed[pid]:
            assert (row["points_reward"], row["total"]) == ("0", "0"), pid
            continue
        reward = round0(per_point * Fraction(net[pid]))
        assert row["points_reward"] == str(reward), pid
        assert row["total"] == str(max(0, int(row["bonus"] or 0) + reward)), pid

    # Departments' points come from typed rows only: the same reckoning must hold there.
    for name, row in departments.items():
        assert name is not None
        assert cents(row["points"]) == net.get(name, 0), name


# --------------------------------------------------------------------------- the tests


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_service_numbers_equal_the_oracle(scenario: Scenario) -> None:
    case = scenario.case
    inputs: Inputs = replace(case.inputs(), service_requests=request_frame(scenario.requests))
    compare(scenario, scored(case, inputs))


def _yaml(value: Any) -> str:
    """The rules as YAML flow text; dates unquoted (YAML dates), the rest as the strategies write it."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_text(k)}: {_yaml(v)}" for k, v in value.items() if v is not None) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, date):
        return value.isoformat()
    return yaml_text(value)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_service_numbers_through_the_files_equal_the_oracle(scenario: Scenario) -> None:
    case = scenario.case
    with tempfile.TemporaryDirectory() as folder:
        book_path, rules_path = Path(folder) / "input.xlsx", Path(folder) / "rules.yaml"
        case.write_workbook(book_path)
        book = openpyxl.load_workbook(book_path)
        sheet = book.create_sheet("企业诉求")
        sheet.append(["编号", "企业", "负责人", "类别", "受理日期", "回应日期", "办结日期"])
        for q in scenario.requests:
            sheet.append([q.id, q.company, q.handler, q.kind, q.received, q.responded, q.resolved])
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        book.save(book_path)
        rules_path.write_text(_yaml(case.rules) + "\n", encoding="utf-8")
        try:
            results = api.run(book_path, rules_path, scenario.period)
        except ComputeError as error:
            if any("bonus weight u is 0" in p.message for p in error.problems):
                reject()
            raise
    compare(scenario, results)
