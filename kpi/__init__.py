"""kpi — the four-number KPI appraisal calculator (点数, 系数, 指标数, 加权数).

Library API: load the rules, read a period's workbook, score it. The library
never prints and never exits; every user error is a :class:`kpi.errors.KpiError`
carrying located problems.
"""

__version__ = "0.1.0"
