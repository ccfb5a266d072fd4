"""Who is vetoed (method §6.7), for the differential oracles, ``test_*_oracle.py``.

Written from the method's words, apart from ``kpi.engine.veto``: the targets of
the 否决 rows, and what a vetoed department passes on through ``veto.cascade`` —
its leader in charge, its heads (职务 in ``roles.department_head``) or all its staff.
"""

from __future__ import annotations

from .strategies import Case


def vetoed(case: Case) -> set[str]:
    """The ids and department names the scenario's vetoes reach."""
    rules = case.rules
    cascade = rules["veto"]["cascade"]
    leaders = {*rules["roles"]["main_leader"], *rules["roles"]["leader_in_charge"]}
    heads = set(rules["roles"]["department_head"])
    out = {row["target"] for row in case.vetoes}
    for row in case.departments:
        name = row["department"]
        if name not in out:
            continue
        if cascade["leader_in_charge"]:
            out.add(row["leader_in_charge"])
        for person in case.people:
            if person["role"] in leaders or person["department"] != name:
                continue
            if cascade["members"] or (cascade["department_head"] and person["role"] in heads):
                out.add(person["id"])
    return out
