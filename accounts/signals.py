"""Every login, logout and failed login goes into the audit chain (等保三级 安全审计)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.chain import record
from core.hashing import sm3
from core.http import client_ip


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("auth.login", actor=user, obj=user, ip=client_ip(request))


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        reason = getattr(request, "_logout_reason", "user")
        record("auth.logout", actor=user, obj=user, ip=client_ip(request), payload={"reason": reason})


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))
    user = get_user_model().objects.filter(username=username).first()
    # Only a digest of the attempted name: a mistyped password in the user field must not reach the log.
    payload = {"username_sm3": sm3(username.encode()), "known_user": user is not None}
    record(
        "auth.login_failed",
        actor=None,
        agency_id=user.agency_id if user else None,
        object_type="accounts.user" if user else "",
        object_id=user.pk if user else "",
        role="",
        ip=client_ip(request),
        payload=payload,
    )
