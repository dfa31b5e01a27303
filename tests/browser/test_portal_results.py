"""事后公开 on the portal in a browser (issue #6 item 6): the 年度数据 charts draw from the local ECharts copy under
the CSP (no inline script, no script or CSP errors), and the result and annual pages fit a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot

pytestmark = pytest.mark.browser


def _no_sideways_scrolling(page) -> None:
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, (
        f"页面横向溢出 / horizontal overflow: {scroll_width}px > {inner_width}px"
    )


@pytest.mark.parametrize("page", [None, PHONE], indirect=True, ids=["desktop", "375x667"])
def test_annual_report_charts_draw_without_errors(page, page_errors, live):
    from publicity.tests.test_portal_results import annual

    annual(2026, city=True)
    annual(2026)
    page.goto(live.url("/gongshi/nianbao/2026/"))
    charts = page.locator("[data-echarts]")
    assert charts.count() >= 3
    for i in range(charts.count()):
        expect(charts.nth(i).locator("svg")).to_be_visible()
    expect(page.get_by_role("heading", name="行政处罚", exact=False).first).to_be_visible()
    if page.viewport_size and page.viewport_size["width"] < 500:
        _no_sideways_scrolling(page)
        screenshot(page, "portal-annual-phone")
    assert page_errors == []


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["375x667"])
def test_results_search_on_a_phone(page, page_errors, live):
    from publicity.tests.test_portal_results import decision

    decision()
    decision(doc_number="玉司许〔2026〕8号", party="云南和信公证事务所", category="行政许可")
    page.goto(live.url("/"))
    page.get_by_role("link", name="执法结果", exact=True).first.click()
    page.get_by_label("执法对象（当事人）").fill("和信")
    page.get_by_role("button", name="检索").click()
    expect(page.get_by_text("共 1 条")).to_be_visible()
    page.get_by_role("link", name="玉司许〔2026〕8号").click()
    expect(page.get_by_role("heading", name="玉司许〔2026〕8号")).to_be_visible()
    _no_sideways_scrolling(page)
    assert page_errors == []
