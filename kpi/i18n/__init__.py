"""Messages in Chinese and English from one catalogue (see docs/messages.md).

A message is written in English inside :func:`_`, with named placeholders::

    raise FileProblem(_("the file is {size}, more than the {limit} this tool reads", size=s, limit=m))

:func:`_` returns a :class:`Msg`: a ``str`` whose value is the English text (so
``"x" in problem.message`` still works), and which renders in Chinese with
``msg.to("zh")`` from the compiled catalogue ``kpi/locale/zh_CN/LC_MESSAGES/kpi.mo``
(read with the standard library; Babel is needed only to rebuild it).
"""

from __future__ import annotations

import gettext
import os
import string
from functools import cache
from pathlib import Path
from typing import Any

from kpi.i18n.glossary import describe, gloss

__all__ = [
    "LANGUAGES",
    "N_",
    "KeyPath",
    "Msg",
    "_",
    "current_language",
    "gloss",
    "render",
    "resolve_language",
    "set_language",
    "tr",
]

#: The languages a message is shown in; the first is the default.
LANGUAGES = ("zh", "en")
#: The environment variable read when no ``--lang`` is given.
ENV = "KPI_LANG"
#: The folder of the compiled catalogues (``zh_CN/LC_MESSAGES/kpi.mo``).
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "kpi"

_FORMATTER = string.Formatter()


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang``, read once (English is the msgid itself)."""
    if lang != "zh":
        return gettext.NullTranslations()
    with open(LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as stream:
        return gettext.GNUTranslations(stream)


def tr(text: str, lang: str | None = None) -> str:
    """``text`` (an English msgid, e.g. a label marked with :func:`N_`) in ``lang``
    (default :func:`current_language`); an unknown text is returned unchanged."""
    return _catalogue(lang or current_language()).gettext(text)


def render(value: object, lang: str | None = None) -> str:
    """``value`` as text in ``lang``: a :class:`Msg` or :class:`KeyPath` translated,
    anything else by ``str()``."""
    if isinstance(value, Msg | KeyPath):
        return value.to(lang or current_language())
    return str(value)


def _format(template: str, params: dict[str, Any], lang: str) -> str:
    values = {k: render(v, lang) if isinstance(v, Msg | KeyPath) else v for k, v in params.items()}
    return template.format(**values)


class Msg(str):
    """A message: its ``str`` value is the English text; :meth:`to` renders it in a language.

    ``msgid`` is the English template (the catalogue key), ``params`` the values
    of its named placeholders. A parameter that is itself a :class:`Msg` (or a
    :class:`KeyPath`) is rendered in the same language. Joining a ``Msg`` with
    ``+`` or an f-string gives a plain English ``str``: make one message with a
    placeholder instead.
    """

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, params: dict[str, Any] | None = None) -> Msg:
        params = dict(params or {})
        self = super().__new__(cls, _format(msgid, params, "en"))
        self.msgid = msgid
        self.params = params
        return self

    def to(self, lang: str | None = None) -> str:
        """The message in ``lang`` (``zh`` or ``en``; default :func:`current_language`)."""
        lang = lang or current_language()
        if lang == "en":
            return str.__str__(self)
        return _format(_catalogue(lang).gettext(self.msgid), self.params, lang)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Msg, (self.msgid, self.params))

    def __repr__(self) -> str:
        return f"_({self.msgid!r}{''.join(f', {k}={v!r}' for k, v in self.params.items())})"


class KeyPath(str):
    """A rules key path as a message parameter: ``points.events`` in English,
    ``points.events（点数事项目录）`` in Chinese (see :func:`gloss`)."""

    def to(self, lang: str | None = None) -> str:
        return gloss(str.__str__(self), lang or current_language())


class KeyName(KeyPath):
    """One key of a rules file as a message parameter, quoted as written
    (``'department_cap'``); Chinese adds the names of its whole path
    (``'department_cap'（点数 部门扣分上限）``), so a missing or misplaced key is
    recognisable to a reader who knows the 考核办法 but not the schema."""

    path: str

    def __new__(cls, shown: str, path: str) -> KeyName:
        made = super().__new__(cls, shown)
        made.path = path
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (KeyName, (str.__str__(self), self.path))

    def to(self, lang: str | None = None) -> str:
        shown = str.__str__(self)
        words = describe(self.path) if (lang or current_language()) == "zh" else ""
        return f"{shown}（{words}）" if words else shown


def _(msgid: str, /, **params: Any) -> Msg:
    """Mark ``msgid`` (English, named placeholders only) as a message and fill it in.

    The name ``_`` is what ``python -m kpi.i18n.catalogue update`` extracts, so
    ``msgid`` must be a string literal at the call.
    """
    return Msg(msgid, params)


def N_(msgid: str, /) -> str:
    """Mark a constant for the catalogue without translating it (translate later with :func:`tr`)."""
    return msgid


def placeholders(template: str) -> set[str]:
    """The names of the placeholders of a message (``{n:,}`` → ``n``)."""
    return {name for _text, name, _spec, _conv in _FORMATTER.parse(template) if name is not None}


# The language ---------------------------------------------------------------------------------

_language: str | None = None


def resolve_language(option: str | None = None) -> str:
    """The language to use: ``option`` (``--lang``) if given, else ``KPI_LANG`` if it is
    ``zh`` or ``en`` (case and a region such as ``zh_CN`` ignored), else ``zh``.

    An unknown ``option`` raises ``ValueError`` (the CLI refuses it); an unknown
    ``KPI_LANG`` is ignored, as a locale setting meant for other programs may be.
    """
    if option is not None:
        if option not in LANGUAGES:
            raise ValueError(f"unknown language {option!r}: use one of {', '.join(LANGUAGES)}")
        return option
    env = os.environ.get(ENV, "").strip().lower().replace("-", "_").split("_")[0]
    return env if env in LANGUAGES else LANGUAGES[0]


def set_language(lang: str | None) -> None:
    """Set the process default (the CLI calls it once with ``resolve_language(--lang)``);
    ``None`` goes back to reading ``KPI_LANG``."""
    global _language
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    _language = lang


def current_language() -> str:
    """The language used where none is passed: as set by :func:`set_language`,
    else :func:`resolve_language` from ``KPI_LANG``."""
    return _language or resolve_language(None)
