"""``kpi score IN1 IN2 … --out-dir DIR``, ``--format csv|json`` and shell completion, through
the real program (``python -m kpi``), as CI and a user's shell run it.

A batch goes on past a failing workbook: the others are written, one summary table
lists them all, and the exit code is 1 when any failed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

WORKED = Path(__file__).resolve().parent / "data" / "worked_quarter"


def kpi(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("KPI_", "_KPI_", "_TYPER"))}
    environment.update(
        {"KPI_LANG": "en", "COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", **(env or {})}
    )
    return subprocess.run(
        [sys.executable, "-m", "kpi", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=300,
        check=False,
    )


@pytest.fixture
def batch(tmp_path: Path) -> list[Path]:
    """Three workbooks whose names carry their period; the second is not a workbook at all."""
    inputs = [
        tmp_path / "高新区-2024Q3.xlsx",
        tmp_path / "坏的-2024Q3.xlsx",
        tmp_path / "经开区 2024年第三季度.xlsx",
    ]
    shutil.copy(WORKED / "input.xlsx", inputs[0])
    inputs[1].write_text("not a workbook\n", encoding="utf-8")
    shutil.copy(WORKED / "input.xlsx", inputs[2])
    return inputs


def test_a_broken_workbook_fails_alone(batch: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = kpi("score", *batch, "--rules", WORKED / "rules.yaml", "--out-dir", out)
    assert result.returncode == 1, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "经开区 2024年第三季度-results.xlsx",
        "高新区-2024Q3-results.xlsx",
    ]
    for written in out.iterdir():
        assert openpyxl.load_workbook(written)["run_info"]["B3"].value == "2024Q3"
    rows = [line for line in result.stdout.splitlines() if "2024Q3" in line]
    assert [("│ ok " in r, "│ failed " in r) for r in rows] == [(True, False), (False, True), (True, False)]
    assert re.search(r"│ +8 │ +1 │", rows[0])  # people, warnings
    assert f"error: {batch[1]}: " in result.stderr and "is not an Excel workbook" in result.stderr
    assert result.stderr.count("tie at the quota cut") == 2  # each workbook's warning, named
    assert f"(scoring {batch[0]})" in result.stderr
    assert result.stderr.splitlines()[-1] == "3 workbooks: 2 scored, 1 failed"
    assert "Traceback" not in result.stderr


def test_batch_json_in_english_with_two_workers(batch: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = kpi(
        "score", *batch, "--rules", WORKED / "rules.yaml", "--out-dir", out,
        "--jobs", "2", "--format", "json", "--lang", "en", "--json",
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is False
    runs = document["runs"]
    assert [r["status"] for r in runs] == ["ok", "failed", "ok"]  # in the order given
    assert [r["period"] for r in runs] == ["2024Q3"] * 3
    assert runs[0]["output"] == str(out / "高新区-2024Q3-results.json") and runs[0]["people"] == 8
    assert runs[1]["errors"][0]["file"] == str(batch[1]) and runs[1]["output"] is None
    assert [w["line"] is not None for w in runs[2]["warnings"]] == [True]
    results = json.loads((out / "高新区-2024Q3-results.json").read_text(encoding="utf-8"))
    assert results["period"] == "2024Q3" and "individuals" in results["sheets"]


def test_period_from_the_name_or_the_option(tmp_path: Path) -> None:
    plain = tmp_path / "input.xlsx"
    shutil.copy(WORKED / "input.xlsx", plain)
    result = kpi("score", plain, "--rules", WORKED / "rules.yaml", "--out-dir", tmp_path / "a")
    assert result.returncode == 1
    assert "the file name 'input.xlsx' names no period" in result.stderr
    result = kpi(
        "score", plain, "--rules", WORKED / "rules.yaml", "--out-dir", tmp_path / "b", "-p", "2024-Q3", "-q"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and (tmp_path / "b" / "input-results.xlsx").is_file()


def test_existing_results_fail_without_force_and_one_name_is_written_once(
    batch: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "高新区-2024Q3-results.xlsx").write_bytes(b"earlier")
    other = tmp_path / "copy"
    other.mkdir()
    twin = other / batch[2].name
    shutil.copy(batch[2], twin)
    result = kpi("score", batch[0], batch[2], twin, "--rules", WORKED / "rules.yaml", "--out-dir", out)
    assert result.returncode == 1
    assert (out / "高新区-2024Q3-results.xlsx").read_bytes() == b"earlier"
    assert "already exists: add --force" in result.stderr
    assert f"is the one of {batch[2]}, given before it" in result.stderr
    assert (out / "经开区 2024年第三季度-results.xlsx").is_file()


def test_usage_errors(batch: list[Path], tmp_path: Path) -> None:
    rules = WORKED / "rules.yaml"
    cases: list[tuple[list[str | Path], str]] = [
        (
            ["score", batch[0], batch[2], "--rules", rules, "--out", tmp_path / "r.xlsx"],
            "several inputs need --out-dir",
        ),
        (
            ["score", batch[0], "--rules", rules, "--out", tmp_path / "r.xlsx", "--out-dir", tmp_path],
            "not both",
        ),
        (["score", batch[0], "--rules", rules], "give --out, or --out-dir"),
        (
            ["score", batch[0], "--rules", rules, "--out", tmp_path / "r", "--format", "yaml"],
            "xlsx, csv, json",
        ),
        (["score", batch[0], "--rules", rules, "--out-dir", tmp_path, "--jobs", "0"], "--jobs"),
    ]
    for args, words in cases:
        result = kpi(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert words in result.stderr, (args, result.stderr)


def test_single_input_csv_and_period_from_its_name(batch: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "tables"
    result = kpi("score", batch[0], "--rules", WORKED / "rules.yaml", "--format", "csv", "--out", out, "-q")
    assert result.returncode == 0, result.stderr
    data = (out / "bonus.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0]["id"] == "E01" and rows[0]["total"] == "33581"


def _two_job_batch(tmp_path: Path, copies: int, out: Path, *flags: str) -> subprocess.Popen[bytes]:
    """``kpi score`` of ``copies`` copies of the worked quarter into ``out`` with two jobs, in English."""
    inputs = []
    for i in range(copies):
        inputs.append(tmp_path / f"区{i:02d}-2024Q3.xlsx")
        shutil.copy(WORKED / "input.xlsx", inputs[-1])
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KPI_")} | {"KPI_LANG": "en"}
    return subprocess.Popen(
        [sys.executable, "-m", "kpi", "score", *map(str, inputs), "--rules", str(WORKED / "rules.yaml"),
         "--out-dir", str(out), "--jobs", "2", *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment,
    )  # fmt: skip


def test_a_stopped_batch_keeps_whole_files_only(tmp_path: Path) -> None:
    """SIGTERM to a two-worker batch: it stops, says how many results it wrote, leaves
    no temporary file and no worker behind (exit 128 + 15)."""
    out = tmp_path / "out"
    child = _two_job_batch(tmp_path, 30, out, "-q")
    deadline = time.monotonic() + 240
    while not (out.is_dir() and any(p.suffix == ".xlsx" for p in out.iterdir())):
        assert child.poll() is None and time.monotonic() < deadline, child.communicate()
        time.sleep(0.02)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=240)
    lines = err.decode("utf-8").splitlines()
    written = sorted(p.name for p in out.iterdir())
    assert child.returncode == 143, lines
    assert lines[-1] == f"error: interrupted by SIGTERM: stopped; {len(written)} of 30 results written"
    assert written and all(name.endswith("-results.xlsx") for name in written)  # no .tmp left
    for name in written:
        openpyxl.load_workbook(out / name)  # each one whole
    assert "Traceback" not in err.decode("utf-8")


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _job_processes(pid: int) -> list[int]:
    """The processes scoring a batch's jobs: children of its forkserver (Linux /proc)."""
    found = []
    for child in _children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"forkserver" in command:
            found += _children(child)
    return found


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(), reason="needs Linux /proc"
)
def test_a_killed_job_process_fails_its_workbook_only(tmp_path: Path) -> None:
    """SIGKILL to a job's process (as the kernel's OOM killer would): that workbook fails,
    with the reason; every other one is written (exit 1, or 0 if it had finished)."""
    out = tmp_path / "out"
    child = _two_job_batch(tmp_path, 12, out, "-q", "--json")
    deadline = time.monotonic() + 240
    while not (
        out.is_dir() and any(p.suffix == ".xlsx" for p in out.iterdir()) and _job_processes(child.pid)
    ):
        assert child.poll() is None and time.monotonic() < deadline, child.communicate()
        time.sleep(0.02)
    os.kill(_job_processes(child.pid)[0], signal.SIGKILL)
    stdout, stderr = child.communicate(timeout=240)
    runs = json.loads(stdout)["runs"]
    failed = [run for run in runs if run["status"] != "ok"]
    assert child.returncode == (1 if failed else 0), stderr.decode("utf-8")
    assert len(failed) <= 1
    for run in failed:
        assert run["status"] == "failed" and "killed by SIGKILL" in run["errors"][0]["message"]
    # kill -9 cannot be cleaned up after: the killed job may leave its hidden .tmp behind.
    # Killed in the instant between placing its file and reporting, it names its file as
    # written, whole (tests/test_batch_killed.py): every file there is a run's output.
    written = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert written == sorted(Path(run["output"]).name for run in runs if run["output"] is not None)
    assert all(run["output"] is not None for run in runs if run["status"] == "ok")


# Shell completion ------------------------------------------------------------------


def test_help_lists_completion() -> None:
    result = kpi("--help")
    assert result.returncode == 0
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout


def test_show_completion_prints_the_bash_script() -> None:
    result = kpi("--show-completion", "bash", env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert result.returncode == 0, result.stderr
    assert "_KPI_COMPLETE=complete_bash" in result.stdout
    assert "complete -o default -F _kpi_completion kpi" in result.stdout


def test_completion_completes_commands_and_options() -> None:
    def complete(words: str) -> list[str]:
        env = {
            "_KPI_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
        result = kpi(env=env)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert complete("kpi sc") == ["score"]
    assert "--out-dir" in complete("kpi score --out")
