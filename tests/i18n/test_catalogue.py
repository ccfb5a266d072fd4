"""Every message of kpi/ is in the catalogue in Chinese, and kpi.mo is compiled from kpi.po."""

from __future__ import annotations

import pytest

pytest.importorskip("babel")

from kpi.i18n import catalogue


def test_catalogue_is_complete() -> None:
    """Each _() / N_() message has a non-fuzzy Chinese msgstr with the same named
    placeholders; kpi.po matches the code; kpi.mo is a fresh compile of kpi.po.
    To fix: ``python -m kpi.i18n.catalogue update``, translate, ``... compile``."""
    problems = list(catalogue.problems())
    assert not problems, "\n".join(problems)


def test_compile_is_reproducible() -> None:
    assert catalogue.compiled() == catalogue.compiled()
    assert catalogue.updated() == catalogue.updated()
