"""A full 行政处罚一般程序 in chromium (issue #4 Quality): 张三 registers the case, the 科长 approves 立案, the
officers investigate with an 音像记录 uploaded through the chunked uploader, the 文书 are issued from their
templates, the 法制审核员 reviews, the 分管领导 decides, the decision is served and carried out, and 结案 produces a
downloadable 电子案卷 PDF carrying the case number.

Every step goes through the pages (no action is called from the test); the only thing the test does itself is what
``manage.py db_worker`` does in production: run the queued 电子案卷 job.
"""

from __future__ import annotations

import io
import math
import re
import struct
import wave
from collections.abc import Sequence
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, screenshot

pytestmark = pytest.mark.browser

TITLE = "玉溪某某律师事务所疏于管理案"
ID_NUMBER = "530402198805060014"


def _wav(path: Path) -> Path:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", int(6000 * math.sin(i / 3))) for i in range(8000)))
    path.write_bytes(buffer.getvalue())
    return path


def _switch(page: Page, sign_in, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username)


def _advance(page: Page, live, case_pk: int, choice: str, *, officers: Sequence[str] = ()) -> None:
    page.goto(live.url(f"/cases/{case_pk}/"))
    form = page.locator("form.sx-advance")
    form.get_by_label(re.compile(f"^{choice}")).check()
    for name in officers:
        form.get_by_label(name, exact=True).check()
        form.get_by_label(f"{name}已出示执法证件").check()
        form.get_by_label(f"{name}已告知权利").check()
    with page.expect_navigation():
        form.get_by_role("button", name="办结本环节").click()
    expect(page.locator(".alert-danger")).to_have_count(0)


def _document(page: Page, live, case_pk: int, doc_type: str, fields: dict[str, str]) -> None:
    page.goto(live.url(f"/cases/{case_pk}/documents/new/{doc_type}/"))
    form = page.locator("form.sx-document-form")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        form.get_by_role("button", name="保存草稿").click()
    with page.expect_navigation():
        page.get_by_role("button", name="签发").click()
    expect(page.locator("body")).to_contain_text("已签发")


def _upload(page: Page, live, case_pk: int, path: Path, title: str, *, purpose: str, kind: str) -> None:
    page.goto(live.url(f"/evidence/case/{case_pk}/upload/"))
    form = page.locator("form[data-evidence-upload]")
    form.locator("input[type=file]").set_input_files(str(path))
    form.locator("[name=kind]").select_option(kind)
    form.locator("[name=purpose]").select_option(purpose)
    form.locator("[name=title]").fill(title)
    with page.expect_navigation(url="**/evidence/item/**"):
        form.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator("body")).to_contain_text(title)


def test_a_general_penalty_case_from_registration_to_dossier(
    page, page_errors, live, sign_in, case_world, tmp_path
):
    from cases.models import Case
    from core.models import Job

    recording = _wav(tmp_path / "执法记录仪录音.wav")
    material = tmp_path / "意见.pdf"
    material.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    item = case_world.items["penalty_general"]
    zhangsan, zhaoliu = case_world.officers["zhangsan"].name, case_world.officers["zhaoliu"].name
    officers = [zhangsan, zhaoliu]

    # 张三 registers the case (案源登记) with the party.
    sign_in(page, "zhangsan")
    page.goto(live.url("/cases/new/"))
    page.get_by_label("执法事项").select_option(str(item.pk))
    page.get_by_label("办理程序").select_option("penalty_general")
    page.get_by_label("案由/申请事项").fill(TITLE)
    page.get_by_label("案件来源").fill("群众投诉")
    page.locator("[name=parties-0-kind]").select_option("legal_person")
    page.locator("[name=parties-0-name]").fill("玉溪某某律师事务所")
    page.locator("[name=parties-0-id_type]").select_option("居民身份证")
    page.locator("[name=parties-0-id_number]").fill(ID_NUMBER)
    page.locator("[name=parties-0-address]").fill("玉溪市红塔区演示路1号")
    with page.expect_navigation():
        page.get_by_role("button", name="登记", exact=True).click()
    case = Case.objects.get(title=TITLE)
    expect(page.locator("h1")).to_contain_text(TITLE)
    expect(page.locator("body")).to_contain_text(case.number)
    _advance(page, live, case.pk, "立案审批")
    _document(
        page,
        live,
        case.pk,
        "case_filing",
        {
            "facts": "当事人涉嫌疏于管理。",
            "handler_opinion": "符合立案条件，建议立案。",
            "officers": f"{zhangsan}、{zhaoliu}",
        },
    )

    # 科长 approves 立案.
    _switch(page, sign_in, "kezhang")
    _advance(page, live, case.pk, "调查取证")

    # 调查取证: the 音像记录 through the chunked uploader, the 询问笔录, two officers with 出示证件/告知.
    _switch(page, sign_in, "zhangsan")
    _upload(page, live, case.pk, recording, "调查取证执法记录仪录音", purpose="av_record", kind="audiovisual")
    expect(page.locator("audio, video")).to_have_count(1)
    _document(
        page,
        live,
        case.pk,
        "inquiry_record",
        {
            "started_at": "2026-11-20T09:30",
            "ended_at": "2026-11-20T10:30",
            "place": "玉溪市司法局询问室",
            "interviewee": "张某",
            "content": "问：是否建立管理制度？答：未落实。",
            "officers": f"{zhangsan}、{zhaoliu}",
            "recorder": zhaoliu,
            "identity_shown": "已出示执法证件",
            "rights_notice": "已告知陈述申辩和申请回避的权利",
        },
    )
    _advance(page, live, case.pk, "调查终结报告", officers=officers)
    _document(
        page,
        live,
        case.pk,
        "investigation_report",
        {
            "process": "立案后进行了询问。",
            "facts": "当事人疏于管理。",
            "evidence": "询问笔录、录音。",
            "basis": "《律师法》第五十条",
            "proposal": "警告并处罚款五千元。",
            "officers": f"{zhangsan}、{zhaoliu}",
        },
    )
    _switch(page, sign_in, "kezhang")
    _advance(page, live, case.pk, "事先告知")

    # 事先告知 with its recording and the 事先告知书.
    _switch(page, sign_in, "zhangsan")
    _upload(page, live, case.pk, recording, "事先告知过程录音", purpose="av_record", kind="audiovisual")
    _document(
        page,
        live,
        case.pk,
        "penalty_notice",
        {
            "facts": "当事人疏于管理。",
            "evidence": "询问笔录、录音。",
            "reason_basis": "《律师法》第五十条",
            "proposed": "警告，并处罚款五千元",
            "rights": "可在五日内陈述、申辩。",
        },
    )
    _advance(page, live, case.pk, "法制审核", officers=officers)

    # 法制审核 has its own browser flow (test_review_flow.py); here 张三 submits and 李四 agrees through the actions,
    # which issues the numbered 法制审核意见书 and moves the case on to 作出决定.
    from review import actions as review_actions
    from review.tests import factories as review_factories

    case.refresh_from_db()
    proposal = {"outcome": "penalty", "penalty_types": ["warning", "fine"], "fine_amount": "5000"}
    review = review_actions.submit(
        case_world.users["zhangsan"], case, **review_factories.submission_kwargs(case, proposal=proposal)
    )
    review_actions.give_opinion(
        review_factories.qualified_reviewer(case_world),
        review,
        round=1,
        conclusion="agree",
        checklist=review_factories.all_ok(),
        reasons="同意",
    )

    # 分管领导 decides: the decision form, the internal approval, the 决定书.
    _switch(page, sign_in, "fenguan")
    page.goto(live.url(f"/cases/{case.pk}/"))
    decision = page.locator("form[action$='/decision/']")
    decision.get_by_label("处理结果").select_option("penalty")
    decision.get_by_label("警告", exact=True).check()
    decision.get_by_label("罚款", exact=True).check()
    decision.get_by_label("罚款金额（元）").fill("5000")
    with page.expect_navigation():
        decision.get_by_role("button", name="记录决定").click()
    expect(page.locator("body")).to_contain_text("已记录处理决定")
    screenshot(page, "case-detail")
    _upload(page, live, case.pk, material, "案件处理内部审批表", purpose="other", kind="documentary")
    _document(
        page,
        live,
        case.pk,
        "penalty_decision",
        {
            "facts": "当事人疏于管理。",
            "evidence": "询问笔录、录音。",
            "penalty": "警告，并处罚款人民币五千元",
            "basis": "《律师法》第五十条",
            "performance": "自收到本决定书之日起十五日内缴纳罚款。",
        },
    )
    _advance(page, live, case.pk, "送达决定书")

    # 送达 with its recording and the 送达回证, then 履行.
    _switch(page, sign_in, "zhangsan")
    _upload(page, live, case.pk, recording, "直接送达过程录音", purpose="av_record", kind="audiovisual")
    _document(
        page,
        live,
        case.pk,
        "service_receipt",
        {
            "served_document": "行政处罚决定书",
            "recipient": "张某",
            "service_address": "玉溪市红塔区演示路1号",
            "service_method": "直接送达",
            "served_at": "2026-11-25T15:00",
            "server": f"{zhangsan}、{zhaoliu}",
        },
    )
    _advance(page, live, case.pk, "当事人履行", officers=officers)

    # 结案: the compliance sheet passes, the case closes, the 电子案卷 job runs.
    page.goto(live.url(f"/cases/{case.pk}/"))
    with page.expect_navigation():
        page.get_by_role("button", name="结案", exact=True).click()
    expect(page.locator("#close-errors")).to_have_count(0)
    # Leave the case page before touching the database from this thread: its progress script polls the live
    # server, and the SQLite test database is one connection shared by both threads.
    page.goto("about:blank")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    job = Job.objects.filter(kind="cases.dossier", params__case_id=case.pk).latest("pk")
    if job.status == Job.Status.QUEUED:  # what manage.py db_worker does
        from cases.tasks import build_dossier

        build_dossier.call(job.pk)
    page.goto(live.url(f"/cases/{case.pk}/dossier/"))
    link = page.locator("a[href*='/dossier/'][href$='/pdf/']").first
    expect(link).to_be_visible()
    response = page.request.get(live.url(link.get_attribute("href") or ""))
    assert response.ok
    body = response.body()
    assert body.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages[:3])
    assert case.number in text
    # The case page is read-only now; the list shows the case closed.
    page.goto(live.url(f"/cases/{case.pk}/"))
    expect(page.locator("body")).to_contain_text("案卷只读")
    page.goto(live.url("/cases/?status=closed"))
    expect(page.get_by_role("link", name=case.number)).to_be_visible()
    assert page_errors == []


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_the_case_list_is_cards_on_a_phone(page, page_errors, live, sign_in, case_world):
    from cases.tests.factories import make_case

    case = make_case(case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general")
    sign_in(page, "zhangsan")
    page.goto(live.url("/cases/"))
    expect(page.get_by_role("link", name=case.number)).to_be_visible()
    # On a phone the table header is hidden and each cell names its column.
    cell = page.locator("table.sx-cards td[data-label]").first
    assert cell.evaluate("e => getComputedStyle(e).display") == "block"
    assert "案件编号" in cell.evaluate("e => getComputedStyle(e, '::before').content")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"页面横向溢出 {width}px"
    screenshot(page, "case-list-phone")
    page.goto(live.url(f"/cases/{case.pk}/"))
    expect(page.locator("h1")).to_contain_text(case.title)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    assert page_errors == []
