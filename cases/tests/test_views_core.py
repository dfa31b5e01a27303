"""The case pages: list filters, registering a case (refusals keep the input and write nothing), advancing a step
(refusals in Chinese on the page), scope (红塔区 and the 三员 get 403)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseStep, Clock, Party
from cases.tests.factories import make_case

pytestmark = pytest.mark.django_db

GOOD_ID = "530402199003070012"  # valid GB 11643 check digit
BAD_ID = "530402199003070016"


def _id_ok(number: str) -> bool:
    from cases import rules

    return rules.id_card_problem(number) is None


def test_the_sample_identity_numbers_are_what_the_tests_say():
    assert _id_ok(GOOD_ID)
    assert not _id_ok(BAD_ID)


def _new_case_post(world, **over):
    data = {
        "item": str(world.items["penalty_general"].pk),
        "procedure": "penalty_general",
        "title": "某律师事务所疏于管理案",
        "source": "投诉",
        "summary": "群众投诉",
        "discovered_on": "",
        "received_on": "",
        "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "1000",
        "parties-0-kind": "citizen",
        "parties-0-name": "李某某",
        "parties-0-id_type": "居民身份证",
        "parties-0-id_number": GOOD_ID,
        "parties-0-phone": "13800000000",
        "parties-0-address": "玉溪市红塔区某路1号",
        "parties-0-legal_representative": "",
    }
    data.update(over)
    return data


def test_list_filters_by_procedure_status_search_mine_and_overdue(case_world, login):
    zhangsan, kezhang = case_world.users["zhangsan"], case_world.users["kezhang"]
    general = make_case(zhangsan, case_world.items["penalty_general"], "penalty_general", title="甲律所案")
    licensing = make_case(kezhang, case_world.items["licensing"], "licensing", title="乙律所设立申请")
    closed = make_case(kezhang, case_world.items["inspection"], "inspection", title="丙检查", status="closed")
    Party.objects.filter(case=licensing).update(name="玉溪某某律师事务所")
    today = timezone.localdate()
    Clock.objects.create(
        case=licensing,
        code="decide",
        label="许可决定期限",
        article="《行政许可法》第四十二条",
        unit="workdays",
        days=20,
        start_on=today - timedelta(days=40),
        due_on=today - timedelta(days=1),
    )
    hongta = make_case(case_world.users["wangwu"], case_world.hongta_item, "penalty_general", title="红塔案")
    client = login("zhangsan")
    url = reverse("cases:list")

    def shown(**params):
        body = client.get(url, params).content.decode()
        return {c.title for c in (general, licensing, closed, hongta) if c.title in body}

    assert shown() == {"甲律所案", "乙律所设立申请", "丙检查"}  # never the 红塔区 case
    assert shown(procedure="licensing") == {"乙律所设立申请"}
    assert shown(status="closed") == {"丙检查"}
    assert shown(q="某某律师事务所") == {"乙律所设立申请"}  # by party name
    assert shown(q=general.number) == {"甲律所案"}
    assert shown(mine="1") == {"甲律所案"}  # created by zhangsan
    assert shown(overdue="1") == {"乙律所设立申请"}
    assert "已超期" in client.get(url).content.decode()


def test_register_a_case_with_a_party(case_world, login):
    client = login("zhangsan")
    response = client.post(reverse("cases:new"), _new_case_post(case_world))
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(title="某律师事务所疏于管理案")
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    party = case.parties.get()
    assert party.name == "李某某"
    assert GOOD_ID.encode() not in bytes(party.id_number_enc)  # stored encrypted
    page = client.get(response["Location"]).content.decode()
    assert case.number in page and "案源登记" in page
    assert GOOD_ID not in page  # masked until asked for
    assert GOOD_ID in client.get(response["Location"] + "?show=parties").content.decode()


def test_a_bad_identity_number_is_named_and_nothing_is_written(case_world, login):
    client = login("zhangsan")
    before = Case.objects.count(), Party.objects.count(), CaseStep.objects.count()
    response = client.post(
        reverse("cases:new"), _new_case_post(case_world, **{"parties-0-id_number": BAD_ID})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "证件号码" in body and "校验位" in body
    assert 'value="某律师事务所疏于管理案"' in body and BAD_ID in body  # nothing lost
    assert (Case.objects.count(), Party.objects.count(), CaseStep.objects.count()) == before


def test_an_item_of_another_category_cannot_take_the_penalty_procedure(case_world, login):
    client = login("zhangsan")
    data = _new_case_post(case_world, item=str(case_world.items["licensing"].pk))
    response = client.post(reverse("cases:new"), data)
    assert response.status_code == 200
    assert "只能按行政许可办理" in response.content.decode()
    assert not Case.objects.filter(title="某律师事务所疏于管理案").exists()


def _advance_post(to, officers=(), **extra):
    data = {"to": to, "note": "", "av_waiver_reason": "", "lead": ""}
    data.update(extra)
    data["officers"] = [str(o.pk) for o in officers]
    for o in officers:
        data[f"showed_{o.pk}"] = "on"
        data[f"informed_{o.pk}"] = "on"
    return data


def test_advance_through_the_page_and_a_refusal_in_chinese(case_world, login):
    case = make_case(case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general")
    url = reverse("cases:advance", args=[case.pk])
    # A 法制审核员 is not an actor of 案源登记: refused on the page, nothing moves.
    response = login("lisi").post(url, _advance_post("file_case", note="我的意见"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "我的意见" in body  # input kept
    case.refresh_from_db()
    assert case.current_step == "case_source"
    # The officer registers the source; the case moves to 立案审批.
    response = login("zhangsan").post(url, _advance_post("file_case", note="拟立案"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.current_step == "file_case"
    assert case.steps.get(seq=1).note == "拟立案"


def test_investigation_without_two_officers_is_refused_with_the_article(case_world, login):
    case = make_case(case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general")
    login("zhangsan").post(reverse("cases:advance", args=[case.pk]), _advance_post("file_case"))
    login("kezhang").post(reverse("cases:advance", args=[case.pk]), _advance_post("investigate"))
    case.refresh_from_db()
    assert case.current_step == "investigate"
    lone = [case_world.officers["zhangsan"]]
    response = login("zhangsan").post(
        reverse("cases:advance", args=[case.pk]),
        _advance_post("investigation_report", lone, av_waiver_reason="执法记录仪故障，无法录像"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "第四十二条" in body
    assert "执法记录仪故障，无法录像" in body
    case.refresh_from_db()
    assert case.current_step == "investigate"


def test_other_agencies_and_the_three_administrators_get_403(case_world, login):
    case = make_case(case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general")
    for who in ("wangwu", "hongta_kezhang", "shijianju", "auditor"):
        client = login(who)
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 403, who
        assert (
            client.post(reverse("cases:advance", args=[case.pk]), _advance_post("file_case")).status_code
            == 403
        )
    assert login("auditor").get(reverse("cases:list")).status_code == 403
    assert login("sysadmin").get(reverse("cases:new")).status_code == 403
    case.refresh_from_db()
    assert case.current_step == "case_source"


def test_the_case_page_shows_tabs_that_exist_and_the_read_only_banner(case_world, login):
    case = make_case(
        case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general", status="closed"
    )
    body = login("kezhang").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "概况" in body
    assert "案卷只读" in body
    assert "办结本环节" not in body


def test_gongshi_reads_but_cannot_act(case_world, login):
    case = make_case(case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general")
    client = login("gongshi")
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert case.number in body and "办结本环节" not in body
    assert (
        client.post(reverse("cases:advance", args=[case.pk]), _advance_post("file_case")).status_code == 403
    )


def test_close_is_refused_with_the_failed_checks_listed(case_world, login):
    from cases.actions import case as engine

    zhangsan = case_world.users["zhangsan"]
    case = make_case(zhangsan, case_world.items["penalty_simple"], "penalty_simple")
    officers = [case_world.officers["zhangsan"], case_world.officers["zhaoliu"]]
    acts = [{"officer_id": o.pk, "showed_certificate": True, "informed_rights": True} for o in officers]
    waiver = "执法记录仪故障，未能录像"
    for to in ("show_id", "notify_hear", "decide"):
        engine.advance(zhangsan, case, to=to, officers=acts, av_waiver_reason=waiver)
    engine.record_decision(
        zhangsan, case, outcome="penalty", penalty_types=["fine"], fine_amount=Decimal("100")
    )
    engine.advance(zhangsan, case, to="execute", officers=acts, av_waiver_reason=waiver)
    client = login("zhangsan")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "结案" in page
    response = client.post(reverse("cases:close", args=[case.pk]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "不能结案" in body and "当场行政处罚决定书" in body  # the 文书 not issued is named
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_simple_procedure_decision_over_the_limit_is_refused_on_the_page(case_world, login):
    from cases.actions import case as engine

    zhangsan = case_world.users["zhangsan"]
    case = make_case(zhangsan, case_world.items["penalty_simple"], "penalty_simple")
    officers = [case_world.officers["zhangsan"], case_world.officers["zhaoliu"]]
    acts = [{"officer_id": o.pk, "showed_certificate": True, "informed_rights": True} for o in officers]
    for to in ("show_id", "notify_hear", "decide"):
        engine.advance(zhangsan, case, to=to, officers=acts, av_waiver_reason="执法记录仪故障，未能录像")
    url = reverse("cases:decision", args=[case.pk])
    client = login("zhangsan")
    response = client.post(url, {"outcome": "penalty", "penalty_types": ["fine"], "fine_amount": "200.01"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "第五十一条" in body and "200.01" in body
    case.refresh_from_db()
    assert case.fine_amount is None
    response = client.post(url, {"outcome": "penalty", "penalty_types": ["fine"], "fine_amount": "200.00"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.fine_amount == 200


def test_recusal_requested_on_the_page_and_decided_by_the_deputy_leader(case_world, login):
    from cases.models import Recusal

    case = make_case(case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general")
    officer = case_world.officers["zhaoliu"]
    response = login("zhangsan").post(
        reverse("cases:recusal_request", args=[case.pk]),
        {"officer": str(officer.pk), "applicant": "测试当事人", "reason": "与当事人系近亲属"},
    )
    assert response.status_code == 302
    recusal = Recusal.objects.get(case=case)
    url = reverse("cases:recusal_decide", args=[case.pk, recusal.pk])
    assert "作出决定" not in login("zhangsan").get(reverse("cases:detail", args=[case.pk])).content.decode()
    refused = login("zhangsan").post(url, {"grant": "1", "reason": "属实"})
    assert refused.status_code in (400, 403)
    page = login("fenguan").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "作出决定" in page
    missing = login("fenguan").post(url, {"grant": "1", "reason": ""})
    assert missing.status_code == 400 and "决定理由" in missing.content.decode()
    assert login("fenguan").post(url, {"grant": "1", "reason": "属实"}).status_code == 302
    recusal.refresh_from_db()
    assert recusal.decision == Recusal.Decision.GRANTED


@pytest.mark.parametrize(("fine", "accepted"), [("200.00", True), ("200.01", False)])
def test_a_simple_procedure_case_is_checked_against_article_51_when_registered(
    case_world, login, fine, accepted
):
    data = _new_case_post(
        case_world,
        procedure="penalty_simple",
        title="当场处罚案",
        planned_penalty_types=["fine"],
        planned_fine=fine,
    )
    response = login("zhangsan").post(reverse("cases:new"), data)
    assert Case.objects.filter(title="当场处罚案").exists() is accepted
    if accepted:
        assert response.status_code == 302
    else:
        body = response.content.decode()
        assert response.status_code == 200
        assert "拟罚款金额（元）：简易程序对公民只能处200元以下罚款" in body and "第五十一条" in body


def test_a_simple_case_converted_to_the_general_procedure_opens_the_new_case(case_world, login):
    case = make_case(case_world.users["zhangsan"], case_world.items["penalty_simple"], "penalty_simple")
    officers = [case_world.officers["zhangsan"], case_world.officers["zhaoliu"]]
    client = login("zhangsan")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "转入的处罚事项" in page
    data = _advance_post("convert", officers, av_waiver_reason="执法记录仪故障，未能录像")
    response = client.post(reverse("cases:advance", args=[case.pk]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.ENDED
    new = Case.objects.exclude(pk=case.pk).get(procedure="penalty_general")
    assert response["Location"] == reverse("cases:detail", args=[new.pk])
    assert new.parties.get().name == "测试当事人"


def test_a_party_is_added_on_the_case_page_and_a_bad_number_is_named(case_world, login):
    case = make_case(case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general")
    url = reverse("cases:party_add", args=[case.pk])
    data = {
        "party-kind": "citizen",
        "party-name": "第二当事人",
        "party-id_type": "居民身份证",
        "party-id_number": BAD_ID,
        "party-phone": "",
        "party-address": "",
        "party-legal_representative": "",
    }
    client = login("zhangsan")
    refused = client.post(url, data)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "证件号码：居民身份证号码校验位不符" in body and 'value="第二当事人"' in body
    assert case.parties.count() == 1
    data["party-id_number"] = GOOD_ID
    assert client.post(url, data).status_code == 302
    assert case.parties.filter(name="第二当事人").exists()


def test_the_error_goes_to_the_second_party_when_it_is_the_second_that_is_wrong(case_world, login):
    data = _new_case_post(case_world)
    data.update(
        {
            "parties-TOTAL_FORMS": "2",
            "parties-1-kind": "citizen",
            "parties-1-name": "第二人",
            "parties-1-id_type": "居民身份证",
            "parties-1-id_number": BAD_ID,
        }
    )
    response = login("zhangsan").post(reverse("cases:new"), data)
    assert response.status_code == 200
    body = response.content.decode()
    # The message sits after the second party's 证件号码 input, not the first's.
    second_input = body.index('name="parties-1-id_number"')
    message = body.index("证件号码：居民身份证号码校验位不符")
    assert message > second_input
    assert body.index('name="parties-0-id_number"') < second_input
    assert not Case.objects.filter(title="某律师事务所疏于管理案").exists()
