"""Staff pages of 结果公示 under /manage/results/: the queue of drafts (due first, yellow/red badges), a draft with
the redacted text and what was masked highlighted, publish / 不予公开, a case's 决定变更 form, and the withdrawal
queue with its 3-working-day deadline.

Thin: objects come through ``scoped_get``; every change goes through ``publicity.results``; a refusal is shown on
the page that was submitted with the input kept (status 400).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.access import access, can, scoped, scoped_get
from cases.forms import bootstrap
from cases.models import Case
from core.errors import SanxiangError
from core.formerrors import apply_errors
from publicity import result_rules as rr
from publicity import results
from publicity.models import DecisionChange, Publication, ResultDraft

PAGE_SIZE = 30
STATES = [
    ("pending", "待公示"),
    ("published", "已公示"),
    ("blocked", "依法不予公开"),
    ("withdrawn", "已撤回"),
]


class BlockForm(forms.Form):
    reason = forms.CharField(
        label="不予公开理由",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="如：涉及商业秘密；当事人为未成年人（regulations.md §9）",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ChangeForm(forms.Form):
    change = forms.ChoiceField(label="变化类型", choices=DecisionChange.Change.choices)
    source = forms.ChoiceField(label="来源", choices=DecisionChange.Source.choices)
    occurred_on = forms.DateField(
        label="作出日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="行政复议决定、判决或本机关纠正决定的作出日期；撤回期限自次日起算3个工作日",
    )
    reference = forms.CharField(label="文书文号", max_length=120, required=False)
    notice = forms.CharField(
        label="撤回说明",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="将在公示网站“撤回公告”中公开，写明撤回的理由（《行政处罚法》第四十八条第二款）",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


def _errors(exc: SanxiangError) -> list[str]:
    return list(getattr(exc, "errors", None) or [exc.message])


def _drafts(user: Any) -> Any:
    return scoped(user, "publicity.read", ResultDraft.objects.select_related("case", "agency"))


@access("publicity.read")
def queue(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state") or "pending"
    if state not in dict(STATES):
        state = "pending"
    drafts = _drafts(request.user).filter(state=state)
    drafts = drafts.order_by("due_on", "id") if state == "pending" else drafts.order_by("-decided_on", "-id")
    page = Paginator(drafts, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    cal = results.calendar()
    rows = [
        {"draft": d, "badge": rr.badge(d.due_on, today, cal) if d.state == "pending" else None} for d in page
    ]
    return render(
        request,
        "publicity/results/queue.html",
        {"page": page, "rows": rows, "states": STATES, "state": state, "section": "queue"},
    )


def _draft_context(request: HttpRequest, draft: ResultDraft, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    history = list(
        ResultDraft.objects.filter(case=draft.case).select_related("publication").order_by("version")
    )
    publications = list(
        Publication.objects.filter(
            kind="decision", agency_id=draft.agency_id, key=draft.case.number
        ).order_by("version")
    )
    return {
        "draft": draft,
        "case": draft.case,
        "badge": rr.badge(draft.due_on, today, results.calendar()) if draft.state == "pending" else None,
        "preview": results.preview(draft),
        "fields": draft.fields,
        "history": history,
        "publications": publications,
        "changes": list(DecisionChange.objects.filter(case=draft.case).order_by("-recorded_at")),
        "may_review": can(request.user, "publicity.review", draft.agency_id),
        "may_change": can(request.user, "case.handle", draft.agency_id),
        "block_form": extra.pop("block_form", None) or BlockForm(),
        "errors": extra.pop("errors", []),
        "deadline_article": rr.DEADLINE_ARTICLE,
        "section": "queue",
        **extra,
    }


@access("publicity.read")
def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draft = scoped_get(
        request.user,
        "publicity.read",
        ResultDraft.objects.select_related("case", "agency", "case__item"),
        pk=pk,
    )
    return render(request, "publicity/results/draft.html", _draft_context(request, draft))


@access("publicity.review")
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    draft = scoped_get(request.user, "publicity.review", ResultDraft.objects.select_related("case"), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        publication = results.publish_result(request.user, draft)
    except SanxiangError as exc:
        context = _draft_context(request, draft, errors=_errors(exc))
        return render(request, "publicity/results/draft.html", context, status=400)
    messages.success(request, f"已公示：{publication.title}（第{publication.version}版）")
    return redirect("results:draft", draft.pk)


@access("publicity.review")
def block(request: HttpRequest, pk: int) -> HttpResponse:
    draft = scoped_get(request.user, "publicity.review", ResultDraft.objects.select_related("case"), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = BlockForm(request.POST)
    if form.is_valid():
        try:
            results.block_result(request.user, draft, reason=form.cleaned_data["reason"])
        except SanxiangError as exc:
            apply_errors(form, exc, fallback="reason")
        else:
            messages.success(request, "已标记为依法不予公开")
            return redirect("results:draft", draft.pk)
    context = _draft_context(request, draft, block_form=form)
    return render(request, "publicity/results/draft.html", context, status=400)


@access("publicity.read")
def changes(request: HttpRequest) -> HttpResponse:
    pending = request.GET.get("done") != "1"
    rows_qs = scoped(request.user, "publicity.read", DecisionChange.objects.select_related("case", "draft"))
    rows_qs = rows_qs.filter(withdrawn_on__isnull=pending)
    rows_qs = rows_qs.order_by("due_on", "id") if pending else rows_qs.order_by("-withdrawn_on", "-id")
    page = Paginator(rows_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    cal = results.calendar()
    rows = [
        {
            "change": c,
            "badge": rr.badge(c.due_on, today, cal) if c.withdrawn_on is None else None,
            "may_withdraw": can(request.user, "publicity.review", c.agency_id),
        }
        for c in page
    ]
    return render(
        request,
        "publicity/results/changes.html",
        {
            "page": page,
            "rows": rows,
            "pending": pending,
            "section": "changes",
            "article": rr.WITHDRAWAL_ARTICLE,
        },
    )


@access("case.handle")
def change_create(request: HttpRequest, case_id: int) -> HttpResponse:
    case = scoped_get(request.user, "case.handle", Case.objects.select_related("agency"), pk=case_id)
    drafts = list(ResultDraft.objects.filter(case=case).order_by("-version"))
    form = ChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                results.record_change(
                    request.user,
                    case,
                    change=data["change"],
                    source=data["source"],
                    occurred_on=data["occurred_on"],
                    reference=data["reference"] or "",
                    notice=data["notice"],
                )
            except SanxiangError as exc:
                for error in _errors(exc):
                    field = next(
                        (f for f in form.fields if error.startswith(f"{form.fields[f].label}：")), None
                    )
                    form.add_error(
                        field, error.removeprefix(f"{form.fields[field].label}：") if field else error
                    )
            else:
                messages.success(request, "已登记决定变更，公示审核员须在3个工作日内撤回原公示")
                return redirect("results:changes")
        status = 400
    return render(
        request,
        "publicity/results/change_form.html",
        {
            "case": case,
            "form": form,
            "drafts": drafts,
            "article": rr.WITHDRAWAL_ARTICLE,
            "section": "changes",
        },
        status=status,
    )


@access("publicity.review")
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    change = scoped_get(
        request.user, "publicity.review", DecisionChange.objects.select_related("case"), pk=pk
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        results.withdraw_for_change(request.user, change)
    except SanxiangError as exc:
        messages.error(request, exc.message)
        return redirect("results:changes")
    messages.success(request, f"已撤回 {change.case.number} 的结果公示，撤回说明已公开")
    return redirect("results:changes")
