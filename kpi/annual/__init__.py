"""The annual appraisal (年度考核, method §10): four quarters' results rolled up into a year.

* :mod:`~kpi.annual.quarters` — reading the quarters' results workbooks (zh or en,
  period from 运行信息);
* :mod:`~kpi.annual.members` — the members of the year across quarters (joining,
  leaving, promoted, moved between departments);
* :mod:`~kpi.annual.compute` — quarter means, the year-end evaluation, annual
  scores, grades under the annual quota, the year-end pool;
* :mod:`~kpi.annual.tables` — the sheets of the annual workbook;
* :mod:`~kpi.annual.explain` — the derivation of one member's year;
* :mod:`~kpi.annual.run` — the entry points the CLI calls.
"""

from kpi.annual.results import AnnualResults
from kpi.annual.run import check_quarters, run_annual, write_annual

__all__ = ["AnnualResults", "check_quarters", "run_annual", "write_annual"]
