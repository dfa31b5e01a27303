"""Every URL × persona × agency: who gets in, who is refused, who must sign in first.

Each URL of the project must appear in MATRIX — a new URL without an entry fails ``test_every_url_is_in_the_matrix``.
Expectations are written as the set of personas that may open the page (GET); everybody else signed in gets 403,
anonymous visitors are sent to the login page (302) or, on the API, get 401.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix import (
    CITY_SYSADMIN,
    EVERYONE,
    NOT_AUDITOR,
    SECADMINS_OVER_HONGTA,
    SEE_HONGTA,
    STAFF,
    SYSADMINS_OVER_HONGTA,
    Resolver,
    Rule,
    api,
    public,
    staff,
)

MATRIX: dict[str, Rule] = {
    # public portal
    "portal:home": public(),
    "portal:column": public(kwargs={"column": "zhuti"}),
    "accounts:login": public(signed_in_status=302),
    "accounts:logout": public(post_only=True),
    # staff shell
    "workbench": staff(EVERYONE),
    "accounts:password_change": staff(EVERYONE),
    # accounts (安全管理员 only; 红塔区 objects are managed by the city and by 红塔区)
    "accounts:user_list": staff({"secadmin", "hongta_secadmin"}),
    "accounts:user_create": staff({"secadmin", "hongta_secadmin"}),
    "accounts:user_edit": staff(SECADMINS_OVER_HONGTA, kwargs={"pk": "user:wangwu"}),
    "accounts:user_password": staff(SECADMINS_OVER_HONGTA, kwargs={"pk": "user:wangwu"}),
    "accounts:user_unlock": staff(SECADMINS_OVER_HONGTA, kwargs={"pk": "user:wangwu"}, post_only=True),
    # org (系统管理员 writes; everyone but the 审计管理员 reads within scope)
    "org:agency_list": staff(NOT_AUDITOR),
    "org:agency_detail": staff(SEE_HONGTA, kwargs={"pk": "agency:红司"}),
    "org:agency_create": staff({"sysadmin", "hongta_sysadmin"}),
    "org:agency_edit": staff(SYSADMINS_OVER_HONGTA, kwargs={"pk": "agency:红司"}),
    "org:department_create": staff(SYSADMINS_OVER_HONGTA, kwargs={"agency_pk": "agency:红司"}),
    "org:department_edit": staff(SYSADMINS_OVER_HONGTA, kwargs={"pk": "department:红司"}),
    "org:leading_group_edit": staff(CITY_SYSADMIN, kwargs={"agency_pk": "agency:玉司"}),
    "org:member_create": staff(CITY_SYSADMIN, kwargs={"agency_pk": "agency:玉司"}),
    "org:member_edit": staff(CITY_SYSADMIN, kwargs={"pk": "member:玉司"}),
    "org:member_delete": staff(CITY_SYSADMIN, kwargs={"pk": "member:玉司"}, post_only=True),
    # calendar (platform-wide: only the 系统管理员 of the top-level 司法局)
    "core:calendar": staff(CITY_SYSADMIN),
    "core:holiday_edit": staff(CITY_SYSADMIN),
    "core:holiday_delete": staff(CITY_SYSADMIN, post_only=True),
    "core:import_csv": staff(CITY_SYSADMIN),
    "core:csv_template": staff(CITY_SYSADMIN),
    # audit (审计管理员 only)
    "audit:event_list": staff({"auditor"}),
    "audit:event_detail": staff({"auditor"}, kwargs={"pk": "event:玉司"}),
    "audit:verify": staff({"auditor"}),
    "audit:checkpoints": staff({"auditor"}),
    "audit:checkpoint_export": staff({"auditor"}),
    # API
    "api:api-root": public(api=True, skip_reason="ninja's root index"),
    "api:openapi-json": public(api=True),
    "api:openapi-view": public(api=True),
    "api:health": public(api=True),
    "api:issue_token": public(api=True, post_only=True),
    "api:me": api(EVERYONE),
    "api:add_workdays": api(EVERYONE, kwargs={"?": "start=2026-09-30&n=5"}),
    "api:workdays_between": api(EVERYONE, kwargs={"?": "start=2026-09-30&end=2026-10-13"}),
    "api:holidays": api(EVERYONE, kwargs={"?": "year=2026"}),
    "api:agencies": api(NOT_AUDITOR),
    "api:departments": api(SEE_HONGTA, kwargs={"agency_id": "agency:红司"}),
    "api:create_agency": api(
        CITY_SYSADMIN, post_only=True, skip_reason="same path as api:agencies; tested in org/tests"
    ),
    "api:events": api({"auditor"}),
    "api:checkpoints": api({"auditor"}),
    "api:create_checkpoint": api(
        {"auditor"}, post_only=True, skip_reason="same path as api:checkpoints; tested in audit/tests"
    ),
}


APP_MATRICES = ["core", "accounts", "org", "catalog", "audit", "publicity", "cases", "evidence", "review"]
RESOLVERS: dict[str, Resolver] = {}
for _app in APP_MATRICES:
    if importlib.util.find_spec(f"{_app}.tests.matrix") is None:
        continue
    _module = importlib.import_module(f"{_app}.tests.matrix")
    _clash = set(MATRIX) & set(_module.ENTRIES)
    assert not _clash, f"{_app}/tests/matrix.py repeats {_clash}"
    MATRIX.update(_module.ENTRIES)
    RESOLVERS.update(getattr(_module, "RESOLVERS", {}))


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str, Any]]:
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found += _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            found.append((namespace + p.name, prefix + str(p.pattern), p.callback))
    return found


def all_urls() -> list[tuple[str, str, Any]]:
    return _walk(get_resolver().url_patterns)


def test_every_url_is_in_the_matrix() -> None:
    names = {name for name, _route, _cb in all_urls()}
    missing = sorted(names - set(MATRIX))
    assert not missing, f"URLs without a permission-matrix entry (add them to MATRIX): {missing}"


def test_every_view_declares_its_access() -> None:
    """HTML views carry an access marker set by accounts.access (public, login or a capability)."""
    undeclared = [
        name
        for name, _route, callback in all_urls()
        if not name.startswith("api:")
        and not hasattr(callback, "access")
        and not hasattr(getattr(callback, "view_class", None), "access")
    ]
    assert not undeclared, f"views without @access/@public/@login_only: {undeclared}"


def _resolve_kwarg(value: str) -> Any:
    from accounts.models import User
    from audit.models import AuditEvent
    from core.models import Agency
    from org.models import Department, LeadingGroupMember

    kind, _, key = value.partition(":")
    if kind in RESOLVERS:
        return RESOLVERS[kind](key)
    if kind == "user":
        return User.objects.get(username=key).pk
    if kind == "agency":
        return Agency.objects.get(short_name=key).pk
    if kind == "department":
        return Department.objects.filter(agency__short_name=key).first().pk  # type: ignore[union-attr]
    if kind == "member":
        return LeadingGroupMember.objects.filter(group__agency__short_name=key).first().pk  # type: ignore[union-attr]
    if kind == "event":
        return AuditEvent.objects.filter(agency__short_name=key).first().pk  # type: ignore[union-attr]
    return value


def _url(name: str, rule: Rule, route: str) -> str:
    from django.urls.resolvers import RoutePattern  # noqa: F401

    query = rule.kwargs.get("?", "")
    kwargs = {k: _resolve_kwarg(v) for k, v in rule.kwargs.items() if k != "?"}
    # URL parameters with a natural default (dates, years) need no entry in the matrix.
    defaults = {"year": 2026, "day": "2026-10-10", "date": "2026-10-10"}
    for param in _params(route):
        if param not in kwargs and param in defaults:
            kwargs[param] = defaults[param]
    url = reverse(name, kwargs=kwargs or None)
    return f"{url}?{query}" if query else url


def _params(route: str) -> list[str]:
    import re

    return re.findall(r"<(?:\w+:)?(\w+)>", route)


@pytest.fixture
def audit_event(yuxi):
    from audit.chain import record

    return record("test.matrix", agency_id=yuxi.pk, object_type="core.agency", object_id=yuxi.pk)


PERSONAS = [None, *STAFF]


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(name: str, client, persona, audit_event) -> None:
    rule = MATRIX[name]
    routes = {n: r for n, r, _cb in all_urls()}
    if name not in routes:
        pytest.fail(f"{name} is in MATRIX but not a URL any more: remove it")
    if rule.skip_reason:
        pytest.skip(rule.skip_reason)
    url = _url(name, rule, routes[name])
    failures = []
    for who in PERSONAS:
        client.logout()
        if who is not None:
            client.force_login(persona(who))
        response = client.get(url)
        if who is not None and rule.signed_in_status is not None:
            expected = rule.signed_in_status
        elif rule.api and rule.post_only:
            expected = 405  # ninja answers the method before authenticating
        elif rule.public:
            expected = 405 if rule.post_only else 200
        elif who is None:
            expected = 401 if rule.api else 302
        elif who in rule.allowed:
            expected = 405 if rule.post_only else 200
        else:
            expected = 403
        if response.status_code != expected:
            failures.append(f"{who or '匿名'}: expected {expected}, got {response.status_code}")
        if who is None and expected == 302:
            assert "/accounts/login/" in response["Location"]
    assert not failures, f"{name} ({url}):\n" + "\n".join(failures)
