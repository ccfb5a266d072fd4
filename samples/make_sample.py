"""Generate the bundled sample quarter, ``samples/2024Q3.xlsx``.

The sample is the workbook a new user scores first (``kpi score samples/2024Q3.xlsx
--rules rules/qingdao-hitech-2024.yaml --period 2024Q3``), so it has to look like a
real zone's quarter and still exercise every rule of method §4–§6: per-code caps,
person and department caps, explicit points overriding defaults, late and
over-achieving indicators, 反向 and 评分 indicators, a department with no
indicators, a city indicator nobody shares, a cascading department veto and a
person veto — and the later additions: the grid staff's service requests under the
"1510" deadlines on the statutory calendar (Mid-Autumn and National Day 2024 with
their make-up Saturdays and Sundays), 民主测评 of every staff member and leader,
共建共评 of the departments, enterprises rating their grid workers, indicators on
scoring curves, and quotas tied to the department's grade.

It is generated rather than hand-edited so that every one of those cases is
written down in code a reviewer can read, and so that it can be rebuilt
byte-for-byte: the random sources are seeded, nothing iterates a set or reads the
clock, and the workbook's creation date is fixed (xlsxwriter also pins the zip
entries' timestamps). Run ``python samples/make_sample.py`` to rebuild it.

The original nine departments are drawn first from ``SEED`` exactly as before the
grid model was added; the grid staff, the requests and the evaluations each come
from their own seeded source, so adding them moved no earlier row.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
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

# The values of rules/qingdao-hitech-2024.yaml (method §4) the sample must agree with
# (tests/samples/test_sample_workbook.py checks them against the rules file).
EVENT_DEFAULTS = {"A01": 2, "A02": 3, "B01": -1, "B02": -2, "S01": -1, "S02": -2, "S03": 0.5}
POST_CATEGORIES = ("招商", "企业服务", "综合保障")
STAFF_ROLES = ("部长", "副部长", "职员", "网格长", "网格员")
MAIN_LEADER_ROLES = ("党工委书记", "管委会主任")
LEADER_IN_CHARGE_ROLE = "管委会副主任"
VETO_ITEMS = ("全面从严治党", "安全生产")
# service: the "1510" rule — respond in 1 working day, settle 一般 in 5 and 特殊 in 10.
RESPOND_DAYS = 1
RESOLVE_DAYS = {"一般": 5, "特殊": 10}
# evaluation: the rater groups (评价方) and the votes' scores.
EVALUATION_GROUPS = ("领导", "同事", "服务企业", "街道", "平台公司", "园区")
VOTES = {"优秀": 100, "称职": 85, "基本称职": 70, "不称职": 50}
CURVES = ("增长型", "达标型")

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

# The grids' indicators. ZB30's 完成值 is not typed here: it is the share of the
# sample's requests settled on time (build_sample), so the two sheets agree.
GRID_INDICATORS: tuple[IndicatorRow, ...] = (
    ("ZB30", "企业诉求按时办结率（%）", "市", "网格服务中心", "正向", 95, 0.0, 15,
     D(2024, 9, 30), D(2024, 9, 30)),
    ("ZB31", "包联企业走访覆盖率（%）", "市", "网格服务中心", "正向", 100, 98.6, 10,
     D(2024, 9, 30), D(2024, 9, 27)),
    ("ZB32", "网格企业服务满意度测评", "市", "网格服务中心", "评分", None, 91.06, 10, None, None),
    ("ZB33", "新增“四上”企业培育入库数（家）", "省", "网格服务中心", "正向", 12, 14, 10,
     D(2024, 9, 30), D(2024, 9, 26)),
)  # fmt: skip

# 计分曲线 (rules indicators.curves): these indicators are scored on a curve instead of
# 100 × min(ρ, 1.2). One per kind of target: a growth figure, a figure that was late, two
# completion rates where only reaching the mark counts.
INDICATOR_CURVES = {
    "ZB04": "增长型",  # 技术合同成交额, completed late: the curve's score × late factor 0.8
    "ZB13": "增长型",  # 税收收入, just below target: the curve falls twice as fast as ρ
    "ZB25": "达标型",  # 重点工作督办办结率 96.5 %: the 90 % step
    "ZB30": "达标型",  # 企业诉求按时办结率 of the grids
}

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
    ("营商环境评价", "企业服务部", 0.3),
    ("营商环境评价", "网格服务中心", 0.2),  # the grids answer the enterprises day to day
    ("营商环境评价", "党政综合部", 0.3),
    ("营商环境评价", "纪工委", 0.2),  # 纪工委 has no indicators: its only component
    ("外贸进出口总额", "企业服务部", 0.6),
    ("外贸进出口总额", "招商部", 0.4),
    ("科技型中小企业数", "科技创新部", 1),
    ("新增市场主体数", "党政综合部", 0.5),
    ("新增市场主体数", "企业服务部", 0.3),
    ("新增市场主体数", "网格服务中心", 0.2),
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
# The grid model (网格化服务): 网格服务中心 runs 24 grids, each with one 网格长 and
# three 网格员, over about 1,200 enterprises (50 per grid, each kept by one 网格员).
# ---------------------------------------------------------------------------

GRID_DEPARTMENT = "网格服务中心"
GRID_LEADER = "G0004"  # the 管委会副主任 of 企业服务部 and 科技创新部 also has the grids
GRID_POST = "企业服务"
GRID_AREAS = ("汇智", "创新", "蓝湾", "生物城", "软件城", "智造谷")  # six 片区, four grids each
GRIDS = tuple(f"{area}片区{k}号网格" for area in GRID_AREAS for k in range(1, 5))
WORKERS_PER_GRID = 3
ENTERPRISES_PER_GRID = 50
GRID_BASES = {"部长": 12000, "副部长": 10000, "网格长": 7000}
GRID_WORKER_BASES = (5000, 5500, 6000)
# Separate seeded sources, so the grids, requests and evaluations never move a row drawn
# from SEED for the nine original departments.
GRID_SEED, REQUEST_SEED, EVALUATION_SEED = SEED + 1, SEED + 2, SEED + 3

# Enterprise names: 青岛 + a two-character brand + a trade + a company form.
BRAND_CHARS = "海瑞华盛鼎博创恒泰德润丰源达康宏星美鑫信诚安合晟奥普宇航嘉凯越琴岚澜"
TRADES = (
    "科技", "生物科技", "智能装备", "新材料", "电子科技", "医疗器械", "软件", "信息技术",
    "海洋科技", "精密机械", "环保科技", "食品", "供应链管理", "新能源", "汽车零部件", "检测技术",
)  # fmt: skip
# What enterprises ask the grids for (诉求事项: a column kpi does not read).
REQUEST_TOPICS = (
    "高新技术企业认定政策辅导",
    "研发费用加计扣除申报咨询",
    "用工招聘对接",
    "融资贷款对接",
    "厂房租赁及产业空间协调",
    "水电气暖报装协调",
    "项目审批手续代办",
    "人才公寓申请",
    "知识产权质押融资咨询",
    "企业开办及变更登记帮办",
    "惠企政策资金兑现",
    "周边道路及交通配套反映",
)

# ---------------------------------------------------------------------------
# Working days of 2024Q3 (the rules' service.calendar): the statutory table of the
# State Council's 2024 notice (chinesecalendar 1.11.0, as kpi uses it) plus the zone's
# own closure. Only the days the sample's requests can reach are listed; the test
# checks them against chinesecalendar.
# ---------------------------------------------------------------------------

STATUTORY_DAYS_OFF = (  # weekdays off: 端午 6-10; 中秋 9-16, 9-17; 国庆 10-1 … 10-7
    D(2024, 6, 10), D(2024, 9, 16), D(2024, 9, 17),
    D(2024, 10, 1), D(2024, 10, 2), D(2024, 10, 3), D(2024, 10, 4), D(2024, 10, 7),
)  # fmt: skip
STATUTORY_MAKEUP_DAYS = (D(2024, 9, 14), D(2024, 9, 29), D(2024, 10, 12))  # Sat, Sun, Sat worked
# rules service.calendar.holidays: the zone closed on Friday 26 July (typhoon red alert; a
# day of the sample, not a real notice).
ZONE_DAYS_OFF = (D(2024, 7, 26),)


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
class Request:
    """One 企业诉求 row; a blank 回应日期 / 办结日期 is None."""

    id: str
    company: str
    handler: str
    kind: str
    received: date
    responded: date | None
    resolved: date | None
    topic: str


@dataclass(frozen=True)
class Rating:
    """One 测评 row: a 分数 or an 等次 (vote), never both; 评价人 None is an anonymous ballot."""

    target: str
    group: str
    rater: str | None
    score: float | None
    vote: str | None


@dataclass(frozen=True)
class Grid:
    """One grid: its 网格长, its three 网格员 and the enterprises each 网格员 keeps."""

    name: str
    head: str
    workers: tuple[str, ...]
    enterprises: tuple[tuple[str, ...], ...]  # per worker


@dataclass(frozen=True)
class Sample:
    """Everything written to the workbook, in sheet order."""

    people: list[Person]
    departments: list[tuple[str, str]]
    events: list[Event]
    indicators: list[IndicatorRow]
    vetoes: list[tuple[str, str, date, str]]
    requests: list[Request]
    ratings: list[Rating]
    grids: list[Grid]


def unique_names(rng: random.Random, count: int, taken: frozenset[str] = frozenset()) -> list[str]:
    """Draw ``count`` distinct plausible names, so a name never identifies two people."""
    names: list[str] = []
    seen: set[str] = set(taken)
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


# ---------------------------------------------------------------------------
# The grids: staff, enterprises, typed points.
# ---------------------------------------------------------------------------


def build_grid_staff(rng: random.Random, people: list[Person]) -> tuple[list[Person], list[Grid]]:
    """网格服务中心: a 部长 and a 副部长, then per grid its 网格长 and three 网格员.

    The 工号 continue after the roster drawn so far; names never repeat one in it.
    """
    taken = frozenset(p.name for p in people)
    count = 2 + len(GRIDS) * (1 + WORKERS_PER_GRID)
    names = iter(unique_names(rng, count, taken))
    roles = ["部长", "副部长"] + ["网格长", *["网格员"] * WORKERS_PER_GRID] * len(GRIDS)
    number = len(people)
    staff = []
    for role in roles:
        number += 1
        base = GRID_BASES.get(role) or rng.choice(GRID_WORKER_BASES)
        staff.append(Person(f"G{number:04d}", next(names), GRID_DEPARTMENT, GRID_POST, role, base, None))
    # Two 网格员 joined during the quarter (recruited for the new grids in August and September).
    workers = [i for i, p in enumerate(staff) if p.role == "网格员"]
    joined = dict(zip(rng.sample(workers, 2), (2, 1), strict=True))
    staff = [
        Person(p.id, p.name, p.department, p.post, p.role, p.base, joined.get(i)) for i, p in enumerate(staff)
    ]
    enterprises = iter(enterprise_names(rng, len(GRIDS) * ENTERPRISES_PER_GRID))
    grids = []
    for g, name in enumerate(GRIDS):
        head, *crew = staff[2 + g * (1 + WORKERS_PER_GRID) : 2 + (g + 1) * (1 + WORKERS_PER_GRID)]
        kept: list[list[str]] = [[] for _ in crew]
        for k in range(ENTERPRISES_PER_GRID):  # each 网格员 keeps every third enterprise
            kept[k % len(crew)].append(next(enterprises))
        grids.append(Grid(name, head.id, tuple(p.id for p in crew), tuple(tuple(e) for e in kept)))
    return staff, grids


def enterprise_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct enterprise names such as 青岛瑞丰生物科技有限公司."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        brand = "".join(rng.sample(BRAND_CHARS, 2))
        form = "股份有限公司" if rng.random() < 0.1 else "有限公司"
        name = f"青岛{brand}{rng.choice(TRADES)}{form}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def build_grid_events(rng: random.Random, staff: list[Person]) -> list[Event]:
    """Typed 点数 of the grid staff and their centre (the requests add their own events).

    Dated on the grids' working days; the two 网格员 who joined during the quarter have none.
    """
    days = [d for d in working_days() if is_working(d)]
    present = [p for p in staff if p.months is None]
    events = [
        # The hand-worked 网格员 (CASE_WORKER) was on duty on the closure day.
        Event(D(2024, 7, 26), CASE_WORKER, "A01", None, "台风红色预警停工日防汛防台风应急值守"),
    ]
    for person in rng.sample([p for p in present if p.id != CASE_WORKER], 14):
        events.append(Event(D(2024, 7, 26), person.id, "A01", None, "台风红色预警停工日防汛防台风应急值守"))
    for person in rng.sample([p for p in present if p.id != CASE_WORKER], 10):
        events.append(Event(rng.choice(days), person.id, "A01", None, "“万人助万企”走访专项行动表现突出"))
    heads = [p for p in present if p.role == "网格长"]
    for person in rng.sample(heads, 3):
        events.append(Event(rng.choice(days), person.id, "A02", None, "协助引荐企业增资扩产项目签约落地"))
    for person in rng.sample([p for p in present if p.id != CASE_WORKER], 16):
        for _ in range(rng.choice((1, 1, 2))):
            events.append(Event(rng.choice(days), person.id, "B01", None, "12345政务服务热线工单超时办结"))
    for person in rng.sample([p for p in present if p.id != CASE_WORKER], 3):
        events.append(Event(rng.choice(days), person.id, "B02", None, "服务企业态度生硬被投诉"))
    events += [
        Event(D(2024, 8, 9), GRID_DEPARTMENT, "A01", None, "承办全区网格化服务企业现场推进会"),
        Event(D(2024, 8, 27), GRID_DEPARTMENT, "B01", None, "部门承办事项：企业诉求转办件超期未回复"),
        Event(D(2024, 9, 10), GRID_DEPARTMENT, "B01", None, "部门承办事项：统计数据报送逾期"),
    ]
    return events


# ---------------------------------------------------------------------------
# Service requests (企业诉求) under the 1510 rule.
# ---------------------------------------------------------------------------

_OFF = frozenset(STATUTORY_DAYS_OFF + ZONE_DAYS_OFF)
_ON = frozenset(STATUTORY_MAKEUP_DAYS)


def is_working(day: date) -> bool:
    """A make-up day, or Monday–Friday and not a day off (method §6.0)."""
    return day in _ON or (day.weekday() < 5 and day not in _OFF)


def wd(day: date, n: int) -> date:
    """The n-th working day strictly after ``day`` (n = 0 gives ``day``)."""
    while n > 0:
        day += timedelta(days=1)
        n -= is_working(day)
    return day


#: The hand-worked 网格员 (tests/e2e/test_sample_quarter.py): the second 网格员 of the
#: seventh grid, 创新片区3号网格 (CASE_GRID). 工号 G0164 is the centre's 部长, G0165
#: its 副部长, then four per grid.
CASE_GRID = 6
CASE_WORKER = "G0192"  # 163 earlier rows; 164, 165; grid 7 starts at 166 + 6 × 4 = 190 (its 网格长)

# (类别, 受理日期, 回应日期, 办结日期) of CASE_WORKER's requests, each a case of the rule.
# Deadlines: respond by wd(受理, 1), settle by wd(受理, 5) or wd(受理, 10) for 特殊.
CASE_REQUESTS: tuple[tuple[str, date, date | None, date | None], ...] = (
    # Received in Q2; settle deadline Mon 1 Jul lies in Q3, settled 3 Jul: late in Q3.
    ("一般", D(2024, 6, 24), D(2024, 6, 24), D(2024, 7, 3)),
    # Never settled: late on its deadline Wed 10 Jul.
    ("一般", D(2024, 7, 3), D(2024, 7, 3), None),
    ("一般", D(2024, 7, 15), D(2024, 7, 15), D(2024, 7, 18)),  # on time
    # The zone's closure on Fri 26 Jul moves the deadline to Wed 31 Jul: on time.
    ("一般", D(2024, 7, 23), D(2024, 7, 24), D(2024, 7, 31)),
    ("一般", D(2024, 8, 8), D(2024, 8, 9), D(2024, 8, 16)),  # due Thu 15 Aug: a day late
    ("特殊", D(2024, 8, 19), D(2024, 8, 19), D(2024, 9, 5)),  # 特殊, due Mon 2 Sep: late
    ("一般", D(2024, 9, 2), D(2024, 9, 2), D(2024, 9, 4)),  # on time
    # Friday before 中秋: respond by Sat 14 Sep (a make-up working day), answered Wed 18;
    # settle by Mon 23 Sep (14, 18, 19, 20, 23), settled 24: both late.
    ("一般", D(2024, 9, 13), D(2024, 9, 18), D(2024, 9, 24)),
    # Friday before 国庆: respond by Sun 29 Sep (make-up), answered Mon 30: late; settle by
    # Thu 10 Oct (29, 30 Sep, 8, 9, 10 Oct), a Q4 deadline: not counted in Q3.
    ("一般", D(2024, 9, 27), D(2024, 9, 30), None),
)
#: Requests of the other 网格员, drawn at random.
RANDOM_REQUESTS = 420
#: The first day a request may be received: late June, so some deadlines cross into Q3.
REQUESTS_FROM = D(2024, 6, 17)
#: Dates after the workbook was made are not known yet: such a cell stays blank.
KNOWN_UNTIL = CREATED.date()


def build_requests(rng: random.Random, grids: list[Grid], staff: list[Person]) -> list[Request]:
    """The 企业诉求 sheet: CASE_WORKER's requests as written above, the rest drawn.

    Each other 网格员 gets a workload and a reliability (four are weaker than the rest);
    a request is answered on time with that probability (the same or the next working
    day), otherwise two or three working days late or not at all (settling then answers
    it); and settled on time with that probability, mostly early, otherwise one to four
    working days late or not yet. Received on working days from REQUESTS_FROM to the
    period's last day, so the Fridays before 中秋 (13 Sep) and 国庆 (27 Sep) and Monday
    30 Sep, whose deadlines fall on make-up days or in Q4, occur as they do in a year.
    A 网格员 who joined during the quarter receives requests from the first of the month
    the 在岗月数 count from.
    """
    keeps = {w: e for g in grids for w, e in zip(g.workers, g.enterprises, strict=True)}
    workers = [w for g in grids for w in g.workers if w != CASE_WORKER]
    load = [rng.uniform(0.4, 1.6) for _ in workers]
    weak = set(rng.sample(workers, 4))
    days = [d for d in _days(REQUESTS_FROM, PERIOD_END) if is_working(d)]
    joined = {p.id: D(2024, 10 - p.months, 1) for p in staff if p.months is not None}
    drawn: list[tuple[date, str, str, str, date | None, date | None]] = []
    for kind, received, responded, resolved in CASE_REQUESTS:
        company = keeps[CASE_WORKER][len(drawn) * 5 % len(keeps[CASE_WORKER])]
        drawn.append((received, CASE_WORKER, company, kind, responded, resolved))
    for _ in range(RANDOM_REQUESTS):
        handler = rng.choices(workers, load)[0]
        reliability = 0.7 if handler in weak else 0.93
        received = rng.choice([d for d in days if d >= joined.get(handler, REQUESTS_FROM)])
        kind = "特殊" if rng.random() < 0.15 else "一般"
        response: date | None = received if rng.random() < 0.6 else wd(received, RESPOND_DAYS)
        if rng.random() >= reliability:
            response = None if rng.random() < 0.3 else wd(received, rng.choice((2, 2, 3)))
        n = RESOLVE_DAYS[kind]
        settled: date | None = wd(received, rng.choices(range(1, n + 1), range(n, 0, -1))[0])
        if rng.random() >= reliability:
            settled = None if rng.random() < 0.15 else wd(received, n + rng.randint(1, 4))
        if response is not None and settled is not None and settled < response:
            settled = response
        response = response if response is not None and response <= KNOWN_UNTIL else None
        settled = settled if settled is not None and settled <= KNOWN_UNTIL else None
        drawn.append((received, handler, rng.choice(keeps[handler]), kind, response, settled))
    drawn.sort(key=lambda r: r[0])  # stable: one day's requests keep their drawing order
    requests = []
    per_day: dict[date, int] = {}
    for received, handler, company, kind, response, settled in drawn:
        per_day[received] = per_day.get(received, 0) + 1
        rid = f"SQ{received:%Y%m%d}-{per_day[received]:02d}"
        requests.append(
            Request(rid, company, handler, kind, received, response, settled, rng.choice(REQUEST_TOPICS))
        )
    return requests


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def on_time_rate(requests: list[Request]) -> float:
    """企业诉求按时办结率 (%): requests due in the period and settled by their deadline, to 0.1."""
    due = [r for r in requests if PERIOD_START <= wd(r.received, RESOLVE_DAYS[r.kind]) <= PERIOD_END]
    kept = sum(
        1 for r in due if r.resolved is not None and r.resolved <= wd(r.received, RESOLVE_DAYS[r.kind])
    )
    rate = (Decimal(100) * kept / len(due)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(rate)


# ---------------------------------------------------------------------------
# Evaluations (测评): 民主测评 of people, 共建共评 of departments, enterprises' ratings.
# ---------------------------------------------------------------------------

#: How each department is seen from outside (共建共评): a shift of its raters' scores.
DEPARTMENT_STANDING = {
    "党政综合部": 0.2,
    "组织人事部": -0.4,
    "财政金融部": 0.3,
    "招商部": 1.0,
    "企业服务部": 0.6,
    "科技创新部": 0.4,
    "规划建设部": -0.8,
    "社会事业部": 0.5,
    "纪工委": -0.7,
    GRID_DEPARTMENT: 0.1,
}
STREETS = ("汇智街道", "河套街道", "红岛街道", "宝源街道", "锦绣街道", "蓝湾街道")
PLATFORMS = ("高新控股集团", "高新城市建设投资公司", "高新科创投资公司", "国际创新园运营公司")
PARKS = ("软件科技城", "蓝色生物医药产业园", "智能制造产业园", "新材料产业园", "国际创新园")
#: Who rates a department for 共建共评 (平台公司 and 园区 only where they deal with it).
PARTNERS: dict[str, dict[str, tuple[str, ...]]] = {
    "街道": {d: STREETS for d in DEPARTMENT_STANDING},
    "平台公司": {d: PLATFORMS[:2] if d == "纪工委" else PLATFORMS for d in DEPARTMENT_STANDING},
    "园区": {d: PARKS[:3] if d == "组织人事部" else PARKS for d in DEPARTMENT_STANDING if d != "纪工委"},
}
#: People the 民主测评 sees as weak (most votes 称职 or below) and the votes their
#: colleagues cast against the trend (a grudge, a friend): both are what trim 1 drops.
WEAK_PEOPLE = 6
#: The hand-worked 民主测评 (test_sample_quarter): G0070 汪晶晶 of 招商部 gets one 不称职.
GRUDGE = "G0070"


def build_ratings(rng: random.Random, people: list[Person], requests: list[Request]) -> list[Rating]:
    """The 测评 sheet, target by target: leaders, individuals, then departments.

    民主测评: each person gets 分数 from the 领导 group (the department's leader in charge,
    its 部长 and 副部长; for the grids the 网格长 too; at least three, the 管委会主任
    filling in) and anonymous 等次 votes from 同事 (up to eight colleagues). A leader gets
    分数 from the six other leaders and votes from the ten 部长. 网格员 are also rated by
    the enterprises whose requests they handled (服务企业, up to eight). Departments get
    共建共评 分数 from 街道, 平台公司 and 园区 (PARTNERS).
    """
    leaders = [p for p in people if p.department is None]
    staff = [p for p in people if p.department is not None]
    quality = {p.id: rng.gauss(0, 1) for p in people}
    for pid in [*rng.sample([p.id for p in staff if p.id != CASE_WORKER], WEAK_PEOPLE), CASE_WORKER]:
        quality[pid] = -2.2
    in_charge = {d.name: d.leader for d in DEPARTMENTS} | {GRID_DEPARTMENT: GRID_LEADER}
    heads = {p.department: p.id for p in staff if p.role == "部长"}
    deputies: dict[str | None, list[str]] = {}
    for p in staff:
        if p.role == "副部长":
            deputies.setdefault(p.department, []).append(p.id)
    members: dict[str | None, list[Person]] = {}
    for p in staff:
        members.setdefault(p.department, []).append(p)
    grid_head = {w: p.id for p in staff if p.role == "网格长" for w in _crew(staff, p.id)}

    def score(pid: str, spread: float = 3.0) -> float:
        return float(max(55, min(100, round(87 + 4 * quality[pid] + rng.gauss(0, spread)))))

    def vote(pid: str) -> str:
        x = 86 + 6 * quality[pid] + rng.gauss(0, 6)
        return "优秀" if x >= 95 else "称职" if x >= 78 else "基本称职" if x >= 66 else "不称职"

    ratings: list[Rating] = []
    for leader in leaders:
        for rater in leaders:
            if rater.id != leader.id:
                ratings.append(Rating(leader.id, "领导", rater.id, score(leader.id), None))
        for _ in heads:
            ratings.append(Rating(leader.id, "同事", None, None, vote(leader.id)))
    for person in staff:
        dept = person.department
        assert dept is not None
        bosses = [in_charge[dept], heads[dept], *deputies.get(dept, [])]
        if person.role == "网格员":
            bosses = [grid_head[person.id], heads[dept], *deputies[dept]]
        bosses = [b for b in bosses if b != person.id]
        if len(bosses) < 3:
            bosses.append("G0002")
        for boss in bosses:
            ratings.append(Rating(person.id, "领导", boss, score(person.id), None))
        voters = min(len(members[dept]) - 1, 8 if dept != GRID_DEPARTMENT else 6)
        votes = [vote(person.id) for _ in range(voters)]
        if person.id == GRUDGE:
            votes[3] = "不称职"
        ratings += [Rating(person.id, "同事", None, None, v) for v in votes]
        if person.role == "网格员":
            served = list(dict.fromkeys(r.company for r in requests if r.handler == person.id))
            for company in served[:8]:
                ratings.append(Rating(person.id, "服务企业", company, score(person.id, 5.0), None))
    for dept, standing in DEPARTMENT_STANDING.items():
        for group, raters in PARTNERS.items():
            for partner in raters.get(dept, ()):
                value = max(60.0, min(100.0, round(88 + 4 * standing + rng.gauss(0, 3), 1)))
                ratings.append(Rating(dept, group, partner, value, None))
    return ratings


def _crew(staff: list[Person], head: str) -> list[str]:
    """The three 网格员 listed right after a 网格长."""
    at = next(i for i, p in enumerate(staff) if p.id == head)
    return [p.id for p in staff[at + 1 : at + 1 + WORKERS_PER_GRID]]


def build_sample(seed: int = SEED) -> Sample:
    """Build every row of the sample: the nine departments from ``seed`` (exactly as they
    were before the grids), then the grids, the requests and the evaluations from their own
    seeded sources, so none of them moves a row drawn before it."""
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

    grid_rng = random.Random(seed + (GRID_SEED - SEED))
    grid_staff, grids = build_grid_staff(grid_rng, people)
    assert grid_staff[2 + CASE_GRID * (1 + WORKERS_PER_GRID) + 2].id == CASE_WORKER
    people = people + grid_staff
    departments.append((GRID_DEPARTMENT, GRID_LEADER))
    # Ledgers are kept in date order; the sort is stable, so one day's grid events follow
    # the others of that day.
    events = sorted(events + build_grid_events(grid_rng, grid_staff), key=lambda e: e.day)

    requests = build_requests(random.Random(seed + (REQUEST_SEED - SEED)), grids, grid_staff)
    rate = on_time_rate(requests)
    indicators = [*INDICATORS, *(i if i[0] != "ZB30" else (*i[:6], rate, *i[7:]) for i in GRID_INDICATORS)]
    ratings = build_ratings(random.Random(seed + (EVALUATION_SEED - SEED)), people, requests)
    return Sample(people, departments, events, indicators, vetoes, requests, ratings, grids)


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
    s = sheet("指标", (*header, "截止日期", "完成日期", "计分曲线"))
    for ind in sample.indicators:
        s.add((*ind, INDICATOR_CURVES.get(ind[0])))
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

    s = sheet("企业诉求", ("编号", "企业", "负责人", "类别", "受理日期", "回应日期", "办结日期", "诉求事项"))
    for r in sample.requests:
        s.add((r.id, r.company, r.handler, r.kind, r.received, r.responded, r.resolved, r.topic))
    s.finish()

    s = sheet("测评", ("对象", "评价方", "评价人", "分数", "等次"))
    for rating in sample.ratings:
        s.add((rating.target, rating.group, rating.rater, rating.score, rating.vote))
    s.finish()

    # The grids' register of enterprises (网格包联企业台账): kpi does not read this sheet;
    # it shows who keeps which enterprise, and so whom a request goes to.
    s = sheet("网格台账", ("网格", "网格长", "包联网格员", "企业"))
    for grid in sample.grids:
        for worker, companies in zip(grid.workers, grid.enterprises, strict=True):
            for company in companies:
                s.add((grid.name, grid.head, worker, company))
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
        f"{len(sample.indicators)} indicators, {len(CITY_RANKINGS)} city rankings, "
        f"{len(sample.requests)} service requests, {len(sample.ratings)} evaluation rows"
    )


if __name__ == "__main__":
    main()
