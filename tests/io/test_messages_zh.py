"""The problems of reading and checking a workbook render in Chinese from the catalogue,
keeping their values (sheet and column names, cells, codes, numbers) exactly."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from kpi.errors import Collector, InputError, Problem
from kpi.i18n import render
from kpi.io.cells import CellError, to_date, to_number
from kpi.io.checks.checker import NOT_A_DEPARTMENT, not_in
from kpi.io.names import Suggester, listing
from kpi.io.safety import container
from kpi.io.workbook import find_sheets, read_workbook
from kpi.periods import Period, PeriodError, period_in_name
from kpi.rules.schema import Rules

from .conftest import Sheets

Write = Callable[..., Path]
_LATIN_PROSE = re.compile(r"\b(?:is|the|not|did you mean|must|of|and|or)\b")


def _errors(path: Path, rules: Rules, period: Period) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        read_workbook(path, rules, period)
    return caught.value.problems


def _chinese(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text)) and not _LATIN_PROSE.search(text)


def test_a_name_for_an_id_hints_in_chinese(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    sheets["点数"][10][1] = "张伟"  # row 11: E01's name
    [error] = _errors(write(sheets), rules, period)
    assert error.message.endswith("(did you mean 工号 E01 张伟?)")
    zh = error.text(lang="zh")
    assert "“张伟”既不是 人员 中的工号，也不是 部门 中的部门（是否应为工号 E01 张伟？）" in zh
    assert error.as_dict(lang="zh")["message"].endswith("（是否应为工号 E01 张伟？）")


def test_a_shared_name_lists_the_ids_in_chinese(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    sheets["人员"][5][1] = "刘芳"
    sheets["点数"][16][1] = "刘芳"
    [error] = _errors(write(sheets), rules, period)
    assert render(error.message, "zh").endswith("（有 2 人名为 刘芳：工号 E02, E03；请填写工号）")


def test_an_unknown_code_names_its_rules_key_and_guess_in_chinese(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    code = sheets["点数"][1][2]
    sheets["点数"][1][2] = f"{code} "[:-1].lower() + "x"
    [error] = _errors(write(sheets), rules, period)
    zh = render(error.message, "zh")
    assert "不在 points.events" in zh and "（可选：" in zh and _chinese(zh), zh
    assert "points.events" in str(error.message) and "is not in points.events" in str(error.message)


def test_a_required_blank_and_a_range_in_chinese(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    sheets["人员"][2][5] = -5  # 绩效基数 below 0
    sheets["部门"][1][1] = None  # 分管领导 blank
    errors = _errors(write(sheets), rules, period)
    texts = {e.location.sheet: render(e.message, "zh") for e in errors}
    assert texts["人员"] == "绩效基数为 -5，须大于或等于 0（单位：元/考核期）"
    assert texts["部门"] == "分管领导为必填项：请填写此单元格，或删除该行"


def test_cell_errors_render_in_chinese() -> None:
    with pytest.raises(CellError) as caught:
        to_number("八千")
    assert str(caught.value) == "'八千' is not a number: write digits, e.g. 8000 or 0.35"
    assert caught.value.args[0].to("zh") == "“八千”不是数字：请填写数字，例如 8000 或 0.35"
    with pytest.raises(CellError) as caught:
        to_date("2024-02-30")
    assert caught.value.args[0].to("zh") == "“2024-02-30”不是有效日期（该月没有这一天）"


def test_member_words_and_hints_in_chinese() -> None:
    assert NOT_A_DEPARTMENT.to("zh") == "不是工作表 部门 中的部门"
    assert not_in("veto.items").to("zh").startswith("不在 veto.items（")
    hint = Suggester(["招商部", "综合保障"]).hint("招商")
    assert hint.to("zh") == "（是否应为“招商部”？）"  # type: ignore[attr-defined]
    assert Suggester(["A"]).hint("A") == ""
    many = listing([str(i) for i in range(20)])
    assert render(many, "zh").endswith("…（共 20 项）")


def test_file_level_problems_in_chinese() -> None:
    problems = Collector()
    find_sheets(["人员", "部门", "点数", "指标", "市级排名表", "市级分工", "否决"], "x.xlsx", problems)
    [missing] = problems.problems
    assert render(missing.message, "zh").startswith(
        "缺少工作表 市级排名 / city_rankings（工作簿中现有：人员, 部门"
    )
    assert "（是否应为“市级排名表”？）：请将该工作表改名为 市级排名" in render(missing.message, "zh")
    with pytest.raises(InputError) as caught:
        container("x.xlsx", "x.xlsx", b"")
    assert render(caught.value.problems[0].message, "zh") == (
        "x.xlsx 不是 Excel 工作簿（文件为空）：请在 Excel 或 WPS 中打开，并重新另存为 .xlsx"
    )


def test_period_errors_in_chinese() -> None:
    with pytest.raises(PeriodError) as caught:
        Period.parse("2024Q5")
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith("period '2024Q5' is not a quarter like 2024Q3")
    assert render(caught.value.message, "zh") == (
        "考核期 '2024Q5' 无效，应为季度（如 2024Q3、2024-Q3 或 2024年第三季度）或年度（如 2024 或 2024年度）"
    )
    with pytest.raises(PeriodError) as named:
        period_in_name("input.xlsx")
    assert render(named.value.message, "zh").startswith("文件名“input.xlsx”中没有考核期")
