"""Generate a large, valid synthetic input workbook for benchmarking ``kpi score``.

    python benchmarks/generate.py --people 50000 --events 1000000 --out benchmarks/out/big.xlsx
    python benchmarks/generate.py --people 50000 --events 1000000 --requests 100000 \
        --evaluations 500000 --out benchmarks/out/big-with.xlsx

The workbook follows method §3 and agrees with rules/qingdao-hitech-2024.yaml (event
codes A01 A02 B01 B02, post categories 招商/企业服务/综合保障, roles 部长/副部长/职员,
levels 国家/省/市, vetoes 全面从严治党/安全生产, curves 增长型/达标型, service
类别 一般/特殊, evaluation groups and votes), so a benchmark measures scoring, not
error reporting. Its shape scales with ``--people``: one department per 50
individuals, each with 2–4 indicators (one in ten on a scoring curve) and a share of
a city indicator, one leader in charge per three departments, two main leaders.

``--requests`` adds a 企业诉求 sheet and ``--evaluations`` a 测评 sheet. They are
drawn after every other sheet from random sources of their own, so a workbook with
them has exactly the same other sheets as one without: the pair measures what the
two sheets cost. As in a zone, the requests go to the staff of the 企业服务
departments (the grids), who are also the ones enterprises rate (服务企业); every
staff member gets 民主测评 (领导 分数, 同事 votes) and every department 共建共评.

Writing a million-row sheet must not take longer than scoring it, so the writer
uses xlsxwriter's ``constant_memory`` mode (rows are streamed to disk in order and
strings are inlined) and calls the typed ``write_*`` methods directly; dates are
written as precomputed Excel serial numbers with a date format, which is what a
date cell is.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

PERIOD_START = date(2024, 7, 1)
PERIOD_END = date(2024, 9, 30)
CREATED = datetime(2024, 10, 8)  # fixed, so equal parameters give equal files
PEOPLE_PER_DEPARTMENT = 50
DEPARTMENTS_PER_LEADER = 3

# (kind of department, its usual 岗位类别): department names cycle through these.
DEPARTMENT_KINDS = (
    ("党政综合部", "综合保障"),
    ("组织人事部", "综合保障"),
    ("财政金融部", "综合保障"),
    ("招商部", "招商"),
    ("企业服务部", "企业服务"),
    ("科技创新部", "企业服务"),
    ("规划建设部", "招商"),
    ("社会事业部", "综合保障"),
    ("纪工委", "综合保障"),
)
CLERK_BASES = (6000, 6500, 7000, 7500, 8000)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏"
GIVEN = "伟 芳 娜 敏 静 磊 军 洋 勇 艳 杰 涛 明 建国 海涛 志强 秀英 丽娟 晓东 文博 雪梅 子涵 浩然"
GIVEN_NAMES = tuple(GIVEN.split())

# Event codes with their share of the ledger, and reasons to pick from.
CODES = ("A01", "A02", "B01", "B02")
CODE_WEIGHTS = (25, 20, 40, 15)
REASONS = {
    "A01": ("重大活动服务保障表现突出", "防汛应急值守表现突出", "承办招商推介会组织有力"),
    "A02": ("促成新能源项目签约落地", "促成生物医药项目签约落地", "促成集成电路项目签约落地"),
    "B01": ("市级督办事项逾期办结", "12345热线工单超时办结", "批示件未按期反馈"),
    "B02": ("工作日上班迟到", "服务企业态度生硬被投诉", "会议期间擅自离会"),
}
EXPLICIT_POINTS = {"A01": (1, 3), "A02": (4, 5, 4.5), "B01": (0, -2), "B02": (-1, -3)}

# 企业诉求: 类别 with their share, received over four months around the quarter.
REQUEST_KINDS = ("一般", "特殊")
REQUEST_KIND_WEIGHTS = (85, 15)
REQUESTS_FROM = date(2024, 6, 16)
REQUESTS_TO = date(2024, 10, 15)
# 测评: rater groups of people and of departments, and the votes of rules `evaluation.votes`.
PERSON_GROUPS = ("领导", "同事", "服务企业")
PERSON_GROUP_WEIGHTS = (35, 55, 10)
DEPARTMENT_GROUPS = ("街道", "平台公司", "园区")
VOTES = ("优秀", "称职", "基本称职", "不称职")
VOTE_WEIGHTS = (20, 60, 15, 5)
CURVES = ("增长型", "达标型")

INDICATOR_TEMPLATES = (
    ("高新技术企业数量（家）", "国家", "正向", 40),
    ("研发投入强度（%）", "国家", "正向", 4.5),
    ("实际使用外资（万美元）", "省", "正向", 800),
    ("技术合同成交额（亿元）", "省", "正向", 6),
    ("新签约亿元以上项目数（个）", "市", "正向", 3),
    ("信访投诉件数（件）", "市", "反向", 10),
    ("安全生产事故起数（起）", "省", "反向", 1),
    ("营商环境满意度测评", "市", "评分", None),
)
CITY_INDICATORS = (
    ("地区生产总值增速", 20),
    ("规上工业增加值增速", 15),
    ("固定资产投资增速", 10),
    ("实际使用外资", 10),
    ("一般公共预算收入", 10),
    ("高新技术企业数", 8),
    ("营商环境评价", 10),
    ("外贸进出口总额", 6),
    ("科技型中小企业数", 5),
    ("新增市场主体数", 5),
    ("重点项目建设综合评价", 8),
    ("社会消费品零售总额增速", 5),  # last: nobody shares it, counts in Z only
)


@dataclass(frozen=True)
class Shape:
    """Sizes derived from the CLI parameters."""

    people: int
    events: int
    requests: int = 0
    evaluations: int = 0

    @property
    def departments(self) -> int:
        return max(1, self.people // PEOPLE_PER_DEPARTMENT)

    @property
    def leaders_in_charge(self) -> int:
        return -(-self.departments // DEPARTMENTS_PER_LEADER)


def excel_serial(day: date) -> int:
    """Excel's 1900-system serial of ``day`` (valid after 1900-03-01)."""
    return (day - date(1899, 12, 30)).days


def department_name(index: int) -> str:
    """Unique department names that can never be mistaken for a 工号."""
    kind = DEPARTMENT_KINDS[index % len(DEPARTMENT_KINDS)][0]
    return f"{kind}{index + 1:04d}"


def split_shares(count: int) -> list[str]:
    """``count`` positive decimal shares (as text) that sum to exactly 1."""
    digits = max(4, len(str(count)) + 2)
    scale = 10**digits
    base, extra = divmod(scale, count)
    return [f"{(base + (i < extra)) / scale:.{digits}f}" for i in range(count)]


def generate(shape: Shape, out: Path, seed: int = 1) -> None:
    """Write the workbook for ``shape`` to ``out``, streaming rows in order."""
    rng = random.Random(seed)
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    wb.set_properties({"title": "kpi benchmark input", "created": CREATED})
    header_fmt = wb.add_format({"bold": True})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})

    def sheet(name: str, header: Sequence[str], widths: Sequence[int]) -> Worksheet:
        ws = wb.add_worksheet(name)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.write_row(0, 0, header, header_fmt)
        return ws

    n_depts = shape.departments
    depts = [department_name(d) for d in range(n_depts)]
    leader_ids = [f"L{i + 1:05d}" for i in range(2 + shape.leaders_in_charge)]

    # 人员: leaders, then each department's staff (部长, 副部长, 职员...).
    ws = sheet("人员", ("工号", "姓名", "部门", "岗位类别", "职务", "绩效基数", "在岗月数"),
               (10, 8, 16, 10, 14, 10, 10))  # fmt: skip
    ws_str, ws_num = ws.write_string, ws.write_number
    row = 1
    for i, lid in enumerate(leader_ids):
        role = ("党工委书记", "管委会主任")[i] if i < 2 else "管委会副主任"
        ws_str(row, 0, lid)
        ws_str(row, 1, rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES))
        ws_str(row, 4, role)
        ws_num(row, 5, 20000 if i < 2 else 16000)
        row += 1
    staff_ids: list[str] = []
    service_ids: list[str] = []  # staff of the 企业服务 departments: requests' 负责人 (the grids)
    per_dept, remainder = divmod(shape.people, n_depts)
    for d, dept in enumerate(depts):
        post = DEPARTMENT_KINDS[d % len(DEPARTMENT_KINDS)][1]
        size = per_dept + (d < remainder)
        for k in range(size):
            pid = f"G{len(staff_ids) + 1:07d}"
            staff_ids.append(pid)
            if post == "企业服务":
                service_ids.append(pid)
            role = "部长" if k == 0 else "副部长" if k == 1 or (k == 2 and size >= 30) else "职员"
            ws_str(row, 0, pid)
            ws_str(row, 1, rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES))
            ws_str(row, 2, dept)
            ws_str(row, 3, post)
            ws_str(row, 4, role)
            ws_num(row, 5, {"部长": 12000, "副部长": 10000}.get(role) or rng.choice(CLERK_BASES))
            if role == "职员" and rng.random() < 0.01:
                ws_num(row, 6, rng.choice((0, 1, 2)))
            row += 1

    # 部门: each leader in charge takes up to three departments.
    ws = sheet("部门", ("部门", "分管领导"), (16, 10))
    for d, dept in enumerate(depts):
        ws.write_string(d + 1, 0, dept)
        ws.write_string(d + 1, 1, leader_ids[2 + d // DEPARTMENTS_PER_LEADER])

    # 点数: the bulk of the file, written with pre-bound methods and precomputed cells.
    ws = sheet("点数", ("日期", "对象", "事项", "点数", "事由"), (12, 16, 6, 6, 30))
    ws_str, ws_num = ws.write_string, ws.write_number
    n_days = (PERIOD_END - PERIOD_START).days + 1
    serials = [excel_serial(PERIOD_START + timedelta(days=i)) for i in range(n_days)]
    days = sorted(rng.randrange(n_days) for _ in range(shape.events))
    codes = rng.choices(CODES, CODE_WEIGHTS, k=shape.events)
    pools = (staff_ids, depts, leader_ids)
    kinds = rng.choices((0, 1, 2), (92, 7, 1), k=shape.events)  # staff, department, leader
    random_ = rng.random
    choice = rng.choice
    for i in range(shape.events):
        r = i + 1
        code = codes[i]
        ws_num(r, 0, serials[days[i]], date_fmt)
        ws_str(r, 1, choice(pools[kinds[i]]))
        ws_str(r, 2, code)
        if random_() < 0.03:
            ws_num(r, 3, choice(EXPLICIT_POINTS[code]))
        ws_str(r, 4, choice(REASONS[code]))

    # 指标: 2–4 per department, some late, some over the cap.
    ws = sheet("指标", ("编号", "名称", "层级", "责任部门", "方向", "目标值", "完成值", "权重",
                        "截止日期", "完成日期", "计分曲线"),
               (10, 28, 6, 16, 6, 8, 8, 6, 12, 12, 8))  # fmt: skip
    row = 1
    deadline = excel_serial(date(2024, 9, 20))  # completions up to a week late stay in Q3
    for dept in depts:
        for name, level, direction, target in rng.sample(INDICATOR_TEMPLATES, rng.randint(2, 4)):
            ws.write_string(row, 0, f"ZB{row:06d}")
            ws.write_string(row, 1, name)
            ws.write_string(row, 2, level)
            ws.write_string(row, 3, dept)
            ws.write_string(row, 4, direction)
            if target is None:
                ws.write_number(row, 6, round(rng.uniform(70, 100), 2))
            else:
                ws.write_number(row, 5, target)
                ws.write_number(row, 6, round(target * rng.uniform(0, 1.4), 2))
                ws.write_number(row, 8, deadline, date_fmt)
                ws.write_number(row, 9, deadline + rng.choice((-20, -5, 0, 0, 7)), date_fmt)
                if row % 10 == 0:  # one in ten on a scoring curve (never a 评分 indicator)
                    ws.write_string(row, 10, CURVES[row // 10 % 2])
            ws.write_number(row, 7, rng.choice((5, 10, 15, 20)))
            row += 1

    # 市级排名 and 市级分工: every department shares one city indicator (round robin).
    ws = sheet("市级排名", ("指标", "权重", "排名", "参评单位数"), (24, 6, 6, 10))
    for row, (name, weight) in enumerate(CITY_INDICATORS, start=1):
        participants = rng.randint(10, 16)
        ws.write_row(row, 0, (name, weight, rng.randint(1, participants), participants))
    ws = sheet("市级分工", ("指标", "部门", "占比"), (24, 16, 8))
    shared = CITY_INDICATORS[:-1]
    row = 1
    for k, (name, _) in enumerate(shared):
        bearers = depts[k :: len(shared)]
        for dept, share in zip(bearers, split_shares(len(bearers)) if bearers else (), strict=True):
            ws.write_string(row, 0, name)
            ws.write_string(row, 1, dept)
            ws.write_number(row, 2, float(share))
            row += 1

    # 否决: one department (cascades per rules) and one individual elsewhere.
    ws = sheet("否决", ("对象", "事项", "日期", "说明"), (16, 14, 12, 30))
    veto_day = excel_serial(date(2024, 8, 21))
    ws.write_row(1, 0, (depts[-1], "安全生产"))
    ws.write_number(1, 2, veto_day, date_fmt)
    ws.write_string(1, 3, "发生一起生产安全事故")
    ws.write_row(2, 0, (staff_ids[0], "全面从严治党"))
    ws.write_number(2, 2, veto_day, date_fmt)
    ws.write_string(2, 3, "违反中央八项规定精神")

    # The optional sheets last, each from its own random source: the sheets above are
    # the same with or without them.
    if shape.requests:
        write_requests(sheet, date_fmt, shape.requests, service_ids, random.Random(f"{seed}-requests"))
    if shape.evaluations:
        rng_e = random.Random(f"{seed}-evaluations")
        write_evaluations(sheet, shape.evaluations, staff_ids, service_ids, depts, rng_e)
    wb.close()


SheetMaker = Callable[[str, Sequence[str], Sequence[int]], Worksheet]


def write_requests(
    sheet: SheetMaker, date_fmt: Format, count: int, staff: list[str], rng: random.Random
) -> None:
    """企业诉求: ``count`` requests on the service staff, received over four months around Q3.

    Most are answered within a day or two and settled within the week; some late, some
    never (blank). Dates are calendar days; kpi counts the working days.
    """
    ws = sheet("企业诉求", ("编号", "企业", "负责人", "类别", "受理日期", "回应日期", "办结日期"),
               (12, 14, 10, 6, 12, 12, 12))  # fmt: skip
    ws_str, ws_num = ws.write_string, ws.write_number
    first, span = excel_serial(REQUESTS_FROM), (REQUESTS_TO - REQUESTS_FROM).days + 1
    companies = max(1, count // 4)
    kinds = rng.choices(REQUEST_KINDS, REQUEST_KIND_WEIGHTS, k=count)
    received = sorted(first + rng.randrange(span) for _ in range(count))
    random_, randrange, choice = rng.random, rng.randrange, rng.choice
    for i in range(count):
        r = i + 1
        day = received[i]
        ws_str(r, 0, f"SQ{r:07d}")
        ws_str(r, 1, f"企业{randrange(companies):06d}")
        ws_str(r, 2, choice(staff))
        ws_str(r, 3, kinds[i])
        ws_num(r, 4, day, date_fmt)
        if random_() < 0.95:
            ws_num(r, 5, day + choice((0, 0, 1, 1, 1, 2, 3, 4)), date_fmt)
        if random_() < 0.92:
            ws_num(r, 6, day + randrange(1, 17), date_fmt)


def write_evaluations(
    sheet: SheetMaker,
    count: int,
    staff: list[str],
    service: list[str],
    depts: list[str],
    rng: random.Random,
) -> None:
    """测评: ``count`` rows, four in five on people (领导 分数 by a named rater and anonymous
    同事 votes on any staff member, 服务企业 分数 by a named enterprise on the service
    staff), one in five on departments (街道, 平台公司, 园区 分数 by a named partner).

    A target's k-th named rater of a group is called by k (领导 ``L3``, 服务企业
    ``企业0003``, a partner ``P3``), so raters repeat across targets as real ones do,
    and a (对象, 评价方, 评价人) never repeats."""
    ws = sheet("测评", ("对象", "评价方", "评价人", "分数", "等次"), (16, 8, 12, 6, 8))
    ws_str, ws_num = ws.write_string, ws.write_number
    on_people = rng.choices((True, False), (80, 20), k=count)
    person_groups = rng.choices(PERSON_GROUPS, PERSON_GROUP_WEIGHTS, k=count)
    votes = rng.choices(VOTES, VOTE_WEIGHTS, k=count)
    randint, choice = rng.randint, rng.choice
    named: dict[tuple[str, str], int] = {}
    prefix = {"领导": "L", "服务企业": "企业", "街道": "P", "平台公司": "P", "园区": "P"}
    for i in range(count):
        r = i + 1
        if on_people[i]:
            group = person_groups[i]
            target = choice(service if group == "服务企业" else staff)
            if group == "同事":
                ws_str(r, 0, target)
                ws_str(r, 1, group)
                ws_str(r, 4, votes[i])
                continue
        else:
            group = DEPARTMENT_GROUPS[r % 3]
            target = choice(depts)
        k = named[target, group] = named.get((target, group), 0) + 1
        ws_str(r, 0, target)
        ws_str(r, 1, group)
        ws_str(r, 2, f"{prefix[group]}{k:04d}" if group == "服务企业" else f"{prefix[group]}{k}")
        ws_num(r, 3, randint(600, 1000) / 10)


def main(argv: Sequence[str] | None = None) -> None:
    """CLI entry point; prints the wall time so generation cost is visible next to scoring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50000, help="individuals (default 50000)")
    parser.add_argument("--events", type=int, default=1000000, help="point events")
    parser.add_argument("--out", type=Path, required=True, help="workbook to write")
    parser.add_argument("--requests", type=int, default=0, help="service requests (企业诉求, default 0)")
    parser.add_argument("--evaluations", type=int, default=0, help="evaluation rows (测评, default 0)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.people < 1 or min(args.events, args.requests, args.evaluations) < 0:
        parser.error("--people must be ≥ 1 and --events, --requests, --evaluations ≥ 0")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    generate(Shape(args.people, args.events, args.requests, args.evaluations), args.out, args.seed)
    elapsed = time.perf_counter() - start
    size = args.out.stat().st_size / 2**20
    print(
        f"wrote {args.out}: {args.people} people, {args.events} events, {args.requests} requests, "
        f"{args.evaluations} evaluation rows, {size:.1f} MiB in {elapsed:.1f} s"
    )


if __name__ == "__main__":
    main()
