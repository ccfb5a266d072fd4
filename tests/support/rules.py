"""The worked-quarter rules as a Python dict, for tests that build rules in code.

One copy serves the engine unit tests and the property tests; each adapts it
(``copy.deepcopy`` first) instead of writing its own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

D = Decimal

BASE: dict[str, Any] = {
    "name": "unit",
    "version": "1",
    "base_score": D(100),
    "points": {
        "person_cap": {"add": D(20), "deduct": D(20)},
        "department_cap": {"add": D(10), "deduct": D(10)},
        "events": {
            "A01": {"name": "重大活动", "points": D(2), "max_per_period": D(6)},
            "A02": {"name": "招商签约", "points": D(3)},
            "B01": {"name": "督查逾期", "points": D(-1)},
            "B02": {"name": "作风问题", "points": D(-2), "max_per_period": D(6)},
            "C01": {"name": "半点", "points": D("0.5")},
        },
    },
    "coefficients": {
        "post_category": {"招商": D("1.3"), "企业服务": D("1.15"), "综合保障": D(1)},
        "role": {"部长": D("1.5"), "副部长": D("1.3"), "职员": D(1)},
    },
    "indicators": {
        "level_multiplier": {"国家": D("1.5"), "省": D("1.2"), "市": D(1)},
        "cap": D("1.2"),
        "late_factor": D("0.8"),
    },
    "weighting": {
        "rank_score": {"method": "percentile", "top": D(100), "bottom": D(65)},
        "leader_in_charge": {"zone": D("0.5"), "departments": D("0.5")},
    },
    "department": {"weights": {"indicators": D("0.6"), "city": D("0.4")}},
    "individual": {
        "weights": {"department": D("0.4"), "personal": D("0.6")},
        "by_role": {"部长": {"department": D("0.7"), "personal": D("0.3")}},
    },
    "roles": {
        "main_leader": ["党工委书记", "管委会主任"],
        "leader_in_charge": ["管委会副主任"],
        "department_head": ["部长"],
    },
    "veto": {
        "items": ["全面从严治党", "安全生产"],
        "score_cap": D(60),
        "max_grade": "不合格",
        "forfeit_bonus": True,
        "cascade": {"department_head": True, "leader_in_charge": False, "members": False},
    },
    "grades": {
        "quota_scope": "zone",
        "quota_rounding": "ceil",
        "bands": [
            {"name": "优秀", "min": D(90), "quota": D("0.2"), "factor": D("1.2")},
            {"name": "良好", "min": D(80), "factor": D(1)},
            {"name": "合格", "min": D(60), "factor": D("0.8")},
            {"name": "不合格", "min": D(0), "factor": D(0)},
        ],
    },
    "bonus": {"mode": "pool", "pool": D(60000), "yuan_per_point": D(100), "include_leaders": False},
}
