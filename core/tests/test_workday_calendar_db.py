"""The database calendar (core.workdays, seeded 2004–2026 by migration core/0002) at the statutory edges.

《行政处罚法》第八十五条、《行政许可法》第八十二条: counting starts the day after the start date; 法定节假日 are
skipped, 调休上班日 count; a year not loaded raises CalendarNotLoaded (a deadline is never guessed).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import actions, rules, workdays
from core.calendar_source import builtin_years
from core.errors import CalendarNotLoaded, SanxiangError
from core.models import CalendarYear, Holiday

pytestmark = pytest.mark.django_db

CSV_2027 = "日期,类型,名称\n2027-01-01,法定节假日,元旦\n2027-01-02,法定节假日,元旦\n2027-01-03,法定节假日,元旦\n".encode()


def test_migration_loaded_2004_to_2026() -> None:
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert set(range(2004, 2027)) <= years
    assert 2027 not in years


def test_national_day_2026() -> None:
    assert workdays.add_workdays(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert workdays.is_workday(date(2026, 10, 10))
    assert not workdays.is_workday(date(2026, 10, 11))
    assert workdays.workdays_between(date(2026, 9, 30), date(2026, 10, 13)) == 5


def test_spring_festival_2026() -> None:
    assert workdays.is_workday(date(2026, 2, 14))
    assert workdays.is_workday(date(2026, 2, 28))
    for d in (16, 17, 18, 19, 20, 23):
        assert not workdays.is_workday(date(2026, 2, d)), d


def test_start_on_a_holiday() -> None:
    assert workdays.add_workdays(date(2026, 10, 3), 1) == date(2026, 10, 8)


def test_day_5_vs_day_6_around_a_holiday() -> None:
    assert workdays.add_workdays(date(2026, 9, 22), 5) == date(2026, 9, 30)
    assert workdays.add_workdays(date(2026, 9, 22), 6) == date(2026, 10, 8)


def test_n_zero_and_negative() -> None:
    assert workdays.add_workdays(date(2026, 10, 1), 0) == date(2026, 10, 1)
    with pytest.raises(SanxiangError):
        workdays.add_workdays(date(2026, 10, 1), -3)


def test_year_end_needs_next_year_then_works_after_import(persona) -> None:
    with pytest.raises(CalendarNotLoaded) as info:
        workdays.add_workdays(date(2026, 12, 30), 2)
    assert info.value.year == 2027
    actions.import_year(persona("sysadmin"), 2027, CSV_2027, "测试数据")
    assert workdays.add_workdays(date(2026, 12, 30), 2) == date(2027, 1, 4)
    assert workdays.workdays_between(date(2026, 12, 30), date(2027, 1, 4)) == 2


def test_db_calendar_agrees_with_the_builtin_data() -> None:
    data = builtin_years()
    mapping = rules.MappingCalendar(
        exceptions={e.date: e.kind for y in (2024, 2025, 2026) for e in data[y]}, years={2024, 2025, 2026}
    )
    db = workdays.DbCalendar()
    day = date(2024, 1, 1)
    while day.year < 2027:
        assert rules.is_workday(day, db) == rules.is_workday(day, mapping), day
        day += timedelta(days=1)


def test_db_calendar_loads_each_year_once(django_assert_num_queries) -> None:
    cal = workdays.DbCalendar()
    with django_assert_num_queries(3):  # the loaded years, then 2026, then 2025
        workdays.workdays_between(date(2025, 12, 1), date(2026, 3, 1), cal)
        workdays.add_workdays(date(2025, 12, 1), 40, cal)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 8, 31)),
    n=st.integers(min_value=0, max_value=60),
)
def test_between_inverts_add_on_the_db_calendar(start: date, n: int) -> None:
    cal = workdays.DbCalendar()
    end = workdays.add_workdays(start, n, cal)
    assert workdays.workdays_between(start, end, cal) == n
    assert end >= start


# --- actions ---------------------------------------------------------------------------------------------


def test_save_holiday_refuses_a_weekday_as_tiaoxiu(persona) -> None:
    with pytest.raises(SanxiangError) as info:
        actions.save_holiday(persona("sysadmin"), date(2026, 3, 10), "workday", "")
    assert info.value.field == "kind"
    assert "周一至周五" in info.value.message


def test_save_holiday_refuses_an_unloaded_year(persona) -> None:
    with pytest.raises(SanxiangError) as info:
        actions.save_holiday(persona("sysadmin"), date(2027, 10, 1), "holiday", "国庆节")
    assert info.value.field == "date"
    assert "请先" in info.value.message and "导入" in info.value.message
    assert not Holiday.objects.filter(date=date(2027, 10, 1)).exists()


def test_save_and_delete_holiday_are_audited(persona) -> None:
    from audit.models import AuditEvent

    admin = persona("sysadmin")
    day = date(2026, 3, 14)  # a Saturday made a working day
    assert not workdays.is_workday(day)
    actions.save_holiday(admin, day, "workday", "测试调休", ip="10.0.0.1")
    assert workdays.is_workday(day)
    event = AuditEvent.objects.get(action="calendar.holiday_saved")
    assert event.actor_id == admin.pk and event.ip == "10.0.0.1"
    assert '"date":"2026-03-14"' in event.payload
    # update in place
    actions.save_holiday(admin, day, "holiday", "测试")
    assert Holiday.objects.get(date=day).kind == "holiday"
    actions.delete_holiday(admin, day)
    assert not Holiday.objects.filter(date=day).exists()
    deleted = AuditEvent.objects.get(action="calendar.holiday_deleted")
    assert deleted.object_type == "core.holiday" and '"date":"2026-03-14"' in deleted.payload
    with pytest.raises(SanxiangError):
        actions.delete_holiday(admin, day)


@pytest.mark.parametrize("username", ["hongta_sysadmin", "zhangsan", "secadmin"])
def test_only_the_city_sysadmin_manages_the_calendar(persona, username: str) -> None:
    from django.core.exceptions import PermissionDenied

    user = persona(username)
    with pytest.raises(PermissionDenied):
        actions.save_holiday(user, date(2026, 3, 14), "workday", "")
    with pytest.raises(PermissionDenied):
        actions.delete_holiday(user, date(2026, 10, 1))
    with pytest.raises(PermissionDenied):
        actions.import_year(user, 2027, CSV_2027, "")
    with pytest.raises(PermissionDenied):
        actions.reload_builtin(user, 2026)
    assert Holiday.objects.filter(date=date(2026, 10, 1)).exists()


def test_reload_builtin_undoes_manual_edits(persona) -> None:
    from audit.models import AuditEvent

    admin = persona("sysadmin")
    actions.delete_holiday(admin, date(2026, 10, 1))
    actions.save_holiday(admin, date(2026, 3, 14), "workday", "")
    actions.reload_builtin(admin, 2026)
    assert not workdays.is_workday(date(2026, 10, 1))
    assert not workdays.is_workday(date(2026, 3, 14))
    assert Holiday.objects.filter(date__year=2026).count() == len(builtin_years()[2026])
    assert AuditEvent.objects.filter(action="calendar.year_imported", object_id="2026").exists()
    with pytest.raises(SanxiangError) as info:
        actions.reload_builtin(admin, 2027)
    assert info.value.field == "year"
