"""Every step ``explain`` shows is made by a formula declared in an engine module.

``kpi.explain`` lays steps out; it never writes a step of its own. So every
:class:`~kpi.engine.steps.Step` of every member of the worked quarter (and of
runs with service requests, evaluations and curves) must carry the
:class:`~kpi.engine.steps.Formula` that made it, declared in a module of
``kpi.engine`` and registered once, and each formula a step names must be
among the ones registered.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support.service import service_rules, service_workbook
from support.worked import WORKED_QUARTER

from kpi import api
from kpi.engine.results import Results
from kpi.engine.steps import FORMULAS, Step
from kpi.periods import Period

Q3 = Period.parse("2024Q3")
EXPLAIN = Path(api.__file__).parent / "explain"

#: R01 settled on time (S03), R02 answered late and never settled (S01, S02).
REQUESTS = [
    ["R01", "海尔", "E05", "一般", *(Q3.first_day.replace(day=d) for d in (5, 8, 12))],
    ["R02", "海信", "E05", "一般", Q3.first_day.replace(day=5), Q3.first_day.replace(day=9), None],
]


def members(results: Results) -> list[str]:
    return [*results.departments["department"], *results.leaders["id"], *results.individuals["id"]]


def check_every_step(results: Results) -> int:
    """Assert every step of every member is made by a registered engine formula; count them."""
    counted = 0
    for who in members(results):
        for lang in ("zh", "en"):
            for step in api.explain(results, who, lang).steps():
                assert isinstance(step, Step)
                formula = step.by
                assert formula is not None, f"{who}: step {step.label!r} made outside a formula"
                assert formula.module.startswith("kpi.engine."), (who, step.label, formula.module)
                assert FORMULAS[(formula.module, formula.symbol)] is formula
                counted += 1
    return counted


def test_every_step_of_the_worked_quarter_comes_from_an_engine_formula() -> None:
    results = api.run(WORKED_QUARTER / "input.xlsx", WORKED_QUARTER / "rules.yaml", Q3)
    assert check_every_step(results) > 200


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("mode: pool\n  pool: 60000", "mode: fixed"),
        ("{method: percentile, top: 100, bottom: 65}", "{method: linear, top: 100, step: 4, floor: 60}"),
        ("{method: percentile, top: 100, bottom: 65}", "{method: table, table: {1: 100}, default: 80}"),
        ("leader_in_charge: false, members: false", "leader_in_charge: true, members: true"),
    ],
)
def test_rules_variants_too(worked, old: str, new: str) -> None:  # type: ignore[no-untyped-def]
    results = api.run(worked.input, worked.rules_variant(old, new), Q3)
    assert check_every_step(results) > 100


def test_service_requests_too(tmp_path: Path) -> None:
    input_path = service_workbook(tmp_path / "input.xlsx", REQUESTS)
    results = api.run(input_path, service_rules(tmp_path / "rules.yaml"), Q3)
    assert check_every_step(results) > 100


def test_the_explain_package_declares_no_formula() -> None:
    """No module of kpi.explain declares a Formula or builds a Step itself."""
    for path in sorted(EXPLAIN.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                assert name not in ("Formula", "formulas", "Step", "step"), f"{path.name}:{node.lineno}"
