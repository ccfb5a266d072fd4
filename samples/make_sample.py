"""Generate the bundled sample quarter, ``samples/2024Q3.xlsx``.

The sample is the workbook a new user scores first (``kpi score samples/2024Q3.xlsx
--rules rules/qingdao-hitech-2024.yaml --period 2024Q3``), so it has to look like a
real zone's quarter and still exercise every rule of method §4–§6: per-code caps,
person and department caps, explicit points overriding defaults, late and
over-achieving indicators, 反向 and 评分 indicators, a department with no
indicators, a city indicator nobody shares, a cascading department veto and a
person veto.

It is generated rather than hand-edited so that every one of those cases is
written down in code a reviewer can read, and so that it can be rebuilt
byte-for-byte: the random source is seeded, nothing iterates a set or reads the
clock, and the workbook's creation date is fixed (xlsxwriter also pins the zip
entries' timestamps). Run ``python samples/make_sample.py`` to rebuild it.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

SEED = 20240930
PERIOD = "2024Q3"
PERIOD_START = date(2024, 7, 1)
PERIOD_END = date(2024, 9, 30)
# Fixed workbook metadata: xlsxwriter would otherwise stamp "now" into docProps/core.xml.
CREATED = datetime(2024, 10, 8, 9, 0, 0)
DEFAULT_OUT = Path(__file__).resolve().with_name("2024Q3.xlsx")

# The values of rules/qingdao-hitech-2024.yaml (method §4) the sample must agree with.
EVENT_DEFAULTS = {"A01": 2, "A02": 3, "B01": -1, "B02": -2}
POST_CATEGORIES = ("招商", "企业服务", "综合保障")
STAFF_ROLES = ("部长", "副部长", "职员")
MAIN_LEADER_ROLES = ("党工委书记", "管委会主任")
LEADER_IN_CHARGE_ROLE = "管委会副主任"
VETO_ITEMS = ("全面从严治党", "安全生产")

# ---------------------------------------------------------------------------
# Organisation: 八部一委, their sizes and who is in charge of them.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DeptPlan:
    """How one department is staffed: why each field exists is the roster it yields."""

    name: str
    size: int  # staff including the 部长
    deputies: int  # number of 副部长
    post: str  # the department's usual 岗位类别
    extra_post: str | None = None  # a second category some 职员 hold (project/fund posts)
    extra_count: int = 0
    leader: str = ""  # 工号 of the 管委会副主任 in charge


# 20+12+15+30+25+18+16+12+8 = 156 individuals.
DEPARTMENTS: tuple[DeptPlan, ...] = (
    DeptPlan("党政综合部", 20, 2, "综合保障", leader="G0007"),
    DeptPlan("组织人事部", 12, 1, "综合保障", leader="G0007"),
    DeptPlan("财政金融部", 15, 2, "综合保障", "招商", 3, leader="G0006"),
    DeptPlan("招商部", 30, 2, "招商", leader="G0003"),
    DeptPlan("企业服务部", 25, 2, "企业服务", leader="G0004"),
    DeptPlan("科技创新部", 18, 2, "企业服务", "招商", 4, leader="G0004"),
    DeptPlan("规划建设部", 16, 1, "综合保障", "招商", 4, leader="G0005"),
    DeptPlan("社会事业部", 12, 1, "综合保障", leader="G0005"),
    DeptPlan("纪工委", 8, 1, "综合保障", leader="G0007"),
)

# (工号, 职务, 绩效基数): two main leaders and five leaders in charge.
LEADERS: tuple[tuple[str, str, int], ...] = (
    ("G0001", "党工委书记", 20000),
    ("G0002", "管委会主任", 20000),
    ("G0003", LEADER_IN_CHARGE_ROLE, 16000),
    ("G0004", LEADER_IN_CHARGE_ROLE, 16000),
    ("G0005", LEADER_IN_CHARGE_ROLE, 16000),
    ("G0006", LEADER_IN_CHARGE_ROLE, 16000),
    ("G0007", LEADER_IN_CHARGE_ROLE, 16000),
)

ROLE_BASE = {"部长": 12000, "副部长": 10000}
CLERK_BASES = (6000, 6500, 7000, 7500, 8000)

# Frequent surnames appear more than once so the draw follows rough real frequencies.
SURNAMES = (
    "王王王王李李李李张张张张刘刘刘陈陈陈杨杨赵赵黄黄周周吴吴徐孙胡朱高林何郭马罗"
    "梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田"
    "任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段曲臧栾隋"
)
# Given names as people actually carry them (one or two characters).
_GIVEN_NAMES_TEXT = (
    "伟 芳 娜 敏 静 磊 军 洋 勇 艳 杰 涛 明 超 霞 刚 鹏 浩 晨 婷 雪 琳 欣 悦 颖 博 凯 斌 鑫 峰 "
    "建国 海涛 志强 秀英 丽娟 晓东 文博 雪梅 建华 国栋 红霞 春燕 玉兰 晓峰 志刚 永强 海燕 "
    "立新 振华 宏伟 晓丽 丽华 俊杰 子涵 思远 雨桐 梓萱 浩然 宇轩 欣怡 佳琪 嘉豪 一鸣 "
    "晓明 建军 卫东 文静 婷婷 晓燕 亚楠 金龙 德华 明辉 新宇 天宇 晨曦 梦瑶 雅琪 诗涵 "
    "海波 志远 凤英 秀兰 桂芳 美玲 丹丹 晶晶 鹏飞 鹏程 家豪 子轩 若曦 雨欣 佳怡 泽宇 "
    "国庆 建平 红梅 立华 少华 光明 春雷 学军 晓光 庆丰 海滨 青松 长青 文华 晓云 玉洁"
)
GIVEN_NAMES = tuple(_GIVEN_NAMES_TEXT.split())

# ---------------------------------------------------------------------------
# Indicators, city rankings, shares, vetoes: written out by hand because each
# row is a case someone will recompute from docs/method.md.
# ---------------------------------------------------------------------------

D = date  # short alias for the table below
# (编号, 名称, 层级, 责任部门, 方向, 目标值, 完成值, 权重, 截止日期, 完成日期)
IndicatorRow = tuple[str, str, str, str, str, float | None, float, float, date | None, date | None]
INDICATORS: tuple[IndicatorRow, ...] = (
    # 科技部 (national) indicators, decomposed to 科技创新部.
    ("ZB01", "高新技术企业数量（家）", "国家", "科技创新部", "正向", 480, 512, 20,
     D(2024, 9, 30), D(2024, 9, 26)),
    ("ZB02", "研发投入强度（%）", "国家", "科技创新部", "正向", 4.5, 4.62, 15,
     D(2024, 9, 30), D(2024, 9, 20)),
    ("ZB03", "科技型中小企业入库数（家）", "国家", "科技创新部", "正向", 600, 543, 10,
     D(2024, 9, 30), D(2024, 9, 30)),
    # Late: completed 12 days after the deadline.
    ("ZB04", "技术合同成交额（亿元）", "省", "科技创新部", "正向", 60, 63.8, 10,
     D(2024, 8, 31), D(2024, 9, 12)),
    ("ZB05", "实际使用外资（万美元）", "省", "招商部", "正向", 8000, 8650, 20,
     D(2024, 9, 30), D(2024, 9, 28)),
    # Over-achieved: 16/12 = 1.33 > cap 1.2.
    ("ZB06", "新签约亿元以上项目数（个）", "市", "招商部", "正向", 12, 16, 15,
     D(2024, 9, 30), D(2024, 9, 25)),
    # Not completed: no completion date, the ratio shows the shortfall.
    ("ZB07", "招商引资到位资金（亿元）", "省", "招商部", "正向", 45, 41.3, 15,
     D(2024, 9, 30), None),
    ("ZB08", "世界500强及行业领军企业投资项目（个）", "省", "招商部", "正向", 2, 3, 10,
     D(2024, 9, 30), D(2024, 9, 10)),
    ("ZB09", "规上工业企业新增培育数（家）", "市", "企业服务部", "正向", 15, 17, 10,
     D(2024, 9, 30), D(2024, 9, 27)),
    ("ZB10", "企业诉求办结率（%）", "市", "企业服务部", "正向", 95, 97.6, 10,
     D(2024, 9, 30), D(2024, 9, 30)),
    # Reverse: fewer complaints than the ceiling, 30/24 = 1.25 > cap.
    ("ZB11", "信访投诉件数（件）", "市", "企业服务部", "反向", 30, 24, 5,
     D(2024, 9, 30), D(2024, 9, 30)),
    ("ZB12", "营商环境满意度测评", "市", "企业服务部", "评分", None, 92.35, 10, None, None),
    ("ZB13", "税收收入（亿元）", "市", "财政金融部", "正向", 28.5, 27.92, 12.5,
     D(2024, 9, 30), D(2024, 9, 30)),
    ("ZB14", "新增直接融资额（亿元）", "省", "财政金融部", "正向", 20, 24.6, 10,
     D(2024, 9, 30), D(2024, 9, 15)),
    ("ZB15", "预算绩效管理评价", "市", "财政金融部", "评分", None, 88.46, 10, None, None),
    ("ZB16", "重点项目开工率（%）", "市", "规划建设部", "正向", 90, 85, 15,
     D(2024, 8, 31), D(2024, 9, 20)),
    ("ZB17", "固定资产投资完成额（亿元）", "省", "规划建设部", "正向", 120, 118.6, 20,
     D(2024, 9, 30), D(2024, 9, 30)),
    ("ZB18", "建设用地供应面积（公顷）", "市", "规划建设部", "正向", 80, 92, 10,
     D(2024, 9, 15), D(2024, 9, 25)),
    # The accident behind the 安全生产 veto on 规划建设部.
    ("ZB19", "建筑施工安全事故起数（起）", "市", "规划建设部", "反向", 1, 1, 5,
     D(2024, 9, 30), D(2024, 9, 30)),
    # Reverse with actual 0: ρ = cap.
    ("ZB20", "安全生产事故起数（起）", "省", "社会事业部", "反向", 1, 0, 10,
     D(2024, 9, 30), D(2024, 9, 30)),
    ("ZB21", "新增城镇就业人数（人）", "省", "社会事业部", "正向", 3500, 3820, 10,
     D(2024, 9, 30), D(2024, 9, 30)),
    ("ZB22", "公共服务满意度测评", "市", "社会事业部", "评分", None, 90.18, 5, None, None),
    ("ZB23", "信访积案化解率（%）", "市", "社会事业部", "正向", 90, 95, 5,
     D(2024, 8, 31), D(2024, 8, 30)),
    ("ZB24", "政务信息采用数（篇）", "市", "党政综合部", "正向", 40, 46, 10,
     D(2024, 9, 30), D(2024, 9, 29)),
    ("ZB25", "重点工作督办办结率（%）", "市", "党政综合部", "正向", 100, 96.5, 15,
     D(2024, 9, 30), D(2024, 9, 30)),
    ("ZB26", "政务服务事项网办率（%）", "省", "党政综合部", "正向", 90, 93.2, 10,
     D(2024, 7, 31), D(2024, 8, 5)),
    ("ZB27", "高层次人才引进数量（人）", "省", "组织人事部", "正向", 800, 868, 15,
     D(2024, 9, 30), D(2024, 9, 22)),
    ("ZB28", "党建工作考核得分", "市", "组织人事部", "评分", None, 93.42, 10, None, None),
    ("ZB29", "干部教育培训完成率（%）", "市", "组织人事部", "正向", 100, 100, 5,
     D(2024, 9, 30), D(2024, 9, 18)),
)  # fmt: skip

# (指标, 权重, 排名, 参评单位数): the city's ranking of the zone.
CITY_RANKINGS: tuple[tuple[str, float, int, int], ...] = (
    ("地区生产总值增速", 20, 3, 14),
    ("规上工业增加值增速", 15, 5, 14),
    ("固定资产投资增速", 10, 2, 14),
    ("实际使用外资", 10, 1, 16),
    ("一般公共预算收入", 10, 6, 14),
    ("高新技术企业数", 8, 1, 14),
    ("营商环境评价", 10, 4, 16),
    ("社会消费品零售总额增速", 5, 9, 14),  # no department bears it: counts in Z only
    ("外贸进出口总额", 6, 7, 14),
    ("科技型中小企业数", 5, 2, 12),
    ("新增市场主体数", 5, 8, 14),
    ("重点项目建设综合评价", 8, 5, 10),
)

# (指标, 部门, 占比); shares of one indicator sum to exactly 1.
CITY_SHARES: tuple[tuple[str, str, float], ...] = (
    ("地区生产总值增速", "招商部", 0.4),
    ("地区生产总值增速", "企业服务部", 0.3),
    ("地区生产总值增速", "科技创新部", 0.3),
    ("规上工业增加值增速", "企业服务部", 0.6),
    ("规上工业增加值增速", "科技创新部", 0.4),
    ("固定资产投资增速", "规划建设部", 0.7),
    ("固定资产投资增速", "招商部", 0.3),
    ("实际使用外资", "招商部", 1),
    ("一般公共预算收入", "财政金融部", 1),
    ("高新技术企业数", "科技创新部", 1),
    ("营商环境评价", "企业服务部", 0.5),
    ("营商环境评价", "党政综合部", 0.3),
    ("营商环境评价", "纪工委", 0.2),  # 纪工委 has no indicators: its only component
    ("外贸进出口总额", "企业服务部", 0.6),
    ("外贸进出口总额", "招商部", 0.4),
    ("科技型中小企业数", "科技创新部", 1),
    ("新增市场主体数", "党政综合部", 0.5),
    ("新增市场主体数", "企业服务部", 0.5),
    ("重点项目建设综合评价", "规划建设部", 0.6),
    ("重点项目建设综合评价", "招商部", 0.4),
)

# Reasons (事由) per event code.
A01_ACTIVITIES = (
    "2024跨国公司领导人青岛峰会服务保障",
    "青岛国际啤酒节高新区分会场保障",
    "世界工业互联网产业大会筹备",
    "全市重点项目现场观摩迎检",
    "2024青岛国际人才节承办",
    "防汛防台风应急值守",
    "中国—上合组织地方经贸合作论坛服务保障",
    "全国双创活动周青岛分会场筹办",
    "高新区海外招商推介会（新加坡）筹备",
    "省委巡视整改迎检材料准备",
    "国家高新区综合评价数据填报",
    "市“项目深化年”集中签约活动保障",
)
A01_SUFFIXES = ("中表现突出", "，工作成效明显", "，受到市领导肯定", "，组织有力")
A02_INDUSTRIES = (
    "新能源汽车零部件",
    "生物医药研发生产基地",
    "集成电路封装测试",
    "工业互联网平台",
    "海洋高端装备",
    "虚拟现实产业园",
    "高端医疗器械",
    "先进高分子新材料",
    "人工智能算力中心",
    "氢能装备制造",
    "智能家电配套",
    "跨境电商产业园",
)
B01_REASONS = (
    "市级督办事项逾期办结",
    "12345政务服务热线工单超时办结",
    "区领导批示件未按期反馈",
    "重点项目审批手续办理超时限",
    "巡察整改事项未按时销号",
    "统计数据报送逾期",
    "企业诉求转办件超期未回复",
)
B02_REASONS = (
    "工作日上班迟到",
    "服务企业态度生硬被投诉",
    "会议期间擅自离会",
    "公文出现明显差错",
    "值班期间脱岗",
    "未按规定履行请销假手续",
)


# ---------------------------------------------------------------------------
# Building the rows.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One 人员 row; leaders have no department or post category."""

    id: str
    name: str
    department: str | None
    post: str | None
    role: str
    base: int
    months: int | None  # None = blank = the full period


@dataclass(frozen=True)
class Event:
    """One 点数 row; ``points`` None is a blank cell (the code's default)."""

    day: date
    target: str
    code: str
    points: float | None
    reason: str


@dataclass(frozen=True)
class Sample:
    """Everything written to the workbook, in sheet order."""

    people: list[Person]
    departments: list[tuple[str, str]]
    events: list[Event]
    vetoes: list[tuple[str, str, date, str]]


def unique_names(rng: random.Random, count: int) -> list[str]:
    """Draw ``count`` distinct plausible names, so a name never identifies two people."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def build_people(rng: random.Random) -> list[Person]:
    """Leaders first, then each department: 部长, 副部长, 职员, with sequential 工号."""
    total = len(LEADERS) + sum(d.size for d in DEPARTMENTS)
    names = iter(unique_names(rng, total))
    people = [Person(pid, next(names), None, None, role, base, None) for pid, role, base in LEADERS]
    number = len(LEADERS)
    for plan in DEPARTMENTS:
        clerks = plan.size - 1 - plan.deputies
        extra = set(rng.sample(range(clerks), plan.extra_count))
        roles = ["部长"] + ["副部长"] * plan.deputies + ["职员"] * clerks
        for i, role in enumerate(roles):
            number += 1
            clerk_index = i - 1 - plan.deputies
            post = plan.extra_post if clerk_index in extra and plan.extra_post else plan.post
            base = ROLE_BASE.get(role) or rng.choice(CLERK_BASES)
            people.append(Person(f"G{number:04d}", next(names), plan.name, post, role, base, None))
    return with_partial_months(rng, people)


def with_partial_months(rng: random.Random, people: list[Person]) -> list[Person]:
    """Give a few 职员 less than a full quarter: new hires, transfers, one on long leave (0)."""
    clerks = [i for i, p in enumerate(people) if p.role == "职员"]
    chosen = rng.sample(clerks, 9)
    months = dict(zip(chosen, (0, 1, 1, 1, 2, 2, 2, 2, 2), strict=True))
    return [
        Person(p.id, p.name, p.department, p.post, p.role, p.base, months.get(i))
        for i, p in enumerate(people)
    ]


def working_days() -> list[date]:
    """Weekdays of the period: events are recorded on working days."""
    days = []
    day = PERIOD_START
    while day <= PERIOD_END:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def build_events(rng: random.Random, people: list[Person]) -> list[Event]:
    """The 点数 ledger: each block below creates one case the rules must handle."""
    days = working_days()
    staff = [p for p in people if p.department is not None]
    present = [p for p in staff if p.months != 0]
    events: list[Event] = []

    def add(target: str, code: str, reason: str, points: float | None = None) -> None:
        events.append(Event(rng.choice(days), target, code, points, reason))

    def a01_reason() -> str:
        return rng.choice(A01_ACTIVITIES) + rng.choice(A01_SUFFIXES)

    def a02_reason() -> str:
        amount = rng.choice((1.2, 1.5, 2, 3, 3.5, 5, 6, 8, 10, 12, 15, 20))
        return f"促成{rng.choice(A02_INDUSTRIES)}项目签约落地（总投资{amount}亿元）"

    # A01 (重大活动表现突出) for exactly 71 distinct individuals; two of them with 4 and
    # one with 5 events, beyond A01's max_per_period of 6 points.
    a01_people = rng.sample(present, 71)
    a01_counts = [5, 4, 4] + [3] * 7 + [2] * 16 + [1] * 45
    rng.shuffle(a01_counts)
    for person, count in zip(a01_people, a01_counts, strict=True):
        for _ in range(count):
            add(person.id, "A01", a01_reason())

    # A02 (招商签约落地): mostly 招商 posts. Two full-quarter 招商部 staff sign 8 and 7
    # projects (24 and 21 points of A02; the first stays beyond the person cap of 20 after
    # its deductions, the second nets 18).
    recruiters = [p for p in present if p.post == "招商"]
    stars = rng.sample([p for p in recruiters if p.department == "招商部" and p.months is None], 2)
    a02_people = stars + rng.sample([p for p in recruiters if p not in stars], 24)
    a02_counts = [8, 7] + [rng.choice((1, 1, 2, 2, 3)) for _ in range(24)]
    for person, count in zip(a02_people, a02_counts, strict=True):
        for _ in range(count):
            add(person.id, "A02", a02_reason())
    for person in rng.sample([p for p in present if p.post != "招商"], 5):
        add(person.id, "A02", "协助引荐" + a02_reason().removeprefix("促成"))

    # B01 (督查事项逾期): spread thinly over many people.
    for person in rng.sample(present, 110):
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            add(person.id, "B01", rng.choice(B01_REASONS))

    # B02 (工作作风问题): one person 4 times (−8 clamps to −6), the rest once.
    b02_people = rng.sample(present, 40)
    for _ in range(3):
        add(b02_people[0].id, "B02", rng.choice(B02_REASONS))
    for person in b02_people:
        add(person.id, "B02", rng.choice(B02_REASONS))

    # Leaders (no A01, so "people with A01" means the same with or without leaders).
    add("G0002", "A02", "带队赴深圳开展产业链招商，" + a02_reason())
    add("G0002", "A02", "带队赴上海开展产业链招商，" + a02_reason())
    add("G0003", "A02", "带队赴新加坡招商推介，" + a02_reason())
    add("G0004", "A02", "牵头协调" + a02_reason().removeprefix("促成"))
    add("G0005", "B01", "分管领域市级督办事项逾期办结")
    add("G0006", "B02", "会议期间擅自离会")

    # Department-targeted events; 招商部 exceeds the department cap of +10.
    for _ in range(4):
        add("招商部", "A01", "承办" + rng.choice(A01_ACTIVITIES))
    for _ in range(4):
        add("招商部", "A02", "部门集中" + a02_reason())
    for dept in ("企业服务部", "科技创新部", "党政综合部", "社会事业部"):
        add(dept, "A01", "承办" + rng.choice(A01_ACTIVITIES))
    for _ in range(30):
        dept = rng.choice(DEPARTMENTS).name
        add(dept, "B01", "部门承办事项：" + rng.choice(B01_REASONS))
    add("组织人事部", "B02", "部门值班安排缺位，值班期间无人在岗")

    # Explicit 点数 that override the code's default, including an explicit 0 and a
    # fraction; and reasons that Excel would take for formulas (written as text).
    recruiter = a02_people[2].id
    events += [
        Event(
            D(2024, 7, 1),
            recruiter,
            "A02",
            5,
            "促成总投资52亿元的新能源汽车零部件产业园项目签约（经管委会研究按5点计）",
        ),
        Event(
            D(2024, 8, 16),
            a02_people[3].id,
            "A02",
            4.5,
            "促成集成电路封装测试项目签约（联合引荐，按4.5点计）",
        ),
        Event(
            D(2024, 7, 26),
            a01_people[0].id,
            "A01",
            1,
            "协助保障青岛国际啤酒节（部分参与，按1点计）",
        ),
        Event(D(2024, 9, 9), present[40].id, "B01", -2, "市委督查室交办事项逾期超过10个工作日"),
        Event(D(2024, 9, 18), present[60].id, "B01", 0, "督办事项逾期（已说明客观原因，经审核不扣点）"),
        Event(D(2024, 8, 6), "招商部", "A02", 4, "部门集中签约人工智能算力中心项目（按4点计）"),
        Event(D(2024, 8, 28), present[75].id, "B01", None, "=督办平台导出：工单超时办结"),
        Event(D(2024, 9, 30), a01_people[1].id, "A01", None, "+加班完成防汛防台风应急值守"),
        Event(D(2024, 7, 12), b02_people[1].id, "B02", None, "-会议期间擅自离会（补录）"),
    ]
    # Ledgers are kept in date order; the sort is stable, so ties keep creation order.
    events.sort(key=lambda e: e.day)
    return events


def build_sample(seed: int = SEED) -> Sample:
    """Build every row of the sample from one seeded random source."""
    rng = random.Random(seed)
    people = build_people(rng)
    departments = [(d.name, d.leader) for d in DEPARTMENTS]
    events = build_events(rng, people)
    finance_clerks = [p for p in people if p.department == "财政金融部" and p.role == "职员"]
    vetoes = [
        ("规划建设部", "安全生产", D(2024, 8, 21), "辖区在建项目发生一起生产安全事故，造成1人死亡"),
        (rng.choice(finance_clerks).id, "全面从严治党", D(2024, 9, 12),
         "违反中央八项规定精神，受到党内警告处分"),
    ]  # fmt: skip
    return Sample(people, departments, events, vetoes)


# ---------------------------------------------------------------------------
# Writing.
# ---------------------------------------------------------------------------


def display_width(value: object) -> int:
    """Approximate column width: CJK (wide) characters take two cells."""
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    text = str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


class SheetWriter:
    """Writes one sheet row by row with explicit cell types.

    Every cell goes through a typed write_* call: text is always ``write_string`` (so a
    事由 starting with "=" stays text, and 工号 never becomes a number), dates are real
    date cells, blanks are simply not written.
    """

    def __init__(self, ws: Worksheet, header: Sequence[str], formats: dict[str, object]):
        self.ws = ws
        self.formats = formats
        self.widths = [display_width(h) for h in header]
        self.row = 0
        self._write(header, formats["header"])

    def _write(self, values: Sequence[object], text_format: object | None = None) -> None:
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, date):
                self.ws.write_datetime(self.row, col, value, self.formats["date"])
            elif isinstance(value, int | float):
                self.ws.write_number(self.row, col, value)
            else:
                self.ws.write_string(self.row, col, str(value), text_format)
            self.widths[col] = max(self.widths[col], display_width(value))
        self.row += 1

    def add(self, values: Sequence[object]) -> None:
        """Append one data row."""
        self._write(values)

    def finish(self) -> None:
        """Size columns to their content, freeze and filter the header row."""
        for col, width in enumerate(self.widths):
            self.ws.set_column(col, col, min(width + 2, 70))
        self.ws.freeze_panes(1, 0)
        self.ws.autofilter(0, 0, max(self.row - 1, 1), len(self.widths) - 1)


def write_workbook(sample: Sample, path: Path) -> None:
    """Write the sample to ``path`` with fixed metadata, so the bytes are reproducible."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties(
        {
            "title": "青岛高新区2024年第三季度KPI考核数据（示例）",
            "subject": f"kpi sample input, period {PERIOD}",
            "author": "kpi samples/make_sample.py",
            "comments": "Synthetic data. Regenerate with: python samples/make_sample.py",
            "created": CREATED,
        }
    )
    wb.set_custom_property("xlsxwriter", xlsxwriter.__version__)
    formats: dict[str, object] = {
        "header": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
    }

    def sheet(name: str, header: Sequence[str]) -> SheetWriter:
        return SheetWriter(wb.add_worksheet(name), header, formats)

    s = sheet("人员", ("工号", "姓名", "部门", "岗位类别", "职务", "绩效基数", "在岗月数"))
    for p in sample.people:
        s.add((p.id, p.name, p.department, p.post, p.role, p.base, p.months))
    s.finish()

    s = sheet("部门", ("部门", "分管领导"))
    for row in sample.departments:
        s.add(row)
    s.finish()

    s = sheet("点数", ("日期", "对象", "事项", "点数", "事由"))
    for e in sample.events:
        s.add((e.day, e.target, e.code, e.points, e.reason))
    s.finish()

    header = ("编号", "名称", "层级", "责任部门", "方向", "目标值", "完成值", "权重")
    s = sheet("指标", (*header, "截止日期", "完成日期"))
    for ind in INDICATORS:
        s.add(ind)
    s.finish()

    s = sheet("市级排名", ("指标", "权重", "排名", "参评单位数"))
    for city in CITY_RANKINGS:
        s.add(city)
    s.finish()

    s = sheet("市级分工", ("指标", "部门", "占比"))
    for share in CITY_SHARES:
        s.add(share)
    s.finish()

    s = sheet("否决", ("对象", "事项", "日期", "说明"))
    for veto in sample.vetoes:
        s.add(veto)
    s.finish()

    wb.close()


def main(argv: Sequence[str] | None = None) -> None:
    """CLI: ``python samples/make_sample.py [--out PATH]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="default: %(default)s")
    parser.add_argument("--seed", type=int, default=SEED, help="default: %(default)s")
    args = parser.parse_args(argv)
    sample = build_sample(args.seed)
    write_workbook(sample, args.out)
    print(
        f"wrote {args.out}: {len(sample.people)} people, {len(sample.events)} point events, "
        f"{len(INDICATORS)} indicators, {len(CITY_RANKINGS)} city rankings"
    )


if __name__ == "__main__":
    main()
