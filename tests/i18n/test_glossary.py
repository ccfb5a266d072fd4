"""Every key of the rules schema has a Chinese name (kpi.i18n.glossary)."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from kpi.i18n import KeyPath, _, gloss
from kpi.i18n.glossary import GLOSSARY
from kpi.rules.schema import Rules


def _models(annotation: Any, suffix: str = "") -> Iterator[tuple[str, type[BaseModel]]]:
    """The models inside a field's type; ``.*`` for each dict level (a user's key)."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield suffix, annotation
    elif origin is typing.Annotated or origin is list:
        yield from _models(typing.get_args(annotation)[0], suffix)
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _models(arg, suffix)
    elif origin is dict:
        yield from _models(typing.get_args(annotation)[1], f"{suffix}.*")


def schema_paths(model: type[BaseModel] = Rules, prefix: str = "") -> Iterator[str]:
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path
        for suffix, inner in _models(field.annotation):
            yield from schema_paths(inner, f"{path}{suffix}.")


def test_every_schema_key_has_a_gloss() -> None:
    paths = set(schema_paths())
    assert len(paths) > 100
    assert sorted(paths - set(GLOSSARY)) == []


def test_no_gloss_for_a_key_the_schema_lacks() -> None:
    assert sorted(set(GLOSSARY) - set(schema_paths())) == []


def test_glosses_are_chinese() -> None:
    assert all(name and not name.isascii() for name in GLOSSARY.values())


def test_gloss() -> None:
    assert gloss("points.events", "zh") == "points.events（点数事项目录）"
    assert gloss("points.events", "en") == "points.events"
    assert gloss("points.events.S02.points", "zh") == "points.events.S02.points（点数事项目录 S02 默认点数）"
    assert gloss("grades.bands[2].min", "zh") == "grades.bands[2].min（等次列表 第3项 最低分）"
    assert gloss("roles.main_leader[0]", "zh") == "roles.main_leader[0]（主要领导职务 第1项）"
    assert gloss("individual.by_role.科长.personal", "zh").endswith("（按职务的个人权重 科长 个人得分权重）")
    assert gloss("quata", "zh") == "quata"  # not a key of the schema: as written


def test_key_path_parameter() -> None:
    message = _("{path} is missing", path=KeyPath("veto.max_grade"))
    assert message == "veto.max_grade is missing"
    assert message.to("zh") == "veto.max_grade（一票否决 最高等次） is missing"  # msgid not in the catalogue
