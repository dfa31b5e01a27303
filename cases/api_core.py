"""JSON API of enforcement cases (mounted under /api/v1/cases/): the same actions as the case pages.

Reads need ``case.read`` over the case's agency, changes ``case.handle`` (which step a user may complete is further
limited by the process definition). A refused action answers 400 with ``{code, message, field}`` in Chinese (the
SanxiangError handler of sanxiang/api.py); a case of another agency answers 403.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from accounts.access import require, scoped, scoped_get
from cases import selectors
from cases.models import Case, Clock, Recusal
from cases.views import filter_cases, next_clocks
from catalog.models import Item

router = Router(tags=["执法案件"])

MAX_LIST = 500


def _engine() -> Any:
    from cases.actions import case as engine

    return engine


# --- schemas ---------------------------------------------------------------------------------------------------


class CaseFilters(Schema):
    procedure: str = ""
    status: str = ""
    mine: bool = False
    overdue: bool = False
    q: str = ""
    offset: int = 0
    limit: int = 100


class CaseSummary(Schema):
    id: int
    number: str
    title: str
    agency_id: int
    item_id: int
    item_name: str
    procedure: str
    procedure_label: str
    channel: str
    status: str
    status_label: str
    current_step: str
    current_step_name: str
    next_due_on: date | None
    next_due_label: str
    overdue: bool
    created_at: datetime


class StepOfficerOut(Schema):
    officer_id: int
    name: str
    certificate_number: str
    showed_certificate: bool
    informed_rights: bool
    is_lead: bool


class StepOut(Schema):
    seq: int
    step_id: str
    name: str
    entered_on: date
    completed_on: date | None
    completed_by: str
    transition_to: str
    transition_label: str
    note: str
    av_waiver_reason: str
    officers: list[StepOfficerOut]


class PartyOut(Schema):
    id: int
    kind: str
    name: str
    id_type: str
    id_number: str
    phone: str
    address: str
    legal_representative: str


class AssignmentOut(Schema):
    officer_id: int
    name: str
    is_lead: bool
    released: bool
    release_reason: str


class RecusalOut(Schema):
    id: int
    officer_id: int
    officer_name: str
    applicant: str
    reason: str
    decision: str
    decision_label: str
    decision_reason: str


class TransitionOut(Schema):
    to: str
    name: str
    when: str
    is_end: bool
    is_close: bool = False


class ClockOut(Schema):
    id: int
    code: str
    label: str
    article: str
    state: str
    start_on: date
    due_on: date
    met: bool | None


class CaseDetail(CaseSummary):
    source: str
    summary: str
    application_number: str
    discovered_on: date | None
    received_on: date | None
    filed_on: date | None
    decided_on: date | None
    closed_on: date | None
    outcome: str
    outcome_text: str
    penalty_types: list[str]
    fine_amount: Decimal | None
    confiscation_amount: Decimal | None
    is_complex: bool
    read_only: bool
    steps: list[StepOut]
    parties: list[PartyOut]
    officers: list[AssignmentOut]
    recusals: list[RecusalOut]
    transitions: list[TransitionOut]
    clocks: list[ClockOut]


class PartyIn(Schema):
    kind: str
    name: str
    id_type: str = "居民身份证"
    id_number: str = ""
    phone: str = ""
    address: str = ""
    legal_representative: str = ""


class CaseIn(Schema):
    item_id: int
    procedure: str
    title: str
    source: str = ""
    summary: str = ""
    discovered_on: date | None = None
    received_on: date | None = None
    parties: list[PartyIn]


class OfficerOnActIn(Schema):
    officer_id: int
    showed_certificate: bool = False
    informed_rights: bool = False
    is_lead: bool = False


class AdvanceIn(Schema):
    to: str
    officers: list[OfficerOnActIn] = []
    note: str = ""
    data: dict[str, Any] = {}
    av_waiver_reason: str = ""


class OfficersIn(Schema):
    officer_ids: list[int]
    lead_id: int | None = None


class RecusalIn(Schema):
    officer_id: int
    applicant: str
    reason: str


class RecusalDecideIn(Schema):
    grant: bool
    reason: str


class DecisionIn(Schema):
    outcome: str
    penalty_types: list[str] = []
    fine_amount: Decimal | None = None
    confiscation_amount: Decimal | None = None
    outcome_text: str = ""
    is_complex: bool | None = None


class CloseOut(Schema):
    case_id: int
    status: str
    job_id: int | None
    job_url: str


# --- helpers ---------------------------------------------------------------------------------------------------


def _qs() -> Any:
    return Case.objects.select_related("agency", "item", "department")


def _summary(case: Case, clock: Clock | None, today: date) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "title": case.title,
        "agency_id": case.agency_id,
        "item_id": case.item_id,
        "item_name": case.item.name,
        "procedure": case.procedure,
        "procedure_label": case.get_procedure_display(),
        "channel": case.channel,
        "status": case.status,
        "status_label": case.get_status_display(),
        "current_step": case.current_step,
        "current_step_name": case.current_step_name,
        "next_due_on": clock.due_on if clock else None,
        "next_due_label": clock.label if clock else "",
        "overdue": bool(clock and clock.due_on < today),
        "created_at": case.created_at,
    }


def _detail(case: Case) -> dict[str, Any]:
    today = timezone.localdate()
    clock = next_clocks([case.pk]).get(case.pk)
    data = _summary(case, clock, today)
    engine = _engine()
    steps = []
    for row in selectors.step_history(case).select_related("completed_by"):
        steps.append(
            {
                "seq": row.seq,
                "step_id": row.step_id,
                "name": row.name,
                "entered_on": row.entered_on,
                "completed_on": row.completed_on,
                "completed_by": (row.completed_by.full_name or row.completed_by.username)
                if row.completed_by
                else "",
                "transition_to": row.transition_to,
                "transition_label": row.transition_label,
                "note": row.note,
                "av_waiver_reason": row.av_waiver_reason,
                "officers": [
                    {
                        "officer_id": so.officer_id,
                        "name": so.officer.name,
                        "certificate_number": so.certificate_number,
                        "showed_certificate": so.showed_certificate,
                        "informed_rights": so.informed_rights,
                        "is_lead": so.is_lead,
                    }
                    for so in row.officers.all()
                ],
            }
        )
    parties = []
    for party in case.parties.all():
        view = engine.party_view(party)
        parties.append(
            {
                "id": party.pk,
                "kind": party.kind,
                "name": party.name,
                "id_type": party.id_type,
                "id_number": view.get("id_number", ""),
                "phone": view.get("phone", ""),
                "address": view.get("address", ""),
                "legal_representative": party.legal_representative,
            }
        )
    data.update(
        {
            "source": case.source,
            "summary": case.summary,
            "application_number": case.application_number,
            "discovered_on": case.discovered_on,
            "received_on": case.received_on,
            "filed_on": case.filed_on,
            "decided_on": case.decided_on,
            "closed_on": case.closed_on,
            "outcome": case.outcome,
            "outcome_text": case.outcome_text,
            "penalty_types": list(case.penalty_types or []),
            "fine_amount": case.fine_amount,
            "confiscation_amount": case.confiscation_amount,
            "is_complex": case.is_complex,
            "read_only": case.is_read_only,
            "steps": steps,
            "parties": parties,
            "officers": [
                {
                    "officer_id": a.officer_id,
                    "name": a.officer.name,
                    "is_lead": a.is_lead,
                    "released": a.released_at is not None,
                    "release_reason": a.release_reason,
                }
                for a in case.assignments.select_related("officer")
            ],
            "recusals": [
                {
                    "id": r.pk,
                    "officer_id": r.officer_id,
                    "officer_name": r.officer.name,
                    "applicant": r.applicant,
                    "reason": r.reason,
                    "decision": r.decision,
                    "decision_label": r.get_decision_display(),
                    "decision_reason": r.decision_reason,
                }
                for r in case.recusals.select_related("officer")
            ],
            "transitions": selectors.available_transitions(case),
            "clocks": [
                {
                    "id": c.pk,
                    "code": c.code,
                    "label": c.label,
                    "article": c.article,
                    "state": c.state,
                    "start_on": c.start_on,
                    "due_on": c.due_on,
                    "met": c.met,
                }
                for c in case.clocks.order_by("due_on", "id")
            ],
        }
    )
    return data


def _case(request: HttpRequest, capability: str, case_id: int) -> Case:
    return scoped_get(request.user, capability, _qs(), pk=case_id)


# --- endpoints -------------------------------------------------------------------------------------------------


@router.get(
    "/",
    response=list[CaseSummary],
    url_name="cases_list",
    summary="本机关执法案件（可筛选；offset/limit 分页，每页至多500件）",
)
def cases_list(request: HttpRequest, filters: Query[CaseFilters]) -> list[dict[str, Any]]:
    require(request.user, "case.read")
    today = timezone.localdate()
    params = {k: ("1" if v is True else v) for k, v in filters.dict().items() if v not in (False, "")}
    qs = filter_cases(scoped(request.user, "case.read", _qs()), request.user, params, today)
    offset = max(filters.offset, 0)
    limit = min(max(filters.limit, 1), MAX_LIST)
    cases = list(qs.order_by("-created_at", "-id")[offset : offset + limit])
    clocks = next_clocks([c.pk for c in cases])
    return [_summary(c, clocks.get(c.pk), today) for c in cases]


@router.post(
    "/", response={201: CaseDetail}, url_name="cases_open", summary="登记案件（立案/受理前的案源登记）"
)
def cases_open(request: HttpRequest, payload: CaseIn) -> Status:
    require(request.user, "case.handle")
    item = scoped_get(request.user, "case.handle", Item.objects.all(), pk=payload.item_id)
    case = _engine().open_case(
        request.user,
        item=item,
        procedure=payload.procedure,
        title=payload.title,
        parties=[p.dict() for p in payload.parties],
        source=payload.source,
        summary=payload.summary,
        discovered_on=payload.discovered_on,
        received_on=payload.received_on,
    )
    return Status(201, _detail(case))


@router.get(
    "/{case_id}", response=CaseDetail, url_name="cases_detail", summary="案件详情（环节、当事人、人员、去向）"
)
def cases_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _detail(_case(request, "case.read", case_id))


@router.post(
    "/{case_id}/advance", response=CaseDetail, url_name="cases_advance", summary="办结当前环节，进入下一环节"
)
def cases_advance(request: HttpRequest, case_id: int, payload: AdvanceIn) -> dict[str, Any]:
    case = _case(request, "case.handle", case_id)
    _engine().advance(
        request.user,
        case,
        to=payload.to,
        officers=[o.dict() for o in payload.officers],
        note=payload.note,
        data=payload.data or None,
        av_waiver_reason=payload.av_waiver_reason,
    )
    return _detail(_case(request, "case.read", case_id))


@router.post("/{case_id}/officers", response=CaseDetail, url_name="cases_officers", summary="指派承办人员")
def cases_officers(request: HttpRequest, case_id: int, payload: OfficersIn) -> dict[str, Any]:
    case = _case(request, "case.handle", case_id)
    _engine().assign_officers(request.user, case, payload.officer_ids, lead_id=payload.lead_id)
    return _detail(_case(request, "case.read", case_id))


@router.post(
    "/{case_id}/recusals",
    response={201: RecusalOut},
    url_name="cases_recusal",
    summary="登记回避申请（第四十三条）",
)
def cases_recusal(request: HttpRequest, case_id: int, payload: RecusalIn) -> Status:
    case = _case(request, "case.handle", case_id)
    r = _engine().request_recusal(
        request.user, case, officer_id=payload.officer_id, applicant=payload.applicant, reason=payload.reason
    )
    return Status(201, _recusal(r))


def _recusal(r: Recusal) -> dict[str, Any]:
    return {
        "id": r.pk,
        "officer_id": r.officer_id,
        "officer_name": r.officer.name,
        "applicant": r.applicant,
        "reason": r.reason,
        "decision": r.decision,
        "decision_label": r.get_decision_display(),
        "decision_reason": r.decision_reason,
    }


@router.post(
    "/recusals/{recusal_id}/decide",
    response=RecusalOut,
    url_name="cases_recusal_decide",
    summary="决定回避（行政机关负责人）",
)
def cases_recusal_decide(request: HttpRequest, recusal_id: int, payload: RecusalDecideIn) -> dict[str, Any]:
    recusal = scoped_get(
        request.user,
        "case.handle",
        Recusal.objects.select_related("case", "officer"),
        agency_field="case__agency_id",
        pk=recusal_id,
    )
    return _recusal(
        _engine().decide_recusal(request.user, recusal, grant=payload.grant, reason=payload.reason)
    )


@router.post("/{case_id}/decision", response=CaseDetail, url_name="cases_decision", summary="记录处理决定")
def cases_decision(request: HttpRequest, case_id: int, payload: DecisionIn) -> dict[str, Any]:
    case = _case(request, "case.handle", case_id)
    _engine().record_decision(
        request.user,
        case,
        outcome=payload.outcome,
        penalty_types=payload.penalty_types,
        fine_amount=payload.fine_amount,
        confiscation_amount=payload.confiscation_amount,
        outcome_text=payload.outcome_text,
        is_complex=payload.is_complex,
    )
    return _detail(_case(request, "case.read", case_id))


@router.post(
    "/{case_id}/close",
    response=CloseOut,
    url_name="cases_close",
    summary="结案（合规检查通过后生成电子案卷）",
)
def cases_close(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = _case(request, "case.handle", case_id)
    job = _engine().close_case(request.user, case)
    case.refresh_from_db()
    return {
        "case_id": case.pk,
        "status": case.status,
        "job_id": job.pk if job is not None else None,
        "job_url": reverse("api:job", kwargs={"job_id": job.pk}) if job is not None else "",
    }
