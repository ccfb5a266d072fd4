"""Working days and wd(d, n) (method §6.0, 6.0), worked out on a wall calendar.

July 2024 begins on a Monday: Fri 5, Sat 6, Sun 7, Mon 8, … Fri 12, Sat 13,
Sun 14, Mon 15, Tue 16. National Day 2024 (the State Council's notice): days
off Tue 1 – Mon 7 October, make-up working days Sun 29 September and Sat 12
October; Mid-Autumn: days off Sun 15 – Tue 17 September, make-up Sat 14
September.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from support.service import walk

from kpi.workdays import (
    HOLIDAY,
    STATUTORY,
    STATUTORY_WORKDAY,
    WEEKEND,
    WORKDAY,
    WorkCalendar,
    day_number,
    from_number,
    statutory_years,
)

D = date
PLAIN = WorkCalendar((), (), statutory=False)


def test_weekend_is_skipped() -> None:
    # Fri 5 July + 1: Sat 6 and Sun 7 are skipped → Mon 8.
    assert PLAIN.wd(D(2024, 7, 5), 1) == D(2024, 7, 8)
    # Fri 5 July + 5: Mon 8 (1), Tue 9 (2), Wed 10 (3), Thu 11 (4), Fri 12 (5).
    assert PLAIN.wd(D(2024, 7, 5), 5) == D(2024, 7, 12)
    # From a Saturday the first working day strictly after is Monday.
    assert PLAIN.wd(D(2024, 7, 6), 1) == D(2024, 7, 8)


def test_zero_days_is_the_day_itself_even_on_a_sunday() -> None:
    assert PLAIN.wd(D(2024, 7, 7), 0) == D(2024, 7, 7)


def test_a_listed_holiday_is_skipped() -> None:
    cal = WorkCalendar([D(2024, 7, 10)], (), statutory=False)
    # Mon 8 + 2: Tue 9 (1), Wed 10 off, Thu 11 (2).
    assert cal.wd(D(2024, 7, 8), 2) == D(2024, 7, 11)
    # Mon 8 + 5: 9 (1), 11 (2), 12 (3), weekend 13–14, 15 (4), 16 (5).
    assert cal.wd(D(2024, 7, 8), 5) == D(2024, 7, 16)
    assert not cal.is_working(D(2024, 7, 10))


def test_a_make_up_saturday_counts() -> None:
    cal = WorkCalendar((), [D(2024, 7, 13)], statutory=False)
    # Fri 12 + 1 is Sat 13 itself; + 2 skips Sun 14 → Mon 15.
    assert cal.wd(D(2024, 7, 12), 1) == D(2024, 7, 13)
    assert cal.wd(D(2024, 7, 12), 2) == D(2024, 7, 15)
    both = WorkCalendar([D(2024, 7, 10)], [D(2024, 7, 13)], statutory=False)
    # Mon 8 + 5: 9 (1), 10 off, 11 (2), 12 (3), Sat 13 (4), Sun 14 off, Mon 15 (5).
    assert both.wd(D(2024, 7, 8), 5) == D(2024, 7, 15)


def test_statutory_table_around_national_day_2024() -> None:
    cal = WorkCalendar((), (), statutory=True)
    # Fri 27 Sep + 1: Sat 28 off, Sun 29 is a make-up working day → Sun 29.
    assert cal.wd(D(2024, 9, 27), 1) == D(2024, 9, 29)
    assert cal.wd(D(2024, 9, 27), 2) == D(2024, 9, 30)
    # + 3: 1–7 October off → Tue 8 October.
    assert cal.wd(D(2024, 9, 27), 3) == D(2024, 10, 8)
    # + 5: 29 Sep (1), 30 (2), 8 Oct (3), 9 (4), 10 (5).
    assert cal.wd(D(2024, 9, 27), 5) == D(2024, 10, 10)
    # + 10: … 10 (5), Fri 11 (6), Sat 12 make-up (7), Mon 14 (8), 15 (9), Wed 16 (10).
    assert cal.wd(D(2024, 9, 27), 10) == D(2024, 10, 16)
    assert cal.wd(D(2024, 9, 30), 1) == D(2024, 10, 8)
    assert cal.wd(D(2024, 10, 11), 1) == D(2024, 10, 12)
    # The same days on a plain calendar: Mon 30 Sep, and Tue 1 Oct is a working day.
    assert PLAIN.wd(D(2024, 9, 27), 1) == D(2024, 9, 30)
    assert PLAIN.wd(D(2024, 9, 30), 1) == D(2024, 10, 1)


def test_statutory_table_around_mid_autumn_2024() -> None:
    cal = WorkCalendar((), (), statutory=True)
    # Fri 13 Sep + 1 = Sat 14 (make-up); + 2 skips 15, 16, 17 → Wed 18.
    assert cal.wd(D(2024, 9, 13), 1) == D(2024, 9, 14)
    assert cal.wd(D(2024, 9, 13), 2) == D(2024, 9, 18)


def test_own_lists_join_the_statutory_table_and_workdays_win() -> None:
    # Method §6.0: a working day is in workdays, or Mon–Fri and not in holidays, so a day in
    # both (here a listed holiday on the statutory make-up Saturday) is a working day.
    cal = WorkCalendar([D(2024, 10, 12), D(2024, 10, 8)], (), statutory=True)
    assert cal.is_working(D(2024, 10, 12))
    # Mon 30 Sep + 1: 1–7 off (statutory), 8 off (own list) → Wed 9 October.
    assert cal.wd(D(2024, 9, 30), 1) == D(2024, 10, 9)


def test_notes_name_the_skipped_and_counted_days() -> None:
    cal = WorkCalendar((), (), statutory=True)
    (notes,) = cal.notes(np.array([day_number(D(2024, 9, 27))]), np.array([day_number(D(2024, 10, 10))]))
    kinds = [(n.day, n.kind) for n in notes]
    assert kinds == [
        (D(2024, 9, 28), WEEKEND),
        (D(2024, 9, 29), STATUTORY_WORKDAY),
        *((D(2024, 10, d), STATUTORY) for d in range(1, 8)),  # the table lists Sat 5, Sun 6 too
    ]
    assert notes[1].name == ("国庆节", "National Day")
    assert [n.working for n in notes[:2]] == [False, True]
    own = WorkCalendar([D(2024, 7, 10)], [D(2024, 7, 13)], statutory=False)
    (notes,) = own.notes(np.array([day_number(D(2024, 7, 8))]), np.array([day_number(D(2024, 7, 15))]))
    assert [(n.day.day, n.kind) for n in notes] == [(10, HOLIDAY), (13, WORKDAY), (14, WEEKEND)]


def test_many_requests_at_once_match_walking_day_by_day() -> None:
    cal = WorkCalendar([D(2024, 7, 10)], [D(2024, 7, 13)], statutory=True)
    starts = [D(2024, 6, 28) + timedelta(days=k) for k in range(150)]
    counts = [k % 12 for k in range(150)]
    many = cal.deadlines(np.array([day_number(s) for s in starts]), np.array(counts))
    assert [from_number(x) for x in many] == [walk(cal, s, n) for s, n in zip(starts, counts, strict=True)]


def test_the_table_knows_2004_to_2026() -> None:
    assert statutory_years() == (2004, 2026)
