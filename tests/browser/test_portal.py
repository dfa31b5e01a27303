"""The public portal on a phone: every 三项制度 column, no sideways scrolling, no script or CSP errors."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot

pytestmark = pytest.mark.browser

# The portal's columns (国办发〔2018〕118号 事前/事后公开; seed 二(一)).
COLUMNS = [
    "执法主体",
    "执法人员",
    "执法事项",
    "执法流程",
    "执法结果",
    "年度数据",
    "重大执法决定目录",
    "音像记录清单",
]


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["375x667"])
def test_portal_home_on_a_phone_shows_every_column_without_sideways_scrolling(page, page_errors, live):
    page.goto(live.url("/"))

    main = page.locator("main")
    for title in COLUMNS:
        expect(main.get_by_role("link", name=title, exact=True)).to_be_visible()
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, (
        f"页面横向溢出 / horizontal overflow: {scroll_width}px > {inner_width}px"
    )
    screenshot(page, "portal-home-phone")
    assert page_errors == []
