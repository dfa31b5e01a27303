"""Pure rules of the core: working-day arithmetic and the supervision relation.

No database access here: callers pass the calendar data in. Each rule is defined once and cited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from core.errors import CalendarNotLoaded, SanxiangError

HOLIDAY = "holiday"
WORKDAY = "workday"


class CalendarData(Protocol):
    """What the arithmetic needs to know about a day. Raises CalendarNotLoaded for unknown years."""

    def exception(self, day: date) -> str | None: ...


@dataclass
class MappingCalendar:
    """Calendar data held in memory: the exceptions to Mon–Fri and the years they cover."""

    exceptions: Mapping[date, str] = field(default_factory=dict)
    years: frozenset[int] | set[int] = field(default_factory=frozenset)

    def exception(self, day: date) -> str | None:
        if day.year not in self.years:
            raise CalendarNotLoaded(day.year)
        return self.exceptions.get(day)


def is_workday(day: date, calendar: CalendarData) -> bool:
    """A working day is Monday–Friday unless it is a 法定节假日, or a weekend day made a 调休上班日.

    《国务院关于修改〈全国年节及纪念日放假办法〉的决定》 and the yearly 国务院办公厅 arrangement; the
    arrangement for a year must be loaded, otherwise CalendarNotLoaded is raised (never a guess).
    """
    kind = calendar.exception(day)
    if kind == HOLIDAY:
        return False
    if kind == WORKDAY:
        return True
    return day.weekday() < 5


def add_workdays(start: date, n: int, calendar: CalendarData) -> date:
    """The date that is the n-th working day after ``start``.

    Day 1 is the first working day *after* ``start`` (期间开始的日不计算在内): 《行政处罚法》第八十五条
    (“二日、三日、五日、七日”为工作日) and 《行政许可法》第八十二条 (期限以工作日计算，不含法定节假日).
    ``n == 0`` returns ``start`` itself.
    """
    if n < 0:
        raise SanxiangError(f"工作日天数不能为负数：{n}", field="n")
    day = start
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_workday(day, calendar):
            counted += 1
    return day


def workdays_between(a: date, b: date, calendar: CalendarData) -> int:
    """How many working days lie after ``a`` up to and including ``b``.

    The inverse of add_workdays: ``workdays_between(a, add_workdays(a, n)) == n``. Negative when b < a.
    Same rule of counting as add_workdays (《行政处罚法》第八十五条、《行政许可法》第八十二条).
    """
    if b < a:
        return -workdays_between(b, a, calendar)
    count = 0
    day = a
    while day < b:
        day += timedelta(days=1)
        if is_workday(day, calendar):
            count += 1
    return count


def add_calendar_days(start: date, n: int) -> date:
    """Periods not listed in 《行政处罚法》第八十五条 count natural days from the day after ``start``.

    E.g. the 90-day decision period of Art.60 counted from 立案.
    """
    return start + timedelta(days=n)


def next_year_calendar_missing(today: date, loaded_years: Iterable[int]) -> bool:
    """From 1 November the next year's holiday arrangement should be loaded.

    The State Council publishes the arrangement in autumn; without it, no working-day deadline crossing
    into the next year can be computed, so the 工作台 warns from 1 November (issue #2 §4).
    """
    return today.month >= 11 and (today.year + 1) not in set(loaded_years)


def region_subtree(region_id: int, parent_of: Mapping[int, int | None]) -> set[int]:
    """The region and every region below it, from a child → parent map."""
    children: dict[int | None, list[int]] = {}
    for child, parent in parent_of.items():
        children.setdefault(parent, []).append(child)
    result = {region_id}
    stack = [region_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in result:
                result.add(child)
                stack.append(child)
    return result
