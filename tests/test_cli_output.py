"""Outputs never destroy anything: refusals, atomic writes, interrupted runs.

Through the CLI app (``kpi score``) on copies of the worked quarter.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpi import api
from kpi.cli import app
from kpi.periods import Period
from kpi.report import workbook

runner = CliRunner()


@pytest.fixture
def files(tmp_path: Path, worked_quarter: Path) -> tuple[Path, Path]:
    book, rules = tmp_path / "q3.xlsx", tmp_path / "rules.yaml"
    shutil.copy(worked_quarter / "input.xlsx", book)
    shutil.copy(worked_quarter / "rules.yaml", rules)
    return book, rules


def score(files: tuple[Path, Path], out: Path, *extra: str):
    book, rules = files
    return runner.invoke(
        app,
        ["score", str(book), "--rules", str(rules), "--period", "2024Q3", "--out", str(out), "-q", *extra],
    )


def test_missing_output_folder(files, tmp_path):
    result = score(files, tmp_path / "nope" / "r.xlsx")
    assert result.exit_code == 1
    assert "does not exist" in result.output and "nope" in result.output


def test_read_only_target_is_refused_even_with_force(files, tmp_path):
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"earlier results")
    out.chmod(0o444)
    result = score(files, out, "--force")
    assert result.exit_code == 1 and "read-only" in result.output
    assert out.read_bytes() == b"earlier results"


def test_folder_as_target(files, tmp_path):
    (tmp_path / "dir.xlsx").mkdir()
    result = score(files, tmp_path / "dir.xlsx", "--force")
    assert result.exit_code == 1 and "is a folder" in result.output


def test_never_over_the_rules_file(files):
    _, rules = files
    before = rules.read_bytes()
    result = score(files, rules, "--force")
    assert result.exit_code == 1 and "refusing" in result.output
    assert rules.read_bytes() == before


def test_output_must_be_xlsx(files, tmp_path):
    result = score(files, tmp_path / "r.csv")
    assert result.exit_code == 1 and ".xlsx" in result.output


def test_interrupted_write_leaves_earlier_results_and_no_temp_file(files, tmp_path, monkeypatch):
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"earlier results")

    def interrupted(path, sheets, lang, created):
        Path(path).write_bytes(b"half a workbook")
        raise KeyboardInterrupt

    monkeypatch.setattr(workbook, "write_workbook", interrupted)
    book, rules = files
    results = api.run(book, rules, Period.parse("2024Q3"))
    with pytest.raises(KeyboardInterrupt):
        api.write_results(results, out, force=True)
    assert out.read_bytes() == b"earlier results"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.xlsx", "r.xlsx", "rules.yaml"]


def test_rules_not_yet_in_effect(files, tmp_path):
    _book, rules = files
    text = rules.read_text(encoding="utf-8").replace(
        'version: "2024.1"', 'version: "2024.1"\neffective_from: 2024-10-01'
    )
    rules.write_text(text, encoding="utf-8")
    result = score(files, tmp_path / "r.xlsx")
    assert result.exit_code == 1
    assert f"{rules}:4:" in result.output and "2024-10-01" in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_json_errors_for_score(files, tmp_path):
    book, _rules = files
    result = runner.invoke(
        app,
        [
            "score",
            str(book),
            "--rules",
            str(tmp_path / "missing.yaml"),
            "--period",
            "2024Q3",
            "--out",
            str(tmp_path / "r.xlsx"),
            "--json",
        ],
    )
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert errors[0]["file"] == str(tmp_path / "missing.yaml")


def test_score_json_summary(files, tmp_path):
    # WORKED.md: 3 departments (优秀 招商部, 良好 企业服务部, 不合格 综合部), leaders L01 优秀 and
    # L02 良好, individuals E01 E02 优秀, E03 E05 E06 良好, E04 不合格; pool 60000 paid in
    # full; rewards 900 + 400 + 400 + 2000 − 100 + 0 = 3600; totals 33581 + 13473 + 7663 +
    # 8983 + 0 + 0 = 63700; Z = 91.41; one warning (the E02/E03 tie).
    result = score(files, tmp_path / "r.xlsx", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["counts"] == {"departments": 3, "leaders": 2, "individuals": 6}
    assert data["grades"]["individuals"] == {"优秀": 2, "良好": 3, "合格": 0, "不合格": 1}
    assert data["grades"]["departments"] == {"优秀": 1, "良好": 1, "合格": 0, "不合格": 1}
    assert data["bonus"] == {"pool": 60000, "paid": 60000, "points_rewards": 3600, "total": 63700}
    assert data["zone_score"] == "91.41" and len(data["warnings"]) == 1
