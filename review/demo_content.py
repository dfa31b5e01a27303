"""Demo 法制审核 and 集体讨论 of the 玉溪市司法局, run through ``review.actions`` with dates in the past (working days of
``core.workdays``), so every round, opinion, 法制审核意见书, extension and 集体讨论笔录 is real and audited:

(a) a review waiting in 李四's queue, due on the next working day (yellow);
(b) a review past its 5 working days (red);
(c) a 疑难复杂 review whose extension request awaits 周副局长;
(d) a 情节复杂 case: extension approved by 周副局长, 同意 within the extended period, 集体讨论 recorded and signed by
    吴局长 — the case waits at 作出决定 with nothing left to block the decision;
(e) a 情节复杂 case whose 集体讨论 record awaits 吴局长's signature;
(f) a 重大行政许可 (the item is flagged 重大 through the catalog workflow) that passed review and was granted.

The closed 一般程序 penalty of ``cases.demo_content`` goes through two rounds itself (退回修改, then 同意); the helpers
below are shared with it. All names, ID numbers and addresses are invented. Idempotent: nothing is loaded when the
demo reviews exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from cases.models import Case
from catalog.models import Item
from core import workdays
from core.models import Agency
from org.models import Officer

MAJOR_LICENSING_CRITERIA = "拟作出的律师执业许可审查意见直接关系申请人重大权益，列入重大执法决定，报送省司法厅前须经行政执法协调监督科法制审核。"


# --- working days ---------------------------------------------------------------------------------------------


def wd(day: date, n: int) -> date:
    """The n-th working day after ``day`` (《行政处罚法》第八十五条 counting)."""
    return workdays.add_workdays(day, n)


def back(day: date, n: int) -> date:
    """The working day n working days before ``day``: ``wd(back(day, n), n) == day`` when ``day`` is a working day."""
    calendar = workdays.DbCalendar()
    while n > 0:
        day -= timedelta(days=1)
        if workdays.is_workday(day, calendar):
            n -= 1
    return day


def workday_on_or_after(day: date) -> date:
    calendar = workdays.DbCalendar()
    while not workdays.is_workday(day, calendar):
        day += timedelta(days=1)
    return day


def workday_on_or_before(day: date) -> date:
    calendar = workdays.DbCalendar()
    while not workdays.is_workday(day, calendar):
        day -= timedelta(days=1)
    return day


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


# --- 送审材料, opinions ------------------------------------------------------------------------------------------


def penalty_proposal(
    types: list[str], fine: str | None, summary: str, confiscation: str | None = None
) -> dict[str, Any]:
    """拟作出的决定 as the review stores it (the decision must match it, 《行政处罚法》第五十八条)."""
    return {
        "outcome": "penalty",
        "penalty_types": types,
        "fine_amount": fine,
        "confiscation_amount": confiscation,
        "summary": summary,
    }


def _qualifications(officers: list[Officer]) -> str:
    parts = []
    for o in officers:
        cert = o.current_certificate()
        parts.append(
            f"{o.name}，行政执法证号{cert.number if cert else '（未登记）'}，执法类别{'、'.join(o.categories)}"
        )
    return "；".join(parts)


def statement(text: Any, officers: list[Officer], discretion: str) -> dict[str, str]:
    """拟作出决定的情况说明: facts, basis, 裁量基准 band applied, the officers' 执法资格 (regulations.md §8.1)."""
    return {
        "facts": text.facts,
        "basis": text.basis,
        "discretion": discretion,
        "qualifications": _qualifications(officers),
    }


def draft_decision(text: Any, *, complete: bool = True) -> str:
    """决定书代拟稿; the incomplete one lacks the 第五十九条 items (履行方式和期限、救济途径), which 李四 returns."""
    body = (
        f"经查，{text.facts}\n以上事实有{text.evidence}为证。\n"
        f"依据{text.basis}的规定，决定给予{text.proposed}。"
    )
    if complete:
        body += (
            "\n请自收到本决定书之日起十五日内到指定银行或者通过电子支付系统缴纳罚款。"
            "\n如不服本决定，可以在收到本决定书之日起六十日内向玉溪市人民政府申请行政复议，"
            "或者在六个月内依法向人民法院提起行政诉讼。"
        )
    return body


def _value(entry: Any, key: str) -> Any:
    return entry[key] if isinstance(entry, dict) else getattr(entry, key)


def materials(case: Case, *, report: Any = None) -> tuple[list[int], list[int]]:
    """(evidence ids, document ids) offered for the case's 送审材料 (``review.selectors.material_options``): every
    evidence item (linked with its hashes) and the 调查终结报告 / 听证笔录."""
    from review.selectors import material_options

    options = material_options(case)
    evidence_ids = [int(_value(e, "id")) for e in options["evidence"]]
    wanted = {"investigation_report", "hearing_record", "hearing_report"}
    document_ids = [int(_value(d, "id")) for d in options["documents"] if _value(d, "doc_type") in wanted]
    if report is not None and report.pk not in document_ids:
        document_ids.append(report.pk)
    return evidence_ids, document_ids


def submit(
    user: User,
    case: Case,
    on: date,
    text: Any,
    officers: list[Officer],
    proposal: dict[str, Any],
    report: Any,
    *,
    discretion: str,
    complete_draft: bool = True,
    grounds: list[str] | None = None,
) -> Any:
    from review import actions

    evidence_ids, document_ids = materials(case, report=report)
    review = actions.submit(
        user,
        case,
        statement=statement(text, officers, discretion),
        draft_decision=draft_decision(text, complete=complete_draft),
        proposal=proposal,
        evidence_ids=evidence_ids,
        document_ids=document_ids,
        grounds=grounds or [],
        on=on,
    )
    if review.reviewer_id is None:
        review = actions.assign(_u("lisi"), review, reviewer=_u("lisi"))
    return review


def resubmit(
    user: User, review: Any, on: date, text: Any, proposal: dict[str, Any], report: Any, *, response: str
) -> Any:
    from review import actions

    review.refresh_from_db()
    evidence_ids, document_ids = materials(review.case, report=report)
    return actions.resubmit(
        user,
        review,
        response=response,
        draft_decision=draft_decision(text, complete=True),
        proposal=proposal,
        evidence_ids=evidence_ids,
        document_ids=document_ids,
        on=on,
    )


def checklist(flagged: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Every 审核要点 answered; ``flagged`` = the points found wanting, with the note."""
    from review.rules import REVIEW_POINTS

    flagged = flagged or {}
    return {
        code: {"ok": code not in flagged, "note": flagged.get(code, "经审核无问题")}
        for code, _label in REVIEW_POINTS
    }


def opinion(
    user: User,
    review: Any,
    on: date,
    *,
    agree: bool,
    reasons: str,
    flagged: dict[str, str] | None = None,
    action: str = "revise",
) -> Any:
    from review import actions

    review.refresh_from_db()
    return actions.give_opinion(
        user,
        review,
        round=review.rounds,
        conclusion="agree" if agree else "problem",
        action="" if agree else action,
        checklist=checklist(None if agree else flagged),
        reasons=reasons,
        on=on,
    )


def move_on(r: Any, user: User, on: date, to: str) -> None:
    """After 同意 the review moves the case out of 法制审核 itself (``review.actions.give_opinion``); when it could not
    (or did not), the reviewer does it through the case workflow."""
    r.refresh()
    if r.case.current_step == "legal_review":
        r.advance(user, to, on, officers=False, note="法制审核意见：同意")


# --- the demo cases ------------------------------------------------------------------------------------------


def _u(username: str) -> User:
    return User.objects.select_related("agency").get(username=username)


def _officer(username: str) -> Officer:
    return Officer.objects.get(user__username=username)


def _penalty_item(city: Agency, phrase: str) -> Item | None:
    from cases import demo_content as cases_demo

    found = Item.objects.filter(
        agency=city, state="published", is_abolished=False, category="penalty", name__contains=phrase
    ).first()
    return found or cases_demo._item(city, "penalty")


@dataclass(frozen=True)
class PenaltyDemo:
    title: str
    party: dict[str, Any]
    phrase: str  # picks the 事项 by a phrase of its name
    text: Any  # cases.demo_content.PenaltyText
    proposal: dict[str, Any]
    discretion: str
    grounds: tuple[str, ...] = ()
    complex_case: bool = False  # 情节复杂或重大违法 (judged at 调查终结): 集体讨论 before the decision


def _firm(name: str, uscc: str) -> dict[str, Any]:
    from cases import demo_content as cases_demo

    return cases_demo._party(name, uscc, kind="legal_person", rep="陈某")


def _person(name: str, id_number: str) -> dict[str, Any]:
    from cases import demo_content as cases_demo

    return cases_demo._party(name, id_number)


def _demos() -> dict[str, PenaltyDemo]:
    from cases.demo_content import PenaltyText

    return {
        "yellow": PenaltyDemo(
            "玉溪某某律师事务所违规发布执业广告案（演示）",
            _firm("玉溪某某律师事务所（演示二）", "31530400MD0000020P"),
            "公证机构及其公证员以不正当手段",
            PenaltyText(
                facts="当事人在公众号发布含有“百分之百胜诉”等承诺内容的执业广告。",
                evidence="广告截图、询问笔录、执法记录仪录音",
                basis="《律师法》第五十条第一款第六项",
                proposed="警告，并处罚款人民币三千元",
                interviewee="陈某（律师事务所主任）",
                content="问：公众号发布的广告由谁审核？答：由本所行政人员发布，未经主任审核……",
                exhibit="公众号执业广告截图（打印件）",
            ),
            penalty_proposal(["warning", "fine"], "3000", "警告，并处罚款人民币三千元"),
            "情节较轻：首次违法并已删除广告，在法定幅度内从轻处罚（裁量基准第二档）",
        ),
        "red": PenaltyDemo(
            "律师违规收取当事人财物案（演示）",
            _person("赵某（演示）", "530402198003150042"),
            "公证机构及其公证员以不正当手段",
            PenaltyText(
                facts="当事人在代理民事案件中，未通过律师事务所私自向委托人收取费用二千元。",
                evidence="收款凭证、委托人证言、询问笔录",
                basis="《律师法》第四十八条第一项",
                proposed="警告，并没收违法所得人民币二千元",
                interviewee="赵某（律师）",
                content="问：你是否直接收取了委托人的费用？答：是，收取了二千元……",
                exhibit="收款凭证及委托人证言（复印件）",
            ),
            penalty_proposal(
                ["warning", "confiscate_income"],
                None,
                "警告，并没收违法所得人民币二千元",
                confiscation="2000",
            ),
            "情节一般：违法所得较少，已退还部分费用（裁量基准第二档）",
        ),
        "extension": PenaltyDemo(
            "律师事务所违反利益冲突规则代理案（演示）",
            _firm("玉溪某某律师事务所（演示三）", "31530400MD0000030Q"),
            "律师事务所、律师违法违规",
            PenaltyText(
                facts="当事人同时接受有利益冲突的双方当事人委托，涉及两起关联诉讼和一起仲裁。",
                evidence="委托代理合同、案件登记簿、询问笔录",
                basis="《律师法》第五十条第一款第五项",
                proposed="警告，并处罚款人民币二万元",
                interviewee="钱某（律师事务所主任）",
                content="问：两份委托合同是否经利益冲突审查？答：当时未进行审查……",
                exhibit="利益冲突双方的委托代理合同（复印件）",
            ),
            penalty_proposal(["warning", "fine"], "20000", "警告，并处罚款人民币二万元"),
            "情节较重：涉及多个关联案件（裁量基准第三档）",
            ("complex",),
        ),
        "signed": PenaltyDemo(
            "律师事务所放任律师违规执业案（演示）",
            _firm("玉溪某某律师事务所（演示四）", "31530400MD0000040R"),
            "律师事务所、律师违法违规",
            PenaltyText(
                facts="当事人放任本所三名律师以不正当手段承揽业务，涉及多名委托人，造成较大社会影响。",
                evidence="投诉材料、委托合同、收费票据、询问笔录",
                basis="《律师法》第五十条第一款第三项",
                proposed="停业整顿一个月，并处罚款人民币三万元",
                interviewee="孙某（律师事务所主任）",
                content="问：本所对律师承揽业务是否有管理制度？答：有制度但未执行……",
                exhibit="投诉材料、委托合同及收费票据（复印件）",
            ),
            penalty_proposal(["suspend_business", "fine"], "30000", "停业整顿一个月，并处罚款人民币三万元"),
            "情节严重：多名律师、多名委托人，造成较大社会影响（裁量基准第三档）",
            ("complex", "social_impact"),
            complex_case=True,
        ),
        "unsigned": PenaltyDemo(
            "律师私自接受委托并收取费用案（演示）",
            _person("周某（演示）", "53040219901122005X"),
            "律师事务所、律师违法违规",
            PenaltyText(
                facts="当事人私自接受委托、收取费用八千元，并在代理中与对方当事人恶意串通。",
                evidence="收款记录、聊天记录、委托人陈述、询问笔录",
                basis="《律师法》第四十八条第一项、第四十九条第一款第二项",
                proposed="停止执业三个月，并没收违法所得人民币八千元",
                interviewee="周某（律师）",
                content="问：你是否与对方当事人有联系？答：有过几次通话……",
                exhibit="收款记录及聊天记录（打印件）",
            ),
            penalty_proposal(
                ["suspend_license", "confiscate_income"],
                None,
                "停止执业三个月，并没收违法所得人民币八千元",
                confiscation="8000",
            ),
            "情节严重：私自收费并与对方当事人串通（裁量基准第三档）",
            ("complex", "major_rights"),
            complex_case=True,
        ),
    }


def _to_review(city: Agency, demo: PenaltyDemo, at: date, av: bytes) -> tuple[Any, Any, Any]:
    """Open the case 20 days before ``at``, drive it to 法制审核 on ``at`` and submit it (张三). Returns
    (runner, review, 调查终结报告)."""
    from cases import demo_content as cases_demo

    zhangsan, kezhang = _u("zhangsan"), _u("kezhang")
    item = _penalty_item(city, demo.phrase)
    assert item is not None
    start = at - timedelta(days=20)
    case = cases_demo._open(zhangsan, item, "penalty_general", demo.title, start, [demo.party])
    officers = [_officer("zhangsan"), _officer("zhaoliu")]
    r = cases_demo.Runner(case, officers, av)
    report = cases_demo.to_legal_review(
        r, start, at, zhangsan, kezhang, demo.text, complex_case=demo.complex_case
    )
    review = submit(
        zhangsan,
        r.refresh(),
        at,
        demo.text,
        officers,
        demo.proposal,
        report,
        discretion=demo.discretion,
        grounds=list(demo.grounds),
    )
    return r, review, report


def _pending(city: Agency, demo: PenaltyDemo, at: date, av: bytes) -> Case:
    r, _review, _report = _to_review(city, demo, at, av)
    return r.refresh()  # type: ignore[no-any-return]


def _with_extension_request(city: Agency, demo: PenaltyDemo, at: date, ref: date, av: bytes) -> Case:
    from review import actions

    r, review, _report = _to_review(city, demo, at, av)
    actions.request_extension(
        _u("lisi"),
        review,
        days=3,
        reason="案件涉及两起关联诉讼和一起仲裁，多个法律关系交织，需调阅关联案卷，申请延长3个工作日。",
        on=ref,
    )
    return r.refresh()  # type: ignore[no-any-return]


def _attendees() -> list[dict[str, str]]:
    return [
        {"name": "吴局长", "title": "局长"},
        {"name": "周副局长", "title": "副局长（分管领导）"},
        {"name": "陈科长", "title": "律师工作管理科科长"},
        {"name": "李四", "title": "法制审核员（列席）"},
        {"name": "张三", "title": "承办人（汇报案情）"},
    ]


def _discussion(case: Case, demo: PenaltyDemo, held: date) -> Any:
    from review import actions

    return actions.record_discussion(
        _u("kezhang"),
        case,
        held_at=_at(held, 15),
        place="玉溪市司法局三楼会议室",
        presider="吴局长",
        attendees=_attendees(),
        recorder="陈科长",
        opinions=(
            f"承办人汇报了案件事实、证据和法制审核意见。与会人员认为：{demo.text.facts}"
            f"事实清楚，证据确凿，拟作出的处罚适当。"
        ),
        conclusion=f"同意给予{demo.text.proposed}。",
    )


def _signed(city: Agency, demo: PenaltyDemo, at: date, av: bytes) -> Case:
    """Extension approved by 周副局长, 同意 within the extended period, 集体讨论 signed by 吴局长, now at 作出决定."""
    from review import actions

    lisi, fenguan, kezhang, juzhang = _u("lisi"), _u("fenguan"), _u("kezhang"), _u("juzhang")
    r, review, _report = _to_review(city, demo, at, av)
    day = wd(at, 4)
    extension = actions.request_extension(
        lisi,
        review,
        days=3,
        reason="案件涉及多名律师、多名委托人，需逐一核对委托合同和收费票据，申请延长3个工作日。",
        on=day,
    )
    actions.decide_extension(fenguan, extension, approve=True, note="同意延长3个工作日。", on=day)
    day = wd(at, 7)
    opinion(
        lisi,
        review,
        day,
        agree=True,
        reasons="经延期审核，事实清楚，证据确凿，适用依据正确，程序合法，裁量适当，同意。",
    )
    move_on(r, lisi, day, "collective")
    day = wd(day, 2)
    discussion = _discussion(r.case, demo, day)
    actions.sign_discussion(juzhang, discussion, on=day)
    r.refresh()
    r.advance(kezhang, "decide", day, officers=False, note="负责人集体讨论决定")
    return r.refresh()  # type: ignore[no-any-return]


def _unsigned(city: Agency, demo: PenaltyDemo, at: date, av: bytes) -> Case:
    """同意 on time; the case is 情节复杂 and its 集体讨论 record waits for 吴局长's signature."""
    lisi = _u("lisi")
    r, review, _report = _to_review(city, demo, at, av)
    day = wd(at, 4)
    opinion(
        lisi, review, day, agree=True, reasons="事实清楚，证据确凿，适用依据正确，程序合法，裁量适当，同意。"
    )
    move_on(r, lisi, day, "collective")
    _discussion(r.case, demo, wd(at, 5))
    return r.refresh()  # type: ignore[no-any-return]


# --- 重大行政许可 ----------------------------------------------------------------------------------------------------


def _flag_major_licence(city: Agency) -> Item | None:
    """List one 许可 事项 on the 重大执法决定法制审核目录 (附件4) through the catalog workflow (科室 drafts, 监督科
    publishes) — the demo catalogue flags only 处罚 items. The item of the demo online application stays as it is."""
    from cases.actions.online import online_items
    from catalog import actions as catalog_actions

    items = list(online_items().filter(agency=city).order_by("code"))
    if not items:
        return None
    major = next((i for i in items if i.is_major), None)
    if major is not None:
        return major
    item = items[-1] if len(items) > 1 else items[0]
    data = catalog_actions.item_data(item)
    data.update(
        {
            "is_major": True,
            "major_criteria": MAJOR_LICENSING_CRITERIA,
            "change_note": "列入重大执法决定法制审核目录",
        }
    )
    kezhang, gongshi = _u("kezhang"), _u("gongshi")
    item = catalog_actions.save_item(kezhang, city, item, data)
    catalog_actions.submit_item(kezhang, item)
    return catalog_actions.approve_item(gongshi, item, comment="同意列入重大执法决定法制审核目录")


@dataclass(frozen=True)
class LicenceText:
    facts: str = (
        "申请人孙某通过国家统一法律职业资格考试，在玉溪某某律师事务所实习满一年，实习考核合格，品行良好。"
    )
    evidence: str = "申请书、法律职业资格证书、实习考核意见、无犯罪记录证明"
    basis: str = "《律师法》第五条、第六条"
    proposed: str = "准予律师执业许可的审查意见，报云南省司法厅决定"


def _major_licence(city: Agency, at: date) -> Case | None:
    from cases.actions import case as engine
    from cases.actions.online import materials_of, submit_application
    from cases.demo_content import _party
    from review import actions

    item = _flag_major_licence(city)
    if item is None:
        return None
    zhangsan, lisi, fenguan = _u("zhangsan"), _u("lisi"), _u("fenguan")
    received = back(at, 6)
    files = [
        (
            m.name,
            SimpleUploadedFile(f"{m.name}.pdf", b"%PDF-1.4\n% demo\n%%EOF\n", content_type="application/pdf"),
        )
        for m in materials_of(item)
    ]
    case = submit_application(
        item=item,
        applicant=_party("孙某（演示）", "530402198507090071"),
        materials=files,
        ip="127.0.0.1",
        on=received,
    )
    case = Case.objects.get(pk=case.pk)
    engine.advance(zhangsan, case, to="accepted", note="材料齐全，予以受理", on=wd(received, 1))
    engine.advance(zhangsan, case, to="examine", note="进入审查", on=wd(received, 1))
    engine.advance(zhangsan, case, to="legal_review", note="审查完毕，属重大行政许可，报送法制审核", on=at)
    text = LicenceText()
    officers = [_officer("zhangsan"), _officer("zhaoliu")]
    evidence_ids, document_ids = materials(case)
    review = actions.submit(
        zhangsan,
        case,
        statement={
            "facts": text.facts,
            "basis": text.basis,
            "discretion": "羁束性许可，不适用裁量基准；申请人符合《律师法》第五条规定的全部条件",
            "qualifications": _qualifications(officers),
        },
        draft_decision=(
            f"经审查，{text.facts}符合{text.basis}规定的条件，拟同意其律师执业申请，报请云南省司法厅准予律师执业许可。"
        ),
        proposal={
            "outcome": "grant",
            "penalty_types": [],
            "fine_amount": None,
            "confiscation_amount": None,
            "summary": text.proposed,
        },
        evidence_ids=evidence_ids,
        document_ids=document_ids,
        on=at,
    )
    if review.reviewer_id is None:
        review = actions.assign(lisi, review, reviewer=lisi)
    day = wd(at, 3)
    opinion(lisi, review, day, agree=True, reasons="申请材料齐全，申请人符合法定条件，审查程序合法，同意。")
    case.refresh_from_db()
    if case.current_step == "legal_review":  # give_opinion moves it on after 同意
        engine.advance(lisi, case, to="decide", note="法制审核意见：同意", on=day)
        case.refresh_from_db()
    engine.record_decision(
        fenguan, case, outcome="grant", penalty_types=[], fine_amount=None, outcome_text=text.proposed
    )
    case.refresh_from_db()
    engine.advance(fenguan, case, to="issue", note="准予许可（审查意见报省司法厅）", on=wd(day, 1))
    case.refresh_from_db()
    return case


# --- load -------------------------------------------------------------------------------------------------------


def load(stdout: TextIO) -> None:
    from cases import demo_content as cases_demo

    city = Agency.objects.filter(short_name=cases_demo.CITY).first()
    if city is None or not Case.objects.filter(agency=city, source__startswith=cases_demo.MARK).exists():
        return  # the demo cases (and their engine) are not there: nothing to review
    demos = _demos()
    titles = [d.title for d in demos.values()]
    if Case.objects.filter(agency=city, title__in=titles).exists():
        return
    today = timezone.localdate()
    ref = workday_on_or_before(today)  # the last working day up to today
    av = cases_demo.tone_wav(0.5)
    step = cases_demo._step
    made = [
        # due on the next working day: yellow in 李四's queue
        step(
            "法制审核（即将到期）", lambda: _pending(city, demos["yellow"], back(wd(today, 1), 5), av), stdout
        ),
        # 7 working days ago, no opinion: red
        step("法制审核（已超期）", lambda: _pending(city, demos["red"], back(ref, 7), av), stdout),
        step(
            "法制审核（延期待审批）",
            lambda: _with_extension_request(city, demos["extension"], back(ref, 3), ref, av),
            stdout,
        ),
        step(
            "法制审核（已延期、集体讨论已签名）",
            lambda: _signed(city, demos["signed"], back(ref, 12), av),
            stdout,
        ),
        step(
            "法制审核（集体讨论待签名）",
            lambda: _unsigned(city, demos["unsigned"], back(ref, 6), av),
            stdout,
        ),
        step("重大行政许可法制审核", lambda: _major_licence(city, back(ref, 5)), stdout),
    ]
    stdout.write(f"  法制审核：载入演示案件 {sum(1 for c in made if c is not None)} 件（人物与单位均为虚构）")
