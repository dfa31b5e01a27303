"""/api/v1/calendar: working-day arithmetic and the holiday table for any signed-in user."""

from __future__ import annotations

import pytest

BASE = "/api/v1/calendar"


def test_add_workdays(login) -> None:
    response = login("zhangsan").get(f"{BASE}/add-workdays?start=2026-09-30&n=5")
    assert response.status_code == 200
    assert response.json() == {"start": "2026-09-30", "n": 5, "result": "2026-10-13"}


def test_workdays_between(login) -> None:
    response = login("zhangsan").get(f"{BASE}/workdays-between?start=2026-09-30&end=2026-10-13")
    assert response.json() == {"start": "2026-09-30", "end": "2026-10-13", "workdays": 5}


def test_holidays(login) -> None:
    data = login("wangwu").get(f"{BASE}/holidays?year=2026").json()
    assert data["year"] == 2026 and data["loaded"] is True
    assert data["source"].startswith("chinesecalendar")
    assert {"date": "2026-10-10", "kind": "workday", "kind_label": "调休上班日", "name": "国庆节"} in data[
        "entries"
    ]
    assert len(data["entries"]) == 39


def test_holidays_of_an_unloaded_year(login) -> None:
    data = login("zhangsan").get(f"{BASE}/holidays?year=2027").json()
    assert data == {"year": 2027, "loaded": False, "source": "", "entries": []}


def test_unloaded_year_is_a_400_with_the_chinese_message(login) -> None:
    response = login("zhangsan").get(f"{BASE}/add-workdays?start=2026-12-30&n=2")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "calendar_not_loaded" and body["field"] == "date"
    assert "2027年的节假日安排尚未载入" in body["message"]


def test_negative_n_is_a_400(login) -> None:
    response = login("zhangsan").get(f"{BASE}/add-workdays?start=2026-09-30&n=-1")
    assert response.status_code == 400
    assert response.json()["field"] == "n"


def test_bad_date_is_refused(login) -> None:
    assert login("zhangsan").get(f"{BASE}/add-workdays?start=2026-02-30&n=1").status_code == 422


@pytest.mark.django_db
def test_anonymous_gets_401(client) -> None:
    assert client.get(f"{BASE}/add-workdays?start=2026-09-30&n=5").status_code == 401


def test_bearer_token(yuxi, client, password) -> None:
    issued = client.post(
        "/api/v1/auth/token", {"username": "zhangsan", "password": password}, content_type="application/json"
    )
    assert issued.status_code == 200
    response = client.get(
        f"{BASE}/add-workdays?start=2026-10-03&n=1",
        headers={"Authorization": f"Bearer {issued.json()['token']}"},
    )
    assert response.json()["result"] == "2026-10-08"
