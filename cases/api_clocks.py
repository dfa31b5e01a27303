"""JSON API of a case's clocks (期限) and compliance sheet (合规检查); mounted under /api/v1/cases/ by sanxiang/api.py.

The same actions as the clocks page: read (case.read), pause/resume/extend (case.handle; an extension is approved
by the calling user, who must hold the clock's approval role in the case's agency)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from accounts.access import scoped_get
from cases import compliance
from cases.actions import clocks as clock_actions
from cases.models import Case, Clock

router = Router(tags=["执法案件"])


class ClockEventOut(Schema):
    kind: str
    kind_label: str
    on: date
    days: int | None
    reason: str
    actor: str
    approver: str


class ClockOut(Schema):
    id: int
    code: str
    step_id: str
    label: str
    article: str
    kind: str
    unit: str
    days: int
    start_on: date
    due_on: date
    state: str
    status: str  # ok | yellow | red | paused | met | missed | na | minimum
    status_label: str
    days_left: int | None
    extended_days: int
    max_extension_days: int
    extension_approver_role: str
    paused_days: int
    stopped_on: date | None
    met: bool | None
    inferred: bool
    provisional: bool
    party_deadline: bool  # the party's time limit (听证申请、缴纳罚款), not the agency's
    events: list[ClockEventOut]


class ClocksOut(Schema):
    case_id: int
    next_due: ClockOut | None
    clocks: list[ClockOut]


class CheckOut(Schema):
    key: str
    label: str
    article: str
    passed: bool
    detail: str
    category: str


class SheetOut(Schema):
    case_id: int
    passed: bool
    checks: list[CheckOut]


class PauseIn(Schema):
    reason: str
    on: date | None = None


class ResumeIn(Schema):
    on: date | None = None


class ExtendIn(Schema):
    days: int
    reason: str
    on: date | None = None


def _case(request: HttpRequest, case_id: int) -> Case:
    return scoped_get(request.user, "case.read", Case.objects.select_related("agency"), pk=case_id)


def _clock(request: HttpRequest, case_id: int, clock_id: int) -> Clock:
    case = scoped_get(request.user, "case.handle", Case.objects.select_related("agency"), pk=case_id)
    return get_object_or_404(Clock.objects.select_related("case"), case=case, pk=clock_id)


def _one(clock: Clock) -> dict[str, Any]:
    for s in compliance.case_clocks(clock.case):
        if s["id"] == clock.pk:
            return s
    raise AssertionError("clock vanished")


@router.get(
    "/{case_id}/clocks", response=ClocksOut, url_name="case_clocks", summary="案件办案期限与下一个到期"
)
def case_clocks(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = _case(request, case_id)
    summaries = compliance.case_clocks(case)
    return {"case_id": case.pk, "next_due": compliance.next_due(summaries), "clocks": summaries}


@router.get(
    "/{case_id}/compliance",
    response=SheetOut,
    url_name="case_compliance",
    summary="合规检查（结案前须全部通过）",
)
def case_compliance(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = _case(request, case_id)
    sheet = compliance.sheet(case)
    return {"case_id": case.pk, "passed": sheet.passed, "checks": [vars(c) for c in sheet.checks]}


@router.post(
    "/{case_id}/clocks/{clock_id}/pause", response=ClockOut, url_name="case_clock_pause", summary="暂停计时"
)
def case_clock_pause(request: HttpRequest, case_id: int, clock_id: int, payload: PauseIn) -> dict[str, Any]:
    clock = clock_actions.pause_clock(
        request.user, _clock(request, case_id, clock_id), reason=payload.reason, on=payload.on
    )
    return _one(clock)


@router.post(
    "/{case_id}/clocks/{clock_id}/resume", response=ClockOut, url_name="case_clock_resume", summary="恢复计时"
)
def case_clock_resume(request: HttpRequest, case_id: int, clock_id: int, payload: ResumeIn) -> dict[str, Any]:
    clock = clock_actions.resume_clock(request.user, _clock(request, case_id, clock_id), on=payload.on)
    return _one(clock)


@router.post(
    "/{case_id}/clocks/{clock_id}/extend",
    response=ClockOut,
    url_name="case_clock_extend",
    summary="批准延长期限（调用者为批准人，须持有审批角色）",
)
def case_clock_extend(request: HttpRequest, case_id: int, clock_id: int, payload: ExtendIn) -> dict[str, Any]:
    clock = clock_actions.extend_clock(
        request.user,
        _clock(request, case_id, clock_id),
        days=payload.days,
        reason=payload.reason,
        approver=request.user,
        on=payload.on,
    )
    return _one(clock)
