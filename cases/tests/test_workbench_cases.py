"""Cases on the 工作台: my open cases, clocks due soon (yellow) and overdue (red)."""

from __future__ import annotations

from datetime import date

import pytest

from cases import workbench
from cases.actions import clocks
from cases.models import CaseOfficer
from cases.tests.clock_helpers import walk
from cases.tests.factories import make_case

TODAY = date(2026, 11, 27)  # Friday


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(workbench.timezone, "localdate", lambda: TODAY)


def _licence(case_world, received: date, accepted: date, user="zhangsan"):
    u = case_world.users[user]
    case = make_case(u, case_world.items["licensing"], "licensing", on=received, received_on=received)
    clocks.on_case_opened(case, on=received, actor=u)
    walk(case, [("intake", received), ("accepted", accepted), ("examine", accepted)])
    return case


def test_overdue_red_and_due_soon_yellow(case_world, frozen) -> None:
    overdue = _licence(case_world, date(2026, 10, 12), date(2026, 10, 12))  # 20th working day 11-09
    soon = _licence(case_world, date(2026, 10, 30), date(2026, 10, 30))  # 20th working day 11-27 = today
    later = _licence(case_world, date(2026, 11, 20), date(2026, 11, 20))  # 12-18
    warnings = workbench.clock_warnings(case_world.users["kezhang"], TODAY)
    by_case = {w.url: w for w in warnings}
    red = by_case[f"/cases/{overdue.pk}/clocks/"]
    assert red.level == "red" and "已逾期" in red.title and red.due == "2026-11-09"
    yellow = by_case[f"/cases/{soon.pk}/clocks/"]
    assert yellow.level == "yellow" and "还剩0个工作日" in yellow.detail
    assert f"/cases/{later.pk}/clocks/" not in by_case


def test_yellow_counts_working_days(case_world, frozen) -> None:
    # accepted 11-04 → due 12-02 (Wednesday): 11-30, 12-01, 12-02 = 3 working days left on Friday 11-27
    case = _licence(case_world, date(2026, 11, 4), date(2026, 11, 4))
    urls = {w.url: w.level for w in workbench.clock_warnings(case_world.users["zhangsan"], TODAY)}
    assert urls[f"/cases/{case.pk}/clocks/"] == "yellow"
    # accepted 11-05 → due 12-03: 4 working days left, no warning
    case2 = _licence(case_world, date(2026, 11, 5), date(2026, 11, 5))
    levels = {w.url for w in workbench.clock_warnings(case_world.users["zhangsan"], TODAY)}
    assert f"/cases/{case2.pk}/clocks/" not in levels


def test_paused_clocks_do_not_warn(case_world, frozen) -> None:
    case = _licence(case_world, date(2026, 10, 12), date(2026, 10, 12))
    decide = case.clocks.get(step_id="decide")
    clocks.pause_clock(case_world.users["zhangsan"], decide, reason="鉴定", on=date(2026, 10, 20))
    urls = {w.url for w in workbench.clock_warnings(case_world.users["zhangsan"], TODAY)}
    assert f"/cases/{case.pk}/clocks/" not in urls


def test_other_agencies_and_non_case_roles_see_no_warning(case_world, frozen, persona) -> None:
    _licence(case_world, date(2026, 10, 12), date(2026, 10, 12))
    for who in ("wangwu", "jiandu", "sysadmin", "shijianju"):
        assert workbench.clock_warnings(persona(who), TODAY) == []


def test_my_cases_created_or_assigned(case_world, frozen) -> None:
    mine = _licence(case_world, date(2026, 11, 20), date(2026, 11, 20))
    assigned = _licence(case_world, date(2026, 11, 20), date(2026, 11, 20), user="kezhang")
    CaseOfficer.objects.create(case=assigned, officer=case_world.officers["zhaoliu"])
    released = _licence(case_world, date(2026, 11, 20), date(2026, 11, 20), user="kezhang")
    from django.utils import timezone

    CaseOfficer.objects.create(
        case=released,
        officer=case_world.officers["zhaoliu"],
        released_at=timezone.now(),
        release_reason="回避",
    )
    todos, _ = workbench.items(case_world.users["zhangsan"])
    assert [t.title for t in todos] == [f"办理案件：{mine.number} {mine.title}"]
    todos, _ = workbench.items(case_world.users["zhaoliu"])
    titles = [t.title for t in todos]
    assert any(assigned.number in t for t in titles) and not any(released.number in t for t in titles)


def test_workbench_page_shows_the_red_warning(case_world, frozen, login) -> None:
    case = _licence(case_world, date(2026, 10, 12), date(2026, 10, 12))
    html = login("zhangsan").get("/workbench/").content.decode()
    assert f"期限已逾期：{case.number}" in html and f"/cases/{case.pk}/clocks/" in html
    assert f"办理案件：{case.number}" in html
