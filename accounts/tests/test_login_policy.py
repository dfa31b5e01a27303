"""等保三级 login policy: password complexity, lockout after 5 failures for 15 minutes, 30-minute idle timeout,
and every login, logout and failure in the audit chain."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import rules
from accounts.validators import CharacterClassValidator
from audit.models import AuditEvent

LOGIN = "/accounts/login/"


@pytest.mark.parametrize(
    ("password", "classes"),
    [("abcdefgh", 1), ("abcd1234", 2), ("Abcd1234", 3), ("abcd123!", 3), ("Ab1!", 4), ("玉溪abc12", 3)],
)
def test_character_classes(password: str, classes: int) -> None:
    assert rules.password_character_classes(password) == classes


def test_validator_boundary_two_versus_three_classes() -> None:
    validator = CharacterClassValidator()
    validator.validate("Abcd1234")  # 3 classes: accepted
    with pytest.raises(ValidationError) as exc:
        validator.validate("abcd1234")  # 2 classes: refused
    assert "至少 3 类" in exc.value.messages[0]


@pytest.mark.django_db
def test_length_boundary_seven_versus_eight() -> None:
    from django.contrib.auth.password_validation import validate_password

    validate_password("Xq7!mzpw")  # 8 characters, 4 classes
    with pytest.raises(ValidationError) as exc:
        validate_password("Xq7!mzp")  # 7 characters
    assert any("8" in m for m in exc.value.messages)


def _fail(client, username: str, times: int) -> None:
    for _ in range(times):
        client.post(LOGIN, {"username": username, "password": "wrong-Password1"})


def test_four_failures_then_the_right_password_logs_in(client, yuxi, password) -> None:
    _fail(client, "lisi", rules.LOGIN_FAILURE_LIMIT - 1)
    response = client.post(LOGIN, {"username": "lisi", "password": password})
    assert response.status_code == 302 and response["Location"] == "/workbench/"


def test_five_failures_lock_the_account_even_for_the_right_password(client, yuxi, password) -> None:
    _fail(client, "lisi", rules.LOGIN_FAILURE_LIMIT)
    response = client.post(LOGIN, {"username": "lisi", "password": password})
    assert response.status_code == 403
    assert "锁定 15 分钟" in response.content.decode()
    # another account is not affected: lockout is per account, not per office address
    assert client.post(LOGIN, {"username": "zhangsan", "password": password}).status_code == 302


def test_lockout_ends_after_fifteen_minutes(client, yuxi, password) -> None:
    from axes.models import AccessAttempt

    _fail(client, "lisi", rules.LOGIN_FAILURE_LIMIT)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timedelta(minutes=rules.LOCKOUT_MINUTES, seconds=1)
    )
    assert client.post(LOGIN, {"username": "lisi", "password": password}).status_code == 302


def test_lockout_still_holds_just_before_fifteen_minutes(client, yuxi, password) -> None:
    from axes.models import AccessAttempt

    _fail(client, "lisi", rules.LOGIN_FAILURE_LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=rules.LOCKOUT_MINUTES - 1))
    assert client.post(LOGIN, {"username": "lisi", "password": password}).status_code == 403


def test_secadmin_unlocks_early_and_it_is_audited(client, yuxi, persona, password) -> None:
    _fail(client, "wangwu", rules.LOGIN_FAILURE_LIMIT)
    client.force_login(persona("hongta_secadmin"))
    target = persona("wangwu")
    assert client.post(f"/accounts/users/{target.pk}/unlock/").status_code == 302
    client.logout()
    assert client.post(LOGIN, {"username": "wangwu", "password": password}).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.unlocked", object_id=str(target.pk)).exists()


def _age_session(client, seconds: float) -> None:
    session = client.session
    session["last_seen"] = time.time() - seconds
    session.save()


def test_idle_for_thirty_one_minutes_signs_out(login) -> None:
    client = login("zhangsan")
    assert client.get("/workbench/").status_code == 200
    _age_session(client, (rules.IDLE_TIMEOUT_MINUTES + 1) * 60)
    response = client.get("/workbench/")
    assert response.status_code == 302 and LOGIN in response["Location"]
    assert AuditEvent.objects.filter(action="auth.logout", payload__contains="idle_timeout").exists()


def test_idle_for_twenty_nine_minutes_stays_signed_in(login) -> None:
    client = login("zhangsan")
    client.get("/workbench/")
    _age_session(client, (rules.IDLE_TIMEOUT_MINUTES - 1) * 60)
    assert client.get("/workbench/").status_code == 200


def test_progress_polls_do_not_keep_an_idle_session_alive(login) -> None:
    client = login("zhangsan")
    client.get("/workbench/")
    _age_session(client, (rules.IDLE_TIMEOUT_MINUTES - 1) * 60)
    assert client.get("/workbench/", headers={"X-Sanxiang-Poll": "1"}).status_code == 200
    _age_session_by(client, 2 * 60)
    response = client.get("/workbench/")
    assert response.status_code == 302 and LOGIN in response["Location"]


def _age_session_by(client, seconds: float) -> None:
    session = client.session
    session["last_seen"] = float(session["last_seen"]) - seconds
    session.save()


def test_login_logout_and_failure_are_audited_without_the_typed_name(client, yuxi, persona, password) -> None:
    client.post(LOGIN, {"username": "zhangsan", "password": password})
    client.post("/accounts/logout/")
    client.post(LOGIN, {"username": "Secret-typed-as-name", "password": "x"})
    user = persona("zhangsan")
    actions = list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert "auth.login" in actions and "auth.logout" in actions
    failure = AuditEvent.objects.get(action="auth.login_failed")
    assert "Secret-typed-as-name" not in failure.payload
    assert failure.chain == "platform"  # an unknown name belongs to no agency


def test_failure_of_a_known_user_goes_to_their_agency_chain(client, yuxi, persona) -> None:
    client.post(LOGIN, {"username": "wangwu", "password": "wrong-Password1"})
    failure = AuditEvent.objects.get(action="auth.login_failed")
    assert failure.agency_id == persona("wangwu").agency_id
