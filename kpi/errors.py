"""Locations and error types shared by every layer.

Errors are data (as in beancount): each problem carries the place it was found,
so the CLI can print them one per line, sorted, as ``file:sheet!cell: message``
or ``file:line: message``, and ``--json`` can emit the same as objects. The
library raises :class:`KpiError` carrying *all* problems of a run; it never
prints and never exits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kpi.i18n import _, render


def column_letter(index: int) -> str:
    """Excel column letters for a 1-based column index (1 → A, 27 → AA)."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is: a workbook cell (file, sheet, row, column) or a rules line.

    ``row`` is the 1-based Excel row; ``column`` is the Excel column letter(s).
    ``line`` is the 1-based line of a YAML file. Any part may be unknown.
    """

    file: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        return self.text()

    def text(self, *, with_file: bool = True, lang: str = "en") -> str:
        """``file:sheet!C14`` or ``file:42``; without the file (a results workbook must
        not depend on where its inputs were), ``sheet!C14`` or ``line 42`` (in ``lang``:
        ``第 42 行`` in Chinese)."""
        text = self.file if with_file else ""
        if self.line is not None:
            return f"{text}:{self.line}" if text else _("line {line}", line=self.line).to(lang)
        if self.sheet is not None:
            cell = ""
            if self.column is not None and self.row is not None:
                cell = f"!{self.column}{self.row}"
            elif self.row is not None:
                cell = f"!{self.row}:{self.row}"
            elif self.column is not None:
                cell = f"!{self.column}:{self.column}"
            text = f"{text}:{self.sheet}{cell}" if text else f"{self.sheet}{cell}"
        return text

    def sort_key(self, sheet_order: tuple[str, ...] = ()) -> tuple[Any, ...]:
        """Order problems by file, sheet (in ``sheet_order`` first, as the workbook
        lists them), row, column (shorter letters first), line."""
        rank = sheet_order.index(self.sheet) if self.sheet in sheet_order else len(sheet_order)
        return (
            self.file,
            rank,
            self.sheet or "",
            self.row or 0,
            (len(self.column), self.column) if self.column else (0, ""),
            self.line or 0,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "line": self.line,
        }


@dataclass(frozen=True)
class Problem:
    """One user-facing problem: where, and what (with what to do about it).

    ``message`` is a :class:`~kpi.i18n.Msg` made with ``_()`` (a plain ``str`` is
    shown as it is, in every language). ``kind`` is ``error`` (nothing is scored) or
    ``warning`` (scored, but worth a look); both are located the same way and sorted
    the same way.
    """

    location: Location
    message: str
    kind: str = "error"

    @classmethod
    def warning(cls, location: Location, message: str) -> Problem:
        return cls(location, message, "warning")

    def __str__(self) -> str:
        return self.text()

    def text(self, *, with_file: bool = True, lang: str = "en") -> str:
        """``where: message`` in ``lang`` (``zh`` or ``en``)."""
        where = self.location.text(with_file=with_file, lang=lang)
        message = render(self.message, lang)
        return f"{where}: {message}" if where else message

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"kind": self.kind, "message": render(self.message, lang), **self.location.as_dict()}


def sort_problems(problems: Iterable[Problem], sheet_order: tuple[str, ...] = ()) -> list[Problem]:
    """Problems by file, sheet (in workbook order), row, column, line; stable otherwise."""
    return sorted(problems, key=lambda p: p.location.sort_key(sheet_order))


@dataclass(eq=False)
class KpiError(Exception):
    """Base of every user error: carries one or more located problems."""

    problems: list[Problem] = field(default_factory=list)
    #: Sheet names in workbook order, so a workbook's problems read top to bottom.
    sheet_order: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.problems = sort_problems(self.problems, self.sheet_order)
        super().__init__(self.__str__())

    @classmethod
    def single(cls, message: str, location: Location | None = None) -> KpiError:
        return cls([Problem(location or Location(), message)])

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class InputError(KpiError):
    """The input workbook is unreadable or breaks method §3."""


class RulesError(KpiError):
    """The rules file is unreadable or breaks method §4."""


class OutputError(KpiError):
    """A results file cannot be written where it was asked to go."""


class ComputeError(KpiError):
    """Valid inputs that the rules cannot score (e.g. a full lowest grade band)."""


class Collector:
    """Gathers problems so a whole workbook is checked before anything stops."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, location: Location, message: str) -> None:
        self.problems.append(Problem(location, message))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self, kind: type[KpiError], sheet_order: tuple[str, ...] = ()) -> None:
        if self.problems:
            raise kind(list(self.problems), sheet_order)
