"""One-fault rules files through ``kpi score`` and ``kpi rules check``.

For each file of ``tests/bad_rules``: exit code 1, an ``error:`` line naming
``file:line`` with the manifest's key words, no traceback, the rules file's
bytes unchanged and no results workbook written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from support.worked import WORKED_QUARTER as WORKED
from typer.testing import CliRunner

from kpi.cli import app

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "bad_rules"
MANIFEST: list[dict[str, Any]] = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
runner = CliRunner()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", MANIFEST, ids=[c["file"] for c in MANIFEST])
def test_score_refuses_bad_rules(case: dict[str, Any], tmp_path: Path) -> None:
    rules = CORPUS / case["file"]
    workbook = WORKED / "input.xlsx"
    # A missing workbook is also exit 1: the test must fail for that, not pass.
    assert workbook.is_file(), workbook
    before = digest(rules)
    out = tmp_path / "results.xlsx"
    result = runner.invoke(
        app,
        [
            "score",
            str(workbook),
            "--rules",
            str(rules),
            "--period",
            "2024Q3",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    located = [
        line for line in result.output.splitlines() if line.startswith(f"error: {rules}:{case['line']}:")
    ]
    assert any(all(w in line for w in case["words"]) for line in located), result.output
    # Every problem is the rules file's: the (valid) workbook is never blamed.
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert errors and all(line.startswith(f"error: {rules}:") for line in errors), result.output
    assert digest(rules) == before
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", MANIFEST[:5], ids=[c["file"] for c in MANIFEST[:5]])
def test_rules_check_json(case: dict[str, Any]) -> None:
    rules = CORPUS / case["file"]
    result = runner.invoke(app, ["rules", "check", str(rules), "--json"])
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert any(e["file"] == str(rules) and e["line"] == case["line"] for e in errors)


def test_rules_check_accepts_the_reference_rules() -> None:
    result = runner.invoke(app, ["rules", "check", str(HERE.parent / "rules" / "qingdao-hitech-2024.yaml")])
    assert result.exit_code == 0
    assert "青岛高新区功能区KPI考核办法" in result.stdout


def test_rules_schema_is_json() -> None:
    result = runner.invoke(app, ["rules", "schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "KPI rules file"
