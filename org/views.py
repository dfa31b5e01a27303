"""Agencies, departments and the 领导小组 pages. Thin: checks and writes live in org.actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.access import access, can, denied_message, require, scoped, scoped_get
from core.errors import SanxiangError
from core.formerrors import apply_errors
from core.http import client_ip
from core.models import Agency
from org import actions, rules, selectors
from org.forms import (
    AgencyForm,
    CertificateStatusForm,
    CommentForm,
    DepartmentForm,
    LeadingGroupForm,
    MemberForm,
    OfficerForm,
    ReasonForm,
    SubjectForm,
)
from org.models import (
    REVIEW_STATE_CHOICES,
    Certificate,
    Department,
    LeadingGroup,
    LeadingGroupMember,
    Officer,
    SubjectProfile,
)
from publicity import rules as pub_rules
from publicity.models import Kind, Publication


@access("org.read")
def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = scoped(request.user, "org.read", Agency.objects.select_related("region"), "id")
    return render(
        request,
        "org/agency_list.html",
        {
            "agencies": agencies,
            "can_manage": can(request.user, "org.manage"),
            "can_publicity": can(request.user, "publicity.read"),
            "can_review_any": can(request.user, "publicity.review"),
        },
    )


@access("org.read")
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = scoped_get(request.user, "org.read", Agency.objects.select_related("region"), "id", pk=pk)
    group = LeadingGroup.objects.filter(agency=agency).select_related("office").first()
    return render(
        request,
        "org/agency_detail.html",
        {
            "agency": agency,
            "departments": agency.departments.all(),
            "group": group,
            "members": group.members.select_related("department") if group else [],
            "can_manage": can(request.user, "org.manage", agency.pk),
        },
    )


@access("org.manage")
def agency_create(request: HttpRequest) -> HttpResponse:
    return _agency_form(request, None)


@access("org.manage")
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _agency_form(request, scoped_get(request.user, "org.manage", Agency.objects.all(), "id", pk=pk))


def _agency_form(request: HttpRequest, agency: Agency | None) -> HttpResponse:
    regions = actions._managed_regions(request.user)
    form = AgencyForm(request.POST or None, instance=agency, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_agency(request.user, agency, form.cleaned_data, ip=client_ip(request))
        except SanxiangError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存执法机关：{saved.name}")
            return redirect("org:agency_detail", saved.pk)
    return render(
        request,
        "org/form.html",
        {"form": form, "title": "编辑执法机关" if agency else "登记执法机关", "back": "org:agency_list"},
    )


@access("org.manage")
def department_create(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency = scoped_get(request.user, "org.manage", Agency.objects.all(), "id", pk=agency_pk)
    return _department_form(request, agency, None)


@access("org.manage")
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    department = scoped_get(request.user, "org.manage", Department.objects.select_related("agency"), pk=pk)
    return _department_form(request, department.agency, department)


def _department_form(request: HttpRequest, agency: Agency, department: Department | None) -> HttpResponse:
    form = DepartmentForm(request.POST or None, instance=department)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_department(
                request.user, agency, department, form.cleaned_data, ip=client_ip(request)
            )
        except SanxiangError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存科室：{form.cleaned_data['name']}")
            return redirect("org:agency_detail", agency.pk)
    title = f"{agency.name} · {'编辑科室' if department else '新增科室'}"
    return render(request, "org/form.html", {"form": form, "title": title, "back_url": agency.pk})


@access("org.manage")
def leading_group_edit(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency = scoped_get(request.user, "org.manage", Agency.objects.all(), "id", pk=agency_pk)
    group = LeadingGroup.objects.filter(agency=agency).first()
    initial = (
        {"name": group.name, "office": group.office_id, "duties": group.duties}
        if group
        else {"name": "全面推行行政执法三项制度工作领导小组"}
    )
    form = LeadingGroupForm(request.POST or None, agency=agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_leading_group(request.user, agency, form.cleaned_data, ip=client_ip(request))
        except SanxiangError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存领导小组。")
            return redirect("org:agency_detail", agency.pk)
    return render(
        request, "org/form.html", {"form": form, "title": f"{agency.name} · 领导小组", "back_url": agency.pk}
    )


@access("org.manage")
def member_create(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency = scoped_get(request.user, "org.manage", Agency.objects.all(), "id", pk=agency_pk)
    group, _ = LeadingGroup.objects.get_or_create(agency=agency)
    return _member_form(request, group, None)


@access("org.manage")
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = scoped_get(
        request.user,
        "org.manage",
        LeadingGroupMember.objects.select_related("group"),
        "group__agency_id",
        pk=pk,
    )
    return _member_form(request, member.group, member)


def _member_form(
    request: HttpRequest, group: LeadingGroup, member: LeadingGroupMember | None
) -> HttpResponse:
    form = MemberForm(request.POST or None, instance=member, agency=group.agency)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_member(request.user, group, member, form.cleaned_data, ip=client_ip(request))
        except SanxiangError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存领导小组成员。")
            return redirect("org:agency_detail", group.agency_id)
    return render(
        request, "org/form.html", {"form": form, "title": "领导小组成员", "back_url": group.agency_id}
    )


@access("org.manage")
def member_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member = scoped_get(
        request.user,
        "org.manage",
        LeadingGroupMember.objects.select_related("group"),
        "group__agency_id",
        pk=pk,
    )
    if request.method != "POST":  # after the scope check, so an outsider learns nothing but 403
        return HttpResponseNotAllowed(["POST"])
    agency_id = member.group.agency_id
    actions.remove_member(request.user, member, ip=client_ip(request))
    messages.success(request, "已移除领导小组成员。")
    return redirect("org:agency_detail", agency_id)


# 执法主体 and 执法人员 (事前公开, seed 二(一)1–2) -------------------------------------------------------------------

STATE_LABELS = dict(REVIEW_STATE_CHOICES)


def _can_edit(user: Any, agency_id: int) -> bool:
    return can(user, "publicity.draft", agency_id) or can(user, "publicity.review", agency_id)


def _require_edit(user: Any, agency_id: int) -> None:
    if not _can_edit(user, agency_id):
        raise PermissionDenied(denied_message("publicity.draft"))


def _post_only(request: HttpRequest) -> HttpResponse | None:
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


@access("publicity.read")
def subject_list(request: HttpRequest) -> HttpResponse:
    """Every enforcement body in scope with its 主体 entry (or none yet), state and re-confirmation warning."""
    agencies = scoped(request.user, "publicity.read", Agency.objects.select_related("region"), "id").filter(
        is_active=True
    )
    profiles = {p.agency_id: p for p in SubjectProfile.objects.filter(agency__in=agencies)}
    today = timezone.localdate()
    state = request.GET.get("state", "")
    q = request.GET.get("q", "").strip()
    rows = []
    for agency in agencies:
        profile = profiles.get(agency.pk)
        row_state = profile.state if profile else "none"
        if state and state != row_state:
            continue
        if q and q not in agency.name and not (profile and q in profile.name):
            continue
        rows.append(
            {
                "agency": agency,
                "profile": profile,
                "state": row_state,
                "warning": rules.subject_reconfirm_warning_level(profile.confirmed_on, today)
                if profile
                else None,
                "due": rules.subject_reconfirm_due(profile.confirmed_on) if profile else None,
            }
        )
    return render(
        request,
        "org/subject_list.html",
        {
            "rows": rows,
            "state": state,
            "q": q,
            "states": [*REVIEW_STATE_CHOICES, ("none", "未填报")],
            "can_review_any": can(request.user, "publicity.review"),
        },
    )


@access("publicity.read")
def subject_detail(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency = scoped_get(
        request.user, "publicity.read", Agency.objects.select_related("region"), "id", pk=agency_pk
    )
    profile = SubjectProfile.objects.filter(agency=agency).first()
    today = timezone.localdate()
    return render(
        request,
        "org/subject_detail.html",
        {
            "agency": agency,
            "profile": profile,
            "versions": profile.versions.select_related("actor")[:50] if profile else [],
            "publications": Publication.objects.filter(kind=Kind.SUBJECT, agency=agency).order_by("-version"),
            "can_edit": _can_edit(request.user, agency.pk),
            "can_review": can(request.user, "publicity.review", agency.pk),
            "warning": rules.subject_reconfirm_warning_level(profile.confirmed_on, today)
            if profile
            else None,
            "due": rules.subject_reconfirm_due(profile.confirmed_on) if profile else None,
            "period": rules.subject_reconfirm_days(),
        },
    )


@access("publicity.read")
def subject_edit(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency = scoped_get(
        request.user, "publicity.read", Agency.objects.select_related("region"), "id", pk=agency_pk
    )
    _require_edit(request.user, agency.pk)
    profile = SubjectProfile.objects.filter(agency=agency).first()
    initial = actions.subject_snapshot(profile) if profile else actions.subject_initial(agency)
    form = SubjectForm(request.POST or None, initial=initial)
    locked = profile is not None and not pub_rules.editable(profile.state)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_subject(request.user, agency, form.cleaned_data, ip=client_ip(request))
        except SanxiangError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存执法主体信息草稿。修改完成后请报送审核。")
            return redirect("org:subject_detail", agency.pk)
    return render(
        request,
        "org/subject_form.html",
        {"form": form, "agency": agency, "profile": profile, "locked": locked},
    )


def _subject_for(request: HttpRequest, agency_pk: int) -> SubjectProfile:
    return scoped_get(
        request.user,
        "publicity.read",
        SubjectProfile.objects.select_related("agency__region"),
        agency_id=agency_pk,
    )


def _act(request: HttpRequest, fn: Any, *args: Any, ok: str, **kwargs: Any) -> None:
    try:
        fn(request.user, *args, ip=client_ip(request), **kwargs)
    except SanxiangError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)


@access("publicity.read")
def subject_submit(request: HttpRequest, agency_pk: int) -> HttpResponse:
    profile = _subject_for(request, agency_pk)
    _require_edit(request.user, profile.agency_id)
    if (refused := _post_only(request)) is not None:
        return refused
    _act(
        request,
        actions.submit_subject,
        profile,
        note=request.POST.get("note", ""),
        ok="已报送行政执法协调监督科审核。",
    )
    return redirect("org:subject_detail", agency_pk)


@access("publicity.review")
def subject_approve(request: HttpRequest, agency_pk: int) -> HttpResponse:
    profile = _subject_for(request, agency_pk)
    require(request.user, "publicity.review", profile.agency_id)
    if (refused := _post_only(request)) is not None:
        return refused
    _act(request, actions.approve_subject, profile, ok="已审核通过并发布执法主体公告。")
    return redirect("org:subject_detail", agency_pk)


@access("publicity.review")
def subject_reconfirm(request: HttpRequest, agency_pk: int) -> HttpResponse:
    profile = _subject_for(request, agency_pk)
    require(request.user, "publicity.review", profile.agency_id)
    if (refused := _post_only(request)) is not None:
        return refused
    _act(
        request,
        actions.reconfirm_subject,
        profile,
        note=request.POST.get("note", ""),
        ok="已完成年度确认并重新发布。",
    )
    return redirect("org:subject_detail", agency_pk)


def _form_action(
    request: HttpRequest,
    form: Any,
    run: Callable[[dict[str, Any]], Any],
    *,
    field: str,
    ok: str,
    done_url: str,
    page: dict[str, Any],
) -> HttpResponse:
    """A reason/comment form that runs one action: on success flash ``ok`` and go back to ``done_url``; a rule's
    refusal is shown next to ``field`` and the form comes back with what was typed (org/action_form.html)."""
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except SanxiangError as exc:
            apply_errors(form, exc, field)
        else:
            messages.success(request, ok)
            return redirect(done_url)
    return render(request, "org/action_form.html", {"form": form, "back": done_url, **page})


@access("publicity.review")
def subject_return(request: HttpRequest, agency_pk: int) -> HttpResponse:
    profile = _subject_for(request, agency_pk)
    require(request.user, "publicity.review", profile.agency_id)
    return _form_action(
        request,
        CommentForm(request.POST or None),
        lambda data: actions.return_subject(request.user, profile, data["comment"], ip=client_ip(request)),
        field="comment",
        ok="已退回修改。",
        done_url=reverse("org:subject_detail", args=[agency_pk]),
        page={"title": f"退回执法主体信息：{profile.name}", "submit": "退回修改"},
    )


@access("publicity.review")
def review_queue(request: HttpRequest) -> HttpResponse:
    """The 行政执法协调监督科's queue: entries submitted by the agencies it supervises."""
    subjects = scoped(
        request.user, "publicity.review", SubjectProfile.objects.select_related("agency", "updated_by")
    ).filter(state=pub_rules.SUBMITTED)
    officers = scoped(
        request.user, "publicity.review", Officer.objects.select_related("agency", "department", "updated_by")
    ).filter(state=pub_rules.SUBMITTED)
    return render(request, "org/review_queue.html", {"subjects": subjects, "officers": officers})


# 执法人员 ----------------------------------------------------------------------------------------------------------

CERT_FILTERS = [
    ("valid", "有效"),
    ("expiring", "60日内到期"),
    ("expired", "已过期"),
    ("suspended", "暂扣"),
    ("revoked", "注销"),
    ("none", "无已审核证件"),
]


@access("publicity.read")
def officer_list(request: HttpRequest) -> HttpResponse:
    qs = scoped(
        request.user,
        "publicity.read",
        Officer.objects.select_related("agency", "department").prefetch_related("certificates"),
    )
    agencies = scoped(request.user, "publicity.read", Agency.objects.all(), "id")
    agency_id = request.GET.get("agency", "")
    if agency_id.isdigit():
        qs = qs.filter(agency_id=int(agency_id))
    state = request.GET.get("state", "")
    if state in STATE_LABELS:
        qs = qs.filter(state=state)
    active = request.GET.get("active", "1")
    if active in ("0", "1"):
        qs = qs.filter(is_active=active == "1")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(certificates__number__icontains=q)).distinct()
    today = timezone.localdate()
    cert_filter = request.GET.get("cert", "")
    rows = []
    for officer in qs[:1000]:
        current = next((c for c in officer.certificates.all() if c.is_current), None)
        pending = next(
            (c for c in officer.certificates.all() if not c.is_current and c.approved_at is None), None
        )
        effective = current.effective_status(today) if current else "none"
        warning = (
            rules.certificate_warning_level(current.valid_until, today)
            if current and current.status == "valid"
            else None
        )
        if cert_filter == "expiring":
            if warning != "yellow":
                continue
        elif cert_filter and cert_filter != effective:
            continue
        rows.append(
            {
                "officer": officer,
                "cert": current,
                "pending": pending,
                "effective": effective,
                "warning": warning,
            }
        )
    own_agencies = [a for a in agencies if _can_edit(request.user, a.pk)]
    return render(
        request,
        "org/officer_list.html",
        {
            "rows": rows,
            "agencies": agencies,
            "own_agencies": own_agencies,
            "filters": {"agency": agency_id, "state": state, "active": active, "q": q, "cert": cert_filter},
            "states": REVIEW_STATE_CHOICES,
            "cert_filters": CERT_FILTERS,
            "labels": rules.CERTIFICATE_STATUS_LABELS,
            "can_review_any": can(request.user, "publicity.review"),
        },
    )


def _officer_for(request: HttpRequest, pk: int) -> Officer:
    return scoped_get(
        request.user,
        "publicity.read",
        Officer.objects.select_related("agency__region", "department", "user"),
        pk=pk,
    )


@access("publicity.read")
def officer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _officer_for(request, pk)
    today = timezone.localdate()
    current = officer.current_certificate()
    certificates = officer.certificates.prefetch_related("status_changes__actor")
    return render(
        request,
        "org/officer_detail.html",
        {
            "officer": officer,
            "current": current,
            "pending": officer.pending_certificate(),
            "certificates": certificates,
            "effective": current.effective_status(today) if current else "none",
            "warning": rules.certificate_warning_level(current.valid_until, today)
            if current and current.status == "valid"
            else None,
            "labels": rules.CERTIFICATE_STATUS_LABELS,
            "assignable": selectors.is_assignable(officer, today),
            "versions": officer.versions.select_related("actor")[:50],
            "publications": Publication.objects.filter(
                kind=Kind.OFFICER, source_type=officer._meta.label_lower, source_id=str(officer.pk)
            ).order_by("-published_at"),
            "can_edit": _can_edit(request.user, officer.agency_id),
            "can_review": can(request.user, "publicity.review", officer.agency_id),
            "can_manage_cert": can(request.user, "certificate.manage", officer.agency_id),
            "masked_id": pub_rules.redact_text(officer.id_number) if officer.id_number else "",
            "masked_mobile": pub_rules.redact_text(officer.mobile) if officer.mobile else "",
        },
    )


def _officer_initial(officer: Officer) -> dict[str, Any]:
    cert = officer.pending_certificate() or officer.current_certificate()
    initial: dict[str, Any] = {
        "name": officer.name,
        "department": officer.department_id,
        "position": officer.position,
        "categories": officer.categories,
        "area": officer.area,
        "has_legal_qualification": officer.has_legal_qualification,
        "id_number": officer.id_number,
        "mobile": officer.mobile,
        "user": officer.user_id,
    }
    if cert:
        initial.update(
            cert_number=cert.number,
            cert_issuer=cert.issuer,
            cert_valid_from=cert.valid_from,
            cert_valid_until=cert.valid_until,
        )
    return initial


def _officer_form(request: HttpRequest, agency: Agency, officer: Officer | None) -> HttpResponse:
    initial = _officer_initial(officer) if officer else {"area": agency.region.full_name + "行政区域内"}
    form = OfficerForm(request.POST or None, request.FILES or None, agency=agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_officer(
                request.user,
                agency,
                officer,
                form.cleaned_data,
                photo=form.cleaned_data.get("photo"),
                ip=client_ip(request),
            )
        except SanxiangError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存执法人员信息草稿：{saved.name}。修改完成后请报送审核。")
            return redirect("org:officer_detail", saved.pk)
    locked = officer is not None and (not pub_rules.editable(officer.state) or not officer.is_active)
    return render(
        request,
        "org/officer_form.html",
        {"form": form, "agency": agency, "officer": officer, "locked": locked},
    )


@access("publicity.read")
def officer_create(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency = scoped_get(
        request.user, "publicity.read", Agency.objects.select_related("region"), "id", pk=agency_pk
    )
    _require_edit(request.user, agency.pk)
    return _officer_form(request, agency, None)


@access("publicity.read")
def officer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _officer_for(request, pk)
    _require_edit(request.user, officer.agency_id)
    return _officer_form(request, officer.agency, officer)


@access("publicity.read")
def officer_submit(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _officer_for(request, pk)
    _require_edit(request.user, officer.agency_id)
    if (refused := _post_only(request)) is not None:
        return refused
    _act(request, actions.submit_officer, officer, ok="已报送行政执法协调监督科审核。")
    return redirect("org:officer_detail", pk)


@access("publicity.review")
def officer_approve(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _officer_for(request, pk)
    require(request.user, "publicity.review", officer.agency_id)
    if (refused := _post_only(request)) is not None:
        return refused
    _act(request, actions.approve_officer, officer, ok="已审核通过并发布执法人员信息。")
    return redirect("org:officer_detail", pk)


@access("publicity.review")
def officer_return(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _officer_for(request, pk)
    require(request.user, "publicity.review", officer.agency_id)
    return _form_action(
        request,
        CommentForm(request.POST or None),
        lambda data: actions.return_officer(request.user, officer, data["comment"], ip=client_ip(request)),
        field="comment",
        ok="已退回修改。",
        done_url=reverse("org:officer_detail", args=[pk]),
        page={"title": f"退回执法人员信息：{officer.name}", "submit": "退回修改"},
    )


@access("publicity.review")
def officer_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _officer_for(request, pk)
    require(request.user, "publicity.review", officer.agency_id)
    return _form_action(
        request,
        ReasonForm(request.POST or None),
        lambda data: actions.deactivate_officer(request.user, officer, data["reason"], ip=client_ip(request)),
        field="reason",
        ok=f"{officer.name}已离岗，公示信息已撤回。",
        done_url=reverse("org:officer_detail", args=[pk]),
        page={
            "title": f"执法人员离岗：{officer.name}",
            "intro": "离岗后不能再被指派执法，公示信息将撤回并记录原因。",
            "submit": "确认离岗",
            "danger": True,
        },
    )


@access("certificate.manage")
def certificate_status(request: HttpRequest, pk: int) -> HttpResponse:
    cert = scoped_get(
        request.user,
        "certificate.manage",
        Certificate.objects.select_related("officer__agency"),
        "officer__agency_id",
        pk=pk,
    )
    form = CertificateStatusForm(
        request.POST or None, initial={"action": request.GET.get("action", "suspend")}
    )
    return _form_action(
        request,
        form,
        lambda data: actions.change_certificate_status(
            request.user, cert, data["action"], data["reason"], ip=client_ip(request)
        ),
        field="reason",
        ok=f"执法证 {cert.number} 状态已变更，公示信息已同步更新。",
        done_url=reverse("org:officer_detail", args=[cert.officer_id]),
        page={
            "title": f"执法证状态：{cert.officer.name}（{cert.number}，当前{cert.get_status_display()}）",
            "intro": "暂扣、注销或恢复执法证。注销不可恢复。变更后公示信息自动更新，公众核验时显示新状态。",
            "submit": "确认变更",
            "danger": True,
        },
    )


PLACEHOLDER_PHOTO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="160" viewBox="0 0 120 160">'
    '<rect width="120" height="160" fill="#e9ecef"/><circle cx="60" cy="60" r="28" fill="#adb5bd"/>'
    '<rect x="22" y="98" width="76" height="50" rx="24" fill="#adb5bd"/></svg>'
)


@access("publicity.read")
def officer_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The officer's photo for staff pages (the public one is served by the portal from the publication)."""
    officer = _officer_for(request, pk)
    if not officer.photo or not default_storage.exists(officer.photo):
        return HttpResponse(PLACEHOLDER_PHOTO, content_type="image/svg+xml")
    content_type = "image/png" if officer.photo.endswith(".png") else "image/jpeg"
    response = FileResponse(default_storage.open(officer.photo, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    return response
