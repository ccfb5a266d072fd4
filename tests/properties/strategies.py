"""Random valid KPI cases for the property tests, built without Excel.

A :class:`Case` holds the rules as a plain dict and every input sheet as a list
of row dicts keyed by the canonical column names of :mod:`kpi.io.inputs`. It
turns itself into the exact :class:`~kpi.io.inputs.Inputs` frames the reader
would produce (object columns of Python values, ``None`` for blank, a 1-based
``row`` column), into a :class:`~kpi.rules.loader.RulesFile`, and — for the
few workbook-level examples — into an ``.xlsx`` workbook and a YAML rules file.

Every number is generated the way the reader would hand it over: through
:func:`kpi.numbers.from_float`, so ``1.50`` is ``Decimal('1.5')`` here just as
it is after a round trip through a spreadsheet cell.

The cases satisfy every invariant the reader guarantees (method §3, §9): unique
ids, ids disjoint from department names, each department's 分管领导 a leader in
charge, each department with at least one indicator or city share, shares of
one city indicator summing exactly to 1, ranks within participants, dates of
点数 and 否决 inside the period, the role-coefficient table listing every role
of the bonus population. The rules keep the lowest band free of quota and all
department weights and level multipliers positive, so that the engine's own
(legitimate) compute errors — an unscorable department, a full lowest band —
cannot arise. The one compute error left is "pool mode with Σu = 0"; tests
reject those examples with :func:`scored`.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import reject
from hypothesis import strategies as st
from support.rules import BASE as SHARED_BASE

from kpi.engine.results import Results
from kpi.engine.run import score
from kpi.errors import ComputeError
from kpi.io.inputs import COLUMNS, Inputs, empty_frame
from kpi.numbers import from_float
from kpi.periods import Period
from kpi.rules.loader import RulesFile
from kpi.rules.schema import Rules

D = Decimal


def dec(x: Any) -> Decimal:
    """The Decimal a spreadsheet cell holding ``x`` reads back as."""
    return from_float(float(x))


MAIN_LEADER_ROLES = ("党工委书记", "管委会主任")
LEADER_IN_CHARGE_ROLE = "管委会副主任"
STAFF_ROLES = ("部长", "副部长", "职员")
POSTS = ("招商", "企业服务", "综合保障")
LEVELS = ("国家", "省", "市")
DIRECTIONS = ("正向", "反向", "评分")
VETO_ITEMS = ("全面从严治党", "安全生产")
DEPARTMENT_NAMES = ("招商一部", "招商二部", "企业服务部", "综合办公室", "财政金融部", "规划建设部")
EVENT_CODES = ("A01", "A02", "B01", "B02", "C01")
BAND_NAMES = ("优秀", "良好", "合格", "不合格")
TABLE_RANKS = 12  # participants never exceed this, so a full table needs no default


#: The worked-quarter rules (shared with the engine unit tests), renamed.
BASE: dict[str, Any] = {**copy.deepcopy(SHARED_BASE), "name": "property"}


# --------------------------------------------------------------------------- the case


@dataclass
class Case:
    """One period's rules and input rows (canonical keys, reader-typed values)."""

    rules: dict[str, Any]
    period: str
    people: list[dict[str, Any]]
    departments: list[dict[str, Any]]
    points: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    city_rankings: list[dict[str, Any]]
    city_shares: list[dict[str, Any]]
    vetoes: list[dict[str, Any]]
    path: str = field(default="<generated>")

    # -- what the engine consumes ------------------------------------------------

    def rules_file(self) -> RulesFile:
        return RulesFile(rules=Rules.model_validate(self.rules), path="<test>", sha256="", lines={})

    def period_obj(self) -> Period:
        return Period.parse(self.period)

    def inputs(self) -> Inputs:
        return Inputs(
            path=self.path,
            sha256="0" * 64,
            people=_frame("people", self.people),
            departments=_frame("departments", self.departments),
            points=_frame("points", self.points),
            indicators=_frame("indicators", self.indicators),
            city_rankings=_frame("city_rankings", self.city_rankings),
            city_shares=_frame("city_shares", self.city_shares),
            vetoes=_frame("vetoes", self.vetoes),
        )

    def with_rows(self, sheet: str, rows: list[dict[str, Any]]) -> Case:
        """A copy with ``rows`` appended to ``sheet``."""
        changes: dict[str, Any] = {sheet: [*getattr(self, sheet), *rows]}
        return replace(self, **changes)

    # -- views used by the properties --------------------------------------------

    @property
    def rules_model(self) -> Rules:
        return Rules.model_validate(self.rules)

    # -- what a user would hand to the CLI ----------------------------------------

    def write_workbook(self, path: Path) -> None:
        """The input workbook with the Chinese sheet and column names of method §3."""
        import openpyxl

        from kpi.io.names import COLUMN_NAMES, SHEET_NAMES

        book = openpyxl.Workbook()
        book.remove(book.active)
        for sheet in COLUMNS:
            ws = book.create_sheet(SHEET_NAMES[sheet][0])
            columns = COLUMNS[sheet]
            ws.append([COLUMN_NAMES[sheet][c][0] for c in columns])
            for record in getattr(self, sheet):
                ws.append([_cell(record[c]) for c in columns])
        book.save(path)

    def rules_yaml(self) -> str:
        return yaml_text(self.rules)


def _frame(sheet: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        return empty_frame(sheet)
    frame = pd.DataFrame(
        [[r[c] for c in COLUMNS[sheet]] for r in rows], columns=list(COLUMNS[sheet]), dtype=object
    )
    frame["row"] = np.arange(2, len(rows) + 2, dtype=np.int64)
    return frame


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def yaml_text(value: Any) -> str:
    """A YAML flow rendering of a rules dict, every number written exactly."""
    if isinstance(value, dict):
        items = [f"{yaml_text(k)}: {yaml_text(v)}" for k, v in value.items() if v is not None]
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_text(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {value!r} as YAML")


def scored(case: Case, inputs: Inputs | None = None) -> Results:
    """Score a case; an example whose pool has no one to pay (Σu = 0) is rejected."""
    try:
        inputs = case.inputs() if inputs is None else inputs
        return score(inputs, case.rules_file(), case.period_obj())
    except ComputeError as error:
        if any("bonus weight u is 0" in p.message for p in error.problems):
            reject()
        raise


def frame_rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """A frame's rows as (type name, text) cells, for exact comparisons."""
    return [
        tuple((type(v).__name__, str(v)) for v in row) for row in frame.itertuples(index=False, name=None)
    ]


# --------------------------------------------------------------------------- rules
#
# Strategies are built once, at import: building them inside each draw costs
# more than the engine run itself. Choices among per-case lists (departments,
# ids) draw an index from a cached ``st.integers``.


@functools.cache
def _decimal(lo: int, hi: int, places: int = 2, positive: bool = False) -> st.SearchStrategy[Decimal]:
    """Decimals in [lo, hi] with up to ``places`` decimals (as the reader would give them)."""
    scale = 10**places
    first = max(lo * scale, 1) if positive else lo * scale
    return st.integers(first, hi * scale).map(lambda n: dec(D(n) / scale))


@functools.cache
def _below(n: int) -> st.SearchStrategy[int]:
    return st.integers(0, n - 1)


def _pick(draw: st.DrawFn, options: list[Any] | tuple[Any, ...]) -> Any:
    return options[draw(_below(len(options)))]


BOOL = st.booleans()
QUOTA = st.one_of(
    st.none(),
    st.sampled_from((D(0), D("0.1"), D("0.15"), D("0.2"), D("0.25"), D("0.5"), D(1))),
    _decimal(0, 1),
)
PERSON_CAPS = st.sampled_from((D(5), D(20)))
DEPARTMENT_CAPS = st.sampled_from((D(3), D(10)))
TABLE_SCORE = _decimal(60, 100, 1)
TABLE_DEFAULT = _decimal(50, 90, 1)
TABLE_RANK_SETS = st.lists(st.integers(1, 6), unique=True, max_size=6)
LIC_WEIGHTS = st.sampled_from(((D("0.5"), D("0.5")), (D(1), D(0)), (D(0), D(1)), (D("0.3"), D("0.7"))))
INDIVIDUAL_WEIGHTS = st.sampled_from(
    (
        (D("0.4"), D("0.6")),
        (D(0), D(1)),
        (D(1), D(0)),
        (D("0.35"), D("0.65")),
    )
)
#: Whole cents only: a finer cap is exceeded by the published (rounded) score,
#: a known problem kept in test_counterexamples.py.
SCORE_CAP = st.one_of(st.just(D(60)), _decimal(40, 85))
POOL = st.integers(0, 1_000_000).map(D)


@st.composite
def rules_dicts(draw: st.DrawFn, mode: str | None = None) -> dict[str, Any]:
    """BASE with every choice the properties care about varied (``mode`` fixes bonus.mode)."""
    r = copy.deepcopy(BASE)
    r["points"]["person_cap"] = {"add": draw(PERSON_CAPS), "deduct": draw(PERSON_CAPS)}
    r["points"]["department_cap"] = {"add": draw(DEPARTMENT_CAPS), "deduct": draw(DEPARTMENT_CAPS)}
    if draw(BOOL):
        del r["coefficients"]["role"]
    else:  # leaders listed too, for include_leaders
        r["coefficients"]["role"].update(dict.fromkeys((*MAIN_LEADER_ROLES, LEADER_IN_CHARGE_ROLE), D(2)))
    r["indicators"]["cap"] = _pick(draw, (D(1), D("1.2"), D("1.5")))
    r["indicators"]["late_factor"] = _pick(draw, (D("0.5"), D("0.8"), D(1)))
    method = _pick(draw, ("table", "table-full", "linear", "percentile"))
    if method == "table":
        ranks = sorted(draw(TABLE_RANK_SETS))
        r["weighting"]["rank_score"] = {
            "method": "table",
            "table": {k: draw(TABLE_SCORE) for k in ranks},
            "default": draw(TABLE_DEFAULT),
        }
    elif method == "table-full":
        r["weighting"]["rank_score"] = {
            "method": "table",
            "table": {k: D(100 - 3 * (k - 1)) for k in range(1, TABLE_RANKS + 1)},
        }
    elif method == "linear":
        r["weighting"]["rank_score"] = {
            "method": "linear",
            "top": D(100),
            "step": _pick(draw, (D(0), D(3), D("4.5"), D(10))),
            "floor": _pick(draw, (D(50), D(60), D("72.5"))),
        }
    else:
        r["weighting"]["rank_score"] = {
            "method": "percentile",
            "top": D(100),
            "bottom": _pick(draw, (D(60), D(65), D("70.5"))),
        }
    zone, departments = draw(LIC_WEIGHTS)
    r["weighting"]["leader_in_charge"] = {"zone": zone, "departments": departments}
    r["department"]["weights"] = {
        "indicators": _pick(draw, (D("0.6"), D(1), D("0.35"))),
        "city": _pick(draw, (D("0.4"), D(1), D("0.65"))),
    }
    w_dep, w_per = draw(INDIVIDUAL_WEIGHTS)
    r["individual"]["weights"] = {"department": w_dep, "personal": w_per}
    if draw(BOOL):
        del r["individual"]["by_role"]
    r["veto"]["score_cap"] = draw(SCORE_CAP)
    r["veto"]["max_grade"] = _pick(draw, ("不合格", "合格"))
    r["veto"]["forfeit_bonus"] = draw(BOOL)
    r["veto"]["cascade"] = {
        "department_head": draw(BOOL),
        "leader_in_charge": draw(BOOL),
        "members": draw(BOOL),
    }
    r["grades"]["quota_scope"] = _pick(draw, ("zone", "department"))
    r["grades"]["quota_rounding"] = _pick(draw, ("floor", "round", "ceil"))
    top = _pick(draw, (D(85), D(90), D("92.5"), D(95)))
    mins = [top, top - 10, D(60), _pick(draw, (D(0), D(30)))]
    quotas = [draw(QUOTA), draw(QUOTA), None, None]  # the lowest band never has a quota
    factors = [D("1.2"), D(1), D("0.8"), _pick(draw, (D(0), D("0.5")))]
    bands = []
    for name, low, quota, factor in zip(BAND_NAMES, mins, quotas, factors, strict=True):
        band = {"name": name, "min": low, "factor": factor}
        if quota is not None:
            band["quota"] = quota
        bands.append(band)
    r["grades"]["bands"] = bands
    mode = mode or _pick(draw, ("pool", "fixed"))
    r["bonus"] = {
        "mode": mode,
        "yuan_per_point": _pick(draw, (D(0), D(100), D("12.5"))),
        "include_leaders": draw(BOOL),
    }
    if mode == "pool":
        r["bonus"]["pool"] = draw(POOL)
    return r


# --------------------------------------------------------------------------- inputs

PERIODS = ("2024Q3", "2024Q1", "2024")
DEPARTMENT_SETS = st.lists(st.sampled_from(DEPARTMENT_NAMES), min_size=1, max_size=6, unique=True)
RANKING = st.tuples(_decimal(0, 5, 1, positive=True), st.integers(2, TABLE_RANKS))


def _date_in(draw: st.DrawFn, period: Period) -> date:
    span = (period.last_day - period.first_day).days
    return period.first_day + timedelta(days=draw(_below(span + 1)))


def _list(draw: st.DrawFn, max_size: int, make: Any) -> list[Any]:
    """A list of 0..max_size items, each made by ``make()``.

    Three lists in four have at most 10 items: long lists cost generation time
    and rarely find more than short ones.
    """
    size = draw(_below(max_size + 1)) if draw(_below(4)) == 0 else draw(_below(min(max_size, 10) + 1))
    return [make() for _ in range(size)]


class _Digits:
    """Mixed-radix digits of one drawn integer.

    A row with many fields (an event, a person) costs one hypothesis draw
    instead of one per field: per-draw overhead, not the engine, dominated the
    runtime. Shrinking the integer to 0 still turns every field into its first
    option.
    """

    def __init__(self, value: int) -> None:
        # Hypothesis favours small integers, which would leave the later digits
        # 0; an odd multiplier mod 2**96 spreads them while 0 still maps to 0.
        self.value = value * MIX % 2**96

    def take(self, n: int) -> int:
        self.value, digit = divmod(self.value, n)
        return digit

    def pick(self, options: tuple[Any, ...] | list[Any]) -> Any:
        return options[self.take(len(options))]

    def decimal(self, lo: int, hi: int, places: int) -> Decimal:
        scale = 10**places
        return dec(D(lo * scale + self.take((hi - lo) * scale + 1)) / scale)


PACKED = st.integers(0, 2**96 - 1)
MIX = 0x9E3779B97F4A7C15F39CC061
MONTH_CHOICES = (D(0), D("0.5"), D(1), D("1.5"), D(2), D("2.5"))


def _person(digits: _Digits, period: Period) -> tuple[Decimal, Decimal | None]:
    """(bonus_base, months) for one roster row."""
    base = D(digits.take(20001)) if digits.take(2) == 0 else digits.decimal(0, 20000, 2)
    kind = digits.take(4)
    months: Decimal | None
    if kind == 0:
        months = None
    elif kind == 1:
        months = digits.pick((*MONTH_CHOICES, D(period.months)))
    else:
        months = digits.decimal(0, period.months, 2)
    return base, months


def _event(digits: _Digits, period: Period, targets: list[str], hot: list[str]) -> dict[str, Any]:
    span = (period.last_day - period.first_day).days + 1
    kind = digits.take(4)
    points: Decimal | None
    if kind == 0:
        points = None
    elif kind == 1:
        points = D(0)
    elif kind == 2:
        points = digits.decimal(-5, 5, 0)
    else:
        points = digits.decimal(-5, 5, 2)
    return {
        "date": period.first_day + timedelta(days=digits.take(span)),
        # half the events hit a few targets, so per-code and per-target caps bind
        "target": digits.pick(hot if digits.take(2) else targets),
        "code": digits.pick(EVENT_CODES),
        "points": points,
        "reason": digits.pick((None, "事由")),
    }


@st.composite
def cases(draw: st.DrawFn, max_people: int = 40, max_events: int = 200, mode: str | None = None) -> Case:
    """A random valid case: rules, period and every input sheet."""
    rules = draw(rules_dicts(mode))
    period_text = _pick(draw, PERIODS)
    period = Period.parse(period_text)

    departments = draw(DEPARTMENT_SETS)
    n_main = draw(st.integers(1, 2))
    n_lic = draw(st.integers(1, 3))
    n_staff = draw(st.integers(1, max_people))
    n = n_main + n_lic + n_staff
    ids = [str(i) for i in draw(st.lists(st.integers(1, 20000), min_size=n, max_size=n, unique=True))]
    people: list[dict[str, Any]] = []
    for i, pid in enumerate(ids):
        digits = _Digits(draw(PACKED))
        leader = i < n_main + n_lic
        if i < n_main:
            role = digits.pick(MAIN_LEADER_ROLES)
        elif leader:
            role = LEADER_IN_CHARGE_ROLE
        else:
            role = digits.pick(STAFF_ROLES)
        department = None if leader else digits.pick(departments)
        post = digits.pick((None, *POSTS) if leader else POSTS)
        base, months = _person(digits, period)
        people.append(
            {
                "id": pid,
                "name": f"姓名{i}",
                "department": department,
                "post_category": post,
                "role": role,
                "bonus_base": base,
                "months": months,
            }
        )
    lic_ids = ids[n_main : n_main + n_lic]
    people = draw(st.permutations(people))
    department_rows = [{"department": d, "leader_in_charge": _pick(draw, lic_ids)} for d in departments]

    targets = [*ids, *departments]
    hot = [ids[0], ids[-1], departments[0]]  # a leader, a staff member, a department
    points = _list(draw, max_events, lambda: _event(_Digits(draw(PACKED)), period, targets, hot))

    indicator_rows = _list(draw, 12, lambda: _indicator(draw, departments))
    ranking_rows = []
    share_rows = []
    for k in range(draw(st.integers(1, 5))):
        weight, participants = draw(RANKING)
        name = f"市指标{k + 1}"
        ranking_rows.append(
            {
                "indicator": name,
                "weight": weight,
                "rank": draw(st.integers(1, participants)),
                "participants": participants,
            }
        )
        bearers = draw(st.lists(st.sampled_from(DEPARTMENT_NAMES), unique=True, max_size=4))
        bearers = [d for d in bearers if d in departments]
        for department, share in zip(bearers, _split_one(draw, len(bearers)), strict=True):
            share_rows.append({"indicator": name, "department": department, "share": share})

    scored_departments = {i["department"] for i in indicator_rows} | {s["department"] for s in share_rows}
    for department in departments:
        if department not in scored_departments:
            indicator_rows.append(_indicator(draw, [department]))
    indicator_rows = draw(st.permutations(indicator_rows))
    for k, row in enumerate(indicator_rows):
        row["id"] = f"K{k + 1}"
        row["name"] = f"指标{k + 1}"

    vetoes = _list(
        draw,
        4,
        lambda: {
            "target": _pick(draw, targets),
            "item": _pick(draw, VETO_ITEMS),
            "date": _date_in(draw, period),
            "note": None,
        },
    )
    return Case(
        rules=rules,
        period=period_text,
        people=people,
        departments=department_rows,
        points=points,
        indicators=indicator_rows,
        city_rankings=ranking_rows,
        city_shares=share_rows,
        vetoes=vetoes,
    )


def _indicator(draw: st.DrawFn, departments: list[str]) -> dict[str, Any]:
    digits = _Digits(draw(PACKED))
    direction = digits.pick(DIRECTIONS)
    scored = direction == "评分"
    deadline = None if digits.take(2) else date(2024, 1, 1) + timedelta(days=digits.take(366))
    completed: date | None = None
    how = digits.pick(("blank", "on time", "shifted"))
    if how == "on time":
        completed = deadline
    elif how == "shifted":
        anchor = deadline or date(2024, 7, 1)
        completed = anchor + timedelta(days=digits.take(41) - 20)
    return {
        "id": "",
        "name": "",
        "level": digits.pick(LEVELS),
        "department": digits.pick(departments),
        "direction": direction,
        "target": None if scored else digits.decimal(0, 500, 2) or D("0.01"),
        "actual": digits.decimal(0, 100, 2) if scored else digits.decimal(0, 600, 2),
        "weight": digits.decimal(0, 10, 1) or D("0.1"),
        "deadline": deadline,
        "completed_on": completed,
    }


def _split_one(draw: st.DrawFn, parts: int) -> list[Decimal]:
    """``parts`` shares > 0 summing exactly to 1, in steps of 0.01 or 0.001."""
    if parts == 0:
        return []
    step = _pick(draw, (100, 1000))
    cuts = sorted(
        draw(st.lists(st.integers(1, step - 1), unique=True, min_size=parts - 1, max_size=parts - 1))
    )
    bounds = [0, *cuts, step]
    shares = [dec(D(b - a) / step) for a, b in itertools.pairwise(bounds)]
    assert sum(shares, D(0)) == 1
    return shares
