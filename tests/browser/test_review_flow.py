"""重大执法决定法制审核 and 集体讨论 in chromium (issue #5 Quality): 张三 submits with a missing material (refused, the
list shown, nothing typed lost), completes it; 李四 returns it (存在问题 · 修改); 张三 answers and resubmits; 李四 asks
for 3 more working days and 周副局长 approves; 李四 gives 同意; a decision marked 情节复杂 is refused until the 集体讨论
is recorded and signed by 吴局长; then the decision is recorded.

The case is brought to its 法制审核 step by ``review.tests.factories.case_at_review`` (the 一般程序 steps before it are
covered by test_case_penalty_flow); everything from the 送审 on goes through the pages.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, screenshot

pytestmark = pytest.mark.browser

POINTS = (
    "subject",
    "qualification",
    "procedure",
    "facts",
    "evidence",
    "law",
    "discretion",
    "documents",
    "crime",
)
FACTS = "当事人某律师事务所未按规定履行管理职责，致使本所律师违规执业。"
DRAFT = "行政处罚决定书（代拟稿）：经查，当事人疏于管理，决定对当事人处以罚款人民币伍仟元整。"


def _switch(page: Page, sign_in, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username)


def _submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def _opinion(
    page: Page, *, conclusion: str, bad: str = "", note: str = "", action: str = "", reasons: str
) -> None:
    form = page.locator("form.sx-opinion")
    if bad:
        for code in POINTS:
            form.locator(f"input[name=ok_{code}][value='{'0' if code == bad else '1'}']").check()
    else:  # static/review/review.js ticks 无问题 on every point
        form.get_by_role("button", name="逐项标为无问题").click()
        for code in POINTS:
            expect(form.locator(f"input[name=ok_{code}][value='1']")).to_be_checked()
    if bad:
        form.locator(f"input[name=note_{bad}]").fill(note)
    form.get_by_role("group", name="审核结论").get_by_label(conclusion, exact=True).check()
    if action:
        form.get_by_label("处理意见（存在问题时填写）").select_option(label=action)
    form.get_by_label("审核意见及理由").fill(reasons)
    with page.expect_navigation():
        form.get_by_role("button", name="出具法制审核意见书").click()


def _decide(page: Page, live, case_pk: int) -> None:
    page.goto(live.url(f"/cases/{case_pk}/"))
    decision = page.locator("form[action$='/decision/']")
    decision.get_by_label("处理结果").select_option("penalty")
    decision.get_by_label("罚款", exact=True).check()
    decision.get_by_label("罚款金额（元）").fill("5000")
    decision.get_by_label(re.compile("^情节复杂或重大违法")).check()
    with page.expect_navigation():
        decision.get_by_role("button", name="记录决定").click()


def test_a_review_from_a_refused_submission_to_the_decision(page, page_errors, live, sign_in, case_world):
    from cases.models import Case
    from review.models import CollectiveDiscussion, Extension, Review
    from review.tests import factories

    factories.qualified_reviewer(case_world)
    case = factories.case_at_review(case_world, on=timezone.localdate() - timedelta(days=1))

    # 张三 opens the case's 法制审核 tab and submits without the 决定书代拟稿: refused, the list shown, input kept.
    sign_in(page, "zhangsan")
    page.goto(live.url(f"/cases/{case.pk}/"))
    with page.expect_navigation():
        page.get_by_role("navigation", name="案件页面").get_by_role("link", name="法制审核").click()
    expect(page.locator("#gate-status")).to_contain_text("第五十八条")
    with page.expect_navigation():
        page.get_by_role("link", name="报送法制审核").click()
    form = page.locator("form.sx-review-submit")
    expect(form.get_by_label("调查终结报告", exact=False).first).to_be_checked()
    expect(form.locator("label.sx-hash").first).to_contain_text("SHA-256")
    form.get_by_label("违法事实或申请事项（拟作出决定的事实）").fill(FACTS)
    form.get_by_label("法律依据").fill("《中华人民共和国律师法》第五十条第一款第五项")
    form.get_by_label("适用的裁量基准档次及理由").fill("一般情节，适用裁量基准第二档")
    form.get_by_label("拟处理结果").select_option("penalty")
    form.get_by_label("罚款", exact=True).check()
    form.get_by_label("拟罚款金额（元）").fill("5000")
    _submit(page, "报送法制审核")
    expect(page.locator("#submit-errors")).to_contain_text("决定书代拟稿")
    expect(form.get_by_label("违法事实或申请事项（拟作出决定的事实）")).to_have_value(FACTS)
    expect(form.get_by_label("拟罚款金额（元）")).to_have_value("5000")
    expect(form.get_by_label("罚款", exact=True)).to_be_checked()
    assert not Review.objects.filter(case=case).exists()
    form.get_by_label("决定书代拟稿").fill(DRAFT)
    _submit(page, "报送法制审核")
    expect(page.locator("body")).to_contain_text("已报送法制审核")
    review = Review.objects.get(case=case)
    detail = live.url(f"/review/{review.pk}/")

    # 李四 finds it in his queue and returns it: 存在问题 · 修改.
    _switch(page, sign_in, "lisi")
    page.goto(live.url("/review/"))
    with page.expect_navigation():
        page.get_by_role("row", name=re.compile(review.number)).get_by_role("link", name="审核").click()
    _opinion(
        page,
        conclusion="存在问题",
        bad="discretion",
        note="裁量档次与情节不符",
        action="修改",
        reasons="裁量理由不充分，请修改情况说明和决定书代拟稿。",
    )
    expect(page.locator("body")).to_contain_text("已出具法制审核意见书")
    expect(page.locator("h1 + .badge, .badge").filter(has_text="退回修改").first).to_be_visible()

    # 张三 answers and resubmits; round 1 stays on the record.
    _switch(page, sign_in, "zhangsan")
    page.goto(detail)
    with page.expect_navigation():
        page.get_by_role("link", name="答复并重新送审").click()
    form = page.locator("form.sx-review-submit")
    expect(form.get_by_label("决定书代拟稿")).to_have_value(DRAFT)
    form.get_by_label("对审核意见的处理说明").fill("已按意见修改裁量理由和决定书代拟稿。")
    form.get_by_label("适用的裁量基准档次及理由").fill("情节一般，无从轻从重情形，适用第二档罚款五千元")
    _submit(page, "重新送审")
    expect(page.locator("#round-2")).to_contain_text("已按意见修改裁量理由")
    expect(page.locator("#opinion-1")).to_contain_text("裁量档次与情节不符")

    # 李四 asks for 3 more working days (疑难复杂); 周副局长 approves on his approvals page.
    _switch(page, sign_in, "lisi")
    page.goto(detail)
    page.get_by_text("申请延长审核期限（疑难复杂）").click()
    page.get_by_label("延长工作日").fill("3")
    page.get_by_label("延长理由").fill("案情疑难复杂，涉及多个法律关系")
    _submit(page, "报分管领导审批")
    expect(page.locator(".sx-extension")).to_contain_text("待审批")
    _switch(page, sign_in, "fenguan")
    page.goto(live.url("/review/approvals/"))
    approval = page.locator("form.sx-decide").first
    approval.get_by_label("同意延长").check()
    approval.get_by_label("审批说明").fill("同意延长三个工作日")
    with page.expect_navigation():
        approval.get_by_role("button", name="提交审批").click()
    ext = Extension.objects.get(review=review)
    assert ext.state == Extension.State.APPROVED and ext.decided_by is not None
    page.goto(detail)
    expect(page.locator(".sx-extension")).to_contain_text("周副局长")

    # 李四 gives 同意; the case moves on to its decision.
    _switch(page, sign_in, "lisi")
    page.goto(detail)
    _opinion(page, conclusion="同意", reasons="事实清楚，证据充分，适用法律正确，裁量适当，同意。")
    expect(page.locator("body")).to_contain_text("审核通过")
    expect(page.locator("#opinion-2 a", has_text="PDF")).to_be_visible()

    # The decision marked 情节复杂 is refused before a signed 集体讨论 (Art.57).
    _switch(page, sign_in, "fenguan")
    _decide(page, live, case.pk)
    expect(page.locator("form[action$='/decision/']")).to_contain_text("集体讨论")
    case.refresh_from_db()
    assert not case.outcome

    # 张三 records the 集体讨论; 吴局长 signs it.
    _switch(page, sign_in, "zhangsan")
    page.goto(live.url(f"/review/case/{case.pk}/"))
    with page.expect_navigation():
        page.get_by_role("link", name="记录集体讨论").click()
    page.get_by_label("地点").fill("局三楼会议室")
    page.get_by_label("主持人").fill("吴局长")
    page.get_by_label("记录人").fill("张三")
    page.get_by_label("出席人员").fill("吴局长 局长\n周副局长 副局长\n陈科长 律师工作管理科科长")
    page.get_by_label("讨论意见").fill("与会人员一致认为事实清楚、证据充分，拟处罚适当。")
    page.get_by_label("讨论结论").fill("同意对当事人处以罚款五千元。")
    _submit(page, "保存记录")
    expect(page.locator(".sx-discussion")).to_contain_text("待负责人签名")
    _switch(page, sign_in, "juzhang")
    page.goto(live.url(f"/review/case/{case.pk}/"))
    _submit(page, "签名")
    expect(page.locator(".sx-discussion")).to_contain_text("吴局长 已签名")
    assert CollectiveDiscussion.objects.get(case=case).document is not None
    expect(page.locator("#gate-status")).to_contain_text("可以作出决定")

    # Now the decision is allowed.
    _decide(page, live, case.pk)
    expect(page.locator("body")).to_contain_text("已记录处理决定")
    case.refresh_from_db()
    assert case.outcome == "penalty" and case.is_complex and case.fine_amount == 5000
    assert Case.objects.get(pk=case.pk).current_step == "decide"
    page.goto(detail)
    screenshot(page, "review-detail")
    # The two refusals answer 400 on purpose (the page with the message); nothing else may fail.
    assert [e for e in page_errors if "status of 400" not in e] == []
    assert len(page_errors) == 2


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_the_review_record_fits_a_phone(page, page_errors, live, sign_in, case_world):
    from review.tests import factories

    factories.qualified_reviewer(case_world)
    case = factories.case_at_review(case_world, on=timezone.localdate() - timedelta(days=1))
    review = factories.approved_review(case_world, case, on=timezone.localdate())
    sign_in(page, "lisi")
    for path in (f"/review/{review.pk}/", "/review/register/", f"/review/case/{case.pk}/"):
        page.goto(live.url(path))
        expect(page.locator("h1").first).to_be_visible()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{path} 页面横向溢出 {width}px"
    screenshot(page, "review-case-tab-phone")
    assert page_errors == []
