"""Working-day arithmetic and the holiday table in the API (read-only; any signed-in user).

A year whose arrangement is not loaded raises CalendarNotLoaded, which sanxiang.api turns into HTTP 400
``{"code": "calendar_not_loaded", "message": …, "field": "date"}``: a deadline is never guessed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from accounts.access import require
from core import workdays as wd
from core.models import CalendarYear, Holiday

router = Router(tags=["工作日历"])


class AddWorkdaysOut(Schema):
    start: dt.date
    n: int
    result: dt.date


class BetweenOut(Schema):
    start: dt.date
    end: dt.date
    workdays: int


class HolidayOut(Schema):
    date: dt.date
    kind: str
    kind_label: str
    name: str


class YearOut(Schema):
    year: int
    loaded: bool
    source: str
    entries: list[HolidayOut]


@router.get(
    "/add-workdays",
    response=AddWorkdaysOut,
    summary="起算日后第 N 个工作日",
    description="第 1 个工作日是起算日的次日起的第一个工作日（《行政处罚法》第八十五条、《行政许可法》第八十二条）；n=0 返回起算日本身。",
)
def add_workdays(request: HttpRequest, start: dt.date, n: int) -> dict[str, Any]:
    require(request.user, "workbench.view")
    return {"start": start, "n": n, "result": wd.add_workdays(start, n)}


@router.get(
    "/workdays-between",
    response=BetweenOut,
    summary="两日之间的工作日数",
    description="start 之后（不含）至 end（含）的工作日数；end 早于 start 时为负数。add-workdays 的逆运算。",
)
def workdays_between(request: HttpRequest, start: dt.date, end: dt.date) -> dict[str, Any]:
    require(request.user, "workbench.view")
    return {"start": start, "end": end, "workdays": wd.workdays_between(start, end)}


@router.get("/holidays", response=YearOut, summary="某年的法定节假日与调休上班日")
def holidays(request: HttpRequest, year: int) -> dict[str, Any]:
    require(request.user, "workbench.view")
    loaded = CalendarYear.objects.filter(year=year).first()
    entries = Holiday.objects.filter(date__year=year).order_by("date") if loaded else []
    return {
        "year": year,
        "loaded": loaded is not None,
        "source": loaded.source if loaded else "",
        "entries": [
            {"date": h.date, "kind": h.kind, "kind_label": h.get_kind_display(), "name": h.name}
            for h in entries
        ],
    }


# --- background jobs (core.jobs); mounted at /api/v1/jobs/ ---------------------------------------------

jobs_router = Router(tags=["后台任务"])


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    status_label: str
    finished: bool
    stale: bool
    done: int
    total: int
    percent: int
    message: str
    errors: list[str]
    result: dict[str, Any]
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


@jobs_router.get(
    "/{job_id}",
    response=JobOut,
    url_name="job",
    summary="后台任务的状态与进度",
    description="status: queued 排队中 / running 进行中 / succeeded 成功 / failed 失败。errors 为逐行的中文错误"
    "（“第N行 字段名：问题”）。只有任务发起人和对任务所属机关具有相应权限的人员可以查看。",
)
def job(request: HttpRequest, job_id: int) -> dict[str, Any]:
    from core import jobs

    return jobs.snapshot(jobs.get_for(request.user, job_id))
