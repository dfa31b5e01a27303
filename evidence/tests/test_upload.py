"""Resumable chunked upload through the pages' endpoints: begin → chunks at offsets → finish; limits; abort."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from evidence import actions, rules
from evidence.models import Blob, CustodyEvent, EvidenceItem, UploadSession

DATA = bytes(range(256)) * 5000  # 1 280 000 bytes


def _begin(client: Any, case: Any, size: int = len(DATA), **extra: Any) -> Any:
    body = {
        "filename": "执法记录仪.mp4",
        "size": size,
        "kind": "audiovisual",
        "purpose": "av_record",
        **extra,
    }
    return client.post(reverse("evidence:upload_begin", args=[case.pk]), body)


def _put(client: Any, url: str, offset: int, data: bytes) -> Any:
    return client.put(f"{url}?offset={offset}", data=data, content_type="application/octet-stream")


def test_chunked_upload_with_wrong_offset_and_resume(login: Any, city_case: Any, evidence_tmp: Path) -> None:
    client = login("zhangsan")
    row = city_case.steps.get()
    response = _begin(client, city_case, case_step=row.pk, title="现场执法视频", device="ZFJLY-0012")
    assert response.status_code == 201, response.content.decode()
    session = response.json()
    assert session["received"] == 0
    first, second = DATA[:500_000], DATA[500_000:]

    wrong = _put(client, session["chunk_url"], 100, first)
    assert wrong.status_code == 409
    assert wrong.json()["expected"] == 0
    assert wrong.json()["code"] == "offset_mismatch"

    ok = _put(client, session["chunk_url"], 0, first)
    assert ok.status_code == 200 and ok.json()["received"] == 500_000
    # The client lost the answer and sends the first chunk again: told to continue at 500 000.
    again = _put(client, session["chunk_url"], 0, first)
    assert again.status_code == 409 and again.json()["expected"] == 500_000
    # After a reload the status says where to resume.
    status = client.get(session["status_url"])
    assert status.json()["received"] == 500_000

    early = client.post(session["finish_url"])
    assert early.status_code == 409

    assert _put(client, session["chunk_url"], 500_000, second).json()["received"] == len(DATA)
    done = client.post(session["finish_url"])
    assert done.status_code == 201, done.content.decode()
    item = EvidenceItem.objects.select_related("blob").get(pk=done.json()["item_id"])
    assert item.blob.sha256 == hashlib.sha256(DATA).hexdigest()
    assert item.blob.sm3 == hashlib.new("sm3", DATA).hexdigest()
    assert (evidence_tmp / item.blob.storage_name).read_bytes() == DATA
    assert item.case_step == row and item.step_id == row.step_id
    assert item.is_av and item.content_type == "video/mp4" and item.device == "ZFJLY-0012"
    assert item.uploaded_by is not None and item.uploaded_by.username == "zhangsan"
    assert not UploadSession.objects.exists()
    assert list(CustodyEvent.objects.filter(item=item).values_list("kind", flat=True)) == ["upload"]
    event = AuditEvent.objects.get(action="evidence.add", object_id=str(item.pk))
    payload = json.loads(event.payload)
    assert payload == {
        "sha256": item.blob.sha256,
        "sm3": item.blob.sm3,
        "size": len(DATA),
        "kind": "audiovisual",
    }


def test_finish_removes_the_part_file_on_commit(
    login: Any, city_case: Any, evidence_tmp: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = login("zhangsan")
    session = _begin(client, city_case, size=10).json()
    part = evidence_tmp / "tmp" / "uploads" / f"{session['id']}.part"
    assert not part.exists()  # begin writes nothing to disk
    _put(client, session["chunk_url"], 0, b"0123456789")
    assert part.read_bytes() == b"0123456789"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(session["finish_url"]).status_code == 201
    assert not part.exists()


def test_size_limit_is_4_gb(login: Any, city_case: Any, evidence_tmp: Path) -> None:
    client = login("zhangsan")
    limit = 4 * 1024**3
    assert limit == rules.MAX_UPLOAD_BYTES
    refused = _begin(client, city_case, size=limit + 1)
    assert refused.status_code == 400
    assert "4 GB" in refused.json()["message"]
    assert not UploadSession.objects.exists()
    accepted = _begin(client, city_case, size=limit)
    assert accepted.status_code == 201
    assert _begin(client, city_case, size=0).status_code == 400


def test_chunk_beyond_the_declared_size_is_refused(login: Any, city_case: Any, evidence_tmp: Path) -> None:
    client = login("zhangsan")
    session = _begin(client, city_case, size=4).json()
    response = _put(client, session["chunk_url"], 0, b"12345")
    assert response.status_code == 400
    assert client.get(session["status_url"]).json()["received"] == 0


def test_interrupted_chunk_is_discarded_whole(case_world: Any, city_case: Any, evidence_tmp: Path) -> None:
    user = case_world.users["zhangsan"]
    session = actions.begin_upload(
        user, city_case, filename="a.bin", size=10, metadata={"kind": "electronic"}
    )
    actions.receive_chunk(user, session, offset=0, data=[b"abcd"])

    def broken():
        yield b"ef"
        raise ConnectionError("lost")

    with pytest.raises(ConnectionError):
        actions.receive_chunk(user, session, offset=4, data=broken())
    session.refresh_from_db()
    assert session.received == 4
    assert actions.part_path(session).read_bytes() == b"abcd"
    actions.receive_chunk(user, session, offset=4, data=[b"efghij"])
    item = actions.finish_upload(user, session)
    assert item.blob.sha256 == hashlib.sha256(b"abcdefghij").hexdigest()


def test_bad_metadata_is_refused_before_any_byte(login: Any, city_case: Any, evidence_tmp: Path) -> None:
    client = login("zhangsan")
    response = _begin(client, city_case, kind="")
    assert response.status_code == 400
    assert "证据种类" in response.json()["message"]
    response = client.post(
        reverse("evidence:upload_begin", args=[city_case.pk]),
        {"filename": "a.mp4", "size": 10, "kind": "nonsense"},
    )
    assert response.status_code == 400
    assert not UploadSession.objects.exists()


def test_abort_removes_session_and_part_file(login: Any, city_case: Any, evidence_tmp: Path) -> None:
    client = login("zhangsan")
    session = _begin(client, city_case).json()
    _put(client, session["chunk_url"], 0, DATA[:1000])
    part = evidence_tmp / "tmp" / "uploads" / f"{session['id']}.part"
    assert part.exists()
    assert client.post(session["abort_url"]).status_code == 200
    assert not part.exists()
    assert not UploadSession.objects.exists()
    assert not Blob.objects.exists() and not EvidenceItem.objects.exists()
    assert client.get(session["status_url"]).status_code == 404


def test_another_officer_cannot_continue_my_upload(login: Any, city_case: Any, evidence_tmp: Path) -> None:
    session = _begin(login("zhangsan"), city_case).json()
    other = login("zhaoliu")
    assert _put(other, session["chunk_url"], 0, b"x").status_code == 403
    assert other.get(session["status_url"]).status_code == 403


def test_plain_multipart_form_for_small_files(login: Any, city_case: Any, evidence_tmp: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login("zhangsan")
    page = client.get(reverse("evidence:upload", args=[city_case.pk]))
    assert page.status_code == 200
    assert b"evidence-upload.js" in page.content and b"<progress" in page.content
    response = client.post(
        reverse("evidence:upload", args=[city_case.pk]),
        {
            "file": SimpleUploadedFile("询问笔录.pdf", b"%PDF-1.4 test"),
            "kind": "documentary",
            "purpose": "evidence",
        },
    )
    item = EvidenceItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("evidence:item", args=[item.pk])
    assert item.title == "询问笔录" and item.content_type == "application/pdf"
    missing_kind = client.post(
        reverse("evidence:upload", args=[city_case.pk]), {"file": SimpleUploadedFile("b.txt", b"b")}
    )
    assert missing_kind.status_code == 400
    assert EvidenceItem.objects.count() == 1


def test_expired_uploads_are_purged(case_world: Any, city_case: Any, evidence_tmp: Path) -> None:
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    user = case_world.users["zhangsan"]
    old = actions.begin_upload(user, city_case, filename="a.bin", size=10, metadata={"kind": "electronic"})
    fresh = actions.begin_upload(user, city_case, filename="b.bin", size=10, metadata={"kind": "electronic"})
    for session in (old, fresh):
        actions.receive_chunk(user, session, offset=0, data=[b"12345"])
    UploadSession.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    call_command("purge_uploads")
    assert list(UploadSession.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not actions.part_path(old).exists()
    assert actions.part_path(fresh).exists()


def test_lost_part_file_restarts_the_upload_from_zero(
    case_world: Any, city_case: Any, evidence_tmp: Path
) -> None:
    user = case_world.users["zhangsan"]
    session = actions.begin_upload(
        user, city_case, filename="a.bin", size=10, metadata={"kind": "electronic"}
    )
    actions.receive_chunk(user, session, offset=0, data=[b"abcde"])
    actions.part_path(session).unlink()
    with pytest.raises(actions.OffsetMismatch) as raised:
        actions.receive_chunk(user, session, offset=5, data=[b"fghij"])
    assert raised.value.expected == 0
    session.refresh_from_db()
    assert session.received == 0
    actions.receive_chunk(user, session, offset=0, data=[b"abcdefghij"])
    assert actions.finish_upload(user, session).blob.size == 10
