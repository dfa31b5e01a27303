"""Staff pages of 法制审核 and 集体讨论 under /review/: the reviewer's queue, the 承办科室's submissions, the leaders'
approvals, the register with statistics and the 审核人员 ratio, the scope settings, a review's complete record with
the forms its readers may use, 送审 and 重新送审, and a case's 法制审核 tab with its 集体讨论.

Thin: every object is fetched through ``scoped_get`` and every change goes through ``review.actions``; a refusal is
shown in Chinese on the page that was submitted, with the input kept (status 400).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.access import access, can, require, scoped_get
from cases import rules as case_rules
from cases.models import Case, CaseOfficer, Document, StepOfficer
from cases.views import header_context, tabs
from core.errors import SanxiangError, ValidationFailed
from core.formerrors import apply_errors
from review import actions, rules, selectors
from review.forms import (
    AssignForm,
    DecideExtensionForm,
    DiscussionForm,
    ExtensionForm,
    OpinionForm,
    PolicyForm,
    ResubmitForm,
    SubmitForm,
    WithdrawForm,
)
from review.models import CollectiveDiscussion, Extension, Opinion, Policy, Review, Submission

PAGE_SIZE = 30
OPEN = (Review.State.SUBMITTED, Review.State.RETURNED)
# The sections of the 法制审核 pages: (capability, label, URL name).
SECTIONS: list[tuple[str, str, str]] = [
    ("review.review", "待审核", "review:queue"),
    ("review.submit", "本科室送审", "review:submissions"),
    ("review.approve", "领导审批", "review:approvals"),
    ("review.read", "审核台账", "review:register"),
    ("review.read", "审核范围设置", "review:policy"),
]


def _errors(exc: SanxiangError) -> list[str]:
    return list(exc.errors) if isinstance(exc, ValidationFailed) else [exc.message]


def section_nav(user: Any, active: str) -> list[dict[str, Any]]:
    return [
        {"label": label, "url": reverse(name), "active": name == active}
        for capability, label, name in SECTIONS
        if can(user, capability)
    ]


def _reviews() -> QuerySet[Review]:
    return Review.objects.select_related(
        "case", "case__item", "agency", "department", "reviewer", "submitted_by", "clock"
    )


def _review(request: HttpRequest, capability: str, pk: int) -> Review:
    return scoped_get(request.user, capability, _reviews(), pk=pk)


def _case(request: HttpRequest, capability: str, case_id: int) -> Case:
    return scoped_get(
        request.user,
        capability,
        Case.objects.select_related("agency", "department", "item", "created_by"),
        pk=case_id,
    )


def _name(user: Any) -> str:
    return (user.full_name or user.username) if user else ""


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _latest_opinions(reviews: list[Review]) -> dict[int, Opinion]:
    found: dict[int, Opinion] = {}
    for op in Opinion.objects.filter(review__in=reviews).order_by("issued_at", "id"):
        found[op.review_id] = op
    return found


def clock_badge(view: dict[str, Any] | None) -> dict[str, str] | None:
    """The badge of a review clock (``selectors.clock_view``): CSS class and Chinese text; yellow at 1 working day
    left, red when overdue, grey while paused (returned for revision stops the clock)."""
    if view is None:
        return None
    due = view["due_on"].strftime("%Y-%m-%d") if view.get("due_on") else ""
    left = view.get("days_left")
    status = view.get("status")
    if view.get("paused"):
        return {"css": "sx-clock-paused", "text": f"期限暂停（退回修改中，原{due}届满）"}
    if status == "done":
        met = view.get("met")
        verdict = "按期办结" if met else ("逾期办结" if met is False else "已办结")
        return {"css": "sx-clock-red" if met is False else "sx-clock-ok", "text": verdict}
    if status == "red":
        over = f"已逾期{-left}个工作日" if isinstance(left, int) and left < 0 else "已逾期"
        return {"css": "sx-clock-red", "text": f"{over}（{due}届满）"}
    text = f"{due}届满" + (f"，还剩{left}个工作日" if isinstance(left, int) else "")
    return {"css": "sx-clock-yellow" if status == "yellow" else "sx-clock-ok", "text": text}


def _rows(reviews: list[Review]) -> list[dict[str, Any]]:
    """List rows: the review, its clock badge and its latest opinion."""
    latest = _latest_opinions(reviews)
    return [
        {"review": r, "badge": clock_badge(selectors.clock_view(r)), "opinion": latest.get(r.pk)}
        for r in reviews
    ]


# --- lists -----------------------------------------------------------------------------------------------------


@access("review.review")
def queue(request: HttpRequest) -> HttpResponse:
    reviews = selectors.queue(request.user)
    return render(
        request,
        "review/queue.html",
        {"rows": _rows(reviews), "sections": section_nav(request.user, "review:queue")},
    )


@access("review.read")
def submissions(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.submissions_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "review/submissions.html",
        {
            "page": page,
            "rows": _rows(list(page)),
            "sections": section_nav(request.user, "review:submissions"),
        },
    )


def approvals_context(request: HttpRequest, **forms: Any) -> dict[str, Any]:
    extensions = list(selectors.pending_extensions(request.user))
    return {
        "extensions": [
            {"extension": e, "badge": clock_badge(selectors.clock_view(e.review))} for e in extensions
        ],
        "discussions": list(selectors.unsigned_discussions(request.user)),
        "decide_form": forms.get("decide_form") or DecideExtensionForm(),
        "decide_for": forms.get("decide_for"),
        "sections": section_nav(request.user, "review:approvals"),
    }


@access("review.approve")
def approvals(request: HttpRequest) -> HttpResponse:
    return render(request, "review/approvals.html", approvals_context(request))


def _year(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 2000 <= int(value) <= 2100 else None


@access("review.read")
def register(request: HttpRequest) -> HttpResponse:
    g = request.GET
    year = _year(g.get("year"))
    state = str(g.get("state") or "")
    state = state if state in Review.State.values else ""
    q = (g.get("q") or "").strip()[:100]
    qs = selectors.register(request.user, year=year, state=state, q=q)
    agency = request.user.agency  # type: ignore[union-attr]
    page = Paginator(qs, PAGE_SIZE).get_page(g.get("page"))
    this_year = timezone.localdate().year
    return render(
        request,
        "review/register.html",
        {
            "page": page,
            "rows": _rows(list(page)),
            "stats": selectors.statistics(qs),
            "ratio": selectors.staff_ratio(agency),
            "filters": {"year": year or "", "state": state, "q": q},
            "years": list(range(this_year, this_year - 6, -1)),
            "states": Review.State.choices,
            "sections": section_nav(request.user, "review:register"),
        },
    )


@access("review.read")
def policy(request: HttpRequest) -> HttpResponse:
    user = request.user
    agency: Any = user.agency  # type: ignore[union-attr]
    current = selectors.policy_for(agency)
    may_configure = can(user, "review.configure", agency.pk)
    form = None
    status = 200
    if request.method == "POST":
        require(user, "review.configure", agency.pk)
        form = PolicyForm(request.POST, instance=selectors.policy_for(agency))
        if form.is_valid():
            try:
                actions.save_policy(user, agency, form.cleaned_data)
            except SanxiangError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已保存法制审核范围设置")
                return redirect("review:policy")
        status = 400
    elif may_configure:
        form = PolicyForm(instance=current)
    values = [(_verbose(name), getattr(current, name)) for name in PolicyForm.base_fields]
    return render(
        request,
        "review/policy.html",
        {
            "policy": current,
            "values": values,
            "form": form,
            "may_configure": may_configure,
            "ratio": selectors.staff_ratio(agency),
            "sections": section_nav(user, "review:policy"),
        },
        status=status,
    )


def _verbose(name: str) -> str:
    return str(getattr(Policy._meta.get_field(name), "verbose_name", name))


# --- one review ------------------------------------------------------------------------------------------------


def proposal_view(case: Case, proposal: dict[str, Any]) -> dict[str, Any]:
    outcome = proposal.get("outcome") or ""
    return {
        "outcome": case_rules.OUTCOMES.get(case.procedure, {}).get(outcome, outcome),
        "penalty_types": [case_rules.PENALTY_TYPES.get(t, t) for t in proposal.get("penalty_types") or []],
        "fine_amount": proposal.get("fine_amount"),
        "confiscation_amount": proposal.get("confiscation_amount"),
        "summary": proposal.get("summary") or "",
    }


def material_rows(materials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A submission's materials as shown: kind label, title, 文号, SHA-256/SM3 (evidence) — whatever was recorded."""
    rows = []
    for m in materials or []:
        kind = str(m.get("kind") or "")
        rows.append(
            {
                "kind": rules.MATERIAL_KINDS.get(kind, kind),
                "title": m.get("title") or "",
                "number": m.get("number") or "",
                "sha256": m.get("sha256") or "",
                "sm3": m.get("sm3") or "",
                "document_id": m.get("document_id"),
                "evidence_id": m.get("evidence_id"),
            }
        )
    return rows


def checklist_rows(checklist: dict[str, Any]) -> list[dict[str, Any]]:
    labels = dict(rules.REVIEW_POINTS)
    codes = [c for c, _ in rules.REVIEW_POINTS] + [c for c in checklist if c not in labels]
    return [
        {
            "label": labels.get(code, code),
            "ok": (checklist.get(code) or {}).get("ok"),
            "note": (checklist.get(code) or {}).get("note", ""),
        }
        for code in codes
        if code in checklist or code in labels
    ]


def _round_rows(review: Review) -> list[dict[str, Any]]:
    opinions = {
        op.submission_id: op
        for op in Opinion.objects.filter(review=review).select_related("reviewer", "document", "submission")
    }
    rows = []
    for s in Submission.objects.filter(review=review).select_related("submitted_by").order_by("round"):
        op = opinions.get(s.pk)
        rows.append(
            {
                "submission": s,
                "statement": [
                    (label, (s.statement or {}).get(key, "")) for key, label in rules.STATEMENT_FIELDS.items()
                ],
                "materials": material_rows(s.materials),
                "opinion": op,
                "checklist": checklist_rows(op.checklist or {}) if op else [],
            }
        )
    return rows


def _document_links(doc: Document | None) -> dict[str, str] | None:
    if doc is None:
        return None
    return {
        fmt: reverse("cases:document_download", kwargs={"pk": doc.case_id, "doc_pk": doc.pk, "fmt": fmt})
        for fmt in ("pdf", "docx")
    }


def detail_context(request: HttpRequest, review: Review, **forms: Any) -> dict[str, Any]:
    """Everything the record shows; ``forms`` replaces a blank form with the bound one that was refused."""
    user = request.user
    case = review.case
    agency_id = review.agency_id
    rounds = _round_rows(review)
    extensions = list(
        Extension.objects.filter(review=review)
        .select_related("requested_by", "decided_by")
        .order_by("requested_at")
    )
    pending = next((e for e in extensions if e.state == Extension.State.PENDING), None)
    extended = any(e.state == Extension.State.APPROVED for e in extensions)
    is_reviewer = can(user, "review.review", agency_id)
    is_submitter = can(user, "review.submit", agency_id)
    submitted = review.state == Review.State.SUBMITTED
    events = []
    if review.clock is not None:
        events = list(review.clock.events.select_related("actor", "approver").order_by("id"))
    return {
        "review": review,
        "case": case,
        "proposal": proposal_view(case, review.proposal or {}),
        "rounds": rounds,
        "clock": selectors.clock_view(review),
        "badge": clock_badge(selectors.clock_view(review)),
        "clock_events": events,
        "extensions": extensions,
        "sections": section_nav(user, ""),
        # A refused form is shown again with its message even when the state no longer offers it.
        "can_assign": (is_reviewer and submitted) or "assign_form" in forms,
        "can_opine": (is_reviewer and submitted and review.reviewer_id in (None, user.pk))
        or "opinion_form" in forms,
        "can_extend": (is_reviewer and submitted and pending is None and not extended)
        or "extension_form" in forms,
        "can_resubmit": is_submitter and review.state == Review.State.RETURNED,
        "can_withdraw": (is_submitter and review.state in OPEN) or "withdraw_form" in forms,
        "can_decide": (can(user, "review.approve", agency_id) and pending is not None)
        or "decide_ext" in forms,
        "pending_extension": forms.get("decide_ext") or pending,
        "assign_form": forms.get("assign_form")
        or AssignForm(
            reviewers=selectors.eligible_reviewers(case) if is_reviewer and submitted else [],
            initial={"reviewer": str(review.reviewer_id or user.pk)},
        ),
        "opinion_form": forms.get("opinion_form") or OpinionForm(initial={"round": review.rounds}),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "decide_form": forms.get("decide_form") or DecideExtensionForm(),
    }


@access("review.read")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, "review.read", pk)
    return render(request, "review/detail.html", detail_context(request, review))


def _refused(request: HttpRequest, review: Review, **forms: Any) -> HttpResponse:
    return render(request, "review/detail.html", detail_context(request, review, **forms), status=400)


def _post_review(request: HttpRequest, capability: str, pk: int) -> Review | HttpResponse:
    review = _review(request, capability, pk)
    if request.method != "POST":  # after the scope check, so an outsider learns nothing but 403
        return HttpResponseNotAllowed(["POST"])
    return review


@access("review.review")
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    review = _post_review(request, "review.review", pk)
    if isinstance(review, HttpResponse):
        return review
    form = AssignForm(request.POST, reviewers=selectors.eligible_reviewers(review.case))
    if not form.is_valid():
        return _refused(request, review, assign_form=form)
    reviewer = form.reviewer_user()
    try:
        actions.assign(request.user, review, reviewer=reviewer)
    except SanxiangError as exc:
        apply_errors(form, exc, fallback="reviewer")
        return _refused(request, review, assign_form=form)
    messages.success(request, f"已分配给{_name(reviewer)}审核")
    return redirect("review:detail", review.pk)


@access("review.review")
def opinion(request: HttpRequest, pk: int) -> HttpResponse:
    review = _post_review(request, "review.review", pk)
    if isinstance(review, HttpResponse):
        return review
    form = OpinionForm(request.POST)
    if not form.is_valid():
        return _refused(request, review, opinion_form=form)
    d = form.cleaned_data
    try:
        op = actions.give_opinion(
            request.user,
            review,
            round=d["round"],
            conclusion=d["conclusion"],
            action=d.get("action") or "",
            checklist=form.checklist(),
            reasons=(d.get("reasons") or "").strip(),
        )
    except SanxiangError as exc:
        apply_errors(form, exc)
        return _refused(request, review, opinion_form=form)
    number = f"（{op.document.number}）" if op.document is not None and op.document.number else ""
    messages.success(request, f"已出具法制审核意见书{number}：{op.get_conclusion_display()}")
    return redirect("review:detail", review.pk)


@access("review.review")
def extension(request: HttpRequest, pk: int) -> HttpResponse:
    review = _post_review(request, "review.review", pk)
    if isinstance(review, HttpResponse):
        return review
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _refused(request, review, extension_form=form)
    try:
        actions.request_extension(
            request.user, review, days=form.cleaned_data["days"], reason=form.cleaned_data["reason"].strip()
        )
    except SanxiangError as exc:
        apply_errors(form, exc, fallback="reason")
        return _refused(request, review, extension_form=form)
    messages.success(request, "已提出延长审核期限申请，待分管领导审批")
    return redirect("review:detail", review.pk)


@access("review.submit")
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    review = _post_review(request, "review.submit", pk)
    if isinstance(review, HttpResponse):
        return review
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _refused(request, review, withdraw_form=form)
    try:
        actions.withdraw(request.user, review, reason=form.cleaned_data["reason"].strip())
    except SanxiangError as exc:
        apply_errors(form, exc, fallback="reason")
        return _refused(request, review, withdraw_form=form)
    messages.success(request, f"已撤回送审：{review.number}")
    return redirect("review:detail", review.pk)


@access("review.approve")
def decide_extension(request: HttpRequest, pk: int) -> HttpResponse:
    ext = scoped_get(
        request.user,
        "review.approve",
        Extension.objects.select_related("review__case", "review__clock"),
        agency_field="review__agency_id",
        pk=pk,
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = DecideExtensionForm(request.POST)
    from_detail = request.POST.get("from") == "detail"
    error: SanxiangError | None = None
    if form.is_valid():
        try:
            actions.decide_extension(
                request.user,
                ext,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"].strip(),
            )
        except SanxiangError as exc:
            error = exc
        else:
            verdict = "同意" if form.cleaned_data["approve"] else "不同意"
            messages.success(request, f"已审批延长申请（{ext.review.number}）：{verdict}")
            return redirect("review:detail", ext.review_id) if from_detail else redirect("review:approvals")
    if error is not None:
        apply_errors(form, error, fallback="note")
    if from_detail:
        review = _review(request, "review.read", ext.review_id)
        return _refused(request, review, decide_form=form, decide_ext=ext)
    context = approvals_context(request, decide_form=form, decide_for=ext.pk)
    return render(request, "review/approvals.html", context, status=400)


# --- 送审 -------------------------------------------------------------------------------------------------------


def qualifications_text(case: Case) -> str:
    """The case's officers with their 执法证 number, one a line (prefills the 情况说明): the active 承办人员 with their
    current certificate, then the officers recorded on the case's acts with the number they showed."""
    lines: dict[int, str] = {}
    assignments = (
        CaseOfficer.objects.filter(case=case, released_at__isnull=True)
        .select_related("officer")
        .order_by("-is_lead", "id")
    )
    for a in assignments:
        cert = a.officer.current_certificate()
        lines[a.officer_id] = (
            f"{a.officer.name}（执法证号{cert.number}）" if cert else f"{a.officer.name}（无有效执法证）"
        )
    for so in (
        StepOfficer.objects.filter(step__case=case).select_related("officer").order_by("-step__seq", "id")
    ):
        if so.officer_id not in lines and so.certificate_number:
            lines[so.officer_id] = f"{so.officer.name}（执法证号{so.certificate_number}）"
    return "\n".join(lines.values())


def submit_initial(case: Case, options: dict[str, Any]) -> dict[str, Any]:
    """Prefill from the case: the summary, the items' 法律依据, the officers' certificates, the case's decision if one
    was drafted, and every current 文书 and evidence item ticked (the officer unticks what is not sent)."""
    basis = "；".join(f"{b.law}{b.article}" for b in case.item.legal_bases.all())
    return {
        "facts": case.summary,
        "basis": basis,
        "qualifications": qualifications_text(case),
        "outcome": case.outcome or ("penalty" if case.procedure.startswith("penalty") else "grant"),
        "penalty_types": list(case.penalty_types or []),
        "fine_amount": case.fine_amount,
        "confiscation_amount": case.confiscation_amount,
        "summary": case.outcome_text,
        "documents": [str(d["id"]) for d in options.get("documents") or []],
        "evidence": [str(e["id"]) for e in options.get("evidence") or []],
        "grounds": list(getattr(case, "review_grounds", None) or []),
    }


def submit_context(case: Case, form: SubmitForm, options: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "case": case,
        "form": form,
        "options": options,
        "required": [rules.MATERIAL_KINDS.get(k, k) for k in options.get("required") or []],
        "scope": selectors.scope(case),
        "bands": list(case.item.discretion_bands.all()),
        "at_review_step": case.current_step == actions.REVIEW_STEP,
        "tabs": tabs(case, "review:case_reviews"),
        **header_context(case),
        **extra,
    }


@access("review.submit")
def submit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, "review.submit", case_id)
    options = selectors.material_options(case)
    refused: list[str] = []
    if request.method == "POST":
        form = SubmitForm(request.POST, case=case, options=options)
        if form.is_valid():
            try:
                review = actions.submit(request.user, case, **form.payload())
            except SanxiangError as exc:
                refused = _errors(exc)
            else:
                messages.success(request, f"已报送法制审核：{review.number}")
                return redirect("review:detail", review.pk)
    else:
        form = SubmitForm(initial=submit_initial(case, options), case=case, options=options)
    context = submit_context(
        case, form, options, refused=refused, action=reverse("review:submit", args=[case.pk])
    )
    return render(request, "review/submit.html", context, status=400 if request.method == "POST" else 200)


def resubmit_initial(review: Review, options: dict[str, Any]) -> dict[str, Any]:
    """The last round's content, to be amended."""
    last = Submission.objects.filter(review=review).order_by("-round").first()
    proposal = review.proposal or {}
    initial: dict[str, Any] = {
        "outcome": proposal.get("outcome"),
        "penalty_types": list(proposal.get("penalty_types") or []),
        "fine_amount": proposal.get("fine_amount"),
        "confiscation_amount": proposal.get("confiscation_amount"),
        "summary": proposal.get("summary") or "",
    }
    if last is None:
        return initial
    initial.update({key: (last.statement or {}).get(key, "") for key in rules.STATEMENT_FIELDS})
    initial["draft_decision"] = last.draft_decision
    initial["other"] = last.other
    docs, evidence = [], []
    for m in last.materials or []:
        if m.get("document_id"):
            docs.append(str(m["document_id"]))
        if m.get("evidence_id"):
            evidence.append(str(m["evidence_id"]))
    initial["documents"] = docs
    initial["evidence"] = evidence
    return initial


@access("review.submit")
def resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, "review.submit", pk)
    case = review.case
    options = selectors.material_options(case)
    refused: list[str] = []
    if request.method == "POST":
        form = ResubmitForm(request.POST, case=case, options=options)
        if form.is_valid():
            try:
                actions.resubmit(request.user, review, **form.payload())
            except SanxiangError as exc:
                refused = _errors(exc)
            else:
                messages.success(request, f"已重新送审：{review.number} 第{review.rounds + 1}次送审")
                return redirect("review:detail", review.pk)
    else:
        form = ResubmitForm(initial=resubmit_initial(review, options), case=case, options=options)
    latest = _latest_opinions([review]).get(review.pk)
    context = submit_context(
        case,
        form,
        options,
        refused=refused,
        review=review,
        opinion=latest,
        action=reverse("review:resubmit", args=[review.pk]),
    )
    return render(request, "review/submit.html", context, status=400 if request.method == "POST" else 200)


# --- a case's 法制审核 tab and its 集体讨论 --------------------------------------------------------------------


@access("review.read")
def case_reviews(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, "review.read", case_id)
    user = request.user
    reviews = list(selectors.reviews_of_case(case))
    discussions = [
        {"discussion": d, "links": _document_links(d.document)} for d in selectors.discussions_of_case(case)
    ]
    has_open = any(r.state in OPEN for r in reviews)
    submitter = can(user, "review.submit", case.agency_id) and not case.is_read_only
    return render(
        request,
        "review/case_reviews.html",
        {
            "case": case,
            "scope": selectors.scope(case),
            "gate_problem": selectors.gate_problem(case),
            "discussion_problem": selectors.discussion_problem(case),
            "rows": _rows(reviews),
            "discussions": discussions,
            "can_submit": submitter and not has_open and case.current_step == actions.REVIEW_STEP,
            "submit_later": submitter and not has_open and case.current_step != actions.REVIEW_STEP,
            "can_record": submitter and case.procedure == "penalty_general",  # 第五十七条第二款: 处罚 only
            "can_sign": can(user, "review.approve", case.agency_id),
            "tabs": tabs(case, "review:case_reviews"),
            **header_context(case),
        },
    )


@access("review.submit")
def discussion(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, "review.submit", case_id)
    if request.method == "POST":
        form = DiscussionForm(request.POST)
        if form.is_valid():
            try:
                actions.record_discussion(request.user, case, **form.payload())
            except SanxiangError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已记录集体讨论，待负责人签名")
                return redirect("review:case_reviews", case.pk)
        status = 400
    else:
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = DiscussionForm(initial={"held_at": now, "recorder": _name(request.user)})
        status = 200
    return render(
        request,
        "review/discussion.html",
        {"case": case, "form": form, "tabs": tabs(case, "review:case_reviews"), **header_context(case)},
        status=status,
    )


@access("review.approve")
def sign_discussion(request: HttpRequest, pk: int) -> HttpResponse:
    record = scoped_get(
        request.user, "review.approve", CollectiveDiscussion.objects.select_related("case"), pk=pk
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    target = _next_url(request, reverse("review:case_reviews", args=[record.case_id]))
    try:
        actions.sign_discussion(request.user, record)
    except SanxiangError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, f"已在集体讨论笔录上签名（{record.case.number}，{_held(record.held_at)}）")
    return redirect(target)


def _held(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
