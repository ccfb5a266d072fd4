"""The published frames have exactly the columns their schemas declare (kpi.engine.tables)."""

from __future__ import annotations

from pathlib import Path

from support.service import service_rules, service_workbook
from support.worked import WORKED_QUARTER

from kpi import api
from kpi.engine.results import Results
from kpi.engine.tables import RESULT_TABLES, Grades, Individuals, Table
from kpi.periods import Period
from kpi.report.tables import published_sheets

Q3 = Period.parse("2024Q3")


def check(results: Results) -> None:
    for name, schema in RESULT_TABLES.items():
        schema.validate(getattr(results, name))
    # Every column a results sheet publishes is a declared column of its frame.
    for sheet in published_sheets(results, "en"):
        if sheet.key in RESULT_TABLES:
            assert {c.key for c in sheet.columns} <= set(RESULT_TABLES[sheet.key].columns), sheet.key


def test_the_worked_quarter() -> None:
    check(api.run(WORKED_QUARTER / "input.xlsx", WORKED_QUARTER / "rules.yaml", Q3))


def test_leaders_in_the_bonus_and_department_quotas(worked) -> None:  # type: ignore[no-untyped-def]
    rules = worked.rules_variant("include_leaders: false", "include_leaders: true")
    text = rules.read_text(encoding="utf-8").replace(
        "职员: 1.0}", "职员: 1.0, 管委会主任: 1.8, 管委会副主任: 1.6}"
    )
    rules.write_text(text.replace("quota_scope: zone", "quota_scope: department"), encoding="utf-8")
    check(api.run(worked.input, rules, Q3))


def test_with_service_requests(tmp_path: Path) -> None:
    input_path = service_workbook(tmp_path / "input.xlsx", [])
    check(api.run(input_path, service_rules(tmp_path / "rules.yaml"), Q3))


def test_a_schema_lists_its_bases_columns_first() -> None:
    assert Individuals.columns[0] == Individuals.id == "id"
    assert Individuals.columns[-8:] == Grades.columns
    assert Grades.columns[:3] == ("rank", "band", "grade")


def test_validate_names_what_differs() -> None:
    import pandas as pd
    import pytest

    class Two(Table):
        a = "a"
        b = "b"

    Two.validate(pd.DataFrame({"a": [1], "b": [2]}))
    with pytest.raises(ValueError, match=r"missing \['b'\], extra \['c'\]"):
        Two.validate(pd.DataFrame({"a": [1], "c": [2]}))
