"""年度数据 staff pages: compute, 手工填报 with errors kept, charts without inline JS, Excel export, publish and 更正."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest

from cases.models import Case
from cases.tests.factories import make_case, world
from publicity.models import AnnualReport, Kind, Publication

DETAIL = "/manage/annual/{}/2026/"


@pytest.fixture
def w(persona):
    w = world(persona)
    for types, fine in ((["fine", "suspend_license"], "5000"), (["warning"], None)):
        case = make_case(w.users["zhangsan"], w.items["penalty_general"], "penalty_general")
        Case.objects.filter(pk=case.pk).update(
            outcome="penalty",
            penalty_types=types,
            fine_amount=Decimal(fine) if fine else None,
            decided_on="2026-05-05",
        )
    return w


def test_compute_manual_entry_and_charts(w, login):
    client = login("jiandu")
    url = DETAIL.format(w.bureau.id)
    page = client.get(url).content.decode()
    assert "尚未生成该年度数据" in page
    assert client.post(url, {"action": "compute"}).status_code == 302
    page = client.get(url).content.decode()
    assert 'id="annual-chart-data" type="application/json"' in page
    assert "js/annual-charts.js" in page and "vendor/echarts/echarts.min.js" in page
    # no inline JS: every <script> has a src, except the JSON data block
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag
    assert "全市合计" in page

    # an invalid manual entry keeps the input and shows the error next to the field
    response = client.post(
        url, {"action": "manual", "table": "coercion", "values": "扣押财物=三\n", "note": "线下"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写不小于0的整数" in body and "扣押财物=三" in body
    response = client.post(
        url, {"action": "manual", "table": "coercion", "values": "扣押财物=3", "note": "线下"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "手工填报</span>" in page and "含手工填报" in page


def test_excel_export_is_styled_and_marks_manual_rows(w, login, persona):
    from publicity import annual_actions

    jiandu = persona("jiandu")
    report = annual_actions.get_or_create_report(jiandu, w.bureau.id, 2026)
    annual_actions.save_manual_entry(
        jiandu, report, table="levy", department="", values={"count": "2"}, note=""
    )
    annual_actions.save_narrative(jiandu, report, "情况说明第一段。\n第二段。")
    response = login("kezhang").get(DETAIL.format(w.bureau.id) + "export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [
        "行政许可",
        "行政处罚",
        "行政强制",
        "行政征收",
        "行政征用",
        "行政检查",
        "扩展指标",
        "情况说明",
    ]
    ws = wb["行政处罚"]
    assert "年度行政执法数据" in ws["A1"].value and ws["A1"].font.bold
    assert ws.cell(row=2, column=1).fill.fgColor.rgb.endswith("DCE6F1")
    header = [c.value for c in ws[2]]
    total_row = [c.value for c in ws[ws.max_row]]
    assert total_row[0] == "合计"
    assert total_row[header.index("合计（宗）")] == 2
    assert total_row[header.index("暂扣许可证件")] == 1
    assert total_row[header.index("罚没金额（元）")] == 5000.0
    levy = wb["行政征收"]
    assert levy.cell(row=3, column=4).value == "手工填报"
    assert wb["情况说明"]["A4"].value == "第二段。"


def test_publish_and_correct_through_the_pages(w, login, persona):
    from publicity import annual_actions

    jiandu = persona("jiandu")
    report = annual_actions.get_or_create_report(jiandu, w.hongta.id, 2026)
    client = login("hongta_jiandu")
    url = DETAIL.format(w.hongta.id)
    # publishing without a 情况说明 is refused with the reason shown
    response = client.post(url + "publish/", follow=True)
    assert "情况说明" in response.content.decode()
    assert not Publication.objects.filter(kind=Kind.ANNUAL).exists()
    client.post(url, {"action": "narrative", "narrative": "红塔区2026年度行政执法情况。"})
    client.post(url + "publish/")
    report.refresh_from_db()
    assert report.state == AnnualReport.State.PUBLISHED
    assert Publication.objects.current().filter(kind=Kind.ANNUAL, agency=w.hongta, key="2026").count() == 1
    assert not Publication.objects.filter(key="2026-city").exists()  # a county has no city total
    # 更正 needs a reason; then it can be published again as version 2
    client.post(url + "reopen/", {"reason": "短"})
    report.refresh_from_db()
    assert report.state == AnnualReport.State.PUBLISHED
    client.post(url + "reopen/", {"reason": "补录漏报的检查数据"})
    report.refresh_from_db()
    assert report.state == AnnualReport.State.DRAFT
    client.post(url + "publish/")
    assert list(
        Publication.objects.filter(kind=Kind.ANNUAL, agency=w.hongta, key="2026").values_list(
            "version", flat=True
        )
    ) == [2, 1]
    # an officer may read but not publish
    assert login("wangwu").post(url + "publish/").status_code == 403
