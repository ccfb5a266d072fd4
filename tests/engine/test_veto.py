"""一票否决: direct hits and cascades (method §6.7, §9 "Vetoes")."""

from __future__ import annotations

import pandas as pd

from kpi.engine.veto import veto_causes

INDIVIDUALS = pd.DataFrame(
    {
        "id": ["H1", "V1", "M1", "X1"],
        "department": ["综合部", "综合部", "综合部", "招商部"],
        "role": ["部长", "副部长", "职员", "职员"],
    }
)
DEPARTMENTS = pd.DataFrame({"department": ["综合部", "招商部"], "leader_in_charge": ["L2", "L3"]})


def vetoes(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "target": [r[0] for r in rows],
            "item": [r[1] for r in rows],
            "row": list(range(2, 2 + len(rows))),
        }
    )


def test_department_veto_cascades_to_head_only_by_default(rules):
    dept, person = veto_causes(vetoes(("综合部", "安全生产")), INDIVIDUALS, DEPARTMENTS, rules)
    assert set(dept) == {"综合部"}
    assert set(person) == {"H1"} and person["H1"][0].via == "department_head"


def test_cascade_members_and_leader(make_rules):
    rules = make_rules(veto={"cascade": {"department_head": True, "leader_in_charge": True, "members": True}})
    _, person = veto_causes(vetoes(("综合部", "安全生产")), INDIVIDUALS, DEPARTMENTS, rules)
    assert set(person) == {"H1", "V1", "M1", "L2"}
    assert {c.via for c in person["H1"]} == {"members", "department_head"}


def test_person_veto_never_spreads_and_repeats_count_once(rules):
    dept, person = veto_causes(
        vetoes(("X1", "全面从严治党"), ("X1", "安全生产")), INDIVIDUALS, DEPARTMENTS, rules
    )
    assert dept == {} and set(person) == {"X1"} and len(person["X1"]) == 2
    assert "否决 row 2" in person["X1"][0].describe()
