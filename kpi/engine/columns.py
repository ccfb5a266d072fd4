"""Columns of exact Python values (Decimal, Fraction, None) for the engine's frames."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd


def records(rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> pd.DataFrame:
    """A frame of Python values from records (None stays None, a Decimal a Decimal):
    ``DataFrame.from_records`` would turn None into NaN."""
    return pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object) for c in columns})


def objects(values: Sequence[object], index: pd.Index) -> pd.Series:
    """A column of Python values kept as they are: pandas would turn None into NaN
    in an inferred column, and a Decimal must never become a float."""
    return pd.Series(list(values), dtype=object, index=index)
