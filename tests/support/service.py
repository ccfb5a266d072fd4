"""The worked quarter with service requests (method §6.0), for tests that need a 企业诉求 sheet.

:func:`service_rules` is the worked quarter's rules plus three service codes and
a ``service`` section; :func:`service_workbook` is its input workbook plus a
企业诉求 sheet (and, optionally, more 点数 rows), written with openpyxl as a user's
Excel would save it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl

from kpi.workdays import WorkCalendar
from support.worked import WORKED_QUARTER

#: The three service codes added to the worked quarter's catalogue.
SERVICE_CODES = (
    "    S01: {name: 诉求逾期回应, points: -1}\n"
    "    S02: {name: 诉求逾期办结, points: -1, max_per_period: 2}\n"
    "    S03: {name: 诉求按时办结, points: 0.5}\n"
)

#: The 1510 rule on a plain calendar (no statutory table) with National Day 2024 listed.
SERVICE = """service:
  respond_days: 1
  resolve_days: {一般: 5, 特殊: 10}
  calendar:
    statutory: false
    holidays: [2024-10-01, 2024-10-02, 2024-10-03, 2024-10-04, 2024-10-07]
    workdays: [2024-09-29, 2024-10-12]
  events: {late_response: S01, late_resolution: S02, on_time: S03}
"""

REQUEST_HEADER = ["编号", "企业", "负责人", "类别", "受理日期", "回应日期", "办结日期"]


def service_rules(path: Path, service: str = SERVICE, codes: str = SERVICE_CODES) -> Path:
    """The worked-quarter rules with ``codes`` added to points.events and ``service`` appended."""
    text = (WORKED_QUARTER / "rules.yaml").read_text(encoding="utf-8")
    anchor = "    B02: {name: 工作作风问题, points: -2, max_per_period: 6}\n"
    assert text.count(anchor) == 1
    text = text.replace(anchor, anchor + codes)
    path.write_text(text + service, encoding="utf-8")
    return path


def service_workbook(
    path: Path,
    requests: list[list[Any]],
    points: list[list[Any]] | None = None,
    header: list[str] = REQUEST_HEADER,
) -> Path:
    """The worked-quarter input with a 企业诉求 sheet of ``requests`` (and ``points`` appended to 点数)."""
    book = openpyxl.load_workbook(WORKED_QUARTER / "input.xlsx")
    sheet = book.create_sheet("企业诉求")
    for row in [header, *requests]:
        sheet.append(row)
    for extra in points or []:
        book["点数"].append(extra)
    for ws in (sheet, book["点数"]):
        for cells in ws.iter_rows():
            for cell in cells:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    book.save(path)
    return path


def walk(calendar: WorkCalendar, day: date, n: int) -> date:
    """wd(d, n) by stepping one day at a time: the definition, not the vectorised search."""
    found = 0
    while found < n:
        day += timedelta(days=1)
        found += calendar.is_working(day)
    return day
