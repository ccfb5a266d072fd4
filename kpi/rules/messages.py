"""Turn pydantic validation errors on a rules file into located, plain-words messages.

Pydantic reports an error at a ``loc`` in *its* terms: discriminated-union tags
it inserted, dict keys by their ``repr``, type names such as ``decimal_parsing``.
The people who fix a rules file are HR officers, so each error is mapped back
to the key path and line as written in the file, and to a message that says
what is wrong there (``grades.bands[0].min must be ≥ 0, got -1``), with a
"did you mean" for a misspelt key or choice.

This lives apart from :mod:`kpi.rules.loader` because it is a separate job:
the loader reads YAML into values with their lines; this module only explains
why those values do not fit :class:`~kpi.rules.schema.Rules`. It imports
nothing from the loader (the loader imports from it), so there is no cycle.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from kpi.errors import Location, Problem
from kpi.i18n import KeyName, KeyPath, Msg, _
from kpi.rules.schema import Band, Rules

#: A key path in a rules file as a tuple: mapping keys as written and list indexes
#: (shown in messages as a :class:`~kpi.i18n.KeyPath`, ``grades.bands[0].min``).
Keys = tuple[Any, ...]


def _line_of(lines: Mapping[Keys, int], path: Keys) -> int | None:
    for end in range(len(path), -1, -1):
        line = lines.get(tuple(path[:end]))
        if line is not None:
            return line
    return None


def _explain(
    error: Mapping[str, Any],
    data: Any,
    lines: Mapping[Keys, int],
    path: str,
    broken: list[Keys],
) -> Problem | None:
    """Turn one pydantic error into a located, human message (None if already reported)."""
    target = _Target.resolve(tuple(error["loc"]), data)
    ctx = error.get("ctx") or {}
    key_path = target.path
    if "at" in ctx:  # a cross-key check of the schema names the value to blame
        key_path = _real_path(data, (*key_path, *ctx["at"]))
    if any(key_path[: len(b)] == b for b in broken):
        return None
    location = Location(file=path, line=_line_of(lines, key_path))
    raised = _raised(error) if "at" in ctx else None
    if raised is not None:
        message: str = raised
    elif "at" in ctx:
        message = str(error["msg"])
    else:
        message = _message(error, target, data)
    return Problem(location, message)


@dataclass(frozen=True)
class _Target:
    """What a pydantic ``loc`` points at, in terms of the file and of the schema.

    ``path`` is the key path in the file (the discriminated-union tag that
    pydantic inserts is dropped, dict keys are the file's own keys); ``parent``
    is the schema type of the container, ``variant`` the rank_score method
    when the container is one of its models, ``annotation`` the expected type.
    """

    path: Keys
    parent: Any
    annotation: Any
    variant: str | None
    is_key: bool

    @classmethod
    def resolve(cls, loc: Keys, data: Any) -> _Target:
        annotation: Any = Rules
        parent: Any = None
        tag: tuple[str, Any] | None = None  # the last union tag met, with its model
        path: list[Any] = []
        is_key = False
        for part in loc:
            if part == "[key]":
                is_key = True
                break
            annotation = _unwrap(annotation)
            chosen = _variant(annotation, part)
            if chosen is not None:
                annotation, tag = chosen, (str(part), chosen)
                continue
            parent = annotation
            path.append(part)
            annotation = _child(annotation, part)
        variant = tag[0] if tag is not None and tag[1] is parent else None
        return cls(_real_path(data, tuple(path)), parent, annotation, variant, is_key)


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``| None`` to the type that describes the value."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _variants(annotation: Any) -> dict[str, type[BaseModel]]:
    """Tag → model for a discriminated union (rank_score), else empty."""
    if get_origin(annotation) not in (Union, types.UnionType):
        return {}
    found: dict[str, type[BaseModel]] = {}
    for model in get_args(annotation):
        if isinstance(model, type) and issubclass(model, BaseModel):
            for name, field in model.model_fields.items():
                if name == "method" and get_origin(field.annotation) is Literal:
                    found.update(dict.fromkeys(get_args(field.annotation), model))
    return found


def _variant(annotation: Any, part: Any) -> type[BaseModel] | None:
    return _variants(annotation).get(part) if isinstance(part, str) else None


def _child(annotation: Any, part: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(part) if isinstance(part, str) else None
        return field.annotation if field is not None else None
    origin = get_origin(annotation)
    if origin is dict:
        return get_args(annotation)[1]
    if origin is list:
        return get_args(annotation)[0]
    return None


def _real_path(data: Any, loc: Keys) -> Keys:
    """Map pydantic's loc parts to the file's own keys.

    Pydantic reports a key it could not use by its repr (``"Decimal('1.5')"``).
    """
    path: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part not in node:
            part = next((k for k in node if repr(k) == part or str(k) == part), part)
        path.append(part)
        node = _get(node, part)
    return tuple(path)


def _get(node: Any, part: Any) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _value_at(data: Any, path: Keys) -> Any:
    for part in path:
        data = _get(data, part)
    return data


def _where(path: Keys) -> KeyPath:
    """``("grades", "bands", 0, "min")`` → ``grades.bands[0].min`` (glossed in Chinese)."""
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return KeyPath(text)


def _in(path: Keys) -> Msg:
    """``in grades.bands[0]``, or ``at the top level``."""
    return _("in {path}", path=_where(path)) if path else _("at the top level")


def _quote(value: Any) -> str:
    return f"'{value}'"


def _show(value: Any) -> str:
    """A value as the user wrote it in YAML (a mapping or list described in words)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal) and not value.is_finite():
        return {"Infinity": ".inf", "-Infinity": "-.inf"}.get(str(value), ".nan")
    return str(value)


def _suggest(word: Any, choices: list[str]) -> str:
    """`` — did you mean 'x'?`` for the closest choice, else nothing."""
    close = difflib.get_close_matches(str(word), choices, n=1)
    return _(" — did you mean {choice}?", choice=_quote(close[0])) if close else ""


def _allowed_here(model: type[BaseModel], key: str, data: Any, at: Keys) -> bool:
    """Whether ``key`` of ``model`` at ``at`` would be accepted in this file (for "allowed: …" lists).

    A band's ``quota_by_department_grade`` is accepted with ``quota_scope: department`` only
    (that of its own grades section: ``grades`` or ``annual.grades``).
    """
    if model is Band and key == "quota_by_department_grade":
        return _value_at(data, (*at[:-2], "quota_scope")) == "department"
    return True


_KINDS = {
    "decimal": _("a number"),
    "float": _("a number"),
    "finite_number": _("a finite number"),
    "int": _("a whole number"),
    "string": _("text"),
    "bool": _("true or false"),
    "model": _("a mapping (key: value)"),
    "dict": _("a mapping (key: value)"),
    "list": _("a list"),
    "date": _("a date (YYYY-MM-DD)"),
}
_BOUNDS = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤"}


def _raised(error: Mapping[str, Any]) -> Msg | None:
    """The message a check of the schema raised: carried in ``ctx`` as ``message`` (a
    ``PydanticCustomError``) or as the ``ValueError`` itself."""
    ctx = error.get("ctx") or {}
    message = ctx.get("message")
    if isinstance(message, Msg):
        return message
    raised = ctx.get("error")
    if isinstance(raised, ValueError) and raised.args and isinstance(raised.args[0], Msg):
        return raised.args[0]
    return None


def _message(error: Mapping[str, Any], target: _Target, data: Any) -> Msg:
    kind = str(error["type"])
    ctx = error.get("ctx") or {}
    path = target.path
    where = _where(path)
    value = error["input"] if target.is_key else _value_at(data, path)
    parent = _unwrap(target.parent)
    field_of_model = (
        isinstance(parent, type)
        and issubclass(parent, BaseModel)
        and bool(path)
        and path[-1] in parent.model_fields
    )
    if kind == "missing" or (value is None and field_of_model and not target.is_key):
        key, within = KeyName(_quote(path[-1]), str(_where(path))), _in(path[:-1])
        if kind == "missing":
            return _("missing required key {key} {where}", key=key, where=within)
        return _("missing required key {key} {where} (null counts as missing)", key=key, where=within)
    if kind == "extra_forbidden":
        is_model = isinstance(parent, type) and issubclass(parent, BaseModel)
        allowed = (
            [k for k in parent.model_fields if _allowed_here(parent, k, data, path[:-1])] if is_model else []
        )
        unknown, within, hint = _quote(path[-1]), _in(path[:-1]), _suggest(path[-1], allowed)
        if target.variant:
            return _(
                "unknown key {key} {where} for method {method} (allowed: {allowed}){hint}",
                key=unknown,
                where=within,
                method=target.variant,
                allowed=", ".join(allowed),
                hint=hint,
            )
        return _(
            "unknown key {key} {where} (allowed: {allowed}){hint}",
            key=unknown,
            where=within,
            allowed=", ".join(allowed),
            hint=hint,
        )
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tags = list(_variants(_unwrap(target.annotation)))
        tag = _value_at(data, (*path, "method"))
        if tag is None:
            return _(
                "missing required key 'method' in {path} (one of: {choices})",
                path=where,
                choices=", ".join(tags),
            )
        return _(
            "{path} must be one of {choices}, got {value}{hint}",
            path=_where((*path, "method")),
            choices=", ".join(tags),
            value=_show(tag),
            hint=_suggest(tag, tags),
        )
    if kind == "literal_error" and target.is_key:  # a key of a mapping with fixed keys (Q1–Q4)
        choices = [str(c) for c in get_args(_unwrap(get_args(parent)[0]))]
        return _(
            "unknown key {key} in {path} (one of: {choices}){hint}",
            key=_show(value),
            path=_where(path[:-1]),
            choices=", ".join(choices),
            hint=_suggest(value, choices) if isinstance(value, str) else "",
        )
    if kind == "literal_error":
        choices = [str(c) for c in get_args(_unwrap(target.annotation))]
        return _(
            "{path} must be one of {choices}, got {value}{hint}",
            path=where,
            choices=", ".join(choices),
            value=_show(value),
            hint=_suggest(value, choices) if isinstance(value, str) else "",
        )
    if kind in ("too_short", "string_too_short"):
        need = _("must not be empty") if kind == "string_too_short" else _("must list at least one item")
        if kind == "too_short" and ctx.get("min_length", 1) != 1:
            need = _(
                "must list {n} items or more, got {actual}",
                n=ctx["min_length"],
                actual=ctx.get("actual_length"),
            )
        if target.is_key:
            return _("a key of {path} {need}", path=_where(path[:-1]), need=need)
        return _("{path} {need}", path=where, need=need)
    if kind == "too_long":
        return _(
            "{path} must list at most {n} items, got {actual}",
            path=where,
            n=ctx.get("max_length"),
            actual=ctx.get("actual_length"),
        )
    if kind == "decimal_max_places":
        return _(
            "{path} must have at most {places} decimal places (a published score), got {value}",
            path=where,
            places=ctx.get("decimal_places"),
            value=_show(value),
        )
    bound = next((b for b in _BOUNDS if b in ctx and kind.startswith(("greater", "less"))), None)
    if bound is not None:
        rule = _("must be {op} {bound}", op=_BOUNDS[bound], bound=ctx[bound])
    else:
        expected = next((v for k, v in _KINDS.items() if kind.startswith(k)), None)
        if expected is None:
            raised = _raised(error)
            if raised is not None:
                return _("{path}: {message}", path=where, message=raised)
            # pydantic's own words (English): a check this module does not know
            return _("{path}: {message}", path=where, message=str(error["msg"]).removeprefix("Value error, "))
        rule = _("must be {kind}", kind=expected)
    if target.is_key:
        key = error["input"]
        if kind == "string_type" and key is not None:
            return _(
                "key {key} of {path} {rule} (quote it: {quoted})",
                key=_show(key),
                path=_where(path[:-1]),
                rule=rule,
                quoted=_quote(key),
            )
        return _("key {key} of {path} {rule}", key=_show(key), path=_where(path[:-1]), rule=rule)
    return _("{path} {rule}, got {value}", path=where, rule=rule, value=_show(value))
