"""年度数据 on the 工作台: from 1月1日 until the previous year's report is published, a warning to those who publish
it (publicity.review: 公示审核员、监督员) — yellow in January, red after 1月31日 (国办发〔2018〕118号：每年1月31日前
公开上年度行政执法数据). One line for the user's own agency, one summary line for the other 司法局s in scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from accounts.access import agency_scope
from core.models import Agency
from publicity import annual
from publicity.models import AnnualReport
from sanxiang.workbench import Item


def items(user: Any, today: date | None = None) -> tuple[list[Item], list[Item]]:
    return [], warnings(user, today)


def warnings(user: Any, today: date | None = None) -> list[Item]:
    scope = agency_scope(user, "publicity.review")
    if not scope:
        return []
    today = today or timezone.localdate()
    year = today.year - 1
    # The report duty: the 司法局s in scope, and the user's own agency.
    agencies = list(
        Agency.objects.filter(id__in=scope, is_active=True)
        .filter(is_supervision_body=True)
        .order_by("region__sort", "sort", "id")
        .values_list("id", "name")
    )
    if user.agency_id in scope and all(a != user.agency_id for a, _ in agencies):
        agencies.insert(0, (user.agency_id, user.agency.name))
    published = set(
        AnnualReport.objects.filter(
            agency_id__in=[a for a, _ in agencies], year=year, publication__isnull=False
        ).values_list("agency_id", flat=True)
    )
    missing = [(a, n) for a, n in agencies if a not in published]
    level = annual.warning_level(today, not missing)
    if level is None:
        return []
    due = f"{today.year}-01-31"
    late = "已超过1月31日公开期限" if level == "red" else "须于1月31日前公开"
    out = []
    own = [(a, n) for a, n in missing if a == user.agency_id]
    others = [(a, n) for a, n in missing if a != user.agency_id]
    for agency_id, name in own:
        out.append(
            Item(
                title=f"{year}年度行政执法数据尚未公开：{name}",
                detail=f"{late}（国办发〔2018〕118号）；请计算六张统计表、填写情况说明后公开",
                url=reverse("annual:detail", kwargs={"agency_id": agency_id, "year": year}),
                level=level,
                due=due,
            )
        )
    if others:
        names = "、".join(n for _a, n in others[:5]) + ("等" if len(others) > 5 else "")
        out.append(
            Item(
                title=f"{len(others)}个机关的{year}年度行政执法数据尚未公开",
                detail=f"{names}；{late}",
                url=reverse("annual:index") + f"?year={year}",
                level=level,
                due=due,
            )
        )
    return out
