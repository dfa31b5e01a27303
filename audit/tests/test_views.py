"""The 审计管理员's pages and API: who gets in, what each sees, and what is recorded.

Signing a test client in records an auth.login event too (accounts.signals), so counts allow for those.
"""

from __future__ import annotations

import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import Role, User, UserRole
from audit import chain
from audit.chain import record
from audit.models import AuditEvent, Checkpoint
from audit.tests.test_chain import append_only_lifted
from core.models import Agency

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAGES = ["audit:event_list", "audit:verify", "audit:checkpoints", "audit:checkpoint_export"]


@pytest.fixture
def logged(yuxi, persona):
    """Events of the 市司法局 (a login by 张三), of 红塔区司法局 and of the platform chain."""
    hongta = Agency.objects.get(short_name="红司")
    city_login = record("auth.login", actor=persona("zhangsan"), ip="192.168.3.4")
    record(
        "calendar.holiday_saved",
        actor=persona("sysadmin"),
        object_type="core.holiday",
        object_id="2026-10-01",
    )
    hongta_event = record("accounts.user_updated", actor=persona("hongta_secadmin"), obj=persona("wangwu"))
    platform = record("auth.login_failed", payload={"known_user": False})
    return {"city": city_login, "hongta": hongta_event, "platform": platform, "hongta_agency": hongta}


@pytest.fixture
def county_auditor(logged):
    user = User.objects.create(
        username="hongta_auditor", full_name="红塔审计", agency=logged["hongta_agency"]
    )
    UserRole.objects.create(user=user, role=Role.AUDITOR)
    return user


def _detail(event: AuditEvent) -> str:
    return reverse("audit:event_detail", args=[event.pk])


@pytest.mark.parametrize("name", [*PAGES, "audit:event_detail"])
def test_only_the_auditor_gets_in(name, client, login, logged) -> None:
    url = _detail(logged["city"]) if name == "audit:event_detail" else reverse(name)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for username in ("sysadmin", "secadmin", "zhangsan"):
        assert login(username).get(url).status_code == 403, username
    response = login("auditor").get(url)
    assert response.status_code == 200


def test_pages_have_no_inline_script_or_style(login, logged) -> None:
    client = login("auditor")
    for url in [
        reverse("audit:event_list"),
        reverse("audit:verify"),
        reverse("audit:checkpoints"),
        _detail(logged["city"]),
    ]:
        html = client.get(url).content.decode()
        assert 'style="' not in html
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), url
        assert "<table" not in html or 'class="table-responsive"' in html


def test_event_list_shows_newest_first_with_chinese_labels(login, logged) -> None:
    html = login("auditor").get(reverse("audit:event_list")).content.decode()
    assert (
        html.index("登录失败")
        < html.index("修改用户")
        < html.index("工作日历：保存节假日或调休")
        < html.index("张三")
    )
    assert "192.168.3.4" in html and "执法人员" in html
    local = logged["city"].created_at.astimezone(SHANGHAI)
    assert local.strftime("%Y-%m-%d %H:%M:%S") in html


def test_reading_the_log_is_not_recorded(login, logged) -> None:
    client = login("auditor")
    before = AuditEvent.objects.count()
    client.get(reverse("audit:event_list"))
    client.get(_detail(logged["city"]))
    client.get(reverse("audit:checkpoint_export"))
    assert AuditEvent.objects.count() == before


def test_filters(login, logged) -> None:
    client = login("auditor")

    def shown(**params) -> set[int]:
        response = client.get(reverse("audit:event_list"), params)
        return {row["e"].pk for row in response.context["rows"] if row["e"].actor_id != auditor}

    auditor = User.objects.get(username="auditor").pk

    everything = {logged["city"].pk, logged["hongta"].pk, logged["platform"].pk}
    assert everything <= shown()
    assert shown(action="auth.login") == {logged["city"].pk}
    assert shown(action="auth.*") == {logged["city"].pk, logged["platform"].pk}
    assert shown(agency="platform") == {logged["platform"].pk}
    assert shown(agency=str(logged["hongta_agency"].pk)) == {logged["hongta"].pk}
    assert shown(actor="zhangsan") == {logged["city"].pk}
    today = logged["city"].created_at.astimezone(SHANGHAI).date()
    assert everything <= shown(date_from=today.isoformat(), date_to=today.isoformat())
    assert shown(date_to="2000-01-01") == set()
    response = client.get(reverse("audit:event_list"), {"date_from": "2026-02-02", "date_to": "2026-02-01"})
    assert "截止日期不能早于起始日期" in response.content.decode()


def test_event_list_pages_by_fifty(login, yuxi) -> None:
    client = login("auditor")  # one auth.login event
    for i in range(54):
        record("test.event", agency_id=yuxi.pk, object_id=i)
    first = client.get(reverse("audit:event_list"))
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.num_pages == 2
    assert len(client.get(reverse("audit:event_list"), {"page": 2}).context["rows"]) == 5


def test_county_auditor_never_sees_city_or_platform_events(client, county_auditor, logged) -> None:
    client.force_login(county_auditor)
    response = client.get(reverse("audit:event_list"))
    own_login = AuditEvent.objects.get(action="auth.login", actor=county_auditor)
    assert {row["e"].pk for row in response.context["rows"]} == {logged["hongta"].pk, own_login.pk}
    assert "平台（无所属机关的事件）" not in response.content.decode()
    assert client.get(_detail(logged["city"])).status_code == 403
    assert client.get(_detail(logged["platform"])).status_code == 403
    assert client.get(_detail(logged["hongta"])).status_code == 200
    assert client.get(reverse("audit:event_detail", args=[999999])).status_code == 404
    assert (
        client.get(reverse("audit:event_list"), {"agency": str(logged["city"].agency_id)}).context["rows"]
        == []
    )
    export = json.loads(client.get(reverse("audit:checkpoint_export")).content)
    assert export["checkpoints"] == []


def test_county_auditor_verifies_and_checkpoints_only_its_chains(client, county_auditor, logged) -> None:
    client.force_login(county_auditor)
    client.post(reverse("audit:checkpoints"), {"chain": ""})
    assert set(Checkpoint.objects.values_list("chain", flat=True)) == {logged["hongta"].chain}
    response = client.post(reverse("audit:checkpoints"), {"chain": logged["city"].chain})
    assert response.status_code == 200 and Checkpoint.objects.count() == 1  # not a choice: form error
    # A break in the city chain is none of the county's business.
    with append_only_lifted():
        AuditEvent.objects.filter(pk=logged["city"].pk).update(ip="1.1.1.1")
    result = client.post(reverse("audit:verify")).context["result"]
    assert result.ok and result.chains == 1


def test_event_detail_rechecks_the_event(login, logged) -> None:
    client = login("auditor")
    target = logged["city"]
    response = client.get(_detail(target))
    html = response.content.decode()
    assert response.context["all_ok"]
    assert "本条事件校验通过" in html and target.hash in html and target.prev_hash in html
    assert "&quot;known_user&quot;" not in html  # that is the platform event's payload
    with append_only_lifted():
        AuditEvent.objects.filter(pk=target.pk).update(object_id="42")
    response = client.get(_detail(target))
    assert not response.context["all_ok"]
    assert "本条事件校验未通过" in response.content.decode()


def test_verify_runs_on_post_and_is_recorded(login, logged) -> None:
    client = login("auditor")
    page = client.get(reverse("audit:verify")).content.decode()
    assert "开始校验" in page and "审计链校验通过" not in page
    assert not AuditEvent.objects.filter(action="audit.verified").exists()
    total = AuditEvent.objects.count()
    response = client.post(reverse("audit:verify"))
    assert "审计链校验通过" in response.content.decode()
    assert response.context["result"].events == total and response.context["result"].chains == 3
    recorded = AuditEvent.objects.get(action="audit.verified")
    assert json.loads(recorded.payload)["ok"] is True
    assert recorded.actor_id == User.objects.get(username="auditor").pk
    with append_only_lifted():
        AuditEvent.objects.filter(pk=logged["hongta"].pk).update(action="auth.logout")
    html = client.post(reverse("audit:verify")).content.decode()
    assert "审计链校验未通过" in html and "事件哈希不符" in html
    assert json.loads(AuditEvent.objects.filter(action="audit.verified").latest("id").payload)["ok"] is False


def test_checkpoints_are_created_recorded_and_exported(login, logged) -> None:
    client = login("auditor")
    response = client.post(reverse("audit:checkpoints"), {"chain": ""})
    assert response.status_code == 302
    assert Checkpoint.objects.count() == 3
    assert AuditEvent.objects.filter(action="audit.checkpoint_created").count() == 3
    export = client.get(reverse("audit:checkpoint_export"))
    assert export["Content-Type"].startswith("application/json")
    assert "attachment" in export["Content-Disposition"]
    items = json.loads(export.content)["checkpoints"]
    assert {i["chain"] for i in items} == {logged["city"].chain, logged["hongta"].chain, "platform"}
    assert all(set(i) == {"chain", "count", "head_hash", "created_at"} for i in items)
    assert chain.verify(published=chain.load_published(json.loads(export.content))).ok
    page = client.get(reverse("audit:checkpoints")).content.decode()
    assert "卫审计" in page and "玉溪市红塔区司法局" in page


# --- API ------------------------------------------------------------------------------------------------


def test_api_events_are_scoped_filtered_and_paged(client, login, county_auditor, logged) -> None:
    url = "/api/v1/audit/events"
    assert client.get(url).status_code == 401
    denied = login("sysadmin").get(url)
    assert denied.status_code == 403 and denied.json()["code"] == "forbidden"
    api = login("auditor")
    body = api.get(url).json()
    assert body["count"] == AuditEvent.objects.count() == 6  # with the two sign-ins above
    assert body["items"][0]["action_label"] == "登录" and body["items"][0]["actor_username"] == "auditor"
    assert body["items"][2]["id"] == logged["platform"].pk
    page = api.get(url, {"limit": 2, "offset": 1}).json()
    assert [i["id"] for i in page["items"]] == [i["id"] for i in body["items"][1:3]]
    assert (
        api.get(url, {"action": "auth.login", "actor": "zhangsan"}).json()["items"][0]["id"]
        == logged["city"].pk
    )
    assert api.get(url, {"agency": "platform"}).json()["count"] == 1
    assert api.get(url, {"limit": 0}).status_code == 400
    assert api.get(url, {"agency": "abc"}).status_code == 400
    api.force_login(county_auditor)
    assert [i["id"] for i in api.get(url).json()["items"]][1:] == [logged["hongta"].pk]
    assert api.get(url, {"agency": str(logged["city"].agency_id)}).status_code == 400


def test_api_checkpoints(client, login, county_auditor, logged) -> None:
    url = "/api/v1/audit/checkpoints"
    assert login("secadmin").post(url, {}, content_type="application/json").status_code == 403
    api = login("auditor")
    created = api.post(url, {"chain": logged["city"].chain}, content_type="application/json")
    assert created.status_code == 201
    [item] = created.json()
    pinned = AuditEvent.objects.get(chain=logged["city"].chain, seq=item["count"])
    assert (item["chain"], item["head_hash"], item["created_by"]) == (
        logged["city"].chain,
        pinned.hash,
        "auditor",
    )
    # The checkpoint itself was then recorded: in the auditor's (the city's) chain, right after.
    assert (
        AuditEvent.objects.get(chain=logged["city"].chain, seq=item["count"] + 1).action
        == "audit.checkpoint_created"
    )
    assert len(api.post(url, {}, content_type="application/json").json()) == 3
    assert len(api.get(url).json()) == 4
    assert AuditEvent.objects.filter(action="audit.checkpoint_created").count() == 4
    api.force_login(county_auditor)
    assert [c["chain"] for c in api.get(url).json()] == [logged["hongta"].chain]
    assert api.post(url, {"chain": logged["city"].chain}, content_type="application/json").status_code == 403
