"""Citations and number formatting shared by every explanation.

Input rows are cited as ``sheet!row`` with the sheet named as in the workbook;
rule values as ``rules.yaml:line key.path`` from the loader's line map.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from kpi.engine.results import Results
from kpi.explain.model import show


class Cite:
    """Builds citations for one run's workbook and rules file."""

    def __init__(self, results: Results) -> None:
        self.results = results

    def row(self, sheet: str, row: int) -> str:
        return f"{self.results.inputs.sheet_name(sheet)}!{row}"

    def rule(self, *path: str | int) -> str:
        rules_file = self.results.rules_file
        line = rules_file.line_of(*path)
        dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        return f"{rules_file.path}:{line} {dotted}" if line else f"{rules_file.path} {dotted}"


def num(value: Decimal | Fraction | int) -> str:
    """A number for an expression; negatives in parentheses so ``a + (-1)`` reads and parses."""
    text = show(value)
    return f"({text})" if text.startswith("-") else text


def total(values: list[Decimal]) -> str:
    """``a + b + c`` for an expression (``0`` for no terms)."""
    return " + ".join(num(v) for v in values) if values else "0"


def weighted_mean_expression(pairs: Iterable[tuple[Decimal, Decimal]]) -> str:
    """``r2((w₁ × x₁ + w₂ × x₂) / (w₁ + w₂))`` with the numbers of (weight, value) pairs."""
    listed = list(pairs)
    terms = " + ".join(f"{num(w)} × {num(x)}" for w, x in listed)
    return f"r2(({terms}) / ({total([w for w, _ in listed])}))"
