"""Rows of one member from a published frame, without scanning the frame each time.

A derivation reads one member's rows (``frame[frame["id"] == pid]``). For one
``kpi explain --who`` a scan is nothing; result slips derive every member of a
50,000-person zone, where a scan per member per frame is quadratic. :func:`where`
answers the same question from an index built once per frame and column, and
:func:`memo` keeps a whole-frame aggregate (Σu of the pool) once per frame.

Even an indexed selection costs a pandas call (``iloc``, then ``to_dict`` or a
row Series) of some 50–300 µs, a few dozen of them per member. :func:`records`
and :func:`first` give the same rows as plain dicts from the frame's columns,
converted to Python lists once per frame, so a member's rows cost a few list
indexings; their values are of exactly the types pandas gives (tested against
pandas on every frame a derivation reads).

Published frames are not changed after scoring; should one be replaced anyway,
or change length, every cache notices and is rebuilt; :func:`where` also notices
a key changed in place (a row that no longer holds the value).
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


def _index(frame: pd.DataFrame, column: str) -> tuple[dict[Any, np.ndarray], bool]:
    """(value → positions of its rows, fresh): the frame's index on ``column``, built once."""

    def build() -> dict[Any, np.ndarray]:
        indices = frame.groupby(column, sort=False, dropna=True).indices
        return {k: np.asarray(v) for k, v in indices.items()}

    return _cached(frame, ("where", column), build)


def where(frame: pd.DataFrame, column: str, value: Any) -> pd.DataFrame:
    """``frame[frame[column] == value]``, in the frame's order, from a per-column index."""

    index, fresh = _index(frame, column)
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


def _positions(frame: pd.DataFrame, column: str, value: Any) -> np.ndarray | list[int] | None:
    """Positions of the rows where ``frame[column] == value`` (None: an unhashable value)."""

    index, _ = _index(frame, column)
    try:
        positions = index.get(value)
    except TypeError:
        return None
    return [] if positions is None else positions


def _record_columns(frame: pd.DataFrame) -> tuple[list[str], list[list[Any]]]:
    """Every column as a list of the values ``frame.to_dict("records")`` gives (Python
    scalars for numpy ones), converted once: a row's record is then one list index per column."""
    columns = frame.to_dict("list")
    return [str(c) for c in columns], list(columns.values())


def _row_columns(frame: pd.DataFrame) -> tuple[list[str], list[list[Any]]] | None:
    """Every column as a list of the values a row ``frame.iloc[i]`` holds (numpy scalars
    for numpy columns, as the row Series keeps them when its dtype is object); None when
    the frame's rows are not object Series (one numeric dtype: left to pandas)."""
    if frame.empty or frame.iloc[0].dtype != object:
        return None
    names, values = [], []
    for k in range(frame.shape[1]):
        series = frame.iloc[:, k]
        names.append(str(frame.columns[k]))
        if isinstance(series.dtype, np.dtype) and series.dtype.kind not in "mM":
            values.append(list(series.to_numpy()))
        else:  # extension and datetime-like arrays: their scalars, one by one
            array = series.array
            values.append([array[i] for i in range(len(array))])
    return names, values


def records(frame: pd.DataFrame, column: str, value: Any) -> list[dict[str, Any]]:
    """``where(frame, column, value).to_dict("records")``: the matching rows as dicts, in the
    frame's order, from columns converted once per frame (no pandas call per member)."""
    positions = _positions(frame, column, value)
    if positions is None:
        return [{str(k): v for k, v in r.items()} for r in where(frame, column, value).to_dict("records")]
    names, values = _cached(frame, ("records",), lambda: _record_columns(frame))[0]
    return [{name: col[p] for name, col in zip(names, values, strict=True)} for p in positions]


def first(frame: pd.DataFrame, column: str, value: Any) -> dict[str, Any] | None:
    """``where(frame, column, value).iloc[0]`` as a dict (values as that row Series holds
    them), None when no row matches; from columns converted once per frame."""
    positions = _positions(frame, column, value)
    if positions is None:
        rows = where(frame, column, value)
        return None if rows.empty else {str(k): v for k, v in rows.iloc[0].items()}
    if not len(positions):
        return None
    table = _cached(frame, ("rows",), lambda: _row_columns(frame))[0]
    p = int(positions[0])
    if table is None:
        return {str(k): v for k, v in frame.iloc[p].items()}
    names, values = table
    return {name: col[p] for name, col in zip(names, values, strict=True)}


def published_row(frame: pd.DataFrame, column: str, value: Any) -> dict[str, Any]:
    """The first row where ``column == value``, which a derivation knows is there (its
    member was published): as :func:`first`, and a missing row is a bug, not a user error."""
    row = first(frame, column, value)
    if row is None:
        raise LookupError(f"no row with {column} = {value!r}")
    return row
