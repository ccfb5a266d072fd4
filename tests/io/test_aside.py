"""Sheets read by a forked helper give exactly what reading them here gives.

The helper only runs the same reading code in another process, so every test
compares the two ways: the sample and every workbook of the bad-input corpora,
read once with every sheet it may take handed to the helper and once without a
helper, must give equal frames, equal warnings and equal errors. Then the ways
a helper can go wrong: it dies (the sheets are read here instead), the read is
abandoned (it is killed, not left behind), a handed sheet is unsafe (the file
is refused as before).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kpi.errors import InputError
from kpi.io import aside
from kpi.io.inputs import Inputs
from kpi.io.sources import Package
from kpi.io.workbook import read_workbook
from kpi.periods import Period
from kpi.rules.loader import load_rules

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the helper is forked on Linux only"
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "2024Q3.xlsx"
SAMPLE_RULES = ROOT / "rules" / "qingdao-hitech-2024.yaml"
CORPORA = [ROOT / "tests" / "bad_inputs", ROOT / "tests" / "bad_inputs" / "evaluations"]
MIB = 1024**2


def _package(sizes: dict[str, int]) -> Package:
    members = {"": "xl/workbook.xml"}
    members |= {name: f"xl/worksheets/sheet{i}.xml" for i, name in enumerate(sizes, start=1)}
    return Package("book.xlsx", "", b"", members, {members[n]: size for n, size in sizes.items()})


def test_plan_keeps_the_largest_here_and_balances_the_rest() -> None:
    # 点数 248 MiB stays; 测评 104 + 企业诉求 35 + 人员 17 = 156 ≤ 248 all go; 部门 (0.1 MiB)
    # is below MIN_SHEET_BYTES and stays.
    sizes = {"人员": 17 * MIB, "部门": MIB // 10, "点数": 248 * MIB, "企业诉求": 35 * MIB, "测评": 104 * MIB}
    assert aside.plan(_package(sizes)) == {
        "人员": "people",
        "企业诉求": "service_requests",
        "测评": "evaluations",
    }


def test_plan_sends_a_sheet_that_would_overload_the_helper_back_here() -> None:
    # 点数 100 here; 测评 90 goes (90 ≤ 100); 企业诉求 40 would make 130 > 100: it stays (here 140);
    # 人员 30 goes (120 ≤ 140).
    sizes = {"人员": 30 * MIB, "点数": 100 * MIB, "企业诉求": 40 * MIB, "测评": 90 * MIB}
    assert aside.plan(_package(sizes)) == {"人员": "people", "测评": "evaluations"}


def test_plan_keeps_the_sheet_whose_number_formats_are_read_here() -> None:
    # 指标's percent-formatted cells are read from its XML by this process (plausibility
    # warnings), so it is never handed off, however large.
    sizes = {"点数": 100 * MIB, "指标": 60 * MIB, "测评": 30 * MIB}
    assert aside.plan(_package(sizes)) == {"测评": "evaluations"}


def test_plan_hands_off_nothing_small_or_unrecognised() -> None:
    # 人员 10 MiB alone is under MIN_HANDED_BYTES (16 MiB); 备注 is not an input sheet.
    assert aside.plan(_package({"点数": 200 * MIB, "人员": 10 * MIB})) == {}
    assert aside.plan(_package({"点数": 200 * MIB, "备注": 100 * MIB})) == {}


@pytest.fixture
def every_sheet_aside(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hand every sheet the helper may take to it, whatever its size."""

    def everything(package: Package) -> dict[str, str]:
        return aside.movable_sheets(package)

    monkeypatch.setattr(aside, "plan", everything)
    monkeypatch.setattr(aside, "can_fork", lambda: True)


def _read(path: Path, rules_path: Path, period: str) -> Inputs | list[str]:
    rules = load_rules(rules_path).rules
    try:
        return read_workbook(path, rules, Period.parse(period))
    except InputError as exc:
        return [str(p) for p in exc.problems]


def _same(here: Inputs | list[str], helped: Inputs | list[str]) -> None:
    if isinstance(here, list) or isinstance(helped, list):
        assert helped == here
        return
    assert [str(w) for w in helped.warnings] == [str(w) for w in here.warnings]
    assert helped.columns == here.columns
    assert helped.sheets == here.sheets
    for key in ("people", "departments", "points", "indicators", "city_rankings", "city_shares", "vetoes"):
        pd.testing.assert_frame_equal(helped.frame(key), here.frame(key))
    for key in ("service_requests", "evaluations"):
        pd.testing.assert_frame_equal(helped.frame(key), here.frame(key))


def _corpus() -> list[tuple[Path, Path, str]]:
    cases = [(SAMPLE, SAMPLE_RULES, "2024Q3")]
    for folder in CORPORA:
        for case in json.loads((folder / "manifest.json").read_text(encoding="utf-8")):
            cases.append((folder / case["file"], folder / case["rules"], case["period"]))
    return cases


@pytest.mark.parametrize(("book", "rules", "period"), _corpus(), ids=lambda v: getattr(v, "name", v))
def test_the_helper_reads_as_this_process_would(
    book: Path, rules: Path, period: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aside, "can_fork", lambda: False)
    here = _read(book, rules, period)
    monkeypatch.setattr(aside, "can_fork", lambda: True)
    monkeypatch.setattr(aside, "plan", aside.movable_sheets)
    helped = _read(book, rules, period)
    _same(here, helped)


def _in_the_helper(monkeypatch: pytest.MonkeyPatch, what: Callable[[], None]) -> None:
    """Make ``read_sheets`` do ``what`` in the helper; in this process it reads as ever."""
    parent = os.getpid()
    real = aside.read_sheets

    def in_the_helper(*args: Any) -> aside.Outcome:
        if os.getpid() != parent:
            what()
        return real(*args)

    monkeypatch.setattr(aside, "read_sheets", in_the_helper)


def test_a_helper_that_dies_leaves_the_sheets_to_this_process(
    every_sheet_aside: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _in_the_helper(monkeypatch, lambda: os._exit(9))  # as if killed: nothing is sent
    helped = _read(SAMPLE, SAMPLE_RULES, "2024Q3")
    monkeypatch.setattr(aside, "can_fork", lambda: False)
    _same(_read(SAMPLE, SAMPLE_RULES, "2024Q3"), helped)


def test_a_helper_that_fails_leaves_the_sheets_to_this_process(
    every_sheet_aside: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def bug() -> None:
        raise RuntimeError("a bug in the helper")

    _in_the_helper(monkeypatch, bug)
    helped = _read(SAMPLE, SAMPLE_RULES, "2024Q3")
    assert isinstance(helped, Inputs)
    assert len(helped.people) > 0


def test_no_helper_when_the_system_will_not_fork(
    every_sheet_aside: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process limit (``ulimit -u``) or a lack of memory makes fork fail: the read goes on alone."""

    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    alone = _read(SAMPLE, SAMPLE_RULES, "2024Q3")
    monkeypatch.setattr(aside, "can_fork", lambda: False)
    _same(_read(SAMPLE, SAMPLE_RULES, "2024Q3"), alone)


def test_an_abandoned_read_kills_its_helper(every_sheet_aside: None, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    real_fork = os.fork

    def recording_fork() -> int:
        pid = real_fork()
        if pid:
            started.append(pid)
        return pid

    def stop(*_: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fork", recording_fork)
    monkeypatch.setattr("kpi.io.workbook.find_sheets", stop)
    with pytest.raises(KeyboardInterrupt):
        _read(SAMPLE, SAMPLE_RULES, "2024Q3")
    assert len(started) == 1
    with pytest.raises(ChildProcessError):  # already reaped: no zombie left behind
        os.waitpid(started[0], os.WNOHANG)


def test_an_unsafe_handed_sheet_refuses_the_file(every_sheet_aside: None, tmp_path: Path) -> None:
    import zipfile

    book = tmp_path / "doctype.xlsx"
    with zipfile.ZipFile(SAMPLE) as source, zipfile.ZipFile(book, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "b">]>', 1)
            target.writestr(info, data)
    problems = _read(book, SAMPLE_RULES, "2024Q3")
    assert isinstance(problems, list) and len(problems) == 1
    assert "xl/worksheets/sheet1.xml" in problems[0] and "DOCTYPE" in problems[0]


HELPER_THAT_WAITS = """
import os, sys, time
from kpi.io import aside
from kpi.io.workbook import read_workbook
from kpi.periods import Period
from kpi.rules.loader import load_rules

main = os.getpid()
real = aside.read_sheets


def waits_in_the_helper(*args):
    if os.getpid() != main:
        print(os.getpid(), flush=True)
        time.sleep(120)
    return real(*args)


aside.read_sheets = waits_in_the_helper
aside.plan = aside.movable_sheets
aside.can_fork = lambda: True
read_workbook(sys.argv[1], load_rules(sys.argv[2]).rules, Period.parse("2024Q3"))
"""


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\\nState:\\tZ" in state  # a zombie waiting for a reaper has ended


def test_a_helper_ends_when_its_reader_is_killed_outright() -> None:
    import signal
    import subprocess
    import time

    reader = subprocess.Popen(
        [sys.executable, "-c", HELPER_THAT_WAITS, str(SAMPLE), str(SAMPLE_RULES)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None
    helper = int(reader.stdout.readline())
    reader.send_signal(signal.SIGKILL)  # no cleanup runs in the reader
    reader.wait()
    deadline = time.monotonic() + 10
    while not _gone(helper) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(helper)
