"""``kpi template`` through the real entry point: the template, filled in, passes ``kpi validate``.

A person starts a quarter with ``kpi template``, types the quarter into it (here
openpyxl types :data:`~support.template.SMALL_QUARTER`), and ``kpi validate``
accepts it; with ``--from`` only the cleared values need typing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.service import service_rules
from support.template import (
    SMALL_EVALUATIONS,
    SMALL_QUARTER,
    SMALL_REQUESTS,
    evaluation_rules,
    fill,
    fill_column,
)
from support.worked import Worked

from .helpers import run_kpi


@pytest.fixture
def rules(tmp_path: Path, worked_quarter: Path) -> Path:
    path = tmp_path / "rules.yaml"
    shutil.copyfile(worked_quarter / "rules.yaml", path)
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_filled_in_template_passes_validate(rules: Path, tmp_path: Path, lang: str) -> None:
    out = tmp_path / "2024Q4.xlsx"
    made = run_kpi("template", "--rules", rules, "--period", "2024Q4", "--out", out, "--lang", lang)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"wrote {out}: sheets ") and made.stderr == ""

    blank = run_kpi("validate", out, "--rules", rules, "--period", "2024Q4")
    assert blank.returncode == 1  # 人员, 部门 and 市级排名 need rows
    assert "has no data rows" in blank.stderr

    fill(out, SMALL_QUARTER, lang)
    checked = run_kpi("validate", out, "--rules", rules, "--period", "2024Q4")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == f"{out}: ok (4 people, 2 point events)"
    assert checked.stderr == ""


def test_a_filled_in_template_with_service_requests_passes_validate(tmp_path: Path) -> None:
    rules = service_rules(tmp_path / "service.yaml")
    out = tmp_path / "2024Q4.xlsx"
    made = run_kpi("template", "--rules", rules, "--period", "2024Q4", "--out", out)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip().endswith("否决, 企业诉求")
    fill(out, {**SMALL_QUARTER, "service_requests": SMALL_REQUESTS})
    checked = run_kpi("validate", out, "--rules", rules, "--period", "2024Q4")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(f"{out}: ok (4 people, 2 point events")


def test_a_filled_in_template_with_evaluations_and_curves_passes_validate(worked: Worked) -> None:
    rules = evaluation_rules(worked)
    out = worked.input.with_name("2024Q4.xlsx")
    made = run_kpi("template", "--rules", rules, "--period", "2024Q4", "--out", out)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip().endswith("否决, 测评")
    indicators = [dict(row) for row in SMALL_QUARTER["indicators"]]
    indicators[0]["curve"] = "增长型"
    fill(out, {**SMALL_QUARTER, "indicators": indicators, "evaluations": SMALL_EVALUATIONS})
    checked = run_kpi("validate", out, "--rules", rules, "--period", "2024Q4")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(f"{out}: ok (4 people, 2 point events")


def test_from_last_quarter_then_the_cleared_values(rules: Path, tmp_path: Path, worked_quarter: Path) -> None:
    previous = tmp_path / "2024Q3.xlsx"
    shutil.copyfile(worked_quarter / "input.xlsx", previous)
    out = tmp_path / "2024Q4.xlsx"
    made = run_kpi("template", "--rules", rules, "--period", "2024Q4", "--out", out, "--from", previous)
    assert made.returncode == 0, made.stderr
    assert f"carried over from {previous}: 人员 8, 部门 3, 指标 4, 市级排名 3, 市级分工 4 rows" in made.stdout
    assert f"警告：{previous}:人员!G6: 在岗月数 2 not carried over" in made.stderr

    unfilled = run_kpi("validate", out, "--rules", rules, "--period", "2024Q4")
    assert unfilled.returncode == 1
    assert f"error: {out}:指标!G2: 完成值 is required" in unfilled.stderr
    assert f"error: {out}:市级排名!C2: 排名 is required" in unfilled.stderr

    fill_column(out, "indicators", "actual", [180, 9, 92.5, 1])
    fill_column(out, "city_rankings", "rank", [1, 3, 5])
    checked = run_kpi("validate", out, "--rules", rules, "--period", "2024Q4")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == f"{out}: ok (8 people, 0 point events)"

    again = run_kpi("template", "--rules", rules, "--period", "2024Q4", "--out", out, "--from", previous)
    assert again.returncode == 1
    assert f"error: {out}: already exists: add --force" in again.stderr
