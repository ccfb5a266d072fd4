"""Result slips for 绩效面谈 (``kpi explain --all --out slips.xlsx``).

One sheet per population (个人, 领导, 部门), members in the order of the results
sheets, one block per member: a title, the header (工号, 姓名, 部门, 综合得分,
排名, 等次, 绩效奖金, 合计), the derivation — the very lines ``kpi explain --who``
prints, from the same steps (:func:`kpi.explain.members.explain_member`) — and
a signature line (本人签字 / 日期). A page break follows every block, so each
member's slip prints on its own A4 portrait page (docs/decisions.md says why
blocks and not one row per member). Nothing is recomputed: the header values are
the explanation's ``final``, which are the published rows.
"""

from __future__ import annotations

import math
import unicodedata
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any, overload

from kpi.engine.lookup import published_row
from kpi.engine.results import Results
from kpi.errors import Location, OutputError
from kpi.explain.members import explain_member
from kpi.explain.model import Explanation
from kpi.i18n import N_, _, current_language, tr
from kpi.io.sources import collector_paused
from kpi.report.output import check_output, write_atomically
from kpi.report.workbook import footer
from kpi.report.xlsx import MAX_CELL_CHARS, CellTooLong, FormSpec, write_xlsx

#: Column widths of a slip: about 96 characters, what A4 portrait holds at 100 %.
WIDTHS = (12.0, 12.0, 16.0, 11.0, 8.0, 10.0, 13.0, 13.0)
LAST = "H"
#: Points per printed line of wrapped text, and the characters a merged A:H line holds.
LINE_HEIGHT = 15.75
LINE_CHARS = int(sum(WIDTHS)) - 4

#: Populations in sheet order: (key, kind of member, sheet title: an English msgid).
POPULATIONS = (
    ("individuals", "individual", N_("individuals")),
    ("leaders", "leader", N_("leaders")),
    ("departments", "department", N_("departments")),
)

#: The words of a slip, as English msgids shown with ``tr(…, lang)``.
TEXT: dict[str, Any] = {
    "title": N_("Appraisal result slip"),
    "person": (
        N_("id"),
        N_("name"),
        N_("department"),
        N_("score"),
        N_("rank"),
        N_("grade"),
        N_("bonus"),
        N_("total"),
    ),
    "department": (N_("department"), N_("leader_in_charge"), N_("score"), N_("rank"), N_("grade")),
    "sign": N_("Signature:"),
    "sign_department": N_("Head's signature:"),
    "date": N_("Date:"),
}


def _words(lang: str) -> dict[str, Any]:
    """:data:`TEXT` in ``lang``."""
    return {
        key: tuple(tr(w, lang) for w in value) if isinstance(value, tuple) else tr(value, lang)
        for key, value in TEXT.items()
    }


@dataclass
class Slips:
    """The slips of a period: one form per population that has members."""

    forms: list[FormSpec]

    @property
    def members(self) -> int:
        return sum(len(f.breaks) + 1 for f in self.forms if f.cells)


class _Wide(dict[int, str | None]):
    """A ``str.translate`` table that keeps East Asian wide and full-width characters and
    drops every other one, filled in as characters are first met."""

    def __missing__(self, code: int) -> str | None:
        kept = chr(code) if unicodedata.east_asian_width(chr(code)) in "WF" else None
        self[code] = kept
        return kept


_WIDE = _Wide()


def _width(text: str) -> int:
    """:func:`kpi.report.workbook.display_width`, counting the wide characters in C."""
    return len(text) if text.isascii() else len(text) + len(text.translate(_WIDE))


def _lines(text: str) -> int:
    return max(1, math.ceil(_width(text) / LINE_CHARS))


class _Merged(Sequence[str]):
    """The merged ranges ``A{n}:H{n}`` of the rows n, kept as numbers (a zone's slips
    have millions of lines)."""

    def __init__(self) -> None:
        self.rows = array("l")

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [f"A{n}:{LAST}{n}" for n in self.rows[index]]
        n = self.rows[index]
        return f"A{n}:{LAST}{n}"

    def __iter__(self) -> Iterator[str]:
        return (f"A{n}:{LAST}{n}" for n in self.rows)


class _Form:
    def __init__(self) -> None:
        self.cells: list[tuple[tuple[Any, str], ...]] = []
        self.merges = _Merged()
        self.heights: dict[int, float] = {}
        self.breaks: list[int] = []

    def add(self, *cells: tuple[Any, str]) -> int:
        self.cells.append(cells)
        return len(self.cells)

    def line(self, text: str, style: str) -> None:
        number = self.add((text, style))
        self.merges.rows.append(number)
        lines = _lines(text)
        if lines > 1:
            self.heights[number] = lines * LINE_HEIGHT


def _header(results: Results, kind: str, key: str, ex: Explanation, t: dict[str, Any]) -> tuple[list, list]:
    final = ex.final
    if kind == "department":
        row = published_row(results.departments, "department", key)
        labels = list(t["department"])
        values = [key, row["leader_in_charge"], final["score"], final["rank"], final["grade"]]
        styles = ["box:text", "box:text", "box:0.00", "box:0", "box:text"]
    else:
        person = published_row(results.inputs.people, "id", key)
        labels = list(t["person"])
        values = [
            key,
            person["name"],
            person["department"],
            final["score"],
            final["rank"],
            final["grade"],
            final.get("bonus"),
            final.get("total"),
        ]
        styles = [
            "box:text",
            "box:text",
            "box:text",
            "box:0.00",
            "box:0",
            "box:text",
            "box:#,##0",
            "box:#,##0",
        ]
    return [(label, "header") for label in labels], list(zip(values, styles, strict=True))


def _block(form: _Form, results: Results, kind: str, key: str, lang: str) -> None:
    t = _words(lang)
    ex = explain_member(results, kind, key, lang)
    form.add((f"{t['title']}  {ex.title}", "title"))
    labels, values = _header(results, kind, key, ex, t)
    form.add(*labels)
    form.add(*values)
    for section in ex.sections:
        form.add()
        form.line(section.title, "section")
        for item in section.items:
            form.line(item.line(lang), "wrap")
    form.add()
    form.add()
    form.add(
        (t["sign_department" if kind == "department" else "sign"], "text"),
        (None, "sign"),
        (None, "sign"),
        (None, "sign"),
        (t["date"], "text"),
        (None, "sign"),
        (None, "sign"),
        (None, "sign"),
    )


def slips(results: Results, lang: str | None = None) -> Slips:
    """The slip of every member, laid out as printable forms (one per population), in
    ``lang`` (None: :func:`~kpi.i18n.current_language`)."""
    lang = lang or current_language()
    forms = []
    for population, kind, title in POPULATIONS:
        frame = results.population(population)
        keys = [str(k) for k in frame["department" if kind == "department" else "id"]]
        if not keys:
            continue
        form = _Form()
        for key in keys:
            if form.cells:
                form.breaks.append(len(form.cells))
            _block(form, results, kind, key, lang)
        forms.append(
            FormSpec(
                title=tr(title, lang),
                cells=form.cells,
                widths=WIDTHS,
                breaks=form.breaks,
                footer=footer(str(results.period), lang),
                merges=form.merges,
                orientation="portrait",
                heights=form.heights,
            )
        )
    return Slips(forms)


def write_slips(results: Results, out: Path, *, lang: str | None = None, force: bool = False) -> Slips:
    """Write the slips workbook atomically; never over an existing file without ``force``,
    nor ever over the input workbook or the rules file. Byte-reproducible: the
    creation time is the period's last day."""
    inputs: Sequence[Path] = [Path(results.inputs.path), Path(results.rules_file.path)]
    check_output(out, force=force, inputs=inputs)
    with collector_paused():  # millions of acyclic cells and lines, as when reading
        made = slips(results, lang)
    created = datetime.combine(results.period.last_day, time())

    def write(temp: Path) -> None:
        try:
            write_xlsx(temp, made.forms, created, title="kpi result slips")
        except CellTooLong as exc:
            raise OutputError.single(
                _(
                    "a text of {length:,} characters, more than the {limit:,} an Excel "
                    "cell can hold: shorten it where it comes from",
                    length=exc.length,
                    limit=MAX_CELL_CHARS,
                ),
                Location(str(out), sheet=exc.sheet, row=exc.row, column=exc.column),
            ) from None

    with collector_paused():
        write_atomically(out, write, force=force)
    return made
