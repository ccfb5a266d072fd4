"""The cell type of every input column, and which columns must be filled.

Kept apart from the checks so that the two tables read as the input contract:
:class:`~kpi.io.checks.checker.Checker` types each column by :data:`KINDS` and
reports blanks by :data:`REQUIRED`; the sheet checks add what depends on a row.
"""

from __future__ import annotations

from kpi.io.cells import DATE, INTEGER, NUMBER, TEXT

KINDS: dict[str, dict[str, str]] = {
    "people": {
        "id": TEXT,
        "name": TEXT,
        "department": TEXT,
        "post_category": TEXT,
        "role": TEXT,
        "bonus_base": NUMBER,
        "months": NUMBER,
    },
    "departments": {"department": TEXT, "leader_in_charge": TEXT},
    "points": {"date": DATE, "target": TEXT, "code": TEXT, "points": NUMBER, "reason": TEXT},
    "indicators": {
        "id": TEXT,
        "name": TEXT,
        "level": TEXT,
        "department": TEXT,
        "direction": TEXT,
        "target": NUMBER,
        "actual": NUMBER,
        "weight": NUMBER,
        "deadline": DATE,
        "completed_on": DATE,
        "curve": TEXT,
    },
    "city_rankings": {
        "indicator": TEXT,
        "weight": NUMBER,
        "rank": INTEGER,
        "participants": INTEGER,
    },
    "city_shares": {"indicator": TEXT, "department": TEXT, "share": NUMBER},
    "vetoes": {"target": TEXT, "item": TEXT, "date": DATE, "note": TEXT},
    "service_requests": {
        "id": TEXT,
        "company": TEXT,
        "handler": TEXT,
        "kind": TEXT,
        "received": DATE,
        "responded": DATE,
        "resolved": DATE,
    },
    "evaluations": {"target": TEXT, "rater_group": TEXT, "rater": TEXT, "score": NUMBER, "vote": TEXT},
}

#: Values required on every row; 部门/岗位类别 (staff only) and 目标值 (not 评分)
#: are required conditionally by the sheet checks.
REQUIRED: dict[str, tuple[str, ...]] = {
    "people": ("id", "name", "role", "bonus_base"),
    "departments": ("department", "leader_in_charge"),
    "points": ("date", "target", "code"),
    "indicators": ("id", "name", "level", "department", "direction", "actual", "weight"),
    "city_rankings": ("indicator", "weight", "rank", "participants"),
    "city_shares": ("indicator", "department", "share"),
    "vetoes": ("target", "item", "date"),
    "service_requests": ("id", "company", "handler", "kind", "received"),
    "evaluations": ("target", "rater_group"),
}

#: Which columns' type errors wait for the sheet check (they may not apply to a row).
CONDITIONAL = {("people", "department"), ("indicators", "target")}
