"""The published tables of method §7, built from :class:`~kpi.engine.results.Results`.

One definition of every sheet and column (key, Chinese and English header, cell
kind) serves the results workbook, ``--json`` and ``verify``, so the three
never disagree on what was published. Values stay Python values (Decimal,
int, str, None); the writers decide how to render them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from kpi import __version__
from kpi.engine.results import Results
from kpi.numbers import plain, r6

#: Cell kinds: text, score (2 decimals), points (2 decimals), money (whole
#: yuan, ``#,##0``), coef (plain number), ratio (plain number), share (a true
#: share of a whole, ``0.00%``), factor4 (4 decimals), int, date, flag (是/否),
#: veto (是/否 of 否决: 是 is highlighted), grade (等次: the lowest band is
#: highlighted), kind (主要领导/分管领导). How each kind looks in the workbook
#: (number format, width, highlight) is declared once per kind in
#: :mod:`kpi.report.workbook`, so a new sheet gets it by naming its kinds.
Kind = str


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: Kind

    def header(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    rows: list[list[Any]]
    #: Rows after the body that sum it (合计): published values, checked by verify.
    totals: list[list[Any]] = field(default_factory=list)
    #: Cell kind → the text that kind's cells are highlighted for (veto → 是, grade → the lowest band).
    marks: dict[str, str] = field(default_factory=dict)
    #: The period the sheet belongs to, for its printed footer (set when the workbook is saved).
    period: str = ""

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def column(key: str, zh: str, kind: Kind = "text", en: str | None = None) -> Column:
    """A published column; its English header is its key unless given."""
    return Column(key, zh, en or key, kind)


_c = column


INDIVIDUALS = (
    _c("id", "工号"),
    _c("name", "姓名"),
    _c("department", "部门"),
    _c("post_category", "岗位类别"),
    _c("role", "职务"),
    _c("points", "个人点数", "points"),
    _c("personal_score", "个人得分", "score"),
    _c("department_score", "部门得分", "score"),
    _c("score", "综合得分", "score"),
    _c("vetoed", "否决", "veto"),
    _c("rank", "排名", "int"),
    _c("grade", "等次", "grade"),
)
DEPARTMENTS = (
    _c("department", "部门"),
    _c("indicator_score", "指标得分", "score"),
    _c("city_score", "市级得分", "score"),
    _c("points", "部门点数", "points"),
    _c("score", "综合得分", "score"),
    _c("vetoed", "否决", "veto"),
    _c("rank", "排名", "int"),
    _c("grade", "等次", "grade"),
)
LEADERS = (
    _c("id", "工号"),
    _c("name", "姓名"),
    _c("kind", "类别", "kind"),
    _c("zone_score", "全区得分", "score"),
    _c("departments_mean", "分管部门均分", "score"),
    _c("points", "个人点数", "points"),
    _c("score", "综合得分", "score"),
    _c("vetoed", "否决", "veto"),
    _c("rank", "排名", "int"),
    _c("grade", "等次", "grade"),
)
BONUS = (
    _c("id", "工号"),
    _c("name", "姓名"),
    _c("department", "部门"),
    _c("bonus_base", "绩效基数", "coef"),
    _c("post_coef", "岗位系数", "coef"),
    _c("role_coef", "职务系数", "coef"),
    _c("grade_factor", "等次系数", "coef"),
    _c("months_factor", "在岗折算", "factor4"),
    _c("bonus", "绩效奖金", "money"),
    _c("points_reward", "点数奖励", "money"),
    _c("total", "合计", "money"),
)
POINTS_LEDGER = (
    _c("target", "对象"),
    _c("code", "事项"),
    _c("name", "名称"),
    _c("events", "次数", "int"),
    _c("raw_total", "原始合计", "points"),
    _c("code_cap", "单项上限", "coef"),
    _c("counted", "计入点数", "points"),
)
INDICATOR_DETAIL = (
    _c("id", "编号"),
    _c("name", "名称"),
    _c("level", "层级"),
    _c("department", "责任部门"),
    _c("direction", "方向"),
    _c("target", "目标值", "coef"),
    _c("actual", "完成值", "coef"),
    _c("weight", "权重", "coef"),
    _c("deadline", "截止日期", "date"),
    _c("completed_on", "完成日期", "date"),
    _c("ratio", "完成比率", "ratio"),
    _c("ratio_capped", "计分比率", "ratio"),
    _c("late", "逾期", "flag"),
    _c("factor", "逾期系数", "coef"),
    _c("score", "指标得分", "score"),
    _c("level_multiplier", "层级系数", "coef"),
    _c("effective_weight", "有效权重", "coef"),
)
SERVICE_DETAIL = (
    _c("id", "编号"),
    _c("company", "企业"),
    _c("handler", "负责人"),
    _c("kind", "类别"),
    _c("received", "受理日期", "date"),
    _c("respond_by", "回应时限", "date"),
    _c("responded", "回应日期", "date"),
    _c("late_response", "回应逾期", "flag"),
    _c("resolve_by", "办结时限", "date"),
    _c("resolved", "办结日期", "date"),
    _c("late_resolution", "办结逾期", "flag"),
    _c("codes", "生成事项"),
)
RUN_INFO = (_c("key", "项目"), _c("value", "内容"))

KIND_LABELS = {
    "zh": {"main_leader": "主要领导", "leader_in_charge": "分管领导", True: "是", False: "否", None: None},
    "en": {
        "main_leader": "main_leader",
        "leader_in_charge": "leader_in_charge",
        True: "yes",
        False: "no",
        None: None,  # a flag that does not apply (诉求明细: a deadline outside the period)
    },
}


def _ratio(value: Decimal | None) -> Decimal | None:
    return None if value is None else r6(value)


def _rows(frame: pd.DataFrame, columns: tuple[Column, ...], lang: str) -> list[list[Any]]:
    """The frame's cells, row by row. Converted column by column (a column of values as
    they are is not touched), then zipped into rows: a sheet may have a million cells."""
    labels = KIND_LABELS[lang]
    data = []
    for column in columns:
        values = frame[column.key].tolist()
        if column.kind in ("flag", "veto", "kind"):
            values = list(map(labels.__getitem__, values))
        elif column.kind == "ratio":
            values = list(map(_ratio, values))
        data.append(values)
    return list(map(list, zip(*data, strict=True)))


#: 运行信息 row labels (zh, en), in the order they are written.
RUN_INFO_LABELS: dict[str, tuple[str, str]] = {
    "tool_version": ("工具版本", "tool_version"),
    "period": ("考核期间", "period"),
    "rules_name": ("规则名称", "rules_name"),
    "rules_version": ("规则版本", "rules_version"),
    "rules_source": ("发文依据", "rules_source"),
    "rules_effective_from": ("生效日期", "rules_effective_from"),
    "rules_file": ("规则文件", "rules_file"),
    "rules_sha256": ("规则SHA256", "rules_sha256"),
    "input_file": ("输入文件", "input_file"),
    "input_sha256": ("输入SHA256", "input_sha256"),
    "zone_score": ("全区市级得分", "zone_score"),
    "warning_count": ("警告数", "warning_count"),
    "warning": ("警告", "warning"),
}

#: Sheet titles (zh, en) in method §7 order.
SHEET_TITLES: dict[str, tuple[str, str]] = {
    "individuals": ("个人得分", "individuals"),
    "departments": ("部门得分", "departments"),
    "leaders": ("领导得分", "leaders"),
    "bonus": ("绩效奖金", "bonus"),
    "points_ledger": ("点数明细", "points_ledger"),
    "indicator_detail": ("指标明细", "indicator_detail"),
    "service_detail": ("诉求明细", "service_detail"),
    "evaluation_detail": ("测评明细", "evaluation_detail"),
    "run_info": ("运行信息", "run_info"),
}


def run_info_label(key: str, lang: str) -> str:
    zh, en = RUN_INFO_LABELS[key]
    return en if lang == "en" else zh


def _info(results: Results, lang: str) -> list[list[Any]]:
    rf = results.rules_file
    rules = rf.rules
    values = {
        "tool_version": f"kpi {__version__}",
        "period": str(results.period),
        "rules_name": rules.name,
        "rules_version": rules.version,
        "rules_source": rules.source or "",
        "rules_effective_from": rules.effective_from.isoformat() if rules.effective_from else "",
        "rules_file": rf.path,
        "rules_sha256": rf.sha256,
        "input_file": results.inputs.path,
        "input_sha256": results.inputs.sha256,
        "zone_score": plain(results.zone_score),
        "warning_count": str(len(results.warnings)),
    }
    rows: list[list[Any]] = [[run_info_label(k, lang), v] for k, v in values.items()]
    rows += [[run_info_label("warning", lang), w.text(with_file=False, lang=lang)] for w in results.warnings]
    return rows


#: Sheets whose money columns are summed in a 合计 row: the sums mean something there.
TOTALLED = frozenset({"bonus"})
TOTAL_LABEL = {"zh": "合计", "en": "total"}


def total_row(columns: tuple[Column, ...], rows: list[list[Any]], lang: str) -> list[Any]:
    """合计 in the first column, the sum of every money column under its column, else blank."""
    out: list[Any] = [None] * len(columns)
    for i, c in enumerate(columns):
        if c.kind == "money":
            out[i] = sum(r[i] for r in rows if r[i] is not None)
    out[0] = TOTAL_LABEL[lang]
    return out


def marks(results: Results, lang: str) -> dict[str, str]:
    """What the highlighted kinds are highlighted for: 否决 = 是, 等次 = the lowest band."""
    return {"veto": str(KIND_LABELS[lang][True]), "grade": results.rules.grades.bands[-1].name}


def published_sheets(results: Results, lang: str = "zh") -> list[Sheet]:
    """Every sheet of the results workbook, in method §7 order."""
    from kpi.report.additions import with_additions  # it builds on this module's columns

    frames = {
        "individuals": (results.individuals, INDIVIDUALS),
        "departments": (results.departments, DEPARTMENTS),
        "leaders": (results.leaders, LEADERS),
        "bonus": (results.bonus, BONUS),
        "points_ledger": (results.points_ledger, POINTS_LEDGER),
        "indicator_detail": (results.indicator_detail, INDICATOR_DETAIL),
    }
    if results.service_detail is not None:  # only when the rules have `service` (method §6.0)
        frames["service_detail"] = (results.service_detail, SERVICE_DETAIL)
    frames = with_additions(frames, results)
    marked = marks(results, lang)
    sheets = []
    for key, (frame, columns) in frames.items():
        rows = _rows(frame, columns, lang)
        totals = [total_row(columns, rows, lang)] if key in TOTALLED else []
        sheets.append(Sheet(key, *SHEET_TITLES[key], columns, rows, totals, marked))
    return [*sheets, Sheet("run_info", *SHEET_TITLES["run_info"], RUN_INFO, _info(results, lang))]
