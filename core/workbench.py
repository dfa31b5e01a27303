"""The calendar's contribution to the 工作台: warn from 1 November when next year is not loaded."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from accounts.access import can
from core import rules
from core.models import CalendarYear
from sanxiang.workbench import Item


def items(user: Any) -> tuple[list[Item], list[Item]]:
    today = timezone.localdate()
    if not rules.next_year_calendar_missing(today, CalendarYear.objects.values_list("year", flat=True)):
        return [], []
    nxt = today.year + 1
    manage = can(user, "calendar.manage")
    warning = Item(
        title=f"{nxt}年节假日安排尚未载入工作日历",
        detail=(
            "跨入下一年的工作日期限将无法计算。请导入国务院办公厅公布的放假安排。"
            if manage
            else "跨入下一年的工作日期限将无法计算，请提醒系统管理员导入。"
        ),
        url=reverse("core:calendar") + f"?year={nxt}" if manage else "",
        level="yellow",
    )
    todos = [Item(title=f"导入{nxt}年节假日安排", url=warning.url, level="yellow")] if manage else []
    return todos, [warning]
