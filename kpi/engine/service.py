"""企业诉求 — the "1510" deadlines of service requests (method §6.0, step 6.0).

For each request: the response deadline ``r = wd(受理日期, respond_days)`` and the
settle deadline ``c = wd(受理日期, resolve_days[类别])`` (:mod:`kpi.workdays`);
the response date is 回应日期, or 办结日期 when 回应日期 is blank. A check is late
when its date is blank or after its deadline, and counts only in the period
that contains its deadline. Each late check in the period becomes one points
event on the 负责人 dated on its deadline, with the code's default points; with
``events.on_time``, a request whose c lies in the period and whose two checks
are both on time (the response check even when r fell in an earlier period)
earns one ``on_time`` event dated c.

Everything is computed on arrays over all requests at once: deadlines by one
``searchsorted`` over the calendar's running working-day count, checks and
period membership by comparisons of day numbers. The derived events then join
the typed 点数 events before the points ledger (5.1), so a service code that is
also typed adds up with it before its per-code clamp.

:func:`service_outcome` returns two frames. ``detail`` has one row per request
with a deadline in the period, by 编号 — the 诉求明细 columns, then what
``explain`` shows (the rows, the day counts, the days skipped or counted on the
way to each deadline, the checks whatever the period). ``events`` has the
derived events, each with the request it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.periods import Period
from kpi.rules.schema import Service
from kpi.workdays import BLANK, WorkCalendar, day_number, day_numbers

#: The checks, in the order their codes are listed in 生成事项.
CHECKS = ("late_response", "late_resolution", "on_time")
#: 事由 of a derived event: this prefix, a space, and the request's 编号.
REASON = "企业诉求"

EVENT_COLUMNS = ("date", "target", "code", "points", "reason", "request", "row", "check")


@dataclass(frozen=True)
class ServiceOutcome:
    """What the requests of one period give: the 诉求明细 rows and the derived events."""

    detail: pd.DataFrame
    events: pd.DataFrame


def _dates(numbers: np.ndarray) -> np.ndarray:
    """Day numbers → an object array of ``datetime.date``."""
    return np.asarray(numbers, dtype=np.int64).astype("datetime64[D]").astype(object)


def _objects(values: object) -> pd.Series:
    return pd.Series(values, dtype=object)


def _flags(late: np.ndarray, counted: np.ndarray) -> pd.Series:
    """是/否 where the deadline lies in the period, blank (None) where it does not."""
    flags = np.full(late.size, None, dtype=object)
    flags[counted] = late[counted]  # stored as Python bools
    return _objects(flags)


def _pick(table: Sequence[object], index: np.ndarray) -> pd.Series:
    """``table[index[i]]`` for each i, as an object column (a few distinct values, many rows)."""
    values = np.empty(len(table), dtype=object)
    values[:] = table
    return _objects(values[index])


def service_outcome(requests: pd.DataFrame, service: Service, period: Period) -> ServiceOutcome:
    """Deadlines, checks and derived events of every request (method §6.0, 6.0)."""
    calendar = WorkCalendar.of(service.calendar)
    n = len(requests)
    received = day_numbers(requests["received"])
    responded = day_numbers(requests["responded"])
    resolved = day_numbers(requests["resolved"])
    respond_n = np.full(n, service.respond_days, dtype=np.int64)
    resolve_n = requests["kind"].map(service.resolve_days).to_numpy(dtype=np.int64, na_value=0)
    respond_by = calendar.deadlines(received, respond_n)
    resolve_by = calendar.deadlines(received, resolve_n)

    answered = np.where(responded != BLANK, responded, resolved)
    response_late = (answered == BLANK) | (answered > respond_by)
    resolution_late = (resolved == BLANK) | (resolved > resolve_by)
    first, last = day_number(period.first_day), day_number(period.last_day)
    respond_in = (respond_by >= first) & (respond_by <= last)
    resolve_in = (resolve_by >= first) & (resolve_by <= last)

    codes = service.events.model_dump()
    fires = {
        "late_response": respond_in & response_late,
        "late_resolution": resolve_in & resolution_late,
        "on_time": (
            resolve_in & ~response_late & ~resolution_late
            if codes["on_time"] is not None
            else np.zeros(n, dtype=bool)
        ),
    }
    on = {"late_response": respond_by, "late_resolution": resolve_by, "on_time": resolve_by}
    events = _events(requests, fires, on, codes)

    keep = np.flatnonzero(respond_in | resolve_in)
    shown = requests.iloc[keep]
    # Which checks fired, as bits (late_response 1, late_resolution 2, on_time 4): 8 outcomes.
    fired = np.zeros(keep.size, dtype=np.int64)
    for bit, check in enumerate(CHECKS):
        fired |= fires[check][keep].astype(np.int64) << bit
    outcomes = [tuple(c for bit, c in enumerate(CHECKS) if k >> bit & 1) for k in range(8)]
    listed = [",".join(str(codes[c]) for c in checks) or None for checks in outcomes]
    answered_by = np.where(responded[keep] != BLANK, 0, np.where(resolved[keep] != BLANK, 1, 2))
    detail = pd.DataFrame(
        {
            "id": _objects(shown["id"].to_numpy()),
            "company": _objects(shown["company"].to_numpy()),
            "handler": _objects(shown["handler"].to_numpy()),
            "kind": _objects(shown["kind"].to_numpy()),
            "received": _objects(shown["received"].to_numpy()),
            "respond_by": _objects(_dates(respond_by[keep])),
            "responded": _objects(shown["responded"].to_numpy()),
            "late_response": _flags(response_late[keep], respond_in[keep]),
            "resolve_by": _objects(_dates(resolve_by[keep])),
            "resolved": _objects(shown["resolved"].to_numpy()),
            "late_resolution": _flags(resolution_late[keep], resolve_in[keep]),
            "codes": _pick(listed, fired),
            # What explain shows beside the published columns.
            "row": shown["row"].to_numpy(dtype=np.int64),
            "respond_days": respond_n[keep],
            "resolve_days": resolve_n[keep],
            "answered_by": _pick(["responded", "resolved", None], answered_by),
            "response_late": response_late[keep],
            "resolution_late": resolution_late[keep],
            "respond_in_period": respond_in[keep],
            "resolve_in_period": resolve_in[keep],
            "respond_notes": _objects(calendar.notes(received[keep], respond_by[keep])),
            "resolve_notes": _objects(calendar.notes(received[keep], resolve_by[keep])),
            "events": _pick(list(outcomes), fired),
        }
    )
    detail = detail.sort_values("id", kind="stable", ignore_index=True)
    return ServiceOutcome(detail=detail, events=events)


def _events(
    requests: pd.DataFrame,
    fires: dict[str, np.ndarray],
    on: dict[str, np.ndarray],
    codes: dict[str, str | None],
) -> pd.DataFrame:
    """The derived points events, by date, then request 编号, then check (method §6.0 order)."""
    parts = []
    for order, check in enumerate(CHECKS):
        hit = np.flatnonzero(fires[check])
        if hit.size == 0:
            continue
        ids = _objects(requests["id"].to_numpy()[hit])
        parts.append(
            pd.DataFrame(
                {
                    "day": on[check][hit],
                    "target": _objects(requests["handler"].to_numpy()[hit]),
                    "code": _objects([codes[check]] * hit.size),
                    "points": _objects([None] * hit.size),
                    "reason": REASON + " " + ids,
                    "request": ids,
                    "row": requests["row"].to_numpy(dtype=np.int64)[hit],
                    "check": _objects([check] * hit.size),
                    "order": order,
                }
            )
        )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in EVENT_COLUMNS})
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.sort_values(["day", "request", "order"], kind="stable", ignore_index=True)
    frame["date"] = _objects(_dates(frame["day"].to_numpy()))
    return frame[list(EVENT_COLUMNS)]


def with_service_events(points: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """The typed 点数 events followed by the derived ones, in the columns 5.1 reads."""
    columns = ["date", "target", "code", "points", "reason"]
    if events.empty:
        return points
    return pd.concat([points[columns], events[columns]], ignore_index=True).astype(object)
