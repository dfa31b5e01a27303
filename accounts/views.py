"""Login, logout, password change, and the 安全管理员's user management. Thin: rules live in actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import actions
from accounts.access import access, agency_scope, login_only, public, scoped, scoped_get
from accounts.forms import LoginForm, PasswordChangeForm, UserForm
from accounts.models import User
from accounts.rules import LOCKOUT_MINUTES, LOGIN_FAILURE_LIMIT
from core.errors import SanxiangError
from core.formerrors import apply_errors
from core.http import client_ip
from core.models import Agency


class _Login(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


login_view = public(_Login.as_view())


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("portal:home")


def lockout_response(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    message = f"连续登录失败 {LOGIN_FAILURE_LIMIT} 次，账号已锁定 {LOCKOUT_MINUTES} 分钟。请稍后再试，或联系本机关安全管理员解锁。"
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked", "message": message, "field": "username"}, status=403)
    form = LoginForm(request)
    return render(request, "accounts/login.html", {"form": form, "locked_message": message}, status=403)


@login_only
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_own_password(
                request.user,  # type: ignore[arg-type]
                form.cleaned_data["old_password"],
                form.cleaned_data["new_password"],
                ip=client_ip(request),
            )
        except SanxiangError as exc:
            apply_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, "密码已修改。")
            return redirect("workbench")
    return render(request, "accounts/password_change.html", {"form": form})


@access("accounts.manage")
def user_list(request: HttpRequest) -> HttpResponse:
    users = scoped(
        request.user, "accounts.manage", User.objects.select_related("agency", "department")
    ).prefetch_related("roles")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(full_name__icontains=q) | users.filter(username__icontains=q)
    agency = request.GET.get("agency")
    if agency and agency.isdigit():
        users = users.filter(agency_id=int(agency))
    page = Paginator(users.order_by("agency__sort", "agency_id", "username"), 50).get_page(
        request.GET.get("page")
    )
    agencies = Agency.objects.filter(id__in=agency_scope(request.user, "accounts.manage"))
    return render(
        request, "accounts/user_list.html", {"page": page, "q": q, "agencies": agencies, "agency": agency}
    )


@access("accounts.manage")
def user_create(request: HttpRequest) -> HttpResponse:
    agencies = Agency.objects.filter(id__in=agency_scope(request.user, "accounts.manage"))
    form = UserForm(request.POST or None, agencies=agencies, initial={"agency": request.user.agency_id})  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = actions.create_user(
                request.user,  # type: ignore[arg-type]
                username=d["username"],
                full_name=d["full_name"],
                agency_id=d["agency"].pk,
                password=d["password"],
                roles=d["roles"],
                department=d["department"],
                title=d["title"],
                phone=d["phone"],
                ip=client_ip(request),
            )
        except SanxiangError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已创建用户 {user.full_name}（{user.username}）。")
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@access("accounts.manage")
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = scoped_get(request.user, "accounts.manage", User.objects.select_related("agency"), pk=pk)
    agencies = Agency.objects.filter(pk=user.agency.pk if user.agency else 0)
    initial = {
        "full_name": user.full_name,
        "department": user.department_id,
        "title": user.title,
        "phone": user.phone,
        "roles": sorted(user.role_codes),
        "is_active": user.is_active,
    }
    form = UserForm(request.POST or None, agencies=agencies, editing=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.update_user(
                request.user,  # type: ignore[arg-type]
                user,
                roles=d["roles"],
                department=d["department"],
                full_name=d["full_name"],
                title=d["title"],
                phone=d["phone"],
                is_active=d["is_active"],
                ip=client_ip(request),
            )
        except SanxiangError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存用户 {user.full_name} 的信息。")
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": False, "target": user})


@access("accounts.manage")
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    user = scoped_get(request.user, "accounts.manage", User.objects.all(), pk=pk)
    if request.method != "POST":  # after the scope check, so an outsider learns nothing but 403
        return HttpResponseNotAllowed(["POST"])
    removed = actions.unlock(request.user, user, ip=client_ip(request))  # type: ignore[arg-type]
    messages.success(request, f"已解除 {user.full_name} 的登录锁定（清除 {removed} 条失败记录）。")
    return redirect("accounts:user_list")


@access("accounts.manage")
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = scoped_get(request.user, "accounts.manage", User.objects.all(), pk=pk)
    form = PasswordChangeForm(request.POST or None)
    del form.fields["old_password"]
    if request.method == "POST" and form.is_valid():
        try:
            actions.reset_password(
                request.user,  # type: ignore[arg-type]
                user,
                form.cleaned_data["new_password"],
                ip=client_ip(request),
            )
        except SanxiangError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已重置 {user.full_name} 的密码。")
            return redirect("accounts:user_list")
    return render(request, "accounts/password_change.html", {"form": form, "target": user})
