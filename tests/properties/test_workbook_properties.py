"""Workbook-level properties: the real reader and the real CLI on generated cases.

These run a handful of examples only (each CLI run starts a Python process).
The first test also guards the strategy itself: what it builds in memory must
be exactly what the reader makes of the same rows written to an ``.xlsx``, or
the in-memory properties would be testing inputs no user can produce.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from kpi.io.inputs import COLUMNS
from kpi.io.workbook import read_workbook
from kpi.rules.loader import parse_rules

from .strategies import Case, cases, frame_rows, scored

REPO_ROOT = Path(__file__).resolve().parents[2]
FEW = settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FEW
@given(cases(max_people=8, max_events=15))
def test_generated_inputs_are_what_the_reader_reads(case: Case) -> None:
    """The strategy's frames equal the reader's frames for the same rows written
    to a workbook with the Chinese names of method §3 (values, Python types and
    row numbers), and its rules survive a round trip through YAML text."""
    rules_file = parse_rules(case.rules_yaml())
    assert rules_file.rules == case.rules_model
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.xlsx"
        case.write_workbook(path)
        read = read_workbook(path, rules_file.rules, case.period_obj())
    built = case.inputs()
    for sheet in COLUMNS:
        assert frame_rows(read.frame(sheet)) == frame_rows(built.frame(sheet)), sheet
    # Random values may well be implausible: kpi.io.plausibility warns at 目标值 (F) and
    # 完成值 (G) of 指标 and at 绩效基数 (F) of 人员. A whole year whose dates all fall in
    # one quarter is hinted at (kpi.io.workbook.year_hint). Nothing else may be warned about.
    plausibility = {("指标", "F"), ("指标", "G"), ("人员", "F")}
    whole_year = case.period_obj().quarter is None
    assert [
        w
        for w in read.warnings
        if (w.location.sheet, w.location.column) not in plausibility
        and not (whole_year and str(w.message).startswith(f"period {case.period} is a whole year"))
    ] == []


def _kpi_score(
    input_path: Path, rules_path: Path, period: str, out: Path, hash_seed: int
) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = str(hash_seed)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    env["NO_COLOR"] = "1"
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kpi",
            "score",
            str(input_path),
            "--rules",
            str(rules_path),
            "--period",
            period,
            "--out",
            str(out),
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )


@settings(FEW, max_examples=3)
@given(cases(max_people=8, max_events=15))
def test_cli_writes_byte_identical_results_twice(case: Case) -> None:
    """Determinism at the file level: ``python -m kpi score`` run twice on the same
    workbook and rules (to two different --out files) writes byte-identical
    results workbooks. The runs use different string-hash seeds, so an order that
    leaks from iterating a set or dict of strings shows up as a difference. They
    go in parallel: two cores, half the time."""
    scored(case)  # rejects a pool with no one to pay, which the CLI refuses
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        input_path, rules_path = folder / "input.xlsx", folder / "rules.yaml"
        case.write_workbook(input_path)
        rules_path.write_text(case.rules_yaml(), encoding="utf-8")
        outs = [folder / "a.xlsx", folder / "b.xlsx"]
        runs = [
            _kpi_score(input_path, rules_path, case.period, out, seed)
            for seed, out in enumerate(outs, start=1)
        ]
        for run in runs:
            stdout, stderr = run.communicate(timeout=300)
            assert run.returncode == 0, stdout + stderr
        assert outs[0].read_bytes() == outs[1].read_bytes()
