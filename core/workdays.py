"""The working-day calendar backed by the database (Holiday + CalendarYear).

Usage: ``add_workdays(date(2026, 9, 30), 5)`` → 2026-10-13. For many computations in one go (warning
scans) make one ``DbCalendar()`` and pass it to the functions of core.rules: it loads each year once.
"""

from __future__ import annotations

from datetime import date

from core import rules
from core.errors import CalendarNotLoaded
from core.models import CalendarYear, Holiday


class DbCalendar:
    """Reads the calendar year by year, once per instance."""

    def __init__(self) -> None:
        self._years: dict[int, dict[date, str]] = {}
        self._loaded: set[int] | None = None

    def loaded_years(self) -> set[int]:
        if self._loaded is None:
            self._loaded = set(CalendarYear.objects.values_list("year", flat=True))
        return self._loaded

    def exception(self, day: date) -> str | None:
        year = day.year
        if year not in self._years:
            if year not in self.loaded_years():
                raise CalendarNotLoaded(year)
            self._years[year] = dict(Holiday.objects.filter(date__year=year).values_list("date", "kind"))
        return self._years[year].get(day)


def add_workdays(start: date, n: int, calendar: rules.CalendarData | None = None) -> date:
    return rules.add_workdays(start, n, calendar or DbCalendar())


def workdays_between(a: date, b: date, calendar: rules.CalendarData | None = None) -> int:
    return rules.workdays_between(a, b, calendar or DbCalendar())


def is_workday(day: date, calendar: rules.CalendarData | None = None) -> bool:
    return rules.is_workday(day, calendar or DbCalendar())
