"""The procedure page in headless chromium on a phone: the 流程图 fits the screen, no CSP errors."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_legal_review_flowchart_on_a_phone(page, page_errors, live, sign_in):
    sign_in(page, "lisi")
    page.goto(live.url("/manage/catalog/processes/legal_review/"))
    chart = page.locator("svg.sx-flowchart")
    chart.wait_for()
    box = chart.bounding_box()
    assert box is not None and 0 < box["width"] <= 375
    assert page.get_by_text("承办科室研究处理审核意见").count() >= 1  # table row
    assert page.locator("svg.sx-flowchart text", has_text="法制审核").count() >= 1
    screenshot(page, "process-legal-review-phone")
    assert page_errors == []
