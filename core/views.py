"""The working-day calendar pages (系统管理员 of the top-level 司法局). Thin: rules and writes live in core.actions."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import access
from core import actions, workdays
from core.calendar_source import builtin_years
from core.errors import CalendarNotLoaded, SanxiangError
from core.formerrors import apply_errors
from core.forms import AddWorkdaysForm, BetweenForm, BuiltinForm, HolidayForm, ImportForm
from core.http import client_ip
from core.models import CalendarYear, Holiday

WEEKDAYS = "一二三四五六日"
MIN_YEAR, MAX_YEAR = 2000, 2100


def _year(raw: str | None, default: int) -> int:
    if raw and raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR:
        return int(raw)
    return default


def _parse_day(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return None


def _calendar_url(year: int) -> str:
    return f"{reverse('core:calendar')}?year={year}"


def weekday_zh(day: dt.date) -> str:
    return "星期" + WEEKDAYS[day.weekday()]


def _months(year: int, exceptions: dict[dt.date, Holiday]) -> list[dict[str, Any]]:
    """Twelve month grids, Monday first: each cell is a day (or a blank) with its CSS class."""
    months = []
    for month in range(1, 13):
        first_weekday, days = pycal.monthrange(year, month)
        cells: list[dict[str, Any]] = [{"day": None, "cls": ""} for _ in range(first_weekday)]
        for number in range(1, days + 1):
            day = dt.date(year, month, number)
            holiday = exceptions.get(day)
            if holiday is not None:
                cls = "h" if holiday.kind == Holiday.Kind.HOLIDAY else "w"
                label = f"{holiday.name} {holiday.get_kind_display()}".strip()
            else:
                cls, label = ("we", "周末") if day.weekday() >= 5 else ("", "")
            cells.append({"day": number, "cls": cls, "label": label, "iso": day.isoformat()})
        months.append({"number": month, "cells": cells})
    return months


def _calculators(request: HttpRequest) -> dict[str, Any]:
    """The two small calculators on the year page (GET forms; they change nothing)."""
    calendar = workdays.DbCalendar()
    add_form = AddWorkdaysForm(request.GET if "add-start" in request.GET else None)
    between_form = BetweenForm(request.GET if "between-start" in request.GET else None)
    context: dict[str, Any] = {"add_form": add_form, "between_form": between_form}
    if add_form.is_bound and add_form.is_valid():
        start, n = add_form.cleaned_data["start"], add_form.cleaned_data["n"]
        try:
            result = workdays.add_workdays(start, n, calendar)
        except SanxiangError as exc:
            apply_errors(add_form, exc, fallback="start")
        else:
            context["add_result"] = {"start": start, "n": n, "result": result, "weekday": weekday_zh(result)}
    if between_form.is_bound and between_form.is_valid():
        start, end = between_form.cleaned_data["start"], between_form.cleaned_data["end"]
        try:
            count = workdays.workdays_between(start, end, calendar)
        except CalendarNotLoaded as exc:
            apply_errors(between_form, exc, fallback="start" if exc.year == start.year else "end")
        except SanxiangError as exc:
            apply_errors(between_form, exc, fallback="start")
        else:
            context["between_result"] = {"start": start, "end": end, "count": count}
    return context


@access("calendar.manage")
def calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today.year)
    loaded = CalendarYear.objects.filter(year=year).first()
    entries = list(Holiday.objects.filter(date__year=year).order_by("date"))
    years = CalendarYear.objects.order_by("-year")
    context = {
        "year": year,
        "loaded": loaded,
        "entries": [{"holiday": h, "weekday": weekday_zh(h.date)} for h in entries],
        "months": _months(year, {h.date: h for h in entries}),
        "weekdays": WEEKDAYS,
        "years": years,
        "holiday_count": sum(1 for h in entries if h.kind == Holiday.Kind.HOLIDAY),
        "workday_count": sum(1 for h in entries if h.kind == Holiday.Kind.WORKDAY),
        "prev_year": year - 1 if year > MIN_YEAR else None,
        "next_year": year + 1 if year < MAX_YEAR else None,
        **_calculators(request),
    }
    return render(request, "core/calendar.html", context)


@access("calendar.manage")
def holiday_edit(request: HttpRequest) -> HttpResponse:
    """Add or edit the exception of one date: ``?date=2026-10-10`` opens that date."""
    day = _parse_day(request.GET.get("date"))
    existing = Holiday.objects.filter(date=day).first() if day else None
    initial: dict[str, Any] = {"date": day}
    if existing is not None:
        initial.update(kind=existing.kind, name=existing.name)
    elif day is not None and day.weekday() >= 5:
        initial["kind"] = Holiday.Kind.WORKDAY
    form = HolidayForm(request.POST or None, initial=initial, editing=existing is not None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            saved = actions.save_holiday(request.user, d["date"], d["kind"], d["name"], ip=client_ip(request))
        except SanxiangError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"已保存：{saved.date}（{weekday_zh(saved.date)}）为{saved.get_kind_display()}。"
            )
            return redirect(_calendar_url(saved.date.year))
    year = day.year if day else _year(request.GET.get("year"), timezone.localdate().year)
    return render(
        request,
        "core/holiday_form.html",
        {"form": form, "existing": existing, "year": year, "weekday": weekday_zh(day) if day else ""},
    )


@access("calendar.manage")
@require_POST
def holiday_delete(request: HttpRequest, day: str) -> HttpResponse:
    date = _parse_day(day)
    if date is None:
        raise Http404("日期格式无效")
    try:
        actions.delete_holiday(request.user, date, ip=client_ip(request))
    except SanxiangError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除 {date}（{weekday_zh(date)}）的节假日/调休设置。")
    return redirect(_calendar_url(date.year))


@access("calendar.manage")
def import_csv(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today.year + 1)
    builtin = sorted(builtin_years())
    is_builtin = request.method == "POST" and "builtin-year" in request.POST
    form = ImportForm(
        request.POST if request.method == "POST" and not is_builtin else None,
        request.FILES or None,
        initial={"year": year},
    )
    builtin_form = BuiltinForm(request.POST if is_builtin else None, years=builtin, initial={"year": year})
    if is_builtin and builtin_form.is_valid():
        try:
            loaded = actions.reload_builtin(
                request.user, builtin_form.cleaned_data["year"], ip=client_ip(request)
            )
        except SanxiangError as exc:
            apply_errors(builtin_form, exc)
        else:
            messages.success(request, f"已按内置数据恢复{loaded.year}年安排（{loaded.source}）。")
            return redirect(_calendar_url(loaded.year))
    elif form.is_bound and form.is_valid():
        d = form.cleaned_data
        upload = d["file"]
        try:
            loaded = actions.import_year(
                request.user,
                d["year"],
                upload.read(),
                d["source"] or f"CSV 导入：{upload.name}",
                ip=client_ip(request),
            )
        except SanxiangError as exc:
            apply_errors(form, exc, fallback="file")
        else:
            count = Holiday.objects.filter(date__year=loaded.year).aggregate(
                holidays=Count("pk", filter=Q(kind=Holiday.Kind.HOLIDAY)),
                workdays=Count("pk", filter=Q(kind=Holiday.Kind.WORKDAY)),
            )
            messages.success(
                request,
                f"已导入{loaded.year}年安排：法定节假日 {count['holidays']} 天，调休上班日 {count['workdays']} 天。",
            )
            return redirect(_calendar_url(loaded.year))
    if form.is_bound:
        year = _year(form.data.get("year"), year)
    return render(
        request,
        "core/import.html",
        {
            "form": form,
            "builtin_form": builtin_form,
            "builtin_range": (builtin[0], builtin[-1]) if builtin else None,
            "year": year,
            "existing": CalendarYear.objects.filter(year=year).first(),
        },
    )


@access("calendar.manage")
def csv_template(request: HttpRequest) -> HttpResponse:
    """A CSV to fill in: UTF-8 with BOM so that Excel (WPS) opens the Chinese header correctly."""
    year = _year(request.GET.get("year"), timezone.localdate().year + 1)
    weekend = dt.date(year, 2, 1)
    while weekend.weekday() != 5:
        weekend += dt.timedelta(days=1)
    rows = ["日期,类型,名称", f"{year}-01-01,法定节假日,元旦", f"{weekend.isoformat()},调休上班日,春节"]
    response = HttpResponse(
        ("\ufeff" + "\r\n".join(rows) + "\r\n").encode(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="calendar-{year}.csv"'
    return response
