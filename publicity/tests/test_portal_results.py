"""事后公开 on the portal and in open data (issue #6 item 6): 执法结果 search/detail, 撤回公告, 年度数据 with charts.

Publications are made here directly through publicity.actions.publish (as the 公示审核员 孙公示) in the shapes the
results pipeline (publicity.results) and the annual reports (publicity.annual_actions.payload_for) write.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from publicity import actions
from publicity import public as pub
from publicity.models import Kind, Publication
from publicity.tests import factories as f

RESULTS = reverse("portal:results")
WITHDRAWALS = reverse("portal:result_withdrawals")
ANNUALS = reverse("portal:annual_list")
API = "/api/v1/public"


# --- factories ---------------------------------------------------------------------------------------------


def decision(
    *,
    doc_number: str = "玉司罚决〔2026〕1号",
    short_name: str = "玉司",
    party: str = "玉溪明理律师事务所",
    party_kind: str = "法人或其他组织",
    category: str = "行政处罚",
    decided_on: str = "2026-03-02",
    case_number: str | None = None,
    expires_on: date | None = None,
    **overrides: Any,
) -> Publication:
    """A decision publication with the payload keys of contracts6.md (publicity.results writes the same)."""
    agency = f.agency(short_name)
    payload: dict[str, Any] = {
        "doc_number": doc_number,
        "agency_name": agency.name,
        "party": party,
        "party_kind": party_kind,
        "category": category,
        "facts": "该所未按规定对执业律师进行执业活动监督，疏于管理。",
        "basis": "《中华人民共和国律师法》第五十条第一款第六项",
        "result": "警告，并处罚款人民币伍仟元",
        "decided_on": decided_on,
        "procedure": "一般程序",
        "penalty_types": ["警告", "罚款"] if category == "行政处罚" else [],
        "fine_amount": "5000.00" if category == "行政处罚" else None,
        "confiscation_amount": None,
        "case_number": case_number or doc_number.replace("罚决", "案"),
    }
    payload.update(overrides)
    publication = actions.publish(
        f.publisher(),
        kind=Kind.DECISION,
        agency_id=agency.pk,
        key=payload["case_number"],
        title=f"{payload['doc_number']} {payload['party']}",
        payload=payload,
        source=agency,
        category=category,
        search_text=" ".join(
            str(payload.get(k) or "") for k in ("doc_number", "party", "agency_name", "category", "facts")
        ),
    )
    publication.expires_on = expires_on if expires_on is not None else date(2031, 3, 2)
    publication.save(update_fields=["expires_on"])
    return publication


def _table(code: str, rows: list[tuple[str, dict[str, Any], bool]]) -> dict[str, Any]:
    from publicity.annual import TABLES, add_values, zero_values

    spec = TABLES[code]
    total = zero_values(code)
    out = []
    for department, values, manual in rows:
        full = zero_values(code)
        add_values(full, values)
        add_values(total, full)
        out.append(
            {
                "agency": "",
                "department": department,
                "values": full,
                "manual": manual,
                "note": "手工填报" if manual else "",
            }
        )
    return {
        "label": spec.label,
        "columns": [{"code": c, "label": label} for c, label in spec.columns],
        "from_platform": spec.from_platform,
        "rows": out,
        "total": total,
        "manual": any(m for _d, _v, m in rows),
        "statement": ""
        if rows or spec.from_platform
        else "本平台不办理该类行政执法，数据须手工填报；未填报的按0计",
    }


def annual(
    year: int = 2026, short_name: str = "玉司", *, city: bool = False, narrative: str = ""
) -> Publication:
    """An annual publication shaped like publicity.annual_actions.payload_for (key f"{year}" or f"{year}-city")."""
    from publicity.annual import EXTENDED, PENALTY_ORDER, PENALTY_ORDER_SOURCE, TABLES

    agency = f.agency(short_name)
    units = ["玉溪市司法局", "红塔区司法局"] if city else ["律师工作管理科", "公共法律服务管理科"]
    tables = {code: _table(code, []) for code in TABLES}
    tables["licensing"] = _table(
        "licensing",
        [
            (units[0], {"applied": 12, "accepted": 11, "granted": 10, "refused": 1}, False),
            (units[1], {"granted": 3}, False),
        ],
    )
    tables["penalty"] = _table(
        "penalty",
        [
            (units[0], {"warning": 2, "fine": 3, "total": 5, "amount": "15000.00"}, False),
            (units[1], {"revoke_license": 1, "total": 1, "amount": "0.00"}, False),
        ],
    )
    tables["inspection"] = _table("inspection", [(units[0], {"inspections": 40, "problems": 6}, False)])
    tables["coercion"] = _table("coercion", [(units[1], {"seize": 2}, True)])
    extended = {c: 0 for c, _ in EXTENDED}
    extended.update({"simple": 2, "general": 4, "reviewed": 3, "corrected": 1})
    payload = {
        "year": year,
        "agencies": [{"id": agency.pk, "name": agency.name}],
        "group": "agency" if city else "department",
        "tables": tables,
        "extended": extended,
        "extended_columns": [{"code": c, "label": label} for c, label in EXTENDED],
        "extended_rows": [{"agency": agency.name, "department": units[0], "values": extended}],
        "manual_tables": ["coercion"],
        "penalty_order": [label for _c, label, _ in PENALTY_ORDER],
        "penalty_order_source": PENALTY_ORDER_SOURCE,
        "scope": "city" if city else "agency",
        "agency_name": agency.name,
        "narrative": narrative or f"{year}年，本机关依法履行行政执法职责，行政许可13件，行政处罚6宗。",
        "manual_mark": "手工填报",
    }
    return actions.publish(
        f.publisher(),
        kind=Kind.ANNUAL,
        agency_id=agency.pk,
        key=f"{year}-city" if city else f"{year}",
        title=f"{agency.name}{year}年度行政执法数据",
        payload=payload,
        source=agency,
        category="年度数据",
        search_text=f"{agency.name} {year}年度行政执法数据",
    )


# --- helpers -----------------------------------------------------------------------------------------------


def _text(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8")


def _csv(response) -> list[list[str]]:
    text = _text(response)
    assert text.startswith("\ufeff"), "CSV for Excel starts with a BOM"
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def results(yuxi):
    """Three live decisions of the 市司法局 and one of 红塔区, plus one withdrawn and one expired."""
    made = {
        "fine": decision(),
        "licence": decision(
            doc_number="玉司许〔2026〕8号",
            party="云南和信公证事务所",
            category="行政许可",
            decided_on="2026-05-20",
            result="准予许可",
            facts="申请设立分支机构，材料齐全，符合法定条件。",
            basis="《公证机构执业管理办法》第十条",
        ),
        "citizen": decision(
            doc_number="玉司罚决〔2026〕7号",
            party="李某",
            party_kind="自然人",
            decided_on="2026-08-11",
            facts="基层法律服务工作者以律师名义执业。",
        ),
        "hongta": decision(
            doc_number="红司罚决〔2026〕3号",
            short_name="红司",
            party="红塔区信达法律服务所",
            decided_on="2026-06-30",
        ),
        "withdrawn": decision(
            doc_number="玉司罚决〔2026〕4号", party="玉溪正平律师事务所", decided_on="2026-04-01"
        ),
        "expired": decision(
            doc_number="玉司罚决〔2024〕9号",
            party="玉溪旧案律师事务所",
            decided_on="2024-01-05",
            expires_on=pub.today() - timedelta(days=1),
        ),
    }
    made["withdrawn"] = actions.withdraw(
        f.publisher(),
        made["withdrawn"],
        "该处罚决定经行政复议被撤销（玉政复决〔2026〕15号），依法撤回原公示。",
    )
    return made


# --- 执法结果 list and search ---------------------------------------------------------------------------------


def test_nav_columns_lead_to_the_new_pages_not_the_placeholder(client, yuxi):
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:column", args=["jieguo"]) == RESULTS
    assert f'href="{RESULTS}"' in home and f'href="{ANNUALS}"' in home
    page = client.get(RESULTS).content.decode()
    assert "本栏目将在后续版本公开" not in page
    assert "执法结果公示" in page and 'aria-current="page">执法结果<' in page
    annual_page = client.get(ANNUALS).content.decode()
    assert "尚未公开年度数据" in annual_page and 'aria-current="page">年度数据<' in annual_page


def test_list_shows_only_current_decisions(client, results):
    page = client.get(RESULTS).content.decode()
    assert "共 4 条" in page
    for doc in ("玉司罚决〔2026〕1号", "玉司许〔2026〕8号", "玉司罚决〔2026〕7号", "红司罚决〔2026〕3号"):
        assert doc in page
    assert "玉司罚决〔2026〕4号" not in page, "a withdrawn decision leaves the list"
    assert "玉司罚决〔2024〕9号" not in page, "an expired decision leaves the list"
    # newest publication first
    assert page.index("红司罚决〔2026〕3号") < page.index("玉司罚决〔2026〕1号")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"doc": "〔2026〕7号"}, {"玉司罚决〔2026〕7号"}),
        ({"doc": "玉司许"}, {"玉司许〔2026〕8号"}),
        ({"party": "李某"}, {"玉司罚决〔2026〕7号"}),
        ({"party": "律师事务所"}, {"玉司罚决〔2026〕1号"}),
        ({"q": "公证"}, {"玉司许〔2026〕8号"}),
        ({"category": "行政许可"}, {"玉司许〔2026〕8号"}),
        ({"category": "行政处罚"}, {"玉司罚决〔2026〕1号", "玉司罚决〔2026〕7号", "红司罚决〔2026〕3号"}),
        ({"agency": "红司"}, {"红司罚决〔2026〕3号"}),
        ({"date_from": "2026-05-01", "date_to": "2026-06-30"}, {"玉司许〔2026〕8号", "红司罚决〔2026〕3号"}),
        ({"date_from": "2026-08-01"}, {"玉司罚决〔2026〕7号"}),
        ({"date_to": "2026-03-02", "category": "行政处罚"}, {"玉司罚决〔2026〕1号"}),
        ({"party": "律师", "agency": "红司"}, set()),
    ],
)
def test_search_by_number_party_time_category_agency(client, results, query, expected):
    if "agency" in query:
        query = {**query, "agency": str(f.agency(query["agency"]).pk)}
    data = client.get(f"{API}/decisions", query).json()
    assert {r["doc_number"] for r in data["results"]} == expected
    assert data["count"] == len(expected)
    page = client.get(RESULTS, query).content.decode()
    assert f"共 {len(expected)} 条" in page
    for doc in expected:
        assert doc in page


def test_a_number_fragment_does_not_match_the_facts(client, results):
    """文号 searches the 文号 and 对象, not the case facts (the keyword box searches everything)."""
    assert client.get(f"{API}/decisions", {"doc": "执业"}).json()["count"] == 0
    assert client.get(f"{API}/decisions", {"q": "执业"}).json()["count"] == 3


def test_bad_filters_are_ignored_not_errors(client, results):
    page = client.get(RESULTS, {"category": "胡乱", "date_from": "2026-13-40", "agency": "x", "page": "abc"})
    assert page.status_code == 200
    assert "共 4 条" in page.content.decode()


def test_paging_with_a_cached_count(client, yuxi):
    for i in range(1, 24):
        decision(doc_number=f"玉司罚决〔2026〕{100 + i}号", party=f"玉溪第{i}律师事务所")
    first = client.get(RESULTS).content.decode()
    assert "第 1 / 2 页，共 23 条" in first
    assert first.count('class="card mb-2"') == 20
    second = client.get(RESULTS, {"page": 2}).content.decode()
    assert second.count('class="card mb-2"') == 3
    assert "玉司罚决〔2026〕101号" in second, "the oldest publication is on the last page"
    api = client.get(f"{API}/decisions", {"page": 3, "page_size": 10}).json()
    assert api["count"] == 23 and len(api["results"]) == 3


def test_list_queries_do_not_grow_with_the_page(client, yuxi):
    for i in range(1, 6):
        decision(doc_number=f"玉司罚决〔2026〕{i}号", party=f"第{i}所")
    client.get(RESULTS)  # warm the agency-name cache
    with CaptureQueriesContext(connection) as few:
        client.get(RESULTS, {"party": "所"})
    for i in range(6, 20):
        decision(doc_number=f"玉司罚决〔2026〕{i}号", party=f"第{i}所")
    client.get(RESULTS)
    with CaptureQueriesContext(connection) as many:
        client.get(RESULTS, {"party": "第"})
    assert len(many) <= len(few)


def test_withdrawing_takes_the_decision_off_the_list_at_once(client, results):
    assert "玉司罚决〔2026〕1号" in client.get(RESULTS).content.decode()
    actions.withdraw(f.publisher(), results["fine"], "该处罚决定经行政诉讼被判决撤销，依法撤回原公示。")
    page = client.get(RESULTS).content.decode()
    assert "玉司罚决〔2026〕1号" not in page and "共 3 条" in page
    assert client.get(f"{API}/decisions").json()["count"] == 3


# --- detail and versions --------------------------------------------------------------------------------------


def test_detail_shows_the_public_fields(client, results):
    p = results["fine"]
    page = client.get(reverse("portal:result_detail", args=[p.pk])).content.decode()
    for text in (
        "玉司罚决〔2026〕1号",
        "玉溪市司法局",
        "玉溪明理律师事务所",
        "法人或其他组织",
        "行政处罚",
        "疏于管理",
        "《中华人民共和国律师法》第五十条",
        "警告，并处罚款人民币伍仟元",
        "2026-03-02",
        "5000.00 元",
        "至 2031-03-02",
        "第四十八条",
    ):
        assert text in page, text
    assert "玉司案〔2026〕1号" not in page, "the internal case number is not shown"


@pytest.mark.parametrize("which", ["withdrawn", "expired"])
def test_withdrawn_and_expired_details_are_gone(client, results, which):
    pk = results[which].pk
    assert client.get(reverse("portal:result_detail", args=[pk])).status_code == 404
    response = client.get(f"{API}/decisions/{pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_other_kinds_are_not_decisions(client, yuxi):
    item = f.item()
    assert client.get(reverse("portal:result_detail", args=[item.pk])).status_code == 404
    assert client.get(f"{API}/decisions/{item.pk}").status_code == 404


def test_a_corrected_decision_keeps_its_history(client, results):
    """变更: the old version is withdrawn with a notice, the corrected one published as the next version."""
    old = results["fine"]
    actions.withdraw(f.publisher(), old, "该处罚决定经行政复议变更罚款数额，依法撤回并重新公示。")
    new = decision(result="警告，并处罚款人民币贰仟元", fine_amount="2000.00")
    assert new.version == 2
    response = client.get(reverse("portal:result_detail", args=[old.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "portal:result_detail", args=[new.pk]
    )
    page = client.get(reverse("portal:result_detail", args=[new.pk])).content.decode()
    assert "2000.00 元" in page and "5000.00 元" not in page
    assert "版本记录" in page and "依法撤回并重新公示" in page
    # the withdrawn version is never shown again, not even as an old version
    assert client.get(reverse("portal:result_detail", args=[new.pk]), {"version": 1}).status_code == 404
    api = client.get(f"{API}/decisions/{new.pk}").json()
    assert api["version"] == 2 and api["fine_amount"] == "2000.00"
    # and the withdrawal stays in the 撤回公告
    assert "依法撤回并重新公示" in client.get(WITHDRAWALS).content.decode()


def test_an_older_published_version_is_shown_on_request(client, yuxi):
    first = decision(result="警告")
    second = decision(result="警告，并处罚款人民币伍仟元")
    page = client.get(reverse("portal:result_detail", args=[second.pk]), {"version": 1}).content.decode()
    assert "历史版本" in page and "警告" in page and "伍仟元" not in page
    assert client.get(reverse("portal:result_detail", args=[first.pk]))["Location"].endswith(f"/{second.pk}/")
    assert client.get(reverse("portal:result_detail", args=[second.pk]), {"version": 9}).status_code == 404


# --- 撤回公告 ----------------------------------------------------------------------------------------------------


def test_withdrawal_notices_show_number_agency_dates_and_reason_only(client, results):
    page = client.get(WITHDRAWALS).content.decode()
    assert "玉司罚决〔2026〕4号" in page and "玉溪市司法局" in page and "2026-04-01" in page
    assert "经行政复议被撤销（玉政复决〔2026〕15号）" in page
    assert pub.today().isoformat() in page, "the withdrawal date"
    assert "玉溪正平律师事务所" not in page, "nothing from the payload beyond 文号/机关/日期"
    assert "疏于管理" not in page
    assert "玉司罚决〔2026〕1号" not in page, "live decisions are not withdrawal notices"
    assert f'href="{WITHDRAWALS}"' in client.get(RESULTS).content.decode()
    data = client.get(f"{API}/withdrawals").json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["doc_number"] == "玉司罚决〔2026〕4号" and row["withdrawn_on"] == pub.today().isoformat()
    assert (
        "party" not in row and "facts" not in row and "玉溪正平" not in json.dumps(data, ensure_ascii=False)
    )
    rows = _csv(client.get(f"{API}/withdrawals", {"format": "csv"}))
    assert rows[0] == ["决定书文号", "执法机关", "执法类别", "决定日期", "撤回日期", "撤回理由"]
    assert rows[1][0] == "玉司罚决〔2026〕4号"


def test_a_withdrawal_notice_leaves_with_the_display_period(client, results):
    p = Publication.objects.get(pk=results["withdrawn"].pk)
    p.expires_on = pub.today() - timedelta(days=1)
    p.save(update_fields=["expires_on"])
    assert "暂无撤回公告" in client.get(WITHDRAWALS).content.decode()


# --- downloads and open data -----------------------------------------------------------------------------------


def test_portal_csv_is_the_filtered_rows_for_excel(client, results):
    rows = _csv(client.get(RESULTS, {"category": "行政处罚", "format": "csv"}))
    assert rows[0][:3] == ["决定书文号", "执法机关", "执法对象"]
    assert sorted(r[0] for r in rows[1:]) == [
        "玉司罚决〔2026〕1号",
        "玉司罚决〔2026〕7号",
        "红司罚决〔2026〕3号",
    ]
    fine = next(r for r in rows if r[0] == "玉司罚决〔2026〕1号")
    assert "警告、罚款" in fine and "5000.00" in fine
    data = json.loads(_text(client.get(RESULTS, {"party": "李某", "format": "json"})))
    assert [d["doc_number"] for d in data] == ["玉司罚决〔2026〕7号"]


def test_open_data_decisions_json_and_csv(client, results):
    data = client.get(f"{API}/decisions", {"category": "行政许可"}).json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["doc_number"] == "玉司许〔2026〕8号" and row["party"] == "云南和信公证事务所"
    assert row["url"].startswith("http") and row["url"].endswith(
        reverse("portal:result_detail", args=[row["id"]])
    )
    assert set(row) == {
        "id",
        "url",
        "doc_number",
        "agency_id",
        "agency_name",
        "party",
        "party_kind",
        "category",
        "decided_on",
        "result",
        "published_on",
    }
    detail = client.get(f"{API}/decisions/{row['id']}").json()
    assert detail["basis"] == "《公证机构执业管理办法》第十条" and detail["expires_on"] == "2031-03-02"
    assert "case_number" not in detail
    response = client.get(f"{API}/decisions", {"format": "csv", "party": "律师"})
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert [r[0] for r in rows[1:]] == ["玉司罚决〔2026〕1号"]
    assert client.get(f"{API}/decisions", {"format": "xml"}).status_code == 422


def test_open_data_is_documented_in_chinese(client, yuxi):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/public/decisions",
        "/api/v1/public/decisions/{id}",
        "/api/v1/public/withdrawals",
        "/api/v1/public/annual-reports",
        "/api/v1/public/annual-reports/{year}",
    ):
        op = paths[path]["get"]
        assert re.search(r"[\u4e00-\u9fff]", op["summary"]) and re.search(
            r"[\u4e00-\u9fff]", op["description"]
        )
        assert "公开数据" in op["tags"]
    assert "UTF-8 带 BOM" in paths["/api/v1/public/decisions"]["get"]["description"]


def test_open_data_needs_no_sign_in_and_leaks_no_leaked_keys(client, yuxi):
    p = decision(id_number=f.ID_NUMBER, mobile=f.MOBILE, home_address="红塔区某小区3栋")
    body = json.dumps(client.get(f"{API}/decisions/{p.pk}").json(), ensure_ascii=False)
    body += _text(client.get(f"{API}/decisions", {"format": "csv"}))
    body += client.get(reverse("portal:result_detail", args=[p.pk])).content.decode()
    assert f.ID_NUMBER not in body and f.MOBILE not in body and "某小区" not in body


# --- 年度数据 ---------------------------------------------------------------------------------------------------


@pytest.fixture
def reports(yuxi):
    return {
        "2025": annual(2025),
        "city": annual(2026, city=True),
        "own": annual(2026),
        "hongta": annual(2026, "红司", narrative="红塔区司法局2026年度行政执法情况说明。"),
    }


def test_annual_list_keeps_every_year(client, reports):
    page = client.get(ANNUALS).content.decode()
    assert page.index("2026年度") < page.index("2025年度")
    assert reverse("portal:annual_year", args=[2026]) in page and "全市汇总" in page
    assert reverse("portal:annual_agency", args=[2026, f.agency("红司").pk]) in page
    assert reverse("portal:annual_agency", args=[2025, f.agency("玉司").pk]) in page
    refs = client.get(f"{API}/annual-reports").json()
    assert [(r["year"], r["scope"]) for r in refs][:1] == [(2026, "city")]
    assert {(r["year"], r["agency_name"], r["scope"]) for r in refs} >= {
        (2026, "玉溪市红塔区司法局", "agency"),
        (2025, "玉溪市司法局", "agency"),
    }


def test_year_page_has_tables_narrative_and_charts_without_inline_script(client, reports):
    response = client.get(reverse("portal:annual_year", args=[2026]))
    page = response.content.decode()
    assert "全市汇总" in page and "情况说明" in page
    for text in (
        "行政许可",
        "行政处罚",
        "行政强制",
        "行政征收",
        "行政征用",
        "行政检查",
        "合计（宗）",
        "15000.00",
    ):
        assert text in page, text
    assert "手工填报" in page and "含手工填报" in page, "hand-entered figures are marked"
    assert "计入最重的处罚种类" in page
    assert "本平台不办理该类行政执法" in page
    # charts: ECharts from the local vendor copy and a static file; options as JSON data attributes
    assert "/static/vendor/echarts/echarts.min.js" in page and "/static/js/portal-annual.js" in page
    assert "cdn" not in page.lower()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "no inline script (CSP)"
    assert not re.search(r"\sstyle=", page), "no inline style (CSP)"
    charts = re.findall(r'data-echarts="([^"]+)"', page)
    assert len(charts) >= 3
    import html

    options = [json.loads(html.unescape(c)) for c in charts]
    overview = options[0]
    assert overview["yAxis"]["data"][:2] == ["行政许可", "行政处罚"]
    assert overview["series"][0]["data"][:2] == [13, 6], "许可数量 and 处罚合计（宗）"
    pie = next(o for o in options if o["series"][0]["type"] == "pie")
    assert {d["name"]: d["value"] for d in pie["series"][0]["data"]} == {
        "警告": 2,
        "罚款": 3,
        "吊销许可证件": 1,
    }


def test_agency_year_page_and_switching(client, reports):
    hongta = f.agency("红司")
    page = client.get(reverse("portal:annual_agency", args=[2026, hongta.pk])).content.decode()
    assert "红塔区司法局2026年度行政执法情况说明" in page
    assert f'href="{reverse("portal:annual_year", args=[2026])}"' in page, "back to the city total"
    assert "律师工作管理科" in page, "rows per 科室 for one agency"
    assert client.get(reverse("portal:annual_agency", args=[2024, hongta.pk])).status_code == 404
    assert client.get(reverse("portal:annual_agency", args=[2025, hongta.pk])).status_code == 404


def test_a_year_without_city_total_lists_the_agencies(client, yuxi):
    annual(2027, "红司")
    page = client.get(reverse("portal:annual_year", args=[2027])).content.decode()
    assert "全市汇总数据尚未公开" in page and "红塔区司法局" in page
    assert client.get(reverse("portal:annual_year", args=[2030])).status_code == 404
    assert client.get(f"{API}/annual-reports/2030").status_code == 404


def test_annual_open_data_json_and_csv(client, reports):
    data = client.get(f"{API}/annual-reports/2026").json()
    assert data["year"] == 2026
    assert data["reports"][0]["scope"] == "city"
    assert len(data["reports"]) == 3
    city = data["reports"][0]
    penalty = next(t for t in city["tables"] if t["code"] == "penalty")
    assert (
        penalty["label"] == "行政处罚"
        and penalty["total"]["total"] == 6
        and penalty["total"]["amount"] == "15000.00"
    )
    coercion = next(t for t in city["tables"] if t["code"] == "coercion")
    assert coercion["manual"] is True and coercion["rows"][0]["manual"] is True
    assert {e["code"]: e["value"] for e in city["extended"]}["reviewed"] == 3
    one = client.get(f"{API}/annual-reports/2026", {"agency": f.agency("红司").pk}).json()
    assert [r["agency_name"] for r in one["reports"]] == ["玉溪市红塔区司法局"]
    rows = _csv(client.get(f"{API}/annual-reports/2026", {"format": "csv"}))
    assert rows[0] == ["年度", "机关", "范围", "统计表", "科室或机关", "指标", "数值", "手工填报"]
    assert ["2026", "玉溪市司法局", "全市汇总", "行政处罚", "合计", "合计（宗）", "6", "否"] in rows
    assert any(r[3] == "行政强制" and r[7] == "是" for r in rows[1:])
    page_csv = _csv(client.get(reverse("portal:annual_year", args=[2026]), {"format": "csv"}))
    assert page_csv[0] == rows[0] and {r[2] for r in page_csv[1:]} == {"全市汇总"}


def test_a_withdrawn_annual_report_leaves_the_portal(client, reports):
    actions.withdraw(f.publisher(), reports["hongta"], "数据填报有误，更正后重新公开。")
    assert client.get(reverse("portal:annual_agency", args=[2026, f.agency("红司").pk])).status_code == 404
    assert "红塔区司法局" not in client.get(ANNUALS).content.decode()


def test_the_home_page_links_the_new_columns(client, yuxi):
    page = client.get(reverse("portal:home")).content.decode()
    assert f'action="{RESULTS}"' in page, "a 执法结果 search on the home page"
    assert f'href="{WITHDRAWALS}"' in page
