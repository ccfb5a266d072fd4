"""What ``kpi annual`` refuses (exit 1, every problem located) and what it only warns about.

Refused: a file that is not a ``kpi score`` results workbook, two files of one
quarter, a quarter of another year, a whole-year period, rules without
``annual``, an edited cell, a year-end 对象 of no quarter, a quarter whose
results no longer match its input (``--inputs``). Warned: a missing quarter,
quarters scored under different rules versions.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from annual.test_hand_worked_year import RULES_TAIL, make_year
from support.annual import write_quarter
from support.worked import WORKED_QUARTER
from typer.testing import CliRunner

from kpi.cli import app


def annual(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["annual", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def year(tmp_path: Path) -> tuple[list[Path], Path, Path]:
    return make_year(tmp_path)


def run(quarters: list[Path], rules: Path, *extra: str | Path) -> tuple[int, str, str]:
    return annual(*quarters, "--rules", rules, "--year", "2024", *extra)


def test_an_input_workbook_is_not_a_results_workbook(year: tuple[list[Path], Path, Path]) -> None:
    quarters, rules, _ = year
    code, _, err = run(
        [*quarters[:3], WORKED_QUARTER / "input.xlsx"], rules, "--out", quarters[0].with_name("a.xlsx")
    )
    assert code == 1
    assert f"error: {WORKED_QUARTER / 'input.xlsx'}: not a results workbook of kpi score" in err
    assert "nothing written" in err


def test_two_files_of_one_quarter(year: tuple[list[Path], Path, Path], tmp_path: Path) -> None:
    quarters, rules, _ = year
    again = shutil.copyfile(quarters[1], tmp_path / "again.xlsx")
    code, _, err = run([*quarters, again], rules, "--out", tmp_path / "a.xlsx")
    assert code == 1
    assert (
        f"error: {again}:运行信息!B3: a second results workbook of 2024Q2 (the first is {quarters[1]}): "
        "give one file per quarter"
    ) in err


def test_a_quarter_of_another_year_and_a_whole_year(
    tmp_path: Path, year: tuple[list[Path], Path, Path]
) -> None:
    quarters, rules, _ = year
    old = write_quarter(tmp_path / "old.xlsx", "2023Q4", departments=[{"department": "甲部", "score": 90}])
    whole = write_quarter(tmp_path / "whole.xlsx", "2024", departments=[{"department": "甲部", "score": 90}])
    code, _, err = run([quarters[0], old, whole], rules, "--out", tmp_path / "a.xlsx")
    assert code == 1
    assert (
        f"error: {old}:运行信息!B3: these are the results of 2023Q4, not of a quarter of --year 2024" in err
    )
    assert f"error: {whole}:运行信息!B3: period 2024 is a whole year: kpi annual rolls up" in err
    assert "2 problems found" in err


def test_rules_without_annual(year: tuple[list[Path], Path, Path], tmp_path: Path) -> None:
    quarters, _, _ = year
    rules = WORKED_QUARTER / "rules.yaml"
    code, _, err = run(quarters, rules, "--out", tmp_path / "a.xlsx")
    assert code == 1
    assert f"error: {rules}:1: these rules have no annual section: kpi annual needs one" in err


def test_an_edited_cell_is_located(year: tuple[list[Path], Path, Path], tmp_path: Path) -> None:
    quarters, rules, _ = year
    book = openpyxl.load_workbook(quarters[2])
    book["个人得分"]["I2"] = "九十"
    book["个人得分"]["J3"] = "也许"
    book.save(quarters[2])
    code, _, err = run(quarters, rules, "--out", tmp_path / "a.xlsx")
    assert code == 1
    assert f"error: {quarters[2]}:个人得分!I2: 综合得分 '九十' is not a number" in err
    assert f"error: {quarters[2]}:个人得分!J3: 否决 '也许' is not 是 or 否" in err


def test_a_year_end_target_of_no_quarter(year: tuple[list[Path], Path, Path], tmp_path: Path) -> None:
    quarters, rules, evaluation = year
    book = openpyxl.load_workbook(evaluation)
    book["测评"].append(["E9", "领导", 80])
    book.save(evaluation)
    code, _, err = run(quarters, rules, "--evaluation", evaluation, "--out", tmp_path / "a.xlsx")
    assert code == 1
    assert (
        f"error: {evaluation}:测评!A6: 对象 'E9' is neither a 工号 nor a department in the results of" in err
    )


def test_evaluation_needs_the_rules_evaluation_section(
    year: tuple[list[Path], Path, Path], tmp_path: Path
) -> None:
    quarters, rules, evaluation = year
    text = rules.read_text(encoding="utf-8").replace(
        "evaluation:\n  groups: {领导: 1}\n  trim: 0\n  min_raters: 1\n", ""
    )
    rules.write_text(text, encoding="utf-8")
    code, _, err = run(quarters, rules, "--evaluation", evaluation, "--out", tmp_path / "a.xlsx")
    assert code == 1
    assert "these rules have no evaluation section to score it" in err


def test_a_missing_quarter_and_different_rules_are_warnings(
    tmp_path: Path, year: tuple[list[Path], Path, Path]
) -> None:
    quarters, rules, _ = year
    changed = write_quarter(
        tmp_path / "q4.xlsx",
        "2024Q4",
        individuals=[{"id": "E1", "name": "姓名E1", "department": "甲部", "score": 90}],
        departments=[{"department": "甲部", "score": 90}],
        rules=("考核办法", "2024.2"),
    )
    code, _, err = run([quarters[0], quarters[2], changed], rules, "--out", tmp_path / "a.xlsx")
    assert code == 0, err
    assert "警告：no results for 2024Q2: the year is rolled up from 2024Q1, 2024Q3, 2024Q4 only" in err
    assert (
        "警告：the quarters were scored under different rules (2024Q1, 2024Q3: 考核办法 2024.1; "
        "2024Q4: 考核办法 2024.2)"
    ) in err
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    warnings = [r[1] for r in book["运行信息"].iter_rows(values_only=True) if r[0] == "警告"]
    # A Chinese workbook records its warnings in Chinese.
    assert any("没有 2024Q2 的结果：年度只按 2024Q1, 2024Q3, 2024Q4 汇总" in w for w in warnings), warnings


def test_inputs_refuse_an_edited_quarter(tmp_path: Path) -> None:
    """--inputs verifies each quarter's results against its input as kpi verify does."""
    shutil.copyfile(WORKED_QUARTER / "input.xlsx", tmp_path / "input.xlsx")
    quarter_rules = shutil.copyfile(WORKED_QUARTER / "rules.yaml", tmp_path / "quarter.yaml")
    rules = tmp_path / "rules.yaml"
    tail = RULES_TAIL.replace("min_quarters: 2", "min_quarters: 1")  # one quarter given
    rules.write_text(quarter_rules.read_text(encoding="utf-8") + tail, encoding="utf-8")
    results = tmp_path / "q3.xlsx"
    scored = CliRunner().invoke(
        app,
        ["score", str(tmp_path / "input.xlsx"), "-r", str(quarter_rules), "-p", "2024Q3", "-o", str(results)],
    )
    assert scored.exit_code == 0, scored.output
    base: list[str | Path] = [
        results,
        "--rules",
        rules,
        "--year",
        "2024",
        "--inputs",
        tmp_path / "input.xlsx",
    ]
    code, _, err = annual(*base, "--input-rules", quarter_rules, "--out", tmp_path / "a.xlsx")
    assert code == 0, err
    book = openpyxl.load_workbook(results)
    book["个人得分"]["I2"] = 99.99
    book.save(results)
    code, _, err = annual(*base, "--input-rules", quarter_rules, "--out", tmp_path / "b.xlsx", "--force")
    assert code == 1
    assert f"error: {results}:个人得分!I2: cell holds 99.99, recomputing gives" in err
    assert not (tmp_path / "b.xlsx").exists()
