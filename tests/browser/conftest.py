"""Playwright fixtures: one headless Debian chromium per session, a fresh context (cookies, viewport) per test.

Never ``playwright install``: the tests drive ``/usr/bin/chromium`` from the Debian package ``chromium``, which
``make test`` installs. Without it the browser tests are skipped, except under ``make`` / CI
(``SANXIANG_REQUIRE_BROWSER=1``), where they fail. Mark browser tests ``@pytest.mark.browser``.

A test that wants a phone-sized page parametrizes the ``page`` fixture::

    @pytest.mark.parametrize("page", [PHONE], indirect=True)
    def test_on_a_phone(page, live): ...

Screenshots for humans (not compared) go to var/screenshots/: portal-home.png and workbench.png (test_login),
portal-home-phone.png (test_portal).

``live`` is pytest-django's ``live_server`` (which makes the test transactional, so the server thread sees
the rows) with the 玉溪 demo structure and users loaded (the root conftest's ``yuxi``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from core.models import Agency

CHROMIUM = "/usr/bin/chromium"
# Headless, as root, on a closed network: without the background-networking flags chromium keeps trying
# to reach Google's hosts and fills the log with refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 375, "height": 667},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
TIMEOUT_MS = 10_000


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG to var/screenshots/<name>.png (under SANXIANG_VAR_DIR when set) for humans."""
    from django.conf import settings

    folder = Path(settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 5_000, f"截图为空 / empty screenshot {path}"
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} 不存在：apt-get install chromium（或运行 make test）/ Debian chromium is not installed"
        if os.environ.get("SANXIANG_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a new browser context: desktop 1280×800 unless parametrized (indirect) with e.g. PHONE."""
    options: dict[str, Any] = {**DESKTOP, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
    options.update(getattr(request, "param", None) or {})
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page_errors(page: Page) -> list[str]:
    """Uncaught script errors and console errors (CSP violations show up here) seen by ``page``."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    return errors


@dataclass
class Live:
    """The running site: ``live.url("/accounts/login/")``; ``bureau`` is the 玉溪市司法局."""

    base_url: str
    bureau: Agency

    def url(self, path: str = "/") -> str:
        return self.base_url.rstrip("/") + path


@pytest.fixture
def live(live_server: Any, yuxi: Agency) -> Live:
    return Live(live_server.url, yuxi)


@pytest.fixture
def sign_in(live: Live, password: str) -> Callable[..., None]:
    """Fill in and submit the login form: ``sign_in(page, "zhangsan")`` (demo password unless given)."""

    def submit(page: Page, username: str, secret: str | None = None) -> None:
        if not page.url.startswith(live.url("/accounts/login/")):
            page.goto(live.url("/accounts/login/"))
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password if secret is None else secret)
        # Wait only until the answer is committed: locators and expect() wait for what they need, and waiting
        # for Bootstrap's CSS and scripts to load costs a few tenths of a second per submit.
        with page.expect_navigation(wait_until="commit"):
            page.get_by_role("button", name="登录", exact=True).click()

    return submit
