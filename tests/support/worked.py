"""The worked quarter as a test sees it: private copies it may edit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The worked quarter: its input workbook, rules and WORKED.md (every number by hand).
WORKED_QUARTER = Path(__file__).resolve().parents[1] / "data" / "worked_quarter"


@dataclass(frozen=True)
class Worked:
    """A private copy of the worked quarter that a test may edit."""

    input: Path
    rules: Path

    def rules_variant(self, old: str, new: str, name: str = "variant.yaml") -> Path:
        """A copy of the rules with one exact edit (``old`` must occur once)."""
        text = self.rules.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path = self.rules.with_name(name)
        path.write_text(text.replace(old, new), encoding="utf-8")
        return path
