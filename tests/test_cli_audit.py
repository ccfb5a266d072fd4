"""``kpi rules diff`` and ``kpi verify`` through the real entry point.

The impact numbers are those worked by hand in tests/audit/test_impact.py: with
the 优秀 quota raised from 0.2 to 0.4 the individuals get ceil(6 × 0.4) = 3
places, E03 becomes 优秀, u(E03) = 6000 × 1.3 × 1.2 × 2/3 = 6240, Σu = 44000,
and the totals move E01 −772, E02 −309, E03 +1246, E05 −165.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
from support.worked import WORKED_QUARTER as WORKED

ROOT = Path(__file__).resolve().parents[1]


def kpi(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kpi", *args], capture_output=True, text=True, check=False)


def new_rules(tmp_path: Path) -> Path:
    text = (WORKED / "rules.yaml").read_text(encoding="utf-8")
    path = tmp_path / "new.yaml"
    path.write_text(text.replace("quota: 0.2", "quota: 0.4"), encoding="utf-8")
    return path


def test_rules_diff_lists_the_change_and_its_impact(tmp_path: Path) -> None:
    out = tmp_path / "impact.xlsx"
    result = kpi(
        "rules",
        "diff",
        str(WORKED / "rules.yaml"),
        str(new_rules(tmp_path)),
        "--data",
        str(WORKED / "input.xlsx"),
        "--period",
        "2024Q3",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert (
        "grades.bands[优秀].quota（等次列表 优秀 名额比例）：0.2 → 0.4（影响：等次、绩效奖金）"
        in result.stdout
    )
    assert "E03 陈静: 7663 → 8909 (+1246), 良好 → 优秀" in result.stdout
    assert "E01 张伟: 33581 → 32809 (-772)" in result.stdout
    assert out.exists()
    again = kpi(
        "rules",
        "diff",
        str(WORKED / "rules.yaml"),
        str(new_rules(tmp_path)),
        "--data",
        str(WORKED / "input.xlsx"),
        "--period",
        "2024Q3",
        "--out",
        str(out),
    )
    assert again.returncode == 1 and "--force" in again.stderr


def test_rules_diff_json_without_data(tmp_path: Path) -> None:
    result = kpi("rules", "diff", str(WORKED / "rules.yaml"), str(new_rules(tmp_path)), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["impact"] is None
    assert [(c["path"], c["old"], c["new"]) for c in data["changes"]] == [
        ("grades.bands[优秀].quota", "0.2", "0.4")
    ]


def test_rules_diff_usage_errors(tmp_path: Path) -> None:
    result = kpi(
        "rules",
        "diff",
        str(WORKED / "rules.yaml"),
        str(new_rules(tmp_path)),
        "--data",
        str(WORKED / "input.xlsx"),
    )
    assert result.returncode == 2 and "--period" in result.stderr


def test_verify_names_the_edited_cell(tmp_path: Path) -> None:
    out = tmp_path / "results.xlsx"
    scored = kpi(
        "score",
        str(WORKED / "input.xlsx"),
        "--rules",
        str(WORKED / "rules.yaml"),
        "--period",
        "2024Q3",
        "--out",
        str(out),
        "-q",
    )
    assert scored.returncode == 0, scored.stderr
    ok = kpi(
        "verify",
        str(out),
        "--input",
        str(WORKED / "input.xlsx"),
        "--rules",
        str(WORKED / "rules.yaml"),
    )
    assert ok.returncode == 0 and "无误——全部 588 个单元格" in ok.stdout
    edited = tmp_path / "edited.xlsx"
    shutil.copy(out, edited)
    book = openpyxl.load_workbook(edited)
    book["个人得分"]["I2"] = 103.4  # E01's 综合得分 is 103.41
    book.save(edited)
    bad = kpi(
        "verify",
        str(edited),
        "--input",
        str(WORKED / "input.xlsx"),
        "--rules",
        str(WORKED / "rules.yaml"),
    )
    assert bad.returncode == 1
    assert f"{edited}:个人得分!I2: 单元格为 103.4，重新计算得 103.41" in bad.stdout
