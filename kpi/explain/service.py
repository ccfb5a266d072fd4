"""``explain`` for a grid worker: each request's deadlines, checks and events (method §6.0).

Everything shown is read from the engine's 诉求明细 frame (``service_detail``:
deadlines, the days skipped or counted on the way, the checks) and its derived
events (``service_events``); nothing is recomputed here.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, cast

from kpi.engine.results import Results
from kpi.explain.model import Explanation, Section, show
from kpi.explain.sources import Cite
from kpi.workdays import HOLIDAY, STATUTORY, STATUTORY_WORKDAY, WEEKEND, WORKDAY, DayNote

MAX_LISTED_REQUESTS = 100

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
KIND_WORDS = {
    WEEKEND: "weekend",
    HOLIDAY: "holiday (calendar.holidays)",
    STATUTORY: "statutory holiday",
    WORKDAY: "make-up working day (calendar.workdays)",
    STATUTORY_WORKDAY: "statutory make-up working day",
}
CHECK_WORDS = {
    "late_response": "late response",
    "late_resolution": "late resolution",
    "on_time": "settled on time",
}


def day(d: date) -> str:
    """``2024-07-06 Sat``."""
    return f"{d.isoformat()} {WEEKDAYS[d.weekday()]}"


def _label(note: DayNote, lang: str) -> str:
    words = KIND_WORDS[note.kind]
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
            parts.append(f"{day(first)} {_label(run[0], lang)}")
        else:
            tail = f"{end.month:02d}-{end.day:02d} {WEEKDAYS[end.weekday()]}"
            parts.append(f"{day(first)}–{tail} {_label(run[0], lang)} ({len(run)} days)")
    return ", ".join(parts)


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


def _deadline(
    section: Section,
    results: Results,
    cite: Cite,
    lang: str,
    req: dict[str, Any],
    which: str,
) -> None:
    """The deadline line (with the days skipped and counted) and its check line."""
    respond = which == "respond"
    deadline: date = req["respond_by" if respond else "resolve_by"]
    n = int(req["respond_days" if respond else "resolve_days"])
    notes: tuple[DayNote, ...] = req["respond_notes" if respond else "resolve_notes"]
    skipped = tuple(x for x in notes if not x.working)
    counted = tuple(x for x in notes if x.working)
    text = f"{which}_by = wd({req['received'].isoformat()}, {n}) = {day(deadline)}"
    if n == 0:
        text += " (0 working days: the day received)"
    if skipped:
        text += f"; skipped {_runs(skipped, lang)}"
    if counted:
        text += f"; counted {_runs(counted, lang)}"
    key = ("service", "respond_days") if respond else ("service", "resolve_days", req["kind"])
    section.fact(text, cite.rule(*key), *_calendar_sources(cite, notes))

    late = bool(req["response_late" if respond else "resolution_late"])
    if respond:
        when = req["responded"] if req["answered_by"] == "responded" else req["resolved"]
        what = "response" if req["answered_by"] != "resolved" else "response (办结日期, 回应日期 blank)"
    else:
        when, what = req["resolved"], "resolved"
    if when is None:
        check = f"{what} blank: late"
    else:
        sign = ">" if late else "≤"
        check = f"{what} {when.isoformat()} {sign} {which}_by {deadline.isoformat()}: "
        check += "late" if late else "on time"
    period = results.period
    if req["respond_in_period" if respond else "resolve_in_period"]:
        check += f" (the deadline lies in {period}: this check counts here)"
    else:
        check += f" (the deadline lies outside {period}: this check does not count here)"
    section.fact(check)


def _request(section: Section, results: Results, cite: Cite, lang: str, req: dict[str, Any]) -> None:
    dates = [f"received {day(req['received'])}"]
    for key in ("responded", "resolved"):
        value = req[key]
        dates.append(f"{key} {value.isoformat() if value is not None else 'blank'}")
    section.fact(
        f"{req['id']} {req['company']} {req['kind']}: {', '.join(dates)}",
        cite.row("service_requests", int(req["row"])),
    )
    _deadline(section, results, cite, lang, req, "respond")
    _deadline(section, results, cite, lang, req, "resolve")
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
            f"{code} {catalogue[code].name} {show(catalogue[code].points)} on {on.isoformat()} "
            f"({CHECK_WORDS[check]})"
        )
        sources.append(cite.rule("service", "events", check))
    if made:
        section.fact(f"events: {'; '.join(made)}", *sources)
    elif codes["on_time"] is not None and req["resolve_in_period"] and not req["resolution_late"]:
        section.fact(
            "events: none — settled on time, but the response was late and on_time needs both "
            "checks on time, even when the response deadline lies in an earlier period",
            cite.rule("service", "events", "on_time"),
        )
    else:
        section.fact("events: none")


def derived_counts(results: Results, target: str) -> dict[str, int]:
    """Events per code that ``target`` got from its requests (empty without service)."""
    events = results.service_events
    if events is None or events.empty:
        return {}
    return dict(Counter(events.loc[events["target"] == target, "code"]))


def events_note(count: int, derived: int) -> str:
    """The ledger line's note: ``3 event(s)``, or ``3 event(s), 2 from 企业诉求``."""
    note = f"{count} event(s)"
    return note + (f", {derived} from 企业诉求" if derived else "")


def service_event_facts(results: Results, cite: Cite, target: str) -> list[tuple[str, ...]]:
    """The derived events of ``target`` for the points section: (text, sources…) each."""
    events = results.service_events
    if events is None or events.empty:
        return []
    catalogue = results.rules.points.events
    facts: list[tuple[str, ...]] = []
    for event in events[events["target"] == target].to_dict("records"):
        code = event["code"]
        text = (
            f"{event['date']} {code} {catalogue[code].name}: {show(catalogue[code].points)} "
            f"(blank → default) — {event['reason']} ({CHECK_WORDS[event['check']]})"
        )
        facts.append(
            (
                text,
                cite.row("service_requests", int(event["row"])),
                cite.rule("points", "events", code, "points"),
            )
        )
    return facts


def _clamps(section: Section, results: Results, cite: Cite, pid: str) -> None:
    """How the per-code clamp of 5.1 treated the codes this person got from requests."""
    derived = derived_counts(results, pid)
    ledger = results.points_ledger
    mine = ledger[(ledger["target"] == pid) & ledger["code"].isin(set(derived))]
    for row in mine.to_dict("records"):
        code = row["code"]
        typed = int(row["events"]) - derived[code]
        text = f"{code} {row['name']}: {derived[code]} event(s) from 企业诉求"
        if typed:
            text += f" + {typed} typed in 点数"
        text += f", Σ {show(row['raw_total'])}"
        cap = row["code_cap"]
        if cap is None:
            section.fact(text + f", counted in full: {show(row['counted'])} (no max_per_period)")
        else:
            clamped = "clamped" if row["counted"] != row["raw_total"] else "within the clamp"
            section.fact(
                text + f" → clamp to ±{show(cap)}: counted {show(row['counted'])} ({clamped})",
                cite.rule("points", "events", code, "max_per_period"),
            )


def service_section(ex: Explanation, results: Results, cite: Cite, pid: str) -> None:
    """Each request of ``pid`` with a deadline in the period (nothing without requests)."""
    detail = results.service_detail
    if detail is None:
        return
    mine = detail[detail["handler"] == pid]
    if mine.empty:
        return
    service = results.rules.service
    assert service is not None
    section = ex.section("企业诉求 service requests")
    days = "working days: Monday–Friday, less calendar.holidays, plus calendar.workdays"
    sources = [cite.rule("service", "calendar")]
    if service.calendar.statutory:
        days += ", with the statutory holidays and make-up working days of the table"
        sources.append(cite.rule("service", "calendar", "statutory"))
    section.fact(f"{days}; wd(d, n) = the n-th working day after d", *sources)
    records = cast(list[dict[str, Any]], mine.to_dict("records"))
    for req in records[:MAX_LISTED_REQUESTS]:
        _request(section, results, cite, ex.lang, req)
    if len(records) > MAX_LISTED_REQUESTS:
        section.fact(f"… and {len(records) - MAX_LISTED_REQUESTS} more requests (see 诉求明细)")
    _clamps(section, results, cite, pid)
