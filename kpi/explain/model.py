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
from kpi.i18n import current_language, tr

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
    """One member's derivation, shown in ``lang`` (None: :func:`current_language`).

    Section titles are English msgids marked with ``N_`` and shown through the
    catalogue; the older ``"中文 english"`` pairs (:meth:`pick`) are still read."""

    who: str
    kind: str  # individual | leader | department
    title: str
    lang: str | None = None
    sections: list[Section] = field(default_factory=list)
    final: dict[str, Value] = field(default_factory=dict)

    @property
    def language(self) -> str:
        return self.lang or current_language()

    def pick(self, pair: str) -> str:
        """A ``"中文 english"`` pair in this explanation's language."""
        zh, __, en = pair.partition(" ")
        return en if self.language == "en" and en else zh

    def heading(self, title: str) -> str:
        """A title in this explanation's language: an ``N_`` msgid, or a ``"中文 english"`` pair."""
        if title and "\u4e00" <= title[0] <= "\u9fff":
            return self.pick(title)
        return tr(title, self.language)

    def section(self, title: str, items: Iterable[Item] = ()) -> Section:
        made = Section(self.heading(title), list(items))
        self.sections.append(made)
        return made

    def steps(self) -> list[Step]:
        """Every computed step, in order (facts left out)."""
        return [i for s in self.sections for i in s.items if isinstance(i, Step)]

    def lines(self, lang: str | None = None) -> list[str]:
        """The explanation as printed lines, in ``lang`` (default: its own language)."""
        lang = lang or self.language
        out = [self.title]
        for section in self.sections:
            out.append("")
            out.append(f"{section.title}")
            out.extend(f"  {item.line(lang)}" for item in section.items)
        return out

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        lang = lang or self.language
        return {
            "who": self.who,
            "kind": self.kind,
            "title": self.title,
            "final": {k: v if isinstance(v, int | None) else show(v) for k, v in self.final.items()},
            "sections": [
                {"title": s.title, "items": [i.as_dict(lang) for i in s.items]} for s in self.sections
            ],
        }
