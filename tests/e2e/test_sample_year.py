"""The sample year: the README's five commands through the real CLI, and the year they give.

``samples/2024/`` holds four quarterly inputs, the year-end 测评 and the rules
with ``annual``; ``samples/make_year.py`` writes them from a seed. The test
takes the five commands from the README exactly as written, runs them from a
copy of the repository's layout, then checks what the year must show: the
pool paid to the yuan, the promoted 部长 among the leaders with all four
quarters, the merged departments, the members not graded, the vetoed quarters,
and that ``kpi verify`` accepts the annual workbook.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from support.process import child_env, run_kpi

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "2024"


def readme_commands() -> list[list[str]]:
    """The five commands of the README's annual section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The annual appraisal (年度考核)", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line) for line in block.splitlines() if line.startswith("kpi ")]


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where the README's commands have run (samples/2024 copied beside them)."""
    folder = tmp_path_factory.mktemp("year")
    shutil.copytree(SAMPLE, folder / "samples" / "2024")
    commands = readme_commands()
    assert [c[1] for c in commands] == ["score", "score", "score", "score", "annual"]
    for command in commands:
        done = run_kpi(*command[1:], cwd=folder, env=child_env(KPI_LANG="zh"))  # as a user runs them
        assert done.returncode == 0, done.stderr.decode()
    return folder


def sheet(path: Path, name: str) -> list[tuple[object, ...]]:
    return list(openpyxl.load_workbook(path, read_only=True)[name].iter_rows(values_only=True))


def test_the_annual_workbook_of_the_sample_year(year: Path) -> None:
    annual = year / "annual-2024.xlsx"
    book = openpyxl.load_workbook(annual, read_only=True)
    assert book.sheetnames == ["汇总", "年度个人", "年度部门", "年度领导", "年度奖金", "运行信息"]
    bonus = sheet(annual, "年度奖金")[1:]
    assert sum(int(r[5]) for r in bonus) == 1200000  # type: ignore[call-overload]
    leaders = {r[0]: r for r in sheet(annual, "年度领导")[1:]}
    promoted = [r for r in leaders.values() if all(r[3:7])]
    assert len(promoted) == len(leaders)  # every leader has four quarters, the promoted 部长 too
    assert len(leaders) == 7
    departments = {r[0]: r for r in sheet(annual, "年度部门")[1:]}
    assert departments["科创服务部"][1:5] == (
        None,
        None,
        departments["科创服务部"][3],
        departments["科创服务部"][4],
    )
    assert departments["科技创新部"][3:5] == (None, None)
    assert departments["规划建设部"][8] == "Q2"
    people = sheet(annual, "年度个人")[1:]
    not_graded = [r for r in people if r[12] == "不定等次"]
    assert not_graded and all(r[11] is None for r in not_graded)
    assert all(sum(q is not None for q in r[3:7]) < 2 for r in not_graded)
    info = {r[0]: r[1] for r in sheet(annual, "运行信息") if r}
    assert info["考核年度"] == "2024"
    assert info["年终测评文件"] == "samples/2024/year-end.xlsx"


def test_verify_accepts_the_annual_workbook(year: Path) -> None:
    done = run_kpi("verify", "annual-2024.xlsx", "--rules", "samples/2024/rules.yaml", cwd=year)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    assert "ok — all" in done.stdout.decode()


def test_explain_a_promoted_member(year: Path) -> None:
    leaders = sheet(year / "annual-2024.xlsx", "年度领导")[1:]
    quarters = [f"results-2024Q{n}.xlsx" for n in range(1, 5)]
    graded = [r for r in leaders if r[0] not in ("G0001", "G0002", "G0003", "G0004", "G0005", "G0006")]
    assert len(graded) == 1  # the 部长 promoted from Q3
    who = str(graded[0][0])
    done = run_kpi(
        "explain", *quarters, "--rules", "samples/2024/rules.yaml", "--year", "2024", "--who", who,
        "--evaluation", "samples/2024/year-end.xlsx", "--lang", "en", cwd=year,
    )  # fmt: skip
    text = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert "individual in Q1, Q2; leader in Q3, Q4" in text


def test_a_quarter_scored_as_a_year_points_to_kpi_annual(tmp_path: Path) -> None:
    done = run_kpi(
        "score", str(SAMPLE / "2024Q3.xlsx"), "--rules", str(SAMPLE / "rules.yaml"), "--period", "2024",
        "--out", str(tmp_path / "y.xlsx"), "-q",
    )  # fmt: skip
    assert done.returncode == 0
    err = done.stderr.decode()
    assert (
        "2024Q3.xlsx:点数!A2: period 2024 is a whole year, but every date in 点数 and 否决 lies in 2024Q3"
        in err
    )
    assert "kpi annual" in err


def test_the_sample_year_is_what_make_year_writes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "samples" / "make_year.py"), "--out", str(tmp_path)], check=True
    )
    assert (tmp_path / "rules.yaml").read_text(encoding="utf-8") == (SAMPLE / "rules.yaml").read_text(
        encoding="utf-8"
    ), "regenerate samples/2024 with: python samples/make_year.py"
    for name in ("2024Q1.xlsx", "2024Q2.xlsx", "2024Q3.xlsx", "2024Q4.xlsx", "year-end.xlsx"):
        made = openpyxl.load_workbook(tmp_path / name)
        committed = openpyxl.load_workbook(SAMPLE / name)
        for ws in committed.worksheets:
            assert list(ws.iter_rows(values_only=True)) == list(made[ws.title].iter_rows(values_only=True)), (
                name
            )
