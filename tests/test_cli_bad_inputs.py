"""One-fault workbooks through ``kpi score`` and ``kpi validate --json``.

For each workbook of ``tests/bad_inputs``: exit code 1, an ``error:`` line at
``file:sheet!cell`` (or at the file or sheet) carrying the manifest's key
words, no traceback, the workbook's bytes unchanged, no results file written.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kpi.cli import app

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "bad_inputs"
MANIFEST: list[dict[str, Any]] = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
runner = CliRunner()


def where(path: Path, case: dict[str, Any]) -> str:
    """The location prefix the manifest expects, as the CLI prints it."""
    if case["sheet"] is None:
        return f"{path}"
    if case["cell"] is None:
        return f"{path}:{case['sheet']}"
    return f"{path}:{case['sheet']}!{case['cell']}"


@pytest.mark.parametrize("case", MANIFEST, ids=[c["file"] for c in MANIFEST])
def test_score_refuses_bad_workbook(case: dict[str, Any], tmp_path: Path) -> None:
    book = CORPUS / case["file"]
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    out = tmp_path / "results.xlsx"
    result = runner.invoke(
        app,
        [
            "score",
            str(book),
            "--rules",
            str(CORPUS / case["rules"]),
            "--period",
            case["period"],
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    prefix = f"error: {where(book, case)}"
    lines = [line for line in result.output.splitlines() if line.startswith(prefix)]
    assert any(all(w in line for w in case["words"]) for line in lines), result.output
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_validate_json_lists_every_fault_sorted() -> None:
    case = next(c for c in MANIFEST if "all" in c)
    book = CORPUS / case["file"]
    result = runner.invoke(
        app,
        [
            "validate",
            str(book),
            "--rules",
            str(CORPUS / case["rules"]),
            "--period",
            case["period"],
            "--json",
        ],
    )
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    got = [(e["sheet"], f"{e['column']}{e['row']}") for e in errors]
    assert got == [(f["sheet"], f["cell"]) for f in case["all"]]
    for error, fault in zip(errors, case["all"], strict=True):
        assert error["file"] == str(book)
        assert all(w in error["message"] for w in fault["words"])


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _dev_zero(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


def _stuck(signum: int, frame: object) -> None:
    raise TimeoutError("kpi is still reading after 60 s")


#: Faults that cannot be committed as files, made at run time: (maker, words).
RUNTIME: dict[str, tuple[Callable[[Path], Path], list[str]]] = {
    "fifo.xlsx": (_fifo, ["a named pipe (FIFO)", "not a regular file"]),
    "dev_zero_link.xlsx": (_dev_zero, ["a character device", "/dev/zero", "not a regular file"]),
}


@pytest.mark.parametrize("name", list(RUNTIME))
def test_score_refuses_a_workbook_that_is_no_file(name: str, tmp_path: Path) -> None:
    """Like the corpus: exit 1, an error line at the file, nothing written (and no hang)."""
    make, words = RUNTIME[name]
    folder = tmp_path / "in"
    folder.mkdir()
    book = make(folder / name)
    out = tmp_path / "results.xlsx"
    rules = CORPUS / "rules.yaml"
    previous = signal.signal(signal.SIGALRM, _stuck)
    signal.alarm(60)  # a reader that blocks on the pipe fails the test instead of hanging it
    try:
        result = runner.invoke(
            app, ["score", str(book), "--rules", str(rules), "--period", "2024Q3", "--out", str(out)]
        )
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith(f"error: {book}: ")]
    assert any(all(w in line for w in words) for line in lines), result.output
    assert not out.exists()
