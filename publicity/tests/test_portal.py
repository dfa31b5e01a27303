"""The public portal and open-data API: search, filters, paging, downloads, 执法证 verification and QR,
photos and 示范文本, version history, the three lists (regulations.md §2.2, §9; issue #3 item 7).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import segno
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from publicity import actions, flow
from publicity import public as pub
from publicity.tests import factories as f
from publicity.views import COLUMNS

ITEMS = reverse("portal:column", args=["shixiang"])


def _text(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8")


@pytest.fixture
def catalogue(yuxi):
    f.item("530400-CF-001", name="对律师事务所疏于管理的行政处罚")
    f.item("530400-XK-001", category="行政许可", name="律师事务所设立许可")
    f.item(
        "530400-JC-001",
        category="行政检查",
        name="对公证机构的行政检查",
        department="公共法律服务管理科",
        legal_bases=[
            {
                "law": "中华人民共和国公证法",
                "article": "第五条",
                "text": "司法行政部门依法对公证机构进行监督、指导。",
            }
        ],
    )
    f.item(
        "530402-CF-009",
        "红司",
        name="对基层法律服务工作者的行政处罚",
        legal_bases=[{"law": "基层法律服务工作者管理办法", "article": "第五十五条", "text": "……"}],
    )
    return yuxi


# --- search and filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "codes"),
    [
        ("律师事务所", ["530400-CF-001", "530400-XK-001"]),  # name, Chinese substring
        ("XK-001", ["530400-XK-001"]),  # 事项编码
        ("xk-001", ["530400-XK-001"]),  # case-insensitive code
        ("基层法律服务工作者管理办法", ["530402-CF-009"]),  # 法律依据
        ("第五十条", ["530400-CF-001", "530400-XK-001"]),  # article
        ("不存在的事项", []),
    ],
)
def test_search_is_a_chinese_substring_over_name_code_and_basis(client, catalogue, q, codes):
    found = client.get("/api/v1/public/items", {"q": q}).json()
    assert sorted(r["code"] for r in found["results"]) == sorted(codes)
    page = client.get(ITEMS, {"q": q}).content.decode()
    for code in codes:
        assert code in page


def test_filters_by_bureau_category_and_department(client, catalogue):
    hongta = f.agency("红司").pk
    assert [r["code"] for r in client.get("/api/v1/public/items", {"agency": hongta}).json()["results"]] == [
        "530402-CF-009"
    ]
    licensing = client.get("/api/v1/public/items", {"category": "行政许可"}).json()
    assert [r["code"] for r in licensing["results"]] == ["530400-XK-001"]
    dept = client.get("/api/v1/public/items", {"department": "公共法律服务管理科"}).json()
    assert [r["code"] for r in dept["results"]] == ["530400-JC-001"]
    both = client.get("/api/v1/public/items", {"category": "行政处罚", "q": "律师"}).json()
    assert [r["code"] for r in both["results"]] == ["530400-CF-001"]
    # an unknown category is ignored rather than matching nothing by accident
    assert client.get("/api/v1/public/items", {"category": "乱填"}).json()["count"] == 4


def test_home_has_search_box_and_category_tiles_with_counts(client, catalogue):
    page = client.get(reverse("portal:home")).content.decode()
    assert f'action="{ITEMS}"' in page and 'name="q"' in page
    assert "共 4 项已公示事项" in page
    assert (
        "?category=%E8%A1%8C%E6%94%BF%E8%AE%B8%E5%8F%AF" in page
    )  # 行政许可 tile links to the filtered list


def test_pagination_counts_without_join_and_caches_the_count(client, yuxi):
    for i in range(45):
        f.item(f"530400-CF-{i:03d}", name=f"行政处罚事项{i}")
    with CaptureQueriesContext(connection) as first:
        response = client.get(ITEMS, {"page": 3})
    assert "第 3 / 3 页，共 45 条" in response.content.decode()
    counts = [q["sql"] for q in first.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("JOIN" not in sql.upper() for sql in counts)
    with CaptureQueriesContext(connection) as second:
        client.get(ITEMS, {"page": 2})
    assert not [q for q in second.captured_queries if "COUNT(" in q["sql"].upper()]
    f.item("530400-CF-999", name="新公布事项")  # a new publication refreshes the cached count
    assert "共 46 条" in client.get(ITEMS).content.decode()


def test_item_list_renders_cards_and_no_inline_script_or_style(client, catalogue):
    for url in (reverse("portal:home"), ITEMS, reverse("portal:column", args=["choucha"])):
        body = client.get(url).content.decode()
        assert 'style="' not in body and "<script>" not in body


# --- downloads -------------------------------------------------------------------------------------------


def test_csv_download_is_excel_utf8_with_exactly_the_filtered_rows(client, yuxi):
    for i in range(25):  # more than one page
        f.item(f"530400-CF-{i:03d}", name=f"律师行政处罚{i}")
    f.item("530400-XK-001", category="行政许可", name="律师事务所设立许可")
    response = client.get(ITEMS, {"category": "行政处罚", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["事项编码", "事项名称", "事项类别"]
    assert len(rows) == 26 and {r[2] for r in rows[1:]} == {"行政处罚"}


def test_json_download_matches_the_filter_and_declares_only_list_fields(client, catalogue):
    response = client.get(ITEMS, {"q": "律师事务所", "format": "json"})
    data = json.loads(_text(response))
    assert sorted(r["code"] for r in data) == ["530400-CF-001", "530400-XK-001"]
    assert set(data[0]) == {f for f, _h in pub.ITEM_COLUMNS}


# --- 执法证 verification ----------------------------------------------------------------------------------


def test_verify_valid_certificate_returns_only_the_allowed_fields(client, yuxi):
    f.officer("YN0401001", leaky=True)
    data = client.get("/api/v1/public/officers/verify", {"number": " YN0401001 "}).json()
    assert set(data) == {"valid", "status", "status_label", "name", "unit", "categories", "area", "message"}
    assert data["valid"] is True and data["status_label"] == "有效" and data["name"] == "张三"
    assert data["unit"] == "玉溪市司法局律师工作管理科"
    assert data["categories"] == ["行政处罚", "行政检查"]


def test_verify_unknown_number(client, yuxi):
    data = client.get("/api/v1/public/officers/verify", {"number": "NOPE"}).json()
    assert data["valid"] is False and data["message"] == "未查询到该执法证号"
    page = client.get(reverse("portal:verify"), {"number": "NOPE"}).content.decode()
    assert "未查询到该执法证号" in page


def test_verify_last_day_valid_next_day_expired_in_shanghai(client, yuxi, monkeypatch):
    """有效期至 is inclusive; "today" is Asia/Shanghai: 16:30 UTC on the 29th is already the 30th there."""
    f.officer("YN1", valid_until="2026-11-29")
    monkeypatch.setattr(pub.timezone, "now", lambda: datetime(2026, 11, 29, 15, 59, tzinfo=UTC))
    assert client.get("/api/v1/public/officers/verify", {"number": "YN1"}).json()["status"] == "valid"
    monkeypatch.setattr(pub.timezone, "now", lambda: datetime(2026, 11, 29, 16, 30, tzinfo=UTC))
    data = client.get("/api/v1/public/officers/verify", {"number": "YN1"}).json()
    assert (data["valid"], data["status"], data["status_label"]) == (False, "expired", "已过期")


@pytest.mark.parametrize(("status", "label"), [("suspended", "暂扣"), ("revoked", "注销")])
def test_verify_suspended_or_revoked_is_not_valid(client, yuxi, status, label):
    f.officer("YN2", status=status)
    data = client.get("/api/v1/public/officers/verify", {"number": "YN2"}).json()
    assert (data["valid"], data["status_label"]) == (False, label)
    assert f"该执法证已{label}" in data["message"]


def test_republished_status_wins_and_withdrawn_officer_is_unknown(client, yuxi, persona):
    f.officer("YN3")
    f.officer("YN3", status="suspended")
    assert client.get("/api/v1/public/officers/verify", {"number": "YN3"}).json()["status"] == "suspended"
    live = pub.live_officer("YN3")
    assert live is not None
    actions.withdraw(persona("gongshi"), live, "人员调离执法岗位")
    assert client.get("/api/v1/public/officers/verify", {"number": "YN3"}).json()["valid"] is False
    assert client.get(reverse("portal:officer_detail", args=["YN3"])).status_code == 404


def test_verification_lookup_is_a_single_indexed_query(yuxi, django_assert_max_num_queries):
    f.officer("YN4")
    with django_assert_max_num_queries(2):  # the lookup (+ at most the cached agency map)
        pub.verification("YN4")


def test_qr_code_encodes_the_absolute_verification_url(client, yuxi):
    f.officer("YN0401001")
    response = client.get(reverse("portal:officer_qr", args=["YN0401001"]))
    assert response["Content-Type"] == "image/svg+xml" and "max-age" in response["Cache-Control"]
    expected = segno.make("http://testserver/yanzheng/?number=YN0401001", error="m")
    buffer = io.BytesIO()
    expected.save(
        buffer, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title="执法证号 YN0401001 核验"
    )
    assert response.content == buffer.getvalue()
    assert client.get(reverse("portal:officer_qr", args=["UNKNOWN"])).status_code == 404


def test_qr_url_respects_proxy_and_public_url_settings(client, yuxi, settings):
    f.officer("YN0401001")
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["zfgs.yuxi.gov.cn", "testserver"]
    page = client.get(
        reverse("portal:officer_detail", args=["YN0401001"]),
        HTTP_HOST="zfgs.yuxi.gov.cn",
        HTTP_X_FORWARDED_PROTO="https",
    ).content.decode()
    assert "https://zfgs.yuxi.gov.cn/yanzheng/?number=YN0401001" in page
    settings.SANXIANG_PUBLIC_URL = "https://gs.example.gov.cn/"
    page = client.get(reverse("portal:officer_detail", args=["YN0401001"])).content.decode()
    assert "https://gs.example.gov.cn/yanzheng/?number=YN0401001" in page


# --- photos and 示范文本 ------------------------------------------------------------------------------------


def test_photo_served_only_from_a_live_officer_payload(client, yuxi, media, persona):
    (media / "p").mkdir()
    (media / "p" / "zs.jpg").write_bytes(b"\xff\xd8\xff\xe0jpeg")
    (media / "p" / "secret.txt").write_bytes(b"internal")
    f.officer("YN5", photo="p/zs.jpg")
    response = client.get(reverse("portal:officer_photo", args=["YN5"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff\xe0jpeg"
    assert "public" in response["Cache-Control"]
    f.officer("YN6", photo="p/secret.txt")  # not an image type
    f.officer("YN7", photo="../../etc/passwd.jpg")  # outside the storage
    f.officer("YN8", photo="")
    for number in ("YN6", "YN7", "YN8", "UNKNOWN"):
        assert client.get(reverse("portal:officer_photo", args=[number])).status_code == 404
    live = pub.live_officer("YN5")
    assert live is not None
    actions.withdraw(persona("gongshi"), live, "人员调离执法岗位")
    assert client.get(reverse("portal:officer_photo", args=["YN5"])).status_code == 404


def test_material_sample_download(client, yuxi, media):
    (media / "s").mkdir()
    (media / "s" / "a.docx").write_bytes(b"PK\x03\x04docx")
    item = f.item("530400-XK-001", category="行政许可", name="律师事务所设立许可")
    item.payload["guide"]["materials"][0]["sample"] = "s/a.docx"
    item.save(update_fields=["payload"])
    url = reverse("portal:item_sample", args=[item.agency_id, item.key, 0])
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert "officedocument" in response["Content-Type"]
    assert client.get(reverse("portal:item_sample", args=[item.agency_id, item.key, 1])).status_code == 404
    assert client.get(reverse("portal:item_sample", args=[item.agency_id, item.key, 9])).status_code == 404
    detail = client.get(reverse("portal:item_detail", args=[item.agency_id, item.key])).content.decode()
    assert url in detail
    api = client.get(f"/api/v1/public/items/{item.agency_id}/{item.key}").json()
    assert api["guide"]["materials"][0]["sample_url"].endswith(url)
    assert "sample" not in api["guide"]["materials"][0]  # the storage name is not published


# --- details, history, flowcharts, lists ----------------------------------------------------------------


def test_subject_history_lists_every_version_with_dates(client, yuxi):
    f.subject(change_note="首次公告")
    f.subject(head="新局长", change_note="负责人变更")
    page = client.get(reverse("portal:subject_detail", args=[yuxi.pk])).content.decode()
    assert "新局长" in page and "第2版" in page and "第1版" in page
    assert "被新版本替代" in page and "负责人变更" in page and "首次公告" in page
    old = client.get(reverse("portal:subject_detail", args=[yuxi.pk]), {"version": 1}).content.decode()
    assert "吴局长" in old and "历史版本" in old


def test_item_detail_shows_every_section(client, yuxi):
    item = f.item("530400-CF-001")
    page = client.get(reverse("portal:item_detail", args=[item.agency_id, item.key])).content.decode()
    for text in (
        "《中华人民共和国律师法》第五十条",
        "裁量基准",
        "停业整顿1至6个月",
        "音像记录",
        "重大执法决定",
        "版本记录",
    ):
        assert text in page
    if flow.available():
        assert reverse("portal:flowchart", args=["penalty_general"]) in page


def test_flowchart_placeholder_when_render_is_unavailable(client, yuxi, monkeypatch):
    item = f.item("530400-CF-001")
    monkeypatch.setattr(flow, "available", lambda: False)
    page = client.get(reverse("portal:item_detail", args=[item.agency_id, item.key])).content.decode()
    assert "流程图正在编制" in page
    assert client.get(reverse("portal:flowchart", args=["licensing"])).status_code == 404
    assert client.get("/api/v1/public/flowcharts").json()[0]["svg_url"] is None


@pytest.mark.skipif(not flow.available(), reason="catalog.flowchart not yet written")
def test_flowchart_svg_served(client, yuxi):
    response = client.get(reverse("portal:flowchart", args=["legal_review"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in response.content
    assert client.get(reverse("portal:flowchart", args=["nope"])).status_code == 404


def test_unknown_column_is_404(client, yuxi):
    assert client.get(reverse("portal:column", args=["nope"])).status_code == 404


def test_inspection_list_has_the_regulation_columns(client, catalogue):
    response = client.get(reverse("portal:column", args=["choucha"]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(_text(response).lstrip("\ufeff"))))
    assert rows[0] == ["序号", "检查项目", "检查子项", "检查主体", "检查依据", "检查方式", "检查内容", "备注"]
    assert rows[1][:3] == ["1", "对公证机构的行政检查", "执业活动检查"]
    assert rows[1][4] == "《中华人民共和国公证法》第五条"
    assert rows[1][3] == "玉溪市司法局（公共法律服务管理科）"
    assert len(rows) == 2


def test_major_and_av_lists_come_from_live_items(client, catalogue, persona):
    f.item("530400-CF-002", name="非重大事项", is_major=False, av_duties=[])
    major = client.get("/api/v1/public/lists/major").json()
    assert "非重大事项" not in {r["name"] for r in major} and len(major) == 4
    av = client.get("/api/v1/public/lists/av").json()
    assert len(av) == 8 and av[0]["seq"] == 1 and av[0]["step"] == "现场检查"  # 4 items × 2 duties
    actions.withdraw(
        persona("gongshi"), pub.live(pub.Kind.ITEM).get(key="530400-CF-001"), "事项调整，停止公示"
    )
    assert len(client.get("/api/v1/public/lists/av").json()) == 6


def test_officer_list_filters_by_agency_and_category(client, yuxi):
    f.officer("YN10", categories=["行政许可"], name="甲")
    f.officer("YN11", "红司", name="乙")
    listing = client.get("/api/v1/public/officers", {"category": "行政许可"}).json()
    assert [o["name"] for o in listing["results"]] == ["甲"]
    hongta = client.get("/api/v1/public/officers", {"agency": f.agency("红司").pk}).json()
    assert [o["certificate_number"] for o in hongta["results"]] == ["YN11"]
    page = client.get(reverse("portal:column", args=["renyuan"]), {"q": "乙"}).content.decode()
    assert "YN11" in page and "YN10" not in page


def test_officer_status_on_list_uses_today(yuxi):
    yesterday = (pub.today() - timedelta(days=1)).isoformat()
    row = pub.officer_row(f.officer("YN12", valid_until=yesterday))
    assert row["status"] == "expired"
    assert pub.officer_status({"valid_until": "not a date", "status": "valid"}, date(2026, 1, 1)) == "expired"


def test_demo_content_only_reports(yuxi):
    from publicity import demo_content

    f.item("530400-JC-001", category="行政检查", name="对公证机构的行政检查")
    out = io.StringIO()
    before = pub.Publication.objects.count()
    demo_content.load(out)
    assert pub.Publication.objects.count() == before
    assert "执法事项 1 项" in out.getvalue() and "随机抽查事项 1 项" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm index exists on PostgreSQL only")
def test_trigram_index_serves_a_rare_search_on_postgresql(yuxi):
    for i in range(30):
        f.item(f"530400-CF-{i:03d}", name=f"行政处罚事项{i}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'publication_search_trgm'")
        (indexdef,) = cursor.fetchone()
        assert "gin" in indexdef and "upper(search_text) gin_trgm_ops" in indexdef
        cursor.execute("ANALYZE publicity_publication")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        # exactly the condition the portal's ItemFilter adds (search_text__icontains), compiled by Django
        sql, params = (
            pub.Publication.objects.filter(search_text__icontains="事项17")
            .order_by()
            .only("id")
            .query.sql_with_params()
        )
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(r[0] for r in cursor.fetchall())
    assert "publication_search_trgm" in plan


def test_every_portal_page_has_the_column_navigation(client, yuxi):
    page = client.get(reverse("portal:column", args=["zhuti"])).content.decode()
    for slug, title, _d in COLUMNS:
        assert f'href="{reverse("portal:column", args=[slug])}"' in page and title in page
    assert 'aria-current="page">执法主体' in page
