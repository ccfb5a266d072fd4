"""Evaluation scores: trimmed group means G and the weighted evaluation score E.

Every expected number is worked by hand in the comments: sort a group's
scores, drop ``trim`` lowest and ``trim`` highest, G = r2(mean of the rest)
(half away from zero), E = r2(Σ w G / Σ w) over the groups with at least
``min_raters`` scores.
"""

from __future__ import annotations

from decimal import Decimal as D
from decimal import localcontext
from typing import Any

import pandas as pd

from kpi.engine.evaluation import evaluation_scores
from kpi.numbers import EXACT

VOTES = {"优秀": D(100), "称职": D(85), "基本称职": D(70), "不称职": D(50)}


def evaluation(**changes: Any) -> dict[str, Any]:
    return {
        "evaluation": {
            "groups": {"领导": D("0.3"), "同事": D("0.3"), "服务企业": D("0.4")},
            "votes": VOTES,
            "trim": 1,
            "min_raters": 3,
            **changes,
        }
    }


def rows(*ballots: tuple[str, str, Any]) -> pd.DataFrame:
    """(target, group, score or vote) → the reader's 测评 frame, rows from 2 on."""
    records = []
    for target, group, given in ballots:
        vote = given if given in VOTES else None
        score = None if vote is not None else D(str(given))
        records.append({"target": target, "rater_group": group, "rater": None, "score": score, "vote": vote})
    frame = pd.DataFrame({c: pd.Series([r[c] for r in records], dtype=object) for c in records[0]})
    frame["row"] = range(2, len(records) + 2)
    return frame


def run(make_rules: Any, frame: pd.DataFrame, **changes: Any) -> Any:
    with localcontext(EXACT):
        return evaluation_scores(frame, make_rules(**evaluation(**changes)))


def test_trimmed_means_with_votes_and_a_group_left_out(make_rules: Any) -> None:
    frame = rows(
        # 同事: 90, 80, 70 and 优秀 = 100 → sorted 70 80 90 100 → drop 70 and 100
        #   → G = r2((80 + 90) / 2) = 85.00
        ("E01", "同事", 90),
        ("E01", "同事", 80),
        ("E01", "同事", 70),
        ("E01", "同事", "优秀"),
        # 领导: 2 scores < min_raters 3 → left out (去掉 0, no mean)
        ("E01", "领导", "88.5"),
        ("E01", "领导", 91),
        # 服务企业: 60, 99, 称职 85, 称职 85, 不称职 50 → sorted 50 60 85 85 99
        #   → drop 50 and 99 → G = r2((60 + 85 + 85) / 3) = r2(76.666…) = 76.67
        ("E01", "服务企业", 60),
        ("E01", "服务企业", 99),
        ("E01", "服务企业", "称职"),
        ("E01", "服务企业", "称职"),
        ("E01", "服务企业", "不称职"),
    )
    result = run(make_rules, frame)
    detail = result.detail
    assert list(detail["rater_group"]) == ["领导", "同事", "服务企业"]  # rules order, not row order
    assert list(detail["count"]) == [2, 4, 5]
    assert list(detail["trimmed"]) == [0, 2, 2]
    assert list(detail["mean"]) == [None, D("85.00"), D("76.67")]
    assert list(detail["counted"]) == [False, True, True]
    # E renormalised over the groups kept (领导 left out):
    # r2((0.3 × 85.00 + 0.4 × 76.67) / (0.3 + 0.4)) = r2((25.5 + 30.668) / 0.7)
    # = r2(56.168 / 0.7) = r2(80.24) = 80.24
    assert result.score_of() == {"E01": D("80.24")}
    # The published rows: sorted within each group, the dropped ones marked.
    mine = result.rows[result.rows["rater_group"] == "服务企业"]
    assert list(mine["value"]) == [D(50), D(60), D(85), D(85), D(99)]
    assert list(mine["trimmed"]) == [True, False, False, False, True]
    assert list(mine["vote"]) == ["不称职", None, "称职", "称职", None]


def test_no_group_kept_means_no_evaluation_score(make_rules: Any) -> None:
    # 2 scores in each group, min_raters 3: every group left out → E absent.
    frame = rows(("E01", "同事", 90), ("E01", "同事", 80), ("E01", "领导", 70), ("E01", "领导", 75))
    result = run(make_rules, frame)
    assert result.score_of() == {}
    assert list(result.detail["counted"]) == [False, False]
    assert list(result.detail["trimmed"]) == [0, 0]


def test_means_round_half_away_from_zero_exactly(make_rules: Any) -> None:
    # trim 0, min_raters 2. 同事: (90.01 + 90) / 2 = 90.005 → 90.01 (half up; a binary
    # float mean of the two is 90.00499999… and would round down).
    # 领导: (85 + 85.01) / 2 = 85.005 → 85.01.
    # E = r2((0.3 × 85.01 + 0.3 × 90.01) / 0.6) = r2(52.506 / 0.6) = r2(87.51) = 87.51
    frame = rows(("E01", "同事", "90.01"), ("E01", "同事", 90), ("E01", "领导", 85), ("E01", "领导", "85.01"))
    result = run(make_rules, frame, trim=0, min_raters=2)
    assert list(result.detail["mean"]) == [D("85.01"), D("90.01")]
    assert list(result.detail["trimmed"]) == [0, 0]
    assert result.score_of() == {"E01": D("87.51")}


def test_e_rounds_half_up_from_the_exact_weighted_mean(make_rules: Any) -> None:
    # trim 0, min_raters 1, weights 1 and 1 (no decimals to hide behind):
    # 领导 G = 85.00, 同事 G = 85.01 → E = r2(170.01 / 2) = r2(85.005) = 85.01
    frame = rows(("E01", "领导", 85), ("E01", "同事", "85.01"))
    result = run(make_rules, frame, trim=0, min_raters=1, groups={"领导": D(1), "同事": D(1)})
    assert result.score_of() == {"E01": D("85.01")}


def test_only_the_middle_of_a_large_group_counts(make_rules: Any) -> None:
    # trim 2, min_raters 5: 10 raters 1…10 → drop 1, 2 and 9, 10
    # → G = r2((3 + 4 + 5 + 6 + 7 + 8) / 6) = r2(33 / 6) = 5.50.
    frame = rows(*(("招商部", "服务企业", n) for n in (7, 3, 10, 1, 9, 5, 2, 8, 4, 6)))
    result = run(make_rules, frame, trim=2, min_raters=5)
    [group] = result.detail.to_dict("records")
    assert (group["count"], group["trimmed"], group["kept"], group["mean"]) == (10, 4, 6, D("5.50"))
    # one group kept: E = G
    assert result.score_of() == {"招商部": D("5.50")}
    trimmed = result.rows.loc[result.rows["trimmed"], "value"]
    assert sorted(trimmed) == [D(1), D(2), D(9), D(10)]


def test_targets_by_code_point_then_groups_in_rules_order(make_rules: Any) -> None:
    ballots = []
    for target in ("乙部", "9", "B", "10"):
        for group in ("服务企业", "领导"):
            ballots += [(target, group, 80)] * 3
    result = run(make_rules, rows(*ballots))
    pairs = list(zip(result.detail["target"], result.detail["rater_group"], strict=True))
    # "10" < "9" < "B" < "乙部" by code point; 领导 before 服务企业 as the rules list them.
    assert pairs == [
        ("10", "领导"),
        ("10", "服务企业"),
        ("9", "领导"),
        ("9", "服务企业"),
        ("B", "领导"),
        ("B", "服务企业"),
        ("乙部", "领导"),
        ("乙部", "服务企业"),
    ]


def test_without_evaluation_rules_or_rows_nothing_is_computed(make_rules: Any) -> None:
    with localcontext(EXACT):
        assert evaluation_scores(rows(("E01", "同事", 90)), make_rules()).score_of() == {}
    assert run(make_rules, rows(("E01", "同事", 90)).iloc[0:0]).detail.empty
