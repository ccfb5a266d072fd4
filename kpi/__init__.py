"""kpi — the four-number KPI appraisal calculator (点数, 系数, 指标数, 加权数).

Library API, for scripts as for the ``kpi`` command (every command calls these):

    import kpi
    from kpi.periods import Period

    period = Period.parse("2024Q3")
    results = kpi.run("input.xlsx", "rules.yaml", period)        # load, read, score
    kpi.write_results(results, "results.xlsx", force=True)
    print("\\n".join(kpi.explain_member(results, "E01").lines()))  # the steps of one member

    year = kpi.annual(["q1.xlsx", "q2.xlsx", "q3.xlsx", "q4.xlsx"], "rules.yaml", 2024)  # 年度考核
    kpi.write_annual(year, "annual.xlsx", force=True)

The library never prints and never exits; every user error is a
:class:`kpi.errors.KpiError` carrying located problems. The names below are
those of :mod:`kpi.api`, imported on first use (``import kpi`` stays light);
``explain_member`` is ``kpi.api.explain`` (``kpi.explain`` is the package that
lays explanations out).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "KpiError",
    "Period",
    "annual",
    "check_output",
    "diff_rules",
    "explain_member",
    "explain_year",
    "impact",
    "load",
    "load_rules",
    "read_workbook",
    "run",
    "score",
    "verify",
    "write_annual",
    "write_impact",
    "write_results",
    "write_slips",
]

if TYPE_CHECKING:
    from kpi.api import (
        annual,
        check_output,
        diff_rules,
        explain_year,
        impact,
        load,
        load_rules,
        read_workbook,
        run,
        score,
        verify,
        write_annual,
        write_impact,
        write_results,
        write_slips,
    )
    from kpi.api import explain as explain_member
    from kpi.errors import KpiError
    from kpi.periods import Period


def __getattr__(name: str) -> Any:
    """The library API, imported when first used (PEP 562)."""
    if name == "KpiError":
        from kpi.errors import KpiError

        return KpiError
    if name == "Period":
        from kpi.periods import Period

        return Period
    if name == "explain_member":
        from kpi.api import explain

        return explain
    if name in __all__:
        from kpi import api

        return getattr(api, name)
    raise AttributeError(f"module 'kpi' has no attribute {name!r}")
