"""The evidence JSON API: list, detail, resumable upload with a bearer token, download, 作废."""

from __future__ import annotations

import hashlib
from typing import Any

from django.test import Client

from evidence.models import CustodyEvent, EvidenceItem

DATA = b"0123456789" * 1000


def _token_client(persona: Any) -> Client:
    import secrets
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import ApiToken

    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=persona("zhangsan"),
        key_hash=ApiToken.digest(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + timedelta(days=1),
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_upload_through_the_api_with_a_token(persona: Any, city_case: Any, evidence_tmp: Any) -> None:
    client = _token_client(persona)
    base = "/api/v1/evidence"
    begun = client.post(
        f"{base}/cases/{city_case.pk}/uploads",
        {"filename": "录音.m4a", "size": len(DATA), "kind": "audiovisual", "title": "询问录音"},
        content_type="application/json",
    )
    assert begun.status_code == 201, begun.content.decode()
    upload = begun.json()
    chunk = f"{base}/uploads/{upload['id']}/chunk"
    assert (
        client.put(f"{chunk}?offset=0", DATA[:4000], content_type="application/octet-stream").json()[
            "received"
        ]
        == 4000
    )
    wrong = client.put(f"{chunk}?offset=0", DATA[:4000], content_type="application/octet-stream")
    assert wrong.status_code == 409 and wrong.json()["expected"] == 4000
    client.put(f"{chunk}?offset=4000", DATA[4000:], content_type="application/octet-stream")
    assert client.get(f"{base}/uploads/{upload['id']}").json()["received"] == len(DATA)
    done = client.post(f"{base}/uploads/{upload['id']}/finish")
    assert done.status_code == 201, done.content.decode()
    summary = done.json()["item"]
    assert summary["sha256"] == hashlib.sha256(DATA).hexdigest()
    assert summary["sm3"] == hashlib.new("sm3", DATA).hexdigest()
    assert summary["is_av"] and summary["title"] == "询问录音"

    listed = client.get(f"{base}/cases/{city_case.pk}/items").json()
    assert [i["id"] for i in listed] == [summary["id"]]
    detail = client.get(f"{base}/items/{summary['id']}").json()
    assert [e["kind"] for e in detail["custody"]] == ["upload", "view"]
    download = client.get(f"{base}/items/{summary['id']}/file", HTTP_RANGE="bytes=0-9")
    assert download.status_code == 206 and download.getvalue() == DATA[:10]
    item = EvidenceItem.objects.get(pk=summary["id"])
    assert list(CustodyEvent.objects.filter(item=item).values_list("kind", flat=True)) == [
        "upload",
        "view",
        "download",
    ]

    refused = client.post(f"{base}/items/{item.pk}/void", {"reason": "短"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    voided = client.post(
        f"{base}/items/{item.pk}/void", {"reason": "录音内容与本案无关"}, content_type="application/json"
    )
    assert voided.status_code == 200 and voided.json()["is_voided"] is True


def test_api_refuses_other_agencies_and_4_gb(login: Any, city_case: Any, evidence_tmp: Any) -> None:
    wangwu = login("wangwu")
    assert wangwu.get(f"/api/v1/evidence/cases/{city_case.pk}/items").status_code == 403
    zhangsan = login("zhangsan")
    too_big = zhangsan.post(
        f"/api/v1/evidence/cases/{city_case.pk}/uploads",
        {"filename": "a.mp4", "size": 4 * 1024**3 + 1, "kind": "audiovisual"},
        content_type="application/json",
    )
    assert too_big.status_code == 400 and "4 GB" in too_big.json()["message"]
