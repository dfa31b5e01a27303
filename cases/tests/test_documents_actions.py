"""文书 actions: drafts, 签发 (number + files + audit), immutability, 更正 as a new version, per-agency numbers."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from cases.actions import documents as actions
from cases.documents import registry
from cases.documents.context import doc_values
from cases.models import Case, Document
from cases.tests.factories import make_case
from cases.tests.test_documents_render import filled
from core.errors import SanxiangError, ValidationFailed
from evidence.store import open_blob

DAY = date(2026, 10, 13)


@pytest.fixture
def penalty_case(case_world):
    return make_case(
        case_world.users["zhangsan"],
        case_world.items["penalty_general"],
        "penalty_general",
        on=date(2026, 10, 9),
        summary="未取得律师执业证书以律师名义从事法律服务",
        fine_amount=Decimal("10000"),
        penalty_types=["罚款"],
    )


def _decision(user, case, **data) -> Document:  # type: ignore[no-untyped-def]
    values = {**filled(registry.get("penalty_decision")), **data}
    return actions.create_document(user, case, "penalty_decision", data=values)


@pytest.mark.django_db
def test_draft_is_prefilled_from_the_case(case_world, penalty_case) -> None:
    from core import crypto

    party = penalty_case.parties.get()
    party.address_enc = crypto.encrypt("玉溪市红塔区凤凰路1号")
    party.save()
    doc = actions.create_document(case_world.users["zhangsan"], penalty_case, "penalty_decision")
    assert doc.state == Document.State.DRAFT and doc.number == ""
    assert doc.data["party_name"] == "测试当事人"
    values = doc_values(doc)
    assert values["party_address"] == "玉溪市红塔区凤凰路1号"  # decrypted for the document
    stored = Document.objects.filter(pk=doc.pk).values_list("data", flat=True).get()
    assert "凤凰路" not in json.dumps(
        stored, ensure_ascii=False
    )  # …and encrypted at rest, like the Party row
    assert stored["party_address"].startswith("sm4:")
    assert doc.data["penalty"] == "罚款10000元（人民币壹万元整）"
    assert "六十日" in doc.data["remedy"] and "玉溪市人民政府" in doc.data["remedy"]
    assert doc.step_id == penalty_case.current_step


@pytest.mark.django_db
def test_issue_numbers_stores_files_and_audits(case_world, penalty_case) -> None:
    user = case_world.users["zhangsan"]
    doc = actions.issue_document(user, _decision(user, penalty_case), on=DAY)
    assert doc.number == "玉司罚决〔2026〕1号"
    assert doc.issued_on == DAY and doc.issued_by == user and doc.issued_at is not None
    assert doc.docx_blob is not None and doc.pdf_blob is not None
    with open_blob(doc.pdf_blob) as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == doc.pdf_blob.sha256
    event = AuditEvent.objects.filter(action="document.issue").latest("id")
    assert event.object_id == str(doc.pk)
    payload = json.loads(event.payload)
    assert payload["number"] == doc.number and payload["doc_type"] == "penalty_decision"
    assert payload["pdf_sha256"] == doc.pdf_blob.sha256 and payload["docx_sha256"] == doc.docx_blob.sha256
    second = actions.issue_document(user, _decision(user, penalty_case), on=DAY)
    assert second.number == "玉司罚决〔2026〕2号"


@pytest.mark.django_db
def test_missing_article_59_element_refuses_and_consumes_no_number(case_world, penalty_case) -> None:
    user = case_world.users["zhangsan"]
    doc = _decision(user, penalty_case, evidence="", performance="")
    with pytest.raises(ValidationFailed) as exc:
        actions.issue_document(user, doc, on=DAY)
    assert any("证据" in e and "第五十九条" in e for e in exc.value.errors)
    assert any("履行方式和期限" in e for e in exc.value.errors)
    doc.refresh_from_db()
    assert doc.state == Document.State.DRAFT and doc.number == "" and doc.pdf_blob is None
    actions.update_document(user, doc, {"evidence": "询问笔录、现场照片", "performance": "十五日内缴纳"})
    issued = actions.issue_document(user, doc, on=DAY)
    assert issued.number == "玉司罚决〔2026〕1号"  # the refused attempt did not use a number


@pytest.mark.django_db
def test_failure_after_numbering_rolls_the_number_back(case_world, penalty_case, monkeypatch) -> None:
    user = case_world.users["zhangsan"]
    doc = _decision(user, penalty_case)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(actions, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        actions.issue_document(user, doc, on=DAY)
    monkeypatch.undo()
    doc.refresh_from_db()
    assert doc.state == Document.State.DRAFT
    assert actions.issue_document(user, doc, on=DAY).number == "玉司罚决〔2026〕1号"


@pytest.mark.django_db
def test_issued_document_is_immutable(case_world, penalty_case) -> None:
    user = case_world.users["zhangsan"]
    doc = actions.issue_document(user, _decision(user, penalty_case), on=DAY)
    with pytest.raises(SanxiangError, match="已签发，不能修改") as exc:
        actions.update_document(user, doc, {"facts": "改过的事实"})
    assert exc.value.code == "issued"
    with pytest.raises(SanxiangError, match="已签发"):
        actions.issue_document(user, doc, on=DAY)
    doc.refresh_from_db()
    assert doc.data["facts"] != "改过的事实"


@pytest.mark.django_db
def test_correction_is_a_new_version_that_keeps_the_old(case_world, penalty_case) -> None:
    user = case_world.users["zhangsan"]
    old = actions.issue_document(user, _decision(user, penalty_case), on=DAY)
    with pytest.raises(SanxiangError, match="更正原因"):
        actions.correct_document(user, old, reason=" ", data={"facts": "x"})
    new = actions.correct_document(
        user,
        old,
        reason="当事人地址笔误",
        data={"party_address": "玉溪市红塔区玉兴路2号"},
        on=date(2026, 10, 14),
    )
    old.refresh_from_db()
    assert old.state == Document.State.SUPERSEDED
    assert doc_values(old)["party_address"] != "玉溪市红塔区玉兴路2号" and old.pdf_blob_id is not None
    assert doc_values(new)["party_address"] == "玉溪市红塔区玉兴路2号"
    assert new.state == Document.State.ISSUED and new.version == 2 and new.supersedes_id == old.pk
    assert new.number == old.number == "玉司罚决〔2026〕1号"
    assert new.correction_reason == "当事人地址笔误"
    assert new.pdf_blob_id != old.pdf_blob_id
    assert Document.objects.filter(case=penalty_case, number=old.number).count() == 2
    with pytest.raises(SanxiangError, match="已被更正"):
        actions.correct_document(user, old, reason="再改", data={})
    event = AuditEvent.objects.filter(action="document.correct").latest("id")
    payload = json.loads(event.payload)
    assert payload["supersedes"] == old.pk and payload["version"] == 2


@pytest.mark.django_db
def test_numbers_are_per_agency(case_world) -> None:
    wangwu = case_world.users["wangwu"]
    hongta_case = make_case(wangwu, case_world.hongta_item, "penalty_general", on=date(2026, 10, 9))
    doc = actions.create_document(
        wangwu, hongta_case, "penalty_decision", data=filled(registry.get("penalty_decision"))
    )
    assert actions.issue_document(wangwu, doc, on=DAY).number == "红司罚决〔2026〕1号"
    zhangsan = case_world.users["zhangsan"]
    city = make_case(zhangsan, case_world.items["penalty_general"], "penalty_general", on=date(2026, 10, 9))
    doc = actions.create_document(
        zhangsan, city, "penalty_decision", data=filled(registry.get("penalty_decision"))
    )
    assert actions.issue_document(zhangsan, doc, on=DAY).number == "玉司罚决〔2026〕1号"


@pytest.mark.django_db
def test_other_agency_and_closed_case_are_refused(case_world, penalty_case) -> None:
    with pytest.raises(PermissionDenied):
        actions.create_document(case_world.users["wangwu"], penalty_case, "penalty_decision")
    with pytest.raises(SanxiangError, match="不适用"):
        actions.create_document(case_world.users["zhangsan"], penalty_case, "license_grant")
    draft = actions.create_document(case_world.users["zhangsan"], penalty_case, "penalty_notice")
    Case.objects.filter(pk=penalty_case.pk).update(status=Case.Status.CLOSED, closed_on=timezone.localdate())
    penalty_case.refresh_from_db()
    with pytest.raises(SanxiangError, match="只读"):
        actions.create_document(case_world.users["zhangsan"], penalty_case, "penalty_notice")
    with pytest.raises(SanxiangError, match="只读"):
        actions.update_document(case_world.users["zhangsan"], draft, {"facts": "x"})


@pytest.mark.django_db
def test_bad_dates_are_refused_with_the_field(case_world, penalty_case) -> None:
    with pytest.raises(ValidationFailed, match="开始时间：时间格式"):
        actions.create_document(
            case_world.users["zhangsan"], penalty_case, "inquiry_record", data={"started_at": "昨天上午"}
        )


@pytest.mark.django_db
def test_step_must_belong_to_the_procedure(case_world, penalty_case) -> None:
    user = case_world.users["zhangsan"]
    with pytest.raises(SanxiangError, match="所属环节"):
        actions.create_document(user, penalty_case, "penalty_notice", step_id="no_such_step")
    doc = actions.create_document(user, penalty_case, "penalty_notice", step_id="notify")
    assert doc.step_id == "notify"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuance_gets_consecutive_numbers(case_world) -> None:
    """Four officers issue 决定书 at the same moment: 1..4, each document its own number (PostgreSQL row locks)."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite shared-cache test databases fail a second writer at once instead of waiting")
    user = case_world.users["zhangsan"]
    docs = []
    for _ in range(4):
        case = make_case(user, case_world.items["penalty_general"], "penalty_general", on=date(2026, 10, 9))
        docs.append(_decision(user, case))
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker(doc: Document) -> None:
        try:
            barrier.wait()
            actions.issue_document(user, doc, on=DAY)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(d,)) for d in docs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(Document.objects.filter(pk__in=[d.pk for d in docs]).values_list("number", flat=True))
    assert numbers == sorted(f"玉司罚决〔2026〕{i}号" for i in range(1, 5))
