"""Plausibility: warnings at valid values that were probably not meant, and the hints of
two common slips (a 姓名 typed for a 工号, a workbook scored for the wrong period).

Every warning and hint is located at its cell; the worked quarter raises none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from kpi.errors import InputError, Problem
from kpi.io.number_formats import is_percent_format
from kpi.io.workbook import read_workbook
from kpi.periods import Period
from kpi.rules.schema import Rules

from .conftest import CORPUS, TESTS, Sheets, load_test_rules

Write = Callable[..., Path]


def _warnings(path: Path, rules: Rules, period: Period) -> list[Problem]:
    return read_workbook(path, rules, period).warnings


def _errors(path: Path, rules: Rules, period: Period) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        read_workbook(path, rules, period)
    return caught.value.problems


def _cell(problem: Problem) -> str:
    where = problem.location
    return f"{where.sheet}!{where.column}{where.row}"


def _formatted(path: Path, sheet: str, formats: dict[str, str]) -> Path:
    """Give cells of ``sheet`` a number format, as Excel's Format Cells does."""
    book = openpyxl.load_workbook(path)
    for ref, code in formats.items():
        book[sheet][ref].number_format = code
    book.save(path)
    return path


def test_the_worked_quarter_raises_no_plausibility_warning(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    assert _warnings(write(sheets), rules, period) == []


# Percents in 目标值 / 完成值 ------------------------------------------------------


def test_percent_text_in_actual_against_a_plain_target(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    sheets["指标"][2][5:7] = [95, "95%"]  # ZB02: 目标值 95, 完成值 '95%'
    [warning] = _warnings(write(sheets), rules, period)
    assert warning.kind == "warning" and _cell(warning) == "指标!G3"
    assert "完成值 '95%' is percent text, read as 0.95" in warning.message
    assert "目标值 95 is a plain number, so ρ = 0.01" in warning.message


def test_percent_formatted_target_against_a_plain_actual(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    sheets["指标"][1][5:7] = [0.9, 95]  # ZB01: 目标值 0.9 shown as 90%, 完成值 95
    path = _formatted(write(sheets), "指标", {"F2": "0%"})
    [warning] = _warnings(path, rules, period)
    assert _cell(warning) == "指标!F2"
    assert "目标值 0.9 is shown as a percent (90%) by its number format" in warning.message


def test_both_values_percents_is_no_warning(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    sheets["指标"][1][5:7] = ["90%", 0.855]
    path = _formatted(write(sheets), "指标", {"G2": "0.00%"})
    assert _warnings(path, rules, period) == []


def test_percent_in_a_scored_indicator(sheets: Sheets, write: Write, rules: Rules, period: Period) -> None:
    sheets["指标"][3][6] = "91%"  # ZB03 评分
    [warning] = _warnings(write(sheets), rules, period)
    assert _cell(warning) == "指标!G4"
    assert "评分 indicator's 完成值 is a score from 0 to 100: write 91" in warning.message


def test_text_in_a_percent_formatted_cell_is_not_a_percent(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    sheets["指标"][2][6] = "10"
    path = _formatted(write(sheets), "指标", {"G3": "0%"})
    assert _warnings(path, rules, period) == []


@pytest.mark.parametrize(
    ("code", "percent"),
    [("0%", True), ("0.00%", True), ('0.0"%"', False), ("0.0\\%", False), ("[Red]0%", True), ("0.00", False)],
)
def test_percent_formats(code: str, percent: bool) -> None:
    assert is_percent_format(code) is percent


# ρ far from 1 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "shown"),
    [(200, 17101, "85.505"), (200, 17.101, "0.085505"), (8, 0, "0")],
)
def test_ratio_outside_a_tenth_to_ten(
    sheets: Sheets, write: Write, rules: Rules, period: Period, target: int, actual: float, shown: str
) -> None:
    sheets["指标"][1][5:7] = [target, actual]
    [warning] = _warnings(write(sheets), rules, period)
    assert _cell(warning) == "指标!G2"
    assert f"gives ρ = 完成值/目标值 = {shown}, outside 0.1–10" in warning.message


def test_ratio_of_a_reverse_indicator(sheets: Sheets, write: Write, rules: Rules, period: Period) -> None:
    sheets["指标"][4][5:7] = [2, 40]  # ZB04 反向: ρ = 2/40
    [warning] = _warnings(write(sheets), rules, period)
    assert _cell(warning) == "指标!G5" and "目标值/完成值 (反向) = 0.05" in warning.message


def test_a_percent_slip_is_warned_once(sheets: Sheets, write: Write, rules: Rules, period: Period) -> None:
    sheets["指标"][1][5:7] = [95, "95%"]  # also ρ = 0.01: one warning, the percent one
    [warning] = _warnings(write(sheets), rules, period)
    assert "percent text" in warning.message


# 绩效基数 far from the department's median -------------------------------------------


def test_bonus_base_far_above_the_department_median(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    sheets["人员"][4][5] = 60000  # E02 of 招商部 (10000, 60000, 6000): median 10000
    [warning] = _warnings(write(sheets), rules, period)
    assert _cell(warning) == "人员!F5"
    assert (
        "绩效基数 60000 is 6 times the median 绩效基数 of 部门 招商部 (10000 over 3 people)"
        in warning.message
    )


def test_bonus_base_far_below_the_department_median(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    sheets["人员"][5][5] = 600  # E03 of 招商部 (10000, 6000, 600): median 6000
    [warning] = _warnings(write(sheets), rules, period)
    assert _cell(warning) == "人员!F6" and "is 1/10 of the median" in warning.message


def test_bonus_base_of_zero_and_of_leaders_is_not_compared(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    sheets["人员"][5][5] = 0  # a deliberate 0
    sheets["人员"][1][5] = 160000  # a leader: no department to compare with
    assert _warnings(write(sheets), rules, period) == []


# A 姓名 where a 工号 belongs -------------------------------------------------------------


def test_a_name_in_points_target_gets_its_id(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    sheets["点数"][10][1] = "张伟"  # row 11: E01's name
    [error] = _errors(write(sheets), rules, period)
    assert _cell(error) == "点数!B11"
    assert error.message.endswith(
        "is neither a 工号 in 人员 nor a department in 部门 (did you mean 工号 E01 张伟?)"
    )


def test_a_name_as_leader_in_charge_gets_its_id(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    sheets["部门"][1][1] = "李海涛"
    [error] = _errors(write(sheets), rules, period)
    assert _cell(error) == "部门!B2" and error.message.endswith("(did you mean 工号 L02 李海涛?)")


def test_a_name_in_veto_target_gets_its_id(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    sheets["否决"][1][0] = "杨 磊"  # spaces inside are forgiven, as in headers
    [error] = _errors(write(sheets), rules, period)
    assert _cell(error) == "否决!A2" and error.message.endswith("(did you mean 工号 E04 杨磊?)")


def test_a_shared_name_lists_the_ids(sheets: Sheets, write: Write, rules: Rules, period: Period) -> None:
    sheets["人员"][5][1] = "刘芳"  # E02 and E03 are both 刘芳 now
    sheets["点数"][16][1] = "刘芳"  # row 17
    [error] = _errors(write(sheets), rules, period)
    assert _cell(error) == "点数!B17"
    assert error.message.endswith("(2 people are named 刘芳: 工号 E02, E03; write the 工号)")


def test_a_name_as_service_handler_gets_its_id(sheets: Sheets, write: Write, period: Period) -> None:
    requests = [list(row) for row in CORPUS.SERVICE_REQUESTS]
    requests[1][2] = "周洋"  # FW001's 负责人 E06, by name
    sheets["企业诉求"] = requests
    service_rules = load_test_rules(TESTS / "bad_inputs" / "rules_service.yaml")
    [error] = _errors(write(sheets), service_rules, period)
    assert _cell(error) == "企业诉求!C2" and error.message.endswith("(did you mean 工号 E06 周洋?)")


# A workbook of another period ------------------------------------------------------


def _shifted(sheets: Sheets, months: int) -> Sheets:
    """Move every date of 点数 and 否决 ``months`` months back (the 2nd quarter for -3)."""
    for name in ("点数", "否决"):
        for row in sheets[name][1:]:
            column = 0 if name == "点数" else 2
            day: date = row[column]
            row[column] = day.replace(month=day.month + months)
    return sheets


def test_most_dates_in_another_quarter(sheets: Sheets, write: Write, rules: Rules, period: Period) -> None:
    errors = _errors(write(_shifted(sheets, -3)), rules, period)
    first = errors[0]
    assert _cell(first) == "点数!A1"  # the 日期 header, before the cells
    assert first.message == (
        "33 of the 33 dates in 点数 日期 and 否决 日期 lie outside the period 2024Q3 (2024-07-01 to "
        "2024-09-30); 33 of them lie in 2024Q2 (2024-04-01 to 2024-06-30): did you mean --period "
        "2024Q2? If this workbook is the one of 2024Q3, correct the dates listed below"
    )
    cells = [e for e in errors if "is outside the period" in e.message]
    # The first few cells of each date column, then one line with the count of the rest.
    assert [_cell(e) for e in cells[:6]] == [f"点数!A{r}" for r in range(2, 8)]
    assert "(and 26 more cells of column 日期 with the same problem below this one)" in cells[5].message
    assert len(errors) == 1 + 6 + 1


def test_most_dates_in_another_year(sheets: Sheets, write: Write, rules: Rules) -> None:
    path = write(sheets)
    [first, *_] = _errors(path, rules, Period.parse("2023"))
    assert "lie outside the period 2023" in first.message and "did you mean --period 2024?" in first.message


def test_a_few_dates_outside_are_listed_as_before(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    sheets["点数"][1][0] = date(2024, 6, 30)
    [error] = _errors(write(sheets), rules, period)
    assert _cell(error) == "点数!A2" and "is outside the period 2024Q3" in error.message
