"""Weighted means per department, shared by the indicator and city components."""

from __future__ import annotations

import pandas as pd

from kpi.numbers import Exact, exact_mean


def weighted_means(frame: pd.DataFrame, weight: str, value: str) -> dict[str, Exact]:
    """Σ weight × value / Σ weight per department (exact, with its r2 value).

    A department whose weights sum to 0 has no defined mean and is left out, so
    its component counts as absent.
    """
    means: dict[str, Exact] = {}
    for department, group in frame.groupby("department", sort=True):
        mean = exact_mean(list(zip(group[weight], group[value], strict=True)))
        if mean is not None:
            means[str(department)] = Exact(mean)
    return means
