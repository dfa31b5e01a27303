"""双公示 on the 工作台 (公示审核员、监督员): one to-do per agency with records waiting to be exported to 信用中国（云南）,
yellow when one is due within 2 working days, red when one is overdue (then also a warning)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.models import Agency
from publicity import credit
from publicity.models import CreditRecord
from sanxiang.workbench import Item


def items(user: Any) -> tuple[list[Item], list[Item]]:
    scope = credit.scope(user)
    if not scope:
        return [], []
    try:
        base = reverse("credit:index")
    except NoReverseMatch:  # the page is not mounted
        return [], []
    rows = (
        CreditRecord.objects.filter(agency_id__in=scope, export__isnull=True)
        .values("agency_id")
        .annotate(n=Count("id"), first=Min("due_on"))
        .order_by("first")
    )
    names = dict(Agency.objects.filter(pk__in=[r["agency_id"] for r in rows]).values_list("pk", "name"))
    today = timezone.localdate()
    cal = credit.calendar()
    todos: list[Item] = []
    warnings: list[Item] = []
    for r in rows:
        level = credit.urgency(r["first"], today, cal)
        name = names.get(r["agency_id"], "")
        url = f"{base}?agency={r['agency_id']}"
        detail = f"待报送{r['n']}条，最早{r['first']:%Y-%m-%d}届满（许可、处罚决定7个工作日内报送信用中国（云南））"
        todos.append(
            Item(
                title=f"双公示报送：{name}",
                detail=detail,
                url=url,
                level=level or "info",
                due=str(r["first"]),
            )
        )
        if level == "red":
            warnings.append(
                Item(
                    title=f"双公示逾期未报送：{name}",
                    detail=detail,
                    url=url,
                    level="red",
                    due=str(r["first"]),
                )
            )
    return todos, warnings
