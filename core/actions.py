"""State changes of the working-day calendar: checked, written and audited in one transaction.

Only the 系统管理员 of the top-level 司法局 holds ``calendar.manage``: the calendar is platform-wide, one for
every agency, because every working-day deadline (《行政处罚法》第八十五条、《行政许可法》第八十二条) reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from accounts.access import require
from audit.chain import record
from core.calendar_source import Entry, builtin_source, builtin_years, parse_csv
from core.errors import SanxiangError
from core.hashing import sm3
from core.models import CalendarYear, Holiday

MANUAL_SOURCE = "手工维护"


def save_holiday(user: Any, date: dt.date, kind: str, name: str = "", ip: str = "") -> Holiday:
    """Create or update the exception for one date (a 法定节假日, or a weekend day made a 调休上班日)."""
    day = date
    require(user, "calendar.manage")
    if kind not in Holiday.Kind.values:
        raise SanxiangError(f"类型：“{kind}”无效，应为“法定节假日”或“调休上班日”", field="kind")
    if kind == Holiday.Kind.WORKDAY and day.weekday() < 5:
        raise SanxiangError(
            f"类型：{day} 是周一至周五，本就是工作日，不能标为调休上班日；调休上班日只能是周六或周日",
            field="kind",
        )
    name = name.strip()
    if len(name) > 40:
        raise SanxiangError("节日名称：不能超过 40 个字", field="name")
    with transaction.atomic():
        if not CalendarYear.objects.filter(year=day.year).exists():
            raise SanxiangError(
                f"日期：{day.year}年的节假日安排尚未载入，请先在“导入年度安排”中导入国务院办公厅公布的"
                f"{day.year}年安排，再逐日调整",
                field="date",
            )
        holiday, created = Holiday.objects.update_or_create(
            date=day, defaults={"kind": kind, "name": name, "source": MANUAL_SOURCE}
        )
        record(
            "calendar.holiday_saved",
            actor=user,
            obj=holiday,
            ip=ip,
            payload={"date": day.isoformat(), "kind": kind, "created": created},
        )
    return holiday


def delete_holiday(user: Any, date: dt.date, ip: str = "") -> None:
    """Remove the exception for one date: the day becomes an ordinary Monday–Friday working day or weekend."""
    day = date
    require(user, "calendar.manage")
    with transaction.atomic():
        holiday = Holiday.objects.select_for_update().filter(date=day).first()
        if holiday is None:
            raise SanxiangError(f"日期：{day} 不是节假日或调休上班日，无需删除", field="date")
        pk, kind = holiday.pk, holiday.kind
        holiday.delete()
        record(
            "calendar.holiday_deleted",
            actor=user,
            object_type="core.holiday",
            object_id=pk,
            ip=ip,
            payload={"date": day.isoformat(), "kind": kind},
        )


def _import_year(year: int, entries: Sequence[Entry], source: str) -> CalendarYear:
    """Replace the year's exceptions with ``entries`` and mark the year loaded. Call inside a transaction."""
    source = (source.strip() or "CSV 导入")[:200]
    for entry in entries:
        if entry.date.year != year:  # parse_csv checks this; a caller passing other entries is a bug
            raise SanxiangError(f"日期：{entry.date} 不属于 {year} 年", field="file")
    Holiday.objects.filter(date__year=year).delete()
    Holiday.objects.bulk_create(
        [Holiday(date=e.date, kind=e.kind, name=e.name, source=source) for e in entries]
    )
    calendar_year, _ = CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
    return calendar_year


def _import_payload(year: int, entries: Sequence[Entry], data: bytes | None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "year": year,
        "holidays": sum(1 for e in entries if e.kind == Holiday.Kind.HOLIDAY),
        "workdays": sum(1 for e in entries if e.kind == Holiday.Kind.WORKDAY),
    }
    if data is not None:
        payload["file_sm3"] = sm3(data)
    return payload


def _check_year(year: int) -> None:
    if not 1949 < year < 2200:
        raise SanxiangError(f"年份：{year} 不是有效年份", field="year")


def import_year(user: Any, year: int, data: bytes, source: str, ip: str = "") -> CalendarYear:
    """Load a year's arrangement from CSV, replacing what was there. Every row is checked first; on any error
    ValidationFailed lists them all and nothing is written."""
    require(user, "calendar.manage")
    return _import_audited(user, year, data, source, ip)


def _import_audited(user: Any, year: int, data: bytes, source: str, ip: str) -> CalendarYear:
    _check_year(year)
    entries = parse_csv(data, year)
    with transaction.atomic():
        calendar_year = _import_year(year, entries, source)
        record(
            "calendar.year_imported",
            actor=user,
            obj=calendar_year,
            ip=ip,
            payload=_import_payload(year, entries, data),
        )
    return calendar_year


def import_year_unattended(year: int, data: bytes, source: str) -> CalendarYear:
    """The same import run by an operator on the server (``manage.py workdays import``): audited with no actor."""
    return _import_audited(None, year, data, source, "")


def reload_builtin(user: Any, year: int, ip: str = "") -> CalendarYear:
    """Restore a year from the arrangement shipped in chinesecalendar (2004–2026), undoing manual edits."""
    require(user, "calendar.manage")
    entries = builtin_years().get(year)
    if not entries:
        raise SanxiangError(
            f"年份：内置数据不含 {year} 年的安排，请以 CSV 导入国务院办公厅公布的安排", field="year"
        )
    with transaction.atomic():
        calendar_year = _import_year(year, entries, builtin_source())
        record(
            "calendar.year_imported",
            actor=user,
            obj=calendar_year,
            ip=ip,
            payload={**_import_payload(year, entries, None), "builtin": True},
        )
    return calendar_year
