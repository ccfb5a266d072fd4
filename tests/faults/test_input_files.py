"""Inputs are regular files read within bounds; an unreadable one is an ``error:`` line, exit 1.

A FIFO used to hang ``kpi`` forever, a symlink to ``/dev/zero`` to allocate
without bound (its size reads as 0), an unreadable file to end in a usage text
with exit 2, and a rules file of a few MB to take minutes to parse. The
in-process cases run under an alarm, so a regression fails instead of hanging.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.process import TIMEOUT, child_env, kpi_command, lines, run_kpi
from support.worked import Worked
from typer.testing import CliRunner

from kpi.cli import app
from kpi.files import FileProblem, _read_at_most, read_regular
from kpi.rules.loader import MAX_NODES, MAX_RULES_BYTES, MAX_SCALAR_CHARS

runner = CliRunner()


@pytest.fixture
def watchdog() -> Iterator[None]:
    """Fail (rather than hang) when a read blocks or never ends."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("kpi is still reading after 60 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


def validate(book: Path, rules: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", str(book), "--rules", str(rules), "--period", "2024Q3"])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_fifo_input_is_refused_at_once_by_the_real_program(worked: Worked, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    done = run_kpi("validate", str(fifo), "--rules", str(worked.rules), "--period", "2024Q3")
    assert done.returncode == 1, done
    assert lines(done.stderr)[0] == (
        f"error: {fifo}: is a named pipe (FIFO), not a regular file: give the file itself"
    )
    assert b"Traceback" not in done.stderr


def test_fifo_rules_in_process(worked: Worked, tmp_path: Path, watchdog: None) -> None:
    # (A FIFO or /dev/zero as the workbook: tests/test_cli_bad_inputs.py, with the corpus.)
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    code, output = validate(worked.input, fifo)
    assert code == 1
    assert error_lines(output) == [
        f"error: {fifo}: is a named pipe (FIFO), not a regular file: give the file itself"
    ]


def test_rules_symlink_to_dev_zero_is_refused(worked: Worked, tmp_path: Path, watchdog: None) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    code, output = validate(worked.input, link)
    assert code == 1
    assert error_lines(output) == [
        f"error: {link}: is a character device (it leads to /dev/zero), not a regular file: "
        "give the file itself"
    ]


def test_verify_refuses_a_fifo_as_the_results(worked: Worked, tmp_path: Path, watchdog: None) -> None:
    fifo = tmp_path / "results.xlsx"
    os.mkfifo(fifo)
    result = runner.invoke(
        app, ["verify", str(fifo), "--input", str(worked.input), "--rules", str(worked.rules)]
    )
    assert result.exit_code == 1
    assert error_lines(result.output) == [
        f"error: {fifo}: is a named pipe (FIFO), not a regular file: give the file itself"
    ]


def test_input_over_the_size_limit(worked: Worked, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kpi.io.sources.MAX_FILE_BYTES", 1024)
    code, output = validate(worked.input, worked.rules)
    assert code == 1
    [line] = error_lines(output)
    assert line.startswith(f"error: {worked.input}: the file is ") and "more than the 1 KiB" in line


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder the user ``nobody`` can enter (pytest's own folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="kpi-faults-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize("which", ["input", "rules"])
def test_unreadable_file_is_exit_1_with_an_error_line(
    which: str, worked: Worked, shared_folder: Path
) -> None:
    book, rules = shared_folder / "季度 输入.xlsx", shared_folder / "rules.yaml"
    shutil.copy(worked.input, book)
    shutil.copy(worked.rules, rules)
    for path in (book, rules):
        path.chmod(0o644)
    locked = book if which == "input" else rules
    locked.chmod(0)
    args = ["validate", str(book), "--rules", str(rules), "--period", "2024Q3"]
    if os.geteuid() == 0:  # root reads anything: run kpi as nobody
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a file unreadable to kpi")
        nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        done = subprocess.run(
            [*nobody, *kpi_command(*args)], env=child_env(), capture_output=True, timeout=TIMEOUT
        )
    else:
        done = run_kpi(*args)
    assert done.returncode == 1, done
    err = lines(done.stderr)
    assert err[0] == (
        f"error: {locked}: cannot read the file: permission denied (the file is not readable by this user)"
    )
    assert not any("Usage" in line for line in err)
    assert stat.S_IMODE(locked.stat().st_mode) == 0


def rules_text(worked: Worked) -> str:
    return worked.rules.read_text(encoding="utf-8")


def test_rules_file_over_the_size_limit_is_refused_unread(worked: Worked) -> None:
    big = worked.rules.with_name("big.yaml")
    big.write_text(rules_text(worked) + "#" * MAX_RULES_BYTES, encoding="utf-8")
    started = time.monotonic()
    code, output = validate(worked.input, big)
    assert code == 1
    assert error_lines(output) == [
        f"error: {big}: the file is {big.stat().st_size:,} bytes, more than the 1,048,576 bytes "
        "this tool reads as a rules file (a real one is a few KB)"
    ]
    assert time.monotonic() - started < 30


def test_rules_with_too_many_values_stop_early(worked: Worked) -> None:
    # Just under the size limit: a flow list of ~500,000 numbers used to take a minute to parse.
    crowded = worked.rules.with_name("crowded.yaml")
    text = rules_text(worked)
    count = (MAX_RULES_BYTES - len(text.encode()) - 20) // 2
    crowded.write_text(text + "extra: [" + ",".join(["1"] * count) + "]\n", encoding="utf-8")
    assert crowded.stat().st_size <= MAX_RULES_BYTES
    started = time.monotonic()
    code, output = validate(worked.input, crowded)
    assert code == 1
    [line] = error_lines(output)
    last = len(text.splitlines()) + 1
    assert line == (
        f"error: {crowded}:{last}: more than {MAX_NODES:,} YAML values: a rules file has a few "
        "hundred; is this the rules file?"
    )
    assert time.monotonic() - started < 30


def test_rules_name_of_a_megabyte_is_refused(worked: Worked) -> None:
    text = rules_text(worked)
    name_line = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("name:"))
    long = worked.rules_variant("\nname: ", "\nname: " + "名" * (MAX_SCALAR_CHARS + 1))
    code, output = validate(worked.input, long)
    assert code == 1
    [line] = error_lines(output)
    assert line.startswith(f"error: {long}:{name_line}: a value of ")
    assert "more than the 4,096 a rules file allows in one value" in line
    huge = worked.rules_variant("\nname: ", "\nname: " + "名" * 1024**2, name="huge.yaml")
    code, output = validate(worked.input, huge)
    assert code == 1 and "a rules file (a real one is a few KB)" in output


def test_read_regular_bounds(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"x" * 1000)
    assert read_regular(path, 1000) == b"x" * 1000
    with pytest.raises(
        FileProblem, match="the file is 1,000 bytes, more than the 999 bytes this tool reads"
    ) as caught:
        read_regular(path, 999)
    assert caught.value.reason == "size"
    # A file that grows while it is read: the read stops one byte past the limit.
    assert _read_at_most(io.BytesIO(b"y" * 5000), most=2001, expected=1001) == b"y" * 2001
    assert _read_at_most(io.BytesIO(b"y" * 10), most=2001, expected=1001) == b"y" * 10
