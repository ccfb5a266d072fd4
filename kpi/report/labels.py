"""Tables of labels (headings, row labels) whose English is a catalogue msgid.

A table is written once, in English, each label marked with ``N_``; indexing it by
a language gives the labels in that language (``LABELS["zh"]["pool"]`` → 奖金池), so
code that reads ``LABELS[lang][key]`` keeps working while the Chinese lives in the
catalogue (kpi/locale/zh_CN/LC_MESSAGES/kpi.po).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kpi.i18n import LANGUAGES, current_language, tr


def translated(value: Any, lang: str) -> Any:
    """``value`` with every label in it (a str, or one inside a tuple, list or dict) in ``lang``."""
    if isinstance(value, str):
        return value if lang == "en" else tr(value, lang)
    if isinstance(value, tuple):
        return tuple(translated(v, lang) for v in value)
    if isinstance(value, list):
        return [translated(v, lang) for v in value]
    if isinstance(value, dict):
        return {k: translated(v, lang) for k, v in value.items()}
    return value


class Labels(Mapping[str, dict[str, Any]]):
    """Language (``zh``, ``en``) → the labels in it, from one table of English labels."""

    def __init__(self, english: dict[str, Any]) -> None:
        self.english = english

    def __getitem__(self, lang: str | None) -> dict[str, Any]:
        lang = lang or current_language()
        if lang not in LANGUAGES:
            raise KeyError(lang)
        result: dict[str, Any] = translated(self.english, lang)
        return result

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)
