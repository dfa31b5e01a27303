"""Read-only queries of the cases app (no state changes here)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.access import scoped
from cases import workflow
from cases.models import Case, CaseStep


def visible_cases(user: Any, capability: str = "case.read") -> QuerySet[Case]:
    """Cases of the agencies where ``user`` holds ``capability`` (own agency for case.read / case.handle; nothing
    for the 三员 or other agencies' staff)."""
    return scoped(user, capability, Case.objects.select_related("agency", "item", "department"))


def current_step_row(case: Case) -> CaseStep:
    """The CaseStep row of the step the case is at (the last one entered)."""
    row = case.steps.order_by("-seq").first()
    if row is None:  # pragma: no cover - every case is created with its start step
        raise CaseStep.DoesNotExist(f"案件 {case.pk} 没有办理环节记录")
    return row


def available_transitions(case: Case) -> list[dict[str, Any]]:
    """Where the case may go from its current step: ``[{"to", "name", "when", "is_end", "is_close", "via", "loop"}]``
    read from the process YAML with gateways expanded (``via`` lists the gateways passed). Empty for a closed or
    ended case. ``is_close``: the 结案/归档 step, entered through ``close_case`` (compliance sheet first)."""
    if case.is_read_only:
        return []
    process = workflow.process_for(case.procedure)
    return [r.as_dict() for r in workflow.routes(process, case.current_step)]


def step_history(case: Case) -> QuerySet[CaseStep]:
    """Every passage of the case through a step, in order, with its officers."""
    return case.steps.order_by("seq").prefetch_related("officers__officer")


def active_assignments(case: Case) -> QuerySet[Any]:
    """承办人员 currently on the case (not released)."""
    return case.assignments.filter(released_at__isnull=True).select_related("officer")


def blocked_officer_ids(case: Case) -> dict[int, str]:
    """officer id → "granted" | "pending" for officers who may not act on this case (《行政处罚法》第四十三条)."""
    from cases.models import Recusal

    result: dict[int, str] = {}
    for officer_id, decision in case.recusals.filter(
        decision__in=[Recusal.Decision.GRANTED, Recusal.Decision.PENDING]
    ).values_list("officer_id", "decision"):
        if result.get(officer_id) != "granted":
            result[officer_id] = decision
    return result


def eligible_officers(case: Case, on: Any = None) -> list[Any]:
    """Officers of the case's agency who may be recorded on an act of this case on ``on`` (default today):
    assignable that day (valid 执法证, 在岗), 执法类别 covering the 事项, no granted or pending 回避 on this case
    (《行政处罚法》第四十二条、第四十三条). For the officer checkboxes of the advance form."""
    from django.utils import timezone

    from org.selectors import assignable_officers

    day = on or timezone.localdate()
    label = str(case.item.get_category_display())
    blocked = blocked_officer_ids(case)
    return [
        officer
        for officer in assignable_officers(case.agency_id, day).order_by("name")
        if label in (officer.categories or []) and officer.pk not in blocked
    ]
