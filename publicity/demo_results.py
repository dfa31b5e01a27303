"""Demo content of 结果公示 (issue #6 "Done when"), loaded after the cases and legal-review demos (seed_demo).

Through the real actions only:

1. Two more demo decisions are made: the 一般程序 case waiting at 作出决定 after its 集体讨论 (a 法人 party whose
   法定代表人 is a named natural person) and the 简易程序 case at 当场作出决定. Their decision texts carry planted
   personal data — a second natural person's name, a 身份证号, a mobile number, a bank account, a home address —
   so the redaction shows on the portal (and the PII crawl test has something to find).
2. Every pending 结果公示 draft of the demo (许可、处罚; 检查 if any) is published by 孙公示 (公示审核员) on the
   second working day after the decision — within the 7 (许可/处罚) or 20 working days — which also queues its 双公示.
3. The 简易程序 decision is revoked after 行政复议 (撤销) and withdrawn by 孙公示 within 3 working days with a public
   notice (《行政处罚法》第四十八条第二款); its 双公示 is queued again as 撤销.

Every step is all-or-nothing and a failed one is reported, not hidden. Running it again does nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TextIO

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from cases.models import Case

# Planted personal data (invented; the 身份证号 has a valid GB 11643 check character). None may reach the portal.
PLANTED_NAME = "陈光明"  # 法定代表人 of the 法人 party: a natural person other than the punished party
PLANTED_ID = "530402197803150011"
PLANTED_MOBILE = "13908771234"
PLANTED_BANK = "6217003210012345678"
PLANTED_ADDRESS = "玉溪市红塔区凤凰路88号3栋2单元501室"
PLANTED = (PLANTED_NAME, PLANTED_ID, PLANTED_MOBILE, PLANTED_BANK, PLANTED_ADDRESS)

GENERAL_TITLE = "律师事务所放任律师违规执业案（演示）"
SIMPLE_TITLE = "律师在法院门口违规招揽业务案（演示）"
REVOCATION_REFERENCE = "玉政复决字〔2026〕8号"
REVOCATION_NOTICE = (
    "该行政处罚决定经玉溪市人民政府行政复议决定（玉政复决字〔2026〕8号）以主要事实不清、证据不足为由撤销，"
    "依照《中华人民共和国行政处罚法》第四十八条第二款撤回原公示信息。"
)

GENERAL_FACTS = (
    f"当事人放任本所三名律师以不正当手段承揽业务，涉及多名委托人，造成较大社会影响。经查，当事人法定代表人{PLANTED_NAME}"
    f"（身份证号{PLANTED_ID}，联系电话{PLANTED_MOBILE}，住{PLANTED_ADDRESS}）知情后未予制止，"
    f"并要求委托人将代理费转入其个人银行账户{PLANTED_BANK}。"
)
SIMPLE_FACTS = (
    f"当事人于玉溪市中级人民法院门口向诉讼当事人发放名片、招揽代理业务（当事人住{PLANTED_ADDRESS}，"
    f"手机{PLANTED_MOBILE}），违反律师执业规范。"
)


def _u(username: str) -> User:
    return User.objects.get(username=username)


def _demo_case(title: str, step: str) -> Case | None:
    from cases import demo_content as cases_demo

    return Case.objects.filter(title=title, current_step=step, source__startswith=cases_demo.MARK).first()


def _decision_day(case: Case, today: date) -> date:
    """A working day on or after the day the case reached its decision step, at most 3 working days ago."""
    from cases.selectors import current_step_row
    from review import demo_content as review_demo

    entered = current_step_row(case).entered_on
    ref = review_demo.workday_on_or_before(today)
    day = max(entered, review_demo.back(ref, 3))
    day = review_demo.workday_on_or_after(day)
    return day if day <= today else entered


def _runner(case: Case, *usernames: str) -> Any:
    from cases import demo_content as cases_demo

    return cases_demo.Runner(case, [cases_demo._officer(u) for u in usernames], cases_demo.tone_wav(0.5))


def decide_general(today: date) -> Case | None:
    """The 一般程序 case after 集体讨论: the 法定代表人 is named, the decision made and served as a 决定书."""
    from cases.actions import case as engine

    case = _demo_case(GENERAL_TITLE, "decide")
    if case is None:
        return None
    zhangsan, fenguan = _u("zhangsan"), _u("fenguan")
    d = _decision_day(case, today)
    party = case.parties.order_by("order", "pk").first()
    if party is not None and party.kind != "citizen":
        engine.update_party(zhangsan, party, {"legal_representative": PLANTED_NAME}, on=d)
    r = _runner(case, "zhangsan", "kezhang")
    engine.record_decision(
        fenguan,
        r.refresh(),
        outcome="penalty",
        penalty_types=["suspend_business", "fine"],  # as approved by 法制审核 and the 集体讨论
        fine_amount=Decimal("30000"),
        outcome_text="停业整顿一个月，并处罚款人民币三万元。",
        is_complex=True,
    )
    r.refresh()
    r.document(
        fenguan,
        "penalty_decision",
        d,
        {
            "facts": GENERAL_FACTS,
            "evidence": "询问笔录、委托合同、收费凭证、银行转账记录等证据证实。",
            "penalty": "停业整顿一个月，并处罚款人民币三万元",
            "basis": "《中华人民共和国律师法》第五十条第一款第三项",
            "performance": "自收到本决定书之日起十五日内缴纳罚款。",
        },
    )
    r.advance(fenguan, "serve", d, officers=False, note="经集体讨论，作出行政处罚决定")
    return r.refresh()


def decide_simple(today: date) -> Case | None:
    """The 简易程序 case: the 当场行政处罚决定书 handed over (recorded) at 当场作出决定."""
    case = _demo_case(SIMPLE_TITLE, "decide")
    if case is None:
        return None
    zhangsan = _u("zhangsan")
    d = _decision_day(case, today)
    r = _runner(case, "zhangsan", "zhaoliu")
    r.av_record(zhangsan, d, "决定书当场交付及签收录音")
    r.document(
        zhangsan,
        "simple_decision",
        d,
        {
            "facts": SIMPLE_FACTS,
            "basis": "《律师执业管理办法》第四十条、第五十条",
            "penalty": "罚款人民币一百元",
            "acted_at": timezone.make_aware(datetime.combine(d, time(10, 30))).isoformat(),
            "place": "玉溪市中级人民法院门口",
            "performance": "当场缴纳罚款，执法人员出具专用票据。",
        },
    )
    r.advance(zhangsan, "execute", d, note="当场交付决定书，当事人签收")
    return r.refresh()


def publish_day(draft: Any, today: date) -> date:
    """The second working day after the decision (never later than the due day, never after today)."""
    from review import demo_content as review_demo

    day = min(review_demo.wd(draft.decided_on, 2), draft.due_on)
    if day > today:
        day = max(draft.decided_on, review_demo.workday_on_or_before(today))
    return day


def publish_all(today: date) -> int:
    """Publish every pending draft of the demo cases, on time."""
    from cases import demo_content as cases_demo
    from publicity import results
    from publicity.models import ResultDraft

    gongshi = _u("gongshi")
    demo = (
        Q(case__source__startswith=cases_demo.MARK)
        | Q(case__title__endswith="（演示））")
        | Q(case__title__endswith="（演示）")
    )
    drafts = ResultDraft.objects.filter(demo, state=ResultDraft.State.PENDING).order_by("decided_on", "pk")
    n = 0
    for draft in drafts:
        results.publish_result(gongshi, draft, on=publish_day(draft, today))
        n += 1
    return n


def revoke_simple(today: date) -> Any:
    """行政复议 revokes the 简易程序 decision; 孙公示 withdraws its publication within 3 working days."""
    from publicity import results
    from publicity.models import ResultDraft
    from review import demo_content as review_demo

    case = Case.objects.filter(title=SIMPLE_TITLE).first()
    draft = (
        ResultDraft.objects.filter(case=case, state=ResultDraft.State.PUBLISHED).order_by("-version").first()
        if case is not None
        else None
    )
    if case is None or draft is None or draft.published_on is None:
        return None
    ref = review_demo.workday_on_or_before(today)
    occurred = max(draft.published_on, review_demo.back(ref, 2))
    withdrawn = max(occurred, ref)
    change = results.record_change(
        _u("zhangsan"),
        case,
        change="revoked",
        source="reconsideration",
        occurred_on=occurred,
        reference=REVOCATION_REFERENCE,
        notice=REVOCATION_NOTICE,
        on=withdrawn,
    )
    return results.withdraw_for_change(_u("gongshi"), change, on=withdrawn)


def annual_draft(today: date) -> Any:
    """The 市司法局's statistics for this year, computed from the demo cases, with a 情况说明 (a draft: the year is
    not over; it is published by 1月31日 next year)."""
    from publicity import annual_actions

    jiandu = _u("jiandu")
    assert jiandu.agency_id is not None
    report = annual_actions.get_or_create_report(jiandu, jiandu.agency_id, today.year, today=today)
    annual_actions.save_narrative(
        jiandu,
        report,
        f"{today.year}年，本局依法开展行政许可、行政处罚和行政检查工作，全部一般程序处罚案件经法制审核后作出决定，"
        "执法决定均在规定期限内公示（演示数据）。",
    )
    return report


def load(stdout: TextIO) -> None:
    from cases import demo_content as cases_demo
    from publicity.models import DecisionChange, ResultDraft

    if not Case.objects.filter(source__startswith=cases_demo.MARK).exists():
        return  # no demo cases: nothing to publish
    if (
        DecisionChange.objects.filter(reference=REVOCATION_REFERENCE).exists()
        or ResultDraft.objects.filter(
            case__source__startswith=cases_demo.MARK, state=ResultDraft.State.PUBLISHED
        ).exists()
    ):
        return  # already loaded
    today = timezone.localdate()
    step = cases_demo._step
    step("结果公示：一般程序决定", lambda: decide_general(today), stdout)
    step("结果公示：简易程序决定", lambda: decide_simple(today), stdout)
    published = step("结果公示：按期公示", lambda: publish_all(today), stdout) or 0
    change = step("结果公示：复议撤销后撤回", lambda: revoke_simple(today), stdout)
    step("年度数据：本年度统计草稿", lambda: annual_draft(today), stdout)
    stdout.write(
        f"  结果公示：按期公示执法决定 {published} 件（已脱敏）"
        + (f"，1 件经行政复议撤销后于{change.withdrawn_on:%Y-%m-%d}撤回并公告" if change is not None else "")
    )
