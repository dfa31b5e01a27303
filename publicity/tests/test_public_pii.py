"""Every public response is scanned for personal data (issue #3 Quality; regulations.md §9: 隐去身份证号码、
通信方式、银行账号). Sources deliberately leak 身份证号/手机/银行卡号 into free text and add forbidden keys;
neither the portal nor /api/v1/public/ may show them. URLs are found by walking the resolver, so a new public
URL is scanned without editing this test (an unknown URL parameter fails it until a value is given here).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from publicity import actions
from publicity.tests import factories as f
from publicity.views import COLUMNS

ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
FORBIDDEN = (
    "id_number",
    "id_card",
    "mobile",
    "birth_date",
    "legal_qualification",
    "home_address",
    "bank_account",
    "法律职业资格",
    "出生日期",
    "身份证号码",
)
SECRETS = (f.ID_NUMBER, f.MOBILE, f.BANK, "1988-01-01", "某小区")
NUMBER = "YN0401001"
OLD = "旧版名称不应再出现"
GONE = "已撤回事项不应出现"


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> list[tuple[str, str]]:
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            found += _walk(
                p.url_patterns, prefix + str(p.pattern), f"{ns}{p.namespace}:" if p.namespace else ns
            )
        elif isinstance(p, URLPattern) and p.name:
            found.append((ns + p.name, prefix + str(p.pattern)))
    return found


def public_routes() -> list[tuple[str, str]]:
    return [
        (name, route)
        for name, route in _walk(get_resolver().url_patterns)
        if name.startswith("portal:") or route.startswith("api/v1/public/")
    ]


@pytest.fixture
def published(yuxi, media, persona):
    """Subjects, officers (one with a photo), items of every category (one with a 示范文本), an old version and
    a withdrawn item — all with leaky sources."""
    (media / "photos").mkdir()
    (media / "photos" / "zs.jpg").write_bytes(b"\xff\xd8\xff\xe0fake-jpeg")
    (media / "samples").mkdir()
    (media / "samples" / "apply.docx").write_bytes(b"PK\x03\x04fake-docx")
    f.subject("玉司", leaky=True)
    f.subject("红司", leaky=True)
    f.officer(NUMBER, leaky=True, photo="photos/zs.jpg")
    f.officer("YN0402007", "红司", leaky=True, name="王五", status="suspended")
    f.item("530400-CF-001", leaky=True)
    f.item("530400-JC-001", leaky=True, category="行政检查", name="对律师事务所的行政检查")
    licensing = f.item("530400-XK-001", leaky=True, category="行政许可", name="律师事务所设立许可")
    licensing.payload["guide"]["materials"][0]["sample"] = "samples/apply.docx"
    licensing.save(update_fields=["payload"])
    f.item("530400-XK-002", leaky=True, category="行政许可", name=OLD)
    f.item("530400-XK-002", leaky=True, category="行政许可", name="律师事务所变更许可")
    gone = f.item("530400-QT-001", leaky=True, category="其他", name=GONE)
    actions.withdraw(persona("gongshi"), gone, "事项已取消，停止公示")
    # 事后公开 (issue #6): a decision whose source leaked personal data, a withdrawn one, annual reports
    from publicity.tests.test_portal_results import annual, decision

    leaky = decision(
        facts=f"当事人法定代表人（身份证号{f.ID_NUMBER}，手机{f.MOBILE}）未履行管理职责。",
        id_number=f.ID_NUMBER,
        mobile=f.MOBILE,
        bank_account=f.BANK,
    )
    withdrawn = decision(doc_number="玉司罚决〔2026〕2号", party=GONE, case_number="玉司案〔2026〕2号")
    actions.withdraw(persona("gongshi"), withdrawn, "该处罚决定经行政复议被撤销，依法撤回原公示")
    annual(2026, city=True)
    annual(2026)
    return {"agency": f.agency("玉司").pk, "decision": leaky.pk}


def _values(name: str, param: str, ctx: dict[str, Any]) -> list[Any]:
    if param == "column":
        return [slug for slug, _t, _d in COLUMNS]
    if param == "agency_id":
        return [ctx["agency"]]
    if param == "number":
        return [NUMBER]
    if param == "code":
        return ["licensing", "legal_review"] if "flowchart" in name else ["530400-XK-001", "530400-CF-001"]
    if param == "index":
        return [0]
    if param in ("pk", "id"):
        return [ctx["decision"]]
    if param == "year":
        return [2026]
    pytest.fail(f"{name}: no test value for URL parameter <{param}>; add one to _values()")


def _urls(name: str, route: str, ctx: dict[str, Any]) -> list[str]:
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    combos: list[dict[str, Any]] = [{}]
    for param in params:
        combos = [{**c, param: v} for c in combos for v in _values(name, param, ctx)]
    urls = []
    for kwargs in combos:
        base = reverse(name, kwargs=kwargs or None)
        urls.append(base)
        if not params or name == "portal:column":
            for query in (
                "format=csv",
                "format=json",
                "q=律师",
                f"number={NUMBER}",
                "number=YN0402007",
                "page=2",
            ):
                urls.append(f"{base}?{query}")
    return urls


def _body(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    text = raw.decode("utf-8", errors="replace")
    if "json" in response.get("Content-Type", ""):
        text += json.dumps(json.loads(raw.decode("utf-8-sig") or "null"), ensure_ascii=False)
    return text


def test_no_personal_data_in_any_public_response(client, published):
    scanned = 0
    routes = public_routes()
    assert len(routes) >= 20, routes
    for name, route in routes:
        for url in _urls(name, route, published):
            response = client.get(url)
            assert response.status_code in (200, 404), f"{url}: {response.status_code}"
            if response.status_code != 200:
                continue
            scanned += 1
            if response["Content-Type"].startswith(("image/jpeg", "application/vnd")):
                continue  # the stored photo / 示范文本 file itself
            body = _body(response)
            assert not ID_RE.search(body), f"{url}: ID number {ID_RE.search(body)}"
            assert not MOBILE_RE.search(body), f"{url}: mobile number {MOBILE_RE.search(body)}"
            for secret in SECRETS:
                assert secret not in body, f"{url}: {secret}"
            for key in FORBIDDEN:
                assert key not in body, f"{url}: forbidden field {key}"
            assert OLD not in body, f"{url}: a superseded version appears"
            assert GONE not in body, f"{url}: a withdrawn publication appears"
    assert scanned >= 60


def test_every_public_url_answers_for_published_records(client, published):
    """The scan above skips 404s; this makes sure each public URL really rendered something."""
    for name, route in public_routes():
        statuses = [client.get(url).status_code for url in _urls(name, route, published)]
        assert 200 in statuses, f"{name}: {statuses}"


def test_withdrawn_and_superseded_are_absent_from_current_lists_and_details(client, published):
    agency = published["agency"]
    assert client.get(reverse("portal:item_detail", args=[agency, "530400-QT-001"])).status_code == 404
    assert client.get(f"/api/v1/public/items/{agency}/530400-QT-001").status_code == 404
    assert client.get("/api/v1/public/items", {"q": OLD}).json()["count"] == 0
    assert client.get("/api/v1/public/items", {"q": "已撤回"}).json()["count"] == 0
    items = client.get("/api/v1/public/items", {"page_size": 100}).json()
    assert items["count"] == 4
    assert sorted(i["code"] for i in items["results"]) == [
        "530400-CF-001",
        "530400-JC-001",
        "530400-XK-001",
        "530400-XK-002",
    ]
    # the old version stays reachable as history, clearly marked
    old = client.get(reverse("portal:item_detail", args=[agency, "530400-XK-002"]), {"version": 1})
    assert old.status_code == 200 and "历史版本" in old.content.decode()
