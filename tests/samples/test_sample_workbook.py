"""The bundled sample quarter is reproducible and says what its README promises.

samples/2024Q3.xlsx is committed; these tests make sure it is exactly what
samples/make_sample.py writes (so nobody hand-edits it out of step with the
generator) and that it keeps the properties other tests, docs and demos rely on:
the counts, the 71 people with A01, the cases each rule needs, valid references.
The rules values come from method §4 (rules/qingdao-hitech-2024.yaml).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "samples" / "make_sample.py"
SAMPLE = ROOT / "samples" / "2024Q3.xlsx"

PERIOD_START, PERIOD_END = date(2024, 7, 1), date(2024, 9, 30)
EVENTS = {"A01": 2, "A02": 3, "B01": -1, "B02": -2}
MAX_PER_PERIOD = {"A01": 6, "B02": 6}
PERSON_CAP = 20
POSTS = {"招商", "企业服务", "综合保障"}
STAFF_ROLES = {"部长", "副部长", "职员"}
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
    ],
    "市级排名": ["指标", "权重", "排名", "参评单位数"],
    "市级分工": ["指标", "部门", "占比"],
    "否决": ["对象", "事项", "日期", "说明"],
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
    assert len(ids) == len(set(ids)) == 163
    assert all(isinstance(i, str) and i.startswith("G") for i in ids)
    assert len({p["姓名"] for p in people}) == 163

    leaders = [p for p in people if p["职务"] in MAIN_LEADER | LEADER_IN_CHARGE]
    staff = [p for p in people if p not in leaders]
    leader_roles = Counter(p["职务"] for p in leaders)
    assert leader_roles == {"党工委书记": 1, "管委会主任": 1, "管委会副主任": 5}
    assert all(p["部门"] is None and p["岗位类别"] is None for p in leaders)

    assert len(staff) == 156
    assert {p["职务"] for p in staff} == STAFF_ROLES
    assert {p["岗位类别"] for p in staff} == POSTS
    assert {p["部门"] for p in staff} == departments
    for dept in departments:
        roles = Counter(p["职务"] for p in staff if p["部门"] == dept)
        assert roles["部长"] == 1 and 1 <= roles["副部长"] <= 2 and roles["职员"] >= 1, dept
    assert all(isinstance(p["绩效基数"], int | float) and p["绩效基数"] > 0 for p in people)

    months = [p["在岗月数"] for p in people if p["在岗月数"] is not None]
    assert 0 in months and all(0 <= m < 3 for m in months) and len(months) >= 3


def test_departments(book: openpyxl.Workbook) -> None:
    people = {p["工号"]: p for p in rows(book, "人员")}
    depts = rows(book, "部门")
    names = [d["部门"] for d in depts]
    assert len(names) == len(set(names)) == 9
    assert {"招商部", "企业服务部", "纪工委"} <= set(names)
    in_charge = Counter(d["分管领导"] for d in depts)
    assert len(in_charge) == 5
    assert all(people[lid]["职务"] in LEADER_IN_CHARGE for lid in in_charge)
    assert all(1 <= n <= 3 for n in in_charge.values())


def test_point_events(book: openpyxl.Workbook) -> None:
    people = {p["工号"]: p for p in rows(book, "人员")}
    departments = {d["部门"] for d in rows(book, "部门")}
    assert not people.keys() & departments  # a target is never ambiguous
    events = rows(book, "点数")
    assert 400 <= len(events) <= 600
    assert all(PERIOD_START <= as_date(e["日期"]) <= PERIOD_END for e in events)
    assert all(e["事项"] in EVENTS for e in events)
    assert all(e["对象"] in people or e["对象"] in departments for e in events)

    a01 = Counter(e["对象"] for e in events if e["事项"] == "A01" and e["对象"] in people)
    assert len(a01) == 71
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
    assert set(rules["roles"]["main_leader"]) == MAIN_LEADER
    assert set(rules["roles"]["leader_in_charge"]) == LEADER_IN_CHARGE
    assert set(rules["veto"]["items"]) == VETO_ITEMS
