"""The optional ``service`` section (method §6.0, §9 "Service").

Its values, its refusals located at their lines, and the statutory table's years.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from support.service import SERVICE, service_rules, service_workbook
from support.worked import WORKED_QUARTER
from typer.testing import CliRunner

from kpi import api
from kpi.cli import app
from kpi.errors import RulesError
from kpi.periods import Period
from kpi.rules import load_rules, parse_rules
from kpi.rules.jsonschema import rules_json_schema

WORKED_RULES = (WORKED_QUARTER / "rules.yaml").read_text(encoding="utf-8")
CODES = "    S01: {name: 诉求逾期回应, points: -1}\n    S02: {name: 诉求逾期办结, points: -1}\n"
ANCHOR = "    B02: {name: 工作作风问题, points: -2, max_per_period: 6}\n"


def with_service(service: str) -> str:
    return WORKED_RULES.replace(ANCHOR, ANCHOR + CODES) + service


def line_with(text: str, fragment: str, nth: int = 1) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    return hits[nth - 1]


def refused(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "x.yaml")
    return [(p.location.line, p.message) for p in caught.value.problems]


MINIMAL = """service:
  respond_days: 1
  resolve_days: {一般: 5}
  calendar: {statutory: false}
  events: {late_response: S01, late_resolution: S02}
"""


def test_rules_without_service_have_none() -> None:
    assert parse_rules(WORKED_RULES).rules.service is None


def test_optional_keys_may_be_left_out() -> None:
    service = parse_rules(with_service(MINIMAL)).rules.service
    assert service is not None
    assert service.respond_days == 1 and service.resolve_days == {"一般": 5}
    assert service.calendar.holidays is None and service.calendar.workdays is None
    assert service.events.on_time is None


def test_full_section_reads_dates_and_whole_numbers(tmp_path: Path) -> None:
    service = load_rules(service_rules(tmp_path / "r.yaml")).rules.service
    assert service is not None
    assert service.resolve_days == {"一般": 5, "特殊": 10}
    assert service.calendar.holidays is not None and service.calendar.holidays[0] == date(2024, 10, 1)
    assert service.calendar.workdays == [date(2024, 9, 29), date(2024, 10, 12)]
    assert service.events.on_time == "S03"
    # 2.0 is 2: a whole number written with a decimal point.
    assert parse_rules(with_service(MINIMAL.replace("一般: 5", "一般: 5.0"))).rules.service.resolve_days == {  # type: ignore[union-attr]
        "一般": 5
    }


@pytest.mark.parametrize(
    ("old", "new", "fragment", "words"),
    [
        (
            "respond_days: 1",
            "respond_days: 1.5",
            "respond_days",
            ["service.respond_days", "whole number", "1.5"],
        ),
        ("一般: 5", "一般: -5", "resolve_days", ["service.resolve_days.一般", "≥ 0", "-5"]),
        ("一般: 5", "一般: true", "resolve_days", ["service.resolve_days.一般", "whole number"]),
        ("resolve_days: {一般: 5}", "resolve_days: {}", "resolve_days", ["at least one"]),
        (
            "calendar: {statutory: false}",
            "calendar: {statutory: false, holidays: [2024-10-02], workdays: [2024-10-12, 2024-10-02]}",
            "calendar",
            ["2024-10-02", "both", "holidays", "workdays"],
        ),
        (
            "calendar: {statutory: false}",
            "calendar: {statutory: no}",
            "calendar",
            ["statutory", "true or false"],
        ),
        (
            "calendar: {statutory: false}",
            "calendar: {statutory: false, holidays: [20241001]}",
            "calendar",
            ["service.calendar.holidays[0]", "date"],
        ),
        (
            "late_response: S01",
            "late_response: S1",
            "late_response",
            ["late_response 'S1'", "points.events", "'S01'"],
        ),
        ("  calendar: {statutory: false}\n", "", "service:", ["missing required key 'calendar'"]),
        ("respond_days: 1", "respond_day: 1", "respond_day", ["unknown key 'respond_day'", "'respond_days'"]),
    ],
)
def test_problem_is_located_at_its_line(old: str, new: str, fragment: str, words: list[str]) -> None:
    assert MINIMAL.count(old) == 1
    text = with_service(MINIMAL.replace(old, new))
    problems = refused(text)
    line = line_with(text, fragment)
    assert any(at == line and all(w in message for w in words) for at, message in problems), problems


def test_every_unknown_code_is_named_at_the_first() -> None:
    text = with_service(MINIMAL.replace("S01, late_resolution: S02", "X1, late_resolution: X2"))
    [(line, message)] = refused(text)
    assert line == line_with(text, "late_response")
    assert "late_response 'X1' and service.events.late_resolution 'X2' are not codes" in message


def _statutory(tmp_path: Path) -> Path:
    return service_rules(tmp_path / "statutory.yaml", SERVICE.replace("statutory: false", "statutory: true"))


@pytest.mark.parametrize("period", ["2027Q1", "2003Q4", "2027"])
def test_statutory_period_outside_the_table_is_refused_at_the_statutory_line(
    tmp_path: Path, period: str
) -> None:
    rules = _statutory(tmp_path)
    with pytest.raises(RulesError) as caught:
        api.load(WORKED_QUARTER / "input.xlsx", rules, Period.parse(period))
    [problem] = caught.value.problems
    text = rules.read_text(encoding="utf-8")
    assert problem.location.line == line_with(text, "statutory: true")
    assert "2004–2026" in problem.message and str(Period.parse(period).year) in problem.message


def test_statutory_period_inside_the_table_is_scored(tmp_path: Path) -> None:
    workbook = service_workbook(tmp_path / "in.xlsx", [])
    inputs, _ = api.load(workbook, _statutory(tmp_path), Period.parse("2024Q3"))
    assert inputs.service_requests.empty


def test_rules_check_covers_the_section(tmp_path: Path) -> None:
    runner = CliRunner()
    good = service_rules(tmp_path / "good.yaml")
    result = runner.invoke(app, ["rules", "check", str(good)])
    assert result.exit_code == 0, result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(with_service(MINIMAL.replace("respond_days: 1", "respond_days: 1.5")), encoding="utf-8")
    result = runner.invoke(app, ["rules", "check", str(bad)])
    assert result.exit_code == 1
    line = line_with(bad.read_text(encoding="utf-8"), "respond_days")
    assert f"error: {bad}:{line}: service.respond_days must be a whole number, got 1.5" in result.output


def _as_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return float(value) if type(value).__name__ == "Decimal" else value


def test_json_schema_describes_the_section(tmp_path: Path) -> None:
    rules = load_rules(service_rules(tmp_path / "r.yaml")).rules.model_dump(exclude_none=True)
    schema = rules_json_schema()
    jsonschema.validate(_as_json(rules), schema)
    for key, bad in (("respond_days", 1.5), ("respond_days", -1), ("resolve_days", {"一般": "5"})):
        broken = _as_json(rules)
        broken["service"][key] = bad
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)
