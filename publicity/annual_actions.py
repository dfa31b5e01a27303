"""State changes of the 年度数据 (AnnualReport, ManualEntry): compute, 情况说明, manual entries, publish, correct.

One AnnualReport per agency and year, every year kept. While it is a draft it may be recomputed from the case data
and its 情况说明 and manual entries edited; publishing freezes it and makes Publication(kind ANNUAL, key f"{year}")
through ``publicity.actions.publish`` — and, for the 市司法局, the city total over the ten 司法局s under key
f"{year}-city". A published report is corrected by reopening it (with a reason), which lets it be recomputed and
published again as the next Publication version; the previous version stays on record.

Who: preparing (compute, 情况说明, 手工填报) needs ``publicity.draft`` or ``publicity.review`` over the agency;
publishing and reopening need ``publicity.review`` (公示审核员、监督员 of the supervising 司法局).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.access import can, denied_message, is_platform_admin_agency, require
from audit.chain import record
from core.errors import SanxiangError, ValidationFailed
from core.models import Agency
from publicity import annual
from publicity.models import AnnualReport, Kind, ManualEntry, Publication

NARRATIVE_MAX = 20000
FIRST_YEAR = 2019  # 国办发〔2018〕118号：自2019年起公开上年度行政执法数据


def may_prepare(user: Any, agency_id: int) -> bool:
    return can(user, "publicity.draft", agency_id) or can(user, "publicity.review", agency_id)


def require_prepare(user: Any, agency_id: int) -> None:
    if not may_prepare(user, agency_id):
        raise PermissionDenied(denied_message("publicity.draft"))


def check_year(year: int, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if year < FIRST_YEAR or year > today.year:
        raise SanxiangError(f"年度：只能是{FIRST_YEAR}年至{today.year}年", field="year")


def city_agency_ids(agency: Agency) -> list[int] | None:
    """The ten 司法局s whose reports the 市司法局's city total adds up; None for any other agency."""
    if not is_platform_admin_agency(agency):
        return None
    from core.tenancy import supervised_agency_ids

    ids = supervised_agency_ids(agency)
    return sorted(Agency.objects.filter(id__in=ids, is_supervision_body=True).values_list("id", flat=True))


def build_data(agency: Agency, year: int) -> dict[str, Any]:
    """``{"own": per 科室, "city": per 司法局 or None}`` for the report of ``agency``."""
    city = city_agency_ids(agency)
    collected = annual.collect(sorted({agency.id, *(city or [])}), year)  # the case data is read once
    return {
        "own": annual.compute([agency.id], year, group="department", collected=collected),
        "city": annual.compute(city, year, group="agency", collected=collected) if city else None,
    }


def _locked(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_for_update().get(pk=report.pk)


def _require_draft(report: AnnualReport, field: str = "report") -> None:
    if report.state != AnnualReport.State.DRAFT:
        raise SanxiangError(
            "该年度数据已公开，不能直接修改；如需更正，请由公示审核员先“更正”，修改后重新公开（保留原版本）",
            field=field,
        )


def get_or_create_report(user: Any, agency_id: int, year: int, *, today: date | None = None) -> AnnualReport:
    """The agency's report for ``year`` (a new draft, computed from the data, when there is none yet)."""
    require_prepare(user, agency_id)
    check_year(year, today)
    report = AnnualReport.objects.filter(agency_id=agency_id, year=year).first()
    if report is not None:
        return report
    agency = Agency.objects.get(pk=agency_id)
    with transaction.atomic():
        report, created = AnnualReport.objects.get_or_create(agency_id=agency_id, year=year)
        if created:
            report.data = build_data(agency, year)
            report.computed_at = timezone.now()
            report.save(update_fields=["data", "computed_at"])
            record("annual.created", actor=user, agency_id=agency_id, obj=report, payload={"year": year})
    return report


def recompute(user: Any, report: AnnualReport) -> AnnualReport:
    """Recompute the tables from the case data and the manual entries (drafts only)."""
    require_prepare(user, report.agency_id)
    with transaction.atomic():
        locked = _locked(report)
        _require_draft(locked)
        locked.data = build_data(locked.agency, locked.year)
        locked.computed_at = timezone.now()
        locked.save(update_fields=["data", "computed_at"])
        record(
            "annual.computed",
            actor=user,
            agency_id=locked.agency_id,
            obj=locked,
            payload={
                "year": locked.year,
                "penalty_total": locked.data["own"]["tables"]["penalty"]["total"]["total"],
            },
        )
    return locked


def save_narrative(user: Any, report: AnnualReport, narrative: str) -> AnnualReport:
    """Write the 情况说明 (年报 = 行政执法数据 + 行政执法情况说明, regulations.md §5)."""
    require_prepare(user, report.agency_id)
    text = (narrative or "").strip()
    if len(text) > NARRATIVE_MAX:
        raise SanxiangError(f"情况说明：最多{NARRATIVE_MAX}个字", field="narrative")
    with transaction.atomic():
        locked = _locked(report)
        _require_draft(locked, "narrative")
        locked.narrative = text
        locked.save(update_fields=["narrative"])
        record(
            "annual.narrative",
            actor=user,
            agency_id=locked.agency_id,
            obj=locked,
            payload={"chars": len(text)},
        )
    return locked


def save_manual_entry(
    user: Any,
    report: AnnualReport,
    *,
    table: str,
    department: str,
    values: dict[str, Any],
    note: str = "",
    no_duty: bool = False,
) -> ManualEntry:
    """Enter (or replace) the hand-filled figures of one table and 科室 (marked 手工填报), then recompute.

    ``no_duty``: the agency has no such power — the table says “本单位无相关行政执法职责” instead of figures."""
    require_prepare(user, report.agency_id)
    department = (department or "").strip()
    note = (note or "").strip()
    if len(department) > 80:
        raise SanxiangError("科室：最多80个字", field="department")
    if len(note) > 300:
        raise SanxiangError("说明：最多300个字", field="note")
    if no_duty:
        clean: dict[str, Any] = {}
        note = annual.NO_DUTY
    else:
        clean, errors = annual.clean_manual_values(table, values)
        if errors:
            raise ValidationFailed(errors, field="values")
        if not clean:
            raise SanxiangError("数据：请至少填写一项（没有发生的填0）", field="values")
    with transaction.atomic():
        locked = _locked(report)
        _require_draft(locked, "values")
        entry, _ = ManualEntry.objects.update_or_create(
            agency_id=locked.agency_id,
            year=locked.year,
            table=table,
            department=department,
            defaults={"values": clean, "note": note, "entered_by": user},
        )
        record(
            "annual.manual_entry",
            actor=user,
            agency_id=locked.agency_id,
            obj=entry,
            payload={"year": locked.year, "table": table, "values": clean},
        )
        locked.data = build_data(locked.agency, locked.year)
        locked.computed_at = timezone.now()
        locked.save(update_fields=["data", "computed_at"])
    return entry


def delete_manual_entry(user: Any, report: AnnualReport, entry: ManualEntry) -> None:
    require_prepare(user, report.agency_id)
    if entry.agency_id != report.agency_id or entry.year != report.year:
        raise SanxiangError("手工填报：不属于该年度数据", field="entry")
    with transaction.atomic():
        locked = _locked(report)
        _require_draft(locked, "entry")
        record(
            "annual.manual_entry_deleted",
            actor=user,
            agency_id=locked.agency_id,
            obj=entry,
            payload={"year": locked.year, "table": entry.table, "values": entry.values},
        )
        entry.delete()
        locked.data = build_data(locked.agency, locked.year)
        locked.computed_at = timezone.now()
        locked.save(update_fields=["data", "computed_at"])


def payload_for(report: AnnualReport, scope: str) -> dict[str, Any]:
    """What the portal shows: the computed tables + 情况说明 + manual flags (rows marked ``manual``)."""
    data = report.data.get("city" if scope == "city" else "own") or {}
    return {
        **data,
        "scope": scope,
        "agency_name": report.agency.name,
        "narrative": report.narrative,
        "manual_tables": data.get("manual_tables", []),
        "manual_mark": annual.MANUAL_MARK,
    }


def publish_report(user: Any, report: AnnualReport, *, ip: str = "") -> list[Publication]:
    """Publish the report (and, for the 市司法局, the city total) on the portal; next version if published before."""
    require(user, "publicity.review", report.agency_id)
    from publicity.actions import publish

    with transaction.atomic():
        locked = _locked(report)
        _require_draft(locked)
        errors = []
        if not locked.data.get("own"):
            errors.append("统计数据：请先计算")
        if not locked.narrative.strip():
            errors.append("情况说明：公开前请填写行政执法情况说明")
        if errors:
            raise ValidationFailed(errors, field="narrative")
        agency = locked.agency
        made = [
            publish(
                user,
                kind=Kind.ANNUAL,
                agency_id=agency.id,
                key=f"{locked.year}",
                title=f"{agency.name}{locked.year}年度行政执法数据",
                payload=payload_for(locked, "agency"),
                source=locked,
                category="年度数据",
                search_text=f"{agency.name} {locked.year}年度行政执法数据 统计年报",
                ip=ip,
            )
        ]
        if locked.data.get("city"):
            region = agency.region.name
            made.append(
                publish(
                    user,
                    kind=Kind.ANNUAL,
                    agency_id=agency.id,
                    key=f"{locked.year}-city",
                    title=f"{region}{locked.year}年度行政执法数据（全市司法行政机关合计）",
                    payload=payload_for(locked, "city"),
                    source=locked,
                    category="年度数据",
                    search_text=f"{region} {locked.year}年度行政执法数据 全市合计",
                    ip=ip,
                )
            )
        locked.state = AnnualReport.State.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = user
        locked.publication = made[0]
        locked.save(update_fields=["state", "published_at", "published_by", "publication"])
        record(
            "annual.published",
            actor=user,
            agency_id=locked.agency_id,
            obj=locked,
            ip=ip,
            payload={"year": locked.year, "publications": [p.pk for p in made], "version": made[0].version},
        )
    return made


def reopen_report(user: Any, report: AnnualReport, *, reason: str, ip: str = "") -> AnnualReport:
    """更正: a published report back to draft (the published version stays live until the corrected one replaces
    it)."""
    require(user, "publicity.review", report.agency_id)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise SanxiangError("更正理由：请写明更正原因（至少4个字）", field="reason")
    if len(reason) > 300:
        raise SanxiangError("更正理由：最多300个字", field="reason")
    with transaction.atomic():
        locked = _locked(report)
        if locked.state != AnnualReport.State.PUBLISHED:
            raise SanxiangError("该年度数据尚未公开，可直接修改", field="reason")
        locked.state = AnnualReport.State.DRAFT
        locked.save(update_fields=["state"])
        record(
            "annual.reopened",
            actor=user,
            agency_id=locked.agency_id,
            obj=locked,
            ip=ip,
            payload={"reason": reason},
        )
    return locked
