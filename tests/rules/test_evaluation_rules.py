"""The rules keys of evaluations, scoring curves and quotas by department grade.

All of them are optional, so a rules file without them reads exactly as before;
their own mistakes are reported at their lines (the one-fault files of
``tests/bad_rules`` cover one of each kind; these tests cover the rest).
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import jsonschema
import pytest
from support.worked import WORKED_QUARTER

from kpi.errors import RulesError
from kpi.rules import parse_rules
from kpi.rules.jsonschema import rules_json_schema

EVALUATION = """\
evaluation:
  groups: {领导: 0.3, 同事: 0.3, 服务企业: 0.4}
  votes: {优秀: 100, 称职: 85}
  trim: 1
  min_raters: 3
"""


def text(*edits: tuple[str, str]) -> str:
    written = (WORKED_QUARTER / "rules.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert written.count(old) == 1, old
        written = written.replace(old, new)
    return written


def refused(written: str) -> RulesError:
    with pytest.raises(RulesError) as caught:
        parse_rules(written, "x.yaml")
    return caught.value


def line_with(written: str, fragment: str, nth: int = 1) -> int:
    hits = [i for i, line in enumerate(written.splitlines(), 1) if fragment in line]
    return hits[nth - 1]


def test_absent_keys_leave_the_rules_as_they_were() -> None:
    rules = parse_rules(text()).rules
    assert rules.evaluation is None
    assert rules.indicators.curves is None
    assert rules.weighting.main_leader is None
    assert rules.department.weights.evaluation is None
    assert rules.individual.weights.evaluation is None
    assert rules.weighting.leader_in_charge.evaluation is None
    assert all(b.quota_by_department_grade is None for b in rules.grades.bands)


def test_every_new_key_reads_exactly() -> None:
    rules = parse_rules(
        text(
            ("  include_leaders: false\n", "  include_leaders: false\n" + EVALUATION),
            ("{indicators: 0.6, city: 0.4}", "{indicators: 0.6, city: 0.4, evaluation: 0.25}"),
            (
                "weights: {department: 0.4, personal: 0.6}",
                "weights: {department: 0.4, personal: 0.6, evaluation: 0.1}",
            ),
            (
                "{部长: {department: 0.7, personal: 0.3}}",
                "{部长: {department: 0.7, personal: 0.3, evaluation: 0.2}}",
            ),
            (
                "leader_in_charge: {zone: 0.5, departments: 0.5}",
                "leader_in_charge: {zone: 0.5, departments: 0.5, evaluation: 0.35}\n  main_leader: {zone: 1}",
            ),
            (
                "  late_factor: 0.8\n",
                "  late_factor: 0.8\n  curves:\n"
                "    增长型: {mode: linear, points: [[0, 0], [1, 100], [1.4, 120]]}\n",
            ),
            ("quota_scope: zone", "quota_scope: department"),
            (
                "{name: 优秀, min: 90, quota: 0.2,",
                "{name: 优秀, min: 90, quota: 0.2, quota_by_department_grade: "
                "{优秀: 0.3, 良好: 0.2, 合格: 0.1, 不合格: 0},",
            ),
        )
    ).rules
    assert rules.evaluation is not None
    assert rules.evaluation.groups == {"领导": D("0.3"), "同事": D("0.3"), "服务企业": D("0.4")}
    assert (rules.evaluation.trim, rules.evaluation.min_raters) == (1, 3)
    assert rules.department.weights.evaluation == D("0.25")
    assert rules.individual.weights.evaluation == D("0.1")
    assert rules.individual.by_role is not None and rules.individual.by_role["部长"].evaluation == D("0.2")
    assert rules.weighting.leader_in_charge.evaluation == D("0.35")
    assert rules.weighting.main_leader is not None
    assert (rules.weighting.main_leader.zone, rules.weighting.main_leader.evaluation) == (1, None)
    assert rules.indicators.curves is not None
    assert rules.indicators.curves["增长型"].points[2] == [D("1.4"), D(120)]
    assert rules.grades.bands[0].quota_by_department_grade == {
        "优秀": D("0.3"),
        "良好": D("0.2"),
        "合格": D("0.1"),
        "不合格": D(0),
    }


@pytest.mark.parametrize(
    ("edit", "fragment", "words"),
    [
        (("trim: 1", "trim: -1"), "trim: -1", "evaluation.trim must be ≥ 0"),
        (("领导: 0.3,", "领导: 0,"), "groups:", "evaluation.groups.领导 must be > 0"),
        (("称职: 85}", "称职: 101}"), "votes:", "evaluation.votes.称职 must be ≤ 100"),
        (("  min_raters: 3\n", ""), "evaluation:", "missing required key 'min_raters' in evaluation"),
        (("  trim: 1\n", ""), "evaluation:", "missing required key 'trim' in evaluation"),
        (("trim: 1", "trim: 1\n  weight: 1"), "weight: 1", "unknown key 'weight' in evaluation"),
    ],
)
def test_evaluation_mistakes_are_located(edit: tuple[str, str], fragment: str, words: str) -> None:
    written = text(("  include_leaders: false\n", "  include_leaders: false\n" + EVALUATION.replace(*edit)))
    [problem] = refused(written).problems
    assert words in problem.message
    assert problem.location.line == line_with(written, fragment)


@pytest.mark.parametrize(
    ("curve", "words"),
    [
        ("{mode: linear, points: [[0, 0]]}", "a linear curve needs at least 2 points"),
        ("{mode: linear, points: [[0, -1], [1, 100]]}", "points[0][1] must be ≥ 0, got -1"),
        ("{mode: step, points: [[1, 2, 3]]}", "points[0] must list at most 2 items, got 3"),
        ("{mode: stair, points: [[1, 100]]}", "must be one of linear, step, got 'stair'"),
    ],
)
def test_curve_mistakes_are_located(curve: str, words: str) -> None:
    written = text(("  late_factor: 0.8\n", f"  late_factor: 0.8\n  curves:\n    达标型: {curve}\n"))
    [problem] = refused(written).problems
    assert words in problem.message
    assert problem.location.line == line_with(written, "达标型")


def test_weights_that_can_all_be_zero_are_refused() -> None:
    written = text(
        ("weights: {department: 0.4, personal: 0.6}", "weights: {department: 0, personal: 0, evaluation: 0}")
    )
    [problem] = refused(written).problems
    assert "department, personal and evaluation weights cannot all be 0" in problem.message
    # With an evaluation weight, department and personal may both be 0.
    rules = parse_rules(
        text(
            (
                "weights: {department: 0.4, personal: 0.6}",
                "weights: {department: 0, personal: 0, evaluation: 1}",
            )
        )
    ).rules
    assert rules.individual.weights.evaluation == 1
    written = text(
        (
            "leader_in_charge: {zone: 0.5, departments: 0.5}",
            "leader_in_charge: {zone: 0.5, departments: 0.5}\n  main_leader: {zone: 0, evaluation: 0}",
        )
    )
    [problem] = refused(written).problems
    assert "zone and evaluation weights cannot both be 0" in problem.message
    assert problem.location.line == line_with(written, "main_leader:")


def test_allowed_band_keys_name_the_department_grade_quota_only_where_it_is_allowed() -> None:
    zone = refused(text(("quota: 0.2", "quata: 0.2")))
    assert "(allowed: name, min, quota, factor)" in zone.problems[0].message
    department = refused(text(("quota: 0.2", "quata: 0.2"), ("quota_scope: zone", "quota_scope: department")))
    assert "(allowed: name, min, quota, quota_by_department_grade, factor)" in department.problems[0].message


def _as_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, D):
        return float(value)
    return value


def test_json_schema_accepts_the_new_keys_and_rejects_their_typos() -> None:
    rules = parse_rules(
        text(
            ("  include_leaders: false\n", "  include_leaders: false\n" + EVALUATION),
            (
                "  late_factor: 0.8\n",
                "  late_factor: 0.8\n  curves:\n    达标型: {mode: step, points: [[0.9, 80]]}\n",
            ),
            (
                "leader_in_charge: {zone: 0.5, departments: 0.5}",
                "leader_in_charge: {zone: 0.5, departments: 0.5}\n  main_leader: {zone: 1, evaluation: 0.5}",
            ),
        )
    ).rules
    document = _as_json(rules.model_dump(exclude_none=True))
    jsonschema.validate(document, rules_json_schema())
    document["evaluation"]["min_rater"] = 3
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, rules_json_schema())
