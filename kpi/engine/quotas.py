"""Individual quotas tied to the department's grade (部门考核结果与个人优秀比例挂钩).

A band may carry ``quota_by_department_grade`` (rules allow it only with
``quota_scope: department``): for individuals, its quota in a department is
``quota_by_department_grade[grade of that department]``, the department's final
grade (after vetoes), and ``n_q = floor|round|ceil(n_dept × q)`` as usual.
Departments and leaders keep the band's own ``quota`` (none when it has none).
"""

from __future__ import annotations

from decimal import Decimal

from kpi.engine.grades import QuotaOf
from kpi.rules.schema import Rules


def ties_to_department_grade(rules: Rules) -> bool:
    """Whether some band sets individual quotas by the department's grade."""
    return any(b.quota_by_department_grade is not None for b in rules.grades.bands)


def individual_quota(rules: Rules, department_grades: dict[str, str]) -> QuotaOf | None:
    """Band index, department → the individuals' quota there; None when no band is tied."""
    if not ties_to_department_grade(rules):
        return None
    bands = rules.grades.bands

    def quota_of(index: int, department: str) -> Decimal | None:
        by_grade = bands[index].quota_by_department_grade
        if by_grade is None:
            return bands[index].quota
        return by_grade[department_grades[department]]

    return quota_of


def quota_sources(
    rules: Rules, department_grades: dict[str, str], departments: list[str]
) -> dict[tuple[str, str], tuple[Decimal, str]]:
    """(band, department) → (q, the department's grade that set it), for ``explain``."""
    return {
        (band.name, department): (by_grade[department_grades[department]], department_grades[department])
        for band in rules.grades.bands
        if (by_grade := band.quota_by_department_grade) is not None
        for department in departments
    }
