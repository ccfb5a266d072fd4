"""点数: per-code clamp, target caps, blanks vs explicit values (method §6.1, §9)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pandas as pd

from kpi.engine.points import net_points, points_ledger


def events(*rows: tuple[str, str, D | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": [date(2024, 7, 1)] * len(rows),
            "target": [r[0] for r in rows],
            "code": [r[1] for r in rows],
            "points": pd.Series([r[2] for r in rows], dtype=object),
            "reason": [None] * len(rows),
            "row": list(range(2, 2 + len(rows))),
        }
    )


def test_blank_takes_default_and_code_cap_clamps_sum(rules):
    # A01 default 2, four blanks: raw 8, max_per_period 6 → counted 6.
    ledger = points_ledger(events(*[("E1", "A01", None)] * 4), rules)
    row = ledger.iloc[0]
    assert (row["events"], row["raw_total"], row["code_cap"], row["counted"]) == (4, 8, 6, 6)


def test_explicit_zero_is_zero_not_default(rules):
    ledger = points_ledger(events(("E1", "A02", D(0)), ("E1", "A02", None)), rules)
    # 0 + default 3 = 3
    assert ledger.iloc[0]["raw_total"] == 3


def test_code_cap_clamps_negative_sums_and_whatever_the_signs(rules):
    # B02 four blanks: −8 → −6; A01 with explicit −10 and 2 → −8 → −6.
    ledger = points_ledger(
        events(*[("E1", "B02", None)] * 4, ("E2", "A01", D(-10)), ("E2", "A01", None)), rules
    )
    assert list(ledger["counted"]) == [-6, -6]


def test_person_cap_and_department_cap(rules):
    ledger = points_ledger(events(*[("E1", "A02", None)] * 8, *[("招商部", "A02", None)] * 5), rules)
    people = net_points(ledger, ["E1", "E9"], D(20), D(20))
    # E1: 24 → 20; E9 has no events → 0.
    assert list(people["points"]) == [D("20.00"), D("0.00")]
    depts = net_points(ledger, ["招商部"], D(10), D(10))
    assert list(depts["sum"]) == [15] and list(depts["points"]) == [D("10.00")]


def test_fractional_points_are_exact(rules):
    # 0.1 + 0.2 style: three C01 halves and an explicit 0.35 → 1.85 exactly.
    ledger = points_ledger(events(*[("E1", "C01", None)] * 3, ("E1", "C01", D("0.35"))), rules)
    assert ledger.iloc[0]["raw_total"] == D("1.85")


def test_many_decimal_places_fall_back_to_python_ints(rules):
    tiny = D("0.0000001")
    ledger = points_ledger(events(*[("E1", "A02", tiny)] * 3), rules)
    assert ledger.iloc[0]["raw_total"] == D("0.0000003")


def test_ledger_order_does_not_depend_on_input_order(rules):
    a = points_ledger(events(("E2", "B01", None), ("E1", "A02", None), ("E1", "A01", None)), rules)
    b = points_ledger(events(("E1", "A01", None), ("E1", "A02", None), ("E2", "B01", None)), rules)
    assert a.equals(b)
    assert list(zip(a["target"], a["code"], strict=True)) == [
        ("E1", "A01"),
        ("E1", "A02"),
        ("E2", "B01"),
    ]


def test_no_events(rules):
    ledger = points_ledger(events(), rules)
    assert ledger.empty
    assert list(net_points(ledger, ["E1"], D(20), D(20))["points"]) == [D(0)]
