"""Request helpers shared by views and the API."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or the header a trusted reverse proxy sets (configured)."""
    if request is None:
        return ""
    header = getattr(settings, "SANXIANG_CLIENT_IP_HEADER", "")
    raw = (request.META.get(header, "") if header else "") or request.META.get("REMOTE_ADDR", "")
    raw = raw.split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return ""
