"""Write the one-fault input corpus: ``tests/bad_inputs/*.xlsx`` and ``manifest.json``.

Run ``python tests/bad_inputs/make_corpus.py`` after changing a fault; the
files are committed so the tests need no generator. Each workbook is
:data:`BASE` (the worked quarter of ``tests/data/worked_quarter``, typed
out here so the corpus stands alone) with ONE fault, read with
``tests/bad_inputs/rules.yaml`` (a copy of that example's rules) for period
2024Q3. ``multiple_faults.xlsx`` holds three faults and lists them all.

The ``service_*`` workbooks add a 企业诉求 sheet (:data:`SERVICE_REQUESTS`) and
are read with ``rules_service.yaml`` (the same rules plus a ``service``
section), except ``service_without_rules``, whose point is that ``rules.yaml``
has none.

openpyxl stamps the time of writing into ``docProps/core.xml``, so a workbook
whose sheets did not change keeps its committed bytes (:func:`main`).

Manifest entry: ``file``; ``sheet`` and ``cell`` (e.g. ``"C14"``, or null for
a sheet-, row- or file-level problem) of one problem that must be reported;
``words`` that its message must contain; ``period`` and ``rules`` to read it
with; and, for the multiple-fault file, ``all``: every expected problem in
the order reported.

The hostile files are crafted at the byte level in well under a second each:
the zip bomb by patching a member's declared uncompressed size in the central
directory (the reader refuses on declared sizes, before inflating), and a
second one with a real 64 MiB run of zeros inflating ~1000 times.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import random
import re
import struct
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

HERE = Path(__file__).resolve().parent
PERIOD = "2024Q3"
RULES = "rules.yaml"

Sheets = dict[str, list[list[Any]]]

D = date
#: The worked quarter's input, sheet by sheet, header first (Excel row 1).
BASE: Sheets = {
    "人员": [
        ["工号", "姓名", "部门", "岗位类别", "职务", "绩效基数", "在岗月数"],
        ["L01", "王建国", None, None, "管委会主任", 16000, None],
        ["L02", "李海涛", None, None, "管委会副主任", 14000, None],
        ["E01", "张伟", "招商部", "招商", "部长", 10000, None],
        ["E02", "刘芳", "招商部", "招商", "职员", 6000, None],
        ["E03", "陈静", "招商部", "招商", "职员", 6000, 2],
        ["E04", "杨磊", "综合部", "综合保障", "部长", 9000, None],
        ["E05", "赵敏", "综合部", "综合保障", "职员", 5000, None],
        ["E06", "周洋", "企业服务部", "企业服务", "职员", 5500, 0],
    ],
    "部门": [
        ["部门", "分管领导"],
        ["招商部", "L02"],
        ["综合部", "L02"],
        ["企业服务部", "L02"],
    ],
    "点数": [
        ["日期", "对象", "事项", "点数", "事由"],
        [D(2024, 7, 5), "招商部", "A01", None, "承办跨国公司领导人青岛峰会分论坛"],
        [D(2024, 7, 19), "招商部", "A01", None, "承办人才节活动"],
        [D(2024, 8, 9), "招商部", "A01", None, "完成防汛保障任务"],
        [D(2024, 9, 3), "招商部", "A01", None, "承办博览会招商推介"],
        [D(2024, 8, 12), "招商部", "A02", None, "签约新能源汽车零部件项目"],
        [D(2024, 9, 12), "招商部", "A02", None, "签约生物医药产业化项目"],
        [D(2024, 8, 20), "综合部", "B01", None, "市级督办事项逾期"],
        [D(2024, 7, 10), "L01", "A02", 4, "带队签约集成电路封测项目"],
        [D(2024, 9, 18), "L02", "B02", None, "服务企业态度生硬被投诉"],
        [D(2024, 7, 8), "E01", "A02", None, "签约智能制造项目"],
        [D(2024, 7, 15), "E01", "A01", None, "重大活动表现突出"],
        [D(2024, 8, 15), "E01", "A01", None, "重大活动表现突出"],
        [D(2024, 8, 25), "E01", "A01", None, "重大活动表现突出"],
        [D(2024, 9, 25), "E01", "A01", None, "重大活动表现突出"],
        [D(2024, 7, 22), "E02", "A02", 5, "签约百亿级产业基金"],
        [D(2024, 8, 2), "E02", "B01", None, "督办件逾期一天"],
        [D(2024, 7, 30), "E03", "A02", None, "签约软件信息项目"],
        [D(2024, 8, 30), "E03", "A01", None, "服务保障重大活动"],
        [D(2024, 9, 6), "E03", "B01", None, "督办事项逾期"],
        [D(2024, 7, 2), "E04", "B02", None, "工作作风问题"],
        [D(2024, 7, 23), "E04", "B02", None, "工作作风问题"],
        [D(2024, 8, 13), "E04", "B02", None, "工作作风问题"],
        [D(2024, 9, 13), "E04", "B02", None, "工作作风问题"],
        *(
            [D(2024, m, d), "E05", "A02", None, "招商签约落地"]
            for m, d in [(7, 1), (7, 10), (7, 19), (7, 28), (8, 6), (8, 15), (8, 24), (9, 2)]
        ),
        [D(2024, 9, 27), "E06", "B01", None, "督办事项逾期"],
    ],
    "指标": [
        [
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
        ],
        [
            "ZB01",
            "招商引资到位资金",
            "省",
            "招商部",
            "正向",
            200,
            171.01,
            10,
            D(2024, 9, 30),
            D(2024, 9, 20),
        ],
        [
            "ZB02",
            "新签约亿元以上项目数",
            "市",
            "招商部",
            "正向",
            8,
            10,
            5,
            D(2024, 8, 31),
            D(2024, 9, 10),
        ],
        ["ZB03", "党建工作考核得分", "市", "综合部", "评分", None, 91.245, 10, None, None],
        [
            "ZB04",
            "生产安全事故起数",
            "省",
            "综合部",
            "反向",
            2,
            0,
            5,
            D(2024, 9, 30),
            D(2024, 9, 30),
        ],
    ],
    "市级排名": [
        ["指标", "权重", "排名", "参评单位数"],
        ["地区生产总值增速", 20, 2, 9],
        ["实际使用外资", 10, 4, 17],
        ["营商环境评价", 15, 5, 10],
    ],
    "市级分工": [
        ["指标", "部门", "占比"],
        ["地区生产总值增速", "招商部", 0.6],
        ["地区生产总值增速", "企业服务部", 0.4],
        ["实际使用外资", "招商部", 1],
        ["营商环境评价", "企业服务部", 1],
    ],
    "否决": [
        ["对象", "事项", "日期", "说明"],
        ["综合部", "全面从严治党", D(2024, 8, 15), "发生违反中央八项规定精神问题"],
    ],
}


#: 企业诉求 rows for the service faults, header first: on time, settled without a response date,
#: and a request received last quarter whose settle deadline falls in this one.
SERVICE_REQUESTS: list[list[Any]] = [
    ["编号", "企业", "负责人", "类别", "受理日期", "回应日期", "办结日期"],
    ["FW001", "青岛海尔", "E06", "一般", D(2024, 7, 5), D(2024, 7, 8), D(2024, 7, 12)],
    ["FW002", "青岛啤酒", "E06", "特殊", D(2024, 8, 1), None, D(2024, 8, 9)],
    ["FW003", "双星集团", "L02", "一般", D(2024, 6, 27), D(2024, 6, 28), D(2024, 7, 3)],
]
SERVICE_RULES = "rules_service.yaml"


def write_book(path: Path, sheets: Sheets) -> Path:
    """Write ``sheets`` with openpyxl: a date gets a date format, text starting '=' is a formula."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
    book.save(path)
    return path


def xlsx_bytes(sheets: Sheets) -> bytes:
    buffer = io.BytesIO()
    write_book(buffer, sheets)  # type: ignore[arg-type]
    return buffer.getvalue()


def base() -> Sheets:
    return copy.deepcopy(BASE)


def _set(sheet: str, cell: str, value: Any) -> Callable[[Sheets], None]:
    """A fault: put ``value`` in ``cell`` (e.g. 'C5') of ``sheet``."""
    col = openpyxl.utils.column_index_from_string("".join(ch for ch in cell if ch.isalpha()))
    row = int("".join(ch for ch in cell if ch.isdigit()))

    def apply(sheets: Sheets) -> None:
        rows = sheets[sheet]
        while len(rows) < row:
            rows.append([])
        while len(rows[row - 1]) < col:
            rows[row - 1].append(None)
        rows[row - 1][col - 1] = value

    return apply


def _all(*faults: Callable[[Sheets], None]) -> Callable[[Sheets], None]:
    def apply(sheets: Sheets) -> None:
        for fault in faults:
            fault(sheets)

    return apply


def _rename_sheet(old: str, new: str) -> Callable[[Sheets], None]:
    def apply(sheets: Sheets) -> None:
        sheets[new] = sheets.pop(old)

    return apply


def _drop_sheet(name: str) -> Callable[[Sheets], None]:
    def apply(sheets: Sheets) -> None:
        sheets.pop(name)

    return apply


def _header_only(name: str) -> Callable[[Sheets], None]:
    def apply(sheets: Sheets) -> None:
        del sheets[name][1:]

    return apply


def _copy_sheet(name: str, new: str) -> Callable[[Sheets], None]:
    def apply(sheets: Sheets) -> None:
        sheets[new] = copy.deepcopy(sheets[name])

    return apply


def _append(sheet: str, row: list[Any]) -> Callable[[Sheets], None]:
    return lambda sheets: sheets[sheet].append(row)


def _add_column(sheet: str, values: list[Any]) -> Callable[[Sheets], None]:
    def apply(sheets: Sheets) -> None:
        for row, value in zip(sheets[sheet], values, strict=False):
            row.append(value)

    return apply


# (file stem, fault, sheet, cell, words)
CELL_FAULTS: list[tuple[str, Callable[[Sheets], None], str | None, str | None, list[str]]] = [
    ("missing_sheet", _drop_sheet("人员"), None, None, ["missing sheet", "人员 / people"]),
    (
        "missing_sheet_misnamed",
        _rename_sheet("市级排名", "市级排名表"),
        None,
        None,
        ["missing sheet", "市级排名 / city_rankings", "did you mean '市级排名表'"],
    ),
    (
        "missing_column",
        _set("人员", "F1", None),
        "人员",
        None,
        ["missing column", "绩效基数 / bonus_base"],
    ),
    (
        "missing_column_misspelled",
        _set("部门", "B1", "分管 领导人"),
        "部门",
        None,
        ["missing column", "分管领导 / leader_in_charge", "did you mean '分管 领导人'"],
    ),
    (
        "duplicate_id",
        _append("人员", ["E05", "钱七", "综合部", "综合保障", "职员", 5000, None]),
        "人员",
        "A10",
        ["工号", "'E05'", "repeats row 8"],
    ),
    (
        "duplicate_sheet",
        _copy_sheet("人员", "People"),
        "People",
        None,
        ["appears twice", "人员 / people"],
    ),
    (
        "duplicate_column",
        _add_column("人员", ["department", "招商部", "招商部"]),
        "人员",
        "H1",
        ["部门 / department", "appears twice", "keep one"],
    ),
    (
        "unknown_department",
        _set("人员", "C5", "招商"),
        "人员",
        "C5",
        ["'招商'", "not a department", "did you mean '招商部'"],
    ),
    (
        "unknown_post_category",
        _set("人员", "D4", "招商部"),
        "人员",
        "D4",
        ["'招商部'", "coefficients.post_category", "did you mean '招商'"],
    ),
    (
        "unknown_event_code",
        _set("点数", "C3", "A03"),
        "点数",
        "C3",
        ["'A03'", "points.events", "did you mean"],
    ),
    (
        "unknown_event_code_fullwidth",
        _set("点数", "C4", "Ａ01"),
        "点数",
        "C4",
        ["points.events", "did you mean 'A01'"],
    ),
    (
        "unknown_veto_item",
        _set("否决", "B2", "安全"),
        "否决",
        "B2",
        ["'安全'", "veto.items", "did you mean '安全生产'"],
    ),
    (
        "unknown_level",
        _set("指标", "C2", "省级"),
        "指标",
        "C2",
        ["'省级'", "level_multiplier", "did you mean '省'"],
    ),
    (
        "unknown_direction",
        _set("指标", "E2", "正"),
        "指标",
        "E2",
        ["'正'", "正向, 反向, 评分", "did you mean '正向'"],
    ),
    (
        "number_as_words",
        _set("人员", "F5", "六千"),
        "人员",
        "F5",
        ["绩效基数", "'六千'", "not a number"],
    ),
    (
        "number_boolean",
        _set("人员", "F6", True),
        "人员",
        "F6",
        ["绩效基数", "TRUE", "not a number"],
    ),
    (
        "negative_bonus_base",
        _set("人员", "F6", -100),
        "人员",
        "F6",
        ["绩效基数", "-100", "0 or more"],
    ),
    ("months_over_period", _set("人员", "G6", 4), "人员", "G6", ["在岗月数", "between 0 and 3"]),
    (
        "date_outside_period",
        _set("点数", "A2", date(2024, 10, 5)),
        "点数",
        "A2",
        ["2024-10-05", "outside the period 2024Q3"],
    ),
    (
        "date_text_unreadable",
        _set("点数", "A3", "7月5日"),
        "点数",
        "A3",
        ["'7月5日'", "not a date", "2024-07-01"],
    ),
    (
        "date_text_impossible",
        _set("点数", "A4", "2024-09-31"),
        "点数",
        "A4",
        ["'2024-09-31'", "not a valid date"],
    ),
    (
        "veto_date_outside_period",
        _set("否决", "C2", date(2024, 6, 30)),
        "否决",
        "C2",
        ["outside the period"],
    ),
    (
        "ambiguous_target",
        _all(
            _append("人员", ["企业服务部", "孙八", "企业服务部", "企业服务", "职员", 5000, None]),
            _set("点数", "B9", "企业服务部"),
        ),
        "点数",
        "B9",
        ["'企业服务部'", "both a 工号", "ambiguous"],
    ),
    (
        "unknown_target",
        _set("点数", "B10", "L03"),
        "点数",
        "B10",
        ["'L03'", "neither a 工号", "did you mean"],
    ),
    (
        "shares_not_one",
        _set("市级分工", "C3", 0.3),
        "市级分工",
        "C2",
        ["地区生产总值增速", "add up to 0.9", "not 1"],
    ),
    (
        "rank_beyond_participants",
        _set("市级排名", "C2", 12),
        "市级排名",
        "C2",
        ["排名 12", "参评单位数 9"],
    ),
    ("rank_zero", _set("市级排名", "C3", 0), "市级排名", "C3", ["排名 0", "1 or more"]),
    (
        "participants_one",
        _set("市级排名", "D3", 1),
        "市级排名",
        "D3",
        ["参评单位数 1", "2 or more"],
    ),
    (
        "rank_fraction",
        _set("市级排名", "C2", 2.5),
        "市级排名",
        "C2",
        ["'2.5'", "not a whole number"],
    ),
    (
        "formula_without_cached_value",
        _set("人员", "F5", "=3000*2"),
        "人员",
        "F5",
        ["formula without a cached value", "Excel/WPS"],
    ),
    ("excel_error_value", _set("人员", "C5", "#N/A"), "人员", "C5", ["部门", "Excel error #N/A"]),
    ("empty_people", _header_only("人员"), "人员", None, ["人员", "no data rows"]),
    ("empty_departments", _header_only("部门"), "部门", None, ["部门", "no data rows"]),
    (
        "empty_city_rankings",
        _header_only("市级排名"),
        "市级排名",
        None,
        ["市级排名", "no data rows"],
    ),
    (
        "leader_in_charge_not_a_leader",
        _set("部门", "B2", "E01"),
        "部门",
        "B2",
        ["'E01'", "not a leader in charge", "管委会副主任"],
    ),
    (
        "leader_in_charge_unknown_id",
        _set("部门", "B3", "L09"),
        "部门",
        "B3",
        ["'L09'", "not a 工号", "did you mean 'L02'"],
    ),
    (
        "scored_actual_over_100",
        _set("指标", "G4", 120),
        "指标",
        "G4",
        ["完成值 120", "between 0 and 100", "评分"],
    ),
    ("target_zero", _set("指标", "F2", 0), "指标", "F2", ["目标值 0", "more than 0"]),
    ("target_missing", _set("指标", "F3", None), "指标", "F3", ["目标值", "required", "正向"]),
    ("actual_negative", _set("指标", "G2", -5), "指标", "G2", ["完成值 -5", "0 or more"]),
    ("weight_zero", _set("指标", "H3", 0), "指标", "H3", ["权重 0", "more than 0"]),
    (
        "duplicate_indicator_id",
        _set("指标", "A3", "ZB01"),
        "指标",
        "A3",
        ["'ZB01'", "repeats row 2"],
    ),
    (
        "duplicate_department",
        _append("部门", ["综合部", "L02"]),
        "部门",
        "A5",
        ["'综合部'", "repeats row 3"],
    ),
    (
        "share_indicator_unknown",
        _set("市级分工", "A5", "营商环境"),
        "市级分工",
        "A5",
        ["'营商环境'", "市级排名", "did you mean '营商环境评价'"],
    ),
    (
        "share_repeated",
        _set("市级分工", "B3", "招商部"),
        "市级分工",
        "B3",
        ["'地区生产总值增速'", "'招商部'", "repeats row 2"],
    ),
    (
        "department_without_components",
        _append("部门", ["新区办", "L02"]),
        "部门",
        "A5",
        ["'新区办'", "neither indicators", "nor city shares"],
    ),
    (
        "role_not_in_coefficients",
        _set("人员", "E5", "科员"),
        "人员",
        "E5",
        ["'科员'", "coefficients.role"],
    ),
    (
        "staff_without_department",
        _set("人员", "C5", None),
        "人员",
        "C5",
        ["部门", "required for staff"],
    ),
    ("name_missing", _set("人员", "B6", "   "), "人员", "B6", ["姓名", "required"]),
]


def service_base() -> Sheets:
    return {**base(), "企业诉求": copy.deepcopy(SERVICE_REQUESTS)}


# (file stem, fault, sheet, cell, words, rules) on service_base()
SERVICE_FAULTS: list[tuple[str, Callable[[Sheets], None], str, str | None, list[str], str]] = [
    (
        "service_duplicate_id",
        _set("企业诉求", "A4", "FW001"),
        "企业诉求",
        "A4",
        ["编号", "'FW001'", "repeats row 2"],
        SERVICE_RULES,
    ),
    (
        "service_unknown_handler",
        _set("企业诉求", "C3", "E6"),
        "企业诉求",
        "C3",
        ["负责人", "'E6'", "not a 工号 of sheet 人员", "did you mean 'E06'"],
        SERVICE_RULES,
    ),
    (
        "service_unknown_kind",
        _set("企业诉求", "D3", "特急"),
        "企业诉求",
        "D3",
        ["类别", "'特急'", "service.resolve_days", "一般, 特殊"],
        SERVICE_RULES,
    ),
    (
        "service_responded_before_received",
        _set("企业诉求", "F2", D(2024, 7, 4)),
        "企业诉求",
        "F2",
        ["回应日期 2024-07-04", "before 受理日期 2024-07-05"],
        SERVICE_RULES,
    ),
    (
        "service_resolved_before_received",
        _set("企业诉求", "G4", D(2024, 6, 20)),
        "企业诉求",
        "G4",
        ["办结日期 2024-06-20", "before 受理日期 2024-06-27"],
        SERVICE_RULES,
    ),
    (
        "service_date_unreadable",
        _set("企业诉求", "E3", "8月1日"),
        "企业诉求",
        "E3",
        ["受理日期", "'8月1日'", "not a date"],
        SERVICE_RULES,
    ),
    (
        "service_handler_missing",
        _set("企业诉求", "C2", None),
        "企业诉求",
        "C2",
        ["负责人", "required"],
        SERVICE_RULES,
    ),
    (
        "service_without_rules",
        lambda sheets: None,
        "企业诉求",
        None,
        ["企业诉求", "3 service request(s)", "no service section"],
        RULES,
    ),
]

MULTIPLE = (
    "multiple_faults",
    _all(_set("点数", "C3", "X01"), _set("人员", "D4", "招商部"), _set("部门", "B3", "L09")),
    # Reported sorted by location: file, then sheets in workbook order, row, column.
    [
        ("人员", "D4", ["'招商部'", "coefficients.post_category"]),
        ("部门", "B3", ["'L09'", "not a 工号"]),
        ("点数", "C3", ["'X01'", "points.events"]),
    ],
)


def _patch_declared_size(data: bytes, member: str, size: int) -> bytes:
    """Set ``member``'s uncompressed size in the central directory (a lying zip)."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos >= 0:
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", out, pos + 28)
        name = bytes(out[pos + 46 : pos + 46 + name_len]).decode()
        if name == member:
            struct.pack_into("<I", out, pos + 24, size)
            return bytes(out)
        pos = out.find(b"PK\x01\x02", pos + 46 + name_len + extra_len + comment_len)
    raise ValueError(f"{member} not in the zip")


def _replace_member(data: bytes, member: str, content: bytes) -> bytes:
    """The same zip with one member's content replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == member else source.read(info))
    return buffer.getvalue()


SHEET1 = "xl/worksheets/sheet1.xml"
_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>\n"
)


def _hostile(base_bytes: bytes) -> list[tuple[str, bytes, str | None, list[str]]]:
    """(file name, content, sheet, words) of the files that are not a sound workbook."""
    sheet = zipfile.ZipFile(io.BytesIO(base_bytes)).read(SHEET1)
    laughs = _LAUGHS + sheet
    # One row more than Excel allows. The random text keeps the member's ratio
    # (~80) under the zip-bomb limit, so the row limit is what refuses it.
    noise = base64.b64encode(random.Random(0).randbytes(80_000))
    too_many_rows = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats'
        b'.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
        + noise
        + b"</t></is></c></row>"
        + b"<row/>" * 1_048_576
        + b"</sheetData></worksheet>"
    )
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        source = zipfile.ZipFile(io.BytesIO(base_bytes))
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/media/padding.xml", b"\0" * (64 * 1024**2))
    return [
        (
            "not_a_zip.xlsx",
            "工号,姓名,部门\nE01,张伟,招商部\n".encode(),
            None,
            ["not an Excel workbook", "CSV"],
        ),
        ("truncated.xlsx", base_bytes[: len(base_bytes) // 2], None, ["damaged or truncated"]),
        ("encrypted.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4088, None, ["password"]),
        (
            "zip_bomb_declared.xlsx",
            _patch_declared_size(base_bytes, SHEET1, 0xF000_0000),
            None,
            ["inflate", "MB limit", "zip bomb"],
        ),
        ("zip_bomb_ratio.xlsx", bomb.getvalue(), None, ["xl/media/padding.xml", "zip bomb"]),
        (
            "xml_entities.xlsx",
            _replace_member(base_bytes, SHEET1, laughs),
            None,
            ["DOCTYPE", "refusing"],
        ),
        (
            "too_many_rows.xlsx",
            _replace_member(base_bytes, SHEET1, too_many_rows),
            "人员",
            ["人员", "more than 1,048,576 rows", "Excel allows at most"],
        ),
        (
            "people.csv",
            "工号,姓名\nE01,张伟\n".encode(),
            None,
            ["expected an Excel workbook", ".csv"],
        ),
    ]


def _crafted_cells(base_bytes: bytes) -> list[tuple[str, bytes, str, str, list[str]]]:
    """(file name, content, sheet, cell, words) of cells no spreadsheet program writes.

    Excel, WPS and openpyxl stop a cell's text at 32,767 characters, so the
    longer one is put into the sheet XML directly; it would otherwise end in a
    results cell that Excel cuts or refuses.
    """
    sheet = zipfile.ZipFile(io.BytesIO(base_bytes)).read(SHEET1).decode()
    cell = re.search(r'<c r="B5"[^>]*>.*?</c>', sheet)
    assert cell is not None, "B5 of 人员 is a name in BASE"
    long_name = f'<c r="B5" t="inlineStr"><is><t>{"刘芳" * 20_000}</t></is></c>'
    too_long = sheet[: cell.start()] + long_name + sheet[cell.end() :]
    return [
        (
            "text_too_long.xlsx",
            _replace_member(base_bytes, SHEET1, too_long.encode()),
            "人员",
            "B5",
            ["姓名", "40,000 characters", "32,767"],
        )
    ]


def entries(base_bytes: bytes | None = None) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """The manifest entries and the file contents, by file name (the hostile files are cut
    from ``base_bytes``, the committed base.xlsx when its sheets are unchanged)."""
    files: dict[str, bytes] = {"base.xlsx": base_bytes or xlsx_bytes(BASE)}
    manifest: list[dict[str, Any]] = []

    def entry(name: str, sheet: str | None, cell: str | None, words: list[str]) -> dict[str, Any]:
        return {
            "file": name,
            "sheet": sheet,
            "cell": cell,
            "words": words,
            "period": PERIOD,
            "rules": RULES,
        }

    for stem, fault, sheet, cell, words in CELL_FAULTS:
        sheets = base()
        fault(sheets)
        files[f"{stem}.xlsx"] = xlsx_bytes(sheets)
        manifest.append(entry(f"{stem}.xlsx", sheet, cell, words))
    for stem, fault, sheet, cell, words, rules in SERVICE_FAULTS:
        sheets = service_base()
        fault(sheets)
        files[f"{stem}.xlsx"] = xlsx_bytes(sheets)
        manifest.append({**entry(f"{stem}.xlsx", sheet, cell, words), "rules": rules})
    stem, fault, expected = MULTIPLE
    sheets = base()
    fault(sheets)
    files[f"{stem}.xlsx"] = xlsx_bytes(sheets)
    first_sheet, first_cell, first_words = expected[0]
    manifest.append(
        {
            **entry(f"{stem}.xlsx", first_sheet, first_cell, first_words),
            "all": [{"sheet": s, "cell": c, "words": w} for s, c, w in expected],
        }
    )
    for name, content, sheet, words in _hostile(files["base.xlsx"]):
        files[name] = content
        manifest.append(entry(name, sheet, None, words))
    for name, content, sheet, cell, words in _crafted_cells(files["base.xlsx"]):
        files[name] = content
        manifest.append(entry(name, sheet, cell, words))
    return manifest, files


def _same_workbook(old: bytes, new: bytes) -> bool:
    """Equal but for the time openpyxl stamps into docProps/core.xml."""
    try:
        a, b = zipfile.ZipFile(io.BytesIO(old)), zipfile.ZipFile(io.BytesIO(new))
        names = [i.filename for i in a.infolist()]
        if names != [i.filename for i in b.infolist()]:
            return False
        return all(a.read(n) == b.read(n) for n in names if n != "docProps/core.xml")
    except zipfile.BadZipFile:
        return old == new


def write_corpus(folder: Path, manifest: list[dict[str, Any]], files: dict[str, bytes]) -> None:
    """Write ``files`` and manifest.json into ``folder``: workbooks equal but for their
    timestamp are kept (no churn in git), workbooks no longer listed are removed."""
    for old in [*folder.glob("*.xlsx"), *folder.glob("*.csv")]:
        if old.name not in files:
            old.unlink()
    for name, content in files.items():
        path = folder / name
        if path.exists() and _same_workbook(path.read_bytes(), content):
            continue
        path.write_bytes(content)
    (folder / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(files)} files (unchanged ones kept) and manifest.json ({len(manifest)} faults) in {folder}")


def main(folder: Path = HERE) -> int:
    committed = folder / "base.xlsx"
    kept = committed.read_bytes() if committed.exists() else None
    write_corpus(folder, *entries(kept if kept and _same_workbook(kept, xlsx_bytes(BASE)) else None))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
