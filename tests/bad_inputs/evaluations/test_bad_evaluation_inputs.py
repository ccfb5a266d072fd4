"""Every one-fault workbook of the evaluations and curves corpus is refused, located and explained.

The corpus is written by ``make_corpus.py`` beside this file (see there). Each
fault must give exactly one problem, at the manifest's sheet and cell, whose
message holds the key words; the base workbook must read and score cleanly.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from kpi.engine.run import score
from kpi.errors import InputError, Problem
from kpi.io.workbook import read_workbook
from kpi.periods import Period
from kpi.rules.loader import load_rules

HERE = Path(__file__).resolve().parent
MANIFEST: list[dict[str, Any]] = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
PERIOD = Period.parse("2024Q3")


def _cell(problem: Problem) -> str | None:
    where = problem.location
    return f"{where.column}{where.row}" if where.column and where.row else None


def test_base_workbook_reads_and_scores_cleanly() -> None:
    rules_file = load_rules(HERE / "rules.yaml")
    inputs = read_workbook(HERE / "base.xlsx", rules_file.rules, PERIOD)
    assert inputs.warnings == []
    assert len(inputs.evaluations) == 8
    assert list(inputs.indicators["curve"]) == ["增长型", None, None, None]
    results = score(inputs, rules_file, PERIOD)
    # 招商部's 服务企业 scores 88, 92, 90: trim 1 keeps 90 → G = 90.00, E = 90.00.
    scores = results.evaluations.score_of()
    assert scores["招商部"] == 90


def test_corpus_covers_every_fault() -> None:
    assert len(MANIFEST) >= 14
    files = ["base.xlsx", *(e["file"] for e in MANIFEST)]
    assert sorted(p.name for p in HERE.glob("*.xlsx")) == sorted(files)


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_fault_is_the_one_problem_located_and_explained(entry: dict[str, Any]) -> None:
    path = HERE / entry["file"]
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    rules = load_rules(HERE / entry["rules"]).rules
    with pytest.raises(InputError) as caught:
        read_workbook(path, rules, Period.parse(entry["period"]))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    [problem] = caught.value.problems
    assert problem.location.file == str(path)
    assert problem.location.sheet == entry["sheet"], str(problem)
    assert _cell(problem) == entry["cell"], str(problem)
    assert all(word in problem.message for word in entry["words"]), str(problem)
