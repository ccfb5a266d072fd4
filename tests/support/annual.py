"""Quarter results workbooks written by hand, for the annual appraisal's tests.

``kpi annual`` reads what ``kpi score`` published; these helpers write workbooks
with the same sheets, headers and 运行信息 rows (zh or en), holding only the
values a test states, so a hand-worked year needs no hand-worked quarters.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from kpi.report.tables import (
    BONUS,
    DEPARTMENTS,
    INDIVIDUALS,
    KIND_LABELS,
    LEADERS,
    SHEET_TITLES,
    run_info_label,
)

#: A row as a mapping of column key → value; missing keys are blank cells.
Row = dict[str, Any]


def _sheet(book: Any, key: str, columns: Sequence[Any], rows: Sequence[Row], lang: str) -> None:
    ws = book.create_sheet(SHEET_TITLES[key][lang == "en"])
    ws.append([c.header(lang) for c in columns])
    labels = KIND_LABELS[lang]
    for row in rows:
        values = []
        for c in columns:
            value = row.get(c.key)
            if c.key in ("vetoed", "kind") and value is not None:
                value = labels[value]
            values.append(
                float(value) if c.kind in ("score", "coef", "factor4") and value is not None else value
            )
        ws.append(values)


def write_quarter(
    path: Path,
    period: str,
    *,
    individuals: Sequence[Row] = (),
    departments: Sequence[Row] = (),
    leaders: Sequence[Row] = (),
    bonus: Sequence[Row] = (),
    rules: tuple[str, str] = ("考核办法", "2024.1"),
    lang: str = "zh",
) -> Path:
    """A results workbook of ``period`` as ``kpi score`` would write it (the sheets annual reads)."""
    book = openpyxl.Workbook()
    assert book.active is not None
    book.remove(book.active)
    _sheet(book, "individuals", INDIVIDUALS, [{"vetoed": False, **r} for r in individuals], lang)
    _sheet(book, "departments", DEPARTMENTS, [{"vetoed": False, **r} for r in departments], lang)
    _sheet(book, "leaders", LEADERS, [{"vetoed": False, **r} for r in leaders], lang)
    _sheet(book, "bonus", BONUS, bonus, lang)
    info = book.create_sheet(SHEET_TITLES["run_info"][lang == "en"])
    info.append(["项目" if lang == "zh" else "key", "内容" if lang == "zh" else "value"])
    for key, value in (
        ("tool_version", "kpi 0.1.0"),
        ("period", period),
        ("rules_name", rules[0]),
        ("rules_version", rules[1]),
        ("rules_sha256", "0" * 64),
        ("input_sha256", "1" * 64),
    ):
        info.append([run_info_label(key, lang), value])
    book.save(path)
    return path
