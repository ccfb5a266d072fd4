"""The annual appraisal (method §10) against an independent oracle, number by number.

Hypothesis draws small years: a few people and departments, each quarter
present or missing, people joining, leaving, moving between departments and
between the individuals and the leaders, vetoed in some quarters, with rows in
the quarters' 绩效奖金 sheets, and a year-end 测评 workbook; and an ``annual``
section of rules (quarter weights, the weights of A and E_year, min_quarters,
the veto, the annual bands with their quotas, the year-end pool). The quarters
are written as results workbooks (the sheets ``kpi annual`` reads), rolled up by
the real program and its annual workbook is written and read back.

The oracle below recomputes the year from the method's text alone, in exact
fractions, rounding half up once at each published step, and is compared with
every number and label of 年度个人, 年度部门, 年度领导 and 年度奖金, rows in
order. It shares no code with ``kpi.annual`` or ``kpi.engine``:

* A = r2(Σ v_q S_q / Σ v_q) over the member's quarters;
* E_year per §6.10 (votes as scores, trim per group, groups under min_raters
  left out), Y = r2((W_q A + W_e E) / (W_q + W_e)) when E exists, else Y = A;
* graded when the member has at least min_quarters quarters, else no rank and
  不定等次; ranks are competition ranks among the graded of a population;
* bands by min (the lowest band below every min), quotas n_q = rounding(n × q)
  with n the graded members of the quota group (vetoed included), candidates
  in score-then-id order, pushed down band by band when a band is full; a
  member vetoed in any quarter (with veto_any_quarter) is capped at
  veto_max_grade, drops past quota bands and takes no place; quotas tied to the
  department's grade (§6.12) read the department's annual grade;
* the year-end pool: B = Σ 绩效基数 × 岗位系数 × 职务系数 × 在岗折算 over the
  member's quarterly bonus rows, u = factor × B, floors and then the largest
  remainders (ties by id); not graded or forfeited → 0; every u = 0 refused.

A year the method refuses (a member whose quarters all weigh 0, or a pool with
nothing to pay) must be refused by the program too.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.annual import write_quarter
from support.worked import WORKED_QUARTER

from kpi import api
from kpi.errors import KpiError

from .oracle_numbers import r2

D = Decimal
SETTINGS = settings(
    max_examples=160,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
QUARTERS = (1, 2, 3, 4)
DEPARTMENT_NAMES = ("甲部", "乙部", "丙部")
GROUPS = ("领导", "同事")
VOTES = {"优秀": D(100), "称职": D(85), "基本称职": D("70.5")}
NOT_GRADED = "不定等次"
KIND_ZH = {"main_leader": "主要领导", "leader_in_charge": "分管领导"}
BASE_RULES = (WORKED_QUARTER / "rules.yaml").read_text(encoding="utf-8")


# --- the scenario ---------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    name: str
    min: Decimal
    quota: Decimal | None
    by_department_grade: dict[str, Decimal] | None
    factor: Decimal


@dataclass(frozen=True)
class AnnualRules:
    quarter_weights: dict[int, Decimal] | None
    w_quarters: Decimal
    w_evaluation: Decimal
    min_quarters: int
    veto_any_quarter: bool
    veto_max_grade: str | None
    scope: str
    rounding: str
    bands: tuple[Band, ...]
    pool: int | None
    forfeit_bonus: bool
    groups: dict[str, Decimal]
    trim: int
    min_raters: int

    def yaml(self) -> str:
        def number(x: Decimal) -> str:
            return format(x, "f")

        lines = [
            "evaluation:",
            "  groups: {" + ", ".join(f"{g}: {number(w)}" for g, w in self.groups.items()) + "}",
            "  votes: {" + ", ".join(f"{v}: {number(s)}" for v, s in VOTES.items()) + "}",
            f"  trim: {self.trim}",
            f"  min_raters: {self.min_raters}",
            "annual:",
        ]
        if self.quarter_weights is not None:
            listed = ", ".join(f"Q{q}: {number(v)}" for q, v in self.quarter_weights.items())
            lines.append(f"  quarter_weights: {{{listed}}}")
        lines += [
            f"  weights: {{quarters: {number(self.w_quarters)}, evaluation: {number(self.w_evaluation)}}}",
            f"  min_quarters: {self.min_quarters}",
            f"  veto_any_quarter: {'true' if self.veto_any_quarter else 'false'}",
        ]
        if self.veto_max_grade is not None:
            lines.append(f"  veto_max_grade: {self.veto_max_grade}")
        lines += [
            "  grades:",
            f"    quota_scope: {self.scope}",
            f"    quota_rounding: {self.rounding}",
            "    bands:",
        ]
        for band in self.bands:
            keys = [f"name: {band.name}", f"min: {number(band.min)}"]
            if band.quota is not None:
                keys.append(f"quota: {number(band.quota)}")
            if band.by_department_grade is not None:
                table = ", ".join(f"{g}: {number(q)}" for g, q in band.by_department_grade.items())
                keys.append(f"quota_by_department_grade: {{{table}}}")
            keys.append(f"factor: {number(band.factor)}")
            lines.append("      - {" + ", ".join(keys) + "}")
        if self.pool is not None:
            lines.append(f"  bonus: {{pool: {self.pool}}}")
        text = BASE_RULES
        if not self.forfeit_bonus:
            text = text.replace("forfeit_bonus: true", "forfeit_bonus: false")
        return text + "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Entry:
    """One member's row in one quarter's 个人得分, 领导得分 or 部门得分."""

    population: str  # individuals | leaders | departments
    key: str  # 工号, or the department's name
    name: str
    department: str | None
    kind: str | None
    score: Decimal
    vetoed: bool


@dataclass(frozen=True)
class BonusEntry:
    """One row of a quarter's 绩效奖金."""

    id: str
    name: str
    department: str | None
    base: Decimal
    post: Decimal
    role: Decimal
    months: Decimal


@dataclass(frozen=True)
class Ballot:
    target: str
    group: str
    rater: str | None
    score: Decimal | None
    vote: str | None


@dataclass(frozen=True)
class Year:
    rules: AnnualRules
    quarters: dict[int, tuple[Entry, ...]]
    bonus: dict[int, tuple[BonusEntry, ...]]
    ballots: tuple[Ballot, ...]
    langs: dict[int, str]


# --- drawing years --------------------------------------------------------------------

CENTS = st.integers(5500, 10300).map(lambda n: D(n).scaleb(-2))
# Scores at the band edges, so that half-up rounding and ties decide grades.
EDGES = st.sampled_from([D(x) for x in ("89.99", "90", "90.01", "69.99", "70", "59.99", "60", "45", "100")])
SCORE = st.one_of(CENTS, EDGES)


@st.composite
def annual_rules(draw: st.DrawFn) -> AnnualRules:
    scope = draw(st.sampled_from(("zone", "department")))
    fractions = st.sampled_from([D(x) for x in ("0", "0.1", "0.2", "0.25", "0.34", "0.5", "1")])
    by_grade = None
    if scope == "department" and draw(st.booleans()):
        by_grade = {name: draw(fractions) for name in ("优秀", "称职", "基本称职", "不称职")}
    bands = (
        Band("优秀", D(90), draw(fractions), by_grade, D("1.5")),
        Band("称职", D(70), draw(st.one_of(st.none(), fractions)), None, D(1)),
        Band("基本称职", D(60), None, None, D("0.5")),
        Band(
            "不称职",
            draw(st.sampled_from((D(0), D(50)))),
            None,
            None,
            draw(st.sampled_from((D(0), D("0.2")))),
        ),
    )
    weights = draw(
        st.sampled_from(
            (
                None,
                {1: D(1), 2: D(1), 3: D(1), 4: D(1)},
                {1: D(1), 2: D(2), 3: D("0.5"), 4: D("1.5")},
                {1: D(0), 2: D(1), 3: D(1), 4: D(3)},
            )
        )
    )
    w_quarters, w_evaluation = draw(
        st.sampled_from(((D("0.7"), D("0.3")), (D("0.6"), D("0.4")), (D(1), D(0)), (D(0), D(1))))
    )
    veto = draw(st.booleans())
    names = [b.name for b in bands]
    trim = draw(st.integers(0, 1))
    return AnnualRules(
        quarter_weights=weights,
        w_quarters=w_quarters,
        w_evaluation=w_evaluation,
        min_quarters=draw(st.sampled_from((0, 1, 2, 2, 3, 4))),
        veto_any_quarter=veto,
        veto_max_grade=draw(st.sampled_from(names) if veto else st.one_of(st.none(), st.sampled_from(names))),
        scope=scope,
        rounding=draw(st.sampled_from(("floor", "round", "ceil"))),
        bands=bands,
        pool=draw(st.one_of(st.none(), st.integers(0, 100000))),
        forfeit_bonus=draw(st.booleans()),
        groups={
            "领导": draw(st.sampled_from((D("0.3"), D(1)))),
            "同事": draw(st.sampled_from((D("0.7"), D(2)))),
        },
        trim=trim,
        min_raters=2 * trim + 1 + draw(st.integers(0, 1)),
    )


@st.composite
def years(draw: st.DrawFn) -> Year:
    rules = draw(annual_rules())
    present = sorted(draw(st.sets(st.sampled_from(QUARTERS), min_size=1)))
    # Some years pay everybody alike, so that equal remainders meet at the pool's last yuan.
    varied = draw(st.booleans())
    bases = st.sampled_from((D(5000), D(6000), D("5633.5"), D(9000), D(0)) if varied else (D(6000),))
    people = [f"P{i}" for i in range(1, draw(st.integers(1, 7)) + 1)]
    departments = DEPARTMENT_NAMES[: draw(st.integers(1, 3))]
    quarters: dict[int, tuple[Entry, ...]] = {}
    bonus: dict[int, tuple[BonusEntry, ...]] = {}
    for q in present:
        entries: list[Entry] = []
        rows: list[BonusEntry] = []
        for i, pid in enumerate(people):
            # a quarter's roster is never empty: the first person is in every quarter
            posts = ("absent", "staff", "staff", "staff", "main_leader", "leader_in_charge")
            post = draw(st.sampled_from(posts[1:] if i == 0 else posts))
            if post == "absent":
                continue
            name = f"{pid}号{q}"  # names change, the latest quarter's is published
            vetoed = draw(st.integers(0, 4)) == 0
            if post == "staff":
                department = draw(st.sampled_from(departments))
                entries.append(Entry("individuals", pid, name, department, None, draw(SCORE), vetoed))
            else:
                department = None
                entries.append(Entry("leaders", pid, name, None, post, draw(SCORE), vetoed))
            # Most staff have a bonus row; a leader has one when the quarter paid leaders.
            if draw(st.integers(0, 2) if post == "staff" else st.integers(-3, 0)) != 0:
                rows.append(
                    BonusEntry(
                        pid,
                        name,
                        department,
                        draw(bases),
                        draw(st.sampled_from((D(1), D("1.15"), D("1.3")) if varied else (D(1),))),
                        draw(st.sampled_from((D(1), D("1.3"), D("1.5")) if varied else (D(1),))),
                        draw(
                            st.sampled_from((D(1), D("0.6667"), D("0.3333"), D("0.5")) if varied else (D(1),))
                        ),
                    )
                )
        staffed = {e.department for e in entries if e.department is not None}
        for department in departments:
            if department in staffed or draw(st.booleans()):
                entries.append(
                    Entry(
                        "departments",
                        department,
                        department,
                        None,
                        None,
                        draw(SCORE),
                        draw(st.integers(0, 4)) == 0,
                    )
                )
        quarters[q] = tuple(entries)
        bonus[q] = tuple(rows)
    targets = sorted({e.key for entries in quarters.values() for e in entries})
    ballots: list[Ballot] = []
    for target in draw(st.lists(st.sampled_from(targets), unique=True, max_size=4)):
        for group in GROUPS:
            for i in range(draw(st.integers(0, 4))):
                vote = draw(st.one_of(st.none(), st.sampled_from(sorted(VOTES))))
                score = None if vote is not None else draw(st.integers(5000, 10000).map(lambda n: D(n) / 100))
                rater = f"R{i}" if draw(st.booleans()) else None
                ballots.append(Ballot(target, group, rater, score, vote))
    langs = {q: draw(st.sampled_from(("zh", "en"))) for q in present}
    return Year(rules, quarters, bonus, tuple(ballots), langs)


# --- the oracle -------------------------------------------------------------------------


def places(n: int, q: Decimal, rounding: str) -> int:
    x = n * Fraction(q)
    if rounding == "floor":
        return floor(x)
    if rounding == "ceil":
        return ceil(x)
    return floor(x + Fraction(1, 2))


@dataclass
class Member:
    population: str
    key: str
    name: str
    department: str | None
    kind: str | None
    scores: dict[int, Decimal]
    vetoed_quarters: list[int]
    mean: Decimal | None = None
    evaluation: Decimal | None = None
    score: Decimal | None = None
    graded: bool = False
    vetoed: bool = False
    rank: int | None = None
    grade: str | None = None


@dataclass(frozen=True)
class Refused:
    """The method refuses the year; ``key`` names the rules key the refusal is about."""

    key: str


@dataclass(frozen=True)
class Expected:
    sheets: dict[str, list[tuple[Any, ...]]]


def year_end_scores(year: Year) -> dict[str, Decimal]:
    """E_year of each rated target (method §6.10 with the rules' evaluation section)."""
    rules = year.rules
    scores: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for b in year.ballots:
        # a ballot holds a 分数 or an 等次, which counts as its score in evaluation.votes
        value = VOTES[b.vote] if b.vote is not None else b.score
        assert value is not None
        scores[b.target, b.group].append(value)
    kept: dict[str, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for (target, group), values in scores.items():
        if len(values) < rules.min_raters:
            continue
        rest = sorted(values)[rules.trim : len(values) - rules.trim]
        kept[target].append((rules.groups[group], r2(Fraction(sum(rest, D(0))) / len(rest))))
    return {
        t: r2(Fraction(sum(w * g for w, g in parts)) / Fraction(sum(w for w, _ in parts)))
        for t, parts in kept.items()
    }


def members_of(year: Year) -> dict[tuple[bool, str], Member]:
    """Members keyed by (is a department, key); population, name, department, kind from the
    latest quarter they appear in; their score in every quarter they appear in."""
    members: dict[tuple[bool, str], Member] = {}
    for q in sorted(year.quarters):
        for e in year.quarters[q]:
            k = (e.population == "departments", e.key)
            m = members.get(k)
            if m is None:
                m = members[k] = Member(e.population, e.key, e.name, e.department, e.kind, {}, [])
            m.population, m.name, m.department, m.kind = e.population, e.name, e.department, e.kind
            m.scores[q] = e.score
            if e.vetoed:
                m.vetoed_quarters.append(q)
    return members


def grade_population(
    rules: AnnualRules, members: list[Member], department_grades: Mapping[str, str | None]
) -> None:
    """Ranks and annual grades of one population (method §6.8, decisions §9, the annual bands)."""
    bands = rules.bands
    names = [b.name for b in bands]
    graded = sorted((m for m in members if m.graded), key=lambda m: (-(m.score or 0), m.key))
    for m in graded:
        assert m.score is not None
        m.rank = 1 + sum(1 for o in graded if (o.score or 0) > m.score)

    def group(m: Member) -> str:
        return (m.department or "") if rules.scope == "department" and m.population == "individuals" else ""

    def quota(band: Band, m: Member) -> Decimal | None:
        if band.by_department_grade is not None and m.population == "individuals":
            # §6.12: the individual's department's annual grade sets the quota; a department
            # not graded in the year leaves the band's own quota (0 places without one).
            grade = department_grades.get(m.department or "")
            if grade is None:
                return band.quota if band.quota is not None else D(0)
            return band.by_department_grade[grade]
        return band.quota

    n: dict[str, int] = defaultdict(int)
    for m in graded:
        n[group(m)] += 1
    used: dict[tuple[int, str], int] = defaultdict(int)
    for m in graded:
        assert m.score is not None
        b = next((i for i, band in enumerate(bands) if m.score >= band.min), len(bands) - 1)
        if m.vetoed:
            assert rules.veto_max_grade is not None
            b = max(b, names.index(rules.veto_max_grade))
            while quota(bands[b], m) is not None:
                b += 1
        else:
            while True:
                q = quota(bands[b], m)
                if q is None:
                    break
                if used[b, group(m)] < places(n[group(m)], q, rules.rounding):
                    used[b, group(m)] += 1
                    break
                b += 1
        m.grade = names[b]


def oracle(year: Year) -> Expected | Refused:
    rules = year.rules
    members = members_of(year)
    e_year = year_end_scores(year)
    for m in members.values():
        key = m.key
        v = {q: (rules.quarter_weights or {}).get(q, D(1)) for q in m.scores}
        if sum(v.values()) == 0:
            return Refused("annual.quarter_weights")
        m.mean = r2(Fraction(sum(v[q] * s for q, s in m.scores.items())) / Fraction(sum(v.values())))
        # A target is a 工号 or a department name; the drawn names never coincide.
        m.evaluation = e_year.get(key)
        if m.evaluation is None:
            m.score = m.mean
        else:
            weighted = rules.w_quarters * m.mean + rules.w_evaluation * m.evaluation
            m.score = r2(Fraction(weighted) / Fraction(rules.w_quarters + rules.w_evaluation))
        m.graded = len(m.scores) >= rules.min_quarters
        m.vetoed = rules.veto_any_quarter and bool(m.vetoed_quarters)
    populations = {
        p: [m for m in members.values() if m.population == p]
        for p in ("individuals", "leaders", "departments")
    }
    grade_population(rules, populations["departments"], {})
    department_grades = {m.key: m.grade for m in populations["departments"] if m.graded}
    grade_population(rules, populations["leaders"], department_grades)
    grade_population(rules, populations["individuals"], department_grades)

    def ordered(ms: Iterable[Member]) -> list[Member]:
        ms = list(ms)
        graded = sorted((m for m in ms if m.graded), key=lambda m: (-(m.score or 0), m.key))
        return graded + sorted((m for m in ms if not m.graded), key=lambda m: m.key)

    def tail(m: Member) -> tuple[Any, ...]:
        vetoed = ",".join(f"Q{q}" for q in m.vetoed_quarters) or None
        grade = m.grade if m.graded else NOT_GRADED
        return (m.mean, m.evaluation, m.score, vetoed, m.rank, grade)

    def quarter_cells(m: Member) -> tuple[Decimal | None, ...]:
        return tuple(m.scores.get(q) for q in QUARTERS)

    sheets: dict[str, list[tuple[Any, ...]]] = {
        "年度个人": [
            (m.key, m.name, m.department, *quarter_cells(m), *tail(m))
            for m in ordered(populations["individuals"])
        ],
        "年度部门": [(m.key, *quarter_cells(m), *tail(m)) for m in ordered(populations["departments"])],
        "年度领导": [
            (m.key, m.name, KIND_ZH[m.kind or ""], *quarter_cells(m), *tail(m))
            for m in ordered(populations["leaders"])
        ],
    }
    if rules.pool is None:
        return Expected(sheets)

    # The year-end pool: B over each member's quarterly bonus rows, u = factor × B.
    base: dict[str, Decimal] = defaultdict(lambda: D(0))
    for rows in year.bonus.values():
        for row in rows:
            base[row.id] += row.base * row.post * row.role * row.months
    factors = {b.name: b.factor for b in rules.bands}
    people = [members[False, pid] for pid in base]
    u: dict[str, Decimal] = {}
    for m in people:
        forfeited = m.vetoed and rules.forfeit_bonus
        u[m.key] = factors[m.grade or ""] * base[m.key] if m.graded and not forfeited else D(0)
    total = sum(u.values(), D(0))
    if total == 0:
        return Refused("annual.bonus")
    shares = {pid: Fraction(rules.pool) * Fraction(x) / Fraction(total) for pid, x in u.items()}
    paid = {pid: floor(s) for pid, s in shares.items()}
    left = rules.pool - sum(paid.values())
    for pid in sorted(shares, key=lambda p: (-(shares[p] - paid[p]), p))[:left]:
        paid[pid] += 1
    sheets["年度奖金"] = [
        (m.key, m.name, m.department, base[m.key], factors[m.grade or ""] if m.graded else None, paid[m.key])
        for m in ordered(people)
    ]
    return Expected(sheets)


# --- running the program ----------------------------------------------------------------


def write_year(year: Year, folder: Path) -> tuple[list[Path], Path, Path | None]:
    """The quarters' results workbooks, the rules and (with ballots) the year-end 测评."""
    paths = []
    for q, entries in year.quarters.items():

        def rows(population: str, entries: tuple[Entry, ...] = entries) -> list[dict[str, Any]]:
            return [
                {
                    "id": e.key,
                    "name": e.name,
                    "department": e.key if population == "departments" else e.department,
                    "kind": e.kind,
                    "score": e.score,
                    "vetoed": e.vetoed,
                }
                for e in entries
                if e.population == population
            ]

        bonus = [
            {
                "id": b.id,
                "name": b.name,
                "department": b.department,
                "bonus_base": b.base,
                "post_coef": b.post,
                "role_coef": b.role,
                "months_factor": b.months,
            }
            for b in year.bonus[q]
        ]
        path = folder / f"results-Q{q}.xlsx"
        write_quarter(
            path,
            f"2024Q{q}",
            individuals=rows("individuals"),
            departments=rows("departments"),
            leaders=rows("leaders"),
            bonus=bonus,
            lang=year.langs[q],
        )
        paths.append(path)
    rules = folder / "rules.yaml"
    rules.write_text(year.rules.yaml(), encoding="utf-8")
    if not year.ballots:
        return paths, rules, None
    evaluation = folder / "year-end.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "测评"
    sheet.append(["对象", "评价方", "评价人", "分数", "等次"])
    for b in year.ballots:
        sheet.append([b.target, b.group, b.rater, None if b.score is None else float(b.score), b.vote])
    book.save(evaluation)
    return paths, rules, evaluation


def cell(value: Any) -> Any:
    """A published cell as an exact number (a float cell holds the decimal it shows)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return D(repr(value))


def published(path: Path, sheets: Iterable[str]) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    found = {}
    for name in sheets:
        rows = list(book[name].iter_rows(values_only=True))[1:]
        found[name] = [tuple(cell(v) for v in row) for row in rows]
    book.close()
    return found


# --- the comparison ----------------------------------------------------------------------


@SETTINGS
@given(years())
def test_the_published_year_matches_the_oracle(year: Year) -> None:
    expected = oracle(year)
    with tempfile.TemporaryDirectory() as folder:
        quarters, rules, evaluation = write_year(year, Path(folder))
        try:
            results = api.annual(quarters, rules, 2024, evaluation)
        except KpiError as error:
            assert isinstance(expected, Refused), f"refused, the method computes the year: {error}"
            assert expected.key in str(error), str(error)
            return
        assert not isinstance(expected, Refused), f"computed a year the method refuses ({expected.key})"
        if len(year.quarters) < 4:  # a missing quarter is a warning
            assert results.warnings
        out = api.write_annual(results, Path(folder) / "annual.xlsx")
        actual = published(out, expected.sheets)
        book = openpyxl.load_workbook(out, read_only=True)
        assert ("年度奖金" in book.sheetnames) == (year.rules.pool is not None)
        book.close()
    for sheet, rows in expected.sheets.items():
        assert actual[sheet] == rows, sheet
