"""The rounding every published number goes through (method §2)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpi.numbers import r2, r6, round0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("89.995", "90.00"),  # half away from zero, up
        ("-2.345", "-2.35"),  # and down
        ("0.125", "0.13"),
        ("3", "3.00"),
        # A small negative value rounds to zero, published unsigned: Excel's
        # ROUND(-0.002, 2) is 0, and a CSV or explain line reading -0.00 would be wrong.
        ("-0.002", "0.00"),
        ("-0.0049999", "0.00"),
        ("-0.005", "-0.01"),
    ],
)
def test_r2(value: str, expected: str) -> None:
    assert str(r2(Decimal(value))) == expected


@pytest.mark.parametrize(("value", "expected"), [("2.5", "3"), ("-2.5", "-3"), ("-0.4", "0"), ("0.49", "0")])
def test_round0(value: str, expected: str) -> None:
    assert str(round0(Decimal(value))) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.8550500", "0.85505"), ("1.2000000", "1.2"), ("-0.0000004", "0"), ("0.0000005", "0.000001")],
)
def test_r6(value: str, expected: str) -> None:
    assert str(r6(Decimal(value))) == expected
