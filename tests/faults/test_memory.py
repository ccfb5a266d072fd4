"""Not enough memory is one ``error:`` line and exit 1, never calamine's abort (exit 134).

calamine aborts the process when an allocation fails, so the reader compares
the workbook's declared XML size (from the zip directory) with the memory left
before reading; a MemoryError where Python raises one is caught too.
"""

from __future__ import annotations

import io
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.process import lines, run_kpi
from support.worked import Worked
from typer.testing import CliRunner

from kpi import api
from kpi.cli import app
from kpi.io import memory

runner = CliRunner()


def inflated(source: Path, target: Path, declared: int, stored: int) -> Path:
    """``source`` plus an XML part of ``stored`` random bytes that declares ``declared`` bytes.

    The ratio stays under the zip-bomb limit (100), so only the memory check
    can refuse it, from the zip directory, before anything is inflated.
    """
    buffer = io.BytesIO(source.read_bytes())
    with zipfile.ZipFile(buffer, "a") as book:
        book.writestr(zipfile.ZipInfo("xl/worksheets/sheet99.xml"), bytes(stored), zipfile.ZIP_STORED)
    data = bytearray(buffer.getvalue())
    name = b"xl/worksheets/sheet99.xml"
    pos = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    assert data[pos + 46 : pos + 46 + len(name)] == name
    struct.pack_into("<I", data, pos + 24, declared)  # uncompressed size in the central directory
    target.write_bytes(bytes(data))
    return target


def limit_address_space(size: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return apply


def test_large_workbook_under_ulimit_v_is_one_line_exit_1(worked: Worked, tmp_path: Path) -> None:
    book = inflated(worked.input, tmp_path / "big.xlsx", declared=450 * 1024**2, stored=5 * 1024**2)
    out = tmp_path / "r.xlsx"
    done = run_kpi(
        "score", str(book), "--rules", str(worked.rules), "--period", "2024Q3", "--out", str(out),
        preexec_fn=limit_address_space(512 * 1024**2),
    )  # fmt: skip
    assert done.returncode == 1, done
    first, count = lines(done.stderr)
    assert first.startswith(f"error: {book}: reading this workbook needs about 1,350 MiB of memory")
    assert "left under the address-space limit (ulimit -v)" in first
    assert count == "1 problem found; nothing written."
    assert not out.exists()


def test_room_is_measured_under_the_tightest_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    gib = 1024**3
    monkeypatch.setattr(memory, "_limit_room", lambda limit, field: None)
    monkeypatch.setattr(memory, "_cgroup_room", lambda: None)
    monkeypatch.setattr(memory, "_meminfo", lambda: {"MemAvailable": 8 * gib, "SwapFree": gib})
    assert memory.available() == (9 * gib, "the memory available on this machine")
    monkeypatch.setattr(memory, "_cgroup_room", lambda: 2 * gib)
    assert memory.available() == (2 * gib, "the container's memory limit")
    rooms = {resource.RLIMIT_AS: gib // 2, resource.RLIMIT_DATA: gib}
    monkeypatch.setattr(memory, "_limit_room", lambda limit, field: rooms[limit])
    assert memory.available() == (gib // 2, "the address-space limit (ulimit -v)")


def test_room_under_a_real_ulimit_v(tmp_path: Path) -> None:
    script = tmp_path / "room.py"
    script.write_text("from kpi.io.memory import available\nprint(available()[1])\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, timeout=120, check=False,
        preexec_fn=limit_address_space(2 * 1024**3),
    )  # fmt: skip
    assert done.returncode == 0, done
    assert done.stdout.decode().strip() == "the address-space limit (ulimit -v)"


def test_workbook_that_does_not_fit_is_refused(worked: Worked, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "available", lambda: (10 * 1024, "the data-size limit (ulimit -d)"))
    result = runner.invoke(
        app, ["validate", str(worked.input), "--rules", str(worked.rules), "--period", "2024Q3"]
    )
    assert result.exit_code == 1
    [line] = [x for x in result.output.splitlines() if x.startswith("error:")]
    assert line.startswith(f"error: {worked.input}: reading this workbook needs about ")
    assert "left under the data-size limit (ulimit -d)" in line


def test_memory_error_in_the_reader_is_located(worked: Worked, monkeypatch: pytest.MonkeyPatch) -> None:
    def exhausted(*args: object) -> None:
        raise MemoryError

    monkeypatch.setattr("python_calamine.CalamineWorkbook.from_filelike", exhausted)
    result = runner.invoke(
        app, ["validate", str(worked.input), "--rules", str(worked.rules), "--period", "2024Q3"]
    )
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"error: {worked.input}: not enough memory to read the workbook: close other programs, "
        "raise the memory limit, or split the workbook"
    )


def test_memory_error_anywhere_else_is_one_line_exit_1(
    worked: Worked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exhausted(*args: object) -> None:
        raise MemoryError

    monkeypatch.setattr(api, "score", exhausted)
    out = tmp_path / "r.xlsx"
    common = ["--rules", str(worked.rules), "--period", "2024Q3", "--out", str(out)]
    result = runner.invoke(app, ["score", str(worked.input), *common])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: not enough memory to finish; nothing written (close other programs, raise the "
        "memory limit, or split the workbook)"
    ]
    assert not out.exists()
