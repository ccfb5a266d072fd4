"""``kpi verify`` of an annual workbook, ``rules diff --data`` over the quarters, ``--json``,
``explain --year``, and the quota options of the annual grades, on the hand-worked year."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from annual.test_hand_worked_year import make_year
from support.annual import write_quarter
from support.worked import WORKED_QUARTER
from typer.testing import CliRunner

from kpi.annual import run_annual
from kpi.cli import app


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--lang", "zh", *[str(a) for a in args]])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def year(tmp_path: Path) -> tuple[list[Path], Path, Path]:
    return make_year(tmp_path)


def written(year: tuple[list[Path], Path, Path], tmp_path: Path) -> Path:
    quarters, rules, evaluation = year
    out = tmp_path / "annual.xlsx"
    code, _, err = invoke("annual", *quarters, "-r", rules, "-y", "2024", "-e", evaluation, "-o", out, "-q")
    assert code == 0, err
    return out


def test_verify_names_an_edited_cell_of_the_annual_workbook(
    year: tuple[list[Path], Path, Path], tmp_path: Path
) -> None:
    out = written(year, tmp_path)
    code, stdout, _ = invoke("verify", out, "--rules", year[1])
    assert code == 0 and "无误——全部" in stdout
    book = openpyxl.load_workbook(out)
    book["年度奖金"]["F2"] = 3000
    book.save(out)
    code, stdout, _ = invoke("verify", out, "--rules", year[1])
    assert code == 1
    assert f"{out}:年度奖金!F2: 单元格为 3000，重新计算得 2844" in stdout


def test_verify_names_a_quarter_changed_since_the_run(
    year: tuple[list[Path], Path, Path], tmp_path: Path
) -> None:
    out = written(year, tmp_path)
    quarters = year[0]
    book = openpyxl.load_workbook(quarters[0])
    book["个人得分"]["I2"] = 93
    book.save(quarters[0])
    code, stdout, _ = invoke("verify", out, "--rules", year[1])
    assert code == 1
    assert "2024Q1 的结果工作簿在运行后已改动：记录为" in stdout
    assert f"{out}:年度个人!D" in stdout  # and the cells that follow from it


def test_rules_diff_shows_the_impact_of_an_annual_change(
    year: tuple[list[Path], Path, Path], tmp_path: Path
) -> None:
    quarters, rules, evaluation = year
    new = tmp_path / "new.yaml"
    new.write_text(
        rules.read_text(encoding="utf-8").replace("quota: 0.4, factor: 1.5", "quota: 0.5, factor: 1.5")
    )
    data = [a for q in quarters for a in ("--data", q)]
    code, stdout, err = invoke(
        "rules", "diff", rules, new, *data, "--year", "2024", "--evaluation", evaluation
    )
    assert code == 0, err
    assert (
        "annual.grades.bands[优秀].quota（年度考核等次 等次列表 优秀 名额比例）："
        "0.4 → 0.5（影响：年度等次、年度奖金）" in stdout
    )
    # individuals: floor(4 × 0.5) = 2 places: E1 91.48 becomes 优秀.
    assert "个人: 称职 → 优秀: 1" in stdout
    assert "对 2024 的影响：" in stdout
    assert "实发：绩效奖金 10000 → 10000 (0)" in stdout


def test_json_summary(year: tuple[list[Path], Path, Path]) -> None:
    quarters, rules, evaluation = year
    code, stdout, err = invoke(
        "annual", *quarters, "-r", rules, "-y", "2024", "-e", evaluation, "--who", "E2", "--json"
    )
    assert code == 0, err
    payload = json.loads(stdout)
    assert payload["ok"] and payload["output"] is None and payload["year"] == 2024
    assert payload["grades"]["individuals"] == {
        "优秀": 1,
        "称职": 2,
        "基本称职": 1,
        "不称职": 0,
        "not_graded": 1,
    }
    assert payload["bonus"] == {"pool": 10000, "paid": 10000, "paid_members": 4}
    assert [q["period"] for q in payload["quarters"]] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    assert payload["explanation"]["final"]["bonus"] == 2844


def test_explain_year_through_the_cli(year: tuple[list[Path], Path, Path]) -> None:
    quarters, rules, evaluation = year
    code, stdout, err = invoke(
        "explain", *quarters, "-r", rules, "--year", "2024", "-e", evaluation, "-w", "L1"
    )
    assert code == 0, err
    assert "L1 姓名L1  主要领导  (年度考核 2024)" in stdout
    assert (
        "Y = r2((W_q × A + W_e × E) / (W_q + W_e)) = r2((0.6 × 89.80 + 0.4 × 90.00) / (0.6 + 0.4)) = 89.88"
        in stdout
    )
    code, _, err = invoke("explain", *quarters, "-r", rules, "--year", "2024", "-w", "E9")
    assert code == 1 and "--who 'E9' 不是 2024Q1, 2024Q2, 2024Q3, 2024Q4 结果中的工号、部门或姓名" in err
    code, _, err = invoke("explain", *quarters, "-r", rules, "-w", "E1")
    assert code == 2


def test_department_quotas_tied_to_the_departments_annual_grade(
    year: tuple[list[Path], Path, Path],
) -> None:
    """quota_scope department: 甲部 (称职 for the year) gets quota_by_department_grade[称职] = 0.5
    of its 2 graded individuals = 1 place (E2); 乙部 (基本称职) gets 0: E4 86.68 stays 称职."""
    quarters, rules, evaluation = year
    text = rules.read_text(encoding="utf-8").replace(
        "    quota_scope: zone\n    quota_rounding: floor\n    bands:\n"
        "      - {name: 优秀, min: 90, quota: 0.4, factor: 1.5}",
        "    quota_scope: department\n    quota_rounding: floor\n    bands:\n"
        "      - {name: 优秀, min: 80, quota: 0.4, factor: 1.5, quota_by_department_grade:"
        " {优秀: 1, 称职: 0.5, 基本称职: 0, 不称职: 0}}",
    )
    assert text != rules.read_text(encoding="utf-8")
    rules.write_text(text, encoding="utf-8")
    results = run_annual(quarters, rules, 2024, evaluation)
    grades = {r["id"]: (r["grade"], r["quota_group"]) for r in results.individuals.to_dict("records")}
    assert grades["E2"] == ("优秀", "甲部") and grades["E1"] == ("称职", "甲部")
    assert grades["E4"] == ("称职", "乙部")
    assert results.quotas["individuals"] == {("优秀", "甲部"): 1, ("优秀", "乙部"): 0}
    assert results.quota_sources[("优秀", "甲部")] == (D("0.5"), "称职")
    # Departments keep the band's own quota: floor(2 × 0.4) = 0 places.
    assert results.quotas["departments"] == {("优秀", ""): 0}


def test_every_step_of_the_year_comes_from_a_declared_formula(year: tuple[list[Path], Path, Path]) -> None:
    """As in a quarter: kpi.explain lays steps out; every step is made by a formula declared in
    the module that computes it (kpi.annual, or kpi.engine.evaluation for the year-end 测评)."""
    from kpi.annual.explain import explain_year
    from kpi.engine.steps import FORMULAS

    results = run_annual(*year[:2], 2024, year[2])
    members = [*results.individuals["id"], *results.leaders["id"], *results.departments["department"]]
    counted = 0
    for who in members:
        for lang in ("zh", "en"):
            for step in explain_year(results, who, lang).steps():
                formula = step.by
                assert formula is not None, (who, step.label)
                assert formula.module.startswith(("kpi.annual.", "kpi.engine.")), (who, step.label)
                assert FORMULAS[(formula.module, formula.symbol)] is formula
                counted += 1
    assert counted > 100


def test_a_department_not_graded_in_the_year_gives_its_staff_the_bands_own_quota(tmp_path: Path) -> None:
    """quota_by_department_grade reads the department's annual grade; a department with
    fewer quarters than min_quarters has none, so its individuals get the band's own quota
    (docs/decisions.md, The annual appraisal: Annual grades).

    甲部 is in all four quarters: A = (95 + 96 + 97 + 98) / 4 = 96.50, graded. The
    departments keep the band's own quota zone-wide: floor(1 × 0.5) = 0 places, so 称职.
    新部 appears in Q4 only: 1 quarter < min_quarters 2, not graded.
    Individuals are grouped by their latest quarter's 部门: E1 95, E2 94 in 甲部 (称职 →
    quota 0 → no 优秀 place: both 称职); N1 93, N2 92 moved to 新部 in Q4 (not graded →
    the band's quota 0.5: floor(2 × 0.5) = 1 place: N1 优秀, N2 称职)."""
    staff = {"E1": (95, "甲部"), "E2": (94, "甲部"), "N1": (93, "新部"), "N2": (92, "新部")}
    quarters = []
    for q in range(4):
        individuals = [
            {"id": i, "name": f"姓名{i}", "department": dept if q == 3 else "甲部", "score": score}
            for i, (score, dept) in staff.items()
        ]
        departments = [{"department": "甲部", "score": 95 + q}]
        if q == 3:
            departments.append({"department": "新部", "score": 90})
        leaders = [{"id": "L1", "name": "主任", "kind": "main_leader", "score": 90}]
        path = tmp_path / f"results-Q{q + 1}.xlsx"
        write_quarter(
            path, f"2024Q{q + 1}", individuals=individuals, departments=departments, leaders=leaders
        )
        quarters.append(path)
    rules = tmp_path / "rules.yaml"
    tail = (
        "annual:\n  weights: {quarters: 1, evaluation: 0}\n  min_quarters: 2\n  veto_any_quarter: false\n"
        "  grades:\n    quota_scope: department\n    quota_rounding: floor\n    bands:\n"
        "      - {name: 优秀, min: 90, quota: 0.5, factor: 1.5, quota_by_department_grade:"
        " {优秀: 0, 称职: 0, 基本称职: 0, 不称职: 0}}\n"
        "      - {name: 称职, min: 70, factor: 1.0}\n"
        "      - {name: 基本称职, min: 60, factor: 0.5}\n"
        "      - {name: 不称职, min: 0, factor: 0}\n"
    )
    rules.write_text((WORKED_QUARTER / "rules.yaml").read_text(encoding="utf-8") + tail, encoding="utf-8")
    results = run_annual(quarters, rules, 2024, None)
    graded = {r["department"]: r["grade"] for r in results.departments.to_dict("records")}
    assert graded == {"甲部": "称职", "新部": None}  # 不定等次 in the workbook
    grades = {r["id"]: (r["grade"], r["quota_group"]) for r in results.individuals.to_dict("records")}
    assert grades == {
        "E1": ("称职", "甲部"),
        "E2": ("称职", "甲部"),
        "N1": ("优秀", "新部"),
        "N2": ("称职", "新部"),
    }
    assert results.quotas["individuals"] == {("优秀", "甲部"): 0, ("优秀", "新部"): 1}
