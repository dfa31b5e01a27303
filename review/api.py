"""JSON API of 重大执法决定法制审核 and 负责人集体讨论 (mounted under /api/v1/review/): the same actions as the pages.

Reads need ``review.read`` over the agency (a case or review of another agency answers 403, an unknown id 404);
送审、答复、撤回、集体讨论记录 need ``review.submit``, 受理/审核意见/申请延长 ``review.review``, the 分管领导's decision on an
extension and the 负责人 signature ``review.approve``, the scope settings ``review.configure``. Every change goes
through ``review.actions``; a refused action answers 400 with ``{code, message, field, errors}`` in Chinese (the
SanxiangError handler of sanxiang/api.py; ``errors`` lists every problem, e.g. each missing 送审材料).
Dates are ISO, money is a string in yuan.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from accounts.access import require, scoped, scoped_get
from accounts.models import User
from cases.models import Case, Document
from core.errors import SanxiangError, ValidationFailed
from review import actions, rules, selectors
from review.models import CollectiveDiscussion, Extension, Opinion, Policy, Review, Submission

router = Router(tags=["法制审核"])

MAX_LIST = 500
CENTS = Decimal("0.01")
BOOLEAN_POLICY_FIELDS = ("review_all_penalties", "review_major_licences")
RELATED = ("case", "department", "reviewer", "submitted_by", "clock")  # what a review's summary reads


# --- schemas ---------------------------------------------------------------------------------------------------


class CodeLabel(Schema):
    code: str
    label: str


class VocabularyOut(Schema):
    """审核要点（九项）、《行政处罚法》第五十八条情形、送审材料种类。"""

    points: list[CodeLabel]
    grounds: list[CodeLabel]
    material_kinds: list[CodeLabel]


class ScopeOut(Schema):
    """案件是否须法制审核（命中的情形）以及作出决定前尚缺的法制审核或集体讨论。"""

    case_id: int
    required: bool = Field(description="是否须法制审核")
    criteria: list[str] = Field(description="命中的审核范围情形")
    gate_problem: str | None = Field(description="作出决定前尚未满足的法制审核要求（第五十八条），无则为空")
    discussion_problem: str | None = Field(description="尚缺的负责人集体讨论（第五十七条），无则为空")


class DocumentOptionOut(Schema):
    id: int
    title: str
    number: str
    doc_type: str
    state: str


class EvidenceOptionOut(Schema):
    id: int
    title: str
    sha256: str
    sm3: str
    kind: str


class MaterialOptionsOut(Schema):
    """可作为送审材料的本案文书与证据，以及本案必须报送的材料种类。"""

    case_id: int
    documents: list[DocumentOptionOut]
    evidence: list[EvidenceOptionOut]
    hearing_held: bool = Field(description="是否举行过听证（举行过则须报送听证笔录/报告）")
    required: list[CodeLabel] = Field(description="必须报送的材料种类")


class ClockEventOut(Schema):
    kind: str
    kind_label: str
    on: date
    days: int | None
    reason: str
    actor: str
    approver: str


class ClockOut(Schema):
    """审核期限：收到完整材料之日起5个工作日，经分管领导批准可延长一次、至多3个工作日；退回修改期间停止计时。"""

    start_on: date | None
    due_on: date
    days_left: int | None
    status: str = Field(description="ok 正常 / yellow 剩余1个工作日 / red 已逾期 / done 已停止计时")
    state: str = Field(description="running 计时中 / paused 已暂停（退回修改） / stopped 已停止")
    state_label: str
    extended_days: int
    paused: bool
    met: bool | None = Field(description="审核意见是否按期出具（停止计时后）")
    events: list[ClockEventOut]


class ProposalOut(Schema):
    """拟作出的决定（罚没金额为字符串，单位元）。"""

    outcome: str
    penalty_types: list[str]
    fine_amount: Decimal | None
    confiscation_amount: Decimal | None
    summary: str


class ReviewSummary(Schema):
    id: int
    number: str
    case_id: int
    case_number: str
    case_title: str
    agency_id: int
    department: str
    state: str
    state_label: str
    reviewer_id: int | None
    reviewer: str
    rounds: int
    submitted_by: str
    created_at: datetime
    first_submitted_on: date | None = Field(None, description="首次收到齐全送审材料的日期（审核期限起算日）")
    approved_on: date | None
    closed_on: date | None
    due_on: date | None
    days_left: int | None
    clock_status: str


class DocumentRef(Schema):
    id: int
    doc_type: str
    title: str
    number: str
    pdf_url: str
    docx_url: str


class CheckpointOut(Schema):
    code: str
    label: str
    ok: bool | None
    note: str


class OpinionOut(Schema):
    id: int
    round: int
    reviewer: str
    conclusion: str = Field(description="agree 同意 / problem 存在问题")
    conclusion_label: str
    action: str = Field(description="存在问题时：supplement 补充调查 / revise 修改 / return 退回")
    action_label: str
    checklist: list[CheckpointOut]
    reasons: str
    issued_on: date
    issued_at: datetime
    on_time: bool | None
    document: DocumentRef | None = Field(description="法制审核意见书")


class SubmissionOut(Schema):
    round: int
    submitted_by: str
    submitted_at: datetime
    submitted_on: date
    statement: dict[str, Any] = Field(
        description="情况说明：facts 事实、basis 依据、discretion 裁量基准、qualifications 执法资格"
    )
    draft_decision: str
    materials: list[dict[str, Any]] = Field(
        description="送审材料清单（每项含种类、名称、来源文书/证据及哈希）"
    )
    response: str = Field(description="对上一轮审核意见的处理说明")
    other: str
    opinion: OpinionOut | None


class ExtensionOut(Schema):
    id: int
    review_id: int
    review_number: str
    case_id: int
    case_number: str
    days: int
    reason: str
    requested_by: str
    requested_on: date
    state: str = Field(description="pending 待审批 / approved 已同意 / refused 不同意")
    state_label: str
    decided_by: str
    decided_on: date | None
    decided_at: datetime | None
    decision_note: str


class ReviewOut(ReviewSummary):
    """一次法制审核的完整记录：各轮送审（含材料）、审核意见、延长审批、审核期限及其事件。"""

    criteria: list[str]
    proposal: ProposalOut
    assigned_at: datetime | None
    clock: ClockOut | None
    submissions: list[SubmissionOut]
    opinions: list[OpinionOut]
    extensions: list[ExtensionOut]


class ReviewPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[ReviewSummary]


class RegisterFilters(Schema):
    year: int | None = None
    state: str = ""
    q: str = ""
    offset: int = 0
    limit: int = 100


class StatisticsFilters(Schema):
    year: int | None = None
    state: str = ""
    q: str = ""


class StatisticsOut(Schema):
    """审核台账统计：审核件数、纠错（存在问题）件数与纠错率、平均审核工作日、按期率。"""

    total: int
    approved: int
    pending: int
    returned_once: int = Field(description="纠错：至少一轮审核意见为“存在问题”的件数")
    correction_rate: Decimal | None = Field(description="纠错率（%）")
    average_days: Decimal | None = Field(description="首次送审至审核通过的平均工作日")
    opinions: int = Field(description="已出具的审核意见份数")
    on_time: int
    on_time_rate: Decimal | None = Field(description="按期出具审核意见的比例（%）")


class RatioOut(Schema):
    """法制审核人员占本机关执法人员的比例（不低于设置的下限，默认5%）。"""

    reviewers: int
    officers: int
    percent: Decimal | None = Field(description="无执法人员时为空")
    minimum: Decimal
    passed: bool


class StatisticsPageOut(Schema):
    statistics: StatisticsOut
    staff_ratio: RatioOut


class AttendeeIn(Schema):
    name: str
    title: str = ""


class AttendeeOut(Schema):
    name: str
    title: str


class DiscussionOut(Schema):
    """负责人集体讨论记录（《行政处罚法》第五十七条第二款）。"""

    id: int
    case_id: int
    held_at: datetime
    place: str
    presider: str
    attendees: list[AttendeeOut]
    recorder: str
    opinions: str
    conclusion: str
    recorded_by: str
    recorded_at: datetime
    signed: bool
    signed_by: str
    signed_at: datetime | None
    document: DocumentRef | None = Field(description="集体讨论笔录")


class StatementIn(Schema):
    facts: str = ""
    basis: str = ""
    discretion: str = ""
    qualifications: str = ""


class ProposalIn(Schema):
    outcome: str = Field(
        description="penalty 处罚 / no_penalty 不予处罚 / transfer 移送 / grant 准予许可 / refuse 不予许可"
    )
    penalty_types: list[str] = []
    fine_amount: Decimal | None = None
    confiscation_amount: Decimal | None = None
    summary: str = ""


class SubmitIn(Schema):
    statement: StatementIn
    draft_decision: str = ""
    proposal: ProposalIn
    evidence_ids: list[int] = Field([], description="随案报送的证据（按哈希留存）")
    document_ids: list[int] = Field([], description="随案报送的文书（调查终结报告、听证笔录等）")
    other: str = ""
    grounds: list[str] = Field([], description="第五十八条情形代码（见 /vocabulary）")


class ResubmitIn(Schema):
    response: str = Field(description="对审核意见的处理说明")
    statement: StatementIn | None = None
    draft_decision: str | None = None
    proposal: ProposalIn | None = None
    evidence_ids: list[int] | None = None
    document_ids: list[int] | None = None
    other: str | None = None


class WithdrawIn(Schema):
    reason: str


class AssignIn(Schema):
    reviewer_id: int | None = Field(None, description="法制审核员；不填为调用者本人受理")


class CheckpointIn(Schema):
    ok: bool
    note: str = ""


class OpinionIn(Schema):
    round: int = Field(description="所答复的送审轮次（须为当前轮次，防止对旧材料出具意见）")
    conclusion: str
    action: str = ""
    checklist: dict[str, CheckpointIn] = Field(description="审核要点代码 → {ok, note}")
    reasons: str


class ExtensionIn(Schema):
    days: int
    reason: str


class DecideIn(Schema):
    approve: bool
    note: str = ""


class ExtensionFilters(Schema):
    state: str = Field("pending", description="pending 待审批 / approved / refused；空为全部")


class DiscussionIn(Schema):
    held_at: datetime
    place: str
    presider: str
    attendees: list[AttendeeIn]
    recorder: str
    opinions: str
    conclusion: str


class PolicyOut(Schema):
    """法制审核范围设置（未保存时为默认值）。"""

    agency_id: int
    saved: bool
    review_all_penalties: bool
    review_major_licences: bool
    fine_citizen: Decimal
    fine_organization: Decimal
    confiscation_citizen: Decimal
    confiscation_organization: Decimal
    staff_ratio_percent: Decimal
    updated_at: datetime | None
    updated_by: str


class PolicyIn(Schema):
    """只修改提交的字段，其余保持现值。"""

    review_all_penalties: bool | None = None
    review_major_licences: bool | None = None
    fine_citizen: Decimal | None = None
    fine_organization: Decimal | None = None
    confiscation_citizen: Decimal | None = None
    confiscation_organization: Decimal | None = None
    staff_ratio_percent: Decimal | None = None


# --- helpers ---------------------------------------------------------------------------------------------------


def _name(user: Any) -> str:
    return (user.full_name or user.username) if user else ""


def _case(request: HttpRequest, capability: str, case_id: int) -> Case:
    return scoped_get(
        request.user, capability, Case.objects.select_related("agency", "department", "item"), pk=case_id
    )


def _review(request: HttpRequest, capability: str, review_id: int) -> Review:
    return scoped_get(
        request.user,
        capability,
        Review.objects.select_related("agency", *RELATED),
        pk=review_id,
    )


def _doc_ref(doc: Document | None) -> dict[str, Any] | None:
    if doc is None:
        return None

    def url(fmt: str) -> str:
        return reverse(
            "api:case_document_download", kwargs={"case_id": doc.case_id, "doc_id": doc.pk, "fmt": fmt}
        )

    return {
        "id": doc.pk,
        "doc_type": doc.doc_type,
        "title": doc.title,
        "number": doc.number,
        "pdf_url": url("pdf"),
        "docx_url": url("docx"),
    }


def _summary(review: Review) -> dict[str, Any]:
    view = selectors.clock_view(review)
    return {
        "id": review.pk,
        "number": review.number,
        "case_id": review.case_id,
        "case_number": review.case.number,
        "case_title": review.case.title,
        "agency_id": review.agency_id,
        "department": review.department.name if review.department else "",
        "state": review.state,
        "state_label": review.get_state_display(),
        "reviewer_id": review.reviewer_id,
        "reviewer": _name(review.reviewer),
        "rounds": review.rounds,
        "submitted_by": _name(review.submitted_by),
        "created_at": review.created_at,
        "first_submitted_on": review.first_submitted_on,
        "approved_on": review.approved_on,
        "closed_on": review.closed_on,
        "due_on": view["due_on"] if view else None,
        "days_left": view["days_left"] if view else None,
        "clock_status": view["status"] if view else "",
    }


def _opinion(op: Opinion) -> dict[str, Any]:
    labels = dict(rules.REVIEW_POINTS)
    checklist = dict(op.checklist or {})
    codes = [code for code, _ in rules.REVIEW_POINTS] + [c for c in checklist if c not in labels]
    return {
        "id": op.pk,
        "round": op.submission.round,
        "reviewer": _name(op.reviewer),
        "conclusion": op.conclusion,
        "conclusion_label": op.get_conclusion_display(),
        "action": op.action,
        "action_label": op.get_action_display() if op.action else "",
        "checklist": [
            {
                "code": code,
                "label": labels.get(code, code),
                "ok": (checklist.get(code) or {}).get("ok"),
                "note": (checklist.get(code) or {}).get("note", ""),
            }
            for code in codes
        ],
        "reasons": op.reasons,
        "issued_on": op.issued_on,
        "issued_at": op.issued_at,
        "on_time": op.on_time,
        "document": _doc_ref(op.document),
    }


def _extension(ext: Extension) -> dict[str, Any]:
    return {
        "id": ext.pk,
        "review_id": ext.review_id,
        "review_number": ext.review.number,
        "case_id": ext.review.case_id,
        "case_number": ext.review.case.number,
        "days": ext.days,
        "reason": ext.reason,
        "requested_by": _name(ext.requested_by),
        "requested_on": ext.requested_on,
        "state": ext.state,
        "state_label": ext.get_state_display(),
        "decided_by": _name(ext.decided_by),
        "decided_on": ext.decided_on,
        "decided_at": ext.decided_at,
        "decision_note": ext.decision_note,
    }


def _clock(review: Review) -> dict[str, Any] | None:
    view = selectors.clock_view(review)
    if view is None or review.clock is None:
        return None
    events = review.clock.events.select_related("actor", "approver").order_by("id")
    return {
        "start_on": review.clock.start_on,
        "due_on": view["due_on"],
        "days_left": view["days_left"],
        "status": view["status"],
        "state": view["state"],
        "state_label": view["state_label"],
        "extended_days": view["extended_days"],
        "paused": view["paused"],
        "met": view["met"],
        "events": [
            {
                "kind": e.kind,
                "kind_label": e.get_kind_display(),
                "on": e.on,
                "days": e.days,
                "reason": e.reason,
                "actor": _name(e.actor),
                "approver": _name(e.approver),
            }
            for e in events
        ],
    }


def _money(value: Any) -> Decimal | None:
    """Yuan (and percentages) with two decimals, whether stored as a string, an int or a Decimal."""
    amount = rules.as_decimal(value)
    return None if amount is None else amount.quantize(CENTS)


def _proposal(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "outcome": data.get("outcome", ""),
        "penalty_types": list(data.get("penalty_types") or []),
        "fine_amount": _money(data.get("fine_amount")),
        "confiscation_amount": _money(data.get("confiscation_amount")),
        "summary": data.get("summary", ""),
    }


def _full(review: Review) -> dict[str, Any]:
    opinions = {
        op.submission_id: _opinion(op)
        for op in Opinion.objects.filter(review=review).select_related("submission", "reviewer", "document")
    }
    submissions: list[Submission] = list(
        Submission.objects.filter(review=review).select_related("submitted_by").order_by("round")
    )
    extensions = Extension.objects.filter(review=review).select_related(
        "review__case", "requested_by", "decided_by"
    )
    return {
        **_summary(review),
        "criteria": list(review.criteria or []),
        "proposal": _proposal(review.proposal or {}),
        "assigned_at": review.assigned_at,
        "clock": _clock(review),
        "submissions": [
            {
                "round": s.round,
                "submitted_by": _name(s.submitted_by),
                "submitted_at": s.submitted_at,
                "submitted_on": s.submitted_on,
                "statement": s.statement or {},
                "draft_decision": s.draft_decision,
                "materials": list(s.materials or []),
                "response": s.response,
                "other": s.other,
                "opinion": opinions.get(s.pk),
            }
            for s in submissions
        ],
        "opinions": [opinions[s.pk] for s in submissions if s.pk in opinions],
        "extensions": [_extension(e) for e in extensions],
    }


def _discussion(d: CollectiveDiscussion) -> dict[str, Any]:
    return {
        "id": d.pk,
        "case_id": d.case_id,
        "held_at": d.held_at,
        "place": d.place,
        "presider": d.presider,
        "attendees": [{"name": a.get("name", ""), "title": a.get("title", "")} for a in d.attendees or []],
        "recorder": d.recorder,
        "opinions": d.opinions,
        "conclusion": d.conclusion,
        "recorded_by": _name(d.recorded_by),
        "recorded_at": d.recorded_at,
        "signed": d.is_signed,
        "signed_by": _name(d.signed_by),
        "signed_at": d.signed_at,
        "document": _doc_ref(d.document),
    }


def _discussions() -> QuerySet[CollectiveDiscussion]:
    return CollectiveDiscussion.objects.select_related("recorded_by", "signed_by", "document")


def _policy(policy: Policy) -> dict[str, Any]:
    return {
        "agency_id": policy.agency_id,
        "saved": policy.pk is not None,
        **{
            f: _money(getattr(policy, f)) if f not in BOOLEAN_POLICY_FIELDS else getattr(policy, f)
            for f in actions.POLICY_FIELDS
        },
        "updated_at": policy.updated_at,
        "updated_by": _name(policy.updated_by) if policy.updated_by_id else "",
    }


def _proposal_in(p: ProposalIn) -> dict[str, Any]:
    data = p.dict()
    for key in ("fine_amount", "confiscation_amount"):
        data[key] = None if data[key] is None else str(data[key])
    return data


def _check_state(state: str, choices: list[tuple[str, str]]) -> None:
    if state and state not in dict(choices):
        options = "、".join(f"{code}（{label}）" for code, label in choices)
        raise ValidationFailed([f"状态：“{state}”无效，可选：{options}"], field="state")


def _page(qs: QuerySet[Review], offset: int, limit: int) -> dict[str, Any]:
    offset = max(offset, 0)
    limit = min(max(limit, 1), MAX_LIST)
    rows = list(qs[offset : offset + limit])
    return {"count": qs.count(), "offset": offset, "limit": limit, "items": [_summary(r) for r in rows]}


# --- vocabulary and a case's review -------------------------------------------------------------------------------


@router.get(
    "/vocabulary",
    response=VocabularyOut,
    url_name="review_vocabulary",
    summary="审核要点、第五十八条情形与送审材料种类（代码与中文名称）",
)
def review_vocabulary(request: HttpRequest) -> dict[str, Any]:
    require(request.user, "review.read")
    return {
        "points": [{"code": c, "label": label} for c, label in rules.REVIEW_POINTS],
        "grounds": [{"code": c, "label": label} for c, label in rules.GROUNDS.items()],
        "material_kinds": [{"code": c, "label": label} for c, label in rules.MATERIAL_KINDS.items()],
    }


@router.get(
    "/cases/{case_id}/scope",
    response=ScopeOut,
    url_name="review_case_scope",
    summary="案件是否须法制审核、命中的情形，及作出决定前尚缺的审核或集体讨论",
)
def review_case_scope(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = _case(request, "review.read", case_id)
    scope = selectors.scope(case)
    return {
        "case_id": case.pk,
        "required": scope.required,
        "criteria": list(scope.criteria),
        "gate_problem": selectors.gate_problem(case),
        "discussion_problem": selectors.discussion_problem(case),
    }


@router.get(
    "/cases/{case_id}/materials",
    response=MaterialOptionsOut,
    url_name="review_case_materials",
    summary="可随送审报送的本案文书、证据（含哈希）及必须报送的材料",
)
def review_case_materials(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = _case(request, "review.read", case_id)
    options = selectors.material_options(case)
    return {
        "case_id": case.pk,
        "documents": options["documents"],
        "evidence": options["evidence"],
        "hearing_held": bool(options["hearing_held"]),
        "required": [{"code": c, "label": rules.MATERIAL_KINDS.get(c, c)} for c in options["required"]],
    }


@router.get(
    "/cases/{case_id}/reviews",
    response=list[ReviewSummary],
    url_name="review_case_reviews",
    summary="案件的法制审核（含已撤回的）",
)
def review_case_reviews(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = _case(request, "review.read", case_id)
    qs = selectors.reviews_of_case(case).select_related(*RELATED)
    return [_summary(r) for r in qs]


@router.post(
    "/cases/{case_id}/reviews",
    response={201: ReviewOut},
    url_name="review_submit",
    summary="报送法制审核（材料不全时拒绝并列出所缺材料）",
)
def review_submit(request: HttpRequest, case_id: int, payload: SubmitIn) -> Status:
    case = _case(request, "review.submit", case_id)
    review = actions.submit(
        request.user,
        case,
        statement=payload.statement.dict(),
        draft_decision=payload.draft_decision,
        proposal=_proposal_in(payload.proposal),
        evidence_ids=payload.evidence_ids,
        document_ids=payload.document_ids,
        other=payload.other,
        grounds=payload.grounds,
    )
    return Status(201, _full(_review(request, "review.read", review.pk)))


# --- reviews ---------------------------------------------------------------------------------------------------


@router.get(
    "/reviews",
    response=ReviewPage,
    url_name="review_register",
    summary="法制审核台账（year/state/q 筛选；offset/limit 分页，每页至多500件）",
)
def review_register(request: HttpRequest, filters: Query[RegisterFilters]) -> dict[str, Any]:
    require(request.user, "review.read")
    _check_state(filters.state, Review.State.choices)
    qs = selectors.register(request.user, year=filters.year, state=filters.state, q=filters.q)
    return _page(
        qs.select_related(*RELATED),
        filters.offset,
        filters.limit,
    )


@router.get(
    "/reviews/{review_id}",
    response=ReviewOut,
    url_name="review_detail",
    summary="法制审核完整记录（各轮送审与材料、审核意见、延长审批、期限事件）",
)
def review_detail(request: HttpRequest, review_id: int) -> dict[str, Any]:
    return _full(_review(request, "review.read", review_id))


@router.get(
    "/queue",
    response=list[ReviewSummary],
    url_name="review_queue",
    summary="法制审核员待办（本人受理或未分配的待审核件，先到期的在前）",
)
def review_queue(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, "review.review")
    return [_summary(r) for r in selectors.queue(request.user)]


@router.get(
    "/submissions",
    response=list[ReviewSummary],
    url_name="review_submissions",
    summary="承办科室报送的法制审核（主要负责人、分管领导为本机关全部）",
)
def review_submissions(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, "review.read")
    qs = selectors.submissions_for(request.user).select_related(*RELATED)
    return [_summary(r) for r in qs[:MAX_LIST]]


@router.get(
    "/statistics",
    response=StatisticsPageOut,
    url_name="review_statistics",
    summary="审核台账统计（审核、纠错、平均审核工作日、按期率）与审核人员比例",
)
def review_statistics(request: HttpRequest, filters: Query[StatisticsFilters]) -> dict[str, Any]:
    user: Any = request.user
    require(user, "review.read")
    _check_state(filters.state, Review.State.choices)
    qs = selectors.register(user, year=filters.year, state=filters.state, q=filters.q)
    ratio = selectors.staff_ratio(user.agency)
    return {
        "statistics": selectors.statistics(qs),
        "staff_ratio": {**vars(ratio), "minimum": _money(ratio.minimum)},
    }


@router.post(
    "/reviews/{review_id}/assign",
    response=ReviewOut,
    url_name="review_assign",
    summary="分配或受理法制审核（审核员须具有法律职业资格且未参与本案调查）",
)
def review_assign(request: HttpRequest, review_id: int, payload: AssignIn) -> dict[str, Any]:
    review = _review(request, "review.read", review_id)
    if payload.reviewer_id is None:
        reviewer = request.user
    else:
        # another agency's user is refused by the action (须为本机关的法制审核员), after the caller's own permission
        found = User.objects.filter(pk=payload.reviewer_id).first()
        if found is None:
            raise SanxiangError("法制审核员：该用户不存在", field="reviewer_id")
        reviewer = found
    actions.assign(request.user, review, reviewer=reviewer)
    return _full(_review(request, "review.read", review_id))


@router.post(
    "/reviews/{review_id}/opinion",
    response=ReviewOut,
    url_name="review_opinion",
    summary="出具法制审核意见（同意 / 存在问题），生成编号的法制审核意见书",
)
def review_opinion(request: HttpRequest, review_id: int, payload: OpinionIn) -> dict[str, Any]:
    review = _review(request, "review.review", review_id)
    actions.give_opinion(
        request.user,
        review,
        round=payload.round,
        conclusion=payload.conclusion,
        action=payload.action,
        checklist={code: item.dict() for code, item in payload.checklist.items()},
        reasons=payload.reasons,
    )
    return _full(_review(request, "review.read", review_id))


@router.post(
    "/reviews/{review_id}/resubmit",
    response=ReviewOut,
    url_name="review_resubmit",
    summary="答复审核意见并重新报送（保留每一轮的材料与意见）",
)
def review_resubmit(request: HttpRequest, review_id: int, payload: ResubmitIn) -> dict[str, Any]:
    review = _review(request, "review.submit", review_id)
    actions.resubmit(
        request.user,
        review,
        response=payload.response,
        statement=payload.statement.dict() if payload.statement is not None else None,
        draft_decision=payload.draft_decision,
        proposal=_proposal_in(payload.proposal) if payload.proposal is not None else None,
        evidence_ids=payload.evidence_ids,
        document_ids=payload.document_ids,
        other=payload.other,
    )
    return _full(_review(request, "review.read", review_id))


@router.post(
    "/reviews/{review_id}/withdraw", response=ReviewOut, url_name="review_withdraw", summary="撤回法制审核"
)
def review_withdraw(request: HttpRequest, review_id: int, payload: WithdrawIn) -> dict[str, Any]:
    review = _review(request, "review.submit", review_id)
    actions.withdraw(request.user, review, reason=payload.reason)
    return _full(_review(request, "review.read", review_id))


@router.post(
    "/reviews/{review_id}/extensions",
    response={201: ExtensionOut},
    url_name="review_extension_request",
    summary="申请延长审核期限（疑难复杂，至多3个工作日，仅一次，须分管领导批准）",
)
def review_extension_request(request: HttpRequest, review_id: int, payload: ExtensionIn) -> Status:
    review = _review(request, "review.review", review_id)
    ext = actions.request_extension(request.user, review, days=payload.days, reason=payload.reason)
    return Status(201, _extension(_extensions().get(pk=ext.pk)))


def _extensions() -> QuerySet[Extension]:
    return Extension.objects.select_related("review__case", "requested_by", "decided_by")


@router.get(
    "/extensions",
    response=list[ExtensionOut],
    url_name="review_extensions",
    summary="审核期限延长申请（默认待审批的；state 为空时全部）",
)
def review_extensions(request: HttpRequest, filters: Query[ExtensionFilters]) -> list[dict[str, Any]]:
    require(request.user, "review.read")
    _check_state(filters.state, Extension.State.choices)
    if filters.state == Extension.State.PENDING:
        qs = selectors.pending_extensions(request.user)
    else:
        qs = scoped(request.user, "review.read", Extension.objects.all(), agency_field="review__agency_id")
        if filters.state:
            qs = qs.filter(state=filters.state)
    qs = qs.select_related("review__case", "requested_by", "decided_by").order_by("-requested_at", "-id")
    return [_extension(e) for e in qs[:MAX_LIST]]


@router.post(
    "/extensions/{extension_id}/decide",
    response=ExtensionOut,
    url_name="review_extension_decide",
    summary="分管领导审批延长审核期限（记录审批人、时间与意见）",
)
def review_extension_decide(request: HttpRequest, extension_id: int, payload: DecideIn) -> dict[str, Any]:
    ext = scoped_get(
        request.user, "review.approve", _extensions(), agency_field="review__agency_id", pk=extension_id
    )
    actions.decide_extension(request.user, ext, approve=payload.approve, note=payload.note)
    return _extension(_extensions().get(pk=extension_id))


# --- 集体讨论 ----------------------------------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/discussions",
    response=list[DiscussionOut],
    url_name="review_case_discussions",
    summary="案件的负责人集体讨论记录",
)
def review_case_discussions(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = _case(request, "review.read", case_id)
    qs = selectors.discussions_of_case(case).select_related("recorded_by", "signed_by", "document")
    return [_discussion(d) for d in qs]


@router.post(
    "/cases/{case_id}/discussions",
    response={201: DiscussionOut},
    url_name="review_discussion_record",
    summary="记录负责人集体讨论（第五十七条第二款；待负责人签名）",
)
def review_discussion_record(request: HttpRequest, case_id: int, payload: DiscussionIn) -> Status:
    case = _case(request, "review.submit", case_id)
    d = actions.record_discussion(
        request.user,
        case,
        held_at=payload.held_at,
        place=payload.place,
        presider=payload.presider,
        attendees=[a.dict() for a in payload.attendees],
        recorder=payload.recorder,
        opinions=payload.opinions,
        conclusion=payload.conclusion,
    )
    return Status(201, _discussion(_discussions().get(pk=d.pk)))


@router.get(
    "/discussions",
    response=list[DiscussionOut],
    url_name="review_unsigned_discussions",
    summary="待负责人签名的集体讨论记录（本机关）",
)
def review_unsigned_discussions(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, "review.read")
    qs = selectors.unsigned_discussions(request.user).select_related("recorded_by", "signed_by", "document")
    return [_discussion(d) for d in qs[:MAX_LIST]]


@router.post(
    "/discussions/{discussion_id}/sign",
    response=DiscussionOut,
    url_name="review_discussion_sign",
    summary="负责人签名集体讨论记录，生成集体讨论笔录",
)
def review_discussion_sign(request: HttpRequest, discussion_id: int) -> dict[str, Any]:
    d = scoped_get(request.user, "review.approve", _discussions(), pk=discussion_id)
    actions.sign_discussion(request.user, d)
    return _discussion(_discussions().get(pk=discussion_id))


# --- 审核范围设置 ------------------------------------------------------------------------------------------------


@router.get("/policy", response=PolicyOut, url_name="review_policy", summary="本机关法制审核范围设置")
def review_policy(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    require(user, "review.read", user.agency_id)
    return _policy(selectors.policy_for(user.agency))


@router.put(
    "/policy",
    response=PolicyOut,
    url_name="review_policy_save",
    summary="修改本机关法制审核范围设置（较大数额罚没标准、审核人员比例下限等）",
)
def review_policy_save(request: HttpRequest, payload: PolicyIn) -> dict[str, Any]:
    user: Any = request.user
    require(user, "review.configure", user.agency_id)
    agency = user.agency
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    actions.save_policy(user, agency, data)
    return _policy(selectors.policy_for(agency))
