"""文书 pages and API: list by step, make → issue → download, correction, and agency scoping (红塔区 403)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.actions import documents as actions
from cases.documents import registry
from cases.documents.context import doc_values
from cases.models import Document
from cases.tests.factories import make_case
from cases.tests.test_documents_render import filled


@pytest.fixture
def city_case(case_world):
    return make_case(
        case_world.users["zhangsan"],
        case_world.items["penalty_general"],
        "penalty_general",
        on=date(2026, 10, 9),
    )


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_list_shows_the_steps_documents_and_make_links(login, city_case) -> None:
    client = login("zhangsan")
    response = client.get(reverse("cases:documents", args=[city_case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "举报（投诉）案件登记表" in html  # the YAML title of the start step (made offline)
    assert "执法文书" in html
    new_url = reverse("cases:document_new", args=[city_case.pk, "penalty_decision"])
    assert new_url in html  # "制作其他文书"


@pytest.mark.django_db
def test_make_issue_download_correct_through_the_pages(login, city_case) -> None:
    client = login("zhangsan")
    data = {**filled(registry.get("penalty_decision")), "step": city_case.current_step}
    data.pop("remedy", None)
    data["remedy"] = "如不服本决定，可以在六十日内申请行政复议，也可以在六个月内提起行政诉讼。"
    response = client.post(reverse("cases:document_new", args=[city_case.pk, "penalty_decision"]), data)
    assert response.status_code == 302
    doc = Document.objects.get(case=city_case)
    detail = reverse("cases:document_detail", args=[city_case.pk, doc.pk])
    assert response["Location"] == detail
    page = client.get(detail)
    assert page.status_code == 200 and "签发" in page.content.decode()
    response = client.post(reverse("cases:document_issue", args=[city_case.pk, doc.pk]))
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.state == Document.State.ISSUED and doc.number.startswith("玉司罚决〔")
    pdf = client.get(reverse("cases:document_download", args=[city_case.pk, doc.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(_body(pdf))).pages)
    assert "行政处罚决定书" in text and doc.number in text
    word = client.get(reverse("cases:document_download", args=[city_case.pk, doc.pk, "docx"]))
    assert word.status_code == 200 and _body(word)[:2] == b"PK"
    # an issued document cannot be edited; it is corrected into a new version
    edit = client.get(reverse("cases:document_edit", args=[city_case.pk, doc.pk]))
    assert edit.status_code == 302
    form = {**doc_values(doc), "reason": "证据名称笔误", "evidence": "询问笔录（更正）"}
    response = client.post(reverse("cases:document_correct", args=[city_case.pk, doc.pk]), form)
    assert response.status_code == 302
    new = Document.objects.get(supersedes=doc)
    assert new.version == 2 and new.number == doc.number
    page = client.get(reverse("cases:document_detail", args=[city_case.pk, new.pk])).content.decode()
    assert "第1版" in page and "第2版" in page and "证据名称笔误" in page


@pytest.mark.django_db
def test_issue_refusal_is_shown_in_chinese(login, city_case, case_world) -> None:
    client = login("zhangsan")
    doc = actions.create_document(case_world.users["zhangsan"], city_case, "penalty_decision")
    response = client.post(reverse("cases:document_issue", args=[city_case.pk, doc.pk]), follow=True)
    html = response.content.decode()
    assert "第五十九条" in html and "证据" in html
    doc.refresh_from_db()
    assert doc.state == Document.State.DRAFT


@pytest.mark.django_db
def test_hongta_user_gets_403_on_city_case_documents(login, city_case, case_world) -> None:
    doc = actions.create_document(case_world.users["zhangsan"], city_case, "penalty_notice")
    client = login("wangwu")
    for url in (
        reverse("cases:documents", args=[city_case.pk]),
        reverse("cases:document_detail", args=[city_case.pk, doc.pk]),
        reverse("cases:document_download", args=[city_case.pk, doc.pk, "pdf"]),
        reverse("cases:document_new", args=[city_case.pk, "penalty_notice"]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("cases:document_issue", args=[city_case.pk, doc.pk])).status_code == 403
    api = client.get(f"/api/v1/cases/{city_case.pk}/documents")
    assert api.status_code == 403
    doc.refresh_from_db()
    assert doc.state == Document.State.DRAFT


@pytest.mark.django_db
def test_document_of_another_case_is_not_found_under_this_case(login, city_case, case_world) -> None:
    other = make_case(case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general")
    doc = actions.create_document(case_world.users["zhangsan"], other, "penalty_notice")
    response = login("zhangsan").get(reverse("cases:document_detail", args=[city_case.pk, doc.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_api_create_update_issue_correct_download(login, city_case) -> None:
    client = login("zhangsan")
    base = f"/api/v1/cases/{city_case.pk}"
    types = client.get(f"{base}/document-types").json()
    assert "penalty_decision" in {t["code"] for t in types}
    response = client.post(
        f"{base}/documents",
        json.dumps({"doc_type": "penalty_decision", "data": {}}),
        content_type="application/json",
    )
    assert response.status_code == 201
    doc = response.json()
    refused = client.post(f"{base}/documents/{doc['id']}/issue", "{}", content_type="application/json")
    assert refused.status_code == 400
    assert "第五十九条" in refused.json()["message"]
    values = filled(registry.get("penalty_decision"))
    values.pop("remedy", None)
    response = client.patch(
        f"{base}/documents/{doc['id']}", json.dumps({"data": values}), content_type="application/json"
    )
    assert response.status_code == 200
    issued = client.post(
        f"{base}/documents/{doc['id']}/issue",
        json.dumps({"on": "2026-10-13"}),
        content_type="application/json",
    ).json()
    assert issued["number"] == "玉司罚决〔2026〕1号" and len(issued["pdf_sha256"]) == 64
    again = client.patch(
        f"{base}/documents/{doc['id']}", json.dumps({"data": {}}), content_type="application/json"
    )
    assert again.status_code == 400 and again.json()["code"] == "issued"
    corrected = client.post(
        f"{base}/documents/{doc['id']}/correct",
        json.dumps({"reason": "笔误", "data": {"facts": "更正后的事实"}, "on": "2026-10-14"}),
        content_type="application/json",
    )
    assert corrected.status_code == 201
    assert corrected.json()["version"] == 2 and corrected.json()["supersedes_id"] == doc["id"]
    listed = client.get(f"{base}/documents").json()
    assert [d["state"] for d in listed] == ["superseded", "issued"]
    pdf = client.get(issued["pdf_url"])
    assert pdf.status_code == 200 and _body(pdf)[:4] == b"%PDF"


@pytest.mark.django_db
def test_new_form_is_prefilled_and_marks_required_fields(login, city_case) -> None:
    response = login("zhangsan").get(reverse("cases:document_new", args=[city_case.pk, "penalty_decision"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "测试当事人" in html  # 当事人 from the case
    assert "六十日内" in html  # the 救济 sentence prefilled
    assert "《行政处罚法》第五十九条" in html
    assert 'type="datetime-local"' not in html  # a 决定书 has no time fields
    record = login("zhangsan").get(reverse("cases:document_new", args=[city_case.pk, "inquiry_record"]))
    assert 'type="datetime-local"' in record.content.decode()
