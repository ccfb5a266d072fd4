"""Audit tools: what a rules change does (``rules_diff``, ``impact``) and whether a
published results workbook still matches its inputs (``verify``).

Each module is a pure library: it returns data (changes, an impact, a report)
with ``lines()``/``as_dict()`` renderings and never prints; the CLI shows them.
"""
