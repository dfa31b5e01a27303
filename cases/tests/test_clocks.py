"""Clocks as objects with events, instantiated from the process YAML (cases.actions.clocks)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Role, User, UserRole
from audit.models import AuditEvent
from cases.actions import clocks
from cases.models import Clock, ClockEvent
from cases.tests.clock_helpers import advance, walk
from cases.tests.factories import make_case
from core.errors import SanxiangError

D = date


def _clock(case, step_id: str) -> Clock:
    return Clock.objects.get(case=case, step_id=step_id)


def _penalty(case_world, filed_on: date):
    w = case_world
    case = make_case(w.users["zhangsan"], w.items["penalty_general"], "penalty_general", on=filed_on)
    clocks.on_case_opened(case, on=filed_on, actor=w.users["zhangsan"])
    advance(case, "file_case", filed_on)
    advance(case, "investigate", filed_on)  # 立案 = completion of 立案审批
    return case


def _licensing(case_world, received: date, accepted: date):
    w = case_world
    case = make_case(
        w.users["zhangsan"], w.items["licensing"], "licensing", on=received, received_on=received
    )
    clocks.on_case_opened(case, on=received, actor=w.users["zhangsan"])
    walk(case, [("intake", received), ("accepted", accepted), ("examine", accepted)])
    return case


def test_every_clock_of_the_issue_comes_from_the_yaml(case_world) -> None:
    """处罚 90 日 (第六十条), 许可 20 个工作日 +10 (第四十二条), 补正 5 个工作日 (第三十二条), 发证 10 个工作日 (第四十四条),
    先行登记保存 7 日 (第五十六条), 听证申请 5 日 (第六十四条), 听证通知提前 7 日 (minimum), 送达 7 日 (第六十一条)."""
    from catalog.process import get

    def clock(proc: str, step: str):
        c = get(proc).step(step).clock
        assert c is not None
        return (c.days, c.unit, c.from_, c.kind, c.extendable.days if c.extendable else 0)

    assert clock("penalty_general", "decide") == (90, "calendar_days", "file_case", "deadline", 30)
    assert clock("licensing", "decide") == (20, "workdays", "accepted", "deadline", 10)
    assert clock("licensing", "intake") == (5, "workdays", "received", "deadline", 0)
    assert clock("licensing", "issue") == (10, "workdays", "decide", "deadline", 0)
    assert clock("penalty_general", "preserve_decision") == (7, "workdays", "preserve", "deadline", 0)
    assert clock("penalty_general", "hearing_request") == (5, "workdays", "notify", "deadline", 0)
    assert clock("penalty_general", "hearing") == (7, "workdays", "hearing_notice", "minimum", 0)
    assert clock("penalty_general", "serve") == (7, "workdays", "decide", "deadline", 0)


def test_ninety_days_from_filing_met_on_day_90(case_world) -> None:
    case = _penalty(case_world, D(2026, 3, 2))
    decide = _clock(case, "decide")
    assert (decide.start_on, decide.due_on, decide.unit) == (D(2026, 3, 2), D(2026, 5, 31), "calendar_days")
    assert decide.events.get().kind == ClockEvent.Kind.START
    walk(
        case,
        [
            ("investigation_report", D(2026, 5, 20)),
            ("notify", D(2026, 5, 21)),
            ("review_scope", D(2026, 5, 28)),
            ("legal_review", D(2026, 5, 28)),
            ("complexity", D(2026, 5, 29)),
            ("decide", D(2026, 5, 29)),
            ("serve", D(2026, 5, 31)),
        ],
    )
    decide.refresh_from_db()
    assert decide.state == Clock.State.STOPPED and decide.met is True and decide.stopped_on == D(2026, 5, 31)
    # 告知 led straight to review_scope: no hearing-request clock was started
    assert not Clock.objects.filter(case=case, step_id="hearing_request").exists()
    # legal review: its clock counts from the receipt of complete materials (review.actions.submit), not from
    # entering the step — a case walked past it without a submission has none
    assert not Clock.objects.filter(case=case, step_id="legal_review").exists()
    # 送达 7 working days from the decision
    assert _clock(case, "serve").start_on == D(2026, 5, 31)


def test_ninety_days_overdue_on_day_91(case_world) -> None:
    case = _penalty(case_world, D(2026, 3, 2))
    walk(
        case,
        [
            ("investigation_report", D(2026, 5, 20)),
            ("review_scope", D(2026, 5, 21)),
            ("complexity", D(2026, 5, 21)),
            ("decide", D(2026, 5, 21)),
            ("serve", D(2026, 6, 1)),
        ],
    )
    decide = _clock(case, "decide")
    assert decide.met is False and decide.stopped_on == D(2026, 6, 1)
    last = decide.events.last()
    assert last is not None and last.reason.endswith("（已逾期）")


def test_licensing_twenty_working_days_over_national_day_and_certificate_clock(case_world) -> None:
    case = _licensing(case_world, D(2026, 9, 17), D(2026, 9, 21))
    intake = _clock(case, "intake")
    assert intake.start_on == D(2026, 9, 17) and intake.met is True  # 补正/受理 within 5 working days
    decide = _clock(case, "decide")
    assert decide.start_on == D(2026, 9, 21) and decide.due_on == D(2026, 10, 26)
    walk(case, [("major", D(2026, 10, 20)), ("decide", D(2026, 10, 20)), ("issue", D(2026, 10, 26))])
    decide.refresh_from_db()
    assert decide.met is True
    issue = _clock(case, "issue")
    assert issue.start_on == D(2026, 10, 26) and issue.due_on == D(2026, 11, 9)
    # 准予 → the 公开 clock applies; the 不予许可 path was not taken
    assert _clock(case, "publish").state == Clock.State.RUNNING


def test_expert_review_is_not_counted(case_world) -> None:
    """《行政许可法》第四十五条: the 20-day clock pauses while the case is in 专家评审 and resumes after it."""
    case = _licensing(case_world, D(2026, 11, 2), D(2026, 11, 2))
    decide = _clock(case, "decide")
    assert decide.due_on == D(2026, 11, 30)
    advance(case, "expert", D(2026, 11, 5))
    decide.refresh_from_db()
    assert decide.state == Clock.State.PAUSED
    advance(case, "major", D(2026, 11, 12))  # 11-06, 09, 10, 11, 12 not counted: 5 working days
    decide.refresh_from_db()
    assert decide.state == Clock.State.RUNNING and decide.paused_days == 5
    assert decide.due_on == D(2026, 12, 7)
    kinds = list(decide.events.values_list("kind", flat=True))
    assert kinds == ["start", "pause", "resume"]


def test_looping_back_continues_the_running_clock(case_world) -> None:
    case = _licensing(case_world, D(2026, 11, 2), D(2026, 11, 2))
    walk(case, [("major", D(2026, 11, 3)), ("legal_review", D(2026, 11, 3))])
    first = clocks.start_on_event(case, "review_received", on=D(2026, 11, 3))
    assert first is not None and first.step_id == "legal_review" and first.due_on == D(2026, 11, 10)
    assert (
        clocks.start_on_event(case, "review_received", on=D(2026, 11, 4)) == first
    )  # resubmission continues it
    walk(case, [("examine", D(2026, 11, 4))])
    assert Clock.objects.filter(case=case, step_id="decide").count() == 1
    # the 法制审核 clock stopped when the review was completed; a second review gets a new clock
    walk(case, [("major", D(2026, 11, 5)), ("legal_review", D(2026, 11, 5))])
    clocks.start_on_event(case, "review_received", on=D(2026, 11, 5))
    codes = sorted(Clock.objects.filter(case=case, step_id="legal_review").values_list("code", flat=True))
    assert codes == ["legal_review", "legal_review#2"]


def test_hearing_may_not_be_held_before_seven_working_days(case_world) -> None:
    case = _penalty(case_world, D(2026, 10, 19))
    walk(
        case,
        [
            ("investigation_report", D(2026, 10, 26)),
            ("notify", D(2026, 10, 27)),
            ("hearing_request", D(2026, 10, 28)),
            ("hearing_notice", D(2026, 10, 29)),
            ("hearing", D(2026, 11, 2)),  # notice served Monday 11-02
        ],
    )
    minimum = _clock(case, "hearing")
    assert minimum.kind == "minimum" and minimum.due_on == D(2026, 11, 11)
    with pytest.raises(SanxiangError, match="第六十四条"):
        advance(case, "review_scope", D(2026, 11, 10))  # 6 working days: too early
    advance(case, "review_scope", D(2026, 11, 11))
    minimum.refresh_from_db()
    assert minimum.met is True
    assert _clock(case, "hearing_request").met is True


def test_preservation_decision_within_seven_working_days(case_world) -> None:
    case = _penalty(case_world, D(2026, 9, 21))
    walk(case, [("preserve", D(2026, 9, 29)), ("preserve_decision", D(2026, 9, 30))])
    clock = _clock(case, "preserve_decision")
    assert clock.start_on == D(2026, 9, 30) and clock.due_on == D(2026, 10, 15)
    # 90-day clock survives the detour
    assert _clock(case, "decide").state == Clock.State.RUNNING


def test_case_ending_without_reaching_the_step_stops_its_clocks(case_world) -> None:
    w = case_world
    case = make_case(w.users["zhangsan"], w.items["penalty_general"], "penalty_general", on=D(2026, 3, 2))
    walk(case, [("file_case", D(2026, 3, 2)), ("not_filed", D(2026, 3, 3))])
    assert not Clock.objects.filter(case=case).exists()  # never filed: no 90-day clock
    # a clock whose step the case can no longer reach stops as 不适用 (met=None)
    case3 = _licensing(case_world, D(2026, 11, 2), D(2026, 11, 2))
    walk(case3, [("major", D(2026, 11, 3)), ("decide", D(2026, 11, 3)), ("issue", D(2026, 11, 4))])
    publish = _clock(case3, "publish")
    assert publish.state == Clock.State.RUNNING
    case2 = _licensing(case_world, D(2026, 11, 2), D(2026, 11, 3))
    clocks.stop_all(case2, on=D(2026, 11, 4))
    decide = _clock(case2, "decide")
    assert decide.state == Clock.State.STOPPED and decide.met is None


def _grant_role(user: User, role: str) -> None:
    UserRole.objects.get_or_create(user=user, role=role)
    user.__dict__.pop("_role_codes", None)


def test_extension_needs_the_approver_role_and_at_most_ten_days(case_world) -> None:
    w = case_world
    case = _licensing(case_world, D(2026, 9, 17), D(2026, 9, 21))
    decide = _clock(case, "decide")
    zhangsan, fenguan = w.users["zhangsan"], w.users["fenguan"]
    assert Role.DEPUTY_LEADER in fenguan.role_codes
    with pytest.raises(SanxiangError, match="负责人"):
        clocks.extend_clock(
            zhangsan, decide, days=10, reason="需现场核查", approver=zhangsan, on=D(2026, 10, 20)
        )
    decide.refresh_from_db()
    assert decide.due_on == D(2026, 10, 26) and decide.extended_days == 0
    clocks.extend_clock(fenguan, decide, days=10, reason="需现场核查", approver=fenguan, on=D(2026, 10, 20))
    decide.refresh_from_db()
    assert decide.extended_days == 10 and decide.due_on == D(2026, 11, 9)
    ext = decide.events.get(kind=ClockEvent.Kind.EXTEND)
    assert (ext.approver, ext.actor, ext.days, ext.reason) == (fenguan, fenguan, 10, "需现场核查")
    assert AuditEvent.objects.filter(action="case.clock_extend").count() == 1
    with pytest.raises(SanxiangError, match="不能再次延长"):
        clocks.extend_clock(fenguan, decide, days=1, reason="再延", approver=fenguan, on=D(2026, 10, 21))


def test_extension_approver_of_another_agency_refused(case_world, persona) -> None:
    case = _licensing(case_world, D(2026, 9, 17), D(2026, 9, 21))
    decide = _clock(case, "decide")
    outsider = persona("hongta_kezhang")
    _grant_role(outsider, Role.DEPUTY_LEADER)
    with pytest.raises(SanxiangError, match="负责人"):
        clocks.extend_clock(
            case_world.users["fenguan"], decide, days=10, reason="x", approver=outsider, on=D(2026, 10, 20)
        )


def test_penalty_ninety_days_extended_only_by_the_principal(case_world) -> None:
    """第六十条“法律、法规、规章另有规定的，从其规定”：延长 30 日、由主要负责人批准（推断，见 YAML）."""
    w = case_world
    case = _penalty(case_world, D(2026, 3, 2))
    decide = _clock(case, "decide")
    with pytest.raises(SanxiangError):
        clocks.extend_clock(
            w.users["fenguan"],
            decide,
            days=30,
            reason="案情复杂",
            approver=w.users["fenguan"],
            on=D(2026, 5, 20),
        )
    clocks.extend_clock(
        w.users["juzhang"], decide, days=30, reason="案情复杂", approver=w.users["juzhang"], on=D(2026, 5, 20)
    )
    decide.refresh_from_db()
    assert decide.due_on == D(2026, 6, 30) and decide.extended_days == 30
    with pytest.raises(SanxiangError):
        clocks.extend_clock(
            w.users["juzhang"],
            decide,
            days=1,
            reason="再次延长",
            approver=w.users["juzhang"],
            on=D(2026, 6, 1),
        )


def test_manual_pause_and_resume_shift_the_due_day(case_world) -> None:
    w = case_world
    case = _penalty(case_world, D(2026, 3, 2))
    decide = _clock(case, "decide")
    with pytest.raises(SanxiangError, match="原因"):
        clocks.pause_clock(w.users["zhangsan"], decide, reason="  ", on=D(2026, 4, 1))
    clocks.pause_clock(w.users["zhangsan"], decide, reason="委托鉴定", on=D(2026, 4, 1))
    decide.refresh_from_db()
    assert decide.state == Clock.State.PAUSED
    with pytest.raises(SanxiangError, match="已处于暂停"):
        clocks.pause_clock(w.users["zhangsan"], decide, reason="again", on=D(2026, 4, 2))
    clocks.resume_clock(w.users["zhangsan"], decide, on=D(2026, 4, 11))
    decide.refresh_from_db()
    assert decide.paused_days == 10 and decide.due_on == D(2026, 6, 10)
    assert list(decide.events.values_list("kind", flat=True)) == ["start", "pause", "resume"]
    assert decide.events.get(kind="pause").reason == "委托鉴定"
    assert AuditEvent.objects.filter(action__in=["case.clock_pause", "case.clock_resume"]).count() == 2


def test_working_day_pause_over_national_day(case_world) -> None:
    case = _licensing(case_world, D(2026, 9, 17), D(2026, 9, 21))
    decide = _clock(case, "decide")
    clocks.pause_clock(case_world.users["zhangsan"], decide, reason="等待申请人补正材料", on=D(2026, 9, 30))
    clocks.resume_clock(
        case_world.users["zhangsan"], decide, on=D(2026, 10, 9)
    )  # 10-08, 10-09 = 2 working days
    decide.refresh_from_db()
    assert decide.paused_days == 2 and decide.due_on == D(2026, 10, 28)


def test_only_case_handlers_of_the_agency_may_pause(case_world, persona) -> None:
    case = _penalty(case_world, D(2026, 3, 2))
    for who in ("wangwu", "jiandu", "sysadmin"):
        with pytest.raises(PermissionDenied):
            clocks.pause_clock(persona(who), _clock(case, "decide"), reason="x", on=D(2026, 3, 5))
    assert _clock(case, "decide").state == Clock.State.RUNNING


def test_closed_case_clocks_are_read_only(case_world) -> None:
    case = _penalty(case_world, D(2026, 3, 2))
    case.status = "closed"
    case.save()
    with pytest.raises(SanxiangError, match="已结案"):
        clocks.pause_clock(case_world.users["zhangsan"], _clock(case, "decide"), reason="x", on=D(2026, 3, 5))


def test_run_clocks_recomputes_and_reports(case_world) -> None:
    from io import StringIO

    from django.core.management import call_command

    case = _licensing(case_world, D(2026, 9, 17), D(2026, 9, 21))
    Clock.objects.filter(case=case, step_id="decide").update(due_on=D(2026, 10, 1))  # stale due day
    out = StringIO()
    call_command("run_clocks", "--today", "2026-10-27", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert _clock(case, "decide").due_on == D(2026, 10, 26)
    assert f"[逾期] 玉司 {case.number}" in text and "重新计算届满日 1 个；已逾期 1 个" in text


def test_completing_while_paused_counts_the_pause(case_world) -> None:
    """Paused 03-30 (鉴定), the decision made 06-05 without a manual resume: the 67 paused days still count."""
    case = _penalty(case_world, D(2026, 3, 2))
    clocks.pause_clock(
        case_world.users["zhangsan"], _clock(case, "decide"), reason="委托鉴定", on=D(2026, 3, 30)
    )
    walk(
        case,
        [
            ("investigation_report", D(2026, 6, 5)),
            ("review_scope", D(2026, 6, 5)),
            ("complexity", D(2026, 6, 5)),
            ("decide", D(2026, 6, 5)),
            ("serve", D(2026, 6, 5)),
        ],
    )
    decide = _clock(case, "decide")
    assert decide.paused_days == 67 and decide.due_on == D(2026, 8, 6)
    assert decide.met is True
    assert list(decide.events.values_list("kind", flat=True)) == ["start", "pause", "resume", "stop"]
