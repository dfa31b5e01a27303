"""The resumable upload in a real browser: chunks with a <progress> bar, a failed chunk retried, no CSP errors."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

VIDEO = bytes(range(256)) * 1200  # 307 200 bytes: five chunks of 64 KiB


def test_chunked_upload_survives_a_failed_chunk(
    live: Any,
    page: Any,
    page_errors: list[str],
    sign_in: Any,
    persona: Any,
    evidence_tmp: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cases.tests import factories
    from evidence import views
    from evidence.models import EvidenceItem

    monkeypatch.setattr(views, "CLIENT_CHUNK_SIZE", 64 * 1024)
    world = factories.world(persona)
    case = factories.make_case(world.users["zhangsan"], world.items["penalty_general"], "penalty_general")
    failed: list[str] = []

    def flaky(route: Any) -> None:
        if "offset=131072" in route.request.url and not failed:
            failed.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/chunk/**", flaky)
    sign_in(page, "zhangsan")
    page.goto(live.url(f"/evidence/case/{case.pk}/upload/"))
    page.locator("input[type=file]").set_input_files(
        {"name": "执法记录仪.mp4", "mimeType": "video/mp4", "buffer": VIDEO}
    )
    page.locator("select[name=kind]").select_option("audiovisual")
    page.locator("input[name=device]").fill("ZFJLY-0012")
    screenshot(page, "evidence-upload")
    page.get_by_role("button", name="上传", exact=True).click()
    page.wait_for_url("**/evidence/item/*/", timeout=30_000)
    assert failed, "the flaky chunk was never sent"
    item = EvidenceItem.objects.select_related("blob").get(case=case)
    assert item.blob.sha256 == hashlib.sha256(VIDEO).hexdigest()
    assert item.blob.sm3 == hashlib.new("sm3", VIDEO).hexdigest()
    assert item.device == "ZFJLY-0012" and item.is_av
    assert page.locator("video[controls]").count() == 1
    assert page.locator("text=" + item.blob.sha256).count() == 1
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('sx-evidence-upload')).length") == 0
    )
    screenshot(page, "evidence-item")
    unexpected = [e for e in page_errors if "ERR_CONNECTION_RESET" not in e]  # the reset we caused
    assert not unexpected, unexpected
