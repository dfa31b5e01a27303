"""结果公示 on the 工作台: drafts to publish and changed decisions to withdraw (公示审核员、监督员), yellow at 2 working
days left and red when overdue; the 承办科室 sees its agency's overdue drafts as warnings."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from accounts.access import agency_scope
from publicity import result_rules as rr
from publicity import results
from publicity.models import DecisionChange, ResultDraft
from sanxiang.workbench import Item

MAX_ITEMS = 30


def _drafts(agencies: set[int], *, todo: bool) -> tuple[list[Item], list[Item]]:
    today = timezone.localdate()
    cal = results.calendar()
    todos: list[Item] = []
    warnings: list[Item] = []
    drafts = (
        ResultDraft.objects.filter(agency_id__in=agencies, state=ResultDraft.State.PENDING)
        .select_related("case")
        .order_by("due_on", "id")[:MAX_ITEMS]
    )
    for d in drafts:
        badge = rr.badge(d.due_on, today, cal)
        url = reverse("results:draft", args=[d.pk])
        title = f"结果公示：{d.case.number} {d.fields.get('party', '')}"
        if todo:
            todos.append(
                Item(
                    title=title,
                    detail=f"{d.category} · {badge['text']}",
                    url=url,
                    level=badge["level"] if badge["level"] != "ok" else "info",
                    due=d.due_on.isoformat(),
                )
            )
        if badge["level"] in ("red", "yellow"):
            warnings.append(
                Item(
                    title=("结果公示逾期：" if badge["level"] == "red" else "结果公示即将届满：")
                    + d.case.number,
                    detail=f"{d.category}决定 {d.decided_on:%Y-%m-%d} 作出；{badge['text']}（{rr.DEADLINE_ARTICLE}）",
                    url=url,
                    level=badge["level"],
                    due=d.due_on.isoformat(),
                )
            )
    return todos, warnings


def _changes(agencies: set[int]) -> tuple[list[Item], list[Item]]:
    today = timezone.localdate()
    cal = results.calendar()
    todos: list[Item] = []
    warnings: list[Item] = []
    rows = (
        DecisionChange.objects.filter(agency_id__in=agencies, withdrawn_on__isnull=True)
        .select_related("case")
        .order_by("due_on", "id")[:MAX_ITEMS]
    )
    url = reverse("results:changes")
    for c in rows:
        badge = rr.badge(c.due_on, today, cal)
        level = badge["level"] if badge["level"] != "ok" else "info"
        todos.append(
            Item(
                title=f"撤回结果公示：{c.case.number}（{c.get_change_display()}）",
                detail=badge["text"],
                url=url,
                level=level,
                due=c.due_on.isoformat(),
            )
        )
        if level in ("red", "yellow"):
            warnings.append(
                Item(
                    title=f"撤回期限{'已过' if level == 'red' else '将至'}：{c.case.number}",
                    detail=f"{badge['text']}（{rr.WITHDRAWAL_ARTICLE}）",
                    url=url,
                    level=level,
                    due=c.due_on.isoformat(),
                )
            )
    return todos, warnings


def items(user: Any) -> tuple[list[Item], list[Item]]:
    if not getattr(user, "is_authenticated", False) or user.agency_id is None:
        return [], []
    todos: list[Item] = []
    warnings: list[Item] = []
    reviewing = agency_scope(user, "publicity.review")
    if reviewing:
        t, w = _drafts(reviewing, todo=True)
        todos += t
        warnings += w
        t, w = _changes(reviewing)
        todos += t
        warnings += w
    handling = agency_scope(user, "case.handle") - reviewing
    if handling:  # the 承办 side sees its own agency's late drafts (谁执法谁公示)
        _t, w = _drafts(handling, todo=False)
        warnings += [i for i in w if i.level == "red"]
    return todos, warnings
