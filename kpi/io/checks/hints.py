"""A 姓名 typed where a 工号 belongs: the hint that names the 工号.

Columns that take a 工号 (点数 and 否决 对象, 部门 分管领导, 企业诉求 负责人, 测评 对象)
are often filled with the person's name. When an unknown value equals the 姓名
of exactly one person of 人员 (up to :func:`~kpi.io.names.normalize_name`:
full-width letters, spaces inside), the error ends with
``(did you mean 工号 E01 张伟?)`` (Chinese ``（是否应为工号 E01 张伟？）``); when
several people share that 姓名, it lists their 工号 instead. The hint is a
:class:`~kpi.i18n.Msg` tail, passed as the ``{hint}`` parameter of the message.
"""

from __future__ import annotations

from kpi.i18n import _
from kpi.io.checks.field import Checked
from kpi.io.names import normalize_name

#: At most this many 工号 are listed for a 姓名 several people share.
MAX_LISTED = 5


class NameHints:
    """姓名 → 工号 of 人员, built on first use (most checks find nothing to hint at)."""

    def __init__(self, checked: Checked) -> None:
        self._checked = checked
        self._by_name: dict[str, list[tuple[str, str]]] | None = None

    def _names(self) -> dict[str, list[tuple[str, str]]]:
        if self._by_name is None:
            self._by_name = {}
            people = self._checked.fields.get("people", {})
            if "id" in people and "name" in people:
                ids, names = people["id"].cells(), people["name"].cells()
                for person, name in zip(ids, names, strict=True):
                    if person is not None and name is not None:
                        self._by_name.setdefault(normalize_name(str(name)), []).append((person, name))
        return self._by_name

    def __call__(self, value: str) -> str:
        """`` (did you mean 工号 E01 张伟?)``, the 工号 of a shared 姓名 (a
        :class:`~kpi.i18n.Msg`), or ``""``."""
        found = self._names().get(normalize_name(value), [])
        if len(found) == 1:
            person, name = found[0]
            return _(" (did you mean 工号 {id} {name}?)", id=person, name=name)
        if found:
            listed = ", ".join(person for person, __ in found[:MAX_LISTED])
            if len(found) > MAX_LISTED:
                listed += ", …"
            return _(
                " ({count} people are named {name}: 工号 {ids}; write the 工号)",
                count=len(found),
                name=found[0][1],
                ids=listed,
            )
        return ""
