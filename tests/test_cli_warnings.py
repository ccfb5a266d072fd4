"""Warnings are located data, like errors: objects in every --json output, lines on
stderr (even with -q), never on stdout, and -q prints nothing at all on success.

The worked quarter raises exactly one warning: E02 and E03 both score 102.80 at
the cut of the 优秀 quota (ceil(6 × 0.2) = 2 places: E01 103.41, then E02 by id
order), located at the 优秀 band's line of the rules file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support.worked import Worked

TIE = (
    "individual: tie at the quota cut of 优秀 (score 102.80): "
    "E02 takes the last place by id order, E03 does not"
)


def kpi(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args], capture_output=True, text=True, encoding="utf-8", check=False
    )


def band_line(rules: Path) -> int:
    lines = rules.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if "name: 优秀" in line)


def score(worked: Worked, *extra: str) -> subprocess.CompletedProcess[str]:
    out = worked.input.with_name("results.xlsx")
    return kpi(
        "score",
        str(worked.input),
        "--rules",
        str(worked.rules),
        "--period",
        "2024Q3",
        "--out",
        str(out),
        *extra,
    )


def test_quiet_prints_nothing_on_stdout_and_the_warning_on_stderr(worked: Worked) -> None:
    result = score(worked, "-q", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"warning: {worked.rules}:{band_line(worked.rules)}: {TIE}"]


def test_warning_lines_are_chinese_by_default(worked: Worked) -> None:
    result = score(worked, "-q")
    assert result.returncode == 0, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"警告：{worked.rules}:{band_line(worked.rules)}: ")


def test_summary_on_stdout_warning_on_stderr(worked: Worked) -> None:
    result = score(worked, "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert TIE not in result.stdout and "wrote" in result.stdout
    assert result.stderr.splitlines() == [f"warning: {worked.rules}:{band_line(worked.rules)}: {TIE}"]


def test_score_json_warnings_are_located_objects(worked: Worked) -> None:
    result = score(worked, "--json")
    assert result.returncode == 0, result.stderr
    [warning] = json.loads(result.stdout)["warnings"]
    assert warning == {
        "kind": "warning",
        "message": TIE,
        "file": str(worked.rules),
        "sheet": None,
        "row": None,
        "column": None,
        "line": band_line(worked.rules),
    }


def test_validate_json_warnings_are_located_objects(worked: Worked, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(worked.input)
    book["人员"].insert_rows(1)
    book["人员"]["A1"] = "2024年第三季度人员名册"
    titled = tmp_path / "titled.xlsx"
    book.save(titled)
    result = kpi("validate", str(titled), "--rules", str(worked.rules), "--period", "2024Q3", "--json")
    assert result.returncode == 0, result.stderr
    [warning] = json.loads(result.stdout)["warnings"]
    assert (warning["kind"], warning["file"], warning["sheet"], warning["row"]) == (
        "warning",
        str(titled),
        "人员",
        2,
    )
    text = kpi("validate", str(titled), "--rules", str(worked.rules), "--period", "2024Q3")
    assert text.returncode == 0
    [line] = text.stderr.splitlines()
    assert line.startswith(f"警告：{titled}:人员!2:2: ")
    assert "警告：" not in text.stdout


def test_rules_diff_json_warnings_are_objects(worked: Worked) -> None:
    new = worked.rules_variant("quota: 0.2", "quota: 0.4")
    result = kpi(
        "rules",
        "diff",
        str(worked.rules),
        str(new),
        "--data",
        str(worked.input),
        "--period",
        "2024Q3",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    impact = json.loads(result.stdout)["impact"]
    assert [w["message"] for w in impact["warnings_gone"]] == [TIE]
    assert impact["warnings_gone"][0]["line"] == band_line(worked.rules)
    assert impact["warnings_new"] == []
