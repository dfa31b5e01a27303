"""Token login for the JSON API, with the same lockout as the web form."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import ApiToken


def _token(client, username: str, password: str):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


def test_token_login_and_me(client, yuxi, password) -> None:
    response = _token(client, "zhangsan", password)
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["full_name"] == "张三" and me.json()["roles"] == ["officer"]
    assert not ApiToken.objects.filter(key_hash=token).exists()  # only the digest is stored


def test_wrong_password_gets_a_chinese_401(client, yuxi) -> None:
    response = _token(client, "zhangsan", "Wrong-Pass-1")
    assert response.status_code == 401 and response.json()["field"] == "password"


def test_token_lockout_after_five_failures(client, yuxi, password) -> None:
    for _ in range(5):
        _token(client, "lisi", "Wrong-Pass-1")
    response = _token(client, "lisi", password)
    assert response.status_code == 403 and "锁定" in response.json()["message"]


def test_expired_and_revoked_tokens_are_refused(client, yuxi, password) -> None:
    token = _token(client, "zhangsan", password).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/auth/me", headers=auth).status_code == 401
    ApiToken.objects.update(expires_at=timezone.now() + timedelta(days=1), revoked_at=timezone.now())
    assert client.get("/api/v1/auth/me", headers=auth).status_code == 401


def test_health_checks_the_database(client, db) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"
