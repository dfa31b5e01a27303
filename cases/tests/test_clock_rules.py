"""Boundaries of the clock rules (cases.clock_rules) over the DB working-day calendar (2026 arrangement loaded by
core's data migration: 中秋 9-25..27 and 国庆 10-01..10-07 holidays, Sunday 9-20 and Saturday 10-10 调休 workdays)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cases import clock_rules
from catalog.process import get as get_process
from core.workdays import DbCalendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def cal() -> DbCalendar:
    return DbCalendar()


def test_ninety_calendar_days_from_filing(cal) -> None:
    """《行政处罚法》第六十条: 立案 2026-03-02 → day 90 is 2026-05-31 (counting from the day after)."""
    due = clock_rules.clock_due(date(2026, 3, 2), 90, "calendar_days", calendar=cal)
    assert due == date(2026, 5, 31)
    assert clock_rules.deadline_met(date(2026, 5, 31), due)  # day 90: in time
    assert not clock_rules.deadline_met(date(2026, 6, 1), due)  # day 91: overdue
    assert clock_rules.clock_status(due, date(2026, 5, 31), "calendar_days", cal) == "yellow"
    assert clock_rules.clock_status(due, date(2026, 6, 1), "calendar_days", cal) == "red"


def test_twentieth_working_day_over_national_day(cal) -> None:
    """《行政许可法》第四十二条、第八十二条: accepted Monday 2026-09-21 → 20th working day is 2026-10-26
    (中秋 9-25..27 and 国庆 10-01..07 not counted, Saturday 10-10 counted)."""
    due = clock_rules.clock_due(date(2026, 9, 21), 20, "workdays", calendar=cal)
    assert due == date(2026, 10, 26)
    assert clock_rules.clock_due(date(2026, 9, 21), 19, "workdays", calendar=cal) == date(2026, 10, 23)
    assert clock_rules.clock_status(due, date(2026, 10, 26), "workdays", cal) == "yellow"
    assert clock_rules.clock_status(due, date(2026, 10, 27), "workdays", cal) == "red"


def test_fifth_working_day_over_national_day(cal) -> None:
    """《行政处罚法》第八十五条: 5 working days from Wednesday 2026-09-30 end on Tuesday 2026-10-13."""
    due = clock_rules.clock_due(date(2026, 9, 30), 5, "workdays", calendar=cal)
    assert due == date(2026, 10, 13)
    assert clock_rules.clock_due(date(2026, 9, 30), 4, "workdays", calendar=cal) == date(2026, 10, 12)
    # 10-10 (Saturday) is a 调休 working day: day 3
    assert clock_rules.clock_due(date(2026, 9, 30), 3, "workdays", calendar=cal) == date(2026, 10, 10)


def test_yellow_threshold_counts_working_days_and_is_configurable(cal, settings) -> None:
    due = date(2026, 10, 13)  # Tuesday after 国庆
    # on 10-08 there are 10-09, 10-10 (调休), 10-12, 10-13 = 4 working days left: not yet yellow with 3
    assert clock_rules.days_left(due, date(2026, 10, 8), "workdays", cal) == 4
    assert clock_rules.clock_status(due, date(2026, 10, 8), "workdays", cal) == "ok"
    assert clock_rules.clock_status(due, date(2026, 10, 9), "workdays", cal) == "yellow"
    # over the holiday, 10 calendar days but only 4 working days remain
    assert clock_rules.clock_status(due, date(2026, 9, 30), "workdays", cal) == "ok"
    settings.SANXIANG_CLOCK_YELLOW_DAYS = 4
    assert clock_rules.clock_status(due, date(2026, 10, 8), "workdays", cal) == "yellow"


def test_extension_and_pause_move_the_due_day(cal) -> None:
    start = date(2026, 9, 21)
    assert clock_rules.clock_due(start, 20, "workdays", extended_days=10, calendar=cal) == date(2026, 11, 9)
    # paused from 10-08 to 10-12: 10-09, 10-10 and 10-12 are not counted (3 working days)
    n = clock_rules.paused_length(date(2026, 10, 8), date(2026, 10, 12), "workdays", cal)
    assert n == 3
    assert clock_rules.clock_due(start, 20, "workdays", paused_days=n, calendar=cal) == date(2026, 10, 29)
    # the same pause on a calendar-day clock is 4 days
    assert clock_rules.paused_length(date(2026, 10, 8), date(2026, 10, 12), "calendar_days", cal) == 4


def test_pause_cannot_end_before_it_began(cal) -> None:
    from core.errors import SanxiangError

    with pytest.raises(SanxiangError, match="恢复日期"):
        clock_rules.paused_length(date(2026, 10, 8), date(2026, 10, 7), "workdays", cal)


def test_hearing_notice_minimum_seven_working_days(cal) -> None:
    """《行政处罚法》第六十四条第二项: notice on Monday 2026-11-02 → the hearing may be held from 2026-11-11
    (7th working day); 2026-11-10 (6th) is too early."""
    earliest = clock_rules.clock_due(date(2026, 11, 2), 7, "workdays", calendar=cal)
    assert earliest == date(2026, 11, 11)
    assert clock_rules.minimum_met(date(2026, 11, 11), earliest)
    assert not clock_rules.minimum_met(date(2026, 11, 10), earliest)


def test_extension_problems() -> None:
    kw: dict[str, Any] = {
        "today": date(2026, 10, 20),
        "due_on": date(2026, 10, 26),
        "approver_has_role": True,
    }
    assert clock_rules.extension_problem(requested=10, already=0, maximum=10, **kw) is None
    assert "负责人" in (
        clock_rules.extension_problem(
            requested=10, already=0, maximum=10, **kw | {"approver_has_role": False}
        )
        or ""
    )
    assert "不能再次延长" in (clock_rules.extension_problem(requested=1, already=10, maximum=10, **kw) or "")
    assert "至多还可延长4日" in (
        clock_rules.extension_problem(requested=5, already=6, maximum=10, **kw) or ""
    )
    assert "不能延长" in (clock_rules.extension_problem(requested=5, already=0, maximum=0, **kw) or "")
    # on the due day still possible, the day after not
    assert (
        clock_rules.extension_problem(
            requested=10, already=0, maximum=10, **kw | {"today": date(2026, 10, 26)}
        )
        is None
    )
    assert "届满" in (
        clock_rules.extension_problem(
            requested=10, already=0, maximum=10, **kw | {"today": date(2026, 10, 27)}
        )
        or ""
    )


def test_guarded_step_reachability_follows_the_yaml() -> None:
    penalty = get_process("penalty_general")
    # no hearing request after 告知: the 5-day hearing-request clock no longer applies
    assert not clock_rules.guarded_step_reachable(penalty, "notify", "review_scope", "hearing_request")
    assert clock_rules.guarded_step_reachable(penalty, "notify", "hearing_request", "hearing_request")
    # the 90-day decision clock stays through 先行登记保存 and its loop back to 调查
    assert clock_rules.guarded_step_reachable(penalty, "file_case", "preserve", "decide")
    # 移送司法机关 instead of 送达: the 送达 clock does not apply
    assert not clock_rules.guarded_step_reachable(penalty, "decide", "transfer", "serve")
    licensing = get_process("licensing")
    assert not clock_rules.guarded_step_reachable(licensing, "decide", "refuse", "issue")
    assert clock_rules.guarded_step_reachable(licensing, "accepted", "expert", "decide")


def test_pause_only_within_the_period() -> None:
    start, due = date(2026, 3, 2), date(2026, 5, 31)
    assert clock_rules.pause_problem(date(2026, 5, 31), start, due) is None  # on the due day
    assert "届满后不能暂停" in (clock_rules.pause_problem(date(2026, 6, 1), start, due) or "")
    assert "起算日" in (clock_rules.pause_problem(date(2026, 3, 1), start, due) or "")
