"""结果公示 (issue #6 items 1 and 3): a decision makes a draft due in 7 working days (许可、处罚) or 20 (检查); the
公示审核员 publishes it redacted; a minor or a confidential case never publishes; a changed decision is withdrawn
within 3 working days with a public notice and a 变更 gets a corrected version, every version kept; 红塔区 staff
never see 市局 drafts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases import rules as case_rules
from cases.actions import case as actions
from cases.models import Party
from cases.tests.engine_helpers import add_av, jump, officers
from cases.tests.factories import make_case
from core import crypto
from core.errors import SanxiangError, ValidationFailed
from publicity import result_rules as rr
from publicity import results
from publicity.models import DecisionChange, Kind, Publication, ResultDraft

pytestmark = pytest.mark.django_db

MON = date(2026, 3, 2)  # a Monday; no holidays until 清明 (April)
DUE_7 = date(2026, 3, 11)  # the 7th working day after MON (Wednesday of the next week)


class MonFri:
    """A calendar without holidays (the pure rules take any calendar)."""

    def exception(self, day: date) -> str | None:
        return None


def _minor_id(born: date) -> str:
    body = f"530402{born:%Y%m%d}001"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    number = body + check
    assert case_rules.id_card_problem(number) is None
    return number


def decide_simple(w, *, on=MON, outcome_text="", party_kind="citizen", fine="100", **case_over):
    """A 简易程序 penalty case decided on ``on`` through the real actions (record_decision + advance from decide)."""
    zhangsan = w.users["zhangsan"]
    case = make_case(
        zhangsan, w.items["penalty_simple"], "penalty_simple", on=on, party_kind=party_kind, **case_over
    )
    jump(case, "decide", on=on)
    actions.record_decision(
        zhangsan,
        case,
        outcome="penalty",
        penalty_types=["fine"],
        fine_amount=Decimal(fine),
        outcome_text=outcome_text,
    )
    add_av(case, zhangsan)
    actions.advance(zhangsan, case, to="execute", officers=officers(w), on=on)
    case.refresh_from_db()
    return case


# --- pure rules -----------------------------------------------------------------------------------------------


def test_deadline_by_category():
    assert rr.deadline_days(rr.PENALTY) == 7
    assert rr.deadline_days(rr.LICENSING) == 7
    assert rr.deadline_days(rr.INSPECTION) == 20
    assert rr.due_on(MON, 7, MonFri()) == DUE_7
    assert rr.due_on(MON, 20, MonFri()) == date(2026, 3, 30)


def test_seventh_working_day_is_on_time_and_eighth_is_late():
    assert rr.on_time(DUE_7, date(2026, 3, 11)) is True
    assert rr.on_time(DUE_7, date(2026, 3, 12)) is False
    assert rr.clock_level(DUE_7, date(2026, 3, 11), MonFri()) == ("yellow", 0)
    assert rr.clock_level(DUE_7, date(2026, 3, 12), MonFri()) == ("red", -1)
    assert rr.clock_level(DUE_7, date(2026, 3, 3), MonFri())[0] == "ok"


def test_withdrawal_due_three_working_days_over_a_weekend():
    # decided to revoke on Thursday 19 March: Fri (1), Mon (2), Tue (3)
    assert rr.withdrawal_due_on(date(2026, 3, 19), MonFri()) == date(2026, 3, 24)
    # on a Friday: Mon, Tue, Wed
    assert rr.withdrawal_due_on(date(2026, 3, 20), MonFri()) == date(2026, 3, 25)


def test_display_period_by_party_kind_and_penalty_type():
    assert rr.display_years(rr.NATURAL_PERSON) == 2
    assert rr.display_years(rr.ORGANISATION) == 5
    assert rr.display_years(rr.NATURAL_PERSON, ["warning"], by_penalty={"warning": 1}) == 1
    # the heaviest (longest) applies when there are several types
    assert rr.display_years(rr.NATURAL_PERSON, ["warning", "fine"], by_penalty={"warning": 1}) == 2
    assert rr.display_years(rr.ORGANISATION, [], by_party={"organization": 3}) == 3
    assert rr.expires_on(date(2028, 2, 29), 1) == date(2029, 2, 28)


def test_publishable_outcomes():
    assert rr.publishable("penalty_general", "penalty")
    assert rr.publishable("penalty_general", "no_penalty")
    assert not rr.publishable("penalty_general", "transfer")
    assert rr.publishable("licensing", "grant") and not rr.publishable("licensing", "refuse")
    assert rr.publishable("inspection", "rectify")


# --- draft, publish, deadline ---------------------------------------------------------------------------------


def test_decision_creates_draft_due_in_seven_working_days(case_world):
    case = decide_simple(case_world)
    draft = ResultDraft.objects.get(case=case)
    assert (draft.state, draft.category, draft.deadline_days) == ("pending", "行政处罚", 7)
    assert (draft.decided_on, draft.due_on) == (MON, DUE_7)
    f = draft.fields
    assert f["agency_name"] == case.agency.name and f["party"] == "测试当事人"
    assert (f["party_kind"], f["procedure"], f["penalty_types"], f["fine_amount"]) == (
        "自然人",
        "简易程序",
        ["罚款"],
        "100.00",
    )
    assert f["decided_on"] == "2026-03-02" and f["case_number"] == case.number


def test_published_on_the_seventh_working_day_is_on_time(case_world):
    draft = ResultDraft.objects.get(case=decide_simple(case_world))
    publication = results.publish_result(case_world.users["gongshi"], draft, on=DUE_7)
    draft.refresh_from_db()
    assert (draft.state, draft.on_time, draft.publication) == ("published", True, publication)
    assert publication.kind == Kind.DECISION and publication.category == "行政处罚"
    assert publication.expires_on == date(2028, 3, 11)  # 自然人: 2 years
    assert Publication.objects.current().filter(pk=publication.pk).exists()


def test_published_on_the_eighth_working_day_is_late(case_world):
    draft = ResultDraft.objects.get(case=decide_simple(case_world))
    results.publish_result(case_world.users["jiandu"], draft, on=date(2026, 3, 12))
    draft.refresh_from_db()
    assert draft.on_time is False


def test_publication_is_redacted_and_keeps_the_party(case_world):
    case = decide_simple(
        case_world, outcome_text="罚款100元。当事人电话13812345678，身份证号" + _minor_id(date(1990, 5, 1))
    )
    draft = ResultDraft.objects.get(case=case)
    publication = results.publish_result(case_world.users["gongshi"], draft, on=MON)
    text = str(publication.payload)
    assert "13812345678" not in text and _minor_id(date(1990, 5, 1)) not in text
    assert publication.payload["party"] == "测试当事人"
    assert publication.title.endswith("测试当事人")


def test_display_period_from_settings(case_world, settings):
    settings.SANXIANG_DISPLAY_YEARS_BY_PENALTY = {"fine": 1}
    draft = ResultDraft.objects.get(case=decide_simple(case_world))
    publication = results.publish_result(case_world.users["gongshi"], draft, on=MON)
    assert publication.expires_on == date(2027, 3, 2)


def test_organisation_shown_five_years(case_world):
    case = decide_simple(case_world, party_kind="legal_person", fine="1000")
    draft = ResultDraft.objects.get(case=case)
    assert draft.party_kind == "法人或其他组织"
    publication = results.publish_result(case_world.users["gongshi"], draft, on=MON)
    assert publication.expires_on == date(2031, 3, 2)


def test_expired_publication_leaves_the_portal(case_world):
    draft = ResultDraft.objects.get(case=decide_simple(case_world))
    publication = results.publish_result(case_world.users["gongshi"], draft, on=date(2020, 1, 6))
    assert publication.expires_on == date(2022, 1, 6)
    assert not Publication.objects.current().filter(pk=publication.pk).exists()
    assert results.expire_due() >= 1


def test_publishing_calls_credit(case_world):
    from publicity.models import CreditRecord

    draft = ResultDraft.objects.get(case=decide_simple(case_world))
    publication = results.publish_result(case_world.users["gongshi"], draft, on=MON)
    assert CreditRecord.objects.filter(publication=publication, action="add").exists()


def test_officer_cannot_publish_and_a_draft_publishes_once(case_world):
    draft = ResultDraft.objects.get(case=decide_simple(case_world))
    with pytest.raises(PermissionDenied):
        results.publish_result(case_world.users["zhangsan"], draft, on=MON)
    results.publish_result(case_world.users["gongshi"], draft, on=MON)
    with pytest.raises(SanxiangError, match="已公示"):
        results.publish_result(case_world.users["gongshi"], draft, on=MON)


def test_inspection_result_due_in_twenty_working_days(case_world):
    w = case_world
    zhangsan = w.users["zhangsan"]
    case = make_case(zhangsan, w.items["inspection"], "inspection", on=MON)
    jump(case, "feedback", on=MON)
    actions.record_decision(zhangsan, case, outcome="no_problem", penalty_types=[], fine_amount=None)
    actions.advance(zhangsan, case, to="publish", officers=officers(w), on=MON)
    draft = ResultDraft.objects.get(case=case)
    assert (draft.category, draft.deadline_days, draft.due_on) == ("行政检查", 20, date(2026, 3, 30))
    assert draft.fields["result"] == "未发现问题"


# --- never published ------------------------------------------------------------------------------------------


def test_minor_party_flag_is_never_published(case_world):
    w = case_world
    zhangsan = w.users["zhangsan"]
    case = make_case(zhangsan, w.items["penalty_simple"], "penalty_simple", on=MON)
    Party.objects.filter(case=case).update(is_minor=True)
    jump(case, "decide", on=MON)
    actions.record_decision(zhangsan, case, outcome="penalty", penalty_types=["warning"], fine_amount=None)
    add_av(case, zhangsan)
    actions.advance(zhangsan, case, to="execute", officers=officers(w), on=MON)
    draft = ResultDraft.objects.get(case=case)
    assert draft.state == "blocked" and "未成年人" in draft.block_reason
    with pytest.raises(SanxiangError, match="依法不予公开"):
        results.publish_result(w.users["gongshi"], draft, on=MON)
    assert not Publication.objects.filter(kind=Kind.DECISION, key=case.number).exists()


def test_minor_by_id_number_on_the_decision_day_is_never_published(case_world):
    w = case_world
    zhangsan = w.users["zhangsan"]
    case = make_case(zhangsan, w.items["penalty_simple"], "penalty_simple", on=MON)
    # turns 18 the day after the decision
    Party.objects.filter(case=case).update(id_number_enc=crypto.encrypt(_minor_id(date(2008, 3, 3))))
    jump(case, "decide", on=MON)
    actions.record_decision(zhangsan, case, outcome="penalty", penalty_types=["warning"], fine_amount=None)
    add_av(case, zhangsan)
    actions.advance(zhangsan, case, to="execute", officers=officers(w), on=MON)
    draft = ResultDraft.objects.get(case=case)
    assert draft.state == "blocked"
    with pytest.raises(SanxiangError):
        results.publish_result(w.users["gongshi"], draft, on=MON)
    assert not Publication.objects.filter(kind=Kind.DECISION).exists()


def test_confidential_case_is_never_published(case_world):
    case = decide_simple(case_world, confidentiality="商业秘密")
    draft = ResultDraft.objects.get(case=case)
    assert draft.state == "blocked" and "商业秘密" in draft.block_reason
    with pytest.raises(SanxiangError):
        results.publish_result(case_world.users["gongshi"], draft, on=MON)


def test_confidentiality_set_after_the_draft_still_blocks(case_world):
    case = decide_simple(case_world)
    case.confidentiality = "个人隐私"
    case.save(update_fields=["confidentiality"])
    draft = ResultDraft.objects.get(case=case)
    with pytest.raises(SanxiangError, match="个人隐私"):
        results.publish_result(case_world.users["gongshi"], draft, on=MON)
    assert not Publication.objects.filter(kind=Kind.DECISION).exists()


def test_block_needs_a_reason(case_world):
    draft = ResultDraft.objects.get(case=decide_simple(case_world))
    with pytest.raises(SanxiangError, match="不予公开理由"):
        results.block_result(case_world.users["gongshi"], draft, reason="")
    blocked = results.block_result(case_world.users["gongshi"], draft, reason="涉及商业秘密")
    assert (blocked.state, blocked.block_reason) == ("blocked", "涉及商业秘密")


# --- withdrawal and corrections -------------------------------------------------------------------------------

THU = date(2026, 3, 19)


def _published(w):
    case = decide_simple(w)
    draft = ResultDraft.objects.get(case=case)
    publication = results.publish_result(w.users["gongshi"], draft, on=MON)
    return case, draft, publication


def _change(w, case, change="revoked", occurred_on=THU):
    return results.record_change(
        w.users["zhangsan"],
        case,
        change=change,
        source="reconsideration",
        occurred_on=occurred_on,
        reference="玉政复决〔2026〕5号",
        notice="经行政复议，原处罚决定被撤销，撤回原公示信息。",
        on=occurred_on,
    )


def test_revocation_withdrawn_within_three_working_days_over_a_weekend(case_world):
    w = case_world
    case, draft, publication = _published(w)
    change = _change(w, case)
    assert change.due_on == date(2026, 3, 24)  # Thu → Fri, Mon, Tue
    done = results.withdraw_for_change(w.users["gongshi"], change, on=date(2026, 3, 24))
    assert (done.withdrawn_on, done.on_time) == (date(2026, 3, 24), True)
    publication.refresh_from_db()
    assert publication.withdrawn_at is not None
    assert publication.withdrawal_reason == "经行政复议，原处罚决定被撤销，撤回原公示信息。"
    assert not Publication.objects.current().filter(pk=publication.pk).exists()
    draft.refresh_from_db()
    assert draft.state == "withdrawn"
    assert not ResultDraft.objects.filter(case=case, state="pending").exists()  # 撤销: no new version
    from publicity.models import CreditRecord

    assert CreditRecord.objects.filter(publication=publication, action="withdraw").exists()


def test_withdrawal_on_the_fourth_working_day_is_late(case_world):
    w = case_world
    case, _draft, _publication = _published(w)
    change = _change(w, case)
    done = results.withdraw_for_change(w.users["jiandu"], change, on=date(2026, 3, 25))
    assert done.on_time is False
    with pytest.raises(SanxiangError, match="无需重复撤回"):
        results.withdraw_for_change(w.users["jiandu"], change, on=date(2026, 3, 25))


def test_alteration_keeps_history_as_versions(case_world):
    w = case_world
    case, draft, first = _published(w)
    change = _change(w, case, change="altered")
    results.withdraw_for_change(w.users["gongshi"], change, on=date(2026, 3, 20))
    corrected = ResultDraft.objects.get(case=case, state="pending")
    assert (corrected.version, corrected.supersedes) == (2, draft)
    assert corrected.decided_on == THU and corrected.due_on == date(2026, 3, 30)
    assert "变更" in corrected.fields["correction"]
    second = results.publish_result(w.users["gongshi"], corrected, on=date(2026, 3, 23))
    assert (second.version, second.key) == (2, first.key)
    first.refresh_from_db()
    assert first.withdrawn_at is not None and first.superseded_at is not None  # kept, not deleted
    versions = list(Publication.objects.filter(kind=Kind.DECISION, key=case.number).order_by("version"))
    assert [p.version for p in versions] == [1, 2]
    assert list(Publication.objects.current().filter(kind=Kind.DECISION, key=case.number)) == [second]
    assert [d.version for d in ResultDraft.objects.filter(case=case).order_by("version")] == [1, 2]


def test_record_change_validation(case_world):
    w = case_world
    case, _draft, _pub = _published(w)
    with pytest.raises(ValidationFailed) as exc:
        results.record_change(
            w.users["zhangsan"],
            case,
            change="gone",
            source="reconsideration",
            occurred_on=date(2026, 3, 19),
            reference="",
            notice="撤",
            on=date(2026, 3, 19),
        )
    assert any("变化类型" in e for e in exc.value.errors) and any("撤回说明" in e for e in exc.value.errors)
    with pytest.raises(PermissionDenied):
        _change_by(w, "gongshi", case)
    _change(w, case)
    with pytest.raises(ValidationFailed, match="尚未撤回"):
        _change(w, case)


def _change_by(w, username, case):
    return results.record_change(
        w.users[username],
        case,
        change="revoked",
        source="litigation",
        occurred_on=THU,
        reference="",
        notice="经行政诉讼判决撤销，撤回原公示信息。",
        on=THU,
    )


# --- tenant isolation and pages ---------------------------------------------------------------------------------


def test_hongta_officer_cannot_see_city_drafts(case_world, client, persona):
    w = case_world
    case, _draft, _pub = _published(w)
    pending = ResultDraft.objects.get(case=decide_simple(w))
    wangwu = persona("wangwu")
    client.force_login(wangwu)
    assert client.get(reverse("results:draft", args=[pending.pk])).status_code == 403
    page = client.get(reverse("results:queue"))
    assert page.status_code == 200 and pending.case.number not in page.content.decode()
    page = client.get(reverse("results:queue") + "?state=published")
    assert case.number not in page.content.decode()
    with pytest.raises(PermissionDenied):
        results.publish_result(wangwu, pending, on=MON)
    assert client.post(reverse("results:publish", args=[pending.pk])).status_code == 403
    assert client.get(reverse("results:change_create", args=[case.pk])).status_code == 403


def test_queue_due_first_with_badges(case_world, client):
    w = case_world
    later = decide_simple(w, on=date(2026, 11, 23))
    earlier = decide_simple(w, on=date(2026, 1, 5))
    client.force_login(w.users["gongshi"])
    html = client.get(reverse("results:queue")).content.decode()
    assert html.index(earlier.number) < html.index(later.number)
    assert "sx-clock-red" in html  # the January decision is long overdue


def test_draft_page_highlights_what_was_masked_and_publishes(case_world, client):
    w = case_world
    case = decide_simple(w, outcome_text="罚款100元，当事人电话13812345678。")
    draft = ResultDraft.objects.get(case=case)
    client.force_login(w.users["gongshi"])
    html = client.get(reverse("results:draft", args=[draft.pk])).content.decode()
    preview = html[
        html.index('id="redacted-preview"') : html.index("</dl>", html.index('id="redacted-preview"'))
    ]
    assert '<mark class="redact-phone"' in preview and "13812345678" not in preview
    assert "发布公示" in html
    response = client.post(reverse("results:publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "published"


def test_block_page_keeps_input_on_error(case_world, client):
    w = case_world
    draft = ResultDraft.objects.get(case=decide_simple(w))
    client.force_login(w.users["jiandu"])
    response = client.post(reverse("results:block", args=[draft.pk]), {"reason": "密"})
    assert response.status_code == 400 and "不予公开理由" in response.content.decode()
    response = client.post(reverse("results:block", args=[draft.pk]), {"reason": "涉及商业秘密"})
    assert response.status_code == 302


def test_change_page_and_withdrawal_queue(case_world, client):
    w = case_world
    case, _draft, publication = _published(w)
    client.force_login(w.users["zhangsan"])
    url = reverse("results:change_create", args=[case.pk])
    bad = client.post(
        url, {"change": "revoked", "source": "litigation", "occurred_on": "2026-03-19", "notice": "短"}
    )
    assert bad.status_code == 400 and "撤回说明" in bad.content.decode()
    ok = client.post(
        url,
        {
            "change": "revoked",
            "source": "litigation",
            "occurred_on": "2026-03-19",
            "reference": "（2026）云0402行初1号",
            "notice": "经人民法院判决撤销原处罚决定，撤回原公示。",
        },
    )
    assert ok.status_code == 302
    change = DecisionChange.objects.get(case=case)
    client.force_login(w.users["gongshi"])
    html = client.get(reverse("results:changes")).content.decode()
    assert case.number in html and "撤回并公开说明" in html
    assert client.post(reverse("results:withdraw", args=[change.pk])).status_code == 302
    publication.refresh_from_db()
    assert publication.withdrawn_at is not None


def test_workbench_shows_due_drafts(case_world, client):
    w = case_world
    case = decide_simple(w, on=date(2026, 1, 5))
    client.force_login(w.users["gongshi"])
    html = client.get(reverse("workbench")).content.decode()
    assert f"结果公示逾期：{case.number}" in html


def test_other_natural_persons_masked_party_and_agency_kept(case_world):
    case = decide_simple(
        case_world,
        party_kind="legal_person",
        fine="1000",
        outcome_text="对测试律师事务所罚款1000元。法定代表人钱大明到场，住址云南省玉溪市红塔区聂耳路1号。",
    )
    case.parties.update(legal_representative="钱大明")
    draft = ResultDraft.objects.get(case=case)
    publication = results.publish_result(case_world.users["gongshi"], draft, on=MON)
    payload = publication.payload
    assert payload["party"] == "测试律师事务所" and "测试律师事务所" in payload["result"]
    assert payload["agency_name"] == case.agency.name
    assert "钱大明" not in payload["result"] and "聂耳路1号" not in payload["result"]
    assert payload["doc_number"] == draft.fields["doc_number"]


def test_change_before_publication_withdraws_the_pending_draft(case_world):
    w = case_world
    case = decide_simple(w)
    draft = ResultDraft.objects.get(case=case)
    change = _change(w, case, change="altered", occurred_on=date(2026, 3, 4))
    assert change.draft == draft
    results.withdraw_for_change(w.users["gongshi"], change, on=date(2026, 3, 5))
    draft.refresh_from_db()
    assert draft.state == "withdrawn" and draft.publication is None
    corrected = ResultDraft.objects.get(case=case, state="pending")
    assert corrected.version == 2 and corrected.supersedes == draft
    assert not Publication.objects.filter(kind=Kind.DECISION).exists()


def test_change_form_shows_errors_next_to_fields(case_world, client):
    w = case_world
    case, _draft, _pub = _published(w)
    client.force_login(w.users["zhangsan"])
    response = client.post(
        reverse("results:change_create", args=[case.pk]),
        {
            "change": "revoked",
            "source": "litigation",
            "occurred_on": "2099-01-01",
            "notice": "经判决撤销原处罚决定。",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "作出日期：不能晚于今天" in html and "经判决撤销原处罚决定。" in html  # input kept


def test_a_decided_case_links_to_the_decision_change_form(case_world, client):
    from cases.tests.factories import make_case

    zhangsan = case_world.users["zhangsan"]
    case = make_case(zhangsan, case_world.items["penalty_general"], "penalty_general")
    client.force_login(zhangsan)
    change_url = reverse("results:change_create", args=[case.pk])
    assert change_url not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    case.outcome, case.decided_on = "no_penalty", date(2026, 11, 2)
    case.save()
    assert change_url in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
