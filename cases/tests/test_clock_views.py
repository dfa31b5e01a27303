"""The clocks and compliance pages and their JSON API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.actions import clocks
from cases.models import Clock, ClockEvent
from cases.tests.clock_helpers import walk
from cases.tests.factories import make_case


@pytest.fixture
def licence(case_world):
    """A 许可 case accepted a week ago, now in 审查: clocks intake (stopped) and decide (running)."""
    user = case_world.users["zhangsan"]
    start = timezone.localdate() - timedelta(days=7)
    case = make_case(user, case_world.items["licensing"], "licensing", on=start, received_on=start)
    clocks.on_case_opened(case, on=start, actor=user)
    walk(case, [("intake", start), ("accepted", start), ("examine", start)])
    return case


def _decide(case) -> Clock:
    return Clock.objects.get(case=case, step_id="decide")


def test_clocks_page_shows_next_due_and_events(login, licence) -> None:
    html = login("zhangsan").get(reverse("cases:clocks", args=[licence.pk])).content.decode()
    decide = _decide(licence)
    assert "下一个到期" in html and decide.label in html
    assert decide.due_on.isoformat() in html and "《行政许可法》第四十二条" in html
    assert "起算" in html and "暂停计时" in html
    # 张三 is no 分管领导: no extension form, but who may approve
    assert "批准延长（" not in html and "延长须由分管领导批准" in html


def test_pause_and_resume_through_the_page(login, licence) -> None:
    client = login("zhangsan")
    url = reverse("cases:clocks", args=[licence.pk])
    decide = _decide(licence)
    r = client.post(
        url, {"clock": decide.pk, "action": "pause", "ground": "appraisal", "reason": "委托司法鉴定"}
    )
    assert r.status_code == 302
    decide.refresh_from_db()
    assert decide.state == Clock.State.PAUSED
    assert (
        decide.events.get(kind=ClockEvent.Kind.PAUSE).reason
        == "鉴定：委托司法鉴定（《行政许可法》第四十五条）"
    )
    r = client.post(url, {"clock": decide.pk, "action": "resume"})
    decide.refresh_from_db()
    assert decide.state == Clock.State.RUNNING


def test_pause_without_reason_is_refused_on_the_form(login, licence) -> None:
    decide = _decide(licence)
    r = login("zhangsan").post(
        reverse("cases:clocks", args=[licence.pk]),
        {"clock": decide.pk, "action": "pause", "ground": "appraisal"},
    )
    assert r.status_code == 200 and "具体情况" in r.content.decode()
    decide.refresh_from_db()
    assert decide.state == Clock.State.RUNNING


def test_extension_by_the_deputy_leader_and_refused_for_an_officer(login, licence) -> None:
    decide = _decide(licence)
    url = reverse("cases:clocks", args=[licence.pk])
    before = decide.due_on
    r = login("zhangsan").post(
        url, {"clock": decide.pk, "action": "extend", "days": 10, "reason": "需现场核查"}
    )
    assert r.status_code == 200 and "负责人" in r.content.decode()
    decide.refresh_from_db()
    assert decide.due_on == before
    client = login("fenguan")
    assert "批准延长（分管领导）" in client.get(url).content.decode()
    r = client.post(url, {"clock": decide.pk, "action": "extend", "days": 10, "reason": "需现场核查"})
    assert r.status_code == 302
    decide.refresh_from_db()
    assert decide.extended_days == 10 and decide.due_on > before
    approver = decide.events.get(kind="extend").approver
    assert approver is not None and approver.username == "fenguan"


def test_publicity_reviewer_reads_but_may_not_change(login, licence) -> None:
    client = login("gongshi")
    url = reverse("cases:clocks", args=[licence.pk])
    assert "暂停计时" not in client.get(url).content.decode()
    decide = _decide(licence)
    r = client.post(url, {"clock": decide.pk, "action": "pause", "ground": "appraisal", "reason": "x"})
    assert r.status_code == 403


def test_other_agency_cannot_see(login, licence) -> None:
    assert login("wangwu").get(reverse("cases:clocks", args=[licence.pk])).status_code == 403
    assert login("wangwu").get(reverse("cases:compliance", args=[licence.pk])).status_code == 403


def test_compliance_page_lists_checks_with_articles(login, licence) -> None:
    html = login("kezhang").get(reverse("cases:compliance", args=[licence.pk])).content.decode()
    assert "合规检查" in html and "未通过" in html
    assert "受理通知书" in html and "《行政许可法》第三十二条" in html
    assert "回避申请均已决定" in html


def test_api_clocks_and_compliance(login, licence) -> None:
    client = login("zhangsan")
    data = client.get(f"/api/v1/cases/{licence.pk}/clocks").json()
    assert data["next_due"]["code"] == "decide" and data["next_due"]["status"] in ("ok", "yellow")
    assert {c["code"] for c in data["clocks"]} == {"intake", "decide"}
    sheet = client.get(f"/api/v1/cases/{licence.pk}/compliance").json()
    assert sheet["passed"] is False
    assert any(c["key"] == "gate:recusal" and c["passed"] for c in sheet["checks"])


def test_api_pause_resume_extend(login, licence) -> None:
    decide = _decide(licence)
    base = f"/api/v1/cases/{licence.pk}/clocks/{decide.pk}"
    client = login("zhangsan")
    r = client.post(f"{base}/pause", {"reason": "等待申请人补正"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "paused"
    r = client.post(f"{base}/resume", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "running"
    r = client.post(f"{base}/extend", {"days": 10, "reason": "复杂"}, content_type="application/json")
    assert r.status_code == 400 and "负责人" in r.json()["message"]
    r = login("fenguan").post(
        f"{base}/extend", {"days": 11, "reason": "复杂"}, content_type="application/json"
    )
    assert r.status_code == 400 and "最多可延长10日" in r.json()["message"]
    r = login("fenguan").post(
        f"{base}/extend", {"days": 10, "reason": "复杂"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["extended_days"] == 10
    r = login("gongshi").post(f"{base}/pause", {"reason": "x"}, content_type="application/json")
    assert r.status_code == 403
