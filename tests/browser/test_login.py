"""Staff sign in through the real login page in chromium: the 工作台, the django-axes lockout, the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_zhangsan_signs_in_and_lands_on_the_workbench(page, page_errors, live, sign_in):
    sign_in(page, "zhangsan")

    page.wait_for_url(live.url("/workbench/"))
    expect(page.locator("h1")).to_contain_text("工作台")
    expect(page.locator("body")).to_contain_text("张三")
    screenshot(page, "workbench")
    assert page_errors == []


def test_five_wrong_passwords_lock_lisi_out_even_with_the_right_one(page, live, sign_in, password):
    sign_in(page, "lisi", "Wrong@2026-1")
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    expect(page.get_by_role("alert")).not_to_contain_text("已锁定")
    # Attempts 2-4 post the same form from the same browser context (cookies, CSRF token) without rendering
    # the page: a rendered round trip costs ~0.5 s on a 2-core machine.
    token = page.locator("input[name=csrfmiddlewaretoken]").get_attribute("value")
    for attempt in range(2, 5):
        response = page.request.post(
            live.url("/accounts/login/"),
            form={
                "csrfmiddlewaretoken": token or "",
                "username": "lisi",
                "password": f"Wrong@2026-{attempt}",
            },
        )
        assert response.status == 200 and "用户名或密码错误" in response.text()
    sign_in(page, "lisi", "Wrong@2026-5")

    sign_in(page, "lisi", password)

    # 连续 5 次失败锁定 15 分钟 (django-axes). The login page's own hint also says 锁定, so look for 已锁定.
    expect(page.get_by_role("alert").filter(has_text="已锁定")).to_contain_text("15")
    assert "/workbench/" not in page.url


def test_a_keyboard_user_reaches_the_login_form_from_the_portal(page, page_errors, live, password):
    page.goto(live.url("/"))
    expect(page.locator("main")).to_contain_text("重大执法决定目录")
    screenshot(page, "portal-home")

    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "工作人员登录":
            break
    else:
        pytest.fail("Tab 键无法到达“工作人员登录” / Tab never reached the staff login link")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    username = page.locator("input[name=username]")
    for _ in range(10):
        if page.evaluate("document.activeElement.name") == "username":
            break
        page.keyboard.press("Tab")
    expect(username).to_be_focused()

    page.keyboard.type("zhangsan")
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(live.url("/workbench/"))
    assert page_errors == []
