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

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kpi.engine.lookup import records
from kpi.engine.steps import Cite, Fact, Item, fact, show
from kpi.i18n import N_, Msg, _, tr
from kpi.periods import Period
from kpi.rules.schema import Service
from kpi.workdays import (
    BLANK,
    HOLIDAY,
    STATUTORY,
    STATUTORY_WORKDAY,
    WEEKEND,
    WORKDAY,
    DayNote,
    WorkCalendar,
    day_number,
    day_numbers,
)

if TYPE_CHECKING:
    from kpi.engine.results import Results

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


# derivations ------------------------------------------------------------------------

MAX_LISTED_REQUESTS = 100

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
KIND_WORDS = {
    WEEKEND: N_("weekend"),
    HOLIDAY: N_("holiday (calendar.holidays)"),
    STATUTORY: N_("statutory holiday"),
    WORKDAY: N_("make-up working day (calendar.workdays)"),
    STATUTORY_WORKDAY: N_("statutory make-up working day"),
}


def _check(check: str) -> Msg:
    """A check's words as a message parameter."""
    if check == "late_response":
        return _("late response")
    if check == "late_resolution":
        return _("late resolution")
    return _("settled on time")


def day(d: date, lang: str | None = None) -> str:
    """``2024-07-06 Sat`` (``2024-07-06 周六`` in Chinese)."""
    return f"{d.isoformat()} {tr(WEEKDAYS[d.weekday()], lang)}"


def _label(note: DayNote, lang: str) -> str:
    words = tr(KIND_WORDS[note.kind], lang)
    if note.name is not None:
        words += f" {note.name[1] if lang == 'en' else note.name[0]}"
    return words


def _runs(notes: tuple[DayNote, ...], lang: str) -> str:
    """Consecutive days of one kind as one run.

    ``2024-10-01 Tue–10-07 Mon statutory holiday 国庆节 (7 days)``.
    """
    runs: list[list[DayNote]] = []
    for note in notes:
        last = runs[-1][-1] if runs else None
        same = last is not None and (last.kind, last.name) == (note.kind, note.name)
        if same and last is not None and (note.day - last.day).days == 1:
            runs[-1].append(note)
        else:
            runs.append([note])
    parts = []
    for run in runs:
        first, end = run[0].day, run[-1].day
        if len(run) == 1:
            parts.append(f"{day(first, lang)} {_label(run[0], lang)}")
        else:
            tail = f"{end.month:02d}-{end.day:02d} {tr(WEEKDAYS[end.weekday()], lang)}"
            parts.append(
                _(
                    "{first}–{last} {kind} ({n} days)",
                    first=day(first, lang),
                    last=tail,
                    kind=_label(run[0], lang),
                    n=len(run),
                ).to(lang)
            )
    return (", " if lang == "en" else "，").join(parts)


def _calendar_sources(cite: Cite, notes: tuple[DayNote, ...]) -> list[str]:
    """The rules lines behind the noted days: each listed holiday or workday, the statutory flag."""
    listed = {HOLIDAY: "holidays", WORKDAY: "workdays"}
    sources: list[str] = []
    for note in notes:
        if note.kind in listed:
            sources.append(cite.rule("service", "calendar", listed[note.kind]))
        elif note.kind in (STATUTORY, STATUTORY_WORKDAY):
            sources.append(cite.rule("service", "calendar", "statutory"))
    return list(dict.fromkeys(sources))


def _deadline(results: Results, cite: Cite, lang: str, req: dict[str, Any], which: str) -> list[Item]:
    """The deadline line (with the days skipped and counted) and its check line."""
    respond = which == "respond"
    deadline: date = req["respond_by" if respond else "resolve_by"]
    n = int(req["respond_days" if respond else "resolve_days"])
    notes: tuple[DayNote, ...] = req["respond_notes" if respond else "resolve_notes"]
    skipped = tuple(x for x in notes if not x.working)
    counted = tuple(x for x in notes if x.working)
    parts = [f"{which}_by = wd({req['received'].isoformat()}, {n}) = {day(deadline, lang)}"]
    if n == 0:
        parts[0] += " " + _("(0 working days: the day received)").to(lang)
    if skipped:
        parts.append(_("skipped {days}", days=_runs(skipped, lang)).to(lang))
    if counted:
        parts.append(_("counted {days}", days=_runs(counted, lang)).to(lang))
    text = ("; " if lang == "en" else "；").join(parts)
    key = ("service", "respond_days") if respond else ("service", "resolve_days", req["kind"])
    # The line is made in ``lang`` (the days are named in it), so it is plain text here.
    items: list[Item] = [fact(text, cite.rule(*key), *_calendar_sources(cite, notes))]

    late = bool(req["response_late" if respond else "resolution_late"])
    what: Msg
    if respond:
        when = req["responded"] if req["answered_by"] == "responded" else req["resolved"]
        what = _("response") if req["answered_by"] != "resolved" else _("response (办结日期, 回应日期 blank)")
    else:
        when, what = req["resolved"], _("resolved")
    outcome: Msg
    if when is None:
        outcome = _("{what} blank: late", what=what)
    else:
        params = {"what": what, "date": when.isoformat(), "which": which, "deadline": deadline.isoformat()}
        if late:
            outcome = _("{what} {date} > {which}_by {deadline}: late", **params)
        else:
            outcome = _("{what} {date} ≤ {which}_by {deadline}: on time", **params)
    period = results.period
    if req["respond_in_period" if respond else "resolve_in_period"]:
        check = _(
            "{outcome} (the deadline lies in {period}: this check counts here)",
            outcome=outcome,
            period=period,
        )
    else:
        check = _(
            "{outcome} (the deadline lies outside {period}: this check does not count here)",
            outcome=outcome,
            period=period,
        )
    items.append(fact(check))
    return items


def _request(results: Results, cite: Cite, lang: str, req: dict[str, Any]) -> list[Item]:
    blank = _("blank").to(lang)
    responded, resolved = (
        req[key].isoformat() if req[key] is not None else blank for key in ("responded", "resolved")
    )
    items: list[Item] = [
        fact(
            _(
                "{id} {company} {kind}: received {received}, responded {responded}, resolved {resolved}",
                id=req["id"],
                company=req["company"],
                kind=req["kind"],
                received=day(req["received"], lang),
                responded=responded,
                resolved=resolved,
            ),
            cite.row("service_requests", int(req["row"])),
        )
    ]
    items += _deadline(results, cite, lang, req, "respond")
    items += _deadline(results, cite, lang, req, "resolve")
    service = results.rules.service
    assert service is not None
    codes = service.events.model_dump()
    catalogue = results.rules.points.events
    made = []
    sources = []
    for check in req["events"]:
        code = codes[check]
        on = req["respond_by"] if check == "late_response" else req["resolve_by"]
        made.append(
            _(
                "{code} {name} {points} on {date} ({check})",
                code=code,
                name=catalogue[code].name,
                points=show(catalogue[code].points),
                date=on.isoformat(),
                check=_check(check),
            ).to(lang)
        )
        sources.append(cite.rule("service", "events", check))
    if made:
        items.append(fact(_("events: {events}", events=("; " if lang == "en" else "；").join(made))))
        items[-1].sources.extend(sources)
    elif codes["on_time"] is not None and req["resolve_in_period"] and not req["resolution_late"]:
        items.append(
            fact(
                _(
                    "events: none — settled on time, but the response was late and on_time needs both "
                    "checks on time, even when the response deadline lies in an earlier period"
                ),
                cite.rule("service", "events", "on_time"),
            )
        )
    else:
        items.append(fact(_("events: none")))
    return items


def derived_counts(results: Results, target: str) -> dict[str, int]:
    """Events per code that ``target`` got from its requests (empty without service)."""
    events = results.service_events
    if events is None or events.empty:
        return {}
    return dict(Counter(event["code"] for event in records(events, "target", target)))


def events_note(count: int, derived: int) -> Msg:
    """The ledger line's note: ``3 event(s)``, or ``3 event(s), 2 from 企业诉求``."""
    if derived:
        return _("{n} event(s), {derived} from 企业诉求", n=count, derived=derived)
    return _("{n} event(s)", n=count)


def event_facts(results: Results, target: str, cite: Cite) -> list[Fact]:
    """The derived events of ``target``, for the points derivation."""
    events = results.service_events
    if events is None or events.empty:
        return []
    catalogue = results.rules.points.events
    facts: list[Fact] = []
    for event in records(events, "target", target):
        code = event["code"]
        text = _(
            "{date} {code} {name}: {points} (blank → default) — {reason} ({check})",
            date=event["date"],
            code=code,
            name=catalogue[code].name,
            points=show(catalogue[code].points),
            reason=event["reason"],
            check=_check(event["check"]),
        )
        facts.append(
            fact(
                text,
                cite.row("service_requests", int(event["row"])),
                cite.rule("points", "events", code, "points"),
            )
        )
    return facts


def _clamps(results: Results, cite: Cite, pid: str) -> list[Item]:
    """How the per-code clamp of 6.1 treated the codes this person got from requests."""
    derived = derived_counts(results, pid)
    mine = [row for row in records(results.points_ledger, "target", pid) if row["code"] in derived]
    items: list[Item] = []
    for row in mine:
        code = row["code"]
        typed = int(row["events"]) - derived[code]
        params = {"code": code, "name": row["name"], "derived": derived[code], "sum": show(row["raw_total"])}
        events = (
            _(
                "{code} {name}: {derived} event(s) from 企业诉求 + {typed} typed in 点数, Σ {sum}",
                typed=typed,
                **params,
            )
            if typed
            else _("{code} {name}: {derived} event(s) from 企业诉求, Σ {sum}", **params)
        )
        cap = row["code_cap"]
        if cap is None:
            items.append(
                fact(
                    _(
                        "{events}, counted in full: {counted} (no max_per_period)",
                        events=events,
                        counted=show(row["counted"]),
                    )
                )
            )
        else:
            clamped = _("clamped") if row["counted"] != row["raw_total"] else _("within the clamp")
            items.append(
                fact(
                    _(
                        "{events} → clamp to ±{cap}: counted {counted} ({clamped})",
                        events=events,
                        cap=show(cap),
                        counted=show(row["counted"]),
                        clamped=clamped,
                    ),
                    cite.rule("points", "events", code, "max_per_period"),
                )
            )
    return items


def steps(results: Results, pid: str, cite: Cite, lang: str) -> list[Item] | None:
    """Each request of ``pid`` with a deadline in the period: its deadlines (the days skipped
    and counted), checks and events; None without requests."""
    detail = results.service_detail
    if detail is None:
        return None
    mine = records(detail, "handler", pid)
    if not mine:
        return None
    service = results.rules.service
    assert service is not None
    sources = [cite.rule("service", "calendar")]
    if service.calendar.statutory:
        days = _(
            "working days: Monday–Friday, less calendar.holidays, plus calendar.workdays, with the "
            "statutory holidays and make-up working days of the table; "
            "wd(d, n) = the n-th working day after d"
        )
        sources.append(cite.rule("service", "calendar", "statutory"))
    else:
        days = _(
            "working days: Monday–Friday, less calendar.holidays, plus calendar.workdays; "
            "wd(d, n) = the n-th working day after d"
        )
    items: list[Item] = [fact(days, *sources)]
    for req in mine[:MAX_LISTED_REQUESTS]:
        items += _request(results, cite, lang, req)
    if len(mine) > MAX_LISTED_REQUESTS:
        items.append(fact(_("… and {n} more requests (see 诉求明细)", n=len(mine) - MAX_LISTED_REQUESTS)))
    items += _clamps(results, cite, pid)
    return items
