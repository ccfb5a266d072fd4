"""Semantic diff of rules files: exact decimals, no formatting noise, bands by name."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel
from support.worked import WORKED_QUARTER

from kpi.audit.rules_diff import PARTS, TOUCHES, diff_rules, lines, touches
from kpi.rules import parse_rules
from kpi.rules.loader import RulesFile
from kpi.rules.schema import Rules


@cache
def worked_text() -> str:
    """The worked quarter's rules text (read on first use, not at import)."""
    return (WORKED_QUARTER / "rules.yaml").read_text(encoding="utf-8")


@cache
def old_rules() -> RulesFile:
    return parse_rules(worked_text(), "old.yaml")


BONUS = "bonus:\n  mode: pool\n  pool: 60000\n  yuan_per_point: 100\n  include_leaders: false\n"


def variant(*edits: tuple[str, str]) -> str:
    """The worked rules' text with exact edits (each ``old`` text must occur once)."""
    text = worked_text()
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def edited(*edits: tuple[str, str]) -> RulesFile:
    return parse_rules(variant(*edits), "new.yaml")


def line_with(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_same_rules_have_no_changes() -> None:
    assert diff_rules(old_rules(), parse_rules(worked_text(), "copy.yaml")) == []
    assert lines([], "en") == ["no changes to the rules (comments, formatting and key order are ignored)"]


def test_decimal_spelling_is_no_change() -> None:
    # 1.2 and 1.20 are the same decimal; so are 100 and 100.0, 0.2 and 0.20, 1.3 and 1.300.
    new = edited(
        ("cap: 1.2", "cap: 1.20"),
        ("base_score: 100", "base_score: 100.0"),
        ("quota: 0.2", "quota: 0.20"),
        ("招商: 1.3,", "招商: 1.300,"),
    )
    assert diff_rules(old_rules(), new) == []


def test_comments_formatting_and_key_order_are_no_change() -> None:
    new = edited(
        # a flow mapping rewritten as a block mapping, keys reordered, comments added
        (
            "  person_cap: {add: 20, deduct: 20}",
            "  # 个人点数上下限\n  person_cap:\n    deduct: 20   # 扣点\n    add: 20",
        ),
        # a band's keys reordered and its name quoted
        (
            "{name: 优秀, min: 90, quota: 0.2, factor: 1.2}",
            "{factor: 1.2, quota: 0.2, min: 90, name: '优秀'}",
        ),
        # a role list reordered: lists of roles are sets
        ("main_leader: [党工委书记, 管委会主任]", "main_leader: [管委会主任, 党工委书记]"),
    )
    assert diff_rules(old_rules(), new) == []
    # a whole section moved to the top of the file, in flow style
    moved = (
        "# 奖金\nbonus: {include_leaders: false, yuan_per_point: 100, pool: 60000, mode: pool}\n"
        + variant((BONUS, ""))
    )
    assert diff_rules(old_rules(), parse_rules(moved, "moved.yaml")) == []


def test_band_quota_change_touches_grades_and_bonus() -> None:
    text = variant(("quota: 0.2", "quota: 0.15"))
    (change,) = diff_rules(old_rules(), parse_rules(text, "new.yaml"))
    assert change.path == "grades.bands[优秀].quota"
    assert (change.kind, str(change.old), str(change.new)) == ("changed", "0.2", "0.15")
    assert change.touches == ("grades", "bonus")
    assert change.old_line == line_with(worked_text(), "name: 优秀")
    assert change.new_line == line_with(text, "name: 优秀")
    assert change.line("en") == "grades.bands[优秀].quota: 0.2 → 0.15  (touches: grades, bonus)"
    assert change.as_dict() == {
        "path": "grades.bands[优秀].quota",
        "kind": "changed",
        "old": "0.2",
        "new": "0.15",
        "old_line": change.old_line,
        "new_line": change.new_line,
        "touches": ["grades", "bonus"],
    }


def test_bands_are_matched_by_name() -> None:
    # A renamed band is one band removed and one added (with all its keys), and
    # a quota added to a band is that band's quota — whatever the positions.
    new = edited(
        ("{name: 良好, min: 80, factor: 1.0}", "{name: 较好, min: 80, factor: 1.0}"),
        ("{name: 合格, min: 60, factor: 0.8}", "{name: 合格, min: 60, quota: 0.5, factor: 0.8}"),
    )
    assert lines(diff_rules(old_rules(), new), "en") == [
        "grades.bands[良好]: removed {name: 良好, min: 80, factor: 1.0}  (touches: grades, bonus)",
        "grades.bands[合格].quota: added 0.5  (touches: grades, bonus)",
        "grades.bands[较好]: added {name: 较好, min: 80, factor: 1.0}  (touches: grades, bonus)",
    ]
    removed, added_quota, added = diff_rules(old_rules(), new)
    assert (removed.old_line, removed.new_line) == (line_with(worked_text(), "name: 良好"), None)
    assert (added.old_line, added.new_line) == (None, line_with(worked_text(), "name: 良好"))
    assert added_quota.old is None and added_quota.kind == "added"


def test_band_factor_touches_bonus_only() -> None:
    (change,) = diff_rules(old_rules(), edited(("min: 60, factor: 0.8", "min: 60, factor: 0.75")))
    assert change.line("en") == "grades.bands[合格].factor: 0.8 → 0.75  (touches: bonus)"


def test_role_lists_are_sets_with_members_listed() -> None:
    new = edited(
        (
            "main_leader: [党工委书记, 管委会主任]",
            "main_leader: [管委会主任, 党工委副书记, 党工委书记2]",
        ),
        ("items: [全面从严治党, 安全生产]", "items: [安全生产, 全面从严治党]"),
    )
    changes = diff_rules(old_rules(), new)
    assert [(c.path, c.kind, c.old, c.new) for c in changes] == [
        ("roles.main_leader", "removed", "党工委书记", None),
        ("roles.main_leader", "added", None, "党工委副书记"),
        ("roles.main_leader", "added", None, "党工委书记2"),
    ]
    assert changes[0].touches == ("leaders", "individuals", "grades", "bonus")
    assert changes[0].line("en") == (
        "roles.main_leader: removed 党工委书记  (touches: leaders, individuals, grades, bonus)"
    )


def test_an_added_event_is_one_change_with_its_whole_value() -> None:
    text = variant(
        (
            "    B02: {name: 工作作风问题, points: -2, max_per_period: 6}\n",
            "    B02: {name: 工作作风问题, points: -2, max_per_period: 6}\n"
            "    C01: {name: 创新工作, points: 1.5}\n",
        ),
        (
            "A01: {name: 重大活动表现突出, points: 2, max_per_period: 6}",
            "A01: {name: 重大活动表现突出, points: 2, max_per_period: 8}",
        ),
    )
    first, second = diff_rules(old_rules(), parse_rules(text, "new.yaml"))
    assert first.line("en") == (
        "points.events.A01.max_per_period: 6 → 8  "
        "(touches: points, departments, leaders, individuals, grades, bonus)"
    )
    assert second.path == "points.events.C01" and second.kind == "added"
    assert second.as_dict()["new"] == {"name": "创新工作", "points": "1.5"}
    assert second.new_line == line_with(text, "C01:")


def test_coefficients_and_weighting() -> None:
    changes = diff_rules(
        old_rules(),
        edited(
            ("招商: 1.3,", "招商: 1.4,"),
            (
                "rank_score: {method: percentile, top: 100, bottom: 65}",
                "rank_score: {method: linear, top: 100, step: 4, floor: 60}",
            ),
        ),
    )
    assert lines(changes, "en") == [
        "coefficients.post_category.招商: 1.3 → 1.4  (touches: coefficients, bonus)",
        "weighting.rank_score.method: percentile → linear  (touches: city weighting, "
        "departments, leaders, individuals, grades, bonus)",
        "weighting.rank_score.bottom: removed 65  (touches: city weighting, departments, "
        "leaders, individuals, grades, bonus)",
        "weighting.rank_score.step: added 4  (touches: city weighting, departments, leaders, "
        "individuals, grades, bonus)",
        "weighting.rank_score.floor: added 60  (touches: city weighting, departments, leaders, "
        "individuals, grades, bonus)",
    ]


def test_metadata_changes_touch_no_number() -> None:
    new = edited(
        (
            'version: "2024.1"',
            'version: "2024.2"\nsource: 青高管发〔2024〕30号\neffective_from: 2024-07-01',
        ),
    )
    assert lines(diff_rules(old_rules(), new), "en") == [
        "version: 2024.1 → 2024.2  (metadata)",
        "source: added 青高管发〔2024〕30号  (metadata)",
        "effective_from: added 2024-07-01  (metadata)",
    ]
    assert diff_rules(old_rules(), new)[2].as_dict()["new"] == "2024-07-01"


def test_touches_table_covers_every_key_and_names_known_parts() -> None:
    for name, field in Rules.model_fields.items():  # raises KeyError when a key is not covered
        section = field.annotation
        if isinstance(section, type) and issubclass(section, BaseModel):
            for key in section.model_fields:
                touches((name, key))
        else:
            touches((name,))
    for parts in TOUCHES.values():
        assert set(parts) <= set(PARTS)
    assert touches(("weighting", "rank_score", "top")) == (
        "city weighting",
        "departments",
        "leaders",
        "individuals",
        "grades",
        "bonus",
    )
    assert touches(("grades", "bands", "优秀", "quota")) == ("grades", "bonus")
    assert touches(("bonus", "pool")) == ("bonus",)
