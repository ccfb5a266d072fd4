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
from kpi.i18n import KeyPath, _
from kpi.io.checks.checker import Checker, not_in
from kpi.io.checks.events import _targets
from kpi.io.checks.field import Checked, Field
from kpi.io.names import Suggester
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
                _(
                    "sheet {sheet} has {count} evaluation row(s), but the rules have no evaluation section: "
                    "add one (groups, trim, min_raters) to the rules, or remove the rows",
                    sheet=table.sheet,
                    count=len(table),
                ),
            )
        return
    _targets(c, f["target"], checked)
    check_ballots(c, checked)


def check_ballots(c: Checker, checked: Checked) -> None:
    """Everything of a 测评 row but its 对象: 评价方, 分数 or 等次, repeated raters.

    The year-end evaluation of the annual appraisal checks its 对象 against the
    members of the quarters instead of a roster, and shares the rest.
    """
    f = checked.fields["evaluations"]
    table = f["target"].table
    rules = c.rules.evaluation
    if rules is None:  # reported by the caller
        return
    c.member(f["rater_group"], list(rules.groups), not_in("evaluation.groups"))
    _score_or_vote(c, checked)
    if rules.votes is None:
        vote = f["vote"]
        c.report(
            table,
            "vote",
            vote.valid(),
            lambda i: _(
                "{header} '{value}' is a vote, but the rules have no {key} to turn votes into scores: "
                "add votes to the rules, or give a 分数 instead",
                header=vote.header,
                value=vote.shown(i),
                key=KeyPath("evaluation.votes"),
            ),
        )
    else:
        c.member(f["vote"], list(rules.votes), not_in("evaluation.votes"))
    _repeated_raters(c, checked)


def _score_or_vote(c: Checker, checked: Checked) -> None:
    """Exactly one of 分数 and 等次 per row; a 分数 lies in [0, 100]."""
    f = checked.fields["evaluations"]
    score, vote = f["score"], f["vote"]
    table = score.table
    if not score.present and not vote.present:
        c.problems.add(
            Location(file=c.file, sheet=table.sheet, row=table.header_row),
            _(
                "missing column 分数 / score or 等次 / vote in the header row (row {row}): "
                "each evaluation row needs a score or a vote",
                row=table.header_row,
            ),
        )
        return
    given_score, given_vote = ~score.is_blank(), ~vote.is_blank()
    c.report(
        table,
        "vote",
        given_score & given_vote,
        lambda i: _(
            "{score} and {vote} are both filled: give this row a score or a vote, not both",
            score=score.header,
            vote=vote.header,
        ),
    )
    c.report(
        table,
        "score" if score.present else "vote",
        ~given_score & ~given_vote,
        lambda i: _(
            "neither {score} nor {vote} is filled: give this row a score (0 to 100) or a vote, or "
            "delete the row",
            score=score.header,
            vote=vote.header,
        ),
    )
    c.in_range(score, lambda v: 0 <= v <= 100, _("must be between 0 and 100"))


def _repeated_raters(c: Checker, checked: Checked) -> None:
    """The same (对象, 评价方, 评价人) twice is an error at the second 评价人 cell.

    Each cell of the three columns becomes the code of its typed value, and the three
    codes one integer key, so half a million ballots are compared as integers, not as
    tuples of text. (Each code is below the row count, at most 2**20 for a sheet, so
    the key fits in 64 bits.)
    """
    f = checked.fields["evaluations"]
    rater = f["rater"]
    columns = (f["target"], f["rater_group"], rater)
    named = np.logical_and.reduce([column.valid() for column in columns])
    if not named.any():
        return
    key = np.zeros(len(named), dtype=np.int64)
    for column in columns:
        # Two raw cells may type to one value (" 张三" and "张三"): code the typed values.
        canonical, typed = pd.factorize(pd.Series(column.typed, dtype=object))
        key = key * (len(typed) + 1) + canonical[column.codes]
    rows = np.flatnonzero(named)
    codes, __ = pd.factorize(key[rows])
    __, first = np.unique(codes, return_index=True)  # each key's first row
    repeated = np.ones(len(rows), dtype=bool)
    repeated[first] = False
    if not repeated.any():
        return
    first_index = first[codes]
    first_row = {int(rows[k]): int(rater.table.rows[rows[first_index[k]]]) for k in np.flatnonzero(repeated)}
    mask = np.zeros(len(named), dtype=bool)
    mask[rows[repeated]] = True
    target, group = columns[0], columns[1]
    c.report(
        rater.table,
        "rater",
        mask,
        lambda i: _(
            "{header} '{value}' already rated '{target}' for 评价方 '{group}' in row {row}: a rater rates "
            "a 对象 once per group (leave 评价人 blank for anonymous ballots)",
            header=rater.header,
            value=rater.shown(i),
            target=target.value(i),
            group=group.value(i),
            row=first_row[i],
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


def check_year_end_targets(c: Checker, f: Field, ids: set[str], departments: set[str], quarters: str) -> None:
    """对象 of the year-end evaluation: a 工号 or a department of some quarter's results, never both."""
    both = ids & departments
    c.report(
        f.table,
        f.key,
        f.where(lambda v: v in both),
        lambda i: _(
            "{header} '{value}' is both a 工号 and a department in the results of {quarters}, so it is "
            "ambiguous",
            header=f.header,
            value=f.shown(i),
            quarters=quarters,
        ),
    )
    suggest = Suggester(v for group in (departments, ids) for v in sorted(group))
    c.report(
        f.table,
        f.key,
        f.where(lambda v: v not in ids and v not in departments),
        lambda i: _(
            "{header} '{value}' is neither a 工号 nor a department in the results of {quarters}: "
            "the year-end evaluation rates members of the year{hint}",
            header=f.header,
            value=f.shown(i),
            quarters=quarters,
            hint=suggest.hint(str(f.value(i))),
        ),
    )
