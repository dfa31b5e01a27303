"""Idle session timeout (等保三级: 登录连接超时自动退出): 30 minutes without a request ends the session.

Automatic polls (a progress bar refreshing itself, marked with the header ``X-Sanxiang-Poll: 1``) are not activity:
they are checked against the timeout but do not keep an unattended session alive.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from accounts.rules import IDLE_TIMEOUT_MINUTES

POLL_HEADER = "X-Sanxiang-Poll"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last = request.session.get("last_seen")
            if last is not None and now - float(last) > IDLE_TIMEOUT_MINUTES * 60:
                request._logout_reason = "idle_timeout"  # type: ignore[attr-defined]
                logout(request)
                messages.info(
                    request,
                    f"您已超过 {IDLE_TIMEOUT_MINUTES} 分钟未操作，为保护数据安全已自动退出，请重新登录。",
                )
            elif request.headers.get(POLL_HEADER) != "1" or last is None:
                request.session["last_seen"] = now
        return self.get_response(request)
