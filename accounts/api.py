"""API authentication: bearer tokens and the browser session."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.security import HttpBearer, django_auth

from accounts.models import ApiToken, Role, User
from audit.chain import record
from core.http import client_ip

TOKEN_LIFETIME = timedelta(days=7)
session_auth = django_auth


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        now = timezone.now()
        row = (
            ApiToken.objects.select_related("user", "user__agency__region")
            .filter(key_hash=ApiToken.digest(token), revoked_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: datetime


class Error(Schema):
    code: str
    message: str
    field: str | None = None


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    agency_id: int | None
    agency: str | None
    department: str | None
    roles: list[str]
    role_labels: list[str]


@router.post(
    "/token", auth=None, response={200: TokenOut, 401: Error, 403: Error}, summary="以用户名和密码换取令牌"
)
def issue_token(request: HttpRequest, data: TokenIn) -> Status:
    """Login policy applies as for the web form: 5 failures lock the account for 15 minutes."""
    user = authenticate(request, username=data.username, password=data.password)
    if getattr(request, "axes_locked_out", False):
        return Status(
            403,
            {
                "code": "locked",
                "message": "连续登录失败 5 次，账号已锁定 15 分钟，请稍后再试。",
                "field": "username",
            },
        )
    if user is None:
        return Status(401, {"code": "bad_credentials", "message": "用户名或密码错误。", "field": "password"})
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            key_hash=ApiToken.digest(raw),
            prefix=raw[:8],
            expires_at=timezone.now() + TOKEN_LIFETIME,
        )
        record("auth.token_issued", actor=user, obj=token, ip=client_ip(request))
    return Status(200, {"token": raw, "expires_at": token.expires_at})


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "agency_id": user.agency_id,
        "agency": user.agency.name if user.agency else None,
        "department": user.department.name if user.department else None,
        "roles": sorted(user.role_codes),
        "role_labels": [Role(r).label for r in sorted(user.role_codes)],
    }
