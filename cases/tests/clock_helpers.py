"""Drive a case through its steps for clock tests without the workflow engine: write the CaseStep rows directly and
call the clock hooks the way ``cases.actions.case.advance`` does (complete, then enter)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from cases.actions import clocks
from cases.models import Case, CaseStep
from catalog.process import get as get_process


def _moment(day: date) -> Any:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=10))


def current(case: Case) -> CaseStep:
    return CaseStep.objects.filter(case=case).order_by("-seq").first()  # type: ignore[return-value]


def advance(case: Case, to: str, on: date, actor: Any = None) -> CaseStep:
    """Complete the current step on ``on`` and enter ``to`` (must be a next of the current step)."""
    process = get_process(case.procedure)
    row = current(case)
    assert to in [t.to for t in process.step(row.step_id).next], f"{row.step_id} → {to} not in the YAML"
    row.completed_on = on
    row.completed_at = _moment(on)
    row.transition_to = to
    row.completed_by = actor
    row.save()
    clocks.on_step_completed(case, row, on=on, actor=actor)
    step = process.step(to)
    new = CaseStep.objects.create(
        case=case, seq=row.seq + 1, step_id=to, name=step.name, entered_at=_moment(on), entered_on=on
    )
    case.current_step, case.current_step_name = to, step.name
    if step.end:
        case.status = Case.Status.ENDED
        new.completed_on, new.completed_at = on, _moment(on)
        new.save()
    case.save()
    clocks.on_step_entered(case, new, on=on, actor=actor)
    if step.end:
        clocks.stop_all(case, on=on, actor=actor)
    return new


def walk(case: Case, path: list[tuple[str, date]], actor: Any = None) -> None:
    for to, on in path:
        advance(case, to, on, actor)
