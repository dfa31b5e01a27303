"""The staff API under /api/v1/org/ does what the pages do, through the same actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import Agency
from org.models import Officer
from org.tests.factories import subject_data
from org.tests.test_officers import png_bytes
from publicity.models import Publication

J = "application/json"
# Note: ``login`` re-uses one test client; each call switches the signed-in user.


@pytest.fixture
def market(yuxi):
    return Agency.objects.get(name="玉溪市市场监督管理局")


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


def test_subject_workflow_through_the_api(login, market):
    base = f"/api/v1/org/subjects/{market.pk}"
    client = login("shijianju")
    saved = client.put(base, subject_data(name=market.name), content_type=J)
    assert saved.status_code == 200, saved.content
    assert saved.json()["state"] == "draft"
    bad = client.put(base, subject_data(name=market.name, nature="委托"), content_type=J)
    assert bad.status_code == 400 and bad.json()["field"] == "entrusting_agency"
    assert client.post(f"{base}/submit", {}, content_type=J).json()["state"] == "submitted"
    assert client.post(f"{base}/approve", {}, content_type=J).status_code == 403
    jiandu = login("jiandu")
    returned = jiandu.post(f"{base}/return", {"comment": "请补充监督电话"}, content_type=J)
    assert returned.json()["state"] == "returned"
    client = login("shijianju")
    client.post(f"{base}/submit", {}, content_type=J)
    jiandu = login("jiandu")
    published = jiandu.post(f"{base}/approve", {}, content_type=J).json()
    assert published["kind"] == "subject" and published["version"] == 1
    again = jiandu.post(f"{base}/reconfirm", {"note": ""}, content_type=J).json()
    assert again["version"] == 2
    listed = jiandu.get("/api/v1/org/subjects?state=published").json()
    assert [s["agency_id"] for s in listed] == [market.pk]
    assert listed[0]["confirmed_on"] == timezone.localdate().isoformat()
    assert login("wangwu").get(base).status_code == 403
    assert login("wangwu").put(base, subject_data(name=market.name), content_type=J).status_code == 403


def test_officer_workflow_through_the_api(login, yuxi, media):
    today = timezone.localdate()
    body = {
        "agency_id": yuxi.pk,
        "name": "周明",
        "position": "四级主任科员",
        "categories": ["行政处罚"],
        "area": "玉溪市行政区域内",
        "has_legal_qualification": True,
        "id_number": "530402199001010016",
        "mobile": "13908771234",
        "cert_number": "云执53040020261234",
        "cert_issuer": "云南省人民政府",
        "cert_valid_from": (today - timedelta(days=10)).isoformat(),
        "cert_valid_until": (today + timedelta(days=30)).isoformat(),
    }
    client = login("zhangsan")
    created = client.post("/api/v1/org/officers", body, content_type=J)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["certificate"] is None and data["pending_certificate"]["number"] == "云执53040020261234"
    assert data["id_number_masked"].startswith("530402") and "13908771234" not in created.content.decode()
    oid = data["id"]
    photo = client.post(
        f"/api/v1/org/officers/{oid}/photo", {"photo": SimpleUploadedFile("a.png", png_bytes(), "image/png")}
    )
    assert photo.status_code == 200 and photo.json()["has_photo"], photo.content
    body.pop("agency_id")
    body["position"] = "三级主任科员"
    assert (
        client.put(f"/api/v1/org/officers/{oid}", body, content_type=J).json()["position"] == "三级主任科员"
    )
    client.post(f"/api/v1/org/officers/{oid}/submit", {}, content_type=J)
    jiandu = login("jiandu")
    published = jiandu.post(f"/api/v1/org/officers/{oid}/approve", {}, content_type=J).json()
    assert published["key"] == "云执53040020261234"
    officer = jiandu.get(f"/api/v1/org/officers/{oid}").json()
    assert officer["assignable_today"] and officer["certificate"]["effective_label"] == "有效"
    assignable = jiandu.get(f"/api/v1/org/officers/assignable?agency_id={yuxi.pk}").json()
    assert [o["id"] for o in assignable] == [oid]
    cert_id = officer["certificate"]["id"]
    refused = login("zhangsan").post(
        f"/api/v1/org/certificates/{cert_id}/status",
        {"action": "suspend", "reason": "涉嫌违规执法"},
        content_type=J,
    )
    assert refused.status_code == 403
    jiandu = login("jiandu")
    changed = jiandu.post(
        f"/api/v1/org/certificates/{cert_id}/status",
        {"action": "suspend", "reason": "涉嫌违规执法"},
        content_type=J,
    ).json()
    assert changed["certificate"]["status"] == "suspended" and not changed["assignable_today"]
    wrong = jiandu.post(
        f"/api/v1/org/certificates/{cert_id}/status",
        {"action": "destroy", "reason": "测试未知操作"},
        content_type=J,
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "action"
    assert Publication.objects.current().get(kind="officer").payload["status"] == "suspended"
    gone = jiandu.post(f"/api/v1/org/officers/{oid}/deactivate", {"reason": "退休"}, content_type=J)
    assert gone.status_code == 400 and gone.json()["field"] == "reason"
    gone = jiandu.post(f"/api/v1/org/officers/{oid}/deactivate", {"reason": "到龄退休离岗"}, content_type=J)
    assert gone.json()["is_active"] is False
    assert not Publication.objects.current().filter(kind="officer").exists()
    assert Officer.objects.get(pk=oid).deactivation_reason == "到龄退休离岗"


def test_officer_api_is_scoped(login, yuxi):
    from org.tests.factories import make_officer

    officer = make_officer(yuxi, name="市局人员")
    assert login("wangwu").get(f"/api/v1/org/officers/{officer.pk}").status_code == 403
    assert login("wangwu").get("/api/v1/org/officers").json() == []
    assert login("shijianju").get(f"/api/v1/org/officers/assignable?agency_id={yuxi.pk}").status_code == 403
