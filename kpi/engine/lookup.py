"""Rows of one member from a published frame, without scanning the frame each time.

A derivation reads one member's rows (``frame[frame["id"] == pid]``). For one
``kpi explain --who`` a scan is nothing; result slips derive every member of a
50,000-person zone, where a scan per member per frame is quadratic. :func:`where`
answers the same question from an index built once per frame and column, and
:func:`memo` keeps a whole-frame aggregate (Σu of the pool) once per frame.

Published frames are not changed after scoring; should one be replaced or
changed in place anyway, the index notices (a different object, a different
length, or a row that no longer holds the value) and is rebuilt.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")

#: (id of frame, what) → (a weak reference to the frame, its length, the cached value).
_CACHE: dict[tuple[int, Hashable], tuple[weakref.ref[pd.DataFrame], int, Any]] = {}


def _cached(frame: pd.DataFrame, what: Hashable, build: Callable[[], T]) -> tuple[T, bool]:
    """(value, fresh): the cached value for ``frame`` and ``what``, built when missing."""
    key = (id(frame), what)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is frame and hit[1] == len(frame):
        return hit[2], False
    value = build()
    _CACHE[key] = (weakref.ref(frame, lambda _: _CACHE.pop(key, None)), len(frame), value)
    return value, True


def where(frame: pd.DataFrame, column: str, value: Any) -> pd.DataFrame:
    """``frame[frame[column] == value]``, in the frame's order, from a per-column index."""

    def build() -> dict[Any, np.ndarray]:
        indices = frame.groupby(column, sort=False, dropna=True).indices
        return {k: np.asarray(v) for k, v in indices.items()}

    index, fresh = _cached(frame, ("where", column), build)
    try:
        positions = index.get(value)
    except TypeError:  # an unhashable value: compare the plain way
        return frame[frame[column] == value]
    if positions is None:
        positions = np.empty(0, dtype=np.intp)
    elif not fresh and frame[column].iat[int(positions[0])] != value:  # changed in place
        _CACHE.pop((id(frame), ("where", column)), None)
        return where(frame, column, value)
    return frame.iloc[positions]


def memo(frame: pd.DataFrame, name: str, compute: Callable[[pd.DataFrame], T]) -> T:
    """``compute(frame)``, computed once per frame (an aggregate every member's derivation shows)."""
    value, _ = _cached(frame, ("memo", name), lambda: compute(frame))
    return value
