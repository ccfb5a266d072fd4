"""Ranks, bands, quotas, vetoes and ties (method §5, §6.8, §9)."""

from __future__ import annotations

from decimal import Decimal as D

import pandas as pd
import pytest

from kpi.engine.grades import competition_ranks, grade_population, quota_places
from kpi.errors import ComputeError


def members(*rows: tuple[str, str, bool]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "score": [D(r[1]) for r in rows],
            "vetoed": [r[2] for r in rows],
        }
    )


def test_competition_ranks():
    assert competition_ranks([D(95), D(90), D(90), D(85)]) == [1, 2, 2, 4]


@pytest.mark.parametrize(
    ("n", "q", "rounding", "expected"),
    [
        (6, "0.2", "ceil", 2),
        (6, "0.2", "floor", 1),
        (6, "0.2", "round", 1),
        (5, "0.3", "round", 2),  # 1.5 → 2 (half up)
        (10, "0.2", "ceil", 2),
        (3, "0.2", "floor", 0),
    ],
)
def test_quota_places(n, q, rounding, expected):
    assert quota_places(n, D(q), rounding) == expected


def test_worked_quarter_individuals(rules):
    # n = 6, ceil(1.2) = 2 places; E03 ties E02 at the cut and falls to 良好; E04 vetoed.
    g = grade_population(
        members(
            ("E04", "60.00", True),
            ("E03", "102.80", False),
            ("E06", "94.73", False),
            ("E01", "103.41", False),
            ("E05", "96.00", False),
            ("E02", "102.80", False),
        ),
        rules,
        "individual",
    )
    f = g.frame
    assert list(f["id"]) == ["E01", "E02", "E03", "E05", "E06", "E04"]
    assert list(f["rank"]) == [1, 2, 2, 4, 5, 6]
    assert list(f["grade"]) == ["优秀", "优秀", "良好", "良好", "良好", "不合格"]
    assert list(f["band"]) == ["优秀", "优秀", "优秀", "优秀", "优秀", "合格"]
    [tie] = g.warnings
    assert tie.kind == "warning" and "E03" in tie.message and "优秀" in tie.message


def test_vetoed_member_takes_no_quota_place(make_rules):
    # max_grade 优秀 (a quota band) → drops to the next band without a quota: 良好.
    rules = make_rules(veto={"max_grade": "优秀"})
    g = grade_population(members(("A", "99", True), ("B", "95", False)), rules, "x")
    assert list(g.frame["grade"]) == ["良好", "优秀"]


def test_below_every_band_gets_lowest_and_warning(make_rules):
    rules = make_rules(
        grades={
            "bands": [
                {"name": "好", "min": D(80), "factor": D(1)},
                {"name": "差", "min": D(50), "factor": D(0)},
            ]
        },
        veto={"max_grade": "差"},
    )
    g = grade_population(members(("A", "40", False)), rules, "x")
    assert list(g.frame["grade"]) == ["差"] and "below every band" in g.warnings[0].message


def test_full_lowest_band_is_an_error(make_rules):
    rules = make_rules(
        grades={
            "quota_rounding": "floor",
            "bands": [
                {"name": "好", "min": D(80), "quota": D("0.5"), "factor": D(1)},
                {"name": "差", "min": D(0), "quota": D("0.5"), "factor": D(0)},
            ],
        },
        veto={"max_grade": "差"},
    )
    with pytest.raises(ComputeError, match="lowest band"):
        grade_population(members(("A", "90", False), ("B", "90", False), ("C", "90", False)), rules, "x")


def test_department_quota_scope(make_rules):
    # Two groups of 3 with floor(3 × 0.4) = 1 place each: the best of each group is 优秀.
    rules = make_rules(
        grades={
            "quota_scope": "department",
            "quota_rounding": "floor",
            "bands": [
                {"name": "优秀", "min": D(90), "quota": D("0.4"), "factor": D(1)},
                {"name": "良好", "min": D(0), "factor": D(1)},
            ],
        },
        veto={"max_grade": "良好"},
    )
    frame = members(
        ("a1", "99", False),
        ("a2", "98", False),
        ("a3", "97", False),
        ("b1", "91", False),
        ("b2", "90", False),
        ("b3", "50", False),
    )
    frame["quota_group"] = ["A", "A", "A", "B", "B", "B"]
    g = grade_population(frame, rules, "individual", group_sizes={"A": 3, "B": 3})
    assert dict(zip(g.frame["id"], g.frame["grade"], strict=True)) == {
        "a1": "优秀",
        "a2": "良好",
        "a3": "良好",
        "b1": "优秀",
        "b2": "良好",
        "b3": "良好",
    }
    assert list(g.frame["rank"]) == [1, 2, 3, 4, 5, 6]


def test_ids_order_by_code_point(rules):
    g = grade_population(members(("9", "80", False), ("10", "80", False)), rules, "x")
    assert list(g.frame["id"]) == ["10", "9"]
