"""Citations and number formatting shared by every explanation.

Input rows are cited as ``sheet!row`` with the sheet named as in the workbook;
rule values as ``rules.yaml:line key.path`` from the loader's line map.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from kpi.engine.results import Results
from kpi.explain.model import show

if TYPE_CHECKING:
    from kpi.rules.loader import RulesFile


class Cite:
    """Builds citations for one run's workbook and rules file."""

    def __init__(self, results: Results) -> None:
        self.rules_file: RulesFile = results.rules_file
        self.sheet_names: Callable[[str], str] = results.inputs.sheet_name

    @classmethod
    def of(cls, rules_file: RulesFile, sheet_names: Callable[[str], str]) -> Cite:
        """Citations for a run that is not one workbook's (the annual appraisal)."""
        made = cls.__new__(cls)
        made.rules_file = rules_file
        made.sheet_names = sheet_names
        return made

    def sheet(self, sheet: str) -> str:
        """A sheet's name as spelled in the workbook."""
        return self.sheet_names(sheet)

    def row(self, sheet: str, row: int) -> str:
        return f"{self.sheet(sheet)}!{row}"

    def rule(self, *path: str | int) -> str:
        rules_file = self.rules_file
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
