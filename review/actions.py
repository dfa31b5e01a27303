"""The only place the review app changes state (design.md §3). Each action checks the rules, writes, records the
audit event and drives the review clock — one transaction; a refusal writes nothing.

Flow (seed 附件5, ``catalog/processes/legal_review.yaml``): the 承办科室 ``submit``s the case (at its 法制审核 step)
with complete materials → the review clock (5 个工作日, warn at 1) starts on that day → a 法制审核员 of the
行政执法协调监督科 is ``assign``ed (or takes it) → ``give_opinion``: 同意 passes the review and moves the case on;
存在问题 returns it (clock paused) → the 承办科室 ``resubmit``s with its answer (clock resumes) … Each round and each
opinion is kept; every opinion issues a numbered 法制审核意见书. ``request_extension`` → ``decide_extension`` by the
分管领导 (+≤3 个工作日, once). ``record_discussion`` → ``sign_discussion`` (负责人) for 情节复杂或重大违法 cases.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.access import require
from accounts.models import Role
from audit.chain import record
from cases import clock_rules
from cases import rules as case_rules
from cases.actions import clocks as case_clocks
from cases.models import Case, Document
from core.errors import NotPermitted, SanxiangError, ValidationFailed
from core.numbering import next_number
from review import rules, selectors
from review.models import CollectiveDiscussion, Extension, Opinion, Policy, Review, Submission

REVIEW_STEP = "legal_review"
CLOCK_EVENT = "review_received"
NUMBER_PREFIX = "审"


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("item", "agency").get(pk=case.pk)


def _lock(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("case__agency", "case__item", "clock", "department")
        .get(pk=review.pk)
    )


def _text(value: Any, label: str, limit: int, errors: list[str], *, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors.append(f"{label}：必须填写")
    if len(text) > limit:
        errors.append(f"{label}：最多{limit}字")
    return text


def _proposal(case: Case, data: dict[str, Any] | None, errors: list[str]) -> dict[str, Any]:
    """拟作出的决定, checked like the decision itself will be (``cases.rules.parse_decision``)."""
    data = data or {}
    parsed = case_rules.parse_decision(
        case.procedure,
        str(data.get("outcome") or ""),
        [str(t) for t in data.get("penalty_types") or []],
        data.get("fine_amount"),
        data.get("confiscation_amount"),
    )
    if parsed.outcome is None:
        options = "、".join(case_rules.OUTCOMES.get(case.procedure, {}).values())
        errors.append(f"拟作出的决定：请选择处理结果（{options}）")
    errors += parsed.problems
    summary = _text(data.get("summary"), "拟作出决定的主要内容", 2000, errors)
    return {
        "outcome": parsed.outcome or "",
        "penalty_types": parsed.penalty_types,
        "fine_amount": str(parsed.fine) if parsed.fine is not None else None,
        "confiscation_amount": str(parsed.confiscation) if parsed.confiscation is not None else None,
        "summary": summary,
    }


def _materials(
    case: Case,
    *,
    statement: dict[str, Any],
    draft_decision: str,
    evidence_ids: list[int] | None,
    document_ids: list[int] | None,
    other: str,
    errors: list[str],
) -> list[dict[str, Any]]:
    """The materials checklist of one round: case documents and evidence linked by id and hash (the version sent is
    provable later), refusing with the list of what is missing (regulations.md §8.1)."""
    from evidence.models import EvidenceItem

    ids = {int(i) for i in evidence_ids or []}
    items = list(EvidenceItem.objects.filter(case=case, pk__in=ids, is_voided=False).select_related("blob"))
    if len(items) != len(ids):
        errors.append("证据材料：所选证据不属于本案或已作废")
    doc_ids = {int(i) for i in document_ids or []}
    docs = list(Document.objects.filter(case=case, pk__in=doc_ids).exclude(state=Document.State.SUPERSEDED))
    if len(docs) != len(doc_ids):
        errors.append("送审文书：所选文书不属于本案或已被更正版本取代")
    errors += rules.missing_materials(
        case.procedure,
        hearing_held=case.hearing_held,
        statement=statement,
        draft_decision=draft_decision,
        document_types=[d.doc_type for d in docs],
        evidence_count=len(items),
    )
    kind_of = {"investigation_report": "investigation_report", "hearing_record": "hearing"}
    out: list[dict[str, Any]] = [
        {"kind": "statement", "title": rules.MATERIAL_KINDS["statement"]},
        {"kind": "draft_decision", "title": rules.MATERIAL_KINDS["draft_decision"]},
    ]
    for d in sorted(docs, key=lambda d: d.pk):
        blob = d.pdf_blob
        out.append(
            {
                "kind": kind_of.get(d.doc_type, "other"),
                "title": d.title,
                "document_id": d.pk,
                "number": d.number,
                "state": d.state,
                "sha256": blob.sha256 if blob else "",
                "sm3": blob.sm3 if blob else "",
            }
        )
    for e in sorted(items, key=lambda e: e.pk):
        out.append(
            {
                "kind": "evidence",
                "title": e.title,
                "evidence_id": e.pk,
                "sha256": e.blob.sha256,
                "sm3": e.blob.sm3,
            }
        )
    if other:
        out.append({"kind": "other", "title": rules.MATERIAL_KINDS["other"], "text": other[:200]})
    return out


def _statement(data: dict[str, Any] | None, errors: list[str]) -> dict[str, str]:
    data = data or {}
    return {key: _text(data.get(key), label, 5000, errors) for key, label in rules.STATEMENT_FIELDS.items()}


def _grounds(values: list[str] | None, errors: list[str]) -> list[str]:
    chosen = [str(v) for v in values or []]
    unknown = [v for v in chosen if v not in rules.GROUNDS]
    if unknown:
        errors.append(f"审核情形：“{'、'.join(unknown)}”无效，可选：{'、'.join(rules.GROUNDS.values())}")
    return [v for v in dict.fromkeys(chosen) if v in rules.GROUNDS]


def _require_review_step(case: Case) -> None:
    if case.is_read_only:
        raise SanxiangError("案件已结案或终止，不能再报送法制审核", field="case", code="case_read_only")
    if case.current_step != REVIEW_STEP:
        raise SanxiangError(
            f"报送法制审核：案件须处于“法制审核”环节（当前为“{case.current_step_name}”），请先在案件中办理至法制审核",
            field="case",
            code="not_at_review",
        )


def _audit(event: str, user: Any, review: Review, **payload: Any) -> None:
    record(
        event,
        actor=user,
        agency_id=review.agency_id,
        obj=review,
        payload={"case": review.case_id, "number": review.number, **payload},
    )


def submit(
    user: Any,
    case: Case,
    *,
    statement: dict[str, Any],
    draft_decision: str,
    proposal: dict[str, Any],
    evidence_ids: list[int] | None = None,
    document_ids: list[int] | None = None,
    other: str = "",
    grounds: list[str] | None = None,
    on: date | None = None,
) -> Review:
    """承办科室报送法制审核 (工作方案二（三）3; 《行政处罚法》第五十八条). Refused with the list of missing materials;
    the review clock starts on the day complete materials are received."""
    require(user, "review.submit", case.agency_id)
    day = _today(on)
    errors: list[str] = []
    with transaction.atomic():
        case = _lock_case(case)
        _require_review_step(case)
        if Review.objects.filter(case=case, state__in=selectors.OPEN).exists():
            raise SanxiangError(
                "报送法制审核：本案已有送审中的法制审核，请在该审核中答复或重新报送",
                field="case",
                code="review_open",
            )
        chosen = _grounds(grounds, errors)
        clean_statement = _statement(statement, errors)
        draft = _text(draft_decision, "决定书代拟稿", 20000, errors)
        other_text = _text(other, "其他材料说明", 2000, errors)
        clean_proposal = _proposal(case, proposal, errors)
        materials = _materials(
            case,
            statement=clean_statement,
            draft_decision=draft,
            evidence_ids=evidence_ids,
            document_ids=document_ids,
            other=other_text,
            errors=errors,
        )
        if errors:
            raise ValidationFailed(list(dict.fromkeys(errors)), field="materials")
        if chosen != list(case.review_grounds or []):
            case.review_grounds = chosen
            case.save(update_fields=["review_grounds"])
        found = selectors.scope(case, clean_proposal)
        clock = case_clocks.start_on_event(case, CLOCK_EVENT, on=day, actor=user)
        review = Review.objects.create(
            case=case,
            agency_id=case.agency_id,
            department_id=case.department_id,
            number=next_number(case.agency, NUMBER_PREFIX, day.year),
            state=Review.State.SUBMITTED,
            criteria=list(found.criteria),
            proposal=clean_proposal,
            clock=clock,
            rounds=1,
            submitted_by=user,
        )
        Submission.objects.create(
            review=review,
            round=1,
            submitted_by=user,
            submitted_on=day,
            statement=clean_statement,
            draft_decision=draft,
            materials=materials,
            other=other_text,
        )
        _audit(
            "review.submit",
            user,
            review,
            round=1,
            on=day.isoformat(),
            criteria=list(found.criteria),
            materials=[
                {k: m.get(k) for k in ("kind", "document_id", "evidence_id", "sha256")} for m in materials
            ],
        )
    return review


def resubmit(
    user: Any,
    review: Review,
    *,
    response: str,
    statement: dict[str, Any] | None = None,
    draft_decision: str | None = None,
    proposal: dict[str, Any] | None = None,
    evidence_ids: list[int] | None = None,
    document_ids: list[int] | None = None,
    other: str | None = None,
    on: date | None = None,
) -> Submission:
    """承办机构研究审核意见、处理后重新报送 (regulations.md §1.3): a new round keeping every earlier one; the clock
    resumes (a case taken back to 调查 and returned to 法制审核 starts a new clock)."""
    require(user, "review.submit", review.agency_id)
    day = _today(on)
    errors: list[str] = []
    with transaction.atomic():
        review = _lock(review)
        case = _lock_case(review.case)
        if review.state != Review.State.RETURNED:
            raise SanxiangError(
                f"重新报送：审核编号{review.number}当前为“{review.get_state_display()}”，只有退回修改的审核才能重新报送",
                field="review",
                code="not_returned",
            )
        _require_review_step(case)
        last = review.submissions.order_by("-round").first()
        assert last is not None
        answer = _text(response, "对审核意见的处理说明", 5000, errors, required=True)
        clean_statement = _statement(statement if statement is not None else last.statement, errors)
        draft = _text(
            last.draft_decision if draft_decision is None else draft_decision, "决定书代拟稿", 20000, errors
        )
        other_text = _text(last.other if other is None else other, "其他材料说明", 2000, errors)
        clean_proposal = _proposal(case, proposal if proposal is not None else review.proposal, errors)
        if evidence_ids is None:
            evidence_ids = [m["evidence_id"] for m in last.materials if m.get("evidence_id")]
        if document_ids is None:
            document_ids = [m["document_id"] for m in last.materials if m.get("document_id")]
        materials = _materials(
            case,
            statement=clean_statement,
            draft_decision=draft,
            evidence_ids=evidence_ids,
            document_ids=document_ids,
            other=other_text,
            errors=errors,
        )
        if errors:
            raise ValidationFailed(list(dict.fromkeys(errors)), field="materials")
        review.rounds += 1
        submission = Submission.objects.create(
            review=review,
            round=review.rounds,
            submitted_by=user,
            submitted_on=day,
            statement=clean_statement,
            draft_decision=draft,
            materials=materials,
            response=answer,
            other=other_text,
        )
        clock = review.clock
        if clock is not None and clock.state != clock.State.STOPPED:
            case_clocks.release(clock, on=day, actor=user, reason=f"第{review.rounds}次报送，恢复计时")
        else:
            review.clock = case_clocks.start_on_event(case, CLOCK_EVENT, on=day, actor=user)
        review.proposal = clean_proposal
        review.criteria = list(selectors.scope(case, clean_proposal).criteria)
        review.state = Review.State.SUBMITTED
        review.save()
        _audit("review.resubmit", user, review, round=review.rounds, on=day.isoformat())
    return submission


def withdraw(user: Any, review: Review, *, reason: str, on: date | None = None) -> Review:
    """承办科室撤回送审 (附件5 终止送审); the review and its rounds stay on record, the clock stops as 不适用."""
    require(user, "review.submit", review.agency_id)
    day = _today(on)
    errors: list[str] = []
    text = _text(reason, "撤回原因", 300, errors, required=True)
    if errors:
        raise ValidationFailed(errors, field="reason")
    with transaction.atomic():
        review = _lock(review)
        if review.state not in selectors.OPEN:
            raise SanxiangError(
                f"撤回送审：审核编号{review.number}已{review.get_state_display()}",
                field="review",
                code="closed",
            )
        review.state = Review.State.WITHDRAWN
        review.closed_on = day
        review.save(update_fields=["state", "closed_on"])
        if review.clock is not None:
            case_clocks.finish(review.clock, on=day, actor=user, reason=f"撤回送审：{text}")
        _audit("review.withdraw", user, review, reason=text, on=day.isoformat())
    return review


def _may_assign(user: Any, review: Review) -> bool:
    roles = set(user.role_codes)
    in_office = bool(user.department_id and user.department.is_review_office)
    return bool(
        user.agency_id == review.agency_id
        and (Role.REVIEWER in roles or (Role.DEPT_HEAD in roles and in_office) or Role.SUPERVISOR in roles)
    )


def _check_reviewer(review: Review, reviewer: Any) -> None:
    problem = selectors.reviewer_problem(review.case, reviewer)
    if problem:
        raise SanxiangError(problem, field="reviewer", code="reviewer")


def assign(user: Any, review: Review, *, reviewer: Any) -> Review:
    """Assign the review to a 法制审核员 (法律职业资格, 第五十八条第二款; not an investigator of the case); a reviewer
    may take an unassigned review himself."""
    require(user, "review.read", review.agency_id)
    if not _may_assign(user, review):
        raise NotPermitted("分配审核：由行政执法协调监督科的法制审核员或负责人分配", field="reviewer")
    with transaction.atomic():
        review = _lock(review)
        if review.state not in selectors.OPEN:
            raise SanxiangError(
                f"分配审核：审核编号{review.number}已{review.get_state_display()}",
                field="review",
                code="closed",
            )
        _check_reviewer(review, reviewer)
        before = review.reviewer_id
        review.reviewer = reviewer
        review.assigned_at = timezone.now()
        review.save(update_fields=["reviewer", "assigned_at"])
        _audit("review.assign", user, review, reviewer=reviewer.pk, before=before)
    return review


def _opinion_document(
    user: Any, review: Review, submission: Submission, opinion: Opinion, day: date
) -> Document:
    from cases.actions.documents import create_document, issue_document

    points = "\n".join(
        f"{label}：{'无问题' if (opinion.checklist.get(code) or {}).get('ok') else '存在问题'}"
        + (
            f"（{note}）"
            if (note := str((opinion.checklist.get(code) or {}).get("note") or "").strip())
            else ""
        )
        for code, label in rules.REVIEW_POINTS
    )
    p = review.proposal
    proposal = "；".join(
        x
        for x in (
            case_rules.OUTCOMES.get(review.case.procedure, {}).get(p.get("outcome", ""), ""),
            "、".join(case_rules.PENALTY_TYPES.get(t, t) for t in p.get("penalty_types") or []),
            f"罚款{p['fine_amount']}元" if p.get("fine_amount") else "",
            f"没收{p['confiscation_amount']}元" if p.get("confiscation_amount") else "",
            p.get("summary") or "",
        )
        if x
    )
    data = {
        "review_number": review.number,
        "department": review.department.name if review.department else "",
        "submitted_on": submission.submitted_on.isoformat(),
        "round": f"第{submission.round}次",
        "proposal": proposal or "见决定书代拟稿",
        "points": points,
        "conclusion": opinion.get_conclusion_display(),
        "action": opinion.get_action_display() if opinion.action else "",
        "reasons": opinion.reasons,
        "reviewer": getattr(user, "full_name", "") or user.get_username(),
    }
    doc = create_document(user, review.case, "legal_review_opinion", data=data, step_id=REVIEW_STEP, on=day)
    return issue_document(user, doc, on=day)


def _advance_case(user: Any, case: Case, day: date) -> None:
    """After 同意 the case leaves its 法制审核 step by the YAML's pass route (集体讨论 when 情节复杂, else 决定). If
    something else holds the case there, it stays for the 承办科室 to move on; the opinion stands."""
    from cases.actions import case as case_actions
    from cases.selectors import available_transitions

    target = "collective" if case.is_complex else "decide"
    if target not in [r["to"] for r in available_transitions(case)]:
        return
    try:
        with transaction.atomic():
            case_actions.advance(user, case, to=target, note="法制审核意见：同意", on=day)
    except SanxiangError:
        return


def give_opinion(
    user: Any,
    review: Review,
    *,
    round: int,
    conclusion: str,
    action: str = "",
    checklist: dict[str, dict[str, Any]],
    reasons: str,
    on: date | None = None,
) -> Opinion:
    """出具法制审核意见 (同意 / 存在问题) on the current round, by the assigned (or an eligible, self-assigning)
    法制审核员. ``round`` must be the current one: a second reviewer answering the same round — or an old form — is
    refused, and the one-to-one row keeps it so even under concurrency. Issues a numbered 法制审核意见书."""
    require(user, "review.review", review.agency_id)
    day = _today(on)
    clean_checklist = {
        code: {
            "ok": bool((checklist or {}).get(code, {}).get("ok")),
            "note": str((checklist or {}).get(code, {}).get("note") or "").strip()[:500],
        }
        for code, _label in rules.REVIEW_POINTS
        if isinstance((checklist or {}).get(code), dict)
    }
    problems = rules.opinion_problems(conclusion, action or "", clean_checklist, reasons or "")
    if problems:
        raise ValidationFailed(problems, field="opinion")
    try:
        with transaction.atomic():
            review = _lock(review)
            if review.state != Review.State.SUBMITTED or int(round) != review.rounds:
                raise SanxiangError(
                    f"审核意见：审核编号{review.number}第{round}次送审已出具意见或已变化（当前第{review.rounds}次，"
                    f"{review.get_state_display()}），请刷新后再办理",
                    field="round",
                    code="stale",
                )
            if review.reviewer_id not in (None, user.pk):
                raise NotPermitted(
                    f"审核意见：本审核已分配给{review.reviewer}，由其出具意见", field="reviewer"
                )
            _check_reviewer(review, user)
            if review.reviewer_id is None:
                review.reviewer = user
                review.assigned_at = timezone.now()
            submission = review.submissions.get(round=review.rounds)
            clock = review.clock
            on_time = None
            if clock is not None:
                on_time = clock_rules.deadline_met(day, clock.due_on)
            opinion = Opinion.objects.create(
                review=review,
                submission=submission,
                reviewer=user,
                conclusion=conclusion,
                action=action or "",
                checklist=clean_checklist,
                reasons=(reasons or "").strip(),
                issued_on=day,
                on_time=on_time,
            )
            if conclusion == Opinion.Conclusion.AGREE:
                review.state = Review.State.APPROVED
                review.approved_on = day
                review.closed_on = day
                if clock is not None:
                    case_clocks.finish(clock, on=day, actor=user, reason="出具法制审核意见：同意")
            else:
                review.state = Review.State.RETURNED
                if clock is not None:
                    case_clocks.hold(
                        clock,
                        on=day,
                        actor=user,
                        reason=f"法制审核意见：存在问题（{opinion.get_action_display()}），退回承办科室，退回期间不计入",
                    )
            review.save()
            opinion.document = _opinion_document(user, review, submission, opinion, day)
            opinion.save(update_fields=["document"])
            _audit(
                "review.opinion",
                user,
                review,
                round=submission.round,
                conclusion=conclusion,
                action=action or "",
                on_time=on_time,
                document=opinion.document.pk,
                on=day.isoformat(),
            )
    except IntegrityError as exc:  # the other reviewer's opinion on this round committed first
        raise SanxiangError(
            f"审核意见：第{round}次送审已由其他审核人员出具意见，请刷新后查看", field="round", code="stale"
        ) from exc
    if conclusion == Opinion.Conclusion.AGREE:
        _advance_case(user, review.case, day)
    return opinion


def request_extension(
    user: Any, review: Review, *, days: int, reason: str, on: date | None = None
) -> Extension:
    """疑难复杂案件申请延长审核期限 (≤3 个工作日, once; 工作方案二（三）3), by the reviewer handling it."""
    require(user, "review.review", review.agency_id)
    day = _today(on)
    errors: list[str] = []
    text = _text(reason, "延长理由", 300, errors, required=True)
    try:
        n = int(days)
    except (TypeError, ValueError):
        n = 0
    if errors:
        raise ValidationFailed(errors, field="reason")
    with transaction.atomic():
        review = _lock(review)
        if review.state != Review.State.SUBMITTED or review.clock is None:
            raise SanxiangError(
                f"延长审核期限：审核编号{review.number}{review.get_state_display()}，不在审核期限内",
                field="review",
                code="not_running",
            )
        if review.reviewer_id not in (None, user.pk):
            raise NotPermitted(f"延长审核期限：由承办本审核的{review.reviewer}申请", field="reviewer")
        clock = review.clock
        problem = rules.extension_problem(
            days=n,
            max_days=clock.max_extension_days,
            approved_before=review.extensions.filter(state=Extension.State.APPROVED).exists()
            or clock.extended_days > 0,
            pending=review.extensions.filter(state=Extension.State.PENDING).exists(),
            today=day,
            due_on=clock.due_on,
        )
        if problem:
            raise SanxiangError(problem, field="days", code="extension")
        ext = Extension.objects.create(
            review=review, days=n, reason=text, requested_by=user, requested_on=day
        )
        _audit(
            "review.extension_request",
            user,
            review,
            extension=ext.pk,
            days=n,
            reason=text,
            on=day.isoformat(),
        )
    return ext


def decide_extension(
    user: Any, extension: Extension, *, approve: bool, note: str = "", on: date | None = None
) -> Extension:
    """分管领导审批延长 (工作方案二（三）3): who, when and why are recorded; approval moves the due day."""
    require(user, "review.approve", extension.review.agency_id)
    day = _today(on)
    errors: list[str] = []
    text = _text(note, "审批意见", 300, errors, required=not approve)
    if errors:
        raise ValidationFailed(errors, field="note")
    with transaction.atomic():
        ext = Extension.objects.select_for_update().get(pk=extension.pk)
        review = _lock(ext.review)
        if ext.state != Extension.State.PENDING:
            raise SanxiangError(
                f"延长审批：该申请已{ext.get_state_display()}", field="extension", code="decided"
            )
        clock = review.clock
        assert clock is not None
        if approve:
            if clock.extension_approver_role not in user.role_codes:
                raise NotPermitted(
                    "延长审批：疑难复杂案件延长法制审核期限须报分管领导同意（玉溪市司法局三项制度工作方案二（三）3）",
                    field="approver",
                )
            if review.state != Review.State.SUBMITTED or clock.state == clock.State.STOPPED:
                raise SanxiangError("延长审批：审核已办结，无需延长", field="extension", code="not_running")
            if day > clock.due_on:
                raise SanxiangError(
                    f"延长审批：审核期限已于{clock.due_on:%Y-%m-%d}届满，不能再延长（工作方案二（三）3）",
                    field="extension",
                    code="expired",
                )
            case_clocks.extend_approved(
                clock, days=ext.days, on=day, actor=ext.requested_by, approver=user, reason=ext.reason
            )
        ext.state = Extension.State.APPROVED if approve else Extension.State.REFUSED
        ext.decided_by = user
        ext.decided_on = day
        ext.decided_at = timezone.now()
        ext.decision_note = text
        ext.save()
        _audit(
            "review.extension_decide",
            user,
            review,
            extension=ext.pk,
            approve=bool(approve),
            days=ext.days,
            due_on=clock.due_on.isoformat(),
            note=text,
        )
    return ext


def _attendees(values: list[dict[str, Any]] | None, errors: list[str]) -> list[dict[str, str]]:
    out = []
    for row in values or []:
        name = str(row.get("name") or "").strip()
        title = str(row.get("title") or "").strip()
        if name:
            out.append({"name": name[:40], "title": title[:60]})
    if len(out) < 3:
        errors.append("出席人员：集体讨论须有行政机关负责人等三人以上出席，请逐行填写姓名和职务")
    return out


def record_discussion(
    user: Any,
    case: Case,
    *,
    held_at: datetime,
    place: str,
    presider: str,
    attendees: list[dict[str, Any]],
    recorder: str,
    opinions: str,
    conclusion: str,
) -> CollectiveDiscussion:
    """记录负责人集体讨论 (《行政处罚法》第五十七条第二款): time, place, 主持人, attendees with their posts, opinions and
    结论. It counts once a 负责人 signs it (``sign_discussion``)."""
    require(user, "review.submit", case.agency_id)
    errors: list[str] = []
    if not isinstance(held_at, datetime):
        errors.append("讨论时间：请填写讨论的日期和时间")
    clean = {
        "place": _text(place, "地点", 100, errors, required=True),
        "presider": _text(presider, "主持人", 40, errors, required=True),
        "recorder": _text(recorder, "记录人", 40, errors, required=True),
        "opinions": _text(opinions, "讨论意见", 10000, errors, required=True),
        "conclusion": _text(conclusion, "讨论结论", 5000, errors, required=True),
    }
    people = _attendees(attendees, errors)
    if errors:
        raise ValidationFailed(errors, field="discussion")
    with transaction.atomic():
        case = _lock_case(case)
        if case.is_read_only:
            raise SanxiangError("案件已结案或终止，不能再记录集体讨论", field="case", code="case_read_only")
        if case.procedure != "penalty_general":
            raise SanxiangError(
                "集体讨论：适用于一般程序行政处罚案件（第五十七条第二款）", field="case", code="procedure"
            )
        moment = held_at if timezone.is_aware(held_at) else timezone.make_aware(held_at)
        item = CollectiveDiscussion.objects.create(
            case=case, agency_id=case.agency_id, held_at=moment, attendees=people, recorded_by=user, **clean
        )
        record(
            "review.discussion_record",
            actor=user,
            agency_id=case.agency_id,
            obj=item,
            payload={"case": case.pk, "held_at": moment.isoformat(), "attendees": len(people)},
        )
    return item


def sign_discussion(
    user: Any, discussion: CollectiveDiscussion, *, on: date | None = None
) -> CollectiveDiscussion:
    """负责人签名 (第五十七条第二款: 行政机关负责人应当集体讨论决定) and the 集体讨论笔录 is issued from the record."""
    require(user, "review.approve", discussion.agency_id)
    day = _today(on)
    from cases.actions.documents import create_document, issue_document

    with transaction.atomic():
        item = (
            CollectiveDiscussion.objects.select_for_update(of=("self",))
            .select_related("case")
            .get(pk=discussion.pk)
        )
        if item.signed_by_id:
            raise SanxiangError(
                f"集体讨论：已由{item.signed_by}于{item.signed_at:%Y-%m-%d}签名",
                field="discussion",
                code="signed",
            )
        if item.case.is_read_only:
            raise SanxiangError("案件已结案或终止", field="case", code="case_read_only")
        item.signed_by = user
        item.signed_at = timezone.now()
        data = {
            "started_at": timezone.localtime(item.held_at).strftime("%Y-%m-%dT%H:%M"),
            "place": item.place,
            "presider": item.presider,
            "attendees": "\n".join(
                f"{a['name']}（{a['title']}）" if a.get("title") else a["name"] for a in item.attendees
            ),
            "recorder": item.recorder,
            "content": item.opinions,
            "conclusion": f"{item.conclusion}\n负责人签名：{getattr(user, 'full_name', '') or user.get_username()}",
        }
        doc = create_document(
            user, item.case, "collective_discussion", data=data, step_id="collective", on=day
        )
        item.document = issue_document(user, doc, on=day)
        item.save(update_fields=["signed_by", "signed_at", "document"])
        record(
            "review.discussion_sign",
            actor=user,
            agency_id=item.agency_id,
            obj=item,
            payload={"case": item.case_id, "document": item.document.pk, "on": day.isoformat()},
        )
    return item


POLICY_FIELDS = (
    "review_all_penalties",
    "review_major_licences",
    "fine_citizen",
    "fine_organization",
    "confiscation_citizen",
    "confiscation_organization",
    "staff_ratio_percent",
)


def save_policy(user: Any, agency: Any, data: dict[str, Any]) -> Policy:
    """法制审核范围设置 (issue #5 item 1): the 较大数额 thresholds per 公民 / 法人或其他组织 and the 审核人员 ratio."""
    require(user, "review.configure", agency.pk)
    errors: list[str] = []
    values: dict[str, Any] = {}
    for name in POLICY_FIELDS:
        if name not in data:
            continue
        label = str(getattr(Policy._meta.get_field(name), "verbose_name", name))
        if name.startswith("review_"):
            values[name] = bool(data[name])
            continue
        amount = rules.as_decimal(data[name])
        if amount is None or amount < 0:
            errors.append(f"{label}：请填写不小于0的数字")
        elif name == "staff_ratio_percent" and amount > 100:
            errors.append(f"{label}：不能超过100")
        else:
            values[name] = amount.quantize(Decimal("0.01"))
    if errors:
        raise ValidationFailed(errors, field="policy")
    with transaction.atomic():
        policy = Policy.objects.select_for_update().filter(agency=agency).first() or Policy(agency=agency)
        before = {n: str(getattr(policy, n)) for n in POLICY_FIELDS}
        for name, value in values.items():
            setattr(policy, name, value)
        policy.updated_by = user
        policy.save()
        record(
            "review.policy",
            actor=user,
            agency_id=agency.pk,
            obj=policy,
            payload={"before": before, "after": {n: str(getattr(policy, n)) for n in POLICY_FIELDS}},
        )
    return policy
