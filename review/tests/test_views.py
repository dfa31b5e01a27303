"""The 法制审核 pages: 送审 refused with the list of missing materials (input kept), 存在问题 and 重新送审 with every
round readable back, a stale opinion form refused, the extension approved by the 分管领导 (who/when/reason shown),
集体讨论 recorded and signed, the register's statistics and the 审核人员 ratio, the scope settings, the 工作台, and
scope (王五 of 红塔区 never sees a 市局 review)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.models import EvidenceItem
from review import workbench
from review.models import CollectiveDiscussion, Extension, Opinion, Policy, Review
from review.tests import factories

pytestmark = pytest.mark.django_db

DAY = factories.DAY  # Monday 2026-11-02
POINTS = [code for code, _label in factories.rules.REVIEW_POINTS]


@pytest.fixture
def today(monkeypatch):
    """Freeze ``timezone.localdate()`` (without an argument) at a settable day; actions called by the views use it."""
    original = timezone.localdate
    state = {"day": DAY}

    def localdate(value=None, timezone=None):
        if value is None and timezone is None:
            return state["day"]
        return original(value, timezone) if timezone is not None else original(value)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)

    def set_day(day: date) -> None:
        state["day"] = day

    return set_day


@pytest.fixture
def at_review(case_world: Any, today: Any) -> Any:
    factories.qualified_reviewer(case_world)
    return factories.case_at_review(case_world, on=DAY)


def _submit_post(case: Any, **over: Any) -> dict[str, Any]:
    from review.selectors import material_options

    options = material_options(case)
    data: dict[str, Any] = {
        "facts": "当事人违规执业，事实清楚。",
        "basis": "《中华人民共和国律师法》第五十条",
        "discretion": "一般情节，适用裁量基准第二档",
        "qualifications": "张三、赵六，均持有效执法证",
        "draft_decision": "经查，当事人存在违规执业行为，决定给予罚款人民币五千元的行政处罚。",
        "outcome": "penalty",
        "penalty_types": ["fine"],
        "fine_amount": "5000",
        "confiscation_amount": "",
        "summary": "罚款五千元",
        "documents": [str(d["id"]) for d in options["documents"]],
        "evidence": [str(e["id"]) for e in options["evidence"]],
        "other": "",
    }
    data.update(over)
    return data


def _opinion_post(
    review: Review, *, conclusion: str, action: str = "", bad: str = "", **over: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {"round": str(review.rounds), "conclusion": conclusion, "action": action}
    for code in POINTS:
        data[f"ok_{code}"] = "0" if code == bad else "1"
        data[f"note_{code}"] = "证据不足，缺少现场照片" if code == bad else ""
    data["reasons"] = "证据不足，请补充现场照片后重新送审。" if conclusion == "problem" else "同意。"
    data.update(over)
    return data


def _submitted(client: Any, case: Any) -> Review:
    response = client.post(reverse("review:submit", args=[case.pk]), _submit_post(case))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Review.objects.get(case=case)


def test_the_submit_page_is_prefilled_from_the_case(at_review, login):
    from review.selectors import material_options

    client = login("zhangsan")
    html = client.get(reverse("review:submit", args=[at_review.pk])).content.decode()
    options = material_options(at_review)
    report = next(d for d in options["documents"] if d["doc_type"] == "investigation_report")
    assert f'value="{report["id"]}"' in html and "调查终结报告" in html
    for item in options["evidence"]:
        assert item["sha256"][:12] in html  # evidence shows its hash
    assert "张三（执法证号" in html  # qualifications from the officers' certificates
    assert "涉及重大公共利益" in html  # Art.58 grounds offered
    assert "本案须经法制审核" in html


def test_a_submission_missing_materials_is_refused_with_the_list_and_keeps_the_input(at_review, login):
    client = login("zhangsan")
    post = _submit_post(at_review, draft_decision="", evidence=[], facts="当事人未尽管理职责的事实（保留）")
    response = client.post(reverse("review:submit", args=[at_review.pk]), post)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="submit-errors"' in html
    assert "决定书代拟稿：请填写" in html
    assert "证据材料：请至少选择一项" in html
    assert "当事人未尽管理职责的事实（保留）" in html  # nothing typed is lost
    assert "《中华人民共和国律师法》第五十条" in html
    assert not Review.objects.filter(case=at_review).exists()


def test_return_resubmit_and_every_round_is_readable_back(at_review, login, client, persona, today):
    _submitted(login("zhangsan"), at_review)
    review = Review.objects.get(case=at_review)
    today(DAY + timedelta(days=1))

    # 李四 returns it: 存在问题 · 补充调查 with a flagged point.
    client.force_login(persona("lisi"))
    detail = client.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert "出具审核意见（第1次送审）" in detail
    response = client.post(
        reverse("review:opinion", args=[review.pk]),
        _opinion_post(review, conclusion="problem", action="supplement", bad="evidence"),
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == Review.State.RETURNED
    first = Opinion.objects.get(review=review)
    assert first.checklist["evidence"] == {"ok": False, "note": "证据不足，缺少现场照片"}
    assert first.document is not None and first.document.number

    # 张三 answers on the resubmit page, prefilled with round 1.
    client.force_login(persona("zhangsan"))
    page = client.get(reverse("review:resubmit", args=[review.pk])).content.decode()
    assert "当事人违规执业，事实清楚。" in page and "证据不足，请补充现场照片" in page
    refused = client.post(
        reverse("review:resubmit", args=[review.pk]),
        _submit_post(at_review, response="", other="补充照片三张"),
    )
    assert refused.status_code == 400
    assert "对审核意见的处理说明：" in refused.content.decode() and "补充照片三张" in refused.content.decode()
    review.refresh_from_db()
    assert review.rounds == 1
    post = _submit_post(at_review, response="已补充现场照片。", facts="补充后的事实：当事人违规执业。")
    response = client.post(reverse("review:resubmit", args=[review.pk]), post)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == Review.State.SUBMITTED and review.rounds == 2

    # The record shows both rounds, the first opinion with its checklist and its 意见书 download.
    html = client.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert "第1次送审" in html and "第2次送审" in html
    assert "当事人违规执业，事实清楚。" in html and "补充后的事实：当事人违规执业。" in html
    assert "已补充现场照片。" in html
    assert "证据不足，缺少现场照片" in html
    download = reverse("cases:document_download", args=[at_review.pk, first.document.pk, "pdf"])
    assert download in html
    for item in EvidenceItem.objects.filter(case=at_review).select_related("blob"):
        assert item.blob.sha256 in html  # each evidence material is shown with its full hash


def test_an_opinion_on_a_superseded_round_is_refused(at_review, login, client, persona, today):
    review = _submitted(login("zhangsan"), at_review)
    client.force_login(persona("lisi"))
    stale = _opinion_post(review, conclusion="agree")
    stale["round"] = "0"
    response = client.post(reverse("review:opinion", args=[review.pk]), stale)
    assert response.status_code == 400
    assert "请刷新后再办理" in response.content.decode()
    assert not Opinion.objects.filter(review=review).exists()


def test_agree_with_a_flagged_point_is_refused_on_the_form(at_review, login, client, persona):
    review = _submitted(login("zhangsan"), at_review)
    client.force_login(persona("lisi"))
    response = client.post(
        reverse("review:opinion", args=[review.pk]), _opinion_post(review, conclusion="agree", bad="law")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "结论不能为“同意”" in html
    assert "证据不足，缺少现场照片" in html  # the note typed on the flagged point is kept
    review.refresh_from_db()
    assert review.state == Review.State.SUBMITTED


def test_extension_requested_by_the_reviewer_and_approved_by_the_deputy(
    at_review, login, client, persona, today
):
    review = _submitted(login("zhangsan"), at_review)
    assert review.clock is not None
    due = review.clock.due_on
    client.force_login(persona("lisi"))
    response = client.post(
        reverse("review:extension", args=[review.pk]),
        {"days": "3", "reason": "案情疑难复杂，涉及多个法律关系"},
    )
    assert response.status_code == 302
    ext = Extension.objects.get(review=review)

    # The 负责人 (not the 分管领导) may not approve it; the refusal is shown, nothing changes.
    client.force_login(persona("juzhang"))
    refused = client.post(reverse("review:decide_extension", args=[ext.pk]), {"approve": "1", "note": ""})
    assert refused.status_code == 400
    assert "须报分管领导同意" in refused.content.decode()
    ext.refresh_from_db()
    assert ext.state == Extension.State.PENDING

    client.force_login(persona("fenguan"))
    page = client.get(reverse("review:approvals")).content.decode()
    assert "案情疑难复杂，涉及多个法律关系" in page
    response = client.post(
        reverse("review:decide_extension", args=[ext.pk]), {"approve": "1", "note": "同意延长"}
    )
    assert response.status_code == 302
    ext.refresh_from_db()
    review.refresh_from_db()
    assert ext.state == Extension.State.APPROVED and ext.decided_by == persona("fenguan")
    assert review.clock is not None and review.clock.due_on > due
    html = client.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert "周副局长" in html and "已同意" in html and "同意延长" in html

    # A second request is not offered and is refused.
    client.force_login(persona("lisi"))
    assert (
        "申请延长审核期限（疑难复杂）"
        not in client.get(reverse("review:detail", args=[review.pk])).content.decode()
    )
    again = client.post(reverse("review:extension", args=[review.pk]), {"days": "1", "reason": "仍需时间"})
    assert again.status_code == 400
    assert "不能再次延长" in again.content.decode()


def test_refusing_an_extension_needs_a_note_and_keeps_the_choice(at_review, login, client, persona):
    review = _submitted(login("zhangsan"), at_review)
    client.force_login(persona("lisi"))
    client.post(reverse("review:extension", args=[review.pk]), {"days": "2", "reason": "疑难复杂"})
    ext = Extension.objects.get(review=review)
    client.force_login(persona("fenguan"))
    response = client.post(reverse("review:decide_extension", args=[ext.pk]), {"approve": "0", "note": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "审批意见：必须填写" in html or "必须填写" in html
    assert f'id="ap-{ext.pk}-0" checked' in html


def test_discussion_recorded_then_signed_by_the_principal(at_review, login, client, persona):
    client = login("zhangsan")
    url = reverse("review:discussion", args=[at_review.pk])
    data = {
        "held_at": "2026-11-03T15:00",
        "place": "局三楼会议室",
        "presider": "吴局长",
        "attendees": "吴局长 局长\n周副局长\n陈科长 科长",
        "recorder": "张三",
        "opinions": "与会人员一致认为事实清楚。",
        "conclusion": "同意罚款五千元。",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "第2行“周副局长”" in html and "与会人员一致认为事实清楚。" in html
    data["attendees"] = "吴局长 局长\n周副局长 副局长\n陈科长 律师工作管理科科长"
    assert client.post(url, data).status_code == 302
    record = CollectiveDiscussion.objects.get(case=at_review)
    assert record.attendees[1] == {"name": "周副局长", "title": "副局长"}
    tab = client.get(reverse("review:case_reviews", args=[at_review.pk])).content.decode()
    assert "待负责人签名" in tab and "sign" not in tab.split("待负责人签名")[1][:200]

    client.force_login(persona("juzhang"))
    assert "局三楼会议室" in client.get(reverse("review:approvals")).content.decode()
    response = client.post(
        reverse("review:sign_discussion", args=[record.pk]),
        {"next": reverse("review:case_reviews", args=[at_review.pk])},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.signed_by == persona("juzhang") and record.document is not None
    tab = client.get(reverse("review:case_reviews", args=[at_review.pk])).content.decode()
    assert "吴局长 已签名" in tab
    assert reverse("cases:document_download", args=[at_review.pk, record.document.pk, "pdf"]) in tab
    # signing twice is refused with the message, not an error page
    again = client.post(reverse("review:sign_discussion", args=[record.pk]), follow=True)
    assert "已由" in again.content.decode()


def test_register_statistics_and_the_staff_ratio(at_review, case_world, login):
    review = factories.approved_review(case_world, at_review)
    client = login("jiandu")
    html = client.get(reverse("review:register")).content.decode()
    assert review.number in html
    assert 'id="stat-total">1<' in html
    assert 'id="staff-ratio"' in html and "法制审核人员 1 人" in html
    filtered = client.get(reverse("review:register"), {"state": "returned"}).content.decode()
    assert review.number not in filtered and 'id="stat-total">0<' in filtered
    searched = client.get(reverse("review:register"), {"q": at_review.number}).content.decode()
    assert review.number in searched


def test_policy_is_read_by_officers_and_changed_by_the_principal(yuxi, login, client, persona):
    client = login("zhangsan")
    html = client.get(reverse("review:policy")).content.decode()
    assert "较大数额罚款（公民，元，达到即须审核）" in html and "保存设置" not in html
    assert client.post(reverse("review:policy"), {"fine_citizen": "1"}).status_code == 403
    client.force_login(persona("juzhang"))
    post = {
        "review_all_penalties": "on",
        "review_major_licences": "on",
        "fine_citizen": "20000",
        "fine_organization": "200000",
        "confiscation_citizen": "10000",
        "confiscation_organization": "100000",
        "staff_ratio_percent": "6",
    }
    refused = client.post(reverse("review:policy"), {**post, "staff_ratio_percent": "120"})
    assert refused.status_code == 400 and "不能超过100" in refused.content.decode()
    assert client.post(reverse("review:policy"), post).status_code == 302
    policy = Policy.objects.get(agency=yuxi)
    assert str(policy.fine_citizen) == "20000.00" and policy.updated_by == persona("juzhang")


def test_wangwu_of_hongta_never_sees_a_city_review(at_review, login, client, persona):
    review = _submitted(login("zhangsan"), at_review)
    client.force_login(persona("wangwu"))
    assert client.get(reverse("review:detail", args=[review.pk])).status_code == 403
    assert client.get(reverse("review:case_reviews", args=[at_review.pk])).status_code == 403
    assert review.number not in client.get(reverse("review:register")).content.decode()
    assert review.number not in client.get(reverse("review:submissions")).content.decode()


def test_lists_queue_submissions_and_nav(at_review, login, client, persona):
    review = _submitted(login("zhangsan"), at_review)
    submissions = client.get(reverse("review:submissions")).content.decode()
    assert review.number in submissions and "待审核" in submissions
    client.force_login(persona("lisi"))
    queue = client.get(reverse("review:queue")).content.decode()
    assert review.number in queue and "届满" in queue
    assert 'href="/review/"' in queue  # the 法制审核 entry of the main navigation
    case_page = client.get(reverse("cases:detail", args=[at_review.pk])).content.decode()
    assert reverse("review:case_reviews", args=[at_review.pk]) in case_page  # the case's 法制审核 tab


def test_workbench_due_yellow_then_red_returned_and_approvals(at_review, login, client, persona, today):
    review = _submitted(login("zhangsan"), at_review)
    lisi = persona("lisi")
    assert review.clock is not None
    due = review.clock.due_on
    today(due - timedelta(days=1))  # Thursday before a Friday due day: 1 working day left
    todos, warnings = workbench.items(lisi)
    assert any(t.url == reverse("review:detail", args=[review.pk]) for t in todos)
    assert [w.level for w in warnings] == ["yellow"]
    today(due + timedelta(days=3))
    _todos, warnings = workbench.items(lisi)
    assert [w.level for w in warnings] == ["red"] and "已逾期" in warnings[0].detail

    today(due)
    client.force_login(lisi)
    client.post(reverse("review:extension", args=[review.pk]), {"days": "3", "reason": "疑难复杂"})
    todos, _ = workbench.items(persona("fenguan"))
    assert any("审批延长审核期限" in t.title for t in todos)
    client.post(
        reverse("review:opinion", args=[review.pk]),
        _opinion_post(review, conclusion="problem", action="revise", bad="documents"),
    )
    todos, _ = workbench.items(persona("zhangsan"))
    assert any(t.url == reverse("review:resubmit", args=[review.pk]) for t in todos)


def test_a_case_before_its_review_step_offers_no_submission_and_is_refused(case_world, login):
    from cases.tests.factories import make_case

    case = make_case(case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general")
    client = login("zhangsan")
    tab = client.get(reverse("review:case_reviews", args=[case.pk])).content.decode()
    assert reverse("review:submit", args=[case.pk]) not in tab
    assert "办理至“法制审核”环节后可在此报送" in tab and 'id="gate-status"' in tab
    response = client.post(reverse("review:submit", args=[case.pk]), _submit_post(case))
    assert response.status_code == 400
    assert "案件须处于“法制审核”环节" in response.content.decode()
    assert not Review.objects.filter(case=case).exists()


def test_the_reviewer_assigns_a_qualified_reviewer(at_review, login, client, persona):
    review = _submitted(login("zhangsan"), at_review)
    lisi = persona("lisi")
    client.force_login(lisi)
    html = client.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert f'<option value="{lisi.pk}"' in html  # 李四 holds 法律职业资格 and did not investigate
    assert f'<option value="{persona("zhangsan").pk}"' not in html
    bad = client.post(reverse("review:assign", args=[review.pk]), {"reviewer": str(persona("zhangsan").pk)})
    assert bad.status_code == 400
    assert (
        client.post(reverse("review:assign", args=[review.pk]), {"reviewer": str(lisi.pk)}).status_code == 302
    )
    review.refresh_from_db()
    assert review.reviewer == lisi and review.assigned_at is not None
    # 张三 (the 承办人) gets no 审核 form and may not post one.
    client.force_login(persona("zhangsan"))
    assert "出具审核意见" not in client.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert client.post(reverse("review:opinion", args=[review.pk]), {}).status_code == 403
