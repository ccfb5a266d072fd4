"""The validated contents of one input workbook, as the engine consumes them.

The reader (``kpi.io.workbook``) guarantees every invariant listed here: required
values present and typed, ids unique, references resolved, dates inside the
period. The engine therefore never re-validates; it only computes.

Each frame has a ``row`` column: the 1-based Excel row the record came from, so
that ``explain`` can cite ``点数!17`` and errors found later (e.g. a quota band
that cannot admit anyone) can still point at a cell. ``Inputs.sheets`` maps a
canonical sheet key to the sheet name as spelled in the workbook, and
``Inputs.columns`` maps (sheet key, canonical column) to its Excel letter.

Column dtypes (object columns hold Python values, ``None`` for blank):

people        id str, name str, department str|None, post_category str|None,
              role str, bonus_base Decimal, months Decimal|None, row int
departments   department str, leader_in_charge str, row int
points        date datetime.date, target str, code str, points Decimal|None,
              reason str|None, row int
indicators    id str, name str, level str, department str, direction str
              ('正向'|'反向'|'评分'), target Decimal|None, actual Decimal,
              weight Decimal, deadline date|None, completed_on date|None, row int
city_rankings indicator str, weight Decimal, rank int, participants int, row int
city_shares   indicator str, department str, share Decimal, row int
vetoes        target str, item str, date datetime.date, note str|None, row int
service_requests
              id str, company str, handler str (a 工号), kind str (a key of
              service.resolve_days), received date, responded date|None,
              resolved date|None, row int; dates are not limited to the period
evaluations   target str, rater_group str, rater str|None, score Decimal|None,
              vote str|None, row int (exactly one of score and vote is given)

Later additions to the workbook stay out of :data:`COLUMNS` (the sheets every
period has): the optional sheets 企业诉求 and 测评 (:data:`EXTRA_COLUMNS`, empty
when absent) and the optional 指标 column 计分曲线 (``curve``), which is in the
indicators frame only when the sheet has it (:data:`OPTIONAL_COLUMNS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kpi.errors import Location, Problem

SHEET_KEYS = (
    "people",
    "departments",
    "points",
    "indicators",
    "city_rankings",
    "city_shares",
    "vetoes",
    "service_requests",
    "evaluations",
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("id", "name", "department", "post_category", "role", "bonus_base", "months"),
    "departments": ("department", "leader_in_charge"),
    "points": ("date", "target", "code", "points", "reason"),
    "indicators": (
        "id",
        "name",
        "level",
        "department",
        "direction",
        "target",
        "actual",
        "weight",
        "deadline",
        "completed_on",
    ),
    "city_rankings": ("indicator", "weight", "rank", "participants"),
    "city_shares": ("indicator", "department", "share"),
    "vetoes": ("target", "item", "date", "note"),
}

#: The optional 测评 sheet's columns.
EVALUATION_COLUMNS = ("target", "rater_group", "rater", "score", "vote")

#: Optional sheets beyond the ones every period has (企业诉求, 测评): absent or empty
#: gives an empty frame. Kept apart from :data:`COLUMNS`, so code that walks the
#: sheets every period has is unchanged.
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "service_requests": ("id", "company", "handler", "kind", "received", "responded", "resolved"),
    "evaluations": EVALUATION_COLUMNS,
}

#: Columns a frame carries only when its sheet has them.
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {"indicators": ("curve",)}


def empty_frame(sheet: str) -> pd.DataFrame:
    """An empty frame with the canonical columns of ``sheet`` (for absent 点数/否决/企业诉求/测评)."""
    columns = COLUMNS[sheet] if sheet in COLUMNS else EXTRA_COLUMNS[sheet]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in (*columns, "row")})


@dataclass
class Inputs:
    """One period's validated workbook."""

    path: str
    sha256: str
    people: pd.DataFrame
    departments: pd.DataFrame
    points: pd.DataFrame
    indicators: pd.DataFrame
    city_rankings: pd.DataFrame
    city_shares: pd.DataFrame
    vetoes: pd.DataFrame
    service_requests: pd.DataFrame = field(default_factory=lambda: empty_frame("service_requests"))
    evaluations: pd.DataFrame = field(default_factory=lambda: empty_frame("evaluations"))
    sheets: dict[str, str] = field(default_factory=dict)
    columns: dict[tuple[str, str], str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    def frame(self, sheet: str) -> pd.DataFrame:
        frame: pd.DataFrame = getattr(self, sheet)
        return frame

    def location(self, sheet: str, row: int | None = None, column: str | None = None) -> Location:
        """The located cell of a canonical (sheet, column) for problems found after reading."""
        letter = self.columns.get((sheet, column)) if column else None
        return Location(self.path, self.sheet_name(sheet), row, letter)

    def sheet_name(self, sheet: str) -> str:
        """The sheet's name as spelled in the workbook (Chinese default if absent)."""
        from kpi.io.names import SHEET_NAMES

        return self.sheets.get(sheet, SHEET_NAMES[sheet][0])
