"""The worked quarter (shared/examples/worked-quarter, every number in its WORKED.md),
copied into a temporary folder so a test may edit its copy."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from kpi.periods import Period

WORKED = Path(__file__).resolve().parents[2].parent / "shared" / "examples" / "worked-quarter"
PERIOD = Period.parse("2024Q3")


@dataclass(frozen=True)
class Worked:
    input: Path
    rules: Path

    def rules_variant(self, old: str, new: str, name: str = "variant.yaml") -> Path:
        """A copy of the rules with one exact edit (``old`` must occur once)."""
        text = self.rules.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path = self.rules.with_name(name)
        path.write_text(text.replace(old, new), encoding="utf-8")
        return path


@pytest.fixture
def worked(tmp_path: Path) -> Worked:
    shutil.copyfile(WORKED / "input.xlsx", tmp_path / "input.xlsx")
    shutil.copyfile(WORKED / "rules.yaml", tmp_path / "rules.yaml")
    return Worked(tmp_path / "input.xlsx", tmp_path / "rules.yaml")
