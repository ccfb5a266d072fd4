"""SIGTERM, SIGHUP and SIGINT sent to a real ``kpi score`` while its temporary file exists.

The writer is held just before it places the file (``KPI_TEST_PAUSE_BEFORE_RENAME``
names a flag file the writer creates, holding the temporary file's path, and
waits for the test to remove), so the signal always arrives at the same moment:
no timed sleeps. Each signal must remove the temporary file, leave the output
as it was, print one line on stderr and exit with 128 + the signal number.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from support.process import TIMEOUT, child_env, lines, start_kpi, wait_for
from support.worked import Worked

from kpi import signals
from kpi.report import output

CASES = [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)]


def held_run(worked: Worked, tmp_path: Path, out: Path, *extra: str) -> tuple[subprocess.Popen[bytes], Path]:
    """Start ``kpi score`` and wait until it holds a finished temporary file; return it and that file."""
    flag = tmp_path / "flags" / "pause"
    flag.parent.mkdir(exist_ok=True)
    child = start_kpi(
        "score", str(worked.input), "--rules", str(worked.rules), "--period", "2024Q3",
        "--out", str(out), "-q", *extra,
        env=child_env(KPI_TEST_PAUSE_BEFORE_RENAME=str(flag)),
    )  # fmt: skip
    wait_for(flag.exists, "kpi to hold its temporary file", child)
    temp = Path(flag.read_text(encoding="utf-8"))
    assert temp.exists() and temp.stat().st_size > 1000, temp
    return child, temp


def stop(child: subprocess.Popen[bytes], signum: int) -> tuple[bytes, bytes]:
    try:
        child.send_signal(signum)
        return child.communicate(timeout=TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


@pytest.mark.parametrize(("signum", "code"), CASES, ids=[s.name for s, _ in CASES])
def test_signal_while_writing_removes_the_temporary_file(
    worked: Worked, tmp_path: Path, signum: signal.Signals, code: int
) -> None:
    folder = tmp_path / "results"
    folder.mkdir()
    out = folder / "r.xlsx"
    child, temp = held_run(worked, tmp_path, out)
    stdout, stderr = stop(child, signum)
    assert child.returncode == code
    assert lines(stderr) == [
        f"error: interrupted by {signum.name}: stopped, no results file written or changed"
    ]
    assert stdout == b""
    assert not temp.exists()
    assert list(folder.iterdir()) == []


def test_sigterm_with_force_leaves_the_earlier_results(worked: Worked, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"last quarter's results")
    child, temp = held_run(worked, tmp_path, out, "--force")
    _, stderr = stop(child, signal.SIGTERM)
    assert child.returncode == 143
    assert len(lines(stderr)) == 1
    assert out.read_bytes() == b"last quarter's results"
    assert not temp.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flags", "input.xlsx", "r.xlsx", "rules.yaml"]


def test_signal_during_placing_waits_until_the_file_is_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signals are held while the file is placed: delivered after, saying it was written."""
    out = tmp_path / "r.xlsx"
    real_place = output._place

    def place_then_signal(temp: Path, target: Path, force: bool) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # arrives now, delivered when released
        real_place(temp, target, force)

    def write_whole_file(temp: Path) -> None:
        temp.write_bytes(b"whole file")

    monkeypatch.setattr(output, "_place", place_then_signal)
    previous = {s: signal.getsignal(s) for s in signals.STOPPING}
    signals.install()
    try:
        with pytest.raises(signals.Interrupted) as caught:
            output.write_atomically(out, write_whole_file)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    assert caught.value.signum == signal.SIGTERM and caught.value.written == out
    assert out.read_bytes() == b"whole file"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]
