"""Who the year's members are, and what each quarter published about them (method §10 "Members").

People are matched by 工号 across quarters, departments by name. A member's
population (individual or leader), 姓名, 部门 and 类别 are those of the latest
quarter it appears in; its quarter scores are its 综合得分 in every quarter it
appears in, in whichever population (a staff member promoted to leader in Q3
brings Q1 and Q2 from 个人得分, Q3 and Q4 from 领导得分). A department renamed or
split in a reorganisation is a new member from the quarter its name appears.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from kpi.annual.quarters import Quarter

#: Populations in the order of the results sheets.
POPULATIONS = ("individuals", "departments", "leaders")
#: Population → the word warnings and explanations use for one member.
MEMBER_WORD = {"individuals": "individual", "departments": "department", "leaders": "leader"}


@dataclass(frozen=True)
class Seen:
    """A member's published values in one quarter."""

    quarter: int
    population: str
    score: Decimal
    vetoed: bool
    #: Where it was read: ``2024Q3 个人得分!7``.
    source: str

    @property
    def label(self) -> str:
        return f"Q{self.quarter}"


@dataclass(frozen=True)
class Member:
    """One member of the year: identity from its latest quarter, and every quarter it appears in."""

    key: str
    population: str
    name: str
    department: str | None
    kind: str | None
    seen: tuple[Seen, ...]

    @property
    def latest(self) -> Seen:
        return self.seen[-1]


def roll_up(quarters: list[Quarter]) -> dict[str, list[Member]]:
    """Population → its members of the year, by id (code point); ``quarters`` in order Q1 → Q4."""
    seen: dict[tuple[str, str], list[Seen]] = {}  # (kind of key, key) → quarters
    identity: dict[tuple[str, str], tuple[str, str, str | None, str | None]] = {}
    for quarter in quarters:
        for population in POPULATIONS:
            frame: pd.DataFrame = getattr(quarter, population)
            key_column = "department" if population == "departments" else "id"
            for row in frame.to_dict("records"):
                key = str(row[key_column])
                slot = ("department" if population == "departments" else "person", key)
                seen.setdefault(slot, []).append(
                    Seen(
                        quarter.number,
                        population,
                        row["score"],
                        bool(row["vetoed"]),
                        quarter.cite(population, int(row["row"])),
                    )
                )
                name = key if population == "departments" else str(row["name"])
                department = row.get("department") if population == "individuals" else None
                identity[slot] = (population, name, department, row.get("kind"))
    members: dict[str, list[Member]] = {p: [] for p in POPULATIONS}
    for slot in sorted(seen, key=lambda s: s[1]):
        population, name, department, kind = identity[slot]
        members[population].append(Member(slot[1], population, name, department, kind, tuple(seen[slot])))
    return members
