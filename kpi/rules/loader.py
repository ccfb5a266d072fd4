"""Read a rules file (method §4, §9 "Rules") into :class:`Rules`, every problem with its line.

The YAML is composed with ruamel.yaml into nodes, never constructed by it: this
module builds the Python values itself, which is what makes the file safe and
exact.

* Numbers are exact: a YAML float becomes ``Decimal`` of its text (``0.35`` is
  ``Decimal("0.35")``), never a binary float; ints stay ``int``; dates become
  ``datetime.date``.
* Only plain YAML values are accepted. A tag that would construct an object
  (``!!python/object/apply:os.system``), ``!!binary``, ``!!set`` … is an error.
* Anchors and aliases (``&x``/``*x``) are refused outright, before composing.
  A rules file is short and is read by auditors, so repeating a value costs
  little, while aliases are what makes a "billion laughs" file explode; refusing
  them is simpler and safer than capping their expansion.
* Duplicate keys are errors naming the first occurrence (the first value is kept
  so the rest of the file can still be checked).
* Every key and list item gets its line in :attr:`RulesFile.lines`, so each
  pydantic error is reported at the line of the key it is about, in words an HR
  officer can act on (:mod:`kpi.rules.messages` writes those words). All
  problems are reported together, sorted by line.

This module exists so that nothing else has to trust a YAML library with a
file written by hand: it owns reading, composing and building the values, and
the public :class:`RulesFile` / :func:`load_rules` / :func:`parse_rules` API.
"""

from __future__ import annotations

import hashlib
import re
import types
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
    ScalarEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from kpi.errors import Collector, Location, RulesError
from kpi.files import FileProblem, read_regular
from kpi.i18n import Msg, _
from kpi.rules.messages import Keys, _explain, _in, _line_of, _quote, _where
from kpi.rules.schema import Rules

#: Deeper nesting than any rules file needs; refusing it keeps the recursive
#: composer and builder far from Python's recursion limit.
MAX_DEPTH = 32
#: A rules file is a few KB (the reference is 2.3 KB, 259 YAML nodes); parsing
#: YAML in pure Python costs tens of microseconds per token, so the size, the
#: number of values and the length of any one value are capped well above any
#: real file and well below where reading would take seconds.
MAX_RULES_BYTES = 1024**2
MAX_NODES = 10_000
#: Longest text of one value or key; a name or message is far shorter, and a
#: result cell holds at most 32,767 characters.
MAX_SCALAR_CHARS = 4_096

_CORE = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_CORE + t for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}
_TRUE = {"true", "yes", "y", "on"}
_FALSE = {"false", "no", "n", "off"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class RulesFile:
    """A validated rules file with what is needed to point back into it."""

    rules: Rules
    path: str
    sha256: str
    lines: Mapping[Keys, int]

    def line_of(self, *path: str | int) -> int | None:
        """Line of a key or list item; for one not written in the file, its nearest parent's."""
        return _line_of(self.lines, path)


def load_rules(path: str | Path) -> RulesFile:
    """Read and validate a rules file; raise :class:`RulesError` listing every problem."""
    name = str(path)
    try:
        data = read_regular(path, MAX_RULES_BYTES)
    except FileProblem as problem:
        if problem.reason == "missing":
            message = _("rules file not found: {name}", name=name)
        elif problem.reason == "folder":
            message = _("{name} is a directory; give the path of a rules .yaml file", name=name)
        elif problem.reason == "size":
            message = _("{problem} as a rules file (a real one is a few KB)", problem=problem.message)
        else:
            message = problem.message
        raise RulesError.single(message, Location(file=name)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RulesError.single(
            _("rules file is not UTF-8 text; save it as UTF-8"), Location(file=name, line=line)
        ) from None
    return _parse(text, name, hashlib.sha256(data).hexdigest())


def parse_rules(text: str, path: str = "<rules>") -> RulesFile:
    """Validate rules given as text; ``path`` only names the source in messages."""
    return _parse(text, path, hashlib.sha256(text.encode("utf-8")).hexdigest())


def _parse(text: str, path: str, sha256: str) -> RulesFile:
    root = _compose(text, path)
    builder = _Builder(path)
    data = builder.build(root)
    lines = types.MappingProxyType(builder.lines)
    problems = builder.problems
    try:
        rules = Rules.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problem = _explain(error, data, lines, path, builder.broken)
            if problem is not None and problem not in problems.problems:
                problems.extend([problem])
        raise RulesError(problems.problems) from None
    problems.raise_if_any(RulesError)
    return RulesFile(rules=rules, path=path, sha256=sha256, lines=lines)


# YAML text → nodes ---------------------------------------------------------------


def _compose(text: str, path: str) -> MappingNode:
    """Compose the single YAML document into nodes after refusing anchors and deep nesting."""
    yaml = YAML(typ="rt")
    try:
        depth = 0
        nodes = 0
        for event in yaml.parse(text):
            line = event.start_mark.line + 1
            if isinstance(event, NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    raise RulesError.single(
                        _(
                            "more than {limit:,} YAML values: a rules file has a few hundred; "
                            "is this the rules file?",
                            limit=MAX_NODES,
                        ),
                        Location(file=path, line=line),
                    )
            if isinstance(event, ScalarEvent) and len(event.value) > MAX_SCALAR_CHARS:
                raise RulesError.single(
                    _(
                        "a value of {size:,} characters, more than the {limit:,} "
                        "a rules file allows in one value: shorten it",
                        size=len(event.value),
                        limit=MAX_SCALAR_CHARS,
                    ),
                    Location(file=path, line=line),
                )
            if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor is not None):
                if isinstance(event, AliasEvent):
                    found = _(
                        "alias *{name} found: anchors and aliases are not allowed in a "
                        "rules file; write each value out in full",
                        name=event.anchor,
                    )
                else:
                    found = _(
                        "anchor &{name} found: anchors and aliases are not allowed in a "
                        "rules file; write each value out in full",
                        name=event.anchor,
                    )
                raise RulesError.single(
                    found,
                    Location(file=path, line=line),
                )
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise RulesError.single(
                        _("nested more than {limit} levels deep", limit=MAX_DEPTH),
                        Location(file=path, line=line),
                    )
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
        root = yaml.compose(text)
    except MarkedYAMLError as exc:
        raise RulesError.single(_syntax(exc), Location(file=path, line=_mark_line(exc))) from None
    except ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        code = f"U+{ord(char[:1] or chr(0)):04X}"
        raise RulesError.single(
            _("character {code} is not allowed in a YAML file", code=code),
            Location(file=path, line=line),
        ) from None
    except YAMLError as exc:
        raise RulesError.single(_("YAML error: {error}", error=str(exc)), Location(file=path)) from None
    if root is None or (isinstance(root, ScalarNode) and root.tag == _CORE + "null"):
        raise RulesError.single(_("rules file is empty"), Location(file=path, line=1))
    if not isinstance(root, MappingNode):
        raise RulesError.single(
            _(
                "the top level of a rules file must be a mapping of keys (name: …, version: …), got {kind}",
                kind=_node_kind(root),
            ),
            Location(file=path, line=root.start_mark.line + 1),
        )
    return root


def _mark_line(exc: MarkedYAMLError) -> int | None:
    mark = exc.problem_mark or exc.context_mark
    return mark.line + 1 if mark is not None else None


def _syntax(exc: MarkedYAMLError) -> Msg:
    """ruamel's problem (its own English words), with where the unfinished construct began
    when that is elsewhere."""
    context = exc.context_mark
    if exc.problem and exc.context and context is not None and context.line + 1 != _mark_line(exc):
        return _(
            "YAML syntax error: {problem} ({context} started at line {line})",
            problem=str(exc.problem),
            context=str(exc.context),
            line=context.line + 1,
        )
    if exc.problem and exc.context:
        return _(
            "YAML syntax error: {problem} ({context})", problem=str(exc.problem), context=str(exc.context)
        )
    if exc.problem or exc.context:
        return _("YAML syntax error: {problem}", problem=str(exc.problem or exc.context))
    return _("YAML syntax error: unreadable YAML")


def _node_kind(node: Node) -> Msg:
    if isinstance(node, SequenceNode):
        return _("a list")
    if isinstance(node, MappingNode):
        return _("a mapping")
    return _("the value {value}", value=repr(node.value))


# nodes → Python values with lines --------------------------------------------------


class _Builder:
    """Builds plain Python values from nodes, recording each key's line and each problem.

    A value that cannot be built (a forbidden tag, a number that does not parse)
    becomes ``None`` and its path is remembered in :attr:`broken`, so the
    validation errors it would cause downstream are not reported twice.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: dict[Keys, int] = {}
        self.problems = Collector()
        self.broken: list[Keys] = []

    def build(self, root: MappingNode) -> Any:
        self.lines[()] = root.start_mark.line + 1
        return self._node(root, ())

    def _fail(self, key_path: Keys, node: Node, message: Msg) -> None:
        self.problems.add(Location(file=self.path, line=node.start_mark.line + 1), message)
        self.broken.append(key_path)

    def _node(self, node: Node, key_path: Keys) -> Any:
        tag = str(node.tag)
        if tag not in _PLAIN_TAGS:
            shown = "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag
            self._fail(
                key_path,
                node,
                _(
                    "tag {tag} is not allowed in a rules file (only plain values, lists and mappings)",
                    tag=shown,
                ),
            )
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, key_path)
        if isinstance(node, SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self.lines[(*key_path, i)] = item.start_mark.line + 1
                items.append(self._node(item, (*key_path, i)))
            return items
        if key_path == ("version",) and tag in (_CORE + "int", _CORE + "float"):
            return node.value  # a version is a label: keep "2024.10" as written
        try:
            return _scalar(tag, node.value)
        except ValueError as exc:
            self._fail(key_path, node, _("{path}: {message}", path=_where(key_path), message=_reason(exc)))
            return None

    def _mapping(self, node: MappingNode, key_path: Keys) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = self._key(key_node, key_path)
            if key is None:
                continue
            if key in result:
                first = self.lines[(*key_path, key)]
                self.problems.add(
                    Location(file=self.path, line=line),
                    _(
                        "duplicate key {key} {where} (first at line {first})",
                        key=_quote(key_node.value),
                        where=_in(key_path),
                        first=first,
                    ),
                )
                continue
            self.lines[(*key_path, key)] = line
            result[key] = self._node(value_node, (*key_path, key))
        return result

    def _key(self, node: Node, key_path: Keys) -> Any:
        tag = str(node.tag)
        if tag == _CORE + "merge":
            self._fail(key_path, node, _("merge keys (<<) are not allowed in a rules file"))
            return None
        if not isinstance(node, ScalarNode) or tag not in _PLAIN_TAGS:
            self._fail(key_path, node, _("keys {where} must be plain text or numbers", where=_in(key_path)))
            return None
        try:
            key = _scalar(tag, node.value)
        except ValueError as exc:
            self._fail(key_path, node, _("key {where}: {message}", where=_in(key_path), message=_reason(exc)))
            return None
        if key is None:
            self._fail(key_path, node, _("empty key {where}", where=_in(key_path)))
        return key


def _reason(exc: ValueError) -> str:
    """The message of a ValueError raised by :func:`_scalar` (a :class:`Msg`)."""
    return exc.args[0] if exc.args and isinstance(exc.args[0], Msg) else str(exc)


def _scalar(tag: str, text: str) -> Any:
    """The exact Python value of a plain scalar; ValueError (with a message) when it won't parse."""
    kind = tag.removeprefix(_CORE)
    if kind == "null":
        return None
    if kind == "bool":
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ValueError(_("cannot read {text} as true or false", text=repr(text)))
    if kind == "int":
        digits = text.replace("_", "")
        for base in (0, 10):
            try:
                return int(digits, base)
            except ValueError:
                pass
        raise ValueError(_("cannot read {text} as a whole number", text=repr(text)))
    if kind == "float":
        special = {".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}
        try:
            return Decimal(special.get(text.lower(), text.replace("_", "")))
        except InvalidOperation:
            raise ValueError(_("cannot read {text} as a number", text=repr(text))) from None
    if kind == "timestamp":
        try:
            if _DATE.fullmatch(text):
                return date.fromisoformat(text)
            return datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(_("cannot read {text} as a date (write YYYY-MM-DD)", text=repr(text))) from None
    return text
