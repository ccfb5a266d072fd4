"""指标数 — indicator scores and each department's indicator score (method §6.2, §9).

Indicators number in the hundreds or thousands, so each is computed as a
Decimal in a comprehension; every row keeps the ratio before and after the cap,
the late flag and the factor, which ``指标明细`` and ``explain`` publish. An
indicator whose 计分曲线 names a curve is scored on it (:mod:`kpi.engine.curves`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.engine.curves import CURVE_COLUMNS, curve_steps, score_on_curve
from kpi.engine.grouping import weighted_means
from kpi.engine.lookup import published_row, records
from kpi.engine.steps import Cite, Item, fact, formulas, num, weighted_mean_expression
from kpi.engine.tables import IndicatorScore
from kpi.i18n import _
from kpi.numbers import ONE, ZERO, Exact, clamp, div, r2, r6
from kpi.rules.schema import Rules

if TYPE_CHECKING:
    from kpi.engine.results import Results

HUNDRED = Decimal(100)

F = formulas(__name__, "6.2")
RATIO = F("ρ", "")  # actual / target (正向), target / actual (反向), cap (反向 with actual 0)
SCORE = F("s", "r2(100 × clamp(ρ, 0, cap) × factor)")
SCORED = F("s 评分", "r2(actual)")
EFFECTIVE_WEIGHT = F("e", "weight × level_multiplier")
DEPARTMENT = F("I", "r2(Σ e s / Σ e)")

#: How ρ was taken (the ``ratio_rule`` column of the indicator detail).
DIRECT = "direct"  # 正向: ρ = actual / target
INVERSE = "inverse"  # 反向: ρ = target / actual
INVERSE_ZERO = "inverse_zero"  # 反向 with actual 0: ρ = cap (nothing could be better); no finite ρ on a curve
GIVEN = "scored"  # 评分: the actual is the score, no ratio


def ratio_rule(direction: str, actual: Decimal) -> str:
    """Which form of ρ an indicator takes (method §6.2); recorded on its row."""
    if direction == "评分":
        return GIVEN
    if direction == "正向":
        return DIRECT
    return INVERSE_ZERO if actual == 0 else INVERSE


def _score(row: dict[str, Any], rules: Rules) -> dict[str, Any]:
    rule = ratio_rule(row["direction"], row["actual"])
    late = rule != GIVEN and is_late(row)
    curve = row.get("curve")
    if isinstance(curve, str) and curve:
        scored = score_on_curve(row, curve, rules, above_all=rule == INVERSE_ZERO, late=late)
        return {**scored, "ratio_rule": rule}
    return {**_plain_score(row, rule, late, rules), **dict.fromkeys(CURVE_COLUMNS), "ratio_rule": rule}


def _plain_score(row: dict[str, Any], rule: str, late: bool, rules: Rules) -> dict[str, Any]:
    cap = rules.indicators.cap
    if rule == GIVEN:
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
    if rule == DIRECT:
        ratio = div(actual, target)
    elif rule == INVERSE:
        ratio = div(target, actual)
    else:
        ratio = cap
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
        *IndicatorScore.columns,
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


def is_late(row: dict[str, Any]) -> bool:
    """Completed after the deadline (both dates filled); on the deadline day is on time."""
    deadline, done = row["deadline"], row["completed_on"]
    return deadline is not None and done is not None and done > deadline


# derivations ------------------------------------------------------------------------


def ratio_expression(row: dict[str, Any]) -> str:
    """ρ as arithmetic: ``actual / target`` (正向) or ``target / actual`` (反向)."""
    if row["ratio_rule"] == DIRECT:
        return f"{num(row['actual'])} / {num(row['target'])}"
    return f"{num(row['target'])} / {num(row['actual'])}"


def indicator_steps(row: dict[str, Any], rules: Rules, cite: Cite) -> list[Item]:
    """ρ, s and e of one indicator-detail row, by the branch the row took."""
    sources = [cite.row("indicators", int(row["row"]))]
    items: list[Item]
    if row.get("curve"):
        items = curve_steps(row, ratio_expression(row), cite)
    elif row["ratio_rule"] == GIVEN:
        items = [
            SCORED.step(
                row["score"],
                label=f"s {row['id']} {row['name']}",
                expression=f"r2({num(row['actual'])})",
                sources=sources,
            )
        ]
    else:
        ratio, note = ratio_expression(row), str(row["direction"])
        if row["ratio_rule"] == INVERSE_ZERO:
            ratio, note = num(rules.indicators.cap), _("反向 with actual 0: ρ = cap")
        shown = r6(row["ratio"])
        late = _("late: completed after deadline") if row["late"] else ""
        items = [
            RATIO.step(
                shown,
                label=f"ρ {row['id']} {row['name']}",
                expression=ratio,
                note=note,
                sources=sources,
                approx=shown != row["ratio"],
            ),
            # ρ enters s exactly: as its own division, not as the 6-decimal figure shown.
            SCORE.step(
                row["score"],
                label=f"s {row['id']}",
                expression=f"r2(100 × clamp({ratio}, 0, {num(rules.indicators.cap)}) × {num(row['factor'])})",
                exact=row["score_exact"],
                note=late,
                sources=[cite.rule("indicators", "cap")]
                + ([cite.rule("indicators", "late_factor")] if row["late"] else []),
            ),
        ]
    items.append(
        EFFECTIVE_WEIGHT.step(
            row["effective_weight"],
            label=f"e {row['id']}",
            expression=f"{num(row['weight'])} × {num(row['level_multiplier'])}",
            sources=[cite.rule("indicators", "level_multiplier", row["level"])],
        )
    )
    return items


def steps(results: Results, department: str, cite: Cite) -> list[Item]:
    """Every indicator of ``department`` (ρ, s, e), then its indicator score I."""
    detail = records(results.indicator_detail, "department", department)
    items: list[Item] = []
    for row in detail:
        items += indicator_steps(row, results.rules, cite)
    published = published_row(results.departments, "department", department)
    if published["indicator_score"] is None:
        items.append(fact(_("no indicators: the indicator component is absent")))
    else:
        items.append(
            DEPARTMENT.step(
                published["indicator_score"],
                expression=weighted_mean_expression((r["effective_weight"], r["score"]) for r in detail),
                exact=published["indicator_exact"],
            )
        )
    return items
