"""Cases on the 工作台: my open cases (to-dos), clocks due soon (yellow) and overdue (red) as warnings.

"My" cases: the user's officer is an active 承办人 (CaseOfficer), or the user registered the case. Warnings cover the
open deadline clocks of every case of the user's agency they may read (case.read), each linking to the clocks page.
Paused clocks do not warn (the time is not running); 提前量 (minimum) clocks never do.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.access import agency_scope
from cases import clock_rules
from cases.models import Case, Clock
from sanxiang.workbench import Item

MAX_CASES = 20
MAX_WARNINGS = 30


def my_open_cases(user: Any) -> list[Case]:
    scope = agency_scope(user, "case.read")
    if not scope:
        return []
    mine = Q(created_by=user) | Q(assignments__officer__user=user, assignments__released_at__isnull=True)
    return list(
        Case.objects.filter(agency_id__in=scope, status=Case.Status.OPEN)
        .filter(mine)
        .distinct()
        .order_by("-updated_at")[:MAX_CASES]
    )


def clock_warnings(user: Any, today: date | None = None) -> list[Item]:
    from cases.actions.clocks import ClockCalendar

    scope = agency_scope(user, "case.read")
    if not scope:
        return []
    today = today or timezone.localdate()
    calendar = ClockCalendar()
    # A yellow working-day clock is at most yellow_days() working days away: never more than a few weeks of
    # calendar days even over 春节, so a generous calendar window keeps the scan small.
    horizon = date.fromordinal(today.toordinal() + clock_rules.yellow_days() * 3 + 21)
    clocks = (
        Clock.objects.filter(
            case__agency_id__in=scope,
            case__status=Case.Status.OPEN,
            state=Clock.State.RUNNING,
            kind="deadline",
            due_on__lte=horizon,
        )
        .select_related("case")
        .order_by("due_on", "id")
    )
    items = []
    for clock in clocks:
        level = clock_rules.clock_status(clock.due_on, today, clock.unit, calendar, clock.warn_days)
        if level == clock_rules.OK:
            continue
        left = clock_rules.days_left(clock.due_on, today, clock.unit, calendar)
        unit = "个工作日" if clock.unit == clock_rules.WORKDAYS else "日"
        if level == clock_rules.RED and _party_deadline(clock):
            title = f"当事人期限已过：{clock.case.number} {clock.label}"
            detail = f"{clock.case.title}；{clock.due_on:%Y-%m-%d} 届满，请依法处理（{clock.article}）"
        elif level == clock_rules.RED:
            title = f"期限已逾期：{clock.case.number} {clock.label}"
            detail = (
                f"{clock.case.title}；{clock.due_on:%Y-%m-%d} 届满，已逾期{-left}{unit}（{clock.article}）"
            )
        else:
            title = f"期限即将届满：{clock.case.number} {clock.label}"
            detail = f"{clock.case.title}；{clock.due_on:%Y-%m-%d} 届满，还剩{left}{unit}（{clock.article}）"
        items.append(
            Item(
                title=title,
                detail=detail,
                url=reverse("cases:clocks", args=[clock.case_id]),
                level=level,
                due=clock.due_on.isoformat(),
            )
        )
        if len(items) >= MAX_WARNINGS:
            break
    return items


def items(user: Any) -> tuple[list[Item], list[Item]]:
    if not getattr(user, "is_authenticated", False):
        return [], []
    todos = []
    for case in my_open_cases(user):
        todos.append(
            Item(
                title=f"办理案件：{case.number} {case.title}",
                detail=f"{case.get_procedure_display()} · 当前环节：{case.current_step_name}",
                url=_case_url(case),
                level="info",
            )
        )
    return todos, clock_warnings(user)


def _party_deadline(clock: Clock) -> bool:
    from catalog.process import get as get_process
    from core.errors import SanxiangError

    try:
        return clock_rules.is_party_deadline(get_process(clock.case.procedure).step(clock.step_id))
    except SanxiangError:
        return False


def _case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])
