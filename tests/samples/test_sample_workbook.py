"""The bundled sample quarter is reproducible and says what its README promises.

samples/2024Q3.xlsx is committed; these tests make sure it is exactly what
samples/make_sample.py writes (so nobody hand-edits it out of step with the
generator) and that it keeps the properties other tests, docs and demos rely on:
the counts, the 71 people with A01 in the nine original departments, the grid
model (24 grids of a 网格长 and three 网格员, 1,200 enterprises), the requests and
their deadline cases, the evaluations, the curve indicators, the cases each rule
needs, valid references. The rules values come from method §4
(rules/qingdao-hitech-2024.yaml); the generator's own constants are checked
against that file too.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import chinese_calendar
import openpyxl
import pytest
import xlsxwriter
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "samples" / "make_sample.py"
SAMPLE = ROOT / "samples" / "2024Q3.xlsx"

PERIOD_START, PERIOD_END = date(2024, 7, 1), date(2024, 9, 30)
TYPED_EVENTS = {"A01": 2, "A02": 3, "B01": -1, "B02": -2}  # the codes typed in 点数
SERVICE_EVENTS = {"S01": -1, "S02": -2, "S03": Decimal("0.5")}  # made from 企业诉求
EVENTS = TYPED_EVENTS | SERVICE_EVENTS
MAX_PER_PERIOD = {"A01": 6, "B02": 6, "S02": 6, "S03": 3}
PERSON_CAP = 20
POSTS = {"招商", "企业服务", "综合保障"}
STAFF_ROLES = {"部长", "副部长", "职员", "网格长", "网格员"}
OFFICE_ROLES = {"部长", "副部长", "职员"}
GRID = "网格服务中心"
RESOLVE_DAYS = {"一般": 5, "特殊": 10}
ZONE_DAYS_OFF = [date(2024, 7, 26)]
GROUPS = {"领导", "同事", "服务企业", "街道", "平台公司", "园区"}
VOTES = {"优秀": 100, "称职": 85, "基本称职": 70, "不称职": 50}
CURVES = {"增长型", "达标型"}
MAIN_LEADER, LEADER_IN_CHARGE = {"党工委书记", "管委会主任"}, {"管委会副主任"}
LEVELS = {"国家", "省", "市"}
DIRECTIONS = {"正向", "反向", "评分"}
VETO_ITEMS = {"全面从严治党", "安全生产"}
HEADERS = {
    "人员": ["工号", "姓名", "部门", "岗位类别", "职务", "绩效基数", "在岗月数"],
    "部门": ["部门", "分管领导"],
    "点数": ["日期", "对象", "事项", "点数", "事由"],
    "指标": [
        "编号",
        "名称",
        "层级",
        "责任部门",
        "方向",
        "目标值",
        "完成值",
        "权重",
        "截止日期",
        "完成日期",
        "计分曲线",
    ],
    "市级排名": ["指标", "权重", "排名", "参评单位数"],
    "市级分工": ["指标", "部门", "占比"],
    "否决": ["对象", "事项", "日期", "说明"],
    "企业诉求": ["编号", "企业", "负责人", "类别", "受理日期", "回应日期", "办结日期", "诉求事项"],
    "测评": ["对象", "评价方", "评价人", "分数", "等次"],
    "网格台账": ["网格", "网格长", "包联网格员", "企业"],
}


def generate(out: Path) -> None:
    """Run the generator exactly as the README says, into ``out``."""
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out)], check=True)


def sheet_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's cell values, for comparing two workbooks by content."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def recorded_xlsxwriter_version(path: Path) -> str | None:
    """The xlsxwriter version the generator stamped into docProps/custom.xml."""
    with zipfile.ZipFile(path) as zf:
        custom = zf.read("docProps/custom.xml").decode()
    marker = 'name="xlsxwriter"><vt:lpwstr>'
    start = custom.find(marker)
    if start < 0:
        return None
    start += len(marker)
    return custom[start : custom.index("<", start)]


def test_generator_is_byte_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    generate(first)
    generate(second)
    assert first.read_bytes() == second.read_bytes()


def test_committed_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    fresh = tmp_path / "2024Q3.xlsx"
    generate(fresh)
    if fresh.read_bytes() == SAMPLE.read_bytes():
        return
    # Another xlsxwriter may lay the same cells out differently; then only the content
    # has to match. With the same xlsxwriter, any byte difference is a stale sample.
    assert recorded_xlsxwriter_version(SAMPLE) != xlsxwriter.__version__, (
        "samples/2024Q3.xlsx is stale: run `python samples/make_sample.py`"
    )
    assert sheet_values(fresh) == sheet_values(SAMPLE)


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    return openpyxl.load_workbook(SAMPLE)


def rows(book: openpyxl.Workbook, sheet: str) -> list[dict[str, Any]]:
    """Data rows of a sheet as dicts keyed by header."""
    values = list(book[sheet].iter_rows(values_only=True))
    header = list(values[0])
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


def as_date(value: Any) -> date:
    assert isinstance(value, datetime), value
    return value.date()


def test_sheets_and_headers(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == list(HEADERS)
    for sheet, header in HEADERS.items():
        assert [c.value for c in book[sheet][1]] == header


def test_roster(book: openpyxl.Workbook) -> None:
    people = rows(book, "人员")
    departments = {r["部门"] for r in rows(book, "部门")}
    ids = [p["工号"] for p in people]
    assert len(ids) == len(set(ids)) == 261
    assert all(isinstance(i, str) and i.startswith("G") for i in ids)
    assert len({p["姓名"] for p in people}) == 261

    leaders = [p for p in people if p["职务"] in MAIN_LEADER | LEADER_IN_CHARGE]
    staff = [p for p in people if p not in leaders]
    leader_roles = Counter(p["职务"] for p in leaders)
    assert leader_roles == {"党工委书记": 1, "管委会主任": 1, "管委会副主任": 5}
    assert all(p["部门"] is None and p["岗位类别"] is None for p in leaders)

    assert len(staff) == 254
    assert {p["职务"] for p in staff} == STAFF_ROLES
    assert {p["岗位类别"] for p in staff} == POSTS
    assert {p["部门"] for p in staff} == departments
    for dept in departments - {GRID}:
        roles = Counter(p["职务"] for p in staff if p["部门"] == dept)
        assert set(roles) <= OFFICE_ROLES, dept
        assert roles["部长"] == 1 and 1 <= roles["副部长"] <= 2 and roles["职员"] >= 1, dept
    grid_roles = Counter(p["职务"] for p in staff if p["部门"] == GRID)
    assert grid_roles == {"部长": 1, "副部长": 1, "网格长": 24, "网格员": 72}
    assert {p["岗位类别"] for p in staff if p["部门"] == GRID} == {"企业服务"}
    assert all(isinstance(p["绩效基数"], int | float) and p["绩效基数"] > 0 for p in people)

    months = [p["在岗月数"] for p in people if p["在岗月数"] is not None]
    assert 0 in months and all(0 <= m < 3 for m in months) and len(months) >= 3
    # Two 网格员 joined during the quarter.
    assert sorted(p["在岗月数"] for p in staff if p["部门"] == GRID and p["在岗月数"] is not None) == [1, 2]


def test_departments(book: openpyxl.Workbook) -> None:
    people = {p["工号"]: p for p in rows(book, "人员")}
    depts = rows(book, "部门")
    names = [d["部门"] for d in depts]
    assert len(names) == len(set(names)) == 10
    assert {"招商部", "企业服务部", "纪工委", GRID} <= set(names)
    in_charge = Counter(d["分管领导"] for d in depts)
    assert len(in_charge) == 5
    assert all(people[lid]["职务"] in LEADER_IN_CHARGE for lid in in_charge)
    assert all(1 <= n <= 3 for n in in_charge.values())


def test_grid_register(book: openpyxl.Workbook) -> None:
    """24 grids, each a 网格长 and three 网格员 keeping 50 enterprises; 1,200 in all."""
    people = {p["工号"]: p for p in rows(book, "人员")}
    register = rows(book, "网格台账")
    companies = [r["企业"] for r in register]
    assert len(companies) == len(set(companies)) == 1200
    grids: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in register:
        grids[r["网格"]].append(r)
    assert len(grids) == 24 and all(len(g) == 50 for g in grids.values())
    for members in grids.values():
        assert len({r["网格长"] for r in members}) == 1
        assert len({r["包联网格员"] for r in members}) == 3
        assert all(people[r["网格长"]]["职务"] == "网格长" for r in members)
        assert all(people[r["包联网格员"]]["职务"] == "网格员" for r in members)
    assert {r["包联网格员"] for r in register} == {i for i, p in people.items() if p["职务"] == "网格员"}


def test_point_events(book: openpyxl.Workbook) -> None:
    people = {p["工号"]: p for p in rows(book, "人员")}
    departments = {d["部门"] for d in rows(book, "部门")}
    assert not people.keys() & departments  # a target is never ambiguous
    events = rows(book, "点数")
    assert 400 <= len(events) <= 600
    assert all(PERIOD_START <= as_date(e["日期"]) <= PERIOD_END for e in events)
    assert all(e["事项"] in TYPED_EVENTS for e in events)  # S01–S03 come from 企业诉求
    assert all(e["对象"] in people or e["对象"] in departments for e in events)

    a01 = Counter(e["对象"] for e in events if e["事项"] == "A01" and e["对象"] in people)
    assert sum(1 for t in a01 if people[t]["部门"] != GRID) == 71
    assert sum(1 for t in a01 if people[t]["部门"] == GRID) >= 10
    assert all(people[t]["部门"] is not None for t in a01)  # individuals only, no leaders

    per_code: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for e in events:
        pts = EVENTS[e["事项"]] if e["点数"] is None else e["点数"]
        per_code[e["对象"], e["事项"]] += Decimal(str(pts))
    beyond_code_max = [k for k, v in per_code.items() if k[1] in MAX_PER_PERIOD and abs(v) > 6]
    assert {code for _, code in beyond_code_max} == {"A01", "B02"}
    assert max(a01.values()) >= 4
    a02 = Counter(e["对象"] for e in events if e["事项"] == "A02" and e["对象"] in people)
    assert any(n * 3 > PERSON_CAP for n in a02.values())
    assert sum(1 for e in events if e["对象"] in departments) >= 10

    explicit = [e for e in events if e["点数"] is not None]
    assert 2 <= len(explicit) <= 10
    assert any(e["点数"] == 0 for e in explicit)

    cells = list(book["点数"].iter_rows(min_row=2))
    reasons = [row[4] for row in cells]
    formula_like = [c for c in reasons if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value[0] for c in formula_like} >= {"=", "+", "-"}
    assert all(c.data_type == "s" for c in formula_like)  # text, never a formula
    assert all(row[0].number_format == "yyyy-mm-dd" for row in cells)
    days = [as_date(e["日期"]) for e in events]
    assert days == sorted(days)  # a ledger in date order


def test_indicators(book: openpyxl.Workbook) -> None:
    departments = {d["部门"] for d in rows(book, "部门")}
    indicators = rows(book, "指标")
    ids = [i["编号"] for i in indicators]
    assert len(ids) == len(set(ids))
    assert {i["层级"] for i in indicators} == LEVELS
    assert {i["方向"] for i in indicators} == DIRECTIONS
    assert all(i["责任部门"] in departments for i in indicators)
    assert all(5 <= i["权重"] <= 20 for i in indicators)
    for i in indicators:
        if i["方向"] == "评分":
            assert i["目标值"] is None and 0 <= i["完成值"] <= 100
            assert Decimal(str(i["完成值"])) == Decimal(str(i["完成值"])).quantize(Decimal("0.01"))
        else:
            assert i["目标值"] > 0 and i["完成值"] >= 0
    dated = [i for i in indicators if i["完成日期"] and i["截止日期"]]
    assert sum(1 for i in dated if as_date(i["完成日期"]) > as_date(i["截止日期"])) >= 3

    def ratio(i: dict[str, Any]) -> Decimal:
        target, actual = Decimal(str(i["目标值"])), Decimal(str(i["完成值"]))
        if i["方向"] == "正向":
            return actual / target
        return target / actual if actual else Decimal("Infinity")

    graded = [i for i in indicators if i["方向"] != "评分"]
    assert sum(1 for i in graded if ratio(i) > Decimal("1.2")) >= 2
    assert any(i["方向"] == "反向" and i["完成值"] == 0 for i in indicators)
    per_dept = Counter(i["责任部门"] for i in indicators)
    assert sum(1 for d in departments if 2 <= per_dept[d] <= 4) >= 7


def test_city_rankings_and_shares(book: openpyxl.Workbook) -> None:
    departments = {d["部门"] for d in rows(book, "部门")}
    rankings = rows(book, "市级排名")
    names = [r["指标"] for r in rankings]
    assert len(names) == len(set(names)) >= 10
    for r in rankings:
        assert 10 <= r["参评单位数"] <= 16 and 1 <= r["排名"] <= r["参评单位数"]
        assert r["权重"] > 0

    shares = rows(book, "市级分工")
    pairs = [(s["指标"], s["部门"]) for s in shares]
    assert len(pairs) == len(set(pairs))
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for s in shares:
        assert s["指标"] in names and s["部门"] in departments
        assert 0 < s["占比"] <= 1
        totals[s["指标"]] += Decimal(str(s["占比"]))
    assert all(total == 1 for total in totals.values()), totals
    assert len(set(names) - totals.keys()) == 1  # exactly one indicator nobody bears

    with_indicators = {i["责任部门"] for i in rows(book, "指标")}
    with_shares = {s["部门"] for s in shares}
    assert departments <= with_indicators | with_shares
    assert departments - with_indicators  # one department is scored by city shares only


def test_vetoes(book: openpyxl.Workbook) -> None:
    people = {p["工号"]: p for p in rows(book, "人员")}
    departments = {d["部门"] for d in rows(book, "部门")}
    vetoes = rows(book, "否决")
    assert {v["事项"] for v in vetoes} <= VETO_ITEMS
    assert all(PERIOD_START <= as_date(v["日期"]) <= PERIOD_END for v in vetoes)
    dept_vetoes = [v for v in vetoes if v["对象"] in departments]
    person_vetoes = [v for v in vetoes if v["对象"] in people]
    assert len(dept_vetoes) + len(person_vetoes) == len(vetoes)
    assert [v["事项"] for v in dept_vetoes] == ["安全生产"]
    assert all(people[v["对象"]]["职务"] in STAFF_ROLES for v in person_vetoes)
    # The vetoed person is not in the vetoed department, so the two cases stay apart.
    assert {people[v["对象"]]["部门"] for v in person_vetoes}.isdisjoint(v["对象"] for v in dept_vetoes)


def test_columns_are_sized(book: openpyxl.Workbook) -> None:
    for ws in book.worksheets:
        widths = [ws.column_dimensions[c.column_letter].width for c in ws[1]]
        assert all(w and w >= 6 for w in widths), ws.title


def working(day: date) -> bool:
    """A working day of the rules' service.calendar: the statutory table and the zone's own day off."""
    return bool(chinese_calendar.is_workday(day)) and day not in ZONE_DAYS_OFF


def wd(day: date, n: int) -> date:
    """The n-th working day strictly after ``day`` (method §6.0), one day at a time."""
    while n:
        day += timedelta(days=1)
        n -= working(day)
    return day


def optional_date(value: Any) -> date | None:
    return None if value is None else as_date(value)


def test_service_requests(book: openpyxl.Workbook) -> None:
    people = {p["工号"]: p for p in rows(book, "人员")}
    keeper = {r["企业"]: r["包联网格员"] for r in rows(book, "网格台账")}
    requests = rows(book, "企业诉求")
    assert 300 <= len(requests) <= 600
    ids = [r["编号"] for r in requests]
    assert len(ids) == len(set(ids))
    assert all(people[r["负责人"]]["职务"] == "网格员" for r in requests)
    assert all(keeper[r["企业"]] == r["负责人"] for r in requests)  # the 网格员 who keeps it
    assert Counter(r["类别"] for r in requests).keys() == RESOLVE_DAYS.keys()
    late_response: Counter[str] = Counter()
    late_resolution: Counter[str] = Counter()
    on_time: Counter[str] = Counter()
    for r in requests:
        received = as_date(r["受理日期"])
        responded, resolved = optional_date(r["回应日期"]), optional_date(r["办结日期"])
        assert working(received) and date(2024, 6, 1) <= received <= PERIOD_END
        assert all(received <= d <= date(2024, 10, 8) for d in (responded, resolved) if d is not None)
        respond_by, resolve_by = wd(received, 1), wd(received, RESOLVE_DAYS[r["类别"]])
        answered = responded or resolved
        response_late = answered is None or answered > respond_by
        resolution_late = resolved is None or resolved > resolve_by
        if PERIOD_START <= respond_by <= PERIOD_END and response_late:
            late_response[r["负责人"]] += 1
        if PERIOD_START <= resolve_by <= PERIOD_END:
            if resolution_late:
                late_resolution[r["负责人"]] += 1
            elif not response_late:
                on_time[r["负责人"]] += 1
    assert sum(late_response.values()) >= 20 and sum(late_resolution.values()) >= 20
    assert sum(on_time.values()) >= 200
    assert max(late_resolution.values()) > 3  # S02 −2 × 4 = −8 passes its max_per_period 6
    assert max(on_time.values()) > 6  # S03 0.5 × 7 = 3.5 passes its max_per_period 3
    assert any(r["办结日期"] is None for r in requests)
    assert any(r["回应日期"] is None and r["办结日期"] is not None for r in requests)  # settling answers it

    on_day = Counter(as_date(r["受理日期"]) for r in requests)
    # Fridays before 中秋 and 国庆, and the day before 国庆: deadlines on make-up days or in Q4.
    assert on_day[date(2024, 9, 13)] and wd(date(2024, 9, 13), 1) == date(2024, 9, 14)
    assert on_day[date(2024, 9, 27)] and wd(date(2024, 9, 27), 1) == date(2024, 9, 29)
    assert on_day[date(2024, 9, 30)] and wd(date(2024, 9, 30), 1) == date(2024, 10, 8)
    assert wd(date(2024, 7, 23), 5) == date(2024, 7, 31)  # the zone's closure on 26 July
    # Received in Q2 with a deadline in Q3.
    assert any(
        as_date(r["受理日期"]) < PERIOD_START <= wd(as_date(r["受理日期"]), RESOLVE_DAYS[r["类别"]])
        for r in requests
    )
    cells = list(book["企业诉求"].iter_rows(min_row=2))
    assert all(c.number_format == "yyyy-mm-dd" for row in cells for c in row[4:7] if c.value is not None)


def test_curve_indicators_and_the_grids_rate(book: openpyxl.Workbook) -> None:
    indicators = {i["编号"]: i for i in rows(book, "指标")}
    curved = {k: i["计分曲线"] for k, i in indicators.items() if i["计分曲线"] is not None}
    assert set(curved.values()) == CURVES and len(curved) == 4
    assert all(indicators[k]["方向"] != "评分" for k in curved)
    assert any(as_date(indicators[k]["完成日期"]) > as_date(indicators[k]["截止日期"]) for k in curved)
    assert {i["责任部门"] for i in indicators.values() if i["编号"] in ("ZB30", "ZB31", "ZB32", "ZB33")} == {
        GRID
    }

    # ZB30 企业诉求按时办结率 is the share of requests due in Q3 settled by their deadline.
    due = [
        (r, wd(as_date(r["受理日期"]), RESOLVE_DAYS[r["类别"]]))
        for r in rows(book, "企业诉求")
        if PERIOD_START <= wd(as_date(r["受理日期"]), RESOLVE_DAYS[r["类别"]]) <= PERIOD_END
    ]
    kept = sum(1 for r, by in due if r["办结日期"] is not None and as_date(r["办结日期"]) <= by)
    rate = (Decimal(100) * kept / len(due)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert Decimal(str(indicators["ZB30"]["完成值"])) == rate


def test_evaluations(book: openpyxl.Workbook) -> None:
    people = {p["工号"]: p for p in rows(book, "人员")}
    departments = {d["部门"] for d in rows(book, "部门")}
    ratings = rows(book, "测评")
    assert 2000 <= len(ratings) <= 5000
    assert {r["评价方"] for r in ratings} == GROUPS
    assert all((r["分数"] is None) != (r["等次"] is None) for r in ratings)
    assert {r["等次"] for r in ratings if r["等次"] is not None} == VOTES.keys()
    assert all(0 <= r["分数"] <= 100 for r in ratings if r["分数"] is not None)
    named = [(r["对象"], r["评价方"], r["评价人"]) for r in ratings if r["评价人"] is not None]
    assert len(named) == len(set(named))  # a named rater rates a target once per group

    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for r in ratings:
        groups[r["对象"]][r["评价方"]] += 1
    assert groups.keys() == people.keys() | departments
    for pid in people:  # 民主测评 of everybody, leaders included
        assert groups[pid]["领导"] >= 3 and groups[pid]["同事"] >= 3, pid
    for dept in departments:  # 共建共评
        assert set(groups[dept]) <= {"街道", "平台公司", "园区"} and groups[dept]["街道"] >= 3, dept
    assert groups["纪工委"]["平台公司"] == 2  # fewer than min_raters: left out
    leaders = [r for r in ratings if r["评价方"] == "领导"]
    assert all(r["评价人"] in people and r["分数"] is not None for r in leaders)
    assert all(r["评价人"] is None and r["等次"] is not None for r in ratings if r["评价方"] == "同事")

    served = {(r["负责人"], r["企业"]) for r in rows(book, "企业诉求")}
    by_enterprises = [r for r in ratings if r["评价方"] == "服务企业"]
    assert all(people[r["对象"]]["职务"] == "网格员" for r in by_enterprises)
    assert all((r["对象"], r["评价人"]) in served for r in by_enterprises)
    counts = Counter(r["对象"] for r in by_enterprises)
    assert min(counts.values()) < 3 <= max(counts.values())  # some left out, most counted


@cache
def generator() -> ModuleType:
    """samples/make_sample.py as a module (its constants, its calendar)."""
    spec = importlib.util.spec_from_file_location("make_sample", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_generator_calendar_is_the_rules_calendar() -> None:
    """The generator's own working days are the statutory table's plus the zone's day off."""
    gen = generator()
    day = date(2024, 6, 1)
    while day <= date(2024, 10, 31):
        assert gen.is_working(day) == working(day), day
        day += timedelta(days=1)


def test_constants_agree_with_the_rules_file() -> None:
    """The sample is scored with this rules file; its catalogue must cover the sample."""
    rules_path = ROOT / "rules" / "qingdao-hitech-2024.yaml"
    yaml = YAML(typ="safe")
    rules = yaml.load(rules_path.read_text(encoding="utf-8"))
    events = rules["points"]["events"]
    assert {code: Decimal(str(e["points"])) for code, e in events.items()} == EVENTS
    assert {c: e["max_per_period"] for c, e in events.items() if "max_per_period" in e} == (MAX_PER_PERIOD)
    assert rules["points"]["person_cap"]["add"] == PERSON_CAP
    assert set(rules["coefficients"]["post_category"]) == POSTS
    assert set(rules["coefficients"]["role"]) == STAFF_ROLES
    assert set(rules["indicators"]["level_multiplier"]) == LEVELS
    assert set(rules["indicators"]["curves"]) == CURVES
    assert set(rules["roles"]["main_leader"]) == MAIN_LEADER
    assert set(rules["roles"]["leader_in_charge"]) == LEADER_IN_CHARGE
    assert set(rules["veto"]["items"]) == VETO_ITEMS
    service = rules["service"]
    assert (service["respond_days"], service["resolve_days"]) == (1, RESOLVE_DAYS)
    assert service["calendar"] == {"statutory": True, "holidays": ZONE_DAYS_OFF}
    assert service["events"] == {"late_response": "S01", "late_resolution": "S02", "on_time": "S03"}
    evaluation = rules["evaluation"]
    assert set(evaluation["groups"]) == GROUPS and evaluation["votes"] == VOTES
    assert rules["grades"]["quota_scope"] == "department"

    # The generator writes the sample from constants of its own: they say the same.
    gen = generator()
    assert {c: Decimal(str(v)) for c, v in gen.EVENT_DEFAULTS.items()} == EVENTS
    assert set(gen.POST_CATEGORIES) == POSTS and set(gen.STAFF_ROLES) == STAFF_ROLES
    assert set(gen.MAIN_LEADER_ROLES) == MAIN_LEADER and {gen.LEADER_IN_CHARGE_ROLE} == LEADER_IN_CHARGE
    assert set(gen.VETO_ITEMS) == VETO_ITEMS
    assert (gen.RESPOND_DAYS, gen.RESOLVE_DAYS) == (1, RESOLVE_DAYS)
    assert list(gen.ZONE_DAYS_OFF) == ZONE_DAYS_OFF
    assert set(gen.EVALUATION_GROUPS) == GROUPS and gen.VOTES == VOTES
    assert set(gen.CURVES) == CURVES and set(gen.INDICATOR_CURVES.values()) == CURVES
