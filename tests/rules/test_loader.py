"""The rules loader: exact values, line numbers, optional keys, and located refusals."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi.errors import Location, RulesError
from kpi.rules import load_rules, parse_rules
from kpi.rules.jsonschema import rules_json_schema
from kpi.rules.schema import LinearRankScore, PercentileRankScore, TableRankScore

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "rules" / "qingdao-hitech-2024.yaml"
SCHEMA_FILE = ROOT / "rules" / "kpi-rules.schema.json"


@cache
def reference_text() -> str:
    """The reference rules' text (read on first use, not at import)."""
    return REFERENCE.read_text(encoding="utf-8")


def line_with(text: str, fragment: str) -> int:
    """1-based line of the first line containing ``fragment``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def variant(old: str, new: str) -> str:
    """The reference rules with one exact edit."""
    assert reference_text().count(old) == 1, old
    return reference_text().replace(old, new)


def refused(text: str) -> RulesError:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "x.yaml")
    return caught.value


# The reference file and the worked example -----------------------------------------


def test_reference_file_loads_with_exact_values() -> None:
    loaded = load_rules(REFERENCE)
    rules = loaded.rules
    assert rules.name == "青岛高新区功能区KPI考核办法"
    assert rules.version == "2024.1"
    assert rules.source == "青高管发〔2024〕12号"
    assert rules.effective_from == date(2024, 1, 1)
    assert rules.base_score == Decimal(100)
    assert rules.points.person_cap.add == Decimal(20)
    assert rules.points.events["A01"].max_per_period == Decimal(6)
    assert rules.points.events["B02"].points == Decimal(-2)
    assert rules.points.events["A02"].max_per_period is None
    assert str(rules.coefficients.post_category["企业服务"]) == "1.15"
    assert rules.coefficients.role == {
        "部长": Decimal("1.5"),
        "副部长": Decimal("1.3"),
        "职员": Decimal("1.0"),
        "网格长": Decimal("1.1"),
        "网格员": Decimal("1.0"),
    }
    assert rules.indicators.cap == Decimal("1.2")
    assert rules.indicators.late_factor == Decimal("0.8")
    rank_score = rules.weighting.rank_score
    assert isinstance(rank_score, TableRankScore)
    assert rank_score.method == "table"
    assert rank_score.table == {1: 100, 2: 96, 3: 92, 4: 88, 5: 84}
    assert rank_score.default == Decimal(80)
    assert rules.individual.by_role is not None
    assert rules.individual.by_role["部长"].department == Decimal("0.6")
    assert rules.individual.by_role["网格员"].evaluation == Decimal("0.4")
    assert rules.roles.main_leader == ["党工委书记", "管委会主任"]
    assert rules.veto.cascade.members is False
    assert [b.name for b in rules.grades.bands] == ["优秀", "良好", "合格", "不合格"]
    assert rules.grades.bands[0].quota == Decimal("0.2")
    assert rules.grades.quota_scope == "department"
    assert rules.grades.bands[0].quota_by_department_grade == {
        "优秀": Decimal("0.3"),
        "良好": Decimal("0.2"),
        "合格": Decimal("0.1"),
        "不合格": Decimal(0),
    }
    assert rules.bonus.mode == "pool"
    assert rules.bonus.pool == Decimal(2250000)
    assert rules.service is not None and rules.service.calendar.statutory is True
    assert rules.service.calendar.holidays == [date(2024, 7, 26)]
    assert rules.evaluation is not None and (rules.evaluation.trim, rules.evaluation.min_raters) == (1, 3)
    assert rules.indicators.curves is not None and list(rules.indicators.curves) == ["增长型", "达标型"]


def test_reference_file_metadata() -> None:
    loaded = load_rules(str(REFERENCE))
    assert loaded.path == str(REFERENCE)
    assert loaded.sha256 == hashlib.sha256(REFERENCE.read_bytes()).hexdigest()
    assert parse_rules(reference_text()).sha256 == loaded.sha256
    assert parse_rules(reference_text()).path == "<rules>"


def test_reference_file_starts_with_the_schema_modeline() -> None:
    assert reference_text().splitlines()[0] == "# yaml-language-server: $schema=./kpi-rules.schema.json"


def test_worked_example_loads(worked_quarter: Path) -> None:
    rules = load_rules(worked_quarter / "rules.yaml").rules
    rank_score = rules.weighting.rank_score
    assert isinstance(rank_score, PercentileRankScore)
    assert (rank_score.top, rank_score.bottom) == (Decimal(100), Decimal(65))
    assert rules.grades.quota_rounding == "ceil"
    assert rules.bonus.pool == Decimal(60000)
    assert rules.veto.cascade.leader_in_charge is False
    assert rules.source is None
    assert rules.effective_from is None


def test_lines_of_keys_and_items() -> None:
    loaded = load_rules(REFERENCE)
    assert loaded.line_of("name") == line_with(reference_text(), "name: 青岛")
    assert loaded.line_of("bonus") == reference_text().splitlines().index("bonus:") + 1
    assert loaded.lines[("bonus", "pool")] == line_with(reference_text(), "  pool: 2250000")
    assert loaded.line_of("grades", "bands", 0, "min") == line_with(reference_text(), "{name: 优秀")
    assert loaded.line_of("grades", "bands", 3) == line_with(reference_text(), "{name: 不合格")
    assert loaded.line_of("weighting", "rank_score", "table", 3) == line_with(reference_text(), "rank_score:")
    assert loaded.line_of("points", "events", "B01", "points") == line_with(reference_text(), "B01:")
    assert loaded.line_of("roles", "leader_in_charge", 0) == line_with(
        reference_text(), "  leader_in_charge: ["
    )


def test_line_of_walks_up_to_the_nearest_written_key() -> None:
    loaded = load_rules(REFERENCE)
    role_line = line_with(reference_text(), "  role: {")
    assert loaded.line_of("coefficients", "role", "处长") == role_line
    assert loaded.line_of("bands") == loaded.line_of()  # not a top-level key: the root
    assert loaded.line_of() == line_with(reference_text(), "name:")


# Exact numbers and types ---------------------------------------------------------


def test_floats_are_exact_decimals_of_their_text() -> None:
    rules = parse_rules(variant("late_factor: 0.8 ", "late_factor: 0.35")).rules
    assert rules.indicators.late_factor == Decimal("0.35")
    assert str(rules.indicators.late_factor) == "0.35"
    rules = parse_rules(variant("cap: 1.2 ", "cap: 1e-2")).rules
    assert rules.indicators.cap == Decimal("0.01")


@given(st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10**9), places=4))
def test_any_written_decimal_is_read_exactly(value: Decimal) -> None:
    rules = parse_rules(variant("  cap: 1.2 ", f"  cap: {value}")).rules
    assert rules.indicators.cap == value
    assert str(rules.indicators.cap) == str(value)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ('"2024.1"', "2024.1"),
        ("2024.1", "2024.1"),
        ("2024.10", "2024.10"),
        ("3", "3"),
        ("v2", "v2"),
    ],
)
def test_version_is_kept_as_written(written: str, expected: str) -> None:
    assert parse_rules(variant('version: "2024.1"', f"version: {written}")).rules.version == expected


def test_rank_score_methods() -> None:
    table = "{method: table, table: {1: 100, 2: 96, 3: 92, 4: 88, 5: 84}, default: 80}"
    linear = parse_rules(variant(table, "{method: linear, top: 100, step: 4, floor: 60}"))
    assert linear.rules.weighting.rank_score == LinearRankScore(
        method="linear", top=Decimal(100), step=Decimal(4), floor=Decimal(60)
    )
    percentile = parse_rules(variant(table, "{method: percentile, top: 100, bottom: 60}"))
    assert isinstance(percentile.rules.weighting.rank_score, PercentileRankScore)


# Optional keys and null ------------------------------------------------------------

#: Each optional key of method §9, and the edit of the reference file that leaves it out.
OPTIONAL_EDITS = {
    "source": ("source: 青高管发〔2024〕12号", ""),
    "effective_from": ("effective_from: 2024-01-01", ""),
    "coefficients.role": ("  role: {部长: 1.5, 副部长: 1.3, 职员: 1.0, 网格长: 1.1, 网格员: 1.0}", ""),
    "individual.by_role": (
        "  by_role:\n    部长: {department: 0.6, personal: 0.2, evaluation: 0.2}\n"
        "    # 部长对本部门结果负总责：部门得分占 60%。\n"
        "    网格员: {department: 0.2, personal: 0.4, evaluation: 0.4}\n",
        "",
    ),
    "max_per_period": (", max_per_period: 6}\n    A02", "}\n    A02"),
    "quota": (", quota: 0.2", ""),
    "table default": (", default: 80", ""),
    "bonus.pool (fixed mode)": (
        "  mode: pool                     # pool | fixed\n  pool: 2250000",
        "  mode: fixed\n",
    ),
}


@pytest.mark.parametrize("path", list(OPTIONAL_EDITS))
def test_every_optional_key_is_optional(path: str) -> None:
    rules = parse_rules(variant(*OPTIONAL_EDITS[path])).rules
    values: dict[str, Any] = {
        "source": rules.source,
        "effective_from": rules.effective_from,
        "coefficients.role": rules.coefficients.role,
        "individual.by_role": rules.individual.by_role,
        "max_per_period": rules.points.events["A01"].max_per_period,
        "quota": rules.grades.bands[0].quota,
        "table default": getattr(rules.weighting.rank_score, "default", "?"),
        "bonus.pool (fixed mode)": rules.bonus.pool,
    }
    assert values[path] is None


@pytest.mark.parametrize(
    ("old", "new", "read"),
    [
        ("source: 青高管发〔2024〕12号", "source: ~", lambda r: r.source),
        (", quota: 0.2", ", quota: null", lambda r: r.grades.bands[0].quota),
    ],
)
def test_null_optional_key_is_absent(old: str, new: str, read: Any) -> None:
    # The reference file sets both keys, so a None here can only come from the null.
    assert read(parse_rules(variant(old, new)).rules) is None
    assert read(parse_rules(variant(old, old)).rules) is not None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  cap: 1.2 ", "  cap: ~   ", "missing required key 'cap' in indicators"),
        ("members: false", "members: null", "missing required key 'members' in veto.cascade"),
        ("city: 0.3", "city: ", "missing required key 'city' in department.weights"),
        ("max_grade: 不合格", "max_grade: ~", "missing required key 'max_grade' in veto"),
        ("  pool: 2250000", "  pool: ~      ", "missing required key 'pool' in bonus"),
    ],
)
def test_null_required_key_is_missing_at_its_line(old: str, new: str, message: str) -> None:
    text = variant(old, new)
    [problem] = refused(text).problems
    assert message in problem.message
    assert problem.location.line == line_with(text, new)


def test_missing_required_key_points_at_its_section() -> None:
    text = variant(", members: false}", "}")
    [problem] = refused(text).problems
    assert problem.message == "missing required key 'members' in veto.cascade"
    assert problem.location == Location(file="x.yaml", line=line_with(text, "cascade:"))


# Refusals --------------------------------------------------------------------------


def test_all_problems_reported_at_once_sorted_by_line() -> None:
    text = variant("quota: 0.2", "quata: 0.2")
    text = text.replace("  cap: 1.2 ", "  cap: 0   ").replace("points: 3}", "points: abc}")
    error = refused(text)
    lines = [p.location.line for p in error.problems]
    assert lines == [line_with(text, "A02:"), line_with(text, "  cap: 0"), line_with(text, "quata")]
    assert str(error).splitlines()[1] == f"x.yaml:{lines[1]}: indicators.cap must be > 0, got 0"


def test_unknown_key_names_the_allowed_keys_and_a_suggestion() -> None:
    [problem] = refused(variant("quota: 0.2", "quata: 0.2")).problems
    assert problem.message == (
        "unknown key 'quata' in grades.bands[0] (allowed: name, min, quota, quota_by_department_grade, "
        "factor) — did you mean 'quota'?"
    )


def test_duplicate_key_names_the_first_line() -> None:
    text = variant("    A02:", "    A01: {name: x, points: 1}\n    A02:")
    [problem] = refused(text).problems
    first = line_with(text, "A01:")
    assert problem.message == f"duplicate key 'A01' in points.events (first at line {first})"
    assert problem.location.line == first + 1


def test_object_tags_are_refused_not_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = variant(
        "source: 青高管发〔2024〕12号",
        f'source: !!python/object/apply:os.system ["touch {marker}"]',
    )
    [problem] = refused(text).problems
    assert problem.location.line == 4
    assert "!!python/object/apply:os.system" in problem.message
    assert not marker.exists()


def test_billion_laughs_is_refused_quickly() -> None:
    bomb = "lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"l{i}: &a{i} [" + ", ".join([f"*a{i - 1}" if i else "*a"] * 9) + "]\n" for i in range(12)
    )
    start = time.perf_counter()
    [problem] = refused(bomb + reference_text()).problems
    assert time.perf_counter() - start < 1
    assert problem.location.line == 1
    assert "anchors and aliases are not allowed" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "empty"),
        ("# only a comment\n", 1, "empty"),
        ("- a\n- b\n", 1, "got a list"),
        ("just text\n", 1, "mapping"),
        ("name: x\n  version: y\n", 2, "YAML syntax error"),
        ("a: 1\n---\nb: 2\n", 2, "single document"),
        ("a: " + "[" * 40 + "]" * 40 + "\n", 1, "nested"),
    ],
)
def test_unusable_text_is_refused_with_a_line(text: str, line: int, words: str) -> None:
    [problem] = refused(text).problems
    assert problem.location.line == line
    assert words in problem.message


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="not found"):
        load_rules(tmp_path / "missing.yaml")
    with pytest.raises(RulesError, match="is a directory"):
        load_rules(tmp_path)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: x\nversion: caf\xe9\n".encode("latin-1"))
    with pytest.raises(RulesError) as caught:
        load_rules(latin)
    assert str(caught.value) == f"{latin}:2: rules file is not UTF-8 text; save it as UTF-8"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + REFERENCE.read_bytes())
    assert load_rules(bom).rules == load_rules(REFERENCE).rules


# JSON Schema for editors ----------------------------------------------------------


def test_committed_json_schema_is_current() -> None:
    # Compared as data: key order in pydantic's output may vary between releases.
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == rules_json_schema(), (
        "regenerate rules/kpi-rules.schema.json from kpi.rules.jsonschema.rules_json_schema()"
    )


def _as_json(value: Any) -> Any:
    """The reference rules as an editor's YAML server sees them (keys text, numbers numbers)."""
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def test_reference_file_satisfies_the_json_schema() -> None:
    rules = load_rules(REFERENCE).rules.model_dump(exclude_none=True)
    jsonschema.validate(_as_json(rules), rules_json_schema())
    broken = _as_json(rules)
    broken["grades"]["bands"][0]["quata"] = 0.2
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, rules_json_schema())
