"""The shape of an explanation: sections of steps, each step a checkable equation.

A :class:`Step` shows the formula, the same formula with the numbers put in
(``expression``), the exact value before rounding where one was rounded, and the
published value, with the sources it read (``点数!12``, ``rules.yaml:9
points.person_cap``). Expressions use only numbers, ``+ − × /``, parentheses
and the functions r2, round0, floor, clamp, min and max, so a reader — or a
test — can recompute every published number from the printed lines alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

Value = Decimal | Fraction | int | str | None


def show(value: Value) -> str:
    """A value as printed in expressions: decimals as written, fractions as a/b."""
    if value is None:
        return "—"
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _differs(exact: Value, value: Value) -> bool:
    """Whether an exact value says more than the published one (120.0 and 120.00 do not)."""
    numbers = (Decimal, Fraction, int)
    if isinstance(exact, numbers) and isinstance(value, numbers):
        return Fraction(exact) != Fraction(value)
    return show(exact) != show(value)


def _short(value: Value) -> str:
    """An exact intermediate for reading: at most 8 decimals, with … when cut."""
    text = show(value)
    whole, dot, decimals = text.partition(".")
    return f"{whole}.{decimals[:8]}…" if dot and len(decimals) > 8 else text


@dataclass
class Step:
    label: str
    value: Value
    formula: str = ""
    expression: str = ""
    exact: Value = None
    sources: list[str] = field(default_factory=list)
    note: str = ""
    #: The value is shown rounded for reading only (a ratio to 6 decimals): "≈", not "=".
    approx: bool = False

    def line(self) -> str:
        parts = [self.label]
        if self.formula:
            parts.append(f"= {self.formula}")
        if self.expression and self.expression.strip("()") != show(self.value):
            parts.append(f"= {self.expression}")
        if self.exact is not None and _differs(self.exact, self.value):
            parts.append(f"= {_short(self.exact)}")
        parts.append(f"{'≈' if self.approx else '='} {show(self.value)}")
        text = " ".join(parts)
        if self.note:
            text += f"  ({self.note})"
        if self.sources:
            text += f"  [{'; '.join(self.sources)}]"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "formula": self.formula,
            "expression": self.expression,
            "exact": None if self.exact is None else show(self.exact),
            "value": None if self.value is None else show(self.value),
            "sources": self.sources,
            "note": self.note,
            "approx": self.approx,
        }


@dataclass
class Fact:
    """A line that states a fact (an input row, a veto cause) rather than computing."""

    text: str
    sources: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"{self.text}  [{'; '.join(self.sources)}]" if self.sources else self.text

    def as_dict(self) -> dict[str, Any]:
        return {"fact": self.text, "sources": self.sources}


@dataclass
class Section:
    title: str
    items: list[Step | Fact] = field(default_factory=list)

    def step(self, *args: Any, **kwargs: Any) -> Step:
        made = Step(*args, **kwargs)
        self.items.append(made)
        return made

    def fact(self, text: str, *sources: str) -> None:
        self.items.append(Fact(text, [s for s in sources if s]))


@dataclass
class Explanation:
    """One member's derivation. Titles are given as ``"中文 english"`` pairs and
    shown in ``lang``: the Chinese word for zh, the English words for en."""

    who: str
    kind: str  # individual | leader | department
    title: str
    lang: str = "zh"
    sections: list[Section] = field(default_factory=list)
    final: dict[str, Value] = field(default_factory=dict)

    def pick(self, pair: str) -> str:
        zh, _, en = pair.partition(" ")
        return en if self.lang == "en" and en else zh

    def section(self, title: str) -> Section:
        made = Section(self.pick(title))
        self.sections.append(made)
        return made

    def lines(self) -> list[str]:
        out = [self.title]
        for section in self.sections:
            out.append("")
            out.append(f"{section.title}")
            out.extend(f"  {item.line()}" for item in section.items)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "who": self.who,
            "kind": self.kind,
            "title": self.title,
            "final": {k: v if isinstance(v, int | None) else show(v) for k, v in self.final.items()},
            "sections": [{"title": s.title, "items": [i.as_dict() for i in s.items]} for s in self.sections],
        }
