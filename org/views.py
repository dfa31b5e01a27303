"""Agencies, departments and the 领导小组 pages. Thin: checks and writes live in org.actions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from accounts.access import access, can, scoped, scoped_get
from core.errors import SanxiangError
from core.formerrors import apply_errors
from core.http import client_ip
from core.models import Agency
from org import actions
from org.forms import AgencyForm, DepartmentForm, LeadingGroupForm, MemberForm
from org.models import Department, LeadingGroup, LeadingGroupMember


@access("org.read")
def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = scoped(request.user, "org.read", Agency.objects.select_related("region"), "id")
    return render(
        request, "org/agency_list.html", {"agencies": agencies, "can_manage": can(request.user, "org.manage")}
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
