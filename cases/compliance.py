"""The compliance sheet of a case (合规检查表): every clock, gate, two-officer rule, 文书 and 音像记录 duty, pass/fail
with the article. 结案 is refused while any check fails (``cases.actions.case.close_case``).

Which 文书 are required is data: the step's ``documents`` in the process YAML, minus the conditional ones listed in
``CONDITIONAL_DOCUMENTS`` (made only when the situation arises), with the alternatives in ``ALTERNATIVES`` needing
only one of the group (行政处罚决定书 / 不予行政处罚决定书). docs/clocks.md explains the choices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from cases import clock_rules
from cases.models import Case, CaseStep, Clock, Recusal, StepOfficer
from cases.rules import av_requirement
from catalog.process import CLOCK_UNITS, Process, Step
from catalog.process import get as get_process
from core.errors import SanxiangError

ONLINE_TEXT = "网上办理、系统全程记录，替代纸质和音像记录（工作方案二（二）1—2）"
ONLINE_ARTICLE = "玉溪市司法局三项制度工作方案二（二）1—2"


@dataclass
class Check:
    key: str
    label: str
    article: str
    passed: bool
    detail: str
    category: str  # clock | gate | officers | document | av | online


@dataclass
class Sheet:
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


# --- 文书 policy ------------------------------------------------------------------------------------------------

# Listed in a step's YAML but made only when the situation arises: not required for the sheet to pass.
CONDITIONAL_DOCUMENTS: dict[str, str] = {
    "举报（投诉）案件登记表": "仅投诉、举报案件制作",
    "检查（勘验）笔录": "现场检查、勘验时制作",
    "抽样取证审批表": "仅抽样取证时制作",
    "抽样取证通知书": "仅抽样取证时制作",
    "勘验笔录": "仅勘验时制作",
    "询问笔录": "询问时制作",
    "核查笔录": "仅实地核查时制作（《行政许可法》第三十四条）",
    "利害关系人告知书": "仅涉及利害关系人时制作（《行政许可法》第三十六条）",
    "行政处罚听证告知书": "仅《行政处罚法》第六十三条所列情形制作",
    "送达确认书（传真、电子邮件送达）": "仅经当事人同意电子送达时制作（《行政处罚法》第六十一条）",
    "延期（分期）缴纳罚款审批表": "仅当事人申请暂缓或分期缴纳时制作（《行政处罚法》第六十六条）",
    "行政处罚强制执行申请书": "仅申请人民法院强制执行时制作（《行政处罚法》第七十二条）",
    # 事先告知书 is often signed for on the spot; the 送达回证 of the 决定书 (serve/refuse/issue) stays required.
    "notify:送达回证": "告知书当场交付、由当事人签收的不另制作",
}


def _conditional(step_id: str, title: str) -> bool:
    """Listed as conditional for every step (key = title) or for one step (key = "step_id:title")."""
    return title in CONDITIONAL_DOCUMENTS or f"{step_id}:{title}" in CONDITIONAL_DOCUMENTS


# Conditional documents that become required when the case data says so.
REQUIRED_WHEN: dict[str, tuple[str, Callable[[Case], bool]]] = {
    "延期决定通知书": (
        "许可期限经批准延长的，应当将延长期限的理由告知申请人（《行政许可法》第四十二条）",
        lambda case: Clock.objects.filter(case=case, step_id="decide", extended_days__gt=0).exists(),
    ),
}


@dataclass(frozen=True)
class Alternative:
    """One of ``titles`` satisfies the group; the group is not required when the step led to ``unless_next``."""

    titles: tuple[str, ...]
    article: str
    unless_next: tuple[str, ...] = ()


ALTERNATIVES: tuple[Alternative, ...] = (
    Alternative(
        ("行政处罚决定书", "不予行政处罚决定书"), "《行政处罚法》第五十七条、第五十九条", ("transfer",)
    ),
    Alternative(("准予行政许可决定书", "不予行政许可决定书"), "《行政许可法》第三十八条"),
    Alternative(("询问笔录", "检查（勘验）笔录"), "《行政处罚法》第五十五条（询问或者检查应当制作笔录）"),
)


def _registry_type(title: str) -> Any:
    """The 文书 registry entry for a YAML document name, or None when the system does not generate that document."""
    from cases.documents import registry

    return registry.for_step_title(title)


def _core_name(title: str) -> str:
    return title.replace("（参考名称）", "").replace("（示范文本）", "").strip()


def _document_satisfied(case: Case, title: str) -> tuple[bool, str]:
    """Issued 文书 of the matching type, or — for papers the system does not generate — an attached material whose
    title names it."""
    from cases.models import Document

    doc_type = _registry_type(title)
    issued = Document.objects.filter(case=case, state__in=[Document.State.ISSUED, Document.State.SUPERSEDED])
    if doc_type is not None:
        doc = issued.filter(doc_type=doc_type.code).order_by("-version").first()
        if doc is not None:
            return True, f"已签发 {doc.number or doc.title}"
        return False, "系统文书，尚未签发"
    doc = issued.filter(title=title).first()
    if doc is not None:
        return True, f"已签发 {doc.number or doc.title}"
    from evidence.models import EvidenceItem

    name = _core_name(title)
    attached = EvidenceItem.objects.filter(
        case=case,
        is_voided=False,
        purpose__in=[
            EvidenceItem.Purpose.OTHER,
            EvidenceItem.Purpose.EVIDENCE,
            EvidenceItem.Purpose.APPLICATION,
        ],
        title__contains=name,
    ).first()
    if attached is not None:
        return True, f"非系统生成文书，已作为材料上传：{attached.title}"
    return False, f"非系统生成文书，请作为材料上传（名称含“{name}”）"


def _passed_rows(case: Case) -> list[CaseStep]:
    return list(CaseStep.objects.filter(case=case, completed_on__isnull=False).order_by("seq"))


def _system_record(case: Case) -> bool:
    """网上办理或政务服务平台办理的许可: the system's record replaces paper and AV records (seed 二(二)1–2)."""
    return case.procedure == "licensing" and case.channel in (Case.Channel.ONLINE, Case.Channel.PLATFORM)


# --- clocks -------------------------------------------------------------------------------------------------------


def summarize(clock: Clock, today: date, calendar: Any, process: Process | None = None) -> dict[str, Any]:
    """A clock as shown on the clocks page and in the API: status colour, days left, events."""
    process = process or get_process(clock.case.procedure)
    try:
        party_deadline = clock_rules.is_party_deadline(process.step(clock.step_id))
    except SanxiangError:
        party_deadline = False
    unit_label = CLOCK_UNITS.get(clock.unit, "日")
    left: int | None = None
    if clock.state == Clock.State.STOPPED:
        if clock.met is True:
            status, status_label = "met", f"已按期完成（{clock.stopped_on:%Y-%m-%d}）"
        elif clock.met is False:
            status, status_label = "missed", f"逾期完成（{clock.stopped_on:%Y-%m-%d}）"
        else:
            status, status_label = "na", "不适用"
    elif clock.kind == "minimum":
        status, status_label = "minimum", f"{clock.due_on:%Y-%m-%d}起方可进行"
    elif clock.state == Clock.State.PAUSED:
        # the time is not running: judged as if resumed today
        pause = clock.events.filter(kind="pause").order_by("-id").first()
        extra = (
            clock_rules.paused_length(pause.on, max(today, pause.on), clock.unit, calendar) if pause else 0
        )
        due = clock_rules.clock_due(
            clock.start_on,
            clock.days,
            clock.unit,
            extended_days=clock.extended_days,
            paused_days=clock.paused_days + extra,
            calendar=calendar,
        )
        left = clock_rules.days_left(due, today, clock.unit, calendar)
        status = "paused"
        status_label = f"暂停中（今日恢复则 {due:%Y-%m-%d} 届满）"
    else:
        left = clock_rules.days_left(clock.due_on, today, clock.unit, calendar)
        status = clock_rules.clock_status(clock.due_on, today, clock.unit, calendar, clock.warn_days)
        if status == clock_rules.RED:
            status_label = f"已逾期{-left}{unit_label}"
        else:
            status_label = f"剩余{left}{unit_label}"
    loaded = calendar.db.loaded_years() if hasattr(calendar, "db") else None
    provisional = (
        clock.unit == clock_rules.WORKDAYS and loaded is not None and clock.due_on.year not in loaded
    )
    return {
        "id": clock.pk,
        "code": clock.code,
        "step_id": clock.step_id,
        "label": clock.label,
        "article": clock.article,
        "kind": clock.kind,
        "unit": clock.unit,
        "unit_label": unit_label,
        "days": clock.days,
        "start_on": clock.start_on,
        "due_on": clock.due_on,
        "state": clock.state,
        "state_label": clock.get_state_display(),
        "status": status,
        "status_label": status_label,
        "days_left": left,
        "extended_days": clock.extended_days,
        "max_extension_days": clock.max_extension_days,
        "extension_approver_role": clock.extension_approver_role,
        "can_extend": clock.state != Clock.State.STOPPED
        and clock.max_extension_days > clock.extended_days
        and clock.kind != "minimum",
        "paused_days": clock.paused_days,
        "stopped_on": clock.stopped_on,
        "met": clock.met,
        "inferred": clock.inferred,
        "provisional": provisional,
        "party_deadline": party_deadline,
        "events": [
            {
                "kind": e.kind,
                "kind_label": e.get_kind_display(),
                "on": e.on,
                "days": e.days,
                "reason": e.reason,
                "actor": e.actor.full_name if e.actor else "",
                "approver": e.approver.full_name if e.approver else "",
            }
            for e in clock.events.all()
        ],
    }


def case_clocks(case: Case, today: date | None = None) -> list[dict[str, Any]]:
    from cases.actions.clocks import ClockCalendar

    day = today or timezone.localdate()
    calendar = ClockCalendar()
    clocks = (
        Clock.objects.filter(case=case).prefetch_related("events__actor", "events__approver").order_by("id")
    )
    process = get_process(case.procedure)
    return [summarize(c, day, calendar, process) for c in clocks]


def next_due(summaries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The open deadline that runs out first (下一个到期)."""
    open_ = [s for s in summaries if s["state"] != Clock.State.STOPPED and s["kind"] != "minimum"]
    return min(open_, key=lambda s: s["due_on"]) if open_ else None


def _clock_checks(summaries: list[dict[str, Any]]) -> list[Check]:
    checks = []
    for s in summaries:
        if s["status"] in ("missed", "red") and s["party_deadline"]:
            passed = True
            detail = f"当事人期限：届满 {s['due_on']:%Y-%m-%d}，{s['status_label']}（当事人逾期，不属于行政机关办案期限）"
        elif s["status"] in ("missed", "red"):
            passed = False
            detail = f"届满 {s['due_on']:%Y-%m-%d}，{s['status_label']}"
        elif s["status"] == "na":
            passed, detail = True, "案件未经过该环节，不适用"
        elif s["status"] == "met" or s["status"] == "paused":
            passed, detail = True, s["status_label"]
        elif s["status"] == "minimum":
            passed, detail = True, f"提前量：{s['status_label']}"
        else:
            passed, detail = True, f"计时中，届满 {s['due_on']:%Y-%m-%d}，{s['status_label']}"
        checks.append(
            Check(
                key=f"clock:{s['code']}",
                label=f"期限：{s['label']}",
                article=s["article"],
                passed=passed,
                detail=detail,
                category="clock",
            )
        )
    return checks


# --- officers ------------------------------------------------------------------------------------------------------


def _certificate_valid_on(number: str, day: date) -> bool:
    """Whether the certificate recorded on the act was valid that day (《行政处罚法》第四十二条；status history kept
    by org: the status on ``day`` is the one before the first change made after it)."""
    from org import rules as org_rules
    from org.models import Certificate

    cert = Certificate.objects.filter(number=number).first()
    if cert is None or cert.valid_from > day:
        return False
    later = cert.status_changes.filter(at__date__gt=day).order_by("id").first()
    status = later.from_status if later else cert.status
    return org_rules.certificate_effective_status(status, cert.valid_until, day) == org_rules.VALID


def _officer_checks(case: Case, rows: list[CaseStep], steps: dict[str, Step]) -> list[Check]:
    checks = []
    for row in rows:
        step = steps.get(row.step_id)
        if step is None:
            continue
        recorded = list(StepOfficer.objects.filter(step=row).select_related("officer"))
        minimum = step.officers.min if step.officers else 0
        if not minimum and not recorded:
            continue
        article = (step.officers.article if step.officers else "") or "《行政处罚法》第四十二条"
        problems = []
        if len(recorded) < minimum:
            problems.append(f"记录执法人员{len(recorded)}名，不少于{minimum}名")
        day = row.completed_on or row.entered_on
        invalid = [s.officer.name for s in recorded if not _certificate_valid_on(s.certificate_number, day)]
        if invalid:
            problems.append(f"{'、'.join(invalid)}的执法证当日无效")
        unshown = [s.officer.name for s in recorded if not s.showed_certificate]
        if unshown and minimum:
            problems.append(f"{'、'.join(unshown)}未记录出示执法证件（《行政处罚法》第五十五条）")
        names = "、".join(s.officer.name for s in recorded)
        checks.append(
            Check(
                key=f"officers:{row.seq}",
                label=f"执法人员：{row.name}（第{row.seq}环节）",
                article=article,
                passed=not problems,
                detail="；".join(problems) if problems else f"{names}，执法证当日有效",
                category="officers",
            )
        )
    return checks


# --- documents -----------------------------------------------------------------------------------------------------


def _document_checks(case: Case, rows: list[CaseStep], steps: dict[str, Step]) -> list[Check]:
    checks: list[Check] = []
    system_record = _system_record(case)
    done: set[tuple[str, str]] = set()
    for row in rows:
        step = steps.get(row.step_id)
        if step is None or not step.documents:
            continue
        titles = list(step.documents)
        for alt in ALTERNATIVES:
            members = [t for t in titles if t in alt.titles]
            if len(members) < 2 or (row.step_id, alt.titles[0]) in done:
                continue
            done.add((row.step_id, alt.titles[0]))
            titles = [t for t in titles if t not in members]
            if row.transition_to in alt.unless_next:
                continue
            results = [(_document_satisfied(case, t), t) for t in members]
            ok = [t for (sat, _detail), t in results if sat]
            checks.append(
                Check(
                    key=f"document:{row.step_id}:{'/'.join(members)}",
                    label=f"文书：{'或'.join(members)}（{step.name}）",
                    article=alt.article,
                    passed=bool(ok),
                    detail=f"已有：{'、'.join(ok)}" if ok else "须有其中之一：" + "、".join(members),
                    category="document",
                )
            )
        for title in titles:
            if (row.step_id, title) in done:
                continue
            done.add((row.step_id, title))
            why = ""
            if title in REQUIRED_WHEN:
                why, applies = REQUIRED_WHEN[title]
                if not applies(case):
                    continue
            elif _conditional(row.step_id, title):
                continue
            satisfied, detail = _document_satisfied(case, title)
            system_made = _registry_type(title) is not None
            if not satisfied and system_record and not system_made:
                satisfied, detail = True, ONLINE_TEXT
            if why and not satisfied:
                detail = f"{detail}；{why}"
            checks.append(
                Check(
                    key=f"document:{row.step_id}:{title}",
                    label=f"文书：{title}（{step.name}）",
                    article="；".join(step.articles[:2]) or "《行政处罚法》第四十七条（全过程记录）",
                    passed=satisfied,
                    detail=detail,
                    category="document",
                )
            )
    return checks


# --- 音像记录 -------------------------------------------------------------------------------------------------------


def _av_checks(case: Case, rows: list[CaseStep], steps: dict[str, Step]) -> list[Check]:
    from evidence.selectors import av_items_for_step

    item_av_steps = list(case.item.av_duties.values_list("step", flat=True))
    checks = []
    for row in rows:
        step = steps.get(row.step_id)
        if step is None or step.type == "gateway":
            continue
        duty = av_requirement(step, item_av_steps, case.channel, case.procedure)
        key = f"av:{row.seq}"
        label = f"音像记录：{row.name}（第{row.seq}环节）"
        article = "《行政处罚法》第四十七条；玉溪市司法局音像记录事项清单"
        if not duty:
            if _system_record(case) and step.av_record:
                checks.append(Check(key, label, ONLINE_ARTICLE, True, ONLINE_TEXT, "av"))
            continue
        items = list(av_items_for_step(row))
        if items:
            checks.append(Check(key, label, article, True, f"{duty}：已上传{len(items)}个音像文件", "av"))
        elif row.av_waiver_reason.strip():
            checks.append(
                Check(
                    key, label, article, True, f"未能音像记录，已记明原因：{row.av_waiver_reason[:80]}", "av"
                )
            )
        else:
            checks.append(Check(key, label, article, False, f"{duty}：无音像记录，也未记明原因", "av"))
    return checks


# --- gates ---------------------------------------------------------------------------------------------------------


def _review_check(case: Case) -> Check:
    """法制审核 (《行政处罚法》第五十八条): the same scope and gate the decision action uses
    (``review.selectors.scope`` / ``gate_problem``)."""
    from review import selectors as review_selectors

    scope = review_selectors.scope(case)
    problem = review_selectors.gate_problem(case)
    if not scope.required:
        detail = "不属于法制审核范围"
    elif problem:
        detail = problem
    else:
        review = review_selectors.latest_review(case)
        detail = f"已经法制审核（审核编号{review.number if review else ''}，审核通过）；范围：{scope.text}"
    return Check(
        key="gate:legal_review",
        label="重大执法决定法制审核",
        article="《行政处罚法》第五十八条；工作方案二（三）",
        passed=problem is None,
        detail=detail,
        category="gate",
    )


def _gate_checks(case: Case, rows: list[CaseStep], steps: dict[str, Step]) -> list[Check]:
    checks = []
    pending = Recusal.objects.filter(case=case, decision=Recusal.Decision.PENDING).count()
    checks.append(
        Check(
            key="gate:recusal",
            label="回避申请均已决定",
            article="《行政处罚法》第四十三条",
            passed=pending == 0,
            detail=f"{pending}件回避申请待负责人决定" if pending else "无待决定的回避申请",
            category="gate",
        )
    )
    passed_ids = {r.step_id for r in rows}
    decided = bool(passed_ids & {"legal_review", "decide"}) or bool(case.outcome)
    if "legal_review" in steps and decided:
        checks.append(_review_check(case))
    if "collective" in steps and decided:
        from review import selectors as review_selectors

        problem = review_selectors.discussion_problem(case)
        if case.is_complex:
            checks.append(
                Check(
                    key="gate:collective",
                    label="负责人集体讨论",
                    article="《行政处罚法》第五十七条第二款",
                    passed=problem is None,
                    detail=problem or "集体讨论笔录已经负责人签名",
                    category="gate",
                )
            )
    if _system_record(case):
        checks.append(
            Check(
                key="online:system_record",
                label="网上办理的全过程记录",
                article=ONLINE_ARTICLE,
                passed=True,
                detail=ONLINE_TEXT
                + (f"；平台办件编号 {case.platform_reference}" if case.platform_reference else ""),
                category="online",
            )
        )
    return checks


def sheet(case: Case, today: date | None = None) -> Sheet:
    """The compliance sheet: clocks (met or running and not overdue), gates (回避, 法制审核), the officers on every
    recorded act (《行政处罚法》第四十二条), the required 文书 of each step passed, the 音像记录 duties (met or waived
    with a reason) and, for online 许可, the system record (seed 二(二)1–2)."""
    process = get_process(case.procedure)
    steps = {s.id: s for s in process.steps}
    rows = _passed_rows(case)
    result = Sheet()
    result.checks += _clock_checks(case_clocks(case, today))
    result.checks += _gate_checks(case, rows, steps)
    result.checks += _officer_checks(case, rows, steps)
    result.checks += _document_checks(case, rows, steps)
    result.checks += _av_checks(case, rows, steps)
    return result
