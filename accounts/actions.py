"""State changes of accounts: create, update roles, reset password, unlock. One transaction each, audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import rules
from accounts.access import require
from accounts.models import Role, User, UserRole
from audit.chain import record
from core.errors import SanxiangError, ValidationFailed


def _check_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    unknown = [r for r in chosen if r not in Role.values]
    if unknown:
        raise SanxiangError(f"角色：未知角色 {'、'.join(unknown)}", field="roles")
    problems = rules.role_conflicts(chosen)
    if problems:
        raise ValidationFailed([f"角色：{p}" for p in problems], field="roles")
    return chosen


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed([f"密码：{m}" for m in exc.messages], field="password") from exc


def _check_department(agency_id: int, department: Any) -> None:
    if department is not None and department.agency_id != agency_id:
        raise SanxiangError("所在科室：科室必须属于该用户所属机关", field="department")


def create_user(
    actor: User,
    *,
    username: str,
    full_name: str,
    agency_id: int,
    password: str,
    roles: Iterable[str],
    department: Any = None,
    title: str = "",
    phone: str = "",
    ip: str = "",
) -> User:
    require(actor, "accounts.manage", agency_id)
    chosen = _check_roles(roles)
    _check_department(agency_id, department)
    if User.objects.filter(username=username).exists():
        raise SanxiangError(f"用户名：{username} 已被使用", field="username")
    user = User(
        username=username,
        full_name=full_name,
        agency_id=agency_id,
        department=department,
        title=title,
        phone=phone,
    )
    _check_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in chosen])
        record(
            "accounts.user_created",
            actor=actor,
            agency_id=agency_id,
            obj=user,
            ip=ip,
            payload={"roles": chosen, "department_id": getattr(department, "pk", None)},
        )
    return user


def update_user(
    actor: User,
    user: User,
    *,
    roles: Iterable[str],
    department: Any,
    full_name: str,
    title: str,
    phone: str,
    is_active: bool,
    ip: str = "",
) -> User:
    require(actor, "accounts.manage", user.agency_id)
    chosen = _check_roles(roles)
    _check_department(user.agency_id, department)  # type: ignore[arg-type]
    if user.pk == actor.pk and (not is_active or Role.SECADMIN not in chosen):
        raise SanxiangError("角色：不能停用自己或撤销自己的安全管理员角色，以免无人管理账号", field="roles")
    with transaction.atomic():
        before = sorted(user.roles.values_list("role", flat=True))
        user.full_name, user.title, user.phone, user.department, user.is_active = (
            full_name,
            title,
            phone,
            department,
            is_active,
        )
        user.save()
        UserRole.objects.filter(user=user).exclude(role__in=chosen).delete()
        for r in chosen:
            UserRole.objects.get_or_create(user=user, role=r)
        user._role_codes = frozenset(chosen)  # type: ignore[attr-defined]
        record(
            "accounts.user_updated",
            actor=actor,
            agency_id=user.agency_id,
            obj=user,
            ip=ip,
            payload={
                "roles_before": before,
                "roles_after": chosen,
                "department_id": getattr(department, "pk", None),
                "is_active": is_active,
            },
        )
    return user


def reset_password(actor: User, user: User, password: str, ip: str = "") -> None:
    require(actor, "accounts.manage", user.agency_id)
    _check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record("accounts.password_reset", actor=actor, agency_id=user.agency_id, obj=user, ip=ip)


def change_own_password(user: User, old: str, new: str, ip: str = "") -> None:
    if not user.check_password(old):
        raise SanxiangError("原密码：原密码不正确", field="old_password")
    _check_password(new, user)
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        record("accounts.password_changed", actor=user, obj=user, ip=ip)


def unlock(actor: User, user: User, ip: str = "") -> int:
    """Lift a django-axes lockout before its 15 minutes are over (the 安全管理员's decision, audited)."""
    from axes.utils import reset

    require(actor, "accounts.manage", user.agency_id)
    with transaction.atomic():
        removed = reset(username=user.username)
        record(
            "accounts.unlocked",
            actor=actor,
            agency_id=user.agency_id,
            obj=user,
            ip=ip,
            payload={"removed": removed},
        )
    return removed
