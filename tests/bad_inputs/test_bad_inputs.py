"""Every one-fault workbook of the corpus is refused with a located, helpful message.

The corpus and its manifest are written by ``make_corpus.py`` beside this file.
For each entry, :func:`kpi.io.workbook.read_workbook` must raise InputError with
a problem at the manifest's sheet and cell whose message holds the key words,
and the input file must be left byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from kpi.errors import InputError, Problem
from kpi.io.workbook import read_workbook
from kpi.periods import Period
from kpi.rules.loader import load_rules

HERE = Path(__file__).resolve().parent
MANIFEST: list[dict[str, Any]] = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))


def _cell(problem: Problem) -> str | None:
    where = problem.location
    return f"{where.column}{where.row}" if where.column and where.row else None


def _matches(problem: Problem, expected: dict[str, Any]) -> bool:
    return (
        problem.location.sheet == expected["sheet"]
        and _cell(problem) == expected["cell"]
        and all(word in problem.message for word in expected["words"])
    )


def _read(entry: dict[str, Any]) -> InputError:
    rules = load_rules(HERE / entry["rules"]).rules
    with pytest.raises(InputError) as caught:
        read_workbook(HERE / entry["file"], rules, Period.parse(entry["period"]))
    return caught.value


def test_corpus_is_big_enough() -> None:
    assert len(MANIFEST) >= 40
    assert len({e["file"] for e in MANIFEST}) == len(MANIFEST)


def test_base_workbook_reads_cleanly() -> None:
    rules = load_rules(HERE / "rules.yaml").rules
    inputs = read_workbook(HERE / "base.xlsx", rules, Period.parse("2024Q3"))
    assert len(inputs.people) == 8
    assert inputs.warnings == []


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_fault_is_located_and_explained(entry: dict[str, Any]) -> None:
    path = HERE / entry["file"]
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    error = _read(entry)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert all(p.location.file == str(path) for p in error.problems)
    assert any(_matches(p, entry) for p in error.problems), "\n".join(str(p) for p in error.problems)
    for expected in entry.get("all", []):
        assert any(_matches(p, expected) for p in error.problems), (expected, str(error))


def test_multiple_faults_are_reported_together_in_order() -> None:
    entry = next(e for e in MANIFEST if "all" in e)
    error = _read(entry)
    assert len(error.problems) == len(entry["all"])
    for problem, expected in zip(error.problems, entry["all"], strict=True):
        assert _matches(problem, expected), (str(problem), expected)


def test_one_fault_gives_one_problem() -> None:
    """A single fault must not drown in consequential noise (the corpus is one-fault)."""
    noisy = {}
    for entry in MANIFEST:
        if "all" in entry:
            continue
        error = _read(entry)
        if len(error.problems) != 1:
            noisy[entry["file"]] = [str(p) for p in error.problems]
    assert noisy == {}
