"""What evaluations and scoring curves add to the published tables, only when the rules use them.

Rules without an ``evaluation`` section and without ``indicators.curves``
publish exactly the v1 sheets, so their results files stay byte for byte the
same. With ``evaluation``, 个人得分, 部门得分 and 领导得分 gain 测评得分
(evaluation_score, blank when absent) after 部门得分, 市级得分 and 分管部门均分,
and the sheet 测评明细 (evaluation_detail) lists one row per (对象, 评价方) that
has rows. With curves, 指标明细 gains 计分曲线 (curve) after 完成日期; its
计分比率 is blank for an indicator scored on a curve.
"""

from __future__ import annotations

import pandas as pd

from kpi.engine.results import Results
from kpi.report.tables import Column, column

EVALUATION_SCORE = column("evaluation_score", "测评得分", "score")
CURVE = column("curve", "计分曲线")
EVALUATION_DETAIL = (
    column("target", "对象"),
    column("rater_group", "评价方"),
    column("count", "评分数", "int"),
    column("trimmed", "去掉", "int"),
    column("mean", "平均分", "score"),
    column("weight", "权重", "coef"),
    column("counted", "计入", "flag"),
)

#: Sheet key → the column the evaluation score follows.
_EVALUATION_AFTER = {
    "individuals": "department_score",
    "departments": "city_score",
    "leaders": "departments_mean",
}

Frames = dict[str, tuple[pd.DataFrame, tuple[Column, ...]]]


def _insert(columns: tuple[Column, ...], after: str, new: Column) -> tuple[Column, ...]:
    at = next(i for i, c in enumerate(columns) if c.key == after) + 1
    return (*columns[:at], new, *columns[at:])


def with_additions(frames: Frames, results: Results) -> Frames:
    """``frames`` (sheet key → frame, columns, in sheet order) with the columns and the
    sheet that evaluations and curves add; unchanged when the rules use neither."""
    rules = results.rules
    out = dict(frames)
    if rules.indicators.curves:
        frame, columns = out["indicator_detail"]
        out["indicator_detail"] = (frame, _insert(columns, "completed_on", CURVE))
    if rules.evaluation is None:
        return out
    for key, after in _EVALUATION_AFTER.items():
        frame, columns = out[key]
        out[key] = (frame, _insert(columns, after, EVALUATION_SCORE))
    ordered: Frames = {}
    for key, value in out.items():
        ordered[key] = value
        if key == "indicator_detail":
            ordered["evaluation_detail"] = (results.evaluations.detail, EVALUATION_DETAIL)
    return ordered
