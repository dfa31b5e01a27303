"""Reads of the review app: scope and gates for the case workflow, queues, register and statistics."""

from __future__ import annotations

from dataclasses import fields as dc_fields
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from cases import clock_rules
from cases.models import Case, CaseOfficer, Clock, Document, StepOfficer
from org.models import Officer
from review import rules
from review.models import CollectiveDiscussion, Extension, Opinion, Policy, Review

OPEN = (Review.State.SUBMITTED, Review.State.RETURNED)
LEADERS = {Role.PRINCIPAL, Role.DEPUTY_LEADER}


def policy_for(agency: Any) -> Policy:
    """The agency's saved Policy, or an unsaved one with the defaults."""
    return Policy.objects.filter(agency=agency).first() or Policy(agency=agency)


def thresholds(policy: Policy) -> rules.Thresholds:
    return rules.Thresholds(**{f.name: getattr(policy, f.name) for f in dc_fields(rules.Thresholds)})


def latest_review(case: Case) -> Review | None:
    """The case's open review, else its latest approved one (withdrawn reviews do not count)."""
    qs = Review.objects.filter(case=case).exclude(state=Review.State.WITHDRAWN)
    return qs.filter(state__in=OPEN).first() or qs.filter(state=Review.State.APPROVED).order_by("-id").first()


def case_facts(case: Case, decision: dict[str, Any] | None = None) -> rules.CaseFacts:
    """What ``rules.legal_review_required`` reads: the item, the hearing, the Art.58 grounds, and the decision —
    the one being recorded (``decision``), else the recorded one, else the proposal under review."""
    if decision is None and case.outcome:
        decision = {
            "penalty_types": case.penalty_types,
            "fine_amount": case.fine_amount,
            "confiscation_amount": case.confiscation_amount,
        }
    if decision is None:
        review = latest_review(case)
        decision = review.proposal if review else {}
    return rules.CaseFacts(
        procedure=case.procedure,
        item_is_major=bool(case.item.is_major),
        item_major_criteria=case.item.major_criteria or "",
        hearing_held=case.hearing_held,
        is_complex=case.is_complex,
        grounds=tuple(case.review_grounds or ()),
        has_organization_party=case.parties.exclude(kind="citizen").exists(),
        penalty_types=tuple(decision.get("penalty_types") or ()),
        fine_amount=rules.as_decimal(decision.get("fine_amount")),
        confiscation_amount=rules.as_decimal(decision.get("confiscation_amount")),
    )


def scope(case: Case, decision: dict[str, Any] | None = None) -> rules.Scope:
    return rules.legal_review_required(case_facts(case, decision), thresholds(policy_for(case.agency)))


def reviews_of_case(case: Case) -> QuerySet[Review]:
    return Review.objects.filter(case=case).select_related("reviewer", "clock").order_by("created_at")


def discussions_of_case(case: Case) -> QuerySet[CollectiveDiscussion]:
    return (
        CollectiveDiscussion.objects.filter(case=case)
        .select_related("signed_by", "document")
        .order_by("held_at")
    )


def gate_problem(case: Case, decision: dict[str, Any] | None = None) -> str | None:
    """Why the decision may not be made yet (《行政处罚法》第五十八条: 未经法制审核或者审核未通过的，不得作出决定), or
    None. ``decision``: the outcome/penalty_types/fine_amount/confiscation_amount about to be recorded — it must be
    the one that passed review (``rules.proposal_mismatch``)."""
    found = scope(case, decision)
    if not found.required:
        return None
    review = latest_review(case)
    if review is None:
        return f"法制审核：本案须经法制审核（{found.text}），未经法制审核不得作出决定（{rules.ART58}）"
    if review.state != Review.State.APPROVED:
        return f"法制审核：审核编号{review.number}{review.get_state_display()}，审核通过前不得作出决定（{rules.ART58}）"
    if decision and decision.get("outcome"):
        return rules.proposal_mismatch(
            review.proposal,
            outcome=str(decision["outcome"]),
            penalty_types=decision.get("penalty_types") or [],
            fine_amount=rules.as_decimal(decision.get("fine_amount")),
            confiscation_amount=rules.as_decimal(decision.get("confiscation_amount")),
        )
    return None


def discussion_problem(case: Case, *, is_complex: bool | None = None, outcome: str = "") -> str | None:
    """情节复杂或者重大违法: no 行政处罚 decision before a signed 集体讨论 record (《行政处罚法》第五十七条第二款).
    ``is_complex``/``outcome``: the values being recorded with the decision (default: the case's)."""
    complex_case = case.is_complex if is_complex is None else is_complex
    if case.procedure != "penalty_general" or not rules.collective_discussion_required(complex_case):
        return None
    if (outcome or case.outcome) not in ("", "penalty"):
        return None
    if CollectiveDiscussion.objects.filter(case=case, signed_by__isnull=False).exists():
        return None
    if CollectiveDiscussion.objects.filter(case=case).exists():
        return f"集体讨论：集体讨论笔录尚未经负责人签名，不得作出决定（{rules.ART57}）"
    return (
        f"集体讨论：情节复杂或者重大违法行为给予行政处罚的，行政机关负责人应当集体讨论决定，请先记录集体讨论"
        f"（{rules.ART57}）"
    )


def leave_review_step_problem(case: Case, forward: bool) -> str | None:
    """Leaving the case's 法制审核 step: forward only after 审核通过 (第五十八条); back to 调查/审查 only when no
    submission is waiting for the reviewer (a returned or withdrawn review)."""
    if forward:
        return gate_problem(case)
    if Review.objects.filter(case=case, state=Review.State.SUBMITTED).exists():
        return "法制审核：送审材料正在审核中，审核意见出具前不能退回调查（可先撤回送审）"
    return None


def investigators(case: Case) -> set[int]:
    """Officer ids who investigated or handled the case (承办人 and officers on any act)."""
    ids = set(CaseOfficer.objects.filter(case=case).values_list("officer_id", flat=True))
    ids |= set(StepOfficer.objects.filter(step__case=case).values_list("officer_id", flat=True))
    return ids


def reviewer_problem(case: Case, user: Any) -> str | None:
    officer = Officer.objects.filter(user=user).select_related("department").first() if user else None
    department = getattr(user, "department", None)
    return rules.reviewer_problem(
        has_role=bool(user) and Role.REVIEWER in user.role_codes and user.is_active,
        same_agency=bool(user) and user.agency_id == case.agency_id,
        in_review_office=bool(
            department and department.is_review_office and department.agency_id == case.agency_id
        ),
        has_legal_qualification=bool(officer and officer.has_legal_qualification and officer.is_active),
        investigated_case=bool(officer and officer.pk in investigators(case)),
    )


def eligible_reviewers(case: Case) -> list[User]:
    users = User.objects.filter(agency_id=case.agency_id, is_active=True).select_related("department")
    return [u for u in users if Role.REVIEWER in u.role_codes and reviewer_problem(case, u) is None]


def clock_view(review: Review, today: date | None = None) -> dict[str, Any] | None:
    clock: Clock | None = review.clock
    if clock is None:
        return None
    from cases.actions.clocks import ClockCalendar

    day = today or timezone.localdate()
    calendar = ClockCalendar()
    stopped = clock.state == Clock.State.STOPPED
    return {
        "due_on": clock.due_on,
        "days_left": None if stopped else clock_rules.days_left(clock.due_on, day, clock.unit, calendar),
        "status": "done"
        if stopped
        else clock_rules.clock_status(clock.due_on, day, clock.unit, calendar, clock.warn_days),
        "state": clock.state,
        "state_label": clock.get_state_display(),
        "extended_days": clock.extended_days,
        "paused": clock.state == Clock.State.PAUSED,
        "met": clock.met,
    }


def _own(user: Any) -> QuerySet[Review]:
    return Review.objects.filter(agency_id=user.agency_id).select_related(
        "case", "reviewer", "clock", "department"
    )


def queue(user: Any) -> list[Review]:
    """The reviewer's queue: submissions waiting for an opinion, assigned to the user or to nobody; due next first."""
    reviews = list(
        _own(user).filter(state=Review.State.SUBMITTED).filter(Q(reviewer=user) | Q(reviewer__isnull=True))
    )
    return sorted(reviews, key=lambda r: (r.clock.due_on if r.clock else date.max, r.pk))


def submissions_for(user: Any) -> QuerySet[Review]:
    """The 承办科室's reviews (the user's department; leaders see the agency's)."""
    qs = _own(user)
    if not (set(user.role_codes) & LEADERS) and user.department_id:
        qs = qs.filter(Q(department_id=user.department_id) | Q(submitted_by=user))
    elif not (set(user.role_codes) & LEADERS):
        qs = qs.filter(submitted_by=user)
    return qs.order_by("-created_at")


def pending_extensions(user: Any) -> QuerySet[Extension]:
    return (
        Extension.objects.filter(review__agency_id=user.agency_id, state=Extension.State.PENDING)
        .select_related("review__case", "review__clock", "requested_by")
        .order_by("requested_at")
    )


def unsigned_discussions(user: Any) -> QuerySet[CollectiveDiscussion]:
    return (
        CollectiveDiscussion.objects.filter(agency_id=user.agency_id, signed_by__isnull=True)
        .select_related("case")
        .order_by("held_at")
    )


def register(user: Any, *, year: int | None = None, state: str = "", q: str = "") -> QuerySet[Review]:
    qs = _own(user)
    if year:
        qs = qs.filter(created_at__year=year)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(case__number__icontains=q) | Q(case__title__icontains=q))
    return qs.annotate(first_on=Min("submissions__submitted_on")).order_by("-created_at")


def statistics(reviews: QuerySet[Review]) -> dict[str, Any]:
    """审核数, 纠错数 (reviews with at least one 存在问题 opinion) and rate, average working days from the first
    submission to 审核通过, on-time rate of the opinions given."""
    from cases.actions.clocks import ClockCalendar
    from core.workdays import workdays_between

    problem = Opinion.objects.filter(review=OuterRef("pk"), conclusion=Opinion.Conclusion.PROBLEM)
    rows = list(reviews.annotate(corrected=Exists(problem)).select_related(None).order_by())
    total = len(rows)
    approved = [r for r in rows if r.state == Review.State.APPROVED]
    corrected = sum(1 for r in rows if getattr(r, "corrected", False))
    decided = [r for r in rows if r.state in (Review.State.APPROVED, Review.State.RETURNED) or r.rounds > 1]
    calendar = ClockCalendar()
    days = [
        workdays_between(r.first_submitted_on, r.approved_on, calendar)
        for r in approved
        if r.approved_on and r.first_submitted_on
    ]
    opinions = Opinion.objects.filter(review__in=[r.pk for r in rows])
    given = opinions.count()
    on_time = opinions.filter(on_time=True).count()

    def rate(n: int, d: int) -> Decimal | None:
        return (Decimal(n) * 100 / Decimal(d)).quantize(Decimal("0.1")) if d else None

    return {
        "total": total,
        "approved": len(approved),
        "pending": sum(1 for r in rows if r.state in OPEN),
        "returned_once": corrected,
        "correction_rate": rate(corrected, len(decided)),
        "average_days": (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")) if days else None,
        "opinions": given,
        "on_time": on_time,
        "on_time_rate": rate(on_time, given),
    }


def staff_ratio(agency: Any) -> rules.RatioCheck:
    """审核人员 (active officers with 法律职业资格 in the 法制审核机构 holding the reviewer role) against the agency's
    active enforcement officers."""
    officers = Officer.objects.filter(agency=agency, is_active=True, state="published")
    reviewer_users = [
        u.pk
        for u in User.objects.filter(agency=agency, is_active=True, department__is_review_office=True)
        if Role.REVIEWER in u.role_codes
    ]
    reviewers = officers.filter(has_legal_qualification=True, user_id__in=reviewer_users).count()
    return rules.staff_ratio(reviewers, officers.count(), policy_for(agency).staff_ratio_percent)


def material_options(case: Case) -> dict[str, Any]:
    from evidence.models import EvidenceItem

    documents = [
        {
            "id": d.pk,
            "title": d.title,
            "number": d.number,
            "doc_type": d.doc_type,
            "state": d.get_state_display(),
        }
        for d in Document.objects.filter(case=case).exclude(state=Document.State.SUPERSEDED).order_by("id")
    ]
    evidence = [
        {
            "id": e.pk,
            "title": e.title,
            "sha256": e.blob.sha256,
            "sm3": e.blob.sm3,
            "kind": e.get_kind_display(),
        }
        for e in EvidenceItem.objects.filter(case=case, is_voided=False).select_related("blob").order_by("id")
    ]
    return {
        "documents": documents,
        "evidence": evidence,
        "hearing_held": case.hearing_held,
        "required": list(rules.required_materials(case.procedure, case.hearing_held)),
    }
