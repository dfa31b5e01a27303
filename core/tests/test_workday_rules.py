"""Working-day arithmetic as pure rules (core.rules with MappingCalendar), at the statutory edges.

《行政处罚法》第八十五条 and 《行政许可法》第八十二条: a period in working days starts counting the day after the
start date and skips 法定节假日; 调休上班日 count. Data: the official 2024–2026 arrangements (chinesecalendar).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import rules
from core.calendar_source import builtin_years
from core.errors import CalendarNotLoaded, SanxiangError
from core.rules import MappingCalendar


@cache
def official(*years: int) -> MappingCalendar:
    data = builtin_years()
    return MappingCalendar(
        exceptions={e.date: e.kind for y in years for e in data[y]},
        years=frozenset(years),
    )


CAL = official(2024, 2025, 2026)


def test_national_day_2026() -> None:
    assert rules.add_workdays(date(2026, 9, 30), 5, CAL) == date(2026, 10, 13)
    assert rules.is_workday(date(2026, 10, 10), CAL)  # Saturday, 调休上班日
    assert not rules.is_workday(date(2026, 10, 11), CAL)  # Sunday
    assert all(not rules.is_workday(date(2026, 10, d), CAL) for d in range(1, 8))


def test_spring_festival_2026() -> None:
    assert rules.is_workday(date(2026, 2, 14), CAL)  # Saturday 调休
    assert rules.is_workday(date(2026, 2, 28), CAL)  # Saturday 调休
    for d in (16, 17, 18, 19, 20, 23):  # Monday–Friday, yet holidays
        assert not rules.is_workday(date(2026, 2, d), CAL), d


def test_start_on_a_holiday_counts_from_the_next_working_day() -> None:
    """chinesecalendar's find_workday counts the start day itself when it is a holiday; we must not."""
    assert rules.add_workdays(date(2026, 10, 3), 1, CAL) == date(2026, 10, 8)
    assert rules.add_workdays(date(2026, 10, 7), 1, CAL) == date(2026, 10, 8)


def test_day_5_and_day_6_around_national_day() -> None:
    # From Tuesday 22 September: 23 and 24 are days 1–2; 25–27 are the 中秋 break; 28, 29, 30 are days 3–5;
    # the 国庆 break (1–7 October) follows, so day 6 is Thursday 8 October.
    start = date(2026, 9, 22)
    assert rules.add_workdays(start, 1, CAL) == date(2026, 9, 23)
    assert rules.add_workdays(start, 2, CAL) == date(2026, 9, 24)
    assert rules.add_workdays(start, 3, CAL) == date(2026, 9, 28)
    assert rules.add_workdays(start, 5, CAL) == date(2026, 9, 30)
    assert rules.add_workdays(start, 6, CAL) == date(2026, 10, 8)
    assert rules.workdays_between(start, date(2026, 10, 7), CAL) == 5
    assert rules.workdays_between(start, date(2026, 10, 8), CAL) == 6


def test_zero_returns_start_even_on_a_holiday() -> None:
    assert rules.add_workdays(date(2026, 10, 1), 0, CAL) == date(2026, 10, 1)
    assert rules.workdays_between(date(2026, 10, 1), date(2026, 10, 1), CAL) == 0


def test_negative_n_is_refused() -> None:
    with pytest.raises(SanxiangError) as info:
        rules.add_workdays(date(2026, 9, 30), -1, CAL)
    assert info.value.field == "n"
    assert "负数" in info.value.message


def test_between_is_negative_when_reversed() -> None:
    assert rules.workdays_between(date(2026, 10, 13), date(2026, 9, 30), CAL) == -5


def test_unloaded_year_is_never_guessed() -> None:
    with pytest.raises(CalendarNotLoaded) as info:
        rules.add_workdays(date(2026, 12, 30), 2, CAL)
    assert info.value.year == 2027
    assert "2027年的节假日安排尚未载入" in info.value.message
    assert info.value.as_dict()["code"] == "calendar_not_loaded"
    # Day 1 (Thursday 31 December) is still inside 2026.
    assert rules.add_workdays(date(2026, 12, 30), 1, CAL) == date(2026, 12, 31)


def test_year_end_with_next_year_in_memory() -> None:
    cal = MappingCalendar(
        exceptions={**CAL.exceptions, date(2027, 1, 1): rules.HOLIDAY}, years={2024, 2025, 2026, 2027}
    )
    assert rules.add_workdays(date(2026, 12, 30), 2, cal) == date(2027, 1, 4)


def test_weekday_without_exception_is_a_workday_and_weekend_is_not() -> None:
    assert rules.is_workday(date(2026, 3, 10), CAL)
    assert not rules.is_workday(date(2026, 3, 14), CAL)


def test_add_calendar_days_counts_from_the_next_day() -> None:
    assert rules.add_calendar_days(date(2026, 9, 30), 90) == date(2026, 12, 29)


@pytest.mark.parametrize(
    ("today", "loaded", "warn"),
    [
        (date(2026, 10, 31), {2026}, False),
        (date(2026, 11, 1), {2026}, True),
        (date(2026, 11, 1), {2026, 2027}, False),
        (date(2026, 12, 31), set(), True),
    ],
)
def test_next_year_calendar_missing(today: date, loaded: set[int], warn: bool) -> None:
    assert rules.next_year_calendar_missing(today, loaded) is warn


START = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 8, 31))


@settings(max_examples=300, deadline=None)
@given(start=START, n=st.integers(min_value=0, max_value=60))
def test_between_inverts_add(start: date, n: int) -> None:
    end = rules.add_workdays(start, n, CAL)
    assert rules.workdays_between(start, end, CAL) == n
    if n > 0:
        assert rules.is_workday(end, CAL)
        # the day before the n-th working day still had only n-1 behind it
        assert rules.workdays_between(start, end - timedelta(days=1), CAL) == n - 1


@settings(max_examples=300, deadline=None)
@given(a=START, b=START)
def test_between_is_antisymmetric_and_additive(a: date, b: date) -> None:
    assert rules.workdays_between(a, b, CAL) == -rules.workdays_between(b, a, CAL)
    middle = date(2025, 6, 30)
    assert rules.workdays_between(a, b, CAL) == rules.workdays_between(
        a, middle, CAL
    ) + rules.workdays_between(middle, b, CAL)
