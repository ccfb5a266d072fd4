"""``rules diff`` on the keys of evaluations, scoring curves and quotas by department grade."""

from __future__ import annotations

from functools import cache

from support.worked import WORKED_QUARTER

from kpi.audit.rules_diff import diff_rules, lines, touches
from kpi.rules import parse_rules
from kpi.rules.loader import RulesFile

DOWNSTREAM = "departments, leaders, individuals, grades, bonus"
#: The evaluation section also scores the year-end evaluation of the annual appraisal.
ANNUAL = "annual scores, annual grades, annual bonus"
EVALUATION = "evaluation:\n  groups: {领导: 0.4, 群众: 0.6}\n  trim: 1\n  min_raters: 3\n"


@cache
def worked_text() -> str:
    return (WORKED_QUARTER / "rules.yaml").read_text(encoding="utf-8")


def edited(*edits: tuple[str, str], name: str = "new.yaml") -> RulesFile:
    text = worked_text()
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return parse_rules(text, name)


WITH_EVALUATION = ("  include_leaders: false\n", "  include_leaders: false\n" + EVALUATION)


def test_an_added_evaluation_section_is_one_change_touching_everything_downstream() -> None:
    new = edited(WITH_EVALUATION)
    assert lines(diff_rules(parse_rules(worked_text(), "old.yaml"), new), "en") == [
        f"evaluation: added {{groups: {{领导: 0.4, 群众: 0.6}}, trim: 1, min_raters: 3}}  "
        f"(touches: evaluations, {DOWNSTREAM}, {ANNUAL})"
    ]


def test_evaluation_keys_and_weights() -> None:
    old = edited(WITH_EVALUATION, name="old.yaml")
    new = edited(
        (
            WITH_EVALUATION[0],
            WITH_EVALUATION[1].replace("trim: 1", "trim: 2").replace("min_raters: 3", "min_raters: 5"),
        ),
        ("{indicators: 0.6, city: 0.4}", "{indicators: 0.6, city: 0.4, evaluation: 0.2}"),
        (
            "leader_in_charge: {zone: 0.5, departments: 0.5}",
            "leader_in_charge: {zone: 0.5, departments: 0.5, evaluation: 0.2}\n"
            "  main_leader: {zone: 1, evaluation: 1}",
        ),
    )
    assert lines(diff_rules(old, new), "en") == [
        "weighting.leader_in_charge.evaluation: added 0.2  (touches: evaluations, leaders, grades, bonus)",
        "weighting.main_leader: added {zone: 1, evaluation: 1}  (touches: leaders, grades, bonus)",
        f"department.weights.evaluation: added 0.2  (touches: {DOWNSTREAM})",
        f"evaluation.trim: 1 → 2  (touches: evaluations, {DOWNSTREAM}, {ANNUAL})",
        f"evaluation.min_raters: 3 → 5  (touches: evaluations, {DOWNSTREAM}, {ANNUAL})",
    ]


def test_curves_and_quotas_by_department_grade() -> None:
    old = parse_rules(worked_text(), "old.yaml")
    new = edited(
        (
            "  late_factor: 0.8\n",
            "  late_factor: 0.8\n  curves:\n    达标型: {mode: step, points: [[0.9, 80]]}\n",
        ),
        ("quota_scope: zone", "quota_scope: department"),
        (
            "{name: 优秀, min: 90, quota: 0.2,",
            "{name: 优秀, min: 90, quota: 0.2, "
            "quota_by_department_grade: {优秀: 0.3, 良好: 0.2, 合格: 0, 不合格: 0},",
        ),
    )
    assert lines(diff_rules(old, new), "en") == [
        "indicators.curves: added {达标型: {mode: step, points: [[0.9, 80]]}}  "
        f"(touches: indicators, {DOWNSTREAM})",
        "grades.quota_scope: zone → department  (touches: grades, bonus)",
        "grades.bands[优秀].quota_by_department_grade: added {优秀: 0.3, 良好: 0.2, 合格: 0, 不合格: 0}  "
        "(touches: grades, bonus)",
    ]
    assert touches(("indicators", "curves", "达标型", "points")) == ("indicators", *DOWNSTREAM.split(", "))
