"""企业诉求: deadlines, late checks, the period each check counts in, derived events (method §6.0).

Every expectation is worked out by hand on the calendar in the comments (see
``test_workdays.py`` for the days of July and of National Day 2024). The rules:
respond within 1 working day, settle 一般 within 5 and 特殊 within 10; S01 late
response (−1), S02 late resolution (−1, max_per_period 2), S03 settled on time
(+0.5).
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from support.rules import BASE

from kpi.engine.points import points_ledger
from kpi.engine.service import service_outcome, with_service_events
from kpi.periods import Period
from kpi.rules.schema import Rules

D = date
Q2, Q3, Q4 = Period(2024, 2), Period(2024, 3), Period(2024, 4)
CODES = {
    "S01": {"name": "诉求逾期回应", "points": Decimal(-1)},
    "S02": {"name": "诉求逾期办结", "points": Decimal(-1), "max_per_period": Decimal(2)},
    "S03": {"name": "诉求按时办结", "points": Decimal("0.5")},
}


def rules(on_time: bool = True, statutory: bool = False, **calendar: Any) -> Rules:
    events = {"late_response": "S01", "late_resolution": "S02"}
    if on_time:
        events["on_time"] = "S03"
    data = copy.deepcopy(BASE)
    data["points"]["events"].update(CODES)
    data["service"] = {
        "respond_days": 1,
        "resolve_days": {"一般": 5, "特殊": 10},
        "calendar": {"statutory": statutory, **calendar},
        "events": events,
    }
    return Rules.model_validate(data)


def requests(*rows: tuple[str, str, str, date, date | None, date | None]) -> pd.DataFrame:
    """(编号, 负责人, 类别, 受理日期, 回应日期, 办结日期) rows, from Excel row 2 on."""
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "company": [f"企业{r[0]}" for r in rows],
            "handler": [r[1] for r in rows],
            "kind": [r[2] for r in rows],
            "received": pd.Series([r[3] for r in rows], dtype=object),
            "responded": pd.Series([r[4] for r in rows], dtype=object),
            "resolved": pd.Series([r[5] for r in rows], dtype=object),
            "row": list(range(2, 2 + len(rows))),
        }
    )


def run(
    frame: pd.DataFrame, period: Period = Q3, **kwargs: Any
) -> tuple[list[tuple[Any, ...]], pd.DataFrame]:
    """(events as (date, 对象, 事项, 事由), detail) of the requests for ``period``."""
    service = rules(**kwargs).service
    assert service is not None
    outcome = service_outcome(frame, service, period)
    events = outcome.events
    listed = list(zip(events["date"], events["target"], events["code"], events["reason"], strict=True))
    assert list(events["points"]) == [None] * len(events)  # blank: the code's default
    return listed, outcome.detail


def published(detail: pd.DataFrame) -> list[tuple[Any, ...]]:
    columns = [
        "id", "received", "respond_by", "responded", "late_response",
        "resolve_by", "resolved", "late_resolution", "codes",
    ]  # fmt: skip
    return [tuple(r) for r in detail[columns].itertuples(index=False)]


def test_answered_and_settled_on_time_earns_on_time() -> None:
    # Fri 5 July: r = Mon 8 (Sat 6, Sun 7 skipped), c = Fri 12 (8, 9, 10, 11, 12).
    # Responded on 8 (≤ 8) and settled on 12 (≤ 12): one S03 dated c.
    events, detail = run(requests(("Q1", "E05", "一般", D(2024, 7, 5), D(2024, 7, 8), D(2024, 7, 12))))
    assert events == [(D(2024, 7, 12), "E05", "S03", "企业诉求 Q1")]
    assert published(detail) == [
        (
            "Q1",
            D(2024, 7, 5),
            D(2024, 7, 8),
            D(2024, 7, 8),
            False,
            D(2024, 7, 12),
            D(2024, 7, 12),
            False,
            "S03",
        )
    ]


def test_late_response_and_no_settlement_make_two_events() -> None:
    # Responded Tue 9 > r = Mon 8: S01 dated 8; never settled: S02 dated c = Fri 12.
    events, detail = run(requests(("Q2", "E05", "一般", D(2024, 7, 5), D(2024, 7, 9), None)))
    assert events == [
        (D(2024, 7, 8), "E05", "S01", "企业诉求 Q2"),
        (D(2024, 7, 12), "E05", "S02", "企业诉求 Q2"),
    ]
    assert list(detail["codes"]) == ["S01,S02"]
    assert list(detail["late_response"]) == [True] and list(detail["late_resolution"]) == [True]


def test_settling_answers_a_request_without_a_response_date() -> None:
    # 回应日期 blank, 办结日期 Mon 8: the response date is 8 ≤ r = 8, on time; settled
    # ≤ c = 12: S03 dated c (12), not the day it was settled. 回应日期 stays blank.
    events, detail = run(requests(("Q3", "E06", "一般", D(2024, 7, 5), None, D(2024, 7, 8))))
    assert events == [(D(2024, 7, 12), "E06", "S03", "企业诉求 Q3")]
    assert list(detail["responded"]) == [None]
    assert list(detail["late_response"]) == [False]
    assert list(detail["answered_by"]) == ["resolved"]


def test_received_last_quarter_with_its_settle_deadline_in_this_one() -> None:
    # Thu 27 June: r = Fri 28 June (Q2), c = 28 June (1), 1 July (2), 2 (3), 3 (4),
    # Thu 4 July (5): only c lies in Q3. Responded Sat 29 June > 28: late, but that
    # check counts in Q2. Settled Wed 3 July ≤ 4: on time. on_time needs both checks
    # on time, even though r fell in Q2: no event at all in Q3.
    late_answer = ("Q4", "E05", "一般", D(2024, 6, 27), D(2024, 6, 29), D(2024, 7, 3))
    events, detail = run(requests(late_answer))
    assert events == []
    assert published(detail) == [
        (
            "Q4",
            D(2024, 6, 27),
            D(2024, 6, 28),
            D(2024, 6, 29),
            None,
            D(2024, 7, 4),
            D(2024, 7, 3),
            False,
            None,
        )
    ]
    # Answered on Fri 28 June instead: both checks on time → S03 dated Thu 4 July.
    events, _ = run(requests(("Q4", "E05", "一般", D(2024, 6, 27), D(2024, 6, 28), D(2024, 7, 3))))
    assert events == [(D(2024, 7, 4), "E05", "S03", "企业诉求 Q4")]
    # Scored in Q2, the late response counts there (dated r), the settlement does not.
    events, detail = run(requests(late_answer), period=Q2)
    assert events == [(D(2024, 6, 28), "E05", "S01", "企业诉求 Q4")]
    assert list(detail["late_response"]) == [True] and list(detail["late_resolution"]) == [None]


def test_received_this_quarter_with_its_settle_deadline_in_the_next() -> None:
    # Thu 26 Sep, nothing done: r = Fri 27 Sep (Q3); c = 27 (1), Mon 30 (2), Tue 1 Oct
    # (3), 2 (4), Thu 3 Oct (5) on a plain calendar: Q4. Q3 gets S01 only, its row's
    # 办结逾期 is blank; Q4 gets S02 only, its row's 回应逾期 is blank.
    frame = requests(("Q5", "L02", "一般", D(2024, 9, 26), None, None))
    events, detail = run(frame)
    assert events == [(D(2024, 9, 27), "L02", "S01", "企业诉求 Q5")]
    assert list(detail["resolve_by"]) == [D(2024, 10, 3)]
    assert list(detail["late_resolution"]) == [None] and list(detail["codes"]) == ["S01"]
    events, detail = run(frame, period=Q4)
    assert events == [(D(2024, 10, 3), "L02", "S02", "企业诉求 Q5")]
    assert list(detail["late_response"]) == [None] and list(detail["late_resolution"]) == [True]


def test_requests_with_both_deadlines_outside_the_period_produce_nothing() -> None:
    # Tue 8 Oct (r = 9 Oct, c = 15 Oct) and Mon 6 May (r = 7 May, c = 13 May): not Q3.
    events, detail = run(
        requests(
            ("Q6", "E05", "一般", D(2024, 10, 8), None, None),
            ("Q7", "E05", "一般", D(2024, 5, 6), None, None),
        )
    )
    assert events == [] and detail.empty


def test_a_special_request_has_ten_working_days() -> None:
    # Fri 28 June 特殊: r = Mon 1 July; c = 1–5 July (1–5), 8–12 July (6–10) → Fri 12 July.
    # Answered 1 July, settled 12 July: both on time → S03 dated 12 July.
    events, detail = run(requests(("Q8", "E05", "特殊", D(2024, 6, 28), D(2024, 7, 1), D(2024, 7, 12))))
    assert list(detail["respond_by"]) == [D(2024, 7, 1)]
    assert list(detail["resolve_by"]) == [D(2024, 7, 12)]
    assert events == [(D(2024, 7, 12), "E05", "S03", "企业诉求 Q8")]
    # Not answered, settled 12 July: settling answers it, but 12 July > r = 1 July → late.
    events, detail = run(requests(("Q8", "E05", "特殊", D(2024, 6, 28), None, D(2024, 7, 12))))
    assert events == [(D(2024, 7, 1), "E05", "S01", "企业诉求 Q8")]
    assert list(detail["late_response"]) == [True] and list(detail["late_resolution"]) == [False]


def test_statutory_calendar_moves_deadlines_around_national_day() -> None:
    # Fri 27 Sep 特殊, answered Mon 30 Sep. Statutory: r = Sun 29 Sep (make-up day), so
    # 30 > 29 is late → S01 dated 29 Sep; c = Wed 16 Oct (Q4, see test_workdays).
    frame = requests(("Q9", "E05", "特殊", D(2024, 9, 27), D(2024, 9, 30), None))
    events, detail = run(frame, statutory=True)
    assert events == [(D(2024, 9, 29), "E05", "S01", "企业诉求 Q9")]
    assert list(detail["resolve_by"]) == [D(2024, 10, 16)]
    # Plain calendar: r = Mon 30 Sep, answered that day: on time, no event in Q3.
    events, _ = run(frame)
    assert events == []


def test_without_on_time_no_reward() -> None:
    events, _ = run(
        requests(("Q1", "E05", "一般", D(2024, 7, 5), D(2024, 7, 8), D(2024, 7, 12))), on_time=False
    )
    assert events == []


def test_rows_are_ordered_by_id_code_point_and_keep_their_source() -> None:
    frame = requests(*((i, "E05", "一般", D(2024, 7, 5), None, None) for i in ("Q9", "Q10", "Q1")))
    _, detail = run(frame)
    assert list(detail["id"]) == ["Q1", "Q10", "Q9"]  # "Q10" < "Q9" by code point
    assert list(detail["row"]) == [4, 3, 2]
    notes = detail["respond_notes"].iloc[0]
    assert [(n.day, n.kind) for n in notes] == [(D(2024, 7, 6), "weekend"), (D(2024, 7, 7), "weekend")]


def test_a_service_code_also_typed_in_points_is_clamped_together() -> None:
    # E05: two requests never settled (S02 dated 12 July and 19 July) and one S02 typed
    # in 点数: −1 −1 −1 = −3, clamped to max_per_period 2 → −2 (3 events).
    r = rules()
    assert r.service is not None
    outcome = service_outcome(
        requests(
            ("QA", "E05", "一般", D(2024, 7, 5), D(2024, 7, 8), None),
            ("QB", "E05", "一般", D(2024, 7, 12), D(2024, 7, 15), None),
        ),
        r.service,
        Q3,
    )
    typed = pd.DataFrame(
        {
            "date": [D(2024, 8, 1)],
            "target": ["E05"],
            "code": ["S02"],
            "points": pd.Series([None], dtype=object),
            "reason": ["督办件"],
            "row": [2],
        }
    )
    ledger = points_ledger(with_service_events(typed, outcome.events), r)
    row = ledger[(ledger["target"] == "E05") & (ledger["code"] == "S02")].iloc[0]
    assert (row["events"], row["raw_total"], row["code_cap"], row["counted"]) == (3, -3, 2, -2)


@pytest.mark.parametrize("period", [Q2, Q3])
def test_no_requests(period: Period) -> None:
    events, detail = run(requests(), period=period)
    assert events == [] and detail.empty
