"""法制审核 on the 工作台: the reviewer's reviews due (yellow at 1 working day left, red when overdue), the reviews
returned to the 承办科室 for an answer, extension requests awaiting the 分管领导, 集体讨论 records awaiting a 负责人's
signature. Each links to the page where the user acts.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounts.access import can
from review import selectors
from review.models import Review
from sanxiang.workbench import Item

MAX_ITEMS = 30


def _due_items(user: Any) -> tuple[list[Item], list[Item]]:
    todos: list[Item] = []
    warnings: list[Item] = []
    for review in selectors.queue(user)[:MAX_ITEMS]:
        view = selectors.clock_view(review)
        url = reverse("review:detail", args=[review.pk])
        due = view["due_on"].isoformat() if view and view.get("due_on") else ""
        level = view["status"] if view and view.get("status") in ("red", "yellow") else "info"
        todos.append(
            Item(
                title=f"法制审核：{review.number} {review.case.title}",
                detail=f"{review.case.number} · 第{review.rounds}次送审"
                + ("" if review.reviewer_id else " · 尚未分配"),
                url=url,
                level=level,
                due=due,
            )
        )
        if level == "red":
            left = view.get("days_left") if view else None
            over = f"已逾期{-left}个工作日" if isinstance(left, int) and left < 0 else "已逾期"
            warnings.append(
                Item(
                    title=f"法制审核逾期：{review.number}",
                    detail=f"{review.case.number} {review.case.title}；{due} 届满，{over}（工作方案二（三）3）",
                    url=url,
                    level="red",
                    due=due,
                )
            )
        elif level == "yellow":
            left = view.get("days_left") if view else None
            warnings.append(
                Item(
                    title=f"法制审核即将届满：{review.number}",
                    detail=f"{review.case.number} {review.case.title}；{due} 届满，还剩{left}个工作日",
                    url=url,
                    level="yellow",
                    due=due,
                )
            )
    return todos, warnings


def _returned(user: Any) -> list[Item]:
    reviews = selectors.submissions_for(user).filter(state=Review.State.RETURNED)[:MAX_ITEMS]
    return [
        Item(
            title=f"答复法制审核意见：{r.number} {r.case.title}",
            detail=f"{r.case.number} · 第{r.rounds}次送审被退回修改，请按审核意见处理后重新送审",
            url=reverse("review:resubmit", args=[r.pk]),
            level="info",
        )
        for r in reviews
    ]


def _approvals(user: Any) -> list[Item]:
    items = [
        Item(
            title=f"审批延长审核期限：{e.review.number}",
            detail=f"{e.review.case.number} {e.review.case.title} · 申请延长{e.days}个工作日：{e.reason}",
            url=reverse("review:approvals"),
            level="info",
        )
        for e in selectors.pending_extensions(user)[:MAX_ITEMS]
    ]
    items += [
        Item(
            title=f"集体讨论笔录待签名：{d.case.number}",
            detail=f"{d.case.title} · {d.place}",
            url=reverse("review:case_reviews", args=[d.case_id]),
            level="info",
        )
        for d in selectors.unsigned_discussions(user)[:MAX_ITEMS]
    ]
    return items


def items(user: Any) -> tuple[list[Item], list[Item]]:
    if not getattr(user, "is_authenticated", False) or user.agency_id is None:
        return [], []
    todos: list[Item] = []
    warnings: list[Item] = []
    if can(user, "review.review", user.agency_id):
        todos, warnings = _due_items(user)
    if can(user, "review.submit", user.agency_id):
        todos += _returned(user)
    if can(user, "review.approve", user.agency_id):
        todos += _approvals(user)
    return todos, warnings
