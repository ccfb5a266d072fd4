"""Columns of exact Python values (Decimal, Fraction, None) for the engine's frames."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def objects(values: Sequence[object], index: pd.Index) -> pd.Series:
    """A column of Python values kept as they are: pandas would turn None into NaN
    in an inferred column, and a Decimal must never become a float."""
    return pd.Series(list(values), dtype=object, index=index)
