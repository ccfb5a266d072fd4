"""Formulas and their steps: how an engine module says what it computed, for one member.

Every formula of the method is declared once, as a :class:`Formula`, in the
engine module that computes it (``indicators.SCORE``, ``departments.WEIGHTED``,
…). The module computes the published frames vectorised as before, and records
per row whatever a derivation needs to know — the operands, the exact value,
and which branch of the formula the row took (``indicators.ratio_rule``). Beside
that code, the module's ``*_steps`` functions read one published row and return
the :class:`Step` of each formula: the formula, the same formula with the
numbers put in (``expression``), the exact value where one was rounded, the
published value, and the cells and rules lines each operand came from.

``kpi.explain`` only picks steps and lays them out in sections; ``rules diff``,
``verify`` and the reports read the same published frames. A :class:`Fact`
states an input row or a cause (a 否决 row) rather than computing.

Expressions use only numbers, ``+ − × /``, parentheses and the functions r2,
round0, floor, clamp, min and max, so a reader — or a test — can recompute
every published number from the printed lines alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol

from kpi.i18n import Msg, current_language, tr

if TYPE_CHECKING:
    from kpi.rules.loader import RulesFile

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


def num(value: Decimal | Fraction | int) -> str:
    """A number for an expression; negatives in parentheses so ``a + (-1)`` reads and parses."""
    text = show(value)
    return f"({text})" if text.startswith("-") else text


def total(values: list[Decimal]) -> str:
    """``a + b + c`` for an expression (``0`` for no terms)."""
    return " + ".join(num(v) for v in values) if values else "0"


def weighted_mean_expression(pairs: Iterable[tuple[Decimal, Decimal]]) -> str:
    """``r2((w₁ × x₁ + w₂ × x₂) / (w₁ + w₂))`` with the numbers of (weight, value) pairs."""
    listed = list(pairs)
    terms = " + ".join(f"{num(w)} × {num(x)}" for w, x in listed)
    return f"r2(({terms}) / ({total([w for w, _ in listed])}))"


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


def localise(value: str, lang: str | None = None) -> str:
    """A label, formula, note or fact in ``lang`` (default :func:`current_language`): a
    :class:`~kpi.i18n.Msg` rendered, a constant marked with ``N_`` looked up in the
    catalogue (a bare symbol such as ``s`` or ``ρ`` is no msgid and stays as it is)."""
    if isinstance(value, Msg):
        return value.to(lang)
    return tr(value, lang) if value else value


#: Every formula declared by an engine module, by (module, symbol).
FORMULAS: dict[tuple[str, str], Formula] = {}


@dataclass(frozen=True)
class Formula:
    """One formula of the method, declared in the engine module that computes it.

    ``symbol`` labels its steps (``s``, ``I``, ``D weighted``); ``text`` is the
    formula as the step line prints it ('' for a value that is read, not
    computed by a printed formula, such as a rank); ``method`` is its section of
    docs/method.md. :meth:`step` makes the step of one member.
    """

    module: str
    symbol: str
    text: str = ""
    method: str = ""

    def __post_init__(self) -> None:
        key = (self.module, self.symbol)
        assert key not in FORMULAS, f"formula {key} declared twice"
        FORMULAS[key] = self

    def step(
        self,
        value: Value,
        *,
        label: str | None = None,
        formula: str | None = None,
        expression: str = "",
        exact: Value = None,
        sources: Iterable[str] = (),
        note: str = "",
        approx: bool = False,
    ) -> Step:
        """The step of this formula for one member. ``label`` extends the symbol
        (``s ZB01``); ``formula`` replaces the printed text where the formula
        takes a form that depends on the member (the components it has)."""
        return Step(
            label or self.symbol,
            value,
            formula=self.text if formula is None else formula,
            expression=expression,
            exact=exact,
            sources=list(sources),
            note=note,
            approx=approx,
            by=self,
        )


def formulas(module: str, method: str = "") -> Callable[..., Formula]:
    """A declarer of the formulas of ``module``: ``F = formulas(__name__, "6.2")``,
    then ``SCORE = F("s", "r2(100 × clamp(ρ, 0, cap) × factor)")``."""

    def declare(symbol: str, text: str = "", section: str = "") -> Formula:
        return Formula(module, symbol, text, section or method)

    return declare


@dataclass
class Step:
    """One computed number of one member, as a checkable equation."""

    label: str
    value: Value
    formula: str = ""
    expression: str = ""
    exact: Value = None
    sources: list[str] = field(default_factory=list)
    note: str = ""
    #: The value is shown rounded for reading only (a ratio to 6 decimals): "≈", not "=".
    approx: bool = False
    #: The formula this step applies (for checks; not printed).
    by: Formula | None = field(default=None, compare=False, repr=False)

    def line(self, lang: str | None = None) -> str:
        """The step as one line in ``lang`` (default :func:`current_language`): words in
        the language, symbols and numbers as they are."""
        lang = lang or current_language()
        parts = [localise(self.label, lang)]
        if self.formula:
            parts.append(f"= {localise(self.formula, lang)}")
        if self.expression and self.expression.strip("()") != show(self.value):
            parts.append(f"= {self.expression}")
        if self.exact is not None and _differs(self.exact, self.value):
            parts.append(f"= {_short(self.exact)}")
        parts.append(f"{'≈' if self.approx else '='} {show(self.value)}")
        shown = " ".join(parts)
        if self.note:
            shown += f"  ({localise(self.note, lang)})"
        if self.sources:
            shown += f"  [{'; '.join(localise(s, lang) for s in self.sources)}]"
        return shown

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        lang = lang or current_language()
        return {
            "label": localise(self.label, lang),
            "formula": localise(self.formula, lang),
            "expression": self.expression,
            "exact": None if self.exact is None else show(self.exact),
            "value": None if self.value is None else show(self.value),
            "sources": [localise(s, lang) for s in self.sources],
            "note": localise(self.note, lang),
            "approx": self.approx,
        }


@dataclass
class Fact:
    """A line that states a fact (an input row, a veto cause) rather than computing;
    ``text`` is a :class:`~kpi.i18n.Msg` (or plain data), rendered in the language shown."""

    text: str
    sources: list[str] = field(default_factory=list)

    def line(self, lang: str | None = None) -> str:
        shown = localise(self.text, lang)
        if not self.sources:
            return shown
        return f"{shown}  [{'; '.join(localise(s, lang) for s in self.sources)}]"

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {"fact": localise(self.text, lang), "sources": [localise(s, lang) for s in self.sources]}


def fact(text: str, *sources: str) -> Fact:
    """A fact citing ``sources`` (blank ones left out)."""
    return Fact(text, [s for s in sources if s])


Item = Step | Fact


class Sheets(Protocol):
    """Where rows are cited: a sheet's name as spelled in the workbook read."""

    def sheet_name(self, sheet: str) -> str: ...


class _Run(Protocol):
    @property
    def inputs(self) -> Sheets: ...

    @property
    def rules_file(self) -> RulesFile: ...


class Cite:
    """Citations for one run: input rows as ``sheet!row`` with the sheet named as in
    the workbook; rule values as ``rules.yaml:line key.path`` from the loader's line map."""

    def __init__(self, run: _Run) -> None:
        self.results = run

    def row(self, sheet: str, row: int) -> str:
        return f"{self.results.inputs.sheet_name(sheet)}!{row}"

    def rule(self, *path: str | int) -> str:
        rules_file = self.results.rules_file
        line = rules_file.line_of(*path)
        dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        return f"{rules_file.path}:{line} {dotted}" if line else f"{rules_file.path} {dotted}"
