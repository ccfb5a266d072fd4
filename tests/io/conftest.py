"""Fixtures for the workbook reader's tests: the worked quarter's rules and data.

The base data (:data:`BASE`) and the workbook writer are those of the bad-input
corpus (``tests/bad_inputs/make_corpus.py``), loaded by path so both test
folders build their workbooks from one definition.
"""

from __future__ import annotations

import copy
import importlib.util
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kpi.periods import Period
from kpi.rules.schema import Rules

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
DATA = Path(__file__).resolve().parent / "data"


def _corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_corpus", TESTS / "bad_inputs" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CORPUS = _corpus_module()
BASE: dict[str, list[list[Any]]] = CORPUS.BASE
RULES_YAML = TESTS / "bad_inputs" / "rules.yaml"

Sheets = dict[str, list[list[Any]]]


def load_test_rules(path: Path) -> Rules:
    """Rules through the real loader; plain YAML with exact decimals if it is missing.

    The fallback turns YAML floats into ``Decimal(str(x))``, which is exact for
    the short decimals of these rules files (0.35 → Decimal('0.35')).
    """
    try:
        from kpi.rules.loader import load_rules
    except ImportError:
        import yaml

        def exact(value: Any) -> Any:
            if isinstance(value, float):
                return Decimal(str(value))
            if isinstance(value, dict):
                return {k: exact(v) for k, v in value.items()}
            if isinstance(value, list):
                return [exact(v) for v in value]
            return value

        return Rules.model_validate(exact(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return load_rules(path).rules


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_test_rules(RULES_YAML)


@pytest.fixture(scope="session")
def period() -> Period:
    return Period.parse("2024Q3")


@pytest.fixture
def sheets() -> Sheets:
    """A fresh, editable copy of the worked quarter's sheets."""
    return copy.deepcopy(BASE)


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """``write(sheets, name='in.xlsx')`` writes a workbook into tmp_path and returns its path."""

    def _write(data: Sheets, name: str = "in.xlsx") -> Path:
        path: Path = CORPUS.write_book(tmp_path / name, data)
        return path

    return _write
