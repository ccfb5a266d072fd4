"""``rules diff`` and its impact for the service section (method §6.0), derived by hand.

The impact case: E06 (企业服务部, D = 88.33 in WORKED.md; typed B01 −1; 在岗月数 0,
so no bonus) handles one request received Fri 5 July 2024, answered Tue 9 July,
settled Fri 12 July.

- respond_days 1: r = Mon 8 July; 9 > 8 → S01 (−1). c = Fri 12 July, settled on
  time, but the late response rules out S03. P = −1 − 1 = −2, Q = 98,
  S = r2(0.4 × 88.33 + 0.6 × 98) = r2(94.132) = 94.13; reward round0(100 × −2) = −200.
- respond_days 2: r = Tue 9 July; answered on time; S03 (+0.5) dated 12 July.
  P = −1 + 0.5 = −0.5, Q = 99.5, S = r2(35.332 + 59.7) = r2(95.032) = 95.03;
  reward −50.

E06 stays 5th (E05 96.00 is above it, E04 60.00 below) and stays 良好 (优秀's
ceil(6 × 0.2) = 2 places go to E01 and E02). Its total is max(0, 0 + reward) = 0
both ways, so only the points rewards paid move: WORKED.md's 3600 less E06's −100
plus its new reward: 3500 → 3650.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from support.service import SERVICE, service_rules, service_workbook
from support.worked import WORKED_QUARTER

from kpi.audit.impact import impact_of_rules
from kpi.audit.impact_model import Shift
from kpi.audit.rules_diff import diff_rules
from kpi.periods import Period
from kpi.rules import load_rules, parse_rules

from .test_rules_diff import worked_text

REQUEST = ["R1", "海尔", "E06", "一般", date(2024, 7, 5), date(2024, 7, 9), date(2024, 7, 12)]
TOUCHED = ("points", "leaders", "individuals", "grades", "bonus")


def line_with(path: Path, fragment: str) -> int:
    return next(
        i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in text
    )


def test_adding_the_section_is_one_change_touching_points_and_downstream(tmp_path: Path) -> None:
    old = parse_rules(worked_text(), "old.yaml")
    new_path = service_rules(tmp_path / "new.yaml")
    changes = diff_rules(old, load_rules(new_path))
    assert [c.path for c in changes] == [
        "points.events.S01",
        "points.events.S02",
        "points.events.S03",
        "service",
    ]
    added = changes[-1]
    assert added.kind == "added" and added.touches == TOUCHED
    assert added.new_line == line_with(new_path, "service:") and added.old_line is None
    assert "respond_days: 1" in added.line("en") and "holidays: [2024-10-01" in added.line("en")


def test_service_keys_compare_as_values_and_date_sets(tmp_path: Path) -> None:
    old_path = service_rules(tmp_path / "old.yaml")
    new_path = service_rules(
        tmp_path / "new.yaml",
        SERVICE.replace("一般: 5", "一般: 3")
        .replace("2024-10-07]", "2024-10-07, 2024-10-08]")
        .replace("workdays: [2024-09-29, 2024-10-12]", "workdays: [2024-10-12, 2024-09-29]")
        .replace(", on_time: S03", ""),
    )
    changes = diff_rules(load_rules(old_path), load_rules(new_path))
    assert [c.line("en") for c in changes] == [
        f"service.resolve_days.一般: 5 → 3  (touches: {', '.join(TOUCHED)})",
        f"service.calendar.holidays: added 2024-10-08  (touches: {', '.join(TOUCHED)})",
        f"service.events.on_time: removed S03  (touches: {', '.join(TOUCHED)})",
    ]
    assert changes[0].old_line == line_with(old_path, "resolve_days")
    assert changes[1].new_line == line_with(new_path, "holidays:")


def test_impact_of_a_longer_response_time_by_hand(tmp_path: Path) -> None:
    data = service_workbook(tmp_path / "input.xlsx", [REQUEST])
    old = service_rules(tmp_path / "old.yaml")
    new = service_rules(tmp_path / "new.yaml", SERVICE.replace("respond_days: 1", "respond_days: 2"))
    result = impact_of_rules(data, old, new, Period.parse("2024Q3"))
    e06 = next(m for m in result.people if m.id == "E06")
    assert e06.old is not None and e06.new is not None
    assert (e06.old.score, e06.new.score) == (Decimal("94.13"), Decimal("95.03"))
    assert (e06.old.rank, e06.new.rank) == (5, 5)
    assert (e06.old.grade, e06.new.grade) == ("良好", "良好")
    assert (e06.old.total, e06.new.total) == (0, 0)
    moved = {m.id for m in result.people if m.old != m.new}
    assert moved == {"E06"}
    assert result.paid == [
        Shift("bonus", 60000, 60000),
        Shift("points_reward", 3500, 3650),
        Shift("total", 63700, 63700),
    ]
    assert result.grade_changes()["individuals"] == (0, 6)


def test_worked_quarter_needs_no_service_section() -> None:
    # v1 rules and workbooks are untouched: the worked quarter has no service key.
    assert load_rules(WORKED_QUARTER / "rules.yaml").rules.service is None


def test_rules_diff_with_data_on_the_command_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kpi.cli import app

    data = service_workbook(tmp_path / "input.xlsx", [REQUEST])
    old = service_rules(tmp_path / "old.yaml")
    new = service_rules(tmp_path / "new.yaml", SERVICE.replace("respond_days: 1", "respond_days: 2"))
    result = CliRunner().invoke(
        app, ["rules", "diff", str(old), str(new), "--data", str(data), "-p", "2024Q3"]
    )
    assert result.exit_code == 0, result.output
    # Chinese by default: the key path with its names, the parts it touches in Chinese
    assert (
        "service.respond_days（企业诉求 回应时限（工作日））：1 → 2（影响：点数、领导、个人、等次、绩效奖金）"
        in result.output
    )
    assert "点数奖励 3500 → 3650 (+150)" in result.output
