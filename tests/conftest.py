"""Fixtures every test folder shares.

The worked quarter (``tests/data/worked_quarter``: the input workbook, its
rules and ``WORKED.md``, every published number derived by hand) lives in the
repository, so the suite needs nothing beside the checkout. It is defined here
once; tests take it as a fixture and nothing is read at import time.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.worked import WORKED_QUARTER, Worked

# The suite asserts the English of messages (a Msg's str value). One setting governs the
# messages and the files the CLI writes (--lang, else KPI_LANG, else Chinese), so the tests
# run with KPI_LANG=en, children included; a test that wants the Chinese passes --lang zh
# (tests/test_cli_language.py checks the Chinese default without the variable).
os.environ["KPI_LANG"] = "en"


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A CLI run in the test process sets the language: the next test starts from KPI_LANG."""
    yield
    from kpi.i18n import set_language

    set_language(None)


@pytest.fixture(scope="session")
def worked_quarter() -> Path:
    """The folder of the worked quarter (read only: copy before editing)."""
    missing = [n for n in ("input.xlsx", "rules.yaml", "WORKED.md") if not (WORKED_QUARTER / n).is_file()]
    if missing:
        pytest.fail(f"the worked quarter is incomplete: {missing} missing in {WORKED_QUARTER}")
    return WORKED_QUARTER


@pytest.fixture
def worked(tmp_path: Path, worked_quarter: Path) -> Worked:
    """Copies of the worked quarter's input and rules in the test's own folder."""
    shutil.copyfile(worked_quarter / "input.xlsx", tmp_path / "input.xlsx")
    shutil.copyfile(worked_quarter / "rules.yaml", tmp_path / "rules.yaml")
    return Worked(tmp_path / "input.xlsx", tmp_path / "rules.yaml")
