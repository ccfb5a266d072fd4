"""The shape of an explanation: sections of the steps the engine modules give.

A :class:`~kpi.engine.steps.Step` (one formula with its numbers, made by the
engine module that computes it) or a :class:`~kpi.engine.steps.Fact` (an input
row, a cause) is an item; an :class:`Explanation` lays items out in titled
sections and renders them as lines or as JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kpi.engine.steps import Fact, Item, Step, Value, show

__all__ = ["Explanation", "Fact", "Item", "Section", "Step", "Value", "show"]


@dataclass
class Section:
    title: str
    items: list[Item] = field(default_factory=list)

    def add(self, items: Iterable[Item]) -> Section:
        self.items.extend(items)
        return self

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

    def section(self, title: str, items: Iterable[Item] = ()) -> Section:
        made = Section(self.pick(title), list(items))
        self.sections.append(made)
        return made

    def steps(self) -> list[Step]:
        """Every computed step, in order (facts left out)."""
        return [i for s in self.sections for i in s.items if isinstance(i, Step)]

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
