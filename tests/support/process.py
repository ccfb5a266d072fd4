"""Running the real ``kpi`` program in a child process, as a user's shell would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

#: A child that has not finished in this time is stuck (a run of the worked
#: quarter takes about 2 s; the machine may be loaded by other tests).
TIMEOUT = 120


def kpi_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kpi", *args]


def child_env(**extra: str) -> dict[str, str]:
    """The test's environment without settings that would change the child's output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KPI_", "PYTHONIOENCODING"))}
    env["KPI_LANG"] = "en"  # the language the suite asserts (tests/conftest.py)
    env.update(extra)
    return env


def run_kpi(
    *args: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    preexec_fn: Callable[[], Any] | None = None,
    stdout: Any = subprocess.PIPE,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``kpi args…`` to the end; output is kept as bytes (the test decodes it)."""
    return subprocess.run(
        kpi_command(*args),
        env=dict(env) if env is not None else child_env(),
        cwd=cwd,
        preexec_fn=preexec_fn,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=TIMEOUT,
        check=False,
    )


def start_kpi(*args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        kpi_command(*args),
        env=dict(env) if env is not None else child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(predicate: Callable[[], bool], what: str, child: subprocess.Popen[bytes] | None = None) -> None:
    """Poll ``predicate`` until it holds (generous bound; fails early if ``child`` ended)."""
    deadline = time.monotonic() + TIMEOUT
    while not predicate():
        if child is not None and child.poll() is not None:
            out, err = child.communicate()
            raise AssertionError(f"kpi ended ({child.returncode}) before {what}:\n{out!r}\n{err!r}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def lines(data: bytes, encoding: str = "utf-8") -> list[str]:
    return data.decode(encoding).splitlines()
