"""``kpi template``: the blank input workbook read back with openpyxl.

Sheets, headers, frozen panes, formats, data validations (type, operator,
formula1/2, sqref, error style), the hidden list sheet for long lists, the
填表说明 rows, reproducible bytes, ``--from`` and the output refusals. The
filled-in template passing ``kpi validate`` through ``python -m kpi`` is in
``tests/e2e/test_template_cli.py``.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from support.service import SERVICE, service_rules, service_workbook
from support.template import EVALUATION, SMALL_QUARTER, evaluation_rules, fill, rows_of
from support.worked import Worked
from typer.testing import CliRunner

from kpi import api
from kpi.cli import app
from kpi.errors import InputError, OutputError, RulesError
from kpi.io.inputs import SHEET_KEYS
from kpi.io.names import COLUMN_NAMES, SHEET_NAMES
from kpi.periods import Period
from kpi.template import book as book_module
from kpi.template.book import display_width, last_row, quote_sheet
from kpi.template.spec import SHEETS

runner = CliRunner()
Q4 = Period.parse("2024Q4")
ZH_SHEETS = ["填表说明", "人员", "部门", "点数", "指标", "市级排名", "市级分工", "否决"]
DATA_KEYS = ["people", "departments", "points", "indicators", "city_rankings", "city_shares", "vetoes"]


def contract_columns(key: str) -> list[tuple[str, str]]:
    """The (zh, en) names of a sheet's columns under rules without scoring curves."""
    return [names for column, names in COLUMN_NAMES[key].items() if column != "curve"]


def template(worked: Worked, out: Path, *extra: str) -> Any:
    return runner.invoke(
        app, ["template", "--rules", str(worked.rules), "--period", "2024Q4", "--out", str(out), *extra]
    )


@pytest.fixture
def blank(worked: Worked, tmp_path: Path) -> Path:
    out = tmp_path / "2024Q4.xlsx"
    result = template(worked, out, "--lang", "zh")
    assert result.exit_code == 0, result.output
    return out


def book_of(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def ws_of(book: openpyxl.Workbook, title: str) -> Worksheet:
    ws = book[title]
    assert isinstance(ws, Worksheet)
    return ws


def validations(ws: Worksheet) -> dict[str, Any]:
    """sqref → the DataValidation over it."""
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


# Sheets, headers, layout ---------------------------------------------------------------


def test_sheets_in_contract_order_with_instructions_first(blank: Path) -> None:
    book = book_of(blank)
    assert book.sheetnames == ZH_SHEETS
    assert book.active is not None and book.active.title == "填表说明"
    assert all(ws_of(book, t).sheet_state == "visible" for t in ZH_SHEETS)


def test_headers_are_the_contract_columns(blank: Path) -> None:
    book = book_of(blank)
    for key in DATA_KEYS:
        ws = ws_of(book, SHEET_NAMES[key][0])
        assert [c.value for c in ws[1]] == [names[0] for names in contract_columns(key)], key
        assert ws.max_row == 1, f"{key}: a blank template has no data rows"


def test_headers_frozen_formats_and_widths(blank: Path) -> None:
    book = book_of(blank)
    for key in DATA_KEYS:
        ws = ws_of(book, SHEET_NAMES[key][0])
        assert ws.freeze_panes == "A2", key
        for cell in ws[1]:
            assert cell.font.b, (key, cell.value)
            width = ws.column_dimensions[cell.column_letter].width
            assert width >= display_width(str(cell.value)) + 2, (key, cell.value, width)
    people = ws_of(book, "人员")
    assert people.column_dimensions["A"].number_format == "@"  # 工号 001 stays text
    assert people.column_dimensions["F"].number_format == "General"
    points = ws_of(book, "点数")
    assert points.column_dimensions["A"].number_format == "yyyy-mm-dd"
    indicators = ws_of(book, "指标")
    assert indicators.column_dimensions["I"].number_format == "yyyy-mm-dd"
    assert indicators.column_dimensions["B"].width >= display_width("招商引资到位资金")  # the example fits
    assert ws_of(book, "市级排名").column_dimensions["C"].number_format == "0"


def test_display_width_and_sheet_quoting() -> None:
    assert display_width("工号") == 4 and display_width("id") == 2 and display_width("ＩＤ") == 4
    assert quote_sheet("部门") == "部门" and quote_sheet("city_rankings") == "city_rankings"
    assert quote_sheet("my sheet") == "'my sheet'" and quote_sheet("A1") == "'A1'"
    assert quote_sheet("O'Brien") == "'O''Brien'"
    assert [last_row(n) for n in (0, 499, 500, 1499, 1500)] == [1000, 1000, 2000, 2000, 3000]


# Data validation -------------------------------------------------------------------------

#: sheet → sqref → (type, operator, formula1, formula2, error style); every other column has none.
EXPECTED: dict[str, dict[str, tuple[str, str | None, str, str | None, str]]] = {
    "人员": {
        "C2:C1000": ("list", None, "部门!$A$2:$A$1000", None, "stop"),
        "D2:D1000": ("list", None, '"招商,企业服务,综合保障"', None, "stop"),
        "E2:E1000": ("list", None, '"党工委书记,管委会主任,管委会副主任,部长,副部长,职员"', None, "stop"),
        "F2:F1000": ("decimal", "greaterThanOrEqual", "0", None, "stop"),
        "G2:G1000": ("decimal", "between", "0", "3", "stop"),
    },
    "部门": {"B2:B1000": ("list", None, "人员!$A$2:$A$1000", None, "stop")},
    "点数": {
        "A2:A1000": ("date", "between", "45566", "45657", "stop"),  # 2024-10-01 .. 2024-12-31
        "B2:B1000": ("list", None, "人员!$A$2:$A$1000", None, "warning"),  # or a department
        "C2:C1000": ("list", None, '"A01,A02,B01,B02"', None, "stop"),
    },
    "指标": {
        "C2:C1000": ("list", None, '"国家,省,市"', None, "stop"),
        "D2:D1000": ("list", None, "部门!$A$2:$A$1000", None, "stop"),
        "E2:E1000": ("list", None, '"正向,反向,评分"', None, "stop"),
        "F2:F1000": ("decimal", "greaterThan", "0", None, "stop"),
        "G2:G1000": ("decimal", "greaterThanOrEqual", "0", None, "stop"),
        "H2:H1000": ("decimal", "greaterThan", "0", None, "stop"),
    },
    "市级排名": {
        "B2:B1000": ("decimal", "greaterThan", "0", None, "stop"),
        "C2:C1000": ("whole", "greaterThanOrEqual", "1", None, "stop"),
        "D2:D1000": ("whole", "greaterThanOrEqual", "2", None, "stop"),
    },
    "市级分工": {
        "A2:A1000": ("list", None, "市级排名!$A$2:$A$1000", None, "stop"),
        "B2:B1000": ("list", None, "部门!$A$2:$A$1000", None, "stop"),
        "C2:C1000": ("custom", None, "AND(ISNUMBER(C2),C2>0,C2<=1)", None, "stop"),
    },
    "否决": {
        "A2:A1000": ("list", None, "人员!$A$2:$A$1000", None, "warning"),
        "B2:B1000": ("list", None, '"全面从严治党,安全生产"', None, "stop"),
        "C2:C1000": ("date", "between", "45566", "45657", "stop"),
    },
}


@pytest.mark.parametrize("title", list(EXPECTED))
def test_validations(blank: Path, title: str) -> None:
    found = validations(ws_of(book_of(blank), title))
    got = {
        sqref: (dv.type, dv.operator, dv.formula1, dv.formula2, dv.errorStyle) for sqref, dv in found.items()
    }
    assert got == EXPECTED[title]
    for dv in found.values():
        assert dv.allow_blank and dv.showErrorMessage and dv.showInputMessage
        assert dv.prompt and len(dv.prompt) <= 255 and dv.error and len(dv.error) <= 225


def test_event_codes_prompt_shows_their_names(blank: Path) -> None:
    dv = validations(ws_of(book_of(blank), "点数"))["C2:C1000"]
    assert "A01 重大活动表现突出" in dv.prompt and "B02 工作作风问题" in dv.prompt


def test_yearly_period_and_months(worked: Worked, tmp_path: Path) -> None:
    out = tmp_path / "2025.xlsx"
    result = runner.invoke(
        app, ["template", "--rules", str(worked.rules), "--period", "2025", "--out", str(out), "--lang", "zh"]
    )
    assert result.exit_code == 0, result.output
    book = book_of(out)
    dates = validations(ws_of(book, "点数"))["A2:A1000"]
    assert (dates.formula1, dates.formula2) == ("45658", "46022")  # 2025-01-01 .. 2025-12-31
    assert validations(ws_of(book, "人员"))["G2:G1000"].formula2 == "12"


def long_events(worked: Worked, count: int = 70) -> Path:
    """70 more codes: "A01,…,X70" is 295 characters, beyond Excel's 255 for an inline list."""
    lines = "\n".join(
        f"    X{i:02d}: {{name: 第{i}项重大专项工作表现突出, points: 1}}" for i in range(1, count + 1)
    )
    return worked.rules_variant(
        "    B02: {name: 工作作风问题, points: -2, max_per_period: 6}\n",
        "    B02: {name: 工作作风问题, points: -2, max_per_period: 6}\n" + lines + "\n",
    )


def test_a_long_list_goes_to_a_hidden_sheet_with_a_named_range(worked: Worked, tmp_path: Path) -> None:
    rules = long_events(worked)
    out = tmp_path / "long.xlsx"
    api.write_template(rules, Q4, out)
    book = book_of(out)
    assert book.sheetnames == [*ZH_SHEETS, "_lists"]
    lists = ws_of(book, "_lists")
    assert lists.sheet_state == "hidden"
    dv = validations(ws_of(book, "点数"))["C2:C1000"]
    assert (dv.type, dv.formula1) == ("list", "kpi_points_code")
    assert book.defined_names["kpi_points_code"].attr_text == "_lists!$A$2:$A$75"
    codes = [lists.cell(row=r, column=1).value for r in range(2, 76)]
    assert codes[:4] == ["A01", "A02", "B01", "B02"] and codes[-1] == "X70"
    # The short lists stay inline.
    assert validations(ws_of(book, "否决"))["B2:B1000"].formula1 == '"全面从严治党,安全生产"'
    # The list sheet does not bother the reader.
    fill(out, SMALL_QUARTER)
    assert len(api.load(out, rules, Q4)[0].people) == 4


def test_a_value_with_a_comma_is_never_inline(worked: Worked, tmp_path: Path) -> None:
    rules = worked.rules_variant("items: [全面从严治党, 安全生产]", 'items: [全面从严治党, "安全生产,消防"]')
    out = tmp_path / "comma.xlsx"
    api.write_template(rules, Q4, out)
    book = book_of(out)
    assert validations(ws_of(book, "否决"))["B2:B1000"].formula1 == "kpi_vetoes_item"
    assert ws_of(book, "_lists")["A3"].value == "安全生产,消防"


def test_without_role_coefficients_other_roles_only_warn(worked: Worked, tmp_path: Path) -> None:
    rules = worked.rules_variant("  role: {部长: 1.5, 副部长: 1.3, 职员: 1.0}\n", "")
    out = tmp_path / "roles.xlsx"
    api.write_template(rules, Q4, out)
    dv = validations(ws_of(book_of(out), "人员"))["E2:E1000"]
    assert dv.formula1 == '"党工委书记,管委会主任,管委会副主任,部长"' and dv.errorStyle == "warning"


def test_service_requests_sheet_when_the_rules_have_a_service_section(tmp_path: Path) -> None:
    rules = service_rules(tmp_path / "service.yaml")
    out = tmp_path / "service.xlsx"
    api.write_template(rules, Q4, out)
    book = book_of(out)
    assert book.sheetnames == [*ZH_SHEETS, "企业诉求"]
    ws = ws_of(book, "企业诉求")
    assert [c.value for c in ws[1]] == ["编号", "企业", "负责人", "类别", "受理日期", "回应日期", "办结日期"]
    assert ws.freeze_panes == "A2"
    got = {sqref: (dv.type, dv.formula1, dv.errorStyle) for sqref, dv in validations(ws).items()}
    # Request dates may lie outside the period: formatted as dates, not limited.
    assert got == {
        "C2:C1000": ("list", "人员!$A$2:$A$1000", "stop"),
        "D2:D1000": ("list", '"一般,特殊"', "stop"),
    }
    assert [ws.column_dimensions[c].number_format for c in "EFG"] == ["yyyy-mm-dd"] * 3
    rows = instruction_rows(out)
    table = table_after(rows, ("工作表", "列", "必填", "类型", "可选值或范围", "示例", "说明"))
    by_column = {(r[0], r[1]): r for r in table}
    assert by_column[("企业诉求", "类别")][2:6] == (
        "是",
        "文本",
        "一般 5 个工作日办结、特殊 10 个工作日办结（规则 service.resolve_days）",
        "一般",
    )
    assert by_column[("企业诉求", "办结日期")][2:5] == ("否", "日期", None)
    assert ("企业诉求", "否") in [r[:2] for r in table_after(rows, ("工作表", "必需", "说明"))]
    # The service codes are in the event table too.
    assert ("S03", "诉求按时办结", "0.5", "—") in table_after(rows, ("代码", "名称", "默认点数", "每期上限"))


def test_evaluations_sheet_and_curve_column_when_the_rules_have_them(worked: Worked, tmp_path: Path) -> None:
    out = tmp_path / "eval.xlsx"
    api.write_template(evaluation_rules(worked), Q4, out)
    book = book_of(out)
    assert book.sheetnames == [*ZH_SHEETS, "测评"]
    indicators = ws_of(book, "指标")
    assert indicators["K1"].value == "计分曲线"
    curve = validations(indicators)["K2:K1000"]
    assert (curve.type, curve.formula1, curve.errorStyle) == ("list", '"增长型,达标型"', "stop")
    ws = ws_of(book, "测评")
    assert [c.value for c in ws[1]] == ["对象", "评价方", "评价人", "分数", "等次"]
    got = {
        sqref: (dv.type, dv.operator, dv.formula1, dv.formula2, dv.errorStyle)
        for sqref, dv in validations(ws).items()
    }
    assert got == {
        "A2:A1000": ("list", None, "人员!$A$2:$A$1000", None, "warning"),
        "B2:B1000": ("list", None, '"领导,群众"', None, "stop"),
        "D2:D1000": ("decimal", "between", "0", "100", "stop"),
        "E2:E1000": ("list", None, '"优秀,称职,基本称职,不称职"', None, "stop"),
    }
    table = table_after(
        instruction_rows(out), ("工作表", "列", "必填", "类型", "可选值或范围", "示例", "说明")
    )
    by_column = {(r[0], r[1]): r for r in table}
    assert by_column[("测评", "分数")][2:5] == ("分数和等次填且只填一项", "数字", "0 至 100")
    assert (
        by_column[("测评", "等次")][4]
        == "优秀 100 分、称职 85 分、基本称职 70 分、不称职 50 分（规则 evaluation.votes）"
    )
    assert by_column[("测评", "评价方")][4] == "领导 权重 0.4、群众 权重 0.6（规则 evaluation.groups）"
    assert by_column[("指标", "计分曲线")][2:6] == (
        "否",
        "文本",
        "增长型、达标型（规则 indicators.curves）",
        "增长型",
    )


def test_without_votes_every_evaluation_has_a_score(worked: Worked, tmp_path: Path) -> None:
    rules = evaluation_rules(
        worked, EVALUATION.replace("  votes: {优秀: 100, 称职: 85, 基本称职: 70, 不称职: 50}\n", "")
    )
    out = tmp_path / "scores.xlsx"
    api.write_template(rules, Q4, out)
    ws = ws_of(book_of(out), "测评")
    assert [c.value for c in ws[1]] == ["对象", "评价方", "评价人", "分数"]
    table = table_after(
        instruction_rows(out), ("工作表", "列", "必填", "类型", "可选值或范围", "示例", "说明")
    )
    assert [r[2] for r in table if r[0] == "测评"] == ["是", "是", "否", "是"]


def test_from_carries_the_curve_column(worked: Worked, tmp_path: Path) -> None:
    previous = tmp_path / "2024Q3.xlsx"
    book = openpyxl.load_workbook(worked.input)
    indicators = ws_of(book, "指标")
    indicators["K1"] = "计分曲线"
    indicators["K2"] = "增长型"
    book.save(previous)
    out = tmp_path / "2024Q4.xlsx"
    api.write_template(evaluation_rules(worked), Q4, out, previous=previous)
    assert [row["curve"] for row in rows_of(out, "indicators")] == ["增长型", None, None, None]
    assert rows_of(out, "evaluations") == []
    # Rules without curves: the column is not in the template, and not carried.
    plain = tmp_path / "plain.xlsx"
    api.write_template(worked.rules, Q4, plain, previous=previous)
    assert "curve" not in rows_of(plain, "indicators")[0]


def test_the_template_covers_the_whole_contract() -> None:
    """Every sheet and column the reader knows is in the template's table, in reader order
    (a sheet or column added to kpi.io.names must be added to kpi.template.spec too)."""
    assert [spec.key for spec in SHEETS] == list(SHEET_KEYS)
    for spec in SHEETS:
        keys = list(dict.fromkeys(column.key for column in spec.columns))
        assert keys == list(COLUMN_NAMES[spec.key]), spec.key


# 填表说明 ------------------------------------------------------------------------------------


def instruction_rows(path: Path, title: str = "填表说明") -> list[tuple[Any, ...]]:
    return list(ws_of(book_of(path), title).iter_rows(values_only=True))


def table_after(rows: list[tuple[Any, ...]], header: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """The rows below ``header`` up to the next blank row."""
    start = next(i for i, row in enumerate(rows) if row[: len(header)] == header) + 1
    table = []
    for row in rows[start:]:
        if row[0] is None:
            break
        table.append(row[: len(header)])
    return table


def test_instructions_describe_every_column(blank: Path) -> None:
    rows = instruction_rows(blank)
    assert rows[0][0] == "2024Q4 KPI 考核输入表 · 填表说明"
    assert "2024-10-01 至 2024-12-31（3 个月）" in rows[1][0]
    sheets = table_after(rows, ("工作表", "必需", "说明"))
    assert [r[:2] for r in sheets] == [
        ("人员", "是"),
        ("部门", "是"),
        ("点数", "否"),
        ("指标", "是"),
        ("市级排名", "是"),
        ("市级分工", "是"),
        ("否决", "否"),
    ]
    table = table_after(rows, ("工作表", "列", "必填", "类型", "可选值或范围", "示例", "说明"))
    assert [(r[0], r[1]) for r in table] == [
        (SHEET_NAMES[key][0], names[0]) for key in DATA_KEYS for names in contract_columns(key)
    ]
    by_column = {(r[0], r[1]): r for r in table}
    assert by_column[("人员", "工号")][2:4] == ("是", "文本")
    assert by_column[("人员", "部门")][2:5] == ("员工必填；领导可空", "文本", "部门表的部门")
    assert by_column[("人员", "岗位类别")][4] == "招商、企业服务、综合保障（规则 coefficients.post_category）"
    assert by_column[("人员", "在岗月数")][2:6] == ("否", "数字", "0 至 3；空白表示整个期间", "3")
    assert by_column[("点数", "日期")][2:6] == (
        "是",
        "日期",
        "2024-10-01 至 2024-12-31（2024Q4）",
        "2024-10-01",
    )
    assert by_column[("点数", "对象")][4] == "人员表的工号，或部门表的部门"
    assert by_column[("点数", "事项")][4].startswith("A01 重大活动表现突出、A02 招商签约落地")
    assert by_column[("指标", "目标值")][2:5] == ("正向、反向指标必填；评分指标可空", "数字", "> 0")
    assert by_column[("指标", "截止日期")][2:5] == ("否", "日期", None)
    assert by_column[("市级排名", "排名")][3:5] == ("整数", "≥ 1 的整数")
    assert by_column[("否决", "事项")][4] == "全面从严治党、安全生产（规则 veto.items）"


def test_instructions_list_event_codes_with_names(blank: Path) -> None:
    rows = instruction_rows(blank)
    assert table_after(rows, ("代码", "名称", "默认点数", "每期上限")) == [
        ("A01", "重大活动表现突出", "2", "6"),
        ("A02", "招商签约落地", "3", "—"),
        ("B01", "督查事项逾期", "-1", "—"),
        ("B02", "工作作风问题", "-2", "6"),
    ]


# Output: reproducible, refusals ------------------------------------------------------------


def test_same_rules_and_period_give_the_same_bytes(worked: Worked, tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    api.write_template(worked.rules, Q4, first, previous=worked.input)
    api.write_template(worked.rules, Q4, second, previous=worked.input)
    assert first.read_bytes() == second.read_bytes()
    props = book_of(first).properties
    assert props.created == datetime(2024, 10, 1) and props.modified == datetime(2024, 10, 1)
    assert props.creator == "kpi"


def test_refuses_to_overwrite_without_force(worked: Worked, tmp_path: Path) -> None:
    out = tmp_path / "2024Q4.xlsx"
    out.write_bytes(b"someone's half-filled template")
    result = template(worked, out)
    assert result.exit_code == 1
    assert f"error: {out}: already exists: add --force" in result.output
    assert out.read_bytes() == b"someone's half-filled template"
    assert template(worked, out, "--force", "--lang", "zh").exit_code == 0
    assert book_of(out).sheetnames == ZH_SHEETS


def test_a_file_that_appears_during_the_run_is_left_alone(
    worked: Worked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "2024Q4.xlsx"
    real = book_module.write_book

    def racing(book: Any, path: Path, created: datetime, title: str) -> None:
        real(book, path, created, title)
        out.write_bytes(b"written by someone else meanwhile")

    monkeypatch.setattr(book_module, "write_book", racing)
    with pytest.raises(OutputError, match="appeared while kpi was running"):
        api.write_template(worked.rules, Q4, out)
    assert out.read_bytes() == b"written by someone else meanwhile"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_never_over_the_previous_input_or_the_rules(worked: Worked) -> None:
    before = worked.input.read_bytes()
    result = template(worked, worked.input, "--from", str(worked.input), "--force")
    assert result.exit_code == 1 and "refusing" in result.output
    assert worked.input.read_bytes() == before
    rules_as_xlsx = worked.rules.with_name("rules.xlsx")
    shutil.copyfile(worked.rules, rules_as_xlsx)
    with pytest.raises(OutputError, match="refusing"):
        api.write_template(rules_as_xlsx, Q4, rules_as_xlsx, force=True)


def test_rules_not_yet_in_force_are_refused(worked: Worked, tmp_path: Path) -> None:
    rules = worked.rules_variant("base_score: 100", "effective_from: 2025-01-01\nbase_score: 100")
    with pytest.raises(RulesError, match="take effect on 2025-01-01"):
        api.write_template(rules, Q4, tmp_path / "t.xlsx")
    assert not (tmp_path / "t.xlsx").exists()


def test_a_year_the_statutory_table_does_not_know_is_refused(tmp_path: Path) -> None:
    rules = service_rules(tmp_path / "statutory.yaml", SERVICE.replace("statutory: false", "statutory: true"))
    with pytest.raises(RulesError, match="statutory holiday table"):
        api.write_template(rules, Period.parse("2031Q1"), tmp_path / "t.xlsx")
    assert not (tmp_path / "t.xlsx").exists()


def test_usage_errors_exit_2(worked: Worked, tmp_path: Path) -> None:
    assert template(worked, tmp_path / "t.xlsx", "--lang", "fr").exit_code == 2
    result = runner.invoke(app, ["template", "--rules", str(worked.rules), "--out", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 2


# --lang en ------------------------------------------------------------------------------------


def test_english_names(worked: Worked, tmp_path: Path) -> None:
    out = tmp_path / "en.xlsx"
    result = template(worked, out, "--lang", "en")
    assert result.exit_code == 0, result.output
    book = book_of(out)
    assert book.sheetnames == ["instructions", *(SHEET_NAMES[k][1] for k in DATA_KEYS)]
    for key in DATA_KEYS:
        ws = ws_of(book, SHEET_NAMES[key][1])
        assert [c.value for c in ws[1]] == [names[1] for names in contract_columns(key)]
    people = validations(ws_of(book, "people"))
    assert people["C2:C1000"].formula1 == "departments!$A$2:$A$1000"
    shares = validations(ws_of(book, "city_shares"))
    assert shares["A2:A1000"].formula1 == "city_rankings!$A$2:$A$1000"
    rows = instruction_rows(out, "instructions")
    assert rows[0][0] == "KPI input workbook for 2024Q4: instructions"
    table = table_after(rows, ("sheet", "column", "required", "type", "allowed values", "example", "note"))
    assert table[2][:4] == ("people", "department", "staff rows; a leader may leave it blank", "text")


# --from ---------------------------------------------------------------------------------------


def test_from_carries_the_standing_data_and_clears_the_period_values(worked: Worked, tmp_path: Path) -> None:
    out = tmp_path / "2024Q4.xlsx"
    result = template(worked, out, "--from", str(worked.input), "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert f"从 {worked.input} 沿用：人员 8, 部门 3, 指标 4, 市级排名 3, 市级分工 4 行" in result.output
    previous = {key: rows_of(worked.input, key) for key in DATA_KEYS}
    carried = {key: rows_of(out, key) for key in DATA_KEYS}
    assert carried["people"] == [{**row, "months": None} for row in previous["people"]]
    assert carried["departments"] == previous["departments"]
    assert carried["indicators"] == [
        {**row, "actual": None, "completed_on": None} for row in previous["indicators"]
    ]
    assert carried["indicators"][0]["deadline"] == datetime(2024, 9, 30)
    assert carried["city_rankings"] == [{**row, "rank": None} for row in previous["city_rankings"]]
    assert carried["city_shares"] == previous["city_shares"]
    assert carried["points"] == [] and carried["vetoes"] == []
    # The carried cells keep the column's format; the validations reach past them.
    people = ws_of(book_of(out), "人员")
    assert people["A2"].number_format == "@" and people["A2"].data_type == "s"
    assert "C2:C1000" in validations(people)


def test_from_carries_the_requests_still_due(tmp_path: Path) -> None:
    """Of last quarter's 企业诉求, --from keeps a request when one of its deadlines lies
    on or after the new quarter's first day (2024-10-01): it is checked there.

    The calendar of SERVICE: respond 1 working day, settle 一般 5 / 特殊 10; holidays
    10-01..10-04 and 10-07, Sunday 09-29 a working day. Worked by hand:
    SQ1 一般 recv Mon 09-02: r = 09-03, c = 09-09 → both in Q3: dropped.
    SQ2 一般 recv Fri 09-27: r = Sun 09-29; c: 09-29, 09-30, (10-01..07 off), 10-08,
        10-09, 10-10 → c = 10-10 in Q4: kept, though not settled.
    SQ3 特殊 recv Fri 09-20, settled 09-25: c: 23 24 25 26 27 29 30, 10-08 10-09 10-10
        → 10-10: kept (its on-time settlement counts in Q4).
    SQ4 一般 recv Mon 09-23, nothing done: c: 24 25 26 27 29 → 09-29: dropped (late in Q3).
    SQ5 一般 recv Tue 09-24: c: 25 26 27 29 30 → 09-30, the last day of Q3: dropped.
    SQ6 一般 recv Wed 09-25: c: 26 27 29 30, 10-08 → kept.
    SQ7 a 受理日期 that is not a date: its deadlines cannot be worked out: kept, with
        the warning that it is carried over as written.
    """
    from datetime import date

    requests: list[list[Any]] = [
        ["SQ1", "甲公司", "E03", "一般", date(2024, 9, 2), date(2024, 9, 2), date(2024, 9, 5)],
        ["SQ2", "乙公司", "E03", "一般", date(2024, 9, 27), date(2024, 9, 27), None],
        ["SQ3", "丙公司", "E04", "特殊", date(2024, 9, 20), date(2024, 9, 20), date(2024, 9, 25)],
        ["SQ4", "丁公司", "E04", "一般", date(2024, 9, 23), None, None],
        ["SQ5", "戊公司", "E05", "一般", date(2024, 9, 24), date(2024, 9, 24), None],
        ["SQ6", "己公司", "E05", "一般", date(2024, 9, 25), None, None],
        ["SQ7", "庚公司", "E05", "一般", "上周五", None, None],
    ]
    previous = service_workbook(tmp_path / "2024Q3.xlsx", requests)
    rules = service_rules(tmp_path / "service.yaml")
    out = tmp_path / "2024Q4.xlsx"
    made = api.write_template(rules, Q4, out, previous=previous)
    carried = rows_of(out, "service_requests")
    assert [r["id"] for r in carried] == ["SQ2", "SQ3", "SQ6", "SQ7"]
    assert carried[1] == {
        "id": "SQ3",
        "company": "丙公司",
        "handler": "E04",
        "kind": "特殊",
        "received": datetime(2024, 9, 20),
        "responded": datetime(2024, 9, 20),
        "resolved": datetime(2024, 9, 25),
    }
    assert made.carried_rows()["企业诉求"] == 4
    assert any(p.location.sheet == "企业诉求" and "上周五" in p.text(with_file=False) for p in made.warnings)
    lines = [row[0] for row in instruction_rows(out)]
    assert "企业诉求只带入回应或办结时限在 2024-10-01 或之后的诉求：其余诉求已在其所属考核期检查。" in lines


def test_from_warns_about_what_to_look_at(worked: Worked) -> None:
    template_ = api.write_template(worked.rules, Q4, worked.input.with_name("t.xlsx"), previous=worked.input)
    lines = [p.text(with_file=False) for p in template_.warnings]
    assert lines == [
        "人员!G6: 在岗月数 2 not carried over: blank means on post for the whole of 2024Q4; "
        "fill it in on the new sheet if this person is not",
        "人员!G9: 在岗月数 0 not carried over: blank means on post for the whole of 2024Q4; "
        "fill it in on the new sheet if this person is not",
        "指标!I2: 截止日期 2024-09-30 is before 2024Q4 starts (2024-10-01): carried over, but an "
        "indicator completed after it is scored as late; check it",
        "指标!I3: 截止日期 2024-08-31 is before 2024Q4 starts (2024-10-01): carried over, but an "
        "indicator completed after it is scored as late; check it",
        "指标!I5: 截止日期 2024-09-30 is before 2024Q4 starts (2024-10-01): carried over, but an "
        "indicator completed after it is scored as late; check it",
    ]


def english_copy(source: Path, out: Path) -> None:
    """The workbook with English sheet and column names, a title row above 人员's header,
    and a helper column the reader ignores."""
    book = openpyxl.load_workbook(source)
    for key in DATA_KEYS:
        ws = ws_of(book, SHEET_NAMES[key][0])
        ws.title = SHEET_NAMES[key][1]
        zh_to_en = dict(COLUMN_NAMES[key].values())
        for cell in ws[1]:
            cell.value = zh_to_en[str(cell.value)]
    people = ws_of(book, "people")
    people["H1"] = "备注"
    people["H2"] = "新入职"
    people.insert_rows(1)
    people["A1"] = "2024年第三季度人员名册"
    book.save(out)


def test_from_reads_english_names_and_title_rows(worked: Worked, tmp_path: Path) -> None:
    previous = tmp_path / "2024Q3-en.xlsx"
    english_copy(worked.input, previous)
    out = tmp_path / "2024Q4.xlsx"
    made = api.write_template(worked.rules, Q4, out, previous=previous)
    assert made.carried_rows() == {"人员": 8, "部门": 3, "指标": 4, "市级排名": 3, "市级分工": 4}
    assert rows_of(out, "people")[0] == {
        "id": "L01",
        "name": "王建国",
        "department": None,
        "post_category": None,
        "role": "管委会主任",
        "bonus_base": 16000,
        "months": None,
    }


def test_from_is_lenient_with_cells_and_strict_with_structure(worked: Worked, tmp_path: Path) -> None:
    previous = tmp_path / "2024Q3.xlsx"
    book = openpyxl.load_workbook(worked.input)
    people = ws_of(book, "人员")
    people["F4"] = "一万"  # not a number: carried over as written
    people["B5"] = "=张三"  # text that looks like a formula stays text
    people["B5"].data_type = "s"
    ws_of(book, "点数")["A2"] = "not a date"  # a sheet that is not carried is not read
    book.save(previous)
    out = tmp_path / "2024Q4.xlsx"
    made = api.write_template(worked.rules, Q4, out, previous=previous)
    assert made.warnings[0].text(with_file=False) == (
        "人员!F4: 绩效基数 '一万' is not a number: write digits, e.g. 8000 or 0.35: carried over as written"
    )
    people_rows = rows_of(out, "people")
    assert people_rows[2]["bonus_base"] == "一万" and people_rows[3]["name"] == "=张三"
    assert ws_of(book_of(out), "人员")["B5"].data_type == "s"

    del book["市级分工"]
    ws_of(book, "人员")["B1"].value = None  # no header 姓名
    book.save(previous)
    with pytest.raises(InputError) as raised:
        api.write_template(worked.rules, Q4, tmp_path / "again.xlsx", previous=previous)
    messages = [p.text(with_file=False) for p in raised.value.problems]
    assert any(m.startswith("missing sheet 市级分工 / city_shares") for m in messages), messages
    assert any("missing column 姓名 / name" in m for m in messages), messages
    assert not (tmp_path / "again.xlsx").exists()


def test_from_an_unreadable_file_is_a_located_error(worked: Worked, tmp_path: Path) -> None:
    previous = tmp_path / "2024Q3.xlsx"
    previous.write_bytes(b"not a workbook")
    result = template(worked, tmp_path / "t.xlsx", "--from", str(previous))
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {previous}:")
