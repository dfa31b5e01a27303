"""Statutory clocks as objects with events (design.md §4): start, pause, resume, extend, stop.

Clocks come from the process YAML (``catalog.process``): every step S with a ``clock`` C gets one clock per case,
code = S.id. Where C counts from (``C.from_``):

- an outside event (``received`` 收到申请材料, ``discovered`` 发现违法行为) → started by ``on_case_opened``;
- S's own id → started when S is entered (``on_step_entered``), e.g. 法制审核 5 个工作日;
- another step F → started when F is completed (``on_step_completed``), e.g. 立案 → 九十日内作出决定.

The clock guards S: it stops when S is completed (met = stopped on or before the due day), or as 不适用 (met=None)
when the case takes a branch that can no longer reach S, or ends without reaching it (``stop_all``). A loop that
re-enters S while its clock runs continues that clock (no duplicate); if F is completed again after S's clock
stopped (a second 先行登记保存, a second 法制审核), a new clock ``S.id#2`` starts.

``C.excludes``: while the case is in one of those steps the clock is paused automatically (《行政许可法》第四十五条),
and resumed when the case leaves them. Manual pause/resume (听证、鉴定、等待当事人) and extensions with the approval
of the configured 负责人 role are recorded with who, when and why. Hooks are called by ``cases.actions.case``
inside its transaction; the manual actions open their own and write the audit chain.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.access import require
from audit.chain import record
from cases import clock_rules
from cases.models import Case, CaseStep, Clock, ClockEvent
from catalog.process import CLOCK_EVENTS, CLOCK_UNITS, Process, Step
from catalog.process import get as get_process
from core.errors import SanxiangError
from core.workdays import DbCalendar

AUTO = "【自动】"


class ClockCalendar:
    """The DB working-day calendar; a year whose holiday arrangement is not loaded yet is counted Monday–Friday
    and noted in ``provisional`` (the due day is recomputed by ``manage.py run_clocks --recompute`` once the
    year is loaded; the clocks page shows such dates as 暂按周一至周五推算)."""

    def __init__(self) -> None:
        self.db = DbCalendar()
        self.provisional: set[int] = set()

    def exception(self, day: date) -> str | None:
        if day.year in self.db.loaded_years():
            return self.db.exception(day)
        self.provisional.add(day.year)
        return None


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _due(clock: Clock, calendar: Any | None = None) -> date:
    return clock_rules.clock_due(
        clock.start_on,
        clock.days,
        clock.unit,
        extended_days=clock.extended_days,
        paused_days=clock.paused_days,
        calendar=calendar or ClockCalendar(),
    )


def _from_label(step: Step, process: Process) -> str:
    assert step.clock is not None
    source = step.clock.from_
    if source in CLOCK_EVENTS:
        return CLOCK_EVENTS[source]
    if source == step.id:
        return f"进入“{step.name}”之日"
    return f"“{process.step(source).name}”完成之日"


def _event(
    clock: Clock,
    kind: str,
    on: date,
    actor: Any = None,
    *,
    reason: str = "",
    days: int | None = None,
    approver: Any = None,
) -> ClockEvent:
    return ClockEvent.objects.create(
        clock=clock,
        kind=kind,
        on=on,
        reason=reason[:300],
        days=days,
        actor=actor if getattr(actor, "pk", None) else None,
        approver=approver,
    )


def _start(case: Case, step: Step, process: Process, *, start_on: date, actor: Any) -> Clock | None:
    """Start S's clock unless one is already running (a loop re-entering S continues it)."""
    c = step.clock
    assert c is not None
    existing = list(Clock.objects.filter(case=case, step_id=step.id))
    if any(k.state != Clock.State.STOPPED for k in existing):
        return None
    code = step.id if not existing else f"{step.id}#{len(existing) + 1}"
    ext = c.extendable
    clock = Clock(
        case=case,
        code=code,
        step_id=step.id,
        label=f"{step.name}（{c.label}）"[:80],
        article=c.article[:200],
        kind=c.kind,
        unit=c.unit,
        days=c.days,
        max_extension_days=ext.days if ext else 0,
        extension_approver_role=ext.approver_role if ext else "",
        start_on=start_on,
        state=Clock.State.RUNNING,
        inferred=bool(c.inferred or (ext and ext.inferred)),
        warn_days=c.warn_days,
    )
    clock.due_on = _due(clock)
    clock.save()
    _event(clock, ClockEvent.Kind.START, start_on, actor, reason=f"自{_from_label(step, process)}起算")
    if case.current_step in c.excludes:  # started while the case is in a step that does not count
        _pause(clock, start_on, actor, reason=f"{AUTO}案件处于“{case.current_step_name}”，不计入期限")
    return clock


def _pause(clock: Clock, on: date, actor: Any, *, reason: str) -> None:
    clock.state = Clock.State.PAUSED
    clock.save(update_fields=["state"])
    _event(clock, ClockEvent.Kind.PAUSE, on, actor, reason=reason)


def _last_pause(clock: Clock) -> ClockEvent | None:
    return clock.events.filter(kind=ClockEvent.Kind.PAUSE).order_by("-id").first()


def _resume(clock: Clock, on: date, actor: Any, *, reason: str = "", calendar: Any = None) -> None:
    calendar = calendar or ClockCalendar()
    pause = _last_pause(clock)
    paused_on = pause.on if pause else on
    n = clock_rules.paused_length(paused_on, on, clock.unit, calendar)
    clock.paused_days += n
    clock.state = Clock.State.RUNNING
    clock.due_on = _due(clock, calendar)
    clock.save(update_fields=["paused_days", "state", "due_on"])
    _event(clock, ClockEvent.Kind.RESUME, on, actor, reason=reason, days=n)


def _settle(clock: Clock, on: date, actor: Any) -> None:
    """End a pause still open when the clock stops, so the paused days count before ``met`` is judged."""
    if clock.state == Clock.State.PAUSED:
        last = _last_pause(clock)
        _resume(clock, max(on, last.on) if last else on, actor, reason=f"{AUTO}停止计时，结束暂停")


def _stop(clock: Clock, on: date, actor: Any, *, met: bool | None, reason: str) -> None:
    _settle(clock, on, actor)
    clock.state = Clock.State.STOPPED
    clock.stopped_on = on
    clock.met = met
    clock.save(update_fields=["state", "stopped_on", "met"])
    _event(clock, ClockEvent.Kind.STOP, on, actor, reason=reason)


def _open_clocks(case: Case) -> list[Clock]:
    return list(Clock.objects.filter(case=case).exclude(state=Clock.State.STOPPED).order_by("id"))


# --- hooks called by the workflow (cases.actions.case) ------------------------------------------------------


def on_case_opened(case: Case, *, on: date | None = None, actor: Any = None) -> None:
    """Start the clocks that count from an outside event: 收到申请材料 (``received``: 《行政许可法》第三十二条 五日内一次
    告知补正) and 发现违法行为 (``discovered``). The start step's own clocks start here too."""
    day = _today(on)
    process = get_process(case.procedure)
    for step in process.clocked_steps:
        assert step.clock is not None
        source = step.clock.from_
        if source == "received":
            _start(case, step, process, start_on=case.received_on or day, actor=actor)
        elif source == "discovered":
            _start(case, step, process, start_on=case.discovered_on or day, actor=actor)
        elif source == step.id == case.current_step:
            _start(case, step, process, start_on=day, actor=actor)


def on_step_entered(case: Case, row: CaseStep, *, on: date | None = None, actor: Any = None) -> None:
    """The case entered ``row.step_id``: clocks that can no longer apply stop as 不适用; clocks excluding this step
    pause (《行政许可法》第四十五条), auto-paused clocks not excluding it resume; S's own clock starts."""
    day = _today(on or row.entered_on)
    process = get_process(case.procedure)
    entered = row.step_id
    calendar = ClockCalendar()
    for clock in _open_clocks(case):
        try:
            guarded = process.step(clock.step_id)
        except SanxiangError:
            continue
        c = guarded.clock
        if c is None:
            continue
        if clock.step_id != entered and not clock_rules.guarded_step_reachable(
            process, c.from_, entered, clock.step_id
        ):
            _stop(
                clock,
                day,
                actor,
                met=None,
                reason=f"案件转入“{row.name}”，不再经过“{guarded.name}”，该期限不适用",
            )
            continue
        if entered in c.excludes and clock.state == Clock.State.RUNNING:
            _pause(clock, day, actor, reason=f"{AUTO}进入“{row.name}”，所需时间不计入期限（{c.article}）")
        elif entered not in c.excludes and clock.state == Clock.State.PAUSED:
            last = _last_pause(clock)
            if last is not None and last.reason.startswith(AUTO):
                _resume(
                    clock,
                    day,
                    actor,
                    reason=f"{AUTO}离开不计入期限的环节，进入“{row.name}”",
                    calendar=calendar,
                )
    step = process.step(entered)
    if step.clock and step.clock.from_ == step.id:
        _start(case, step, process, start_on=day, actor=actor)


def on_step_completed(case: Case, row: CaseStep, *, on: date | None = None, actor: Any = None) -> None:
    """``row.step_id`` was completed: its own clocks stop (met = on or before the due day; a minimum period not yet
    run refuses the completion — 《行政处罚法》第六十四条第二项), and clocks counting from this step start."""
    day = _today(on or row.completed_on)
    process = get_process(case.procedure)
    done = row.step_id
    guarded = [k for k in _open_clocks(case) if k.step_id == done]
    for clock in guarded:
        if clock.kind == "minimum" and not clock_rules.minimum_met(day, clock.due_on):
            source = process.step(clock.step_id).clock
            since = _from_label(process.step(clock.step_id), process) if source else "起算日"
            raise SanxiangError(
                f"办理日期：“{row.name}”须在{since}起满{clock.days}{CLOCK_UNITS.get(clock.unit, '日')}后方可进行，"
                f"最早 {clock.due_on:%Y-%m-%d}（{clock.article}）",
                field="on",
                code="clock_minimum",
            )
    for clock in guarded:
        if clock.kind == "minimum":
            _stop(clock, day, actor, met=True, reason=f"“{row.name}”于提前量届满后进行")
        else:
            _settle(clock, day, actor)
            met = clock_rules.deadline_met(day, clock.due_on)
            _stop(clock, day, actor, met=met, reason=f"“{row.name}”办结" + ("" if met else "（已逾期）"))
    for step in process.clocked_steps:
        assert step.clock is not None
        if step.clock.from_ != done or step.id == done:
            continue
        # a branch that cannot lead to S (不予立案 after 立案审批) starts no clock for S
        if row.transition_to and not clock_rules.guarded_step_reachable(
            process, done, row.transition_to, step.id
        ):
            continue
        _start(case, step, process, start_on=day, actor=actor)


def stop_all(case: Case, *, on: date | None = None, actor: Any = None) -> None:
    """The case is closed or ended: every clock still open stops. A step never reached makes its clock 不适用
    (met=None); one that had already run out stays recorded as missed (met=False)."""
    day = _today(on)
    for clock in _open_clocks(case):
        _settle(clock, day, actor)
        overdue = clock.kind != "minimum" and day > clock.due_on
        _stop(
            clock,
            day,
            actor,
            met=False if overdue else None,
            reason="案件办结/终止，未经过该环节" + ("（此前已逾期）" if overdue else "，期限不适用"),
        )


# --- clocks driven by another app (法制审核: review.actions) -------------------------------------------------


def start_on_event(case: Case, event: str, *, on: date, actor: Any = None) -> Clock | None:
    """Start the clock of every step counting from the outside ``event`` (``catalog.process.CLOCK_EVENTS``, e.g.
    ``review_received`` 收到齐全的法制审核送审材料之日, 工作方案二（三）3) and return it; a clock of that step already
    running is returned as is (a resubmission continues it). Called inside the caller's transaction."""
    process = get_process(case.procedure)
    found: Clock | None = None
    for step in process.clocked_steps:
        assert step.clock is not None
        if step.clock.from_ != event:
            continue
        found = _start(case, step, process, start_on=on, actor=actor) or (
            Clock.objects.filter(case=case, step_id=step.id).exclude(state=Clock.State.STOPPED).first()
        )
    return found


def hold(clock: Clock, *, on: date, actor: Any, reason: str) -> None:
    """Pause a running clock for a reason recorded by the calling action (法制审核退回修改期间不计入)."""
    if clock.state == Clock.State.RUNNING:
        _pause(clock, on, actor, reason=reason)


def release(clock: Clock, *, on: date, actor: Any, reason: str) -> None:
    """Resume a clock paused by ``hold``; the paused working days move the due day."""
    if clock.state == Clock.State.PAUSED:
        _resume(clock, on, actor, reason=reason)


def finish(clock: Clock, *, on: date, actor: Any, reason: str) -> bool:
    """Stop a clock because its act was done on ``on``; returns whether it was met (due day inclusive)."""
    if clock.state == Clock.State.STOPPED:
        return bool(clock.met)
    _settle(clock, on, actor)
    met = clock_rules.deadline_met(on, clock.due_on)
    _stop(clock, on, actor, met=met, reason=reason + ("" if met else "（已逾期）"))
    return met


def extend_approved(clock: Clock, *, days: int, on: date, actor: Any, approver: Any, reason: str) -> None:
    """Record an extension the caller has already checked and had approved (who asked: ``actor``; who approved:
    ``approver``)."""
    clock.extended_days += int(days)
    clock.due_on = _due(clock)
    clock.save(update_fields=["extended_days", "due_on"])
    _event(clock, ClockEvent.Kind.EXTEND, on, actor, reason=reason, days=int(days), approver=approver)


# --- manual actions -----------------------------------------------------------------------------------------


def _check_manual(user: Any, clock: Clock) -> Case:
    case = clock.case
    require(user, "case.handle", case.agency_id)
    if case.is_read_only:
        raise SanxiangError("案件已结案或终止，期限不能再变更", field="case", code="case_read_only")
    if clock.state == Clock.State.STOPPED:
        raise SanxiangError(f"{clock.label}：已停止计时，不能再变更", field="clock", code="clock_stopped")
    if clock.kind == "minimum":
        raise SanxiangError(f"{clock.label}：提前量期限不能暂停或延长", field="clock", code="clock_minimum")
    if clock_from(case, clock) == "review_received":
        raise SanxiangError(
            f"{clock.label}：由法制审核办理——退回修改期间自动暂停；延长须由法制审核员申请、分管领导审批"
            "（玉溪市司法局三项制度工作方案二（三）3）",
            field="clock",
            code="clock_managed",
        )
    return case


def clock_from(case: Case, clock: Clock) -> str:
    """Where ``clock`` counts from according to its process definition ("" when the step is gone)."""
    try:
        spec = get_process(case.procedure).step(clock.step_id).clock
    except SanxiangError:
        return ""
    return spec.from_ if spec else ""


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise SanxiangError("原因：必须填写（暂停、延长期限须记明理由）", field="reason", code="required")
    if len(text) > 280:
        raise SanxiangError("原因：不超过280字", field="reason", code="too_long")
    return text


def pause_clock(user: Any, clock: Clock, *, reason: str, on: date | None = None) -> Clock:
    """Pause a running clock (听证、鉴定、等待当事人…; 《行政许可法》第四十五条; for 处罚 the grounds are configurable
    and inferred — ``clock_rules.PAUSE_REASONS``)."""
    text = _reason(reason)
    day = _today(on)
    with transaction.atomic():
        clock = Clock.objects.select_for_update().get(pk=clock.pk)
        case = _check_manual(user, clock)
        if clock.state != Clock.State.RUNNING:
            raise SanxiangError(f"{clock.label}：已处于暂停状态", field="clock", code="clock_paused")
        problem = clock_rules.pause_problem(day, clock.start_on, clock.due_on)
        if problem:
            raise SanxiangError(f"{problem}（{clock.article}）", field="on", code="clock_pause")
        _pause(clock, day, user, reason=text)
        record(
            "case.clock_pause",
            actor=user,
            agency_id=case.agency_id,
            obj=clock,
            payload={"case": case.number, "clock": clock.code, "on": day.isoformat(), "reason": text},
        )
    return clock


def resume_clock(user: Any, clock: Clock, *, on: date | None = None) -> Clock:
    """Resume a paused clock; the paused days (after the pause day up to the resume day, in the clock's unit) move
    the due day (《行政许可法》第四十五条)."""
    day = _today(on)
    with transaction.atomic():
        clock = Clock.objects.select_for_update().get(pk=clock.pk)
        case = _check_manual(user, clock)
        if clock.state != Clock.State.PAUSED:
            raise SanxiangError(f"{clock.label}：未处于暂停状态", field="clock", code="clock_not_paused")
        before = clock.due_on
        _resume(clock, day, user, reason="恢复计时")
        record(
            "case.clock_resume",
            actor=user,
            agency_id=case.agency_id,
            obj=clock,
            payload={
                "case": case.number,
                "clock": clock.code,
                "on": day.isoformat(),
                "due_before": before.isoformat(),
                "due_on": clock.due_on.isoformat(),
            },
        )
    return clock


def approver_holds_role(approver: Any, clock: Clock) -> bool:
    """The approver is an active user of the case's agency holding the clock's approval role (e.g. 分管领导)."""
    return bool(
        approver is not None
        and getattr(approver, "is_active", False)
        and approver.agency_id == clock.case.agency_id
        and clock.extension_approver_role
        and clock.extension_approver_role in approver.role_codes
    )


def extend_clock(
    user: Any, clock: Clock, *, days: int, reason: str, approver: Any, on: date | None = None
) -> Clock:
    """Extend a clock with the approval of the configured role (《行政许可法》第四十二条 +10 个工作日 by the
    负责人; 法制审核 +3 by the 分管领导), at most the configured days in total, before it runs out."""
    text = _reason(reason)
    day = _today(on)
    with transaction.atomic():
        clock = Clock.objects.select_for_update().select_related("case").get(pk=clock.pk)
        case = _check_manual(user, clock)
        problem = clock_rules.extension_problem(
            requested=int(days),
            already=clock.extended_days,
            maximum=clock.max_extension_days,
            today=day,
            due_on=clock.due_on,
            approver_has_role=approver_holds_role(approver, clock),
        )
        if problem:
            raise SanxiangError(
                f"{clock.label}：{problem}（{clock.article}）", field="days", code="clock_extension"
            )
        before = clock.due_on
        clock.extended_days += int(days)
        clock.due_on = _due(clock)
        clock.save(update_fields=["extended_days", "due_on"])
        _event(clock, ClockEvent.Kind.EXTEND, day, user, reason=text, days=int(days), approver=approver)
        record(
            "case.clock_extend",
            actor=user,
            agency_id=case.agency_id,
            obj=clock,
            payload={
                "case": case.number,
                "clock": clock.code,
                "days": int(days),
                "approver": approver.pk,
                "reason": text,
                "due_before": before.isoformat(),
                "due_on": clock.due_on.isoformat(),
            },
        )
    return clock


def recompute(clock: Clock, calendar: Any | None = None) -> bool:
    """Recompute a clock's due day from its events (after a holiday arrangement was loaded or corrected).
    Returns True when the stored due day changed. Not an act on the case: no audit event (the inputs did not
    change)."""
    if clock.state == Clock.State.STOPPED:
        return False
    due = _due(clock, calendar)
    if due == clock.due_on:
        return False
    Clock.objects.filter(pk=clock.pk).update(due_on=due)
    clock.due_on = due
    return True
