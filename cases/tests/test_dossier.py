"""电子案卷 (issue #4 item 7): cover, 卷内目录 with start pages, page numbers, bookmarks, evidence handling, hash in
the audit chain, regeneration keeps the old volume, custody export events, and access."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from cases.actions.dossier import start_dossier
from cases.models import Case, Document, Dossier
from cases.tests import dossier_helpers as h
from cases.tests.factories import make_case
from core.errors import SanxiangError
from core.models import Job
from evidence.models import CustodyEvent

pytestmark = pytest.mark.django_db
IMMEDIATE = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
}


@pytest.fixture(autouse=True)
def _tasks_inline(settings):
    settings.TASKS = IMMEDIATE


def _texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def closed_case(case_world):
    """A penalty case with 3 issued 文书 (created out of procedure order), a PDF, a PNG and a video as evidence."""
    from evidence.actions import add_file

    user = case_world.users["zhangsan"]
    case = make_case(user, case_world.items["penalty_general"], "penalty_general")
    now = timezone.now()
    # Created in reverse: the dossier must order them by the procedure's steps, not by creation.
    h.issued_document(
        case,
        user,
        title="行政处罚决定书",
        step_id="decide",
        number="玉司罚决〔2026〕7号",
        pdf=h.pdf_pages("决定书正文", 2),
        when=now,
    )
    h.issued_document(
        case,
        user,
        title="立案审批表",
        step_id="file_case",
        number="",
        pdf=h.pdf_pages("立案审批正文", 3),
        when=now + timedelta(minutes=1),
    )
    h.issued_document(
        case,
        user,
        title="询问笔录",
        step_id="investigate",
        pdf=h.pdf_pages("询问笔录正文", 1),
        when=now + timedelta(minutes=2),
    )
    add_file(
        user,
        case,
        SimpleUploadedFile("合同.pdf", h.pdf_pages("合同证据", 2), "application/pdf"),
        kind="documentary",
        title="租赁合同",
    )
    add_file(
        user,
        case,
        SimpleUploadedFile("现场.png", h.png_bytes(), "image/png"),
        kind="physical",
        title="现场照片",
    )
    video = add_file(
        user,
        case,
        SimpleUploadedFile("执法记录.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000, "video/mp4"),
        kind="audiovisual",
        title="执法记录仪视频",
        device="执法记录仪 ZFJLY-0012",
    )
    case = h.close(case)
    case.video = video  # type: ignore[attr-defined]
    return case


def _build(case: Case, user) -> Dossier:
    job = start_dossier(user, case)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, (job.message, job.errors)
    dossier = Dossier.objects.filter(case=case).order_by("-pk").first()
    assert dossier is not None and dossier.blob is not None
    return dossier


def _blob(dossier: Dossier) -> Any:
    assert dossier.blob is not None
    return dossier.blob


def _read(dossier: Dossier) -> bytes:
    from evidence.store import open_blob

    assert dossier.blob is not None
    with open_blob(dossier.blob) as source:
        return source.read()


def test_dossier_cover_toc_pages_numbers_and_bookmarks(closed_case, case_world):
    user = case_world.users["zhangsan"]
    dossier = _build(closed_case, user)
    data = _read(dossier)
    texts = _texts(data)
    assert dossier.pages == len(texts)
    # 封面 + 卷内目录 + 3+1+2 文书 pages + 2 evidence PDF pages + 1 image + 1 listing + 备考表 = 13
    assert len(texts) == 13
    cover = texts[0]
    assert "行政执法案卷" in _flat(cover) or "行政执法案卷" in cover.replace(" ", "")
    assert closed_case.number in cover
    assert "永久" in cover and "测试当事人" in cover
    toc = texts[1]
    assert "卷内目录" in _flat(toc)
    rows = {row["title"]: row for row in dossier.contents}
    # procedure order: 立案审批表 (filing) → 询问笔录 (investigate) → 决定书 (decide), then evidence
    order = [row["title"] for row in dossier.contents if row["kind"] in {"document", "evidence", "listing"}]
    assert order[:3] == ["立案审批表", "询问笔录", "行政处罚决定书"]
    assert rows["立案审批表"]["start"] == 3
    assert rows["询问笔录"]["start"] == 6
    assert rows["行政处罚决定书"]["start"] == 7
    assert rows["租赁合同"]["start"] == 9
    assert rows["现场照片"]["start"] == 11  # the image page follows the 2-page contract PDF
    assert rows["证据清单（音像记录清单）"]["start"] == 12
    # the 卷内目录 lists each file with its start page; the pages there really start that file
    for title, marker in (
        ("立案审批表", "立案审批正文"),
        ("询问笔录", "询问笔录正文"),
        ("行政处罚决定书", "决定书正文"),
    ):
        start = rows[title]["start"]
        assert title in toc
        assert f"{title}" in toc and str(start) in toc.split(title, 1)[1].split("\n", 1)[0]
        assert f"{marker} 第1页" in texts[start - 1]
    assert "玉司罚决〔2026〕7号" in toc
    assert "合同证据 第1页" in texts[rows["租赁合同"]["start"] - 1]
    # every page carries its number
    for k, text in enumerate(texts, start=1):
        assert text.split()[-1] == str(k), f"page {k}: {text[-40:]!r}"
    # the AV file is listed by hash on the 证据清单（音像记录清单）, not embedded
    listing = texts[rows["证据清单（音像记录清单）"]["start"] - 1]
    video = closed_case.video
    assert video.blob.sha256 in _flat(listing)
    assert video.blob.sm3 in _flat(listing)
    assert "ZFJLY-0012" in listing
    assert "备考表" in _flat(texts[-1])
    outline = [item.title for item in PdfReader(io.BytesIO(data)).outline if not isinstance(item, list)]
    assert outline[:2] == ["封面", "卷内目录"]
    assert "文书：行政处罚决定书 玉司罚决〔2026〕7号" in outline
    assert "证据：现场照片" in outline
    assert "证据清单（音像记录清单）" in outline and outline[-1] == "备考表"


def test_dossier_hash_in_audit_chain_and_custody_export(closed_case, case_world):
    user = case_world.users["zhangsan"]
    dossier = _build(closed_case, user)
    event = AuditEvent.objects.filter(action="dossier.create", object_id=str(closed_case.pk)).get()
    payload = json.loads(event.payload)
    assert payload["sha256"] == _blob(dossier).sha256
    assert payload["sm3"] == _blob(dossier).sm3
    assert payload["pages"] == dossier.pages
    exported = set(
        CustodyEvent.objects.filter(item__case=closed_case, kind=CustodyEvent.Kind.EXPORT).values_list(
            "item_id", flat=True
        )
    )
    assert exported == set(closed_case.evidence.values_list("pk", flat=True))
    assert len(exported) == 3


def test_regenerated_dossier_keeps_the_old_one(closed_case, case_world):
    user = case_world.users["zhangsan"]
    first = _build(closed_case, user)
    h.issued_document(
        closed_case, user, title="结案报告", step_id="close", pdf=h.pdf_pages("结案报告正文", 1)
    )
    second = _build(closed_case, user)
    assert first.pk != second.pk
    assert Dossier.objects.filter(case=closed_case).count() == 2
    first.refresh_from_db()
    assert first.blob_id is not None and _blob(first).sha256 != _blob(second).sha256
    assert second.pages == first.pages + 1
    assert AuditEvent.objects.filter(action="dossier.create", object_id=str(closed_case.pk)).count() == 2


def test_document_without_pdf_is_listed_without_pages(closed_case, case_world):
    user = case_world.users["zhangsan"]
    Document.objects.create(
        case=closed_case,
        doc_type="x",
        title="送达回证",
        step_id="serve",
        state=Document.State.ISSUED,
        created_by=user,
        issued_at=timezone.now(),
    )
    dossier = _build(closed_case, user)
    row = next(r for r in dossier.contents if r["title"] == "送达回证")
    assert row["kind"] == "missing" and row["start"] is None
    toc = _texts(_read(dossier))[1]
    assert "送达回证" in toc


def test_open_case_gets_no_dossier(case_world):
    user = case_world.users["zhangsan"]
    case = make_case(user, case_world.items["penalty_general"], "penalty_general")
    with pytest.raises(SanxiangError, match="尚未结案"):
        start_dossier(user, case)
    assert not Dossier.objects.filter(case=case).exists()


def test_voided_evidence_is_left_out(closed_case, case_world):
    from evidence.models import EvidenceItem

    user = case_world.users["zhangsan"]
    EvidenceItem.objects.filter(case=closed_case, title="现场照片").update(is_voided=True, void_reason="重复")
    dossier = _build(closed_case, user)
    assert "现场照片" not in [r["title"] for r in dossier.contents]
    assert dossier.pages == 12


def test_dossier_page_and_download(closed_case, case_world, client):
    user = case_world.users["zhangsan"]
    client.force_login(user)
    url = reverse("cases:dossier", args=[closed_case.pk])
    response = client.post(url)
    assert response.status_code == 302
    dossier = Dossier.objects.get(case=closed_case)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert _blob(dossier).sha256 in html and "卷内目录" in html
    pdf = client.get(reverse("cases:dossier_download", args=[closed_case.pk, dossier.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="dossier.download").exists()


def test_other_agency_cannot_see_the_city_dossier(closed_case, case_world, client):
    user = case_world.users["zhangsan"]
    dossier = _build(closed_case, user)
    client.force_login(case_world.users["wangwu"])
    assert client.get(reverse("cases:dossier", args=[closed_case.pk])).status_code == 403
    download = reverse("cases:dossier_download", args=[closed_case.pk, dossier.pk])
    assert client.get(download).status_code == 403
    assert client.post(reverse("cases:dossier", args=[closed_case.pk])).status_code == 403


def test_unreadable_or_encrypted_pdf_evidence_is_listed_by_hash(case_world):
    from pypdf import PdfWriter

    from evidence.actions import add_file

    user = case_world.users["zhangsan"]
    case = make_case(user, case_world.items["penalty_general"], "penalty_general")
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    locked = io.BytesIO()
    writer.write(locked)
    add_file(
        user,
        case,
        SimpleUploadedFile("加密.pdf", locked.getvalue(), "application/pdf"),
        kind="electronic",
        title="电子数据",
    )
    add_file(
        user,
        case,
        SimpleUploadedFile("损坏.pdf", b"%PDF-1.4 broken", "application/pdf"),
        kind="electronic",
        title="电子数据",
    )
    case = h.close(case)
    dossier = _build(case, user)
    listing = next(r for r in dossier.contents if r["kind"] == "listing")
    assert len(listing["evidence_ids"]) == 2
    assert dossier.pages == 4  # 封面、卷内目录、证据清单、备考表
    text = _texts(_read(dossier))[2]
    assert "PDF 无法读取" in text


def test_open_case_page_says_dossier_comes_at_closing(case_world, client):
    user = case_world.users["zhangsan"]
    case = make_case(user, case_world.items["penalty_general"], "penalty_general")
    client.force_login(user)
    html = client.get(reverse("cases:dossier", args=[case.pk])).content.decode()
    assert "结案后生成电子案卷" in html and "生成电子案卷</button>" not in html


def test_documents_issued_through_the_document_actions(case_world):
    """With the 文书 actions: issued 文书 (rendered PDF, number, pdf_pages) go into the volume in step order."""
    from cases.actions.documents import create_document, issue_document

    user = case_world.users["zhangsan"]
    case = make_case(user, case_world.items["penalty_general"], "penalty_general")
    receipt = create_document(
        user,
        case,
        "service_receipt",
        step_id="serve",
        data={
            "served_document": "行政处罚决定书 玉司罚决〔2026〕1号",
            "service_address": "玉溪市红塔区某某路1号",
            "served_at": "2026-11-20 10:00",
            "server": "张三、赵六",
        },
    )
    receipt = issue_document(user, receipt)
    assert receipt.pdf_blob_id is not None
    case = h.close(case)
    dossier = _build(case, user)
    row = next(r for r in dossier.contents if r.get("document_id") == receipt.pk)
    assert row["kind"] == "document" and row["start"] == 3
    assert row["pages"] == receipt.pdf_pages
    assert dossier.pages == 2 + receipt.pdf_pages + 1
    texts = _texts(_read(dossier))
    assert "送达回证" in _flat(texts[2])


def test_page_shows_the_running_job_and_a_second_request_reuses_it(closed_case, case_world, client, settings):
    from cases.actions.dossier import KIND

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    user = case_world.users["zhangsan"]
    job = start_dossier(user, closed_case)  # queued for the worker (on commit)
    assert job.kind == KIND and job.status == Job.Status.QUEUED
    assert start_dossier(user, closed_case).pk == job.pk
    client.force_login(user)
    html = client.get(reverse("cases:dossier", args=[closed_case.pk])).content.decode()
    assert "正在生成" in html and f'id="job-bar-{job.pk}"' in html
    assert not Dossier.objects.filter(case=closed_case).exists()
