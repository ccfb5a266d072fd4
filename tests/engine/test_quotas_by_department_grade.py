"""Individual quotas tied to the department's grade (quota_by_department_grade).

Rules of the examples: quota_scope department, floor; band 优秀 (min 90) has
quota 0.5 for departments and leaders, and for individuals
{优秀: 0.5, 良好: 0.25, 合格: 0, 不合格: 0} by the grade of their department;
veto.max_grade 不合格.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pandas as pd

from kpi.engine.grades import grade_population, quota_table
from kpi.engine.quotas import individual_quota, quota_sources

BY_GRADE = {"优秀": D("0.5"), "良好": D("0.25"), "合格": D(0), "不合格": D(0)}


def rules_with_tied_quotas(make_rules: Any) -> Any:
    return make_rules(
        grades={
            "quota_scope": "department",
            "quota_rounding": "floor",
            "bands": [
                {
                    "name": "优秀",
                    "min": D(90),
                    "quota": D("0.5"),
                    "quota_by_department_grade": BY_GRADE,
                    "factor": D("1.2"),
                },
                {"name": "良好", "min": D(80), "factor": D(1)},
                {"name": "合格", "min": D(60), "factor": D("0.8")},
                {"name": "不合格", "min": D(0), "factor": D(0)},
            ],
        }
    )


def members(rows: list[tuple[str, str, bool, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "score": [D(r[1]) for r in rows],
            "vetoed": [r[2] for r in rows],
            "quota_group": [r[3] for r in rows],
        }
    )


def test_individual_quota_follows_the_final_grade_of_the_department(make_rules: Any) -> None:
    rules = rules_with_tied_quotas(make_rules)
    # Departments (zone-wide, band quota 0.5): n = 3 → floor(1.5) = 1 place in 优秀.
    # 丙 scores 95 but is vetoed: its band 优秀 is capped to max_grade 不合格 and it takes
    # no place; 甲 (95) takes the place; 乙 (85) is 良好.
    departments = grade_population(
        members([("甲", "95", False, ""), ("乙", "85", False, ""), ("丙", "95", True, "")]),
        rules,
        "department",
    ).frame
    grades = dict(zip(departments["id"], departments["grade"], strict=True))
    assert grades == {"甲": "优秀", "乙": "良好", "丙": "不合格"}

    # Four individuals in each department, all scoring 95 (ids order the ties).
    people = members([(f"{d}{i}", "95", False, d) for d in ("甲", "乙", "丙") for i in range(1, 5)])
    sizes = {"甲": 4, "乙": 4, "丙": 4}
    quota_of = individual_quota(rules, grades)
    assert quota_of is not None
    graded = grade_population(people, rules, "individual", group_sizes=sizes, quota_of=quota_of)
    got = dict(zip(graded.frame["id"], graded.frame["grade"], strict=True))
    # 甲 (优秀): q = 0.5 → floor(4 × 0.5) = 2 places: 甲1, 甲2 优秀; 甲3, 甲4 良好.
    # 乙 (良好): q = 0.25 → floor(4 × 0.25) = 1 place: 乙1.
    # 丙 (不合格 after its veto; 优秀 by score): q = 0 → no place; with the band's own
    #    quota 0.5 it would have had 2.
    assert [got[f"甲{i}"] for i in range(1, 5)] == ["优秀", "优秀", "良好", "良好"]
    assert [got[f"乙{i}"] for i in range(1, 5)] == ["优秀", "良好", "良好", "良好"]
    assert [got[f"丙{i}"] for i in range(1, 5)] == ["良好"] * 4
    assert quota_table(rules, sizes, quota_of) == {("优秀", "甲"): 2, ("优秀", "乙"): 1, ("优秀", "丙"): 0}
    assert quota_sources(rules, grades, ["甲", "乙", "丙"]) == {
        ("优秀", "甲"): (D("0.5"), "优秀"),
        ("优秀", "乙"): (D("0.25"), "良好"),
        ("优秀", "丙"): (D(0), "不合格"),
    }


def test_departments_and_leaders_keep_the_band_quota(make_rules: Any) -> None:
    rules = rules_with_tied_quotas(make_rules)
    # Leaders: n = 4, band quota 0.5 → floor(2) = 2 places whatever the map says.
    leaders = grade_population(
        members([(f"L{i}", "95", False, "") for i in range(1, 5)]), rules, "leader"
    ).frame
    assert list(leaders["grade"]) == ["优秀", "优秀", "良好", "良好"]


def test_a_vetoed_member_never_lands_in_a_tied_quota_band(make_rules: Any) -> None:
    rules = make_rules(
        veto={"max_grade": "优秀"},
        grades={
            "quota_scope": "department",
            "quota_rounding": "floor",
            "bands": [
                {
                    "name": "优秀",
                    "min": D(90),
                    "quota_by_department_grade": {"优秀": D("0.5"), "良好": D(0)},
                    "factor": D(1),
                },
                {"name": "良好", "min": D(0), "factor": D(1)},
            ],
        },
    )
    quota_of = individual_quota(rules, {"甲": "优秀"})
    # 优秀 has no band quota, but for individuals it is a quota band (0.5 in 甲): a vetoed
    # member capped at max_grade 优秀 still drops to the first band without a quota, 良好.
    graded = grade_population(
        members([("a", "99", True, "甲"), ("b", "95", False, "甲")]),
        rules,
        "individual",
        group_sizes={"甲": 2},
        quota_of=quota_of,
    ).frame
    assert dict(zip(graded["id"], graded["grade"], strict=True)) == {"a": "良好", "b": "优秀"}


def test_rules_without_the_key_leave_quotas_as_they_were(make_rules: Any) -> None:
    assert individual_quota(make_rules(), {"甲": "优秀"}) is None
