"""``--period`` in the forms people type, and the period a file name carries."""

from __future__ import annotations

from datetime import date

import pytest

from kpi.periods import Period, period_in_name, periods_in_name

Q3 = Period(2024, 3)
YEAR = Period(2024)


@pytest.mark.parametrize(
    "text",
    ["2024Q3", "2024q3", "2024-Q3", "2024-q3", "2024_Q3", "2024 Q3", " 2024Q3 ", "２０２４Ｑ３",
     "2024年第三季度", "2024年第3季度", "2024 年 第 3 季度", "2024年第三季"],
)  # fmt: skip
def test_quarter_forms(text: str) -> None:
    assert Period.parse(text) == Q3


@pytest.mark.parametrize("text", ["2024", "2024年", "2024年度", "２０２４年度"])
def test_year_forms(text: str) -> None:
    assert Period.parse(text) == YEAR


@pytest.mark.parametrize(
    ("text", "quarter"), [("2024年第一季度", 1), ("2024年第二季度", 2), ("2024年第四季度", 4)]
)
def test_chinese_quarter_numerals(text: str, quarter: int) -> None:
    assert Period.parse(text) == Period(2024, quarter)


@pytest.mark.parametrize(
    "text", ["2024Q5", "2024Q0", "24Q3", "2024-3", "2024年第五季度", "Q3", "", "2024年7月"]
)
def test_refused_forms_name_the_accepted_ones(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        Period.parse(text)
    assert "2024Q3" in str(caught.value) and "2024年第三季度" in str(caught.value)


def test_str_is_the_canonical_form() -> None:
    assert str(Period.parse("2024年第三季度")) == "2024Q3"
    assert str(Period.parse("2024年度")) == "2024"


def test_of_gives_the_period_of_the_same_kind() -> None:
    assert Q3.of(date(2024, 5, 31)) == Period(2024, 2)
    assert Q3.of(date(2023, 12, 31)) == Period(2023, 4)
    assert YEAR.of(date(2023, 12, 31)) == Period(2023)


@pytest.mark.parametrize(
    ("name", "period"),
    [
        ("高新区-2024Q3.xlsx", Q3),
        ("高新区-2024-Q3.xlsx", Q3),
        ("2024q3 考核.xlsx", Q3),
        ("高新区2024年第三季度考核.xlsx", Q3),
        ("高新区2024年第3季度.xlsx", Q3),
        ("高新区2024年度考核.xlsx", YEAR),
        ("2024Q3-copy-2024Q3.xlsx", Q3),  # the same period twice is one period
    ],
)
def test_period_in_name(name: str, period: Period) -> None:
    assert period_in_name(name) == period


@pytest.mark.parametrize(
    "name", ["高新区.xlsx", "input.xlsx", "2024.xlsx", "2024年7月.xlsx", "12024Q3.xlsx", "2024Q37.xlsx"]
)
def test_a_name_without_a_period(name: str) -> None:
    assert periods_in_name(name) == []
    with pytest.raises(ValueError, match="names no period"):
        period_in_name(name)


def test_a_name_with_two_periods_is_ambiguous() -> None:
    with pytest.raises(ValueError, match=r"several periods \(2024Q2, 2024Q3\)"):
        period_in_name("2024Q2-vs-2024Q3.xlsx")
