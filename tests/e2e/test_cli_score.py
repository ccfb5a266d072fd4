"""CLI behaviour of ``kpi score`` / ``kpi validate`` through the real entry point.

Exit codes (contract): 0 ok, 1 input or rules errors, 2 usage errors. Every run
works on copies of the worked quarter in a temporary directory, so the shared
example files can never be touched.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from .helpers import output_text, run_kpi

PERIOD = "2024Q3"
NOT_A_WORKBOOK = b"an existing file that kpi must not overwrite\n"


@pytest.fixture
def files(tmp_path: Path, worked_quarter: Path) -> tuple[Path, Path]:
    """Copies of the worked quarter's input and rules."""
    input_path = tmp_path / "input.xlsx"
    rules_path = tmp_path / "rules.yaml"
    shutil.copyfile(worked_quarter / "input.xlsx", input_path)
    shutil.copyfile(worked_quarter / "rules.yaml", rules_path)
    return input_path, rules_path


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout


def test_score_writes_the_results_workbook(files: tuple[Path, Path], tmp_path: Path) -> None:
    input_path, rules_path = files
    out = tmp_path / "results.xlsx"
    result = run_kpi("score", input_path, "--rules", rules_path, "--period", PERIOD, "--out", out)
    assert result.returncode == 0, output_text(result)
    assert out.is_file()
    wb = openpyxl.load_workbook(out)
    assert "个人得分" in wb.sheetnames
    wb.close()


def test_score_refuses_to_overwrite_without_force(files: tuple[Path, Path], tmp_path: Path) -> None:
    input_path, rules_path = files
    out = tmp_path / "results.xlsx"
    out.write_bytes(NOT_A_WORKBOOK)
    result = run_kpi("score", input_path, "--rules", rules_path, "--period", PERIOD, "--out", out)
    assert result.returncode != 0
    assert out.read_bytes() == NOT_A_WORKBOOK
    assert "--force" in output_text(result)
    assert_no_traceback(result)


def test_score_overwrites_with_force(files: tuple[Path, Path], tmp_path: Path) -> None:
    input_path, rules_path = files
    out = tmp_path / "results.xlsx"
    out.write_bytes(NOT_A_WORKBOOK)
    result = run_kpi("score", input_path, "--rules", rules_path, "--period", PERIOD, "--out", out, "--force")
    assert result.returncode == 0, output_text(result)
    assert out.read_bytes() != NOT_A_WORKBOOK
    wb = openpyxl.load_workbook(out)  # a real workbook now
    assert "个人得分" in wb.sheetnames
    wb.close()


@pytest.mark.parametrize("spelling", ["same", "relative"])
def test_score_refuses_out_equal_to_input_even_with_force(
    files: tuple[Path, Path], tmp_path: Path, spelling: str
) -> None:
    input_path, rules_path = files
    before = input_path.read_bytes()
    # The same file, spelled as given or relative to the working directory.
    out = str(input_path) if spelling == "same" else f"./{input_path.name}"
    result = run_kpi(
        "score",
        input_path,
        "--rules",
        rules_path,
        "--period",
        PERIOD,
        "--out",
        out,
        "--force",
        cwd=tmp_path,
    )
    assert result.returncode != 0, output_text(result)
    assert input_path.read_bytes() == before
    assert_no_traceback(result)


def test_score_without_rules_is_a_usage_error(files: tuple[Path, Path], tmp_path: Path) -> None:
    input_path, _ = files
    out = tmp_path / "results.xlsx"
    result = run_kpi("score", input_path, "--period", PERIOD, "--out", out)
    assert result.returncode == 2, output_text(result)
    assert not out.exists()
    assert_no_traceback(result)


def test_score_with_a_bad_period_is_a_usage_error(files: tuple[Path, Path], tmp_path: Path) -> None:
    input_path, rules_path = files
    out = tmp_path / "results.xlsx"
    result = run_kpi("score", input_path, "--rules", rules_path, "--period", "2024Q5", "--out", out)
    assert result.returncode == 2, output_text(result)
    text = output_text(result)
    assert "2024Q5" in text or "period" in text.lower(), text
    assert not out.exists()
    assert_no_traceback(result)


def test_score_with_a_missing_input_is_an_input_error(files: tuple[Path, Path], tmp_path: Path) -> None:
    _, rules_path = files
    out = tmp_path / "results.xlsx"
    missing = tmp_path / "no-such-input.xlsx"
    result = run_kpi("score", missing, "--rules", rules_path, "--period", PERIOD, "--out", out)
    assert result.returncode == 1, output_text(result)
    assert "no-such-input.xlsx" in output_text(result)  # the message names the file
    assert not out.exists()
    assert_no_traceback(result)


def test_validate_accepts_the_worked_quarter(files: tuple[Path, Path]) -> None:
    input_path, rules_path = files
    result = run_kpi("validate", input_path, "--rules", rules_path, "--period", PERIOD)
    assert result.returncode == 0, output_text(result)
    assert_no_traceback(result)


def test_help() -> None:
    result = run_kpi("--help")
    assert result.returncode == 0, output_text(result)
    assert "score" in result.stdout
