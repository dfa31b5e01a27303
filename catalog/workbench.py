"""The 事项清单 on the 工作台: items waiting for review (监督科) and items returned for changes (科室).

Seed 二(一)3: 各执法科室梳理事项清单报局行政执法协调监督科统一审查汇总后进行公示.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounts.access import agency_scope
from catalog.models import Item
from publicity.rules import RETURNED, SUBMITTED
from sanxiang.workbench import Item as WorkItem

MAX_RETURNED = 10


def items(user: Any) -> tuple[list[WorkItem], list[WorkItem]]:
    todos: list[WorkItem] = []
    review_scope = agency_scope(user, "publicity.review")
    if review_scope:
        waiting = Item.objects.filter(agency_id__in=review_scope, state=SUBMITTED, is_abolished=False)
        count = waiting.count()
        if count:
            oldest = waiting.order_by("submitted_at").values_list("submitted_at", flat=True).first()
            todos.append(
                WorkItem(
                    title=f"事项清单待审核：{count} 项",
                    detail="各科室报送的执法事项，审核通过即在门户公示",
                    url=reverse("catalog:review_queue"),
                    level="info",
                    due=f"最早报送于 {oldest:%Y-%m-%d}" if oldest else "",
                )
            )
    draft_scope = agency_scope(user, "publicity.draft")
    if draft_scope:
        returned = Item.objects.filter(agency_id__in=draft_scope, state=RETURNED, is_abolished=False)
        department_id = getattr(user, "department_id", None)
        if department_id:
            returned = returned.filter(department_id=department_id)
        for item in returned.order_by("-updated_at")[:MAX_RETURNED]:
            todos.append(
                WorkItem(
                    title=f"事项被退回修改：{item.name}",
                    detail=f"退回意见：{item.return_comment[:80]}",
                    url=reverse("catalog:item_detail", args=[item.pk]),
                    level="yellow",
                )
            )
    return todos, []
