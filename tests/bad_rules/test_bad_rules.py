"""Every one-fault rules file is refused with its line and a message that says why.

The corpus is written by ``make_corpus.py`` (see there); ``manifest.json`` is
kept simple ({"file", "line", "words"}) so a CLI-level test can reuse it.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kpi.errors import RulesError
from kpi.rules import load_rules

HERE = Path(__file__).resolve().parent
MANIFEST: list[dict[str, Any]] = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_corpus", HERE / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("case", MANIFEST, ids=[c["file"] for c in MANIFEST])
def test_bad_rules_file_is_refused_at_its_line(case: dict[str, Any]) -> None:
    path = HERE / case["file"]
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    problems = caught.value.problems
    assert all(p.location.file == str(path) for p in problems)
    matching = [
        p for p in problems if p.location.line == case["line"] and all(w in p.message for w in case["words"])
    ]
    assert matching, f"expected line {case['line']} with {case['words']}, got:\n{caught.value}"


def test_corpus_is_large_enough_and_unique() -> None:
    files = [c["file"] for c in MANIFEST]
    assert len(files) >= 15
    assert len(set(files)) == len(files)
    assert sorted(p.name for p in HERE.glob("*.yaml")) == sorted(files)


def test_committed_corpus_matches_the_generator() -> None:
    generator = _generator()
    files, manifest = generator.build(generator.REFERENCE.read_text(encoding="utf-8"))
    assert generator.manifest_text(manifest) == (HERE / "manifest.json").read_text(encoding="utf-8"), (
        "run python tests/bad_rules/make_corpus.py"
    )
    for name, data in files.items():
        assert (HERE / name).read_bytes() == data, f"{name} is stale: run make_corpus.py"
