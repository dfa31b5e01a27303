"""三员分立, user management scope and Chinese errors that name the field."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from accounts import actions, rules
from accounts.models import Role, User
from audit.models import AuditEvent
from core.errors import SanxiangError, ValidationFailed


def test_admin_roles_are_exclusive() -> None:
    assert rules.role_conflicts([Role.OFFICER, Role.REVIEWER]) == []
    assert rules.role_conflicts([Role.SYSADMIN]) == []
    assert rules.role_conflicts([Role.SYSADMIN, Role.AUDITOR])
    assert rules.role_conflicts([Role.SECADMIN, Role.OFFICER])


def test_create_user_refuses_sysadmin_with_business_role_and_writes_nothing(persona) -> None:
    before = User.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        actions.create_user(
            persona("secadmin"),
            username="newbie",
            full_name="新人",
            agency_id=persona("secadmin").agency_id,
            password="Good-Pass-2026",
            roles=[Role.SYSADMIN, Role.OFFICER],
        )
    assert exc.value.field == "roles" and "三员分立" in exc.value.message
    assert User.objects.count() == before


def test_create_user_audits_and_sets_roles(persona) -> None:
    admin = persona("hongta_secadmin")
    user = actions.create_user(
        admin,
        username="hongta_new",
        full_name="新执法员",
        agency_id=admin.agency_id,
        password="Good-Pass-2026",
        roles=[Role.OFFICER],
    )
    assert user.role_codes == {Role.OFFICER}
    event = AuditEvent.objects.get(action="accounts.user_created", object_id=str(user.pk))
    assert event.agency_id == admin.agency_id and "Good-Pass" not in event.payload


def test_county_secadmin_cannot_create_users_in_the_city(persona) -> None:
    admin = persona("hongta_secadmin")
    with pytest.raises(PermissionDenied):
        actions.create_user(
            admin,
            username="x_city",
            full_name="某",
            agency_id=persona("secadmin").agency_id,
            password="Good-Pass-2026",
            roles=[Role.OFFICER],
        )


def test_weak_password_names_the_field(persona) -> None:
    with pytest.raises(ValidationFailed) as exc:
        actions.create_user(
            persona("secadmin"),
            username="weak",
            full_name="弱",
            agency_id=persona("secadmin").agency_id,
            password="abcdefgh",
            roles=[Role.OFFICER],
        )
    assert exc.value.field == "password" and all(e.startswith("密码：") for e in exc.value.errors)


def test_secadmin_cannot_lock_themselves_out(persona) -> None:
    admin = persona("secadmin")
    with pytest.raises(SanxiangError):
        actions.update_user(
            admin, admin, roles=[], department=None, full_name="冯安全", title="", phone="", is_active=False
        )


def test_user_form_shows_chinese_errors_and_saves_nothing(login, persona) -> None:
    client = login("secadmin")
    before = User.objects.count()
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "ok_name",
            "full_name": "某人",
            "agency": persona("secadmin").agency_id,
            "roles": [Role.SYSADMIN, Role.AUDITOR],
            "password": "Good-Pass-2026",
        },
    )
    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    assert User.objects.count() == before


def test_city_secadmin_edits_a_county_user(login, persona) -> None:
    client = login("secadmin")
    target = persona("wangwu")
    response = client.post(
        f"/accounts/users/{target.pk}/",
        {"full_name": "王五", "roles": [Role.OFFICER, Role.DEPT_HEAD], "is_active": "on"},
    )
    assert response.status_code == 302
    assert persona("wangwu").role_codes == {Role.OFFICER, Role.DEPT_HEAD}


def test_county_secadmin_cannot_open_a_city_user(login, persona) -> None:
    client = login("hongta_secadmin")
    assert client.get(f"/accounts/users/{persona('zhangsan').pk}/").status_code == 403


def test_user_list_shows_only_users_in_scope(login) -> None:
    html = login("hongta_secadmin").get("/accounts/users/").content.decode()
    assert "王五" in html and "张三" not in html
