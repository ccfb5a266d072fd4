"""Checks of the optional sheet 测评 (evaluations): who is rated, by which group, with what.

Each row is one rater's 分数 (0–100) or 等次 (a vote the rules turn into a
score) for a 对象 — a 工号 or a department — within a rater group (评价方) of
the rules' ``evaluation.groups``. A named 评价人 rates a 对象 once per group;
rows without a 评价人 (anonymous ballots) may repeat. Sheets of 500,000 rows
are checked column by column, once per distinct value where possible.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.errors import Location
from kpi.io.checks.checker import Checker
from kpi.io.checks.events import _targets
from kpi.io.checks.field import Checked
from kpi.rules.schema import Rules


def check_evaluations(c: Checker, checked: Checked) -> None:
    f = checked.fields.get("evaluations")
    if f is None:
        return
    table = f["target"].table
    rules = c.rules.evaluation
    if rules is None:
        if len(table):
            c.problems.add(
                Location(file=c.file, sheet=table.sheet, row=int(table.rows[0])),
                f"sheet {table.sheet} has {len(table)} evaluation row(s), but the rules have no "
                "evaluation section: add one (groups, trim, min_raters) to the rules, or remove "
                "the rows",
            )
        return
    _targets(c, f["target"], checked)
    c.member(f["rater_group"], list(rules.groups), "in evaluation.groups")
    _score_or_vote(c, checked)
    if rules.votes is None:
        vote = f["vote"]
        c.report(
            table,
            "vote",
            vote.valid(),
            lambda i: (
                f"{vote.header} '{vote.shown(i)}' is a vote, but the rules have no evaluation.votes "
                "to turn votes into scores: add votes to the rules, or give a 分数 instead"
            ),
        )
    else:
        c.member(f["vote"], list(rules.votes), "in evaluation.votes")
    _repeated_raters(c, checked)


def _score_or_vote(c: Checker, checked: Checked) -> None:
    """Exactly one of 分数 and 等次 per row; a 分数 lies in [0, 100]."""
    f = checked.fields["evaluations"]
    score, vote = f["score"], f["vote"]
    table = score.table
    if not score.present and not vote.present:
        c.problems.add(
            Location(file=c.file, sheet=table.sheet, row=table.header_row),
            f"missing column 分数 / score or 等次 / vote in the header row (row {table.header_row}): "
            "each evaluation row needs a score or a vote",
        )
        return
    given_score, given_vote = ~score.is_blank(), ~vote.is_blank()
    c.report(
        table,
        "vote",
        given_score & given_vote,
        lambda i: (
            f"{score.header} and {vote.header} are both filled: give this row a score or a vote, not both"
        ),
    )
    c.report(
        table,
        "score" if score.present else "vote",
        ~given_score & ~given_vote,
        lambda i: (
            f"neither {score.header} nor {vote.header} is filled: give this row a score (0 to 100) "
            "or a vote, or delete the row"
        ),
    )
    c.in_range(score, lambda v: 0 <= v <= 100, "must be between 0 and 100")


def _repeated_raters(c: Checker, checked: Checked) -> None:
    """The same (对象, 评价方, 评价人) twice is an error at the second 评价人 cell."""
    f = checked.fields["evaluations"]
    rater = f["rater"]
    keys = pd.DataFrame(
        {"target": f["target"].cells(), "group": f["rater_group"].cells(), "rater": rater.cells()}
    )
    named = keys.notna().all(axis=1).to_numpy()
    if not named.any():
        return
    present = keys[named]
    repeated = present.duplicated(keep="first")
    if not repeated.any():
        return
    first = (
        present.index.to_series()
        .groupby([present["target"], present["group"], present["rater"]], sort=False)
        .transform("first")
    )
    first_row = {int(i): int(rater.table.rows[first[i]]) for i in present.index[repeated.to_numpy()]}
    mask = np.zeros(len(keys), dtype=bool)
    mask[present.index[repeated.to_numpy()]] = True
    target, group = keys["target"], keys["group"]
    c.report(
        rater.table,
        "rater",
        mask,
        lambda i: (
            f"{rater.header} '{rater.shown(i)}' already rated '{target.iat[i]}' for 评价方 "
            f"'{group.iat[i]}' in row {first_row[i]}: a rater rates a 对象 once per group "
            "(leave 评价人 blank for anonymous ballots)"
        ),
    )


def evaluated_departments(checked: Checked, rules: Rules) -> set[str]:
    """Departments with an evaluation group of at least ``min_raters`` rows: their E_d exists.

    Counted over the rows whose 对象 is a department and whose 评价方 is a group
    of the rules (other rows are reported on their own).
    """
    f = checked.fields.get("evaluations")
    evaluation = rules.evaluation
    if f is None or evaluation is None or checked.departments is None:
        return set()
    keys = pd.DataFrame({"target": f["target"].cells(), "group": f["rater_group"].cells()})
    keys = keys[keys["target"].isin(checked.departments) & keys["group"].isin(list(evaluation.groups))]
    counts = keys.groupby(["target", "group"]).size()
    kept = counts[counts >= evaluation.min_raters]
    return {str(t) for t in kept.index.get_level_values("target")}
