"""指标数 — indicator scores and each department's indicator score (method §6.2, §9).

Indicators number in the hundreds or thousands, so each is computed as a
Decimal in a comprehension; every row keeps the ratio before and after the cap,
the late flag and the factor, which ``指标明细`` and ``explain`` publish. An
indicator whose 计分曲线 names a curve is scored on it (:mod:`kpi.engine.curves`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from kpi.engine.curves import CURVE_COLUMNS, score_on_curve
from kpi.engine.grouping import weighted_means
from kpi.numbers import ONE, ZERO, Exact, clamp, div, r2
from kpi.rules.schema import Rules

HUNDRED = Decimal(100)


def _score(row: dict[str, Any], rules: Rules) -> dict[str, Any]:
    curve = row.get("curve")
    if isinstance(curve, str) and curve:
        return score_on_curve(row, curve, rules)
    return {**_plain_score(row, rules), **dict.fromkeys(CURVE_COLUMNS)}


def _plain_score(row: dict[str, Any], rules: Rules) -> dict[str, Any]:
    cap = rules.indicators.cap
    direction = row["direction"]
    if direction == "评分":
        return {
            "ratio": None,
            "ratio_capped": None,
            "late": False,
            "factor": ONE,
            "score_exact": row["actual"],
            "score": r2(row["actual"]),
        }
    actual, target = row["actual"], row["target"]
    # 反向: lower is better, and a zero actual is as good as it gets (ρ = cap).
    ratio = div(actual, target) if direction == "正向" else (cap if actual == 0 else div(target, actual))
    deadline, done = row["deadline"], row["completed_on"]
    late = deadline is not None and done is not None and done > deadline
    factor = rules.indicators.late_factor if late else ONE
    capped = clamp(ratio, ZERO, cap)
    exact = HUNDRED * capped * factor
    return {
        "ratio": ratio,
        "ratio_capped": capped,
        "late": late,
        "factor": factor,
        "score_exact": exact,
        "score": r2(exact),
    }


def indicator_detail(indicators: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Every indicator with ρ, the cap, the late flag, s_k and e_k, ordered by id."""
    records: list[dict[str, Any]] = []
    multipliers = rules.indicators.level_multiplier
    rows: list[dict[str, Any]] = [{str(k): v for k, v in r.items()} for r in indicators.to_dict("records")]
    for row in rows:
        multiplier = multipliers[row["level"]]
        records.append(
            {
                **row,
                **_score(row, rules),
                "level_multiplier": multiplier,
                "effective_weight": row["weight"] * multiplier,
            }
        )
    columns = [
        *(c for c in indicators.columns if c not in CURVE_COLUMNS),
        *CURVE_COLUMNS,
        "ratio",
        "ratio_capped",
        "late",
        "factor",
        "score_exact",
        "score",
        "level_multiplier",
        "effective_weight",
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for name in CURVE_COLUMNS:  # text with blanks: kept as Python values, not a string dtype
        frame[name] = pd.Series([r[name] for r in records], dtype=object, index=frame.index)
    return frame.sort_values("id", kind="stable", ignore_index=True)


def department_indicator_scores(detail: pd.DataFrame) -> dict[str, Exact]:
    """I_d = r2(Σ e_k s_k / Σ e_k) per department that has indicators (absent otherwise).

    A department whose indicators all carry weight 0 (a level multiplier of 0)
    has no defined mean and is treated as having no indicator score.
    """
    return weighted_means(detail, "effective_weight", "score")
