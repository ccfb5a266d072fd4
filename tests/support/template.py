"""Filling in a ``kpi template`` workbook as a person would, with openpyxl.

Rows are given by canonical sheet and column keys (:mod:`kpi.io.names`), so one
quarter fills the Chinese and the English template alike.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from kpi.io.names import COLUMN_NAMES, SHEET_NAMES
from support.worked import Worked

#: A small, valid 2024Q4 for the worked-quarter rules (tests/data/worked_quarter/rules.yaml).
SMALL_QUARTER: dict[str, list[dict[str, Any]]] = {
    "people": [
        {"id": "L01", "name": "王建国", "role": "管委会主任", "bonus_base": 16000},
        {"id": "L02", "name": "李海涛", "role": "管委会副主任", "bonus_base": 14000},
        {
            "id": "E01",
            "name": "张伟",
            "department": "招商部",
            "post_category": "招商",
            "role": "部长",
            "bonus_base": 10000,
        },
        {
            "id": "007",
            "name": "刘芳",
            "department": "综合部",
            "post_category": "综合保障",
            "role": "职员",
            "bonus_base": 6000,
            "months": 2,
        },
    ],
    "departments": [
        {"department": "招商部", "leader_in_charge": "L02"},
        {"department": "综合部", "leader_in_charge": "L02"},
    ],
    "points": [
        {"date": date(2024, 10, 8), "target": "E01", "code": "A01", "reason": "=承办博览会"},
        {"date": date(2024, 12, 31), "target": "招商部", "code": "A02", "points": 4},
    ],
    "indicators": [
        {
            "id": "ZB01",
            "name": "招商引资到位资金",
            "level": "省",
            "department": "招商部",
            "direction": "正向",
            "target": 200,
            "actual": Decimal("180.5"),
            "weight": 10,
            "deadline": date(2024, 12, 31),
            "completed_on": date(2025, 1, 5),
        },
        {
            "id": "ZB02",
            "name": "党建工作考核得分",
            "level": "市",
            "department": "综合部",
            "direction": "评分",
            "actual": 91,
            "weight": 10,
        },
    ],
    "city_rankings": [{"indicator": "地区生产总值增速", "weight": 20, "rank": 2, "participants": 9}],
    "city_shares": [
        {"indicator": "地区生产总值增速", "department": "招商部", "share": Decimal("0.6")},
        {"indicator": "地区生产总值增速", "department": "综合部", "share": Decimal("0.4")},
    ],
    "vetoes": [{"target": "综合部", "item": "安全生产", "date": date(2024, 11, 1), "note": "事故"}],
}


#: Requests for the service rules of tests/support/service.py (one received last quarter).
SMALL_REQUESTS: list[dict[str, Any]] = [
    {
        "id": "SQ001",
        "company": "青岛某某科技有限公司",
        "handler": "E01",
        "kind": "一般",
        "received": date(2024, 10, 8),
        "responded": date(2024, 10, 8),
        "resolved": date(2024, 10, 10),
    },
    {
        "id": "SQ002",
        "company": "某某生物公司",
        "handler": "L02",
        "kind": "特殊",
        "received": date(2024, 9, 27),
    },
]


EVALUATION = """evaluation:
  groups: {领导: 0.4, 群众: 0.6}
  votes: {优秀: 100, 称职: 85, 基本称职: 70, 不称职: 50}
  trim: 0
  min_raters: 1
"""
CURVES = """  late_factor: 0.8
  curves:
    增长型: {mode: linear, points: [[0, 0], [1, 100], [1.4, 120]]}
    达标型: {mode: step, points: [[0.8, 60], [0.9, 80], [1, 100]]}
"""


def evaluation_rules(worked: Worked, evaluation: str = EVALUATION) -> Path:
    """The worked rules with scoring curves and an evaluation section."""
    path = worked.rules_variant("  late_factor: 0.8\n", CURVES, "evaluation.yaml")
    path.write_text(path.read_text(encoding="utf-8") + evaluation, encoding="utf-8")
    return path


#: Ratings for :data:`EVALUATION` (a department and a person; scores and votes).
SMALL_EVALUATIONS: list[dict[str, Any]] = [
    {"target": "招商部", "rater_group": "领导", "rater": "L01", "score": 90},
    {"target": "招商部", "rater_group": "群众", "vote": "称职"},
    {"target": "E01", "rater_group": "领导", "rater": "L02", "score": Decimal("87.5")},
    {"target": "E01", "rater_group": "群众", "vote": "优秀"},
]


def sheet(book: openpyxl.Workbook, key: str, lang: str = "zh") -> Worksheet:
    ws = book[SHEET_NAMES[key][1 if lang == "en" else 0]]
    assert isinstance(ws, Worksheet)
    return ws


def columns(ws: Worksheet, key: str, lang: str = "zh") -> dict[str, int]:
    """Column key → 1-based column index, from the template's header row."""
    by_name = {name[1 if lang == "en" else 0]: column for column, name in COLUMN_NAMES[key].items()}
    return {by_name[str(cell.value)]: cell.column for cell in ws[1] if cell.value is not None}


def last_filled_row(ws: Worksheet) -> int:
    for row in range(ws.max_row, 0, -1):
        if any(cell.value is not None for cell in ws[row]):
            return row
    return 0


def fill(path: Path, rows: dict[str, list[dict[str, Any]]], lang: str = "zh") -> None:
    """Type ``rows`` below each sheet's last filled row and save."""
    book = openpyxl.load_workbook(path)
    for key, records in rows.items():
        ws = sheet(book, key, lang)
        where = columns(ws, key, lang)
        start = last_filled_row(ws) + 1
        for i, record in enumerate(records):
            for column, value in record.items():
                cell = ws.cell(row=start + i, column=where[column], value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # typed as text, as the "@" format keeps it
    book.save(path)


def fill_column(path: Path, key: str, column: str, values: list[Any], lang: str = "zh") -> None:
    """Fill one column from row 2 down (the values ``--from`` cleared) and save."""
    book = openpyxl.load_workbook(path)
    ws = sheet(book, key, lang)
    index = columns(ws, key, lang)[column]
    for i, value in enumerate(values, start=2):
        ws.cell(row=i, column=index, value=value)
    book.save(path)


def rows_of(path: Path, key: str, lang: str = "zh") -> list[dict[str, Any]]:
    """The filled rows of a sheet by column key (openpyxl values: dates as datetime)."""
    book = openpyxl.load_workbook(path)
    ws = sheet(book, key, lang)
    where = columns(ws, key, lang)
    return [
        {column: ws.cell(row=r, column=j).value for column, j in where.items()}
        for r in range(2, last_filled_row(ws) + 1)
    ]
