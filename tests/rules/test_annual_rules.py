"""The optional ``annual`` section of a rules file (method §10): exact values, located mistakes."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import jsonschema
import pytest
from support.worked import WORKED_QUARTER

from kpi.errors import RulesError
from kpi.rules import parse_rules
from kpi.rules.jsonschema import rules_json_schema
from kpi.rules.loader import load_rules

ROOT = Path(__file__).resolve().parents[2]
ANNUAL = """\
annual:
  quarter_weights: {Q1: 1, Q2: 1, Q3: 1, Q4: 2}
  weights: {quarters: 0.7, evaluation: 0.3}
  min_quarters: 2
  veto_any_quarter: true
  veto_max_grade: 基本称职
  grades:
    quota_scope: zone
    quota_rounding: floor
    bands:
      - {name: 优秀, min: 90, quota: 0.2, factor: 1.2}
      - {name: 称职, min: 70, factor: 1.0}
      - {name: 基本称职, min: 60, factor: 0.6}
      - {name: 不称职, min: 0, factor: 0}
  bonus: {pool: 600000}
"""
BASE = (WORKED_QUARTER / "rules.yaml").read_text(encoding="utf-8")
FIRST = BASE.count("\n") + 1  # the line of "annual:"


def text(old: str = "", new: str = "") -> str:
    assert not old or ANNUAL.count(old) == 1, old
    return BASE + ANNUAL.replace(old, new)


def test_absent_annual_reads_as_before() -> None:
    assert parse_rules(BASE).rules.annual is None


def test_every_key_reads_exactly() -> None:
    annual = parse_rules(text()).rules.annual
    assert annual is not None
    assert annual.quarter_weights == {"Q1": D(1), "Q2": D(1), "Q3": D(1), "Q4": D(2)}
    assert (annual.weights.quarters, annual.weights.evaluation) == (D("0.7"), D("0.3"))
    assert (annual.min_quarters, annual.veto_any_quarter, annual.veto_max_grade) == (2, True, "基本称职")
    assert [b.name for b in annual.grades.bands] == ["优秀", "称职", "基本称职", "不称职"]
    assert annual.bonus is not None and annual.bonus.pool == D(600000)


def test_optional_keys() -> None:
    annual = parse_rules(
        text("  quarter_weights: {Q1: 1, Q2: 1, Q3: 1, Q4: 2}\n", "")
        .replace("  veto_any_quarter: true\n  veto_max_grade: 基本称职\n", "  veto_any_quarter: false\n")
        .replace("  bonus: {pool: 600000}\n", "")
    ).rules.annual
    assert annual is not None
    assert annual.quarter_weights is None and annual.veto_max_grade is None and annual.bonus is None


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "{Q1: 1, Q2: 1, Q3: 1, Q4: 2}",
            "{Q1: 1, Q2: 1, Q3: 1}",
            1,
            "annual.quarter_weights must list all four quarters (Q1, Q2, Q3, Q4); missing Q4 "
            "(leave the key out for equal weights)",
        ),
        (
            "{Q1: 1, Q2: 1, Q3: 1, Q4: 2}",
            "{Q1: 1, Q2: 1, Q3: 1, Q5: 2}",
            1,
            "unknown key 'Q5' in annual.quarter_weights (one of: Q1, Q2, Q3, Q4)",
        ),
        (
            "{Q1: 1, Q2: 1, Q3: 1, Q4: 2}",
            "{Q1: 0, Q2: 0, Q3: 0, Q4: 0}",
            1,
            "annual.quarter_weights cannot all be 0",
        ),
        (
            "quarters: 0.7, evaluation: 0.3",
            "quarters: 0, evaluation: 0",
            2,
            "annual.weights: quarters and evaluation cannot both be 0",
        ),
        (
            "quarters: 0.7, evaluation: 0.3",
            "quarters: 0.7",
            2,
            "missing required key 'evaluation' in annual.weights",
        ),
        ("min_quarters: 2", "min_quarters: 5", 3, "annual.min_quarters must be ≤ 4, got 5"),
        ("min_quarters: 2", "min_quarters: 1.5", 3, "annual.min_quarters must be a whole number, got 1.5"),
        (
            "veto_any_quarter: true",
            "veto_any_quarter: yes",
            4,
            "annual.veto_any_quarter must be true or false, got 'yes'",
        ),
        (
            "  veto_max_grade: 基本称职\n",
            "",
            4,
            "missing required key 'veto_max_grade' in annual (required when veto_any_quarter is true): "
            "the highest annual band a member vetoed in the year can get",
        ),
        (
            "veto_max_grade: 基本称职",
            "veto_max_grade: 合格",
            5,
            "annual.veto_max_grade '合格' is not a band of annual.grades.bands "
            "(优秀, 称职, 基本称职, 不称职)",
        ),
        (
            "factor: 0.6}\n      - {name: 不称职, min: 0, factor: 0}",
            "quota: 0.5, factor: 0.6}\n      - {name: 不称职, min: 0, quota: 0.5, factor: 0}",
            5,
            "annual.veto_max_grade is 基本称职, but no band without a quota lies at or below it: a member "
            "vetoed in the year never takes a quota place, so add such a band to annual.grades.bands",
        ),
        (
            "{name: 称职, min: 70, factor: 1.0}",
            "{name: 称职, min: 95, factor: 1.0}",
            11,
            "bands must be listed highest first with strictly decreasing min: "
            "称职 (min 95) follows 优秀 (min 90)",
        ),
        ("{pool: 600000}", "{pool: 600000.5}", 14, "annual.bonus.pool must be whole yuan, got 600000.5"),
        (
            "  min_quarters: 2\n",
            "  min_quarters: 2\n  min_quater: 3\n",
            4,
            "unknown key 'min_quater' in annual (allowed: quarter_weights, weights, min_quarters, "
            "veto_any_quarter, veto_max_grade, grades, bonus) — did you mean 'min_quarters'?",
        ),
    ],
)
def test_one_mistake_is_reported_at_its_line(old: str, new: str, line: int, message: str) -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(text(old, new), "x.yaml")
    assert [str(p) for p in caught.value.problems] == [f"x.yaml:{FIRST + line}: {message}"]


def test_the_sample_years_rules_pass_the_json_schema() -> None:
    rules = ROOT / "samples" / "2024" / "rules.yaml"
    loaded = load_rules(rules)
    assert loaded.rules.annual is not None and loaded.rules.evaluation is not None
    schema = json.loads((ROOT / "rules" / "kpi-rules.schema.json").read_text(encoding="utf-8"))
    assert schema == rules_json_schema()
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(rules.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)
