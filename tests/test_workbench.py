"""The 工作台 opens on the user's to-dos and warnings; from 1 November it warns when next year's calendar is missing."""

from __future__ import annotations

from datetime import date

import pytest

from core import rules


@pytest.mark.parametrize(
    ("today", "loaded", "warn"),
    [
        (date(2026, 10, 31), {2026}, False),  # the day before the warning period
        (date(2026, 11, 1), {2026}, True),  # first day of the warning period
        (date(2026, 12, 31), {2026}, True),
        (date(2026, 11, 1), {2026, 2027}, False),  # loaded: no warning
        (date(2027, 1, 5), {2026, 2027}, False),
    ],
)
def test_next_year_warning_window(today: date, loaded: set[int], warn: bool) -> None:
    assert rules.next_year_calendar_missing(today, loaded) is warn


def _freeze(monkeypatch, day: date) -> None:
    import core.workbench

    monkeypatch.setattr(core.workbench.timezone, "localdate", lambda: day)


def test_sysadmin_gets_a_todo_with_a_link_to_the_calendar(login, monkeypatch) -> None:
    _freeze(monkeypatch, date(2026, 11, 1))
    html = login("sysadmin").get("/workbench/").content.decode()
    assert "2027年节假日安排尚未载入工作日历" in html
    assert "导入2027年节假日安排" in html and "/manage/calendar/?year=2027" in html


def test_officer_sees_the_warning_but_no_link(login, monkeypatch) -> None:
    _freeze(monkeypatch, date(2026, 11, 1))
    html = login("zhangsan").get("/workbench/").content.decode()
    assert "2027年节假日安排尚未载入工作日历" in html and "/manage/calendar/" not in html


def test_no_warning_in_october(login, monkeypatch) -> None:
    _freeze(monkeypatch, date(2026, 10, 31))
    html = login("zhangsan").get("/workbench/").content.decode()
    assert "尚未载入工作日历" not in html and "当前没有预警" in html


def test_workbench_greets_the_user_with_agency_and_roles(login) -> None:
    html = login("wangwu").get("/workbench/").content.decode()
    assert "王五" in html and "玉溪市红塔区司法局" in html and "执法人员" in html
