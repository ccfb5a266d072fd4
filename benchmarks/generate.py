"""Generate a large, valid synthetic input workbook for benchmarking ``kpi score``.

    python benchmarks/generate.py --people 50000 --events 1000000 --out benchmarks/out/big.xlsx

The workbook follows method §3 and agrees with rules/qingdao-hitech-2024.yaml (event
codes A01 A02 B01 B02, post categories 招商/企业服务/综合保障, roles 部长/副部长/职员,
levels 国家/省/市, vetoes 全面从严治党/安全生产), so a benchmark measures scoring,
not error reporting. Its shape scales with ``--people``: one department per 50
individuals, each with 2–4 indicators and a share of a city indicator, one leader
in charge per three departments, two main leaders.

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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter
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
    """Sizes derived from the two CLI parameters."""

    people: int
    events: int

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
    per_dept, remainder = divmod(shape.people, n_depts)
    for d, dept in enumerate(depts):
        post = DEPARTMENT_KINDS[d % len(DEPARTMENT_KINDS)][1]
        size = per_dept + (d < remainder)
        for k in range(size):
            pid = f"G{len(staff_ids) + 1:07d}"
            staff_ids.append(pid)
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
                        "截止日期", "完成日期"), (10, 28, 6, 16, 6, 8, 8, 6, 12, 12))  # fmt: skip
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
    wb.close()


def main(argv: Sequence[str] | None = None) -> None:
    """CLI entry point; prints the wall time so generation cost is visible next to scoring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50000, help="individuals (default 50000)")
    parser.add_argument("--events", type=int, default=1000000, help="point events")
    parser.add_argument("--out", type=Path, required=True, help="workbook to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.people < 1 or args.events < 0:
        parser.error("--people must be ≥ 1 and --events ≥ 0")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    generate(Shape(args.people, args.events), args.out, args.seed)
    elapsed = time.perf_counter() - start
    size = args.out.stat().st_size / 2**20
    print(f"wrote {args.out}: {args.people} people, {args.events} events, {size:.1f} MiB in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
