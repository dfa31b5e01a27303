"""The case API (/api/v1/cases/): the same actions and refusals as the pages; 400 {code, message, field} on a
refusal, 403 out of scope, parties decrypted for case.read holders only."""

from __future__ import annotations

import pytest

from cases.models import Case, Party
from cases.tests.factories import make_case
from cases.tests.test_views_core import BAD_ID, GOOD_ID, _new_case_post

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cases/"


def _payload(world, **over):
    data = {
        "item_id": world.items["penalty_general"].pk,
        "procedure": "penalty_general",
        "title": "某律师事务所疏于管理案",
        "source": "投诉",
        "summary": "群众投诉",
        "parties": [
            {
                "kind": "citizen",
                "name": "李某某",
                "id_type": "居民身份证",
                "id_number": GOOD_ID,
                "phone": "13800000000",
                "address": "玉溪市红塔区某路1号",
            }
        ],
    }
    data.update(over)
    return data


def test_open_through_the_api_matches_the_page(case_world, login):
    client = login("zhangsan")
    response = client.post(BASE, _payload(case_world), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["current_step"] == "case_source" and body["procedure"] == "penalty_general"
    assert body["parties"][0]["id_number"] == GOOD_ID  # decrypted for a case.read holder
    via_api = Case.objects.get(pk=body["id"])
    client.post("/cases/new/", _new_case_post(case_world, title="页面登记的同一案件"))
    via_page = Case.objects.get(title="页面登记的同一案件")
    for field in ("procedure", "item_id", "current_step", "status", "agency_id", "department_id"):
        assert getattr(via_api, field) == getattr(via_page, field), field
    assert via_api.parties.get().id_index == via_page.parties.get().id_index


def test_a_bad_identity_number_is_a_400_naming_the_field(case_world, login):
    client = login("zhangsan")
    bad = _payload(case_world)
    bad["parties"][0]["id_number"] = BAD_ID
    before = Case.objects.count(), Party.objects.count()
    response = client.post(BASE, bad, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert "证件号码" in body["message"] and body["field"]
    assert (Case.objects.count(), Party.objects.count()) == before


def test_advance_refused_and_accepted_like_the_page(case_world, login):
    case = make_case(case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general")
    url = f"{BASE}{case.pk}/advance"
    refused = login("lisi").post(url, {"to": "file_case"}, content_type="application/json")
    assert refused.status_code in (400, 403)
    assert refused.json()["message"]
    wrong = login("zhangsan").post(url, {"to": "decide"}, content_type="application/json")
    assert wrong.status_code == 400
    assert wrong.json()["field"] == "to" and "立案审批" in wrong.json()["message"]
    ok = login("zhangsan").post(url, {"to": "file_case", "note": "拟立案"}, content_type="application/json")
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["current_step"] == "file_case"
    assert body["steps"][0]["note"] == "拟立案"
    assert any(t["to"] == "investigate" for t in body["transitions"])


def test_list_filters_and_scope(case_world, login):
    mine = make_case(case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general")
    other = make_case(case_world.users["kezhang"], case_world.items["licensing"], "licensing")
    hongta = make_case(case_world.users["wangwu"], case_world.hongta_item, "penalty_general")
    client = login("zhangsan")
    ids = {c["id"] for c in client.get(BASE).json()}
    assert ids == {mine.pk, other.pk}
    assert {c["id"] for c in client.get(BASE, {"procedure": "licensing"}).json()} == {other.pk}
    assert {c["id"] for c in client.get(BASE, {"mine": "true"}).json()} == {mine.pk}
    assert {c["id"] for c in client.get(BASE, {"q": other.number}).json()} == {other.pk}
    first = client.get(BASE, {"limit": 1}).json()
    second = client.get(BASE, {"limit": 1, "offset": 1}).json()
    assert len(first) == len(second) == 1 and {first[0]["id"], second[0]["id"]} == {mine.pk, other.pk}
    assert client.get(f"{BASE}{hongta.pk}").status_code == 403
    wangwu = login("wangwu")
    assert {c["id"] for c in wangwu.get(BASE).json()} == {hongta.pk}
    assert wangwu.get(f"{BASE}{mine.pk}").status_code == 403
    assert (
        wangwu.post(
            f"{BASE}{mine.pk}/advance", {"to": "file_case"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert login("auditor").get(BASE).status_code == 403


def test_recusal_is_requested_and_decided_by_a_leader(case_world, login):
    case = make_case(case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general")
    officer = case_world.officers["zhaoliu"]
    made = login("zhangsan").post(
        f"{BASE}{case.pk}/recusals",
        {"officer_id": officer.pk, "applicant": "李某某", "reason": "与当事人有利害关系"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    rid = made.json()["id"]
    url = f"{BASE}recusals/{rid}/decide"
    assert login("zhangsan").post(
        url, {"grant": True, "reason": "属实"}, content_type="application/json"
    ).status_code in (400, 403)
    decided = login("fenguan").post(url, {"grant": True, "reason": "属实"}, content_type="application/json")
    assert decided.status_code == 200, decided.content
    assert decided.json()["decision"] == "granted"


def test_decision_and_close_through_the_api(case_world, login):
    from cases.actions import case as engine

    zhangsan = case_world.users["zhangsan"]
    case = make_case(zhangsan, case_world.items["penalty_simple"], "penalty_simple")
    officers = [case_world.officers["zhangsan"], case_world.officers["zhaoliu"]]
    acts = [{"officer_id": o.pk, "showed_certificate": True, "informed_rights": True} for o in officers]
    for to in ("show_id", "notify_hear", "decide"):
        engine.advance(zhangsan, case, to=to, officers=acts, av_waiver_reason="执法记录仪故障，未能录像")
    client = login("zhangsan")
    over = client.post(
        f"{BASE}{case.pk}/decision",
        {"outcome": "penalty", "penalty_types": ["fine"], "fine_amount": "200.01"},
        content_type="application/json",
    )
    assert over.status_code == 400 and "第五十一条" in over.json()["message"]
    ok = client.post(
        f"{BASE}{case.pk}/decision",
        {"outcome": "penalty", "penalty_types": ["fine"], "fine_amount": "200"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["fine_amount"] == "200.00"
    client.post(
        f"{BASE}{case.pk}/advance",
        {"to": "execute", "officers": acts, "av_waiver_reason": "执法记录仪故障，未能录像"},
        content_type="application/json",
    )
    refused = client.post(f"{BASE}{case.pk}/close", content_type="application/json")
    assert refused.status_code == 400
    assert "当场行政处罚决定书" in refused.json()["message"]
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
