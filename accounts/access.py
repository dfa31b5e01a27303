"""The one place that answers "may this user do this, on this agency?".

Every view is wrapped by ``@access(capability)`` or ``@public``; every object is fetched through
``scoped_get``; every API operation uses ``api_require``. The permission-matrix test checks that each
URL is declared.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from accounts import rules
from core import tenancy

type View = Callable[..., HttpResponseBase]


def agency_scope(user: Any, capability: str) -> set[int]:
    """Agency ids over which ``user`` holds ``capability`` (empty when none)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.agency_id is None:
        return set()
    if not rules.has_capability(user.role_codes, capability):
        return set()
    scope = rules.capability_scope(capability)
    if scope == rules.OWN:
        return {user.agency_id}
    if scope == rules.PLATFORM:
        if is_platform_admin_agency(user.agency):
            from core.models import Agency

            return set(Agency.objects.values_list("id", flat=True))
        return set()
    supervised = _supervised_ids(user)
    return supervised or {user.agency_id}


def _supervised_ids(user: Any) -> set[int]:
    cached = getattr(user, "_supervised_ids", None)
    if cached is None:
        cached = tenancy.supervised_agency_ids(user.agency)
        user._supervised_ids = cached
    return cached


def is_platform_admin_agency(agency: Any) -> bool:
    """The top-level 司法局 (a supervision body of a region without a parent) runs platform-wide settings."""
    return bool(agency and agency.is_supervision_body and agency.region.parent_id is None)


def can(user: Any, capability: str, agency_id: int | None = None) -> bool:
    scope = agency_scope(user, capability)
    if agency_id is None:
        return bool(scope)
    return agency_id in scope


def denied_message(capability: str) -> str:
    roles = "、".join(rules.Role(r).label for r in sorted(rules.CAPABILITIES[capability][0]))
    return (
        f"无权{rules.CAPABILITIES[capability][2]}：需要以下角色之一（{roles}），且对象属于您有权管理的机关。"
    )


def require(user: Any, capability: str, agency_id: int | None = None) -> None:
    if not can(user, capability, agency_id):
        raise PermissionDenied(denied_message(capability))


def access[F: View](capability: str) -> Callable[[F], F]:
    """Decorate a view: login required, then ``capability`` over at least one agency."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, capability)
            return view(request, *args, **kwargs)

        wrapped.access = capability  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def public[F: View](view: F) -> F:
    """Mark a view as open to the public (it must read only published, redacted records)."""
    view.access = "public"  # type: ignore[attr-defined]
    return view


def login_only[F: View](view: F) -> F:
    """A view any signed-in user may open about themselves (password change, own tokens)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.access = "login"  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def scoped[M: Model](
    user: Any, capability: str, queryset: QuerySet[M], agency_field: str = "agency_id"
) -> QuerySet[M]:
    """Filter ``queryset`` to the agencies where ``user`` holds ``capability``."""
    return queryset.filter(**{f"{agency_field}__in": agency_scope(user, capability)})


def scoped_get[M: Model](
    user: Any, capability: str, queryset: QuerySet[M], agency_field: str = "agency_id", **lookup: Any
) -> M:
    """Fetch one object the user may act on; 404 when it does not exist, 403 when it is out of scope."""
    from django.http import Http404

    try:
        obj = queryset.get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404("对象不存在") from exc
    value: Any = obj
    for part in agency_field.split("__"):
        value = getattr(value, part)
    if value not in agency_scope(user, capability):
        raise PermissionDenied(denied_message(capability))
    return obj
