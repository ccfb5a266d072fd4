"""What changed between two rules files, in terms of the rules rather than the text.

An HR officer reviewing a new 考核办法 wants to know which rules changed and which
published numbers that can move — not which lines were re-indented. So the
*validated* models are compared, never the YAML text:

* numbers are the exact decimals of the schema, so ``1.2`` and ``1.20`` are equal;
  comments, formatting, quoting and key order are invisible;
* grade bands are matched by name, so a renamed band reads as one band removed
  and one added, and a changed quota reads as that band's quota;
* lists of roles and veto items are sets: a reordering is no change, and each
  added or removed member is its own change;
* an entry added or removed as a whole (an event code, a band, a coefficient)
  is one change carrying its whole value, not one change per field.

Each change names the parts of the computation (method §6) it can move, from the
table :data:`TOUCHES` below: the longest pattern that is a prefix of the
change's key path wins (``*`` matches any key or band name). The parts are
listed downstream as far as a change can travel — a city-weighting change moves
department scores, hence leaders' and members' scores, hence grades, hence
bonuses. Metadata (name, version, source, effective_from) touches no number.
The service section (method §6.0) makes points events for the people handling
requests, so it moves their points and everything downstream of a person's
points; calendar lists compare as sets, one change per date. The annual
appraisal (method §10) rolls the quarters' *published* results up, so the parts
``annual scores``, ``annual grades`` and ``annual bonus`` are listed for the keys
it reads from the rules itself — ``annual``, ``evaluation`` (the year-end
evaluation) and ``veto.forfeit_bonus``; any other key moves the year only
through quarters scored again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel

from kpi.i18n import N_, KeyPath, _, current_language, tr
from kpi.i18n.glossary import describe
from kpi.rules.loader import Keys, RulesFile
from kpi.rules.schema import Band

#: The parts of the computation, in pipeline order (method §6.1–§6.9; evaluations feed departments;
#: then the annual appraisal of method §10). Each is also its English label (shown with ``tr``).
PARTS = (
    N_("points"),
    N_("coefficients"),
    N_("indicators"),
    N_("city weighting"),
    N_("evaluations"),
    N_("departments"),
    N_("leaders"),
    N_("individuals"),
    N_("vetoes"),
    N_("grades"),
    N_("bonus"),
    N_("annual scores"),
    N_("annual grades"),
    N_("annual bonus"),
)

#: The annual appraisal reads the quarters' published results; what it reads from the rules
#: itself is ``annual``, ``evaluation`` (the year-end 测评) and ``veto.forfeit_bonus``.
_ANNUAL = ("annual scores", "annual grades", "annual bonus")
_DOWNSTREAM_OF_DEPARTMENTS = ("departments", "leaders", "individuals", "grades", "bonus")

# fmt: off
#: key path pattern → the parts of the computation a change there can move.
TOUCHES: dict[str, tuple[str, ...]] = {
    "name":                       (),
    "version":                    (),
    "source":                     (),
    "effective_from":             (),
    "base_score":                 ("individuals", "grades", "bonus"),
    "points.person_cap":          ("points", "leaders", "individuals", "grades", "bonus"),
    "points.department_cap":      ("points", *_DOWNSTREAM_OF_DEPARTMENTS),
    "points.events":              ("points", *_DOWNSTREAM_OF_DEPARTMENTS),
    "coefficients":               ("coefficients", "bonus"),
    "indicators":                 ("indicators", *_DOWNSTREAM_OF_DEPARTMENTS),
    "weighting.rank_score":       ("city weighting", *_DOWNSTREAM_OF_DEPARTMENTS),
    "weighting.leader_in_charge": ("city weighting", "leaders", "grades", "bonus"),
    "weighting.leader_in_charge.evaluation": ("evaluations", "leaders", "grades", "bonus"),
    "weighting.main_leader":      ("leaders", "grades", "bonus"),
    "department":                 _DOWNSTREAM_OF_DEPARTMENTS,
    "individual":                 ("individuals", "grades", "bonus"),
    "roles.main_leader":          ("leaders", "individuals", "grades", "bonus"),
    "roles.leader_in_charge":     ("leaders", "individuals", "vetoes", "grades", "bonus"),
    "roles.department_head":      ("individuals", "vetoes", "grades", "bonus"),
    "veto.items":                 ("vetoes",),
    "veto.score_cap":             ("vetoes", *_DOWNSTREAM_OF_DEPARTMENTS),
    "veto.max_grade":             ("vetoes", "grades", "bonus"),
    "veto.forfeit_bonus":         ("vetoes", "bonus", "annual bonus"),
    "veto.cascade":               ("leaders", "individuals", "vetoes", "grades", "bonus"),
    "grades":                     ("grades", "bonus"),
    "grades.bands.*.factor":      ("bonus",),
    "bonus":                      ("bonus",),
    "service":                    ("points", "leaders", "individuals", "grades", "bonus"),
    "evaluation":                 ("evaluations", *_DOWNSTREAM_OF_DEPARTMENTS, *_ANNUAL),
    "annual":                     _ANNUAL,
    "annual.veto_any_quarter":    ("annual grades", "annual bonus"),
    "annual.veto_max_grade":      ("annual grades", "annual bonus"),
    "annual.min_quarters":        ("annual grades", "annual bonus"),
    "annual.grades":              ("annual grades", "annual bonus"),
    "annual.grades.bands.*.factor": ("annual bonus",),
    "annual.bonus":               ("annual bonus",),
}
# fmt: on

_PATTERNS = [(tuple(key.split(".")), parts) for key, parts in TOUCHES.items()]

Kind = Literal["added", "removed", "changed"]


def touches(logical: tuple[str, ...]) -> tuple[str, ...]:
    """The parts of :data:`PARTS` a change at ``logical`` can move (longest pattern wins)."""
    best: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    for pattern, parts in _PATTERNS:
        fits = len(pattern) <= len(logical) and all(
            p in ("*", s) for p, s in zip(pattern, logical, strict=False)
        )
        if fits and (best is None or len(pattern) > len(best[0])):
            best = (pattern, parts)
    if best is None:
        raise KeyError(f"no TOUCHES entry covers {'.'.join(logical)}")
    return tuple(sorted(best[1], key=PARTS.index))


@dataclass(frozen=True)
class RuleChange:
    """One semantic change; ``old`` is None when added, ``new`` None when removed.

    ``old_line``/``new_line`` are the lines in each file (None on the side
    where the key is absent), so an editor can jump to both.
    """

    path: str
    kind: Kind
    old: Any
    new: Any
    old_line: int | None
    new_line: int | None
    touches: tuple[str, ...]

    def line(self, lang: str | None = None) -> str:
        """``grades.bands[优秀].quota: 0.2 → 0.15  (touches: grades, bonus)``, in ``lang``
        (default :func:`~kpi.i18n.current_language`)."""
        lang = lang or current_language()
        if self.touches:
            parts = _(
                "touches: {parts}",
                parts=("、" if lang == "zh" else ", ").join(tr(p, lang) for p in self.touches),
            )
        else:
            parts = _("metadata")
        path = ChangePath(self.path)
        if self.kind == "added":
            line = _("{path}: added {value}  ({parts})", path=path, value=show(self.new), parts=parts)
        elif self.kind == "removed":
            line = _("{path}: removed {value}  ({parts})", path=path, value=show(self.old), parts=parts)
        else:
            line = _(
                "{path}: {old} → {new}  ({parts})",
                path=path,
                old=show(self.old),
                new=show(self.new),
                parts=parts,
            )
        return line.to(lang)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "old": to_json(self.old),
            "new": to_json(self.new),
            "old_line": self.old_line,
            "new_line": self.new_line,
            "touches": list(self.touches),
        }


def diff_rules(old: RulesFile, new: RulesFile) -> list[RuleChange]:
    """Every semantic change from ``old`` to ``new``, in schema order."""
    return [
        RuleChange(
            path=at.text,
            kind="added" if a is None else "removed" if b is None else "changed",
            old=a,
            new=b,
            old_line=None if at.old is None else old.line_of(*at.old),
            new_line=None if at.new is None else new.line_of(*at.new),
            touches=touches(at.logical),
        )
        for at, a, b in _walk(old.rules, new.rules, _At("", (), (), ()))
    ]


def lines(changes: list[RuleChange], lang: str | None = None) -> list[str]:
    """The changes one per line, or a single line saying there are none, in ``lang``
    (default :func:`~kpi.i18n.current_language`)."""
    if not changes:
        return [_("no changes to the rules (comments, formatting and key order are ignored)").to(lang)]
    return [change.line(lang) for change in changes]


class ChangePath(KeyPath):
    """The path of a change as shown, where a band is named in brackets
    (``grades.bands[优秀].quota``): in Chinese, glossed with the band's name in
    place of its position (``（等次列表 优秀 名额比例）``)."""

    def to(self, lang: str | None = None) -> str:
        text = str.__str__(self)
        if (lang or current_language()) != "zh":
            return text
        names: list[str] = []

        def index(match: re.Match[str]) -> str:
            names.append(match.group(1))
            return f"[{len(names) - 1}]"

        words = describe(re.sub(r"\[([^\]]*)\]", index, text))
        for i, name in enumerate(names):
            words = words.replace(f"第{i + 1}项", name, 1)
        return f"{text}（{words}）" if words else text


# walking the two models ----------------------------------------------------------


@dataclass(frozen=True)
class _At:
    """Where the walk is: the path shown, the path matched against TOUCHES, and the
    key path in each file (None on the side where the value is absent)."""

    text: str
    logical: tuple[str, ...]
    old: Keys | None
    new: Keys | None

    def key(self, key: Any, old: bool = True, new: bool = True) -> _At:
        return _At(
            f"{self.text}.{key}" if self.text else str(key),
            (*self.logical, str(key)),
            (*self.old, key) if old and self.old is not None else None,
            (*self.new, key) if new and self.new is not None else None,
        )

    def item(self, label: str | None, old: int | None, new: int | None) -> _At:
        """A list member: a band (``label`` = its name) or a set member (no label)."""
        return _At(
            f"{self.text}[{label}]" if label is not None else self.text,
            (*self.logical, label) if label is not None else self.logical,
            (*self.old, old) if old is not None and self.old is not None else None,
            (*self.new, new) if new is not None and self.new is not None else None,
        )


def _walk(old: Any, new: Any, at: _At) -> Iterator[tuple[_At, Any, Any]]:
    if old is None and new is None:
        return
    if old is None or new is None:
        yield at, old, new
    elif isinstance(old, BaseModel) and isinstance(new, BaseModel):
        # Two rank_score methods are different models: compare the union of their keys.
        fields = list(dict.fromkeys([*type(old).model_fields, *type(new).model_fields]))
        for name in fields:
            a, b = getattr(old, name, None), getattr(new, name, None)
            yield from _walk(a, b, at.key(name, old=a is not None, new=b is not None))
    elif isinstance(old, dict) and isinstance(new, dict):
        for key in dict.fromkeys([*old, *new]):
            yield from _walk(old.get(key), new.get(key), at.key(key, key in old, key in new))
    elif isinstance(old, list) and isinstance(new, list):
        if all(isinstance(x, Band) for x in [*old, *new]):
            yield from _bands(old, new, at)
        else:
            yield from _members(old, new, at)
    elif old != new:
        yield at, old, new


def _bands(old: list[Band], new: list[Band], at: _At) -> Iterator[tuple[_At, Any, Any]]:
    """Bands matched by name: old order first, then the bands only ``new`` has."""
    old_at = {b.name: i for i, b in enumerate(old)}
    new_at = {b.name: i for i, b in enumerate(new)}
    for name in dict.fromkeys([*old_at, *new_at]):
        i, j = old_at.get(name), new_at.get(name)
        yield from _walk(None if i is None else old[i], None if j is None else new[j], at.item(name, i, j))


def _members(old: list[Any], new: list[Any], at: _At) -> Iterator[tuple[_At, Any, Any]]:
    """A list compared as a set: each removed, then each added member is a change."""
    for i, member in enumerate(old):
        if member not in new and member not in old[:i]:
            yield at.item(None, i, None), member, None
    for j, member in enumerate(new):
        if member not in old and member not in new[:j]:
            yield at.item(None, None, j), None, member


# rendering values ----------------------------------------------------------------


def show(value: Any) -> str:
    """A value as a rules author would write it (decimals as written, no quotes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return show(_present(value))
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return "null" if value is None else str(value)


def to_json(value: Any) -> Any:
    """A JSON-ready value: exact decimals as strings, dates as ISO text, models as dicts."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal | date):
        return show(value)
    if isinstance(value, BaseModel):
        return to_json(_present(value))
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return str(value)


def _present(model: BaseModel) -> dict[str, Any]:
    """A model's keys that are set (optional keys left out of the file are not shown)."""
    return {k: v for k in type(model).model_fields if (v := getattr(model, k)) is not None}
