"""The whole 事项 review cycle in chromium (issue #3 Quality; seed 二(一)3):

a 科室 user submits an item, the 监督科 returns it with a comment, the 科室 fixes and resubmits, the 监督科
publishes, and the public finds it on the portal by search and sees its flowchart.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NAME = "对律师事务所疏于管理的行政处罚"
FIXED = "对律师事务所疏于管理、未履行监督职责的行政处罚"


def test_item_is_submitted_returned_fixed_published_and_found_by_the_public(
    page, page_errors, live, sign_in, persona
):
    from catalog.models import Item
    from catalog.tests.factories import make_item, penalty

    item = make_item(persona("kezhang"), live.bureau, penalty(code="YXSFJ-CF-901", name=NAME))

    # 科室 (陈科长) submits the draft from its detail page.
    sign_in(page, "kezhang")
    page.goto(live.url(f"/manage/catalog/items/{item.pk}/"))
    page.get_by_role("button", name="报送审核").click()
    expect(page.locator("body")).to_contain_text("待审核")

    # 监督科 (公示审核员) returns it with a comment.
    page.context.clear_cookies()
    sign_in(page, "gongshi")
    page.goto(live.url(f"/manage/catalog/items/{item.pk}/review/"))
    page.get_by_label("退回意见").fill("事项名称请写明未履行监督职责的情形")
    with page.expect_navigation():
        page.get_by_role("button", name="退回", exact=True).click()
    item.refresh_from_db()
    assert item.state == "returned"

    # The 科室 sees the comment, fixes the name and resubmits in one go.
    page.context.clear_cookies()
    sign_in(page, "kezhang")
    page.goto(live.url(f"/manage/catalog/items/{item.pk}/"))
    expect(page.locator("body")).to_contain_text("事项名称请写明未履行监督职责的情形")
    page.goto(live.url(f"/manage/catalog/items/{item.pk}/edit/"))
    page.get_by_label("事项名称").fill(FIXED)
    page.get_by_role("button", name="保存并报送审核").click()
    expect(page.locator("body")).to_contain_text("待审核")

    # 监督科 publishes.
    page.context.clear_cookies()
    sign_in(page, "gongshi")
    page.goto(live.url(f"/manage/catalog/items/{item.pk}/review/"))
    with page.expect_navigation():
        page.get_by_role("button", name="审核通过，发布").click()
    assert Item.objects.get(pk=item.pk).state == "published"

    # The public searches the portal and opens the item with its flowchart.
    page.context.clear_cookies()
    page.goto(live.url("/"))
    search = page.get_by_role("searchbox").first
    search.fill("未履行监督职责")
    search.press("Enter")
    page.get_by_role("link", name=FIXED).first.click()
    expect(page.locator("h1")).to_contain_text(FIXED)
    flowchart = page.locator("img.sx-flowchart")
    expect(flowchart).to_be_visible()
    # The SVG is drawn by Graphviz on first request; wait until the browser has decoded it.
    page.wait_for_function(
        "() => { const i = document.querySelector('img.sx-flowchart'); return i.complete && i.naturalWidth > 0; }"
    )
    svg = page.request.get(live.url(flowchart.get_attribute("src") or ""))
    assert svg.ok and "立案" in svg.text()
    assert page_errors == []
