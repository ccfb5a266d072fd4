"""The population tables the engine publishes, each column named once.

Every frame of :class:`~kpi.engine.results.Results` has a schema here: a
class whose attributes are its columns, in the frame's order
(``Individuals.score == "score"``, ``Individuals.columns`` the whole tuple).
Engine modules build their frames from these tuples, the derivations and the
reports read columns through them, and :func:`validate` checks that a frame
has exactly its declared columns, in order (the tests check every frame of
several runs). A schema that extends another (``Individuals`` is
``IndividualScores`` plus the grade columns) lists the base's columns first.

Cells hold exact Python values (Decimal, Fraction, int, bool, str, None,
tuples), never floats: see the engine modules for what each column means.
"""

from __future__ import annotations

from typing import ClassVar

import pandas as pd


class Table:
    """A frame's schema: its string attributes are its columns, in order."""

    columns: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls) -> None:
        inherited = [c for base in cls.__bases__ for c in getattr(base, "columns", ())]
        own = [v for k, v in vars(cls).items() if not k.startswith("_") and isinstance(v, str)]
        cls.columns = tuple(dict.fromkeys([*inherited, *own]))

    @classmethod
    def validate(cls, frame: pd.DataFrame) -> None:
        """Raise ``ValueError`` unless ``frame`` has exactly the declared columns, in order."""
        found = tuple(str(c) for c in frame.columns)
        if found != cls.columns:
            missing = [c for c in cls.columns if c not in found]
            extra = [c for c in found if c not in cls.columns]
            raise ValueError(
                f"{cls.__name__}: columns {found} are not the declared {cls.columns} "
                f"(missing {missing}, extra {extra})"
            )


# 点数 (method §6.1) ---------------------------------------------------------------


class PointsLedger(Table):
    """点数明细: one row per (target, code)."""

    target = "target"
    code = "code"
    name = "name"
    events = "events"
    raw_total = "raw_total"
    code_cap = "code_cap"
    counted = "counted"


class NetPoints(Table):
    """Net points P of each person or department: the sum, clamped, then r2."""

    target = "target"
    sum = "sum"
    clamped = "clamped"
    points = "points"


# 指标数 (method §6.2) -------------------------------------------------------------


class IndicatorInputs(Table):
    """The 指标 rows as read (with the 计分曲线 the reader gives every row)."""

    id = "id"
    name = "name"
    level = "level"
    department = "department"
    direction = "direction"
    target = "target"
    actual = "actual"
    weight = "weight"
    deadline = "deadline"
    completed_on = "completed_on"
    row = "row"


class CurveColumns(Table):
    """What an indicator on a scoring curve keeps (None without a curve)."""

    curve = "curve"
    curve_mode = "curve_mode"
    curve_how = "curve_how"
    curve_points = "curve_points"
    curve_value = "curve_value"
    ratio_exact = "ratio_exact"


class IndicatorScore(Table):
    """How ρ was taken (``indicators.ratio_rule``), ρ, the cap, the late factor, s and e."""

    ratio_rule = "ratio_rule"
    ratio = "ratio"
    ratio_capped = "ratio_capped"
    late = "late"
    factor = "factor"
    score_exact = "score_exact"
    score = "score"
    level_multiplier = "level_multiplier"
    effective_weight = "effective_weight"


class IndicatorDetail(IndicatorInputs, CurveColumns, IndicatorScore):
    """指标明细: every indicator as read, its curve reading (if any) and its score."""


# 加权数 (method §6.3) -------------------------------------------------------------


class CityDetail(Table):
    """Every city-ranked indicator with its rank score q."""

    indicator = "indicator"
    weight = "weight"
    rank = "rank"
    participants = "participants"
    row = "row"
    rank_score_exact = "rank_score_exact"
    rank_score = "rank_score"


class CityTerms(Table):
    """One row per (department, city indicator) share, with the weight w × a it carries."""

    indicator = "indicator"
    department = "department"
    share = "share"
    row = "row"
    weight = "weight"
    rank_score = "rank_score"
    share_weight = "share_weight"


# scores and grades (method §6.4–§6.8) ------------------------------------------------


class Grades(Table):
    """What the grading adds to a population's rows (method §6.8)."""

    rank = "rank"
    band = "band"
    grade = "grade"
    grade_factor = "grade_factor"
    grade_note = "grade_note"
    quota_group = "quota_group"
    quota_n = "quota_n"
    quota_place = "quota_place"


class Grading(Table):
    """The frame :func:`~kpi.engine.grades.grade_population` returns: a member id and its grade."""

    id = "id"
    rank = Grades.rank
    band = Grades.band
    grade = Grades.grade
    grade_factor = Grades.grade_factor
    grade_note = Grades.grade_note
    quota_group = Grades.quota_group
    quota_n = Grades.quota_n
    quota_place = Grades.quota_place


class DepartmentScores(Table):
    """D of every department, with each step (method §6.4)."""

    department = "department"
    leader_in_charge = "leader_in_charge"
    indicator_exact = "indicator_exact"
    indicator_score = "indicator_score"
    city_exact = "city_exact"
    city_score = "city_score"
    w_indicators = "w_indicators"
    w_city = "w_city"
    evaluation_score = "evaluation_score"
    w_evaluation = "w_evaluation"
    weighted_exact = "weighted_exact"
    weighted = "weighted"
    points = "points"
    after_points = "after_points"
    vetoed = "vetoed"
    veto_causes = "veto_causes"
    score = "score"
    row = "row"


class Departments(DepartmentScores, Grades):
    """部门得分: department scores and grades."""


class LeaderScores(Table):
    """L of every leader, with each step (method §6.5)."""

    id = "id"
    name = "name"
    role = "role"
    kind = "kind"
    zone_score = "zone_score"
    departments = "departments"
    department_scores = "department_scores"
    departments_mean_exact = "departments_mean_exact"
    departments_mean = "departments_mean"
    evaluation_score = "evaluation_score"
    blend = "blend"
    weighted_exact = "weighted_exact"
    weighted = "weighted"
    points = "points"
    after_points = "after_points"
    vetoed = "vetoed"
    veto_causes = "veto_causes"
    score = "score"
    row = "row"


class Leaders(LeaderScores, Grades):
    """领导得分: leader scores and grades."""


class IndividualScores(Table):
    """Q and S of every individual, with each step (method §6.6)."""

    id = "id"
    name = "name"
    department = "department"
    post_category = "post_category"
    role = "role"
    points = "points"
    personal_score = "personal_score"
    department_score = "department_score"
    w_department = "w_department"
    w_personal = "w_personal"
    evaluation_score = "evaluation_score"
    w_evaluation = "w_evaluation"
    weights_from = "weights_from"
    weighted_exact = "weighted_exact"
    weighted = "weighted"
    vetoed = "vetoed"
    veto_causes = "veto_causes"
    score = "score"
    row = "row"


class Individuals(IndividualScores, Grades):
    """个人得分: individual scores and grades."""


# 绩效奖金 (method §6.9) ------------------------------------------------------------


class BonusMembers(Table):
    """The bonus population as :func:`~kpi.engine.bonus.bonus_table` reads it."""

    id = "id"
    name = "name"
    department = "department"
    post_category = "post_category"
    role = "role"
    grade = "grade"
    grade_factor = "grade_factor"
    score = "score"
    vetoed = "vetoed"
    points = "points"
    bonus_base = "bonus_base"
    months = "months"


class Bonus(BonusMembers):
    """绩效奖金: the coefficients, the exact weight u, the pool share and the pay of each member."""

    post_coef = "post_coef"
    role_coef = "role_coef"
    months_factor_exact = "months_factor_exact"
    months_factor = "months_factor"
    u = "u"
    remainder = "remainder"
    extra_yuan = "extra_yuan"
    forfeited = "forfeited"
    bonus = "bonus"
    points_reward = "points_reward"
    total = "total"


#: The frames of :class:`~kpi.engine.results.Results` and their schemas.
RESULT_TABLES: dict[str, type[Table]] = {
    "points_ledger": PointsLedger,
    "person_points": NetPoints,
    "department_points": NetPoints,
    "indicator_detail": IndicatorDetail,
    "city_detail": CityDetail,
    "city_terms": CityTerms,
    "departments": Departments,
    "leaders": Leaders,
    "individuals": Individuals,
    "bonus": Bonus,
}
