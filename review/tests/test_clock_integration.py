"""The review clock is a cases.Clock from the YAML (from: review_received, warn_days: 1): the clocks page cannot
pause or extend it by hand — only the review's return/resubmission and the 分管领导's approval move it."""

from __future__ import annotations

from datetime import date

import pytest

from cases import clock_rules
from cases.actions import clocks
from catalog.process import get as get_process
from core.errors import SanxiangError
from core.workdays import DbCalendar
from review import actions
from review.tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_yaml_defines_the_review_clock_once_with_a_one_day_warning():
    for code in ("penalty_general", "licensing"):
        clock = get_process(code).step("legal_review").clock
        assert clock is not None
        assert (clock.days, clock.unit, clock.from_, clock.warn_days) == (5, "workdays", "review_received", 1)
        assert clock.extendable is not None and (clock.extendable.days, clock.extendable.approver_role) == (
            3,
            "deputy_leader",
        )


def test_warn_days_overrides_the_global_yellow_setting(settings):
    settings.SANXIANG_CLOCK_YELLOW_DAYS = 3
    cal = DbCalendar()
    due = date(2026, 11, 9)  # Monday
    assert clock_rules.clock_status(due, date(2026, 11, 4), "workdays", cal) == "yellow"  # 3 left, global
    assert clock_rules.clock_status(due, date(2026, 11, 4), "workdays", cal, warn_days=1) == "ok"
    assert (
        clock_rules.clock_status(due, date(2026, 11, 6), "workdays", cal, warn_days=1) == "yellow"
    )  # 1 left
    assert clock_rules.clock_status(due, date(2026, 11, 10), "workdays", cal, warn_days=1) == "red"


def test_manual_pause_and_extension_of_the_review_clock_are_refused(case_world):
    case = f.case_at_review(case_world)
    review = actions.submit(case_world.users["zhangsan"], case, **f.submission_kwargs(case), on=f.DAY)
    assert review.clock is not None and review.clock.warn_days == 1
    with pytest.raises(SanxiangError, match="分管领导审批"):
        clocks.extend_clock(
            case_world.users["kezhang"],
            review.clock,
            days=3,
            reason="疑难",
            approver=case_world.users["fenguan"],
            on=f.DAY,
        )
    with pytest.raises(SanxiangError, match="退回修改期间自动暂停"):
        clocks.pause_clock(case_world.users["kezhang"], review.clock, reason="等待", on=f.DAY)
