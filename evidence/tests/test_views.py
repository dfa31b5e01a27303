"""Evidence pages: agency scope, the player's Range requests, custody events, 作废, archived cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.errors import SanxiangError
from evidence import actions
from evidence.models import CustodyEvent, EvidenceItem

VIDEO = bytes(range(256)) * 1000  # 256 000 bytes standing in for an MP4


def _kinds(item: EvidenceItem) -> list[str]:
    return list(CustodyEvent.objects.filter(item=item).order_by("id").values_list("kind", flat=True))


def test_case_list_shows_items_with_short_hashes(login: Any, add_item: Any) -> None:
    item = add_item(VIDEO, "记录仪.mp4", kind="audiovisual", title="现场视频")
    response = login("kezhang").get(reverse("evidence:case_items", args=[item.case_id]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "现场视频" in text and "视听资料" in text and item.blob.sha256[:12] in text
    assert item.blob.sm3[:12] in text
    assert item.uploaded_by.full_name in text


def test_hongta_user_gets_403_on_city_evidence(login: Any, add_item: Any) -> None:
    item = add_item()
    client = login("wangwu")
    for name, pk in (
        ("evidence:case_items", item.case_id),
        ("evidence:upload", item.case_id),
        ("evidence:item", item.pk),
        ("evidence:item_stream", item.pk),
        ("evidence:item_download", item.pk),
        ("evidence:item_void", item.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 403, name
    assert client.get(f"/api/v1/evidence/items/{item.pk}/file").status_code == 403
    assert _kinds(item) == ["upload"]


def test_range_request_returns_206_with_the_right_bytes(login: Any, add_item: Any) -> None:
    item = add_item(VIDEO, "记录仪.mp4", kind="audiovisual")
    client = login("zhangsan")
    url = reverse("evidence:item_stream", args=[item.pk])
    whole = client.get(url)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes" and whole["Content-Type"] == "video/mp4"
    assert b"".join(whole.streaming_content) == VIDEO
    part = client.get(url, HTTP_RANGE="bytes=1000-1999")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 1000-1999/{len(VIDEO)}"
    assert part["Content-Length"] == "1000"
    assert b"".join(part.streaming_content) == VIDEO[1000:2000]
    open_ended = client.get(url, HTTP_RANGE="bytes=255000-")
    assert open_ended.status_code == 206 and b"".join(open_ended.streaming_content) == VIDEO[255000:]
    suffix = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(suffix.streaming_content) == VIDEO[-10:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(VIDEO)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(VIDEO)}"


def test_item_page_has_player_and_full_hashes_and_records_view(login: Any, add_item: Any) -> None:
    item = add_item(VIDEO, "记录仪.mp4", kind="audiovisual")
    response = login("lisi").get(reverse("evidence:item", args=[item.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "<video controls" in text and reverse("evidence:item_stream", args=[item.pk]) in text
    assert item.blob.sha256 in text and item.blob.sm3 in text
    assert _kinds(item) == ["upload", "view"]
    view = CustodyEvent.objects.get(item=item, kind="view")
    assert view.actor is not None and view.actor.username == "lisi" and view.ip == "127.0.0.1"
    assert AuditEvent.objects.filter(action="evidence.view", object_id=str(item.pk)).count() == 1
    # The player's range requests right after do not add a 查看 each.
    login("lisi").get(reverse("evidence:item_stream", args=[item.pk]), HTTP_RANGE="bytes=0-")
    assert _kinds(item) == ["upload", "view"]


def test_download_records_custody_once_per_download(login: Any, add_item: Any) -> None:
    item = add_item(b"%PDF-1.4 doc", "笔录.pdf", kind="documentary")
    client = login("zhaoliu")
    url = reverse("evidence:item_download", args=[item.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E7%AC%94%E5%BD%95.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 doc"
    client.get(url, HTTP_RANGE="bytes=5-")  # a download manager resuming: not a new download
    assert _kinds(item) == ["upload", "download"]
    download_event = CustodyEvent.objects.get(item=item, kind="download")
    assert download_event.actor is not None and download_event.actor.username == "zhaoliu"


def test_html_is_never_served_inline(login: Any, add_item: Any) -> None:
    item = add_item(b"<script>alert(1)</script>", "x.html", kind="electronic")
    response = login("zhangsan").get(reverse("evidence:item_stream", args=[item.pk]))
    assert response["Content-Disposition"].startswith("attachment;")


def test_export_custody_is_recorded_for_the_dossier(case_world: Any, add_item: Any) -> None:
    item = add_item()
    event = actions.record_custody(case_world.users["zhangsan"], item, "export", note="电子案卷")
    assert event.kind == "export"
    with pytest.raises(SanxiangError):
        actions.record_custody(case_world.users["zhangsan"], item, "upload")


def test_void_requires_a_reason_and_keeps_the_file(login: Any, add_item: Any, evidence_tmp: Path) -> None:
    item = add_item()
    client = login("zhangsan")
    url = reverse("evidence:item_void", args=[item.pk])
    assert client.get(url).status_code == 200
    short = client.post(url, {"reason": "拍错照片"})  # 4 characters: one short of the minimum
    assert short.status_code == 400
    assert "至少 5 个字" in short.content.decode()
    item.refresh_from_db()
    assert not item.is_voided
    done = client.post(url, {"reason": "拍错了照片"})  # exactly 5 characters
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.is_voided and item.void_reason == "拍错了照片"
    assert item.voided_by is not None and item.voided_by.username == "zhangsan"
    assert (evidence_tmp / item.blob.storage_name).exists()
    assert EvidenceItem.objects.filter(pk=item.pk).exists()
    assert _kinds(item) == ["upload", "void"]
    again = client.post(url, {"reason": "再次作废试试看"})
    assert again.status_code == 400
    listing = client.get(reverse("evidence:case_items", args=[item.case_id])).content.decode()
    assert "已作废" in listing


def test_voided_av_item_no_longer_counts_for_the_step(case_world: Any, add_item: Any) -> None:
    from evidence.selectors import av_items_for_step

    item = add_item(VIDEO, "v.mp4", kind="audiovisual")
    row = item.case.steps.get()
    item.case_step = row
    item.save(update_fields=["case_step"])
    assert list(av_items_for_step(row)) == [item]
    actions.void_item(case_world.users["zhangsan"], item, reason="视频不完整，重新录制")
    assert list(av_items_for_step(row)) == []


def test_closed_case_refuses_upload_and_void(login: Any, case_world: Any, add_item: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = add_item()
    case = item.case
    case.status = "closed"
    case.save(update_fields=["status"])
    client = login("zhangsan")
    begin = client.post(
        reverse("evidence:upload_begin", args=[case.pk]),
        {"filename": "a.mp4", "size": 10, "kind": "audiovisual"},
    )
    assert begin.status_code == 400
    assert "电子案卷已归档" in begin.json()["message"]
    form = client.post(
        reverse("evidence:upload", args=[case.pk]),
        {"file": SimpleUploadedFile("a.jpg", b"x"), "kind": "physical"},
    )
    assert form.status_code == 400 and "电子案卷已归档" in form.content.decode()
    void = client.post(reverse("evidence:item_void", args=[item.pk]), {"reason": "结案后试图作废"})
    assert void.status_code == 400
    item.refresh_from_db()
    assert not item.is_voided
    with pytest.raises(SanxiangError, match="电子案卷已归档"):
        actions.void_item(case_world.users["zhangsan"], item, reason="结案后试图作废")
    # Reading stays possible.
    assert client.get(reverse("evidence:item", args=[item.pk])).status_code == 200
    assert EvidenceItem.objects.count() == 1


def test_publicity_reviewer_reads_but_cannot_upload(login: Any, add_item: Any) -> None:
    item = add_item()
    client = login("gongshi")
    assert client.get(reverse("evidence:item", args=[item.pk])).status_code == 200
    assert client.get(reverse("evidence:upload", args=[item.case_id])).status_code == 403
    assert (
        client.post(reverse("evidence:item_void", args=[item.pk]), {"reason": "无权作废的尝试"}).status_code
        == 403
    )
