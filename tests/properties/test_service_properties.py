"""Properties of the service deadlines and their events (method §6.0), for random requests.

* Answering or settling a request later (or not at all) never raises its
  handler's net points, and never moves anyone else's: late checks only add
  deduct-point events and take away the on-time reward, and the per-code clamp
  and the person cap are monotone.
* The vectorised wd(d, n) equals walking the calendar one day at a time.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.rules import BASE
from support.service import walk

from kpi.engine.points import net_points, points_ledger
from kpi.engine.service import service_outcome, with_service_events
from kpi.periods import Period
from kpi.rules.schema import Rules
from kpi.workdays import WorkCalendar, day_number, from_number

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HANDLERS = ("E1", "E2", "E3")
START = date(2024, 6, 1)  # requests from June to October cross both ends of 2024Q3
Q3 = Period(2024, 3)


def rules(statutory: bool, holidays: list[date], workdays: list[date]) -> Rules:
    data = copy.deepcopy(BASE)
    data["points"]["events"].update(
        {
            "S01": {"name": "逾期回应", "points": Decimal(-1), "max_per_period": Decimal(3)},
            "S02": {"name": "逾期办结", "points": Decimal("-1.5")},
            "S03": {"name": "按时办结", "points": Decimal("0.5"), "max_per_period": Decimal(2)},
        }
    )
    data["service"] = {
        "respond_days": 1,
        "resolve_days": {"一般": 5, "特殊": 10, "即办": 0},
        "calendar": {"statutory": statutory, "holidays": holidays, "workdays": workdays},
        "events": {"late_response": "S01", "late_resolution": "S02", "on_time": "S03"},
    }
    return Rules.model_validate(data)


days = st.integers(min_value=0, max_value=140).map(lambda k: START + timedelta(days=k))
later = st.one_of(st.none(), st.integers(min_value=0, max_value=25))
request = st.tuples(st.sampled_from(HANDLERS), st.sampled_from(["一般", "特殊", "即办"]), days, later, later)


@st.composite
def calendars(draw: Any) -> tuple[bool, list[date], list[date]]:
    holidays = draw(st.lists(days, max_size=8, unique=True))
    workdays = draw(st.lists(days.filter(lambda d: d not in holidays), max_size=4, unique=True))
    return draw(st.booleans()), holidays, workdays


def frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    def on(received: date, offset: int | None) -> date | None:
        return None if offset is None else received + timedelta(days=offset)

    return pd.DataFrame(
        {
            "id": [f"Q{i:03d}" for i in range(len(rows))],
            "company": ["企业"] * len(rows),
            "handler": [r[0] for r in rows],
            "kind": [r[1] for r in rows],
            "received": pd.Series([r[2] for r in rows], dtype=object),
            "responded": pd.Series([on(r[2], r[3]) for r in rows], dtype=object),
            "resolved": pd.Series([on(r[2], r[4]) for r in rows], dtype=object),
            "row": list(range(2, 2 + len(rows))),
        }
    )


def net(requests: pd.DataFrame, r: Rules, typed: pd.DataFrame) -> dict[str, Decimal]:
    assert r.service is not None
    outcome = service_outcome(requests, r.service, Q3)
    ledger = points_ledger(with_service_events(typed, outcome.events), r)
    cap = r.points.person_cap
    points = net_points(ledger, list(HANDLERS), cap.add, cap.deduct)
    return dict(zip(points["target"], points["sum"], strict=True))


typed_events = st.lists(
    st.tuples(st.sampled_from(HANDLERS), st.sampled_from(["S01", "S02", "S03", "A02"])), max_size=6
)


@SETTINGS
@given(
    rows=st.lists(request, min_size=1, max_size=12),
    calendar=calendars(),
    typed=typed_events,
    pick=st.integers(min_value=0),
    column=st.sampled_from([3, 4]),
    delay=st.one_of(st.none(), st.integers(min_value=1, max_value=30)),
)
def test_a_later_request_never_raises_points(
    rows: list[tuple[Any, ...]],
    calendar: tuple[bool, list[date], list[date]],
    typed: list[tuple[str, str]],
    pick: int,
    column: int,
    delay: int | None,
) -> None:
    r = rules(*calendar)
    events = pd.DataFrame(
        {
            "date": [date(2024, 8, 1)] * len(typed),
            "target": [t for t, _ in typed],
            "code": [c for _, c in typed],
            "points": pd.Series([None] * len(typed), dtype=object),
            "reason": [None] * len(typed),
            "row": list(range(2, 2 + len(typed))),
        }
    )
    before = net(frame(rows), r, events)
    i = pick % len(rows)
    changed = list(rows[i])
    offset = changed[column]
    if (
        column == 3
        and delay is None
        and offset is not None
        and changed[4] is not None
        and changed[4] < offset
    ):
        # Blanking a 回应日期 that came after the 办结日期 lets the earlier 办结日期 answer
        # the request: an earlier response, not a later one. Answer a day later instead.
        delay = 1
    # Later: blank, or `delay` days after the date it had (a blank date stays blank).
    changed[column] = None if delay is None or offset is None else offset + delay
    after = net(frame([*rows[:i], tuple(changed), *rows[i + 1 :]]), r, events)
    handler = rows[i][0]
    assert after[handler] <= before[handler]
    assert {h: v for h, v in after.items() if h != handler} == {
        h: v for h, v in before.items() if h != handler
    }
    # The published net (capped, rounded) cannot rise either.
    cap = r.points.person_cap
    assert max(-cap.deduct, min(cap.add, after[handler])) <= max(-cap.deduct, min(cap.add, before[handler]))


@SETTINGS
@given(
    calendar=calendars(),
    starts=st.lists(
        st.tuples(
            st.integers(min_value=-400, max_value=400).map(lambda k: date(2024, 9, 1) + timedelta(days=k)),
            st.integers(min_value=0, max_value=40),
        ),
        min_size=1,
        max_size=30,
    ),
)
def test_vectorised_deadlines_equal_walking_the_calendar(
    calendar: tuple[bool, list[date], list[date]], starts: list[tuple[date, int]]
) -> None:
    statutory, holidays, workdays = calendar
    cal = WorkCalendar(holidays, workdays, statutory)
    found = cal.deadlines(np.array([day_number(d) for d, _ in starts]), np.array([n for _, n in starts]))
    assert [from_number(x) for x in found] == [walk(cal, d, n) for d, n in starts]
