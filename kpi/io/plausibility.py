"""Plausibility: values that are valid but probably not what the user meant (warnings).

A workbook that passes every check is scored; these warnings, each at its cell,
point at the values a person should look at before the results go to finance:

* a **percent** in 目标值 or 完成值 — text such as ``95%`` or a number shown as a
  percent by its format. It reads as 0.95 (method §9), which changes ρ when the
  other value of the pair is a plain number (``95%`` against a target of 95 is
  ρ = 0.01), and a 评分 indicator's 完成值 is a score from 0 to 100. No warning
  when both values of a 正向/反向 row are percents: ρ is then what was meant;
* a **ratio** ρ (as the engine computes it) below :data:`RATIO_LOW` or above
  :data:`RATIO_HIGH` — most often a unit slip (万元 against 元) or a misplaced
  decimal point — at the 完成值 cell (not repeated for a row already warned for a
  percent);
* a **绩效基数** more than :data:`BASE_FACTOR` times the median of the person's
  department, or less than a fifth of it — a digit too many or too few. Staff
  only (a leader's 部门 is ignored); departments of one person have nothing to
  compare with, and a base of 0 is taken as deliberate (no bonus).

They run on the frames of a workbook that passed every check, so every value
here is typed and valid.
"""

from __future__ import annotations

import statistics
import unicodedata
from decimal import Decimal
from typing import Any

import pandas as pd

from kpi.errors import Problem
from kpi.i18n import _
from kpi.io.cells import number_from_text, shown
from kpi.io.tables import Table
from kpi.numbers import EXACT, ZERO, div, plain, r6

#: ρ outside [RATIO_LOW, RATIO_HIGH] is worth a look.
RATIO_LOW = Decimal("0.1")
RATIO_HIGH = Decimal(10)
#: A 绩效基数 more than this many times the department's median (or less than its inverse).
BASE_FACTOR = Decimal(5)

_PAIRED = ("正向", "反向")


def plausibility_warnings(
    tables: dict[str, Table],
    frames: dict[str, pd.DataFrame],
    percent_cells: dict[str, set[tuple[int, int]]],
    file: str,
) -> list[Problem]:
    """Every plausibility warning of a checked workbook (unsorted)."""
    warnings: list[Problem] = []
    indicators = tables.get("indicators")
    if indicators is not None and len(indicators):
        frame = frames["indicators"]
        cells = percent_cells.get(indicators.sheet, set())
        percent = {key: _percent_rows(indicators, key, cells) for key in ("target", "actual")}
        warned = _percent_warnings(indicators, frame, percent, file, warnings)
        _ratio_warnings(indicators, frame, warned, file, warnings)
    people = tables.get("people")
    if people is not None and len(people):
        _base_warnings(people, frames["people"], file, warnings)
    return warnings


def _percent_rows(table: Table, key: str, cells: set[tuple[int, int]]) -> dict[int, str]:
    """Record index → how its cell in ``key`` is a percent ('text' or 'format')."""
    column = table.columns.get(key)
    if column is None:
        return {}
    found: dict[int, str] = {}
    texts = [
        isinstance(u, str)
        and unicodedata.normalize("NFKC", u).strip().endswith("%")
        and number_from_text(u) is not None
        for u in column.uniques
    ]
    # Only a number is shown through its number format (text in a percent cell is text).
    numbers = [isinstance(u, int | float) and not isinstance(u, bool) for u in column.uniques]
    letter = _column_index(column.letter)
    for i, code in enumerate(column.codes):
        if texts[code]:
            found[i] = "text"
        elif numbers[code] and (int(table.rows[i]), letter) in cells:
            found[i] = "format"
    return found


def _column_index(letters: str) -> int:
    """A → 1, AA → 27."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def _times(x: Decimal) -> str:
    """A factor as a message shows it: one decimal, half away from zero (12.5)."""
    return plain(EXACT.quantize(x, Decimal("0.1")))


def _percent_warnings(
    table: Table,
    frame: pd.DataFrame,
    percent: dict[str, dict[int, str]],
    file: str,
    warnings: list[Problem],
) -> set[int]:
    """Warn at each percent that changes what the row means; returns the rows warned."""
    warned: set[int] = set()
    records: list[dict[str, Any]] = frame.to_dict("records")  # type: ignore[assignment]
    raw = {key: table.columns[key] for key in ("target", "actual") if key in table.columns}
    for key in ("actual", "target"):
        other = "target" if key == "actual" else "actual"
        for i, how in sorted(percent[key].items()):
            row = records[i]
            value = row[key]
            if value is None:  # a 评分 indicator's 目标值 is ignored
                continue
            header = table.header(key)
            column = raw[key]
            typed = f"'{shown(column.uniques[column.codes[i]])}'" if how == "text" else plain(value)
            if how == "text":
                what = _(
                    "{header} {typed} is percent text, read as {value}",
                    header=header,
                    typed=typed,
                    value=plain(value),
                )
            else:
                what = _(
                    "{header} {typed} is shown as a percent ({percent}%) by its number format",
                    header=header,
                    typed=typed,
                    percent=plain(value * 100),
                )
            if row["direction"] == "评分":
                message = _(
                    "{what}, but a 评分 indicator's {header} is a score from 0 to 100: "
                    "write {score} if that was meant",
                    what=what,
                    header=header,
                    score=plain(value * 100),
                )
            elif row["direction"] in _PAIRED and i not in percent[other]:
                mate = row[other]
                ratio = _ratio(row)
                if ratio is not None:
                    message = _(
                        "{what}, while {other} {mate} is a plain number, so ρ = {ratio}: "
                        "write both as percents or both as plain numbers",
                        what=what,
                        other=table.header(other),
                        mate=plain(mate),
                        ratio=plain(r6(ratio)),
                    )
                else:
                    message = _(
                        "{what}, while {other} {mate} is a plain number: "
                        "write both as percents or both as plain numbers",
                        what=what,
                        other=table.header(other),
                        mate=plain(mate),
                    )
            else:
                continue
            warnings.append(Problem.warning(table.location(file, key, i), message))
            warned.add(i)
    return warned


def _ratio(row: dict[str, Any]) -> Decimal | None:
    """ρ as the engine computes it (method §6.2); None where it has no finite value."""
    actual, target = row["actual"], row["target"]
    if row["direction"] not in _PAIRED or actual is None or target is None or target <= 0:
        return None
    if row["direction"] == "正向":
        return div(actual, target)
    return None if actual == ZERO else div(target, actual)


def _ratio_warnings(
    table: Table, frame: pd.DataFrame, warned: set[int], file: str, warnings: list[Problem]
) -> None:
    records: list[dict[str, Any]] = frame.to_dict("records")  # type: ignore[assignment]
    for i, row in enumerate(records):
        ratio = _ratio(row)
        if i in warned or ratio is None or RATIO_LOW <= ratio <= RATIO_HIGH:
            continue
        formula = "完成值/目标值" if row["direction"] == "正向" else _("目标值/完成值 (反向)")
        warnings.append(
            Problem.warning(
                table.location(file, "actual", i),
                _(
                    "{actual_header} {actual} against {target_header} {target} gives ρ = {formula} = "
                    "{ratio}, "
                    "outside {low}–{high}: check that both are in the same unit (万元 or 元, percent or "
                    "number) "
                    "and the decimal point",
                    actual_header=table.header("actual"),
                    actual=plain(row["actual"]),
                    target_header=table.header("target"),
                    target=plain(row["target"]),
                    formula=formula,
                    ratio=plain(r6(ratio)),
                    low=plain(RATIO_LOW),
                    high=plain(RATIO_HIGH),
                ),
            )
        )


def _base_warnings(table: Table, frame: pd.DataFrame, file: str, warnings: list[Problem]) -> None:
    """绩效基数 against the median of the person's department (staff only)."""
    by_department: dict[str, list[Decimal]] = {}
    for department, base in zip(frame["department"], frame["bonus_base"], strict=True):
        if department is not None:
            by_department.setdefault(department, []).append(base)
    medians = {d: statistics.median(bases) for d, bases in by_department.items() if len(bases) > 1}
    header = table.header("bonus_base")
    for i, (department, base) in enumerate(zip(frame["department"], frame["bonus_base"], strict=True)):
        median = medians.get(department)
        if median is None or median <= 0 or base <= 0:
            continue
        values = {
            "header": header,
            "base": plain(base),
            "department": department,
            "median": plain(median),
            "count": len(by_department[department]),
            "factor": plain(BASE_FACTOR),
        }
        if base > BASE_FACTOR * median:
            message = _(
                "{header} {base} is {times} times the median {header} of 部门 {department} ({median} over "
                "{count} people): check for a digit too many or too few (a warning beyond {factor}× "
                "either way)",
                times=_times(div(base, median)),
                **values,
            )
        elif base * BASE_FACTOR < median:
            message = _(
                "{header} {base} is 1/{times} of the median {header} of 部门 {department} ({median} over "
                "{count} people): check for a digit too many or too few (a warning beyond {factor}× "
                "either way)",
                times=_times(div(median, base)),
                **values,
            )
        else:
            continue
        warnings.append(Problem.warning(table.location(file, "bonus_base", i), message))
