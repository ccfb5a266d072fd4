"""Checks of the city sheets: 市级排名 (ranks among rivals) and 市级分工 (shares per department).

The two go together: a share names an indicator of 市级排名, and the shares of
one indicator must add up to exactly 1.
"""

from __future__ import annotations

from decimal import Decimal

from kpi.i18n import _
from kpi.io.checks.checker import NOT_A_DEPARTMENT, Checker
from kpi.io.checks.field import Checked, values
from kpi.numbers import plain


def check_city_rankings(c: Checker, checked: Checked) -> set[str] | None:
    f = checked.fields.get("city_rankings")
    if f is None:
        return None
    c.unique(f["indicator"])
    c.in_range(f["weight"], lambda v: v > 0, _("must be more than 0"))
    c.in_range(f["participants"], lambda v: v >= 2, _("must be 2 or more (a ranking needs rivals)"))
    c.in_range(f["rank"], lambda v: v >= 1, _("must be 1 or more"))
    ranks, participants = f["rank"].cells(), f["participants"].cells()
    beyond = [
        i
        for i in range(len(ranks))
        if ranks[i] is not None
        and participants[i] is not None
        and participants[i] >= 2
        and ranks[i] > participants[i]
    ]
    c.report(
        f["rank"].table,
        "rank",
        beyond,
        lambda i: _(
            "{rank_header} {rank} is beyond {participants_header} {participants}: "
            "a rank lies between 1 and the number of participants",
            rank_header=f["rank"].header,
            rank=ranks[i],
            participants_header=f["participants"].header,
            participants=participants[i],
        ),
    )
    return values(checked.fields, "city_rankings", "indicator")


def check_city_shares(c: Checker, checked: Checked, rankings: set[str] | None) -> None:
    f = checked.fields.get("city_shares")
    if f is None:
        return
    if rankings is not None:
        c.member(f["indicator"], sorted(rankings), _("is not an indicator of sheet 市级排名"))
    if checked.departments is not None:
        c.member(f["department"], sorted(checked.departments), NOT_A_DEPARTMENT)
    share = f["share"]
    c.in_range(share, lambda v: 0 < v <= 1, _("must be more than 0 and at most 1"))
    indicators, departments, shares = f["indicator"].cells(), f["department"].cells(), share.cells()
    table = share.table
    seen: dict[tuple[str, str], int] = {}
    repeats: list[int] = []
    for i in range(len(table)):
        pair = (indicators[i], departments[i])
        if pair[0] is None or pair[1] is None:
            continue
        if pair in seen:
            repeats.append(i)
        else:
            seen[pair] = i
    c.report(
        table,
        "department",
        repeats,
        lambda i: _(
            "{indicator_header} '{indicator}' with {department_header} '{department}' repeats row {row}: "
            "give each department one share per indicator",
            indicator_header=f["indicator"].header,
            indicator=indicators[i],
            department_header=f["department"].header,
            department=departments[i],
            row=table.rows[seen[(indicators[i], departments[i])]],
        ),
    )
    groups: dict[str, list[int]] = {}
    for i in range(len(table)):
        if indicators[i] is not None:
            groups.setdefault(str(indicators[i]), []).append(i)
    for name, members in groups.items():
        if any(shares[i] is None or not 0 < shares[i] <= 1 for i in members):
            continue
        total = sum((shares[i] for i in members), Decimal(0))
        if total != 1:
            rows = ", ".join(str(table.rows[i]) for i in members)
            c.problems.add(
                table.location(c.file, "share", members[0]),
                _(
                    "the {header} of '{indicator}' add up to {total} (rows {rows}), not 1: "
                    "the shares of one indicator must add up to exactly 1",
                    header=share.header,
                    indicator=name,
                    total=plain(total),
                    rows=rows,
                ),
            )
