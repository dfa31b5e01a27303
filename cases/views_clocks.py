"""Pages of a case's clocks (期限) and compliance sheet (合规检查). Thin: forms → ``cases.actions.clocks``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.access import access, can, scoped_get
from accounts.models import Role, User
from cases import clock_rules, compliance
from cases.actions import clocks as clock_actions
from cases.models import Case, Clock
from core.errors import SanxiangError
from core.formerrors import apply_errors


def _control(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class _DatedForm(forms.Form):
    on = forms.DateField(
        label="日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="默认今天；不能晚于今天",
    )

    def clean_on(self) -> date:
        day = self.cleaned_data.get("on") or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError("不能晚于今天")
        return day


class PauseForm(_DatedForm):
    ground = forms.ChoiceField(label="暂停事由")
    reason = forms.CharField(label="具体情况", max_length=200, widget=forms.TextInput())

    def __init__(self, *args: Any, procedure: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grounds = {g.code: g for g in clock_rules.pause_reasons(procedure)}
        ground = self.fields["ground"]
        assert isinstance(ground, forms.ChoiceField)
        ground.choices = [
            (g.code, g.label + ("（推断）" if g.inferred else "")) for g in self.grounds.values()
        ]
        _control(self)

    def full_reason(self) -> str:
        ground = self.grounds[self.cleaned_data["ground"]]
        return f"{ground.label}：{self.cleaned_data['reason']}（{ground.article}）"


class ResumeForm(_DatedForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _control(self)


class ExtendForm(_DatedForm):
    days = forms.IntegerField(label="延长天数", min_value=1, max_value=365)
    reason = forms.CharField(label="延长理由", max_length=200, widget=forms.TextInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _control(self)


FORMS = {"pause": PauseForm, "resume": ResumeForm, "extend": ExtendForm}


def _case(request: HttpRequest, pk: int) -> Case:
    return scoped_get(request.user, "case.read", Case.objects.select_related("item", "agency"), pk=pk)


def _tabs(case: Case, active: str) -> list[dict[str, Any]]:
    from cases.views import tabs

    return tabs(case, active)


def _approvers(case: Case, role: str) -> list[User]:
    if not role:
        return []
    return list(User.objects.filter(agency=case.agency, is_active=True, roles__role=role).distinct())


def _role_label(code: str) -> str:
    try:
        return str(Role(code).label)
    except ValueError:
        return code


@access("case.read")
def clocks(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    handle = can(request.user, "case.handle", case.agency_id) and not case.is_read_only
    bound: dict[tuple[int, str], forms.Form] = {}
    if request.method == "POST":
        if not handle:
            raise PermissionDenied("无权变更该案件的期限：需要本机关办案角色，且案件未结案")
        clock = get_object_or_404(Clock, case=case, pk=request.POST.get("clock") or 0)
        action = request.POST.get("action", "")
        if action not in FORMS:
            messages.error(request, "操作：不支持")
            return redirect("cases:clocks", pk=case.pk)
        form: Any = (
            PauseForm(request.POST, procedure=case.procedure)
            if action == "pause"
            else FORMS[action](request.POST)
        )
        if form.is_valid():
            try:
                day = form.cleaned_data["on"]
                if action == "pause":
                    clock_actions.pause_clock(request.user, clock, reason=form.full_reason(), on=day)
                    messages.success(request, f"已暂停计时：{clock.label}")
                elif action == "resume":
                    clock = clock_actions.resume_clock(request.user, clock, on=day)
                    messages.success(request, f"已恢复计时：{clock.label}，届满日 {clock.due_on:%Y-%m-%d}")
                else:
                    clock = clock_actions.extend_clock(
                        request.user,
                        clock,
                        days=form.cleaned_data["days"],
                        reason=form.cleaned_data["reason"],
                        approver=request.user,
                        on=day,
                    )
                    messages.success(request, f"已批准延长：{clock.label}，届满日 {clock.due_on:%Y-%m-%d}")
                return redirect("cases:clocks", pk=case.pk)
            except SanxiangError as exc:
                apply_errors(form, exc, fallback=None)
        bound[(clock.pk, action)] = form
    today = timezone.localdate()
    summaries = compliance.case_clocks(case, today)
    roles = frozenset(getattr(request.user, "role_codes", ()) or ())
    for s in summaries:
        open_ = handle and s["state"] != Clock.State.STOPPED and s["kind"] != "minimum"
        s["pause_form"] = (
            bound.get((s["id"], "pause")) or PauseForm(procedure=case.procedure)
            if open_ and s["state"] == Clock.State.RUNNING
            else None
        )
        s["resume_form"] = (
            bound.get((s["id"], "resume")) or ResumeForm()
            if open_ and s["state"] == Clock.State.PAUSED
            else None
        )
        s["approver_label"] = _role_label(s["extension_approver_role"])
        s["may_approve"] = open_ and s["can_extend"] and s["extension_approver_role"] in roles
        s["extend_form"] = bound.get((s["id"], "extend")) or ExtendForm() if s["may_approve"] else None
        s["approvers"] = _approvers(case, s["extension_approver_role"]) if open_ and s["can_extend"] else []
    shown = {id(s[k]) for s in summaries for k in ("pause_form", "resume_form", "extend_form") if s[k]}
    for form in bound.values():
        if id(form) not in shown:  # e.g. an extension asked by someone without the approval role
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
    next_clock = compliance.next_due(summaries)
    return render(
        request,
        "cases/clocks.html",
        {
            "case": case,
            "tabs": _tabs(case, "cases:clocks"),
            "clocks": summaries,
            "next": next_clock,
            "next_clock": next_clock,
            "next_colour": next_clock["status"] if next_clock else "",
            "handle": handle,
            "today": today,
        },
    )


@access("case.read")
def compliance_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    sheet = compliance.sheet(case)
    groups: dict[str, list[compliance.Check]] = {}
    for check in sheet.checks:
        groups.setdefault(check.category, []).append(check)
    labels = {
        "clock": "办案期限",
        "gate": "程序关口",
        "online": "网上办理",
        "officers": "执法人员（两人以上、持证）",
        "document": "执法文书",
        "av": "音像记录",
    }
    return render(
        request,
        "cases/compliance.html",
        {
            "case": case,
            "tabs": _tabs(case, "cases:compliance"),
            "sheet": sheet,
            "groups": [(labels.get(k, k), v) for k, v in groups.items()],
            "failures": sheet.failures,
        },
    )
