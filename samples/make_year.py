"""Generate the bundled sample year, ``samples/2024/``: four quarters and a year-end evaluation.

The annual appraisal (年度考核, ``kpi annual``) rolls four quarters' results up,
so the sample year is four quarterly input workbooks of one zone — about 150
staff in 8 departments — whose people change the way a real zone's do:

* staff leave (after Q1, after Q2, during Q3) and join (in Q2, Q3 and Q4),
  with 在岗月数 below 3 in the quarter they join or leave; someone who is only
  in Q1 or only in Q4 is in fewer than ``min_quarters`` quarters (不定等次);
* 招商部's 部长 is promoted to 管委会副主任 (a leader in charge) from Q3, taking
  招商部 over: Q1–Q2 in 个人得分, Q3–Q4 in 领导得分;
* a 职员 moves from 党政综合部 to 组织人事部 in Q2;
* 企业服务部 and 科技创新部 are merged into 科创服务部 from Q3 (a reorganisation:
  the old names end after Q2, the new one starts in Q3);
* vetoes: 安全生产 on 规划建设部 in Q2 (cascading to its 部长 and its leader in
  charge) and 全面从严治党 on one 职员 in Q4.

Beside them: ``year-end.xlsx``, the year-end 民主测评 (one sheet 测评: 领导 and
同事 rate every person and department, by score or by vote; a few have too few
raters), and ``rules.yaml``: the reference rules ``rules/qingdao-hitech-2024.yaml``
with an ``evaluation`` section (when the reference has none) and an ``annual``
section. Everything comes from one seeded random source and fixed creation dates,
so ``python samples/make_year.py`` rebuilds the same files.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

SEED = 20241231
YEAR = 2024
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "2024"
REFERENCE_RULES = HERE.parent / "rules" / "qingdao-hitech-2024.yaml"

POSTS = ("招商", "企业服务", "综合保障")
VETO_ITEMS = ("全面从严治党", "安全生产")

EVALUATION = """\
evaluation:                      # the year-end 民主测评 (samples/2024/year-end.xlsx)
  groups: {领导: 0.4, 同事: 0.6}
  votes: {优秀: 95, 称职: 85, 基本称职: 70, 不称职: 50}
  trim: 1
  min_raters: 3
"""
ANNUAL = """\
annual:                          # 年度考核: kpi annual rolls the four quarters up
  quarter_weights: {Q1: 1, Q2: 1, Q3: 1, Q4: 1}
  weights: {quarters: 0.7, evaluation: 0.3}   # quarter mean A and the year-end evaluation
  min_quarters: 2                # scored in fewer quarters: 不定等次
  veto_any_quarter: true         # vetoed in any quarter: at most veto_max_grade
  veto_max_grade: 基本称职
  grades:
    quota_scope: zone
    quota_rounding: floor
    bands:
      - {name: 优秀, min: 90, quota: 0.2, factor: 1.3}
      - {name: 称职, min: 70, factor: 1.0}
      - {name: 基本称职, min: 60, factor: 0.6}
      - {name: 不称职, min: 0, factor: 0}
  bonus: {pool: 1200000}         # the year-end pool, whole yuan
"""

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许"
    "傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭"
)
_GIVEN_TEXT = (
    "伟 芳 娜 敏 静 磊 军 洋 勇 艳 杰 涛 明 超 霞 刚 鹏 浩 晨 婷 雪 琳 欣 悦 颖 博 凯 斌 鑫 峰 "
    "建国 海涛 志强 秀英 丽娟 晓东 文博 雪梅 建华 国栋 红霞 春燕 玉兰 晓峰 志刚 永强 海燕 立新 "
    "振华 宏伟 晓丽 俊杰 子涵 思远 雨桐 浩然 宇轩 欣怡 佳琪 嘉豪 一鸣 晓明 建军 文静 亚楠"
)
GIVEN = tuple(_GIVEN_TEXT.split())


@dataclass(frozen=True)
class Dept:
    name: str
    size: int  # staff with the 部长 in Q1
    post: str
    leader: str  # 工号 of the leader in charge


DEPARTMENTS = (
    Dept("党政综合部", 20, "综合保障", "G0006"),
    Dept("组织人事部", 12, "综合保障", "G0006"),
    Dept("财政金融部", 16, "综合保障", "G0005"),
    Dept("招商部", 28, "招商", "G0003"),
    Dept("企业服务部", 22, "企业服务", "G0004"),
    Dept("科技创新部", 18, "企业服务", "G0004"),
    Dept("规划建设部", 16, "综合保障", "G0005"),
    Dept("社会事业部", 14, "综合保障", "G0006"),
)
#: The reorganisation of Q3: these departments become one.
MERGED = ("企业服务部", "科技创新部")
MERGED_INTO = "科创服务部"
LEADERS = (
    ("G0001", "党工委书记", 20000),
    ("G0002", "管委会主任", 20000),
    ("G0003", "管委会副主任", 16000),
    ("G0004", "管委会副主任", 16000),
    ("G0005", "管委会副主任", 16000),
    ("G0006", "管委会副主任", 16000),
)
PROMOTED_ROLE = "管委会副主任"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    department: str | None
    post: str | None
    role: str
    base: int


@dataclass
class Quarter:
    """One quarter's input rows."""

    number: int
    people: list[tuple[Person, int | None]]  # with 在岗月数 (None = the whole quarter)
    departments: list[tuple[str, str]]
    events: list[tuple[date, str, str, float | None, str]]
    indicators: list[tuple[object, ...]]
    rankings: list[tuple[str, int, int, int]]
    shares: list[tuple[str, str, float]]
    vetoes: list[tuple[str, str, date, str]]

    @property
    def first(self) -> date:
        return date(YEAR, 3 * self.number - 2, 1)

    @property
    def last(self) -> date:
        end = date(YEAR + 1, 1, 1) if self.number == 4 else date(YEAR, 3 * self.number + 1, 1)
        return end - timedelta(days=1)


def names(rng: random.Random, count: int) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in out:
            out.append(name)
    return out


@dataclass
class Zone:
    """The people of the year, and who joins, leaves, moves or is promoted when."""

    leaders: list[Person]
    staff: list[Person]
    left_after: dict[str, int]  # 工号 → last quarter (leaves during it: fewer months)
    joined_in: dict[str, int]  # 工号 → first quarter (joins during it: fewer months)
    moved: dict[str, tuple[int, str]]  # 工号 → (from quarter, new department)
    promoted: str  # 工号 of the 部长 promoted to leader in charge from Q3
    successor: str  # 工号 of the 副部长 who becomes 招商部's 部长 then


def build_zone(rng: random.Random) -> Zone:
    total = len(LEADERS) + sum(d.size for d in DEPARTMENTS) + 12
    pool = iter(names(rng, total))
    leaders = [Person(pid, next(pool), None, None, role, base) for pid, role, base in LEADERS]
    staff: list[Person] = []
    number = 100
    for dept in DEPARTMENTS:
        roles = ["部长", "副部长"] + ["职员"] * (dept.size - 2)
        for role in roles:
            number += 1
            post = dept.post if rng.random() < 0.8 or role != "职员" else rng.choice(POSTS)
            base = {"部长": 12000, "副部长": 10000}.get(role) or rng.choice((6000, 6500, 7000, 7500, 8000))
            staff.append(Person(f"G{number:04d}", next(pool), dept.name, post, role, base))
    clerks = [p for p in staff if p.role == "职员"]
    leaving = rng.sample(clerks, 9)
    left_after = {p.id: q for p, q in zip(leaving, (1, 1, 1, 2, 2, 2, 2, 3, 3), strict=True)}
    joined_in: dict[str, int] = {}
    for quarter in (2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4):
        number += 1
        dept = rng.choice(DEPARTMENTS)
        person = Person(
            f"G{number:04d}", next(pool), dept.name, dept.post, "职员", rng.choice((6000, 6500, 7000))
        )
        staff.append(person)
        joined_in[person.id] = quarter
    mover = next(p for p in clerks if p.department == "党政综合部" and p.id not in left_after)
    promoted = next(p for p in staff if p.department == "招商部" and p.role == "部长")
    successor = next(p for p in staff if p.department == "招商部" and p.role == "副部长")
    moved = {mover.id: (2, "组织人事部")}
    return Zone(leaders, staff, left_after, joined_in, moved, promoted.id, successor.id)


def department_of(zone: Zone, person: Person, quarter: int) -> str | None:
    dept = person.department
    if person.id in zone.moved and quarter >= zone.moved[person.id][0]:
        dept = zone.moved[person.id][1]
    if quarter >= 3 and dept in MERGED:
        dept = MERGED_INTO
    return dept


def departments_of(zone: Zone, quarter: int) -> list[tuple[str, str]]:
    """部门 of a quarter: 招商部 goes to its promoted 部长 from Q3; the merger from Q3."""
    rows = []
    for dept in DEPARTMENTS:
        leader = zone.promoted if dept.name == "招商部" and quarter >= 3 else dept.leader
        if quarter >= 3 and dept.name in MERGED:
            if dept.name == MERGED[0]:
                rows.append((MERGED_INTO, dept.leader))
            continue
        rows.append((dept.name, leader))
    return rows


def roster(zone: Zone, quarter: int, rng: random.Random) -> list[tuple[Person, int | None]]:
    """Who is on the roster in ``quarter``, with 在岗月数 for those joining or leaving in it."""
    rows: list[tuple[Person, int | None]] = []
    for leader in zone.leaders:
        rows.append((leader, None))
    for person in zone.staff:
        first = zone.joined_in.get(person.id, 1)
        last = zone.left_after.get(person.id, 4)
        if not first <= quarter <= last:
            continue
        months = None
        if quarter == first and person.id in zone.joined_in:
            months = rng.choice((1, 2))
        elif quarter == last and person.id in zone.left_after:
            months = rng.choice((1, 2, 3))
            months = None if months == 3 else months
        if person.id == zone.promoted and quarter >= 3:
            rows.append((replace(person, department=None, post=None, role=PROMOTED_ROLE, base=16000), None))
            continue
        if person.id == zone.successor and quarter >= 3:
            person = replace(person, role="部长", base=12000)
        dept = department_of(zone, person, quarter)
        post = person.post
        if dept == MERGED_INTO and post == "综合保障":
            post = "企业服务"
        rows.append((replace(person, department=dept), months))
    return rows


def working_days(q: Quarter) -> list[date]:
    days, day = [], q.first
    while day <= q.last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


REASONS = {
    "A01": ("重大活动服务保障表现突出", "防汛防台风应急值守表现突出", "国家高新区综合评价迎检表现突出"),
    "A02": ("促成新能源项目签约落地", "促成生物医药项目签约落地", "促成集成电路项目签约落地"),
    "B01": ("市级督办事项逾期办结", "12345热线工单超时办结", "统计数据报送逾期"),
    "B02": ("服务企业态度生硬被投诉", "值班期间脱岗", "公文出现明显差错"),
}


def events(q: Quarter, rng: random.Random) -> list[tuple[date, str, str, float | None, str]]:
    days = working_days(q)
    staff = [p for p, m in q.people if p.department is not None and m != 0]
    rows: list[tuple[date, str, str, float | None, str]] = []

    def add(target: str, code: str, points: float | None = None) -> None:
        rows.append((rng.choice(days), target, code, points, rng.choice(REASONS[code])))

    for person in rng.sample(staff, 45):
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            add(person.id, "A01")
    for person in rng.sample([p for p in staff if p.post == "招商"], 12):
        for _ in range(rng.choice((1, 2, 3, 5))):
            add(person.id, "A02")
    for person in rng.sample(staff, 40):
        add(person.id, "B01")
    for person in rng.sample(staff, 10):
        add(person.id, "B02")
    for dept, _ in rng.sample(q.departments, 4):
        add(dept, rng.choice(("A01", "A02", "B01")))
    add("G0002", "A02")
    add(staff[5].id, "A02", 4.5)
    rows.sort(key=lambda r: r[0])
    return rows


INDICATOR_NAMES = {
    "党政综合部": (("政务信息采用数（篇）", "正向", "市"), ("重点工作督办办结率（%）", "正向", "市")),
    "组织人事部": (("高层次人才引进数量（人）", "正向", "省"), ("党建工作考核得分", "评分", "市")),
    "财政金融部": (("税收收入（亿元）", "正向", "市"), ("新增直接融资额（亿元）", "正向", "省")),
    "招商部": (("实际使用外资（万美元）", "正向", "省"), ("新签约亿元以上项目数（个）", "正向", "市")),
    "企业服务部": (("规上工业企业新增培育数（家）", "正向", "市"), ("信访投诉件数（件）", "反向", "市")),
    "科技创新部": (("高新技术企业数量（家）", "正向", "国家"), ("研发投入强度（%）", "正向", "国家")),
    "科创服务部": (
        ("高新技术企业数量（家）", "正向", "国家"),
        ("规上工业企业新增培育数（家）", "正向", "市"),
        ("信访投诉件数（件）", "反向", "市"),
    ),
    "规划建设部": (("固定资产投资完成额（亿元）", "正向", "省"), ("重点项目开工率（%）", "正向", "市")),
    "社会事业部": (("新增城镇就业人数（人）", "正向", "省"), ("安全生产事故起数（起）", "反向", "省")),
}
CITY = (
    ("地区生产总值增速", 20),
    ("规上工业增加值增速", 15),
    ("实际使用外资", 10),
    ("一般公共预算收入", 10),
    ("营商环境评价", 10),
    ("社会消费品零售总额增速", 5),
)


def indicators(q: Quarter, rng: random.Random) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    number = 0
    for dept, _ in q.departments:
        for name, direction, level in INDICATOR_NAMES[dept]:
            number += 1
            weight = rng.choice((5, 10, 10, 15, 20))
            deadline = q.last - timedelta(days=rng.choice((0, 0, 0, 15, 30)))
            if direction == "评分":
                rows.append((f"ZB{number:02d}", name, level, dept, direction, None,
                             round(rng.uniform(82, 98), 2), weight, None, None))  # fmt: skip
                continue
            target = rng.choice((10, 20, 50, 100, 480, 8000))
            ratio = rng.uniform(0.8, 1.3)
            actual = round(target / ratio if direction == "反向" else target * ratio, 2)
            late = rng.random() < 0.15
            done = deadline + timedelta(days=rng.choice((3, 9))) if late else deadline - timedelta(days=2)
            rows.append((f"ZB{number:02d}", name, level, dept, direction, target, actual, weight,
                         deadline, min(done, q.last)))  # fmt: skip
    return rows


def rankings(q: Quarter, rng: random.Random) -> list[tuple[str, int, int, int]]:
    return [(name, weight, rng.randint(1, 9), 14) for name, weight in CITY]


def shares(q: Quarter) -> list[tuple[str, str, float]]:
    names = [d for d, _ in q.departments]
    invest = "招商部"
    service = MERGED_INTO if MERGED_INTO in names else "企业服务部"
    rows = [
        ("地区生产总值增速", invest, 0.5),
        ("地区生产总值增速", service, 0.5),
        ("规上工业增加值增速", service, 1),
        ("实际使用外资", invest, 1),
        ("一般公共预算收入", "财政金融部", 1),
        ("营商环境评价", service, 0.6),
        ("营商环境评价", "党政综合部", 0.4),
    ]
    if "科技创新部" in names:
        rows[2] = ("规上工业增加值增速", service, 0.6)
        rows.insert(3, ("规上工业增加值增速", "科技创新部", 0.4))
    return rows


def vetoes(q: Quarter, zone: Zone, rng: random.Random) -> list[tuple[str, str, date, str]]:
    if q.number == 2:
        return [("规划建设部", "安全生产", date(YEAR, 5, 21), "辖区在建项目发生一起生产安全事故")]
    if q.number == 4:
        clerk = next(p.id for p, _ in q.people if p.role == "职员" and p.department == "财政金融部")
        return [(clerk, "全面从严治党", date(YEAR, 11, 12), "违反中央八项规定精神，受到党内警告处分")]
    return []


def build_year(seed: int = SEED) -> tuple[list[Quarter], Zone, random.Random]:
    rng = random.Random(seed)
    zone = build_zone(rng)
    quarters = []
    for number in range(1, 5):
        q = Quarter(number, roster(zone, number, rng), departments_of(zone, number), [], [], [], [], [])
        q.events = events(q, rng)
        q.indicators = indicators(q, rng)
        q.rankings = rankings(q, rng)
        q.shares = shares(q)
        q.vetoes = vetoes(q, zone, rng)
        quarters.append(q)
    return quarters, zone, rng


def ballots(quarters: list[Quarter], zone: Zone, rng: random.Random) -> list[tuple[object, ...]]:
    """The year-end 测评: 领导 and 同事 rate people and the departments of Q4."""
    people = {p.id: p for q in quarters for p, _ in q.people}
    targets = sorted(people) + [d for d, _ in quarters[-1].departments]
    leaders = [p.id for p, _ in quarters[-1].people if p.department is None]
    colleagues = [p.id for p, _ in quarters[-1].people if p.department is not None]
    votes = ("优秀", "称职", "称职", "称职", "基本称职")
    rows: list[tuple[object, ...]] = []
    few = set(rng.sample(targets, 4))  # too few 同事 ratings: that group is left out
    for target in targets:
        for rater in rng.sample(leaders, 3):
            rows.append((target, "领导", rater, round(rng.uniform(75, 98), 1), None))
        raters = rng.sample(colleagues, 2 if target in few else rng.randint(5, 8))
        for rater in raters:
            if rng.random() < 0.3:
                rows.append((target, "同事", rater, None, rng.choice(votes)))
            else:
                rows.append((target, "同事", rater, round(rng.uniform(70, 99), 1), None))
    return rows


def rules_text() -> str:
    """The reference rules with the sections the year needs."""
    text = REFERENCE_RULES.read_text(encoding="utf-8")
    header = "# The sample year's rules: rules/qingdao-hitech-2024.yaml with the sections below added.\n"
    text = text.replace("$schema=./kpi-rules.schema.json", "$schema=../../rules/kpi-rules.schema.json", 1)
    lines = text.splitlines(keepends=True)
    body = "".join(lines[:1]) + header + "".join(lines[1:])
    if not body.endswith("\n"):
        body += "\n"
    if "\nevaluation:" not in body:
        body += EVALUATION
    return body + ANNUAL


def write_book(
    path: Path, title: str, sheets: dict[str, tuple[Sequence[str], list[Sequence[object]]]]
) -> None:
    book = xlsxwriter.Workbook(str(path))
    book.set_properties(
        {
            "title": title,
            "author": "kpi samples/make_year.py",
            "comments": "Synthetic data. Regenerate with: python samples/make_year.py",
            "created": datetime(YEAR + 1, 1, 8, 9, 0, 0),
        }
    )
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, (header, rows) in sheets.items():
        ws = book.add_worksheet(name)
        for col, text in enumerate(header):
            ws.write_string(0, col, text, bold)
            ws.set_column(col, col, 14)
        for r, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, date):
                    ws.write_datetime(r, col, datetime(value.year, value.month, value.day), day)
                elif isinstance(value, int | float):
                    ws.write_number(r, col, value)
                else:
                    ws.write_string(r, col, str(value))
        ws.freeze_panes(1, 0)
    book.close()


def write_year(out: Path, seed: int = SEED) -> list[Path]:
    quarters, zone, rng = build_year(seed)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for q in quarters:
        path = out / f"{YEAR}Q{q.number}.xlsx"
        people = [(p.id, p.name, p.department, p.post, p.role, p.base, m) for p, m in q.people]
        write_book(
            path,
            f"{YEAR}年第{q.number}季度KPI考核数据（示例）",
            {
                "人员": (("工号", "姓名", "部门", "岗位类别", "职务", "绩效基数", "在岗月数"), people),
                "部门": (("部门", "分管领导"), q.departments),
                "点数": (("日期", "对象", "事项", "点数", "事由"), q.events),
                "指标": (
                    (
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
                    ),
                    q.indicators,
                ),
                "市级排名": (("指标", "权重", "排名", "参评单位数"), q.rankings),
                "市级分工": (("指标", "部门", "占比"), q.shares),
                "否决": (("对象", "事项", "日期", "说明"), q.vetoes),
            },
        )
        written.append(path)
    path = out / "year-end.xlsx"
    write_book(
        path,
        f"{YEAR}年度民主测评（示例）",
        {"测评": (("对象", "评价方", "评价人", "分数", "等次"), ballots(quarters, zone, rng))},
    )
    written.append(path)
    rules = out / "rules.yaml"
    rules.write_text(rules_text(), encoding="utf-8")
    written.append(rules)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    """CLI: ``python samples/make_year.py [--out FOLDER]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="default: %(default)s")
    parser.add_argument("--seed", type=int, default=SEED, help="default: %(default)s")
    args = parser.parse_args(argv)
    for path in write_year(args.out, args.seed):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
