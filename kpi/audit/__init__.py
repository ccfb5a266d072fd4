"""Audit tools: what a rules change does (``rules_diff``, ``impact``) and whether a
published results workbook still matches its inputs (``verify``).

Each module is a pure library: it returns data (changes, an impact, a report)
with ``lines()``/``as_dict()`` renderings and never prints; the CLI shows them.
Data flows one way, computation before presentation:

* ``impact_model`` (the data) ← ``impact`` (computes it) ← ``impact_report``
  (terminal lines and impact.xlsx);
* ``results_book`` (reads a results workbook back) ← ``verify`` (compares it
  with a fresh computation and reports).
"""
