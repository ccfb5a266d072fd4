"""Rules built in code for engine unit tests (no YAML, no workbook)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from support.rules import BASE

from kpi.rules.schema import Rules

D = Decimal


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and "method" not in value:
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def build_rules(**changes: Any) -> Rules:
    """The worked-quarter rules with nested ``changes`` merged in."""
    return Rules.model_validate(_merge(BASE, changes))


@pytest.fixture
def make_rules() -> Callable[..., Rules]:
    return build_rules


@pytest.fixture
def rules() -> Rules:
    return build_rules()
