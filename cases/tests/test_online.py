"""Online 许可 (issue #4 item 9): the public application with its 材料清单, the status lookup by 申请编号 + 查询码,
and what the public pages never show."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from cases.actions import online
from cases.models import Case, CaseStep, Party
from cases.tests import dossier_helpers as h
from catalog.tests import factories as item_factories
from core.errors import ValidationFailed
from evidence.models import EvidenceItem

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def item(case_world, persona):
    data = item_factories.licensing("YXSFJ-XK-009", name="律师事务所变更许可")
    data["guide"]["materials"] = [
        {"name": "设立申请书", "required": True, "copies": 1, "sample": ""},
        {"name": "律师事务所章程", "required": True, "copies": 1, "sample": ""},
        {"name": "其他说明材料", "required": False, "copies": 1, "sample": ""},
    ]
    return item_factories.published_item(persona("kezhang"), persona("gongshi"), case_world.bureau, data)


def _pdf(name: str = "申请书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% application\n%%EOF\n", "application/pdf")


def _post_data(item, **over):
    materials = {m.name: m.pk for m in online.materials_of(item)}
    data = {
        "kind": Party.Kind.CITIZEN,
        "name": "李申请",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "address": "玉溪市红塔区某某路8号",
        f"m_{materials['设立申请书']}": _pdf(),
        f"m_{materials['律师事务所章程']}": SimpleUploadedFile("章程.png", h.png_bytes(), "image/png"),
    }
    data.update(over)
    return data


def test_index_lists_online_items_only(item, case_world, client):
    html = client.get(reverse("apply:index")).content.decode()
    assert "律师事务所变更许可" in html
    assert case_world.items["penalty_general"].name not in html


def test_submit_end_to_end_and_status_lookup(item, client):
    response = client.post(reverse("apply:form", args=[item.pk]), _post_data(item))
    assert response.status_code == 200, response.content.decode()[:2000]
    case = Case.objects.get(item=item)
    number, code = response.context["number"], response.context["code"]
    assert case.application_number == number and number.startswith("XK-")
    assert len(code) == 8
    html = response.content.decode()
    assert number in html and code in html
    assert ID_NUMBER not in html and PHONE not in html
    assert case.channel == Case.Channel.ONLINE and case.procedure == "licensing"
    assert case.current_step == "intake"  # submitted: waiting for 受理审查
    materials = EvidenceItem.objects.filter(case=case).order_by("pk")
    assert [m.material_name for m in materials] == ["设立申请书", "律师事务所章程"]
    assert {m.purpose for m in materials} == {"application"}
    assert materials[1].content_type == "image/png"
    first = CaseStep.objects.filter(case=case).order_by("seq").first()
    assert first is not None
    assert code not in str(first.data) and first.data["query_code_sha256"] == online.query_code_hash(code)
    assert AuditEvent.objects.filter(action="apply.submit", object_id=str(case.pk)).exists()
    # the applicant's ID number is stored encrypted, not in clear
    party = case.parties.get()
    assert ID_NUMBER.encode() not in bytes(party.id_number_enc)

    status_url = reverse("apply:status")
    wrong = client.post(status_url, {"number": number, "code": "AAAAAAAA"})
    assert "未找到" in wrong.content.decode() and "律师事务所变更许可" not in wrong.content.decode()
    other = client.post(status_url, {"number": "XK-001-2026-999999", "code": code})
    assert "未找到" in other.content.decode()
    right = client.post(status_url, {"number": number, "code": code.lower()})
    page = right.content.decode()
    assert right.status_code == 200
    assert "律师事务所变更许可" in page and number in page and case.current_step_name in page
    due = right.context["result"].due
    assert due and due[0][1].strftime("%Y年%-m月%-d日") in page  # the 受理审查 clock's due date
    assert ID_NUMBER not in page and PHONE not in page and "李申请" not in page
    assert "某某路8号" not in page


def test_status_needs_both_fields(item, client):
    response = client.post(reverse("apply:status"), {"number": "XK-001-2026-000001", "code": ""})
    assert "请填写查询码" in response.content.decode()


def test_missing_required_material_names_it_and_writes_nothing(item, client):
    materials = {m.name: m.pk for m in online.materials_of(item)}
    data = _post_data(item)
    data.pop(f"m_{materials['律师事务所章程']}")
    before = (Case.objects.count(), EvidenceItem.objects.count(), AuditEvent.objects.count())
    response = client.post(reverse("apply:form", args=[item.pk]), data)
    assert response.status_code == 200
    assert "律师事务所章程" in response.content.decode() and "必需材料" in response.content.decode()
    assert (Case.objects.count(), EvidenceItem.objects.count(), AuditEvent.objects.count()) == before


def test_action_refuses_bad_applicant_and_material_together(item):
    before = Case.objects.count()
    with pytest.raises(ValidationFailed) as info:
        online.submit_application(
            item=item,
            applicant={"kind": "citizen", "name": "王某", "id_number": "110105194912310021", "phone": PHONE},
            materials=[("设立申请书", SimpleUploadedFile("a.exe", b"MZ...", "application/octet-stream"))],
        )
    errors = "\n".join(info.value.errors)
    assert "证件号码" in errors and "校验位" in errors
    assert "申请材料“设立申请书”：只接受 PDF、JPG、PNG 或 DOCX" in errors
    assert "申请材料“律师事务所章程”：必须上传" in errors
    assert Case.objects.count() == before


def test_material_content_must_match_extension(item):
    problem = online.material_problem(
        "设立申请书", SimpleUploadedFile("假.pdf", b"GIF89a....", "application/pdf")
    )
    assert problem and "不符" in problem
    assert online.material_problem("设立申请书", _pdf()) is None


def test_organisation_needs_valid_credit_code(item):
    errors = online.applicant_problems(
        {"kind": "legal_person", "name": "某律所", "id_number": "91530400MA6K5A1B2X", "phone": PHONE}
    )
    assert any("统一社会信用代码" in e for e in errors)
    assert not online.applicant_problems(
        {"kind": "legal_person", "name": "某律所", "id_number": "91530400MA6K5A1B2M", "phone": PHONE}
    )


def test_status_lookups_are_rate_limited(item, client):
    url = reverse("apply:status")
    for _ in range(20):
        assert client.post(url, {"number": "XK-001-2026-000001", "code": "ABCDEFGH"}).status_code == 200
    blocked = client.post(url, {"number": "XK-001-2026-000001", "code": "ABCDEFGH"})
    assert blocked.status_code == 429 and "查询过于频繁" in blocked.content.decode()


def test_not_online_item_is_404(case_world, client):
    assert client.get(reverse("apply:form", args=[case_world.items["penalty_general"].pk])).status_code == 404


def test_public_api_status(item, client):
    response = client.post(reverse("apply:form", args=[item.pk]), _post_data(item))
    number, code = response.context["number"], response.context["code"]
    url = reverse("api:apply_status")
    ok = client.post(url, {"application_number": number, "query_code": code}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["item_name"] == "律师事务所变更许可"
    assert ID_NUMBER not in ok.content.decode()
    bad = client.post(
        url, {"application_number": number, "query_code": "ZZZZZZZZ"}, content_type="application/json"
    )
    assert bad.status_code == 404
    items = client.get(reverse("api:apply_items")).json()
    assert any(i["name"] == "律师事务所变更许可" and len(i["materials"]) == 3 for i in items)


def test_public_form_requires_csrf(item):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("apply:form", args=[item.pk]), _post_data(item))
    assert response.status_code == 403
    assert not Case.objects.filter(item=item).exists()
    page = strict.get(reverse("apply:form", args=[item.pk])).content.decode()
    assert "csrfmiddlewaretoken" in page and "<script>" not in page and 'style="' not in page


def test_submissions_are_rate_limited(item, client):
    from cases.views_online import SUBMISSIONS_PER_HOUR

    url = reverse("apply:form", args=[item.pk])
    for _ in range(SUBMISSIONS_PER_HOUR):
        assert client.post(url, {"kind": "citizen"}).status_code == 200  # invalid, but counted
    blocked = client.post(url, _post_data(item))
    assert blocked.status_code == 429 and "提交过于频繁" in blocked.content.decode()
    assert not Case.objects.filter(item=item).exists()
