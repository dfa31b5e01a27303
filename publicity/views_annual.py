"""Staff pages of 年度数据 under /manage/annual/: the list of reports by year (the 市司法局 sees all ten 司法局s, a county
its own), one report with its six tables, charts (static/js/annual-charts.js, ECharts), 情况说明, 手工填报, and the
Excel export; compute, publish and 更正 go through ``publicity.annual_actions``.

Thin: objects through ``scoped_get`` / ``agency_scope``; a refusal is shown next to the field with the input kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.access import access, agency_scope, can, denied_message, scoped_get
from core.errors import SanxiangError
from core.formerrors import apply_errors
from core.models import Agency
from publicity import annual, annual_actions
from publicity.annual_excel import build_workbook
from publicity.models import AnnualReport, ManualEntry

TABLE_CHOICES = [(code, t.label) for code, t in annual.TABLES.items()]


class NarrativeForm(forms.Form):
    narrative = forms.CharField(
        label="情况说明",
        required=False,
        max_length=annual_actions.NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 8}),
        help_text="行政执法情况说明：工作开展、数据变化原因、存在问题和改进措施等（公开前必填）",
    )


class ManualForm(forms.Form):
    table = forms.ChoiceField(
        label="统计表", choices=TABLE_CHOICES, widget=forms.Select(attrs={"class": "form-select"})
    )
    department = forms.CharField(
        label="科室",
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text="留空表示全机关",
    )
    no_duty = forms.BooleanField(
        label=annual.NO_DUTY, required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    values = forms.CharField(
        label="数据",
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
        help_text="每行一项：列名=数值，如“扣押财物=3”“征收金额（元）=1200.50”；没有发生的填0",
    )
    note = forms.CharField(
        label="说明", required=False, max_length=300, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="更正理由",
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        required=False,
    )


def parse_values(table: str, text: str) -> tuple[dict[str, str], list[str]]:
    """“列名=数值” lines → {column code: raw value}; the column may be given by its label or its code."""
    spec = annual.TABLES.get(table)
    if spec is None:
        return {}, [f"统计表：不支持“{table}”"]
    by_label = {label: code for code, label in spec.columns} | {code: code for code, _ in spec.columns}
    out: dict[str, str] = {}
    errors: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        name, sep, value = line.replace("＝", "=").partition("=")
        if not sep:
            errors.append(f"“{line}”：请按“列名=数值”填写")
            continue
        code = by_label.get(name.strip())
        if code is None:
            names = "、".join(label for _c, label in spec.columns)
            errors.append(f"“{name.strip()}”不是{spec.label}表的列，可填：{names}")
            continue
        out[code] = value.strip()
    return out, errors


def _years(today_year: int) -> list[int]:
    return list(range(today_year, annual_actions.FIRST_YEAR - 1, -1))


@access("publicity.read")
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year - 1)
    except ValueError:
        year = today.year - 1
    if year < annual_actions.FIRST_YEAR or year > today.year:
        year = today.year - 1
    user: Any = request.user
    scope = agency_scope(user, "publicity.read")
    reports = {r.agency_id: r for r in AnnualReport.objects.filter(agency_id__in=scope, year=year)}
    agencies = Agency.objects.filter(id__in=scope).filter(is_supervision_body=True) | Agency.objects.filter(
        id__in=reports.keys()
    )
    if user.agency_id in scope:
        agencies = agencies | Agency.objects.filter(id=user.agency_id)
    rows: list[dict[str, Any]] = [
        {
            "agency": a,
            "report": reports.get(a.id),
            "url": reverse("annual:detail", kwargs={"agency_id": a.id, "year": year}),
        }
        for a in agencies.distinct().order_by("region__sort", "sort", "id")
    ]
    published = sum(1 for r in rows if r["report"] and r["report"].publication_id)
    past = (
        AnnualReport.objects.filter(agency_id__in=scope)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return render(
        request,
        "publicity/annual/index.html",
        {
            "year": year,
            "years": _years(today.year),
            "rows": rows,
            "published": published,
            "past_years": list(past),
            "level": annual.warning_level(today, published == len(rows)) if year == today.year - 1 else None,
        },
    )


def _agency(request: HttpRequest, agency_id: int) -> Agency:
    return scoped_get(request.user, "publicity.read", Agency.objects.all(), agency_field="id", pk=agency_id)


def _check_year(year: int) -> None:
    try:
        annual_actions.check_year(year)
    except SanxiangError as exc:
        raise Http404(exc.message) from exc


@access("publicity.read")
def detail(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    agency = _agency(request, agency_id)
    _check_year(year)
    user = request.user
    report = AnnualReport.objects.filter(agency=agency, year=year).first()
    may_prepare = annual_actions.may_prepare(user, agency.id)
    may_publish = can(user, "publicity.review", agency.id)
    narrative_form = NarrativeForm(initial={"narrative": report.narrative if report else ""})
    manual_form = ManualForm()
    reopen_form = ReopenForm()
    status = 200
    if request.method == "POST":
        if not may_prepare and not may_publish:
            raise PermissionDenied(denied_message("publicity.draft"))
        action = request.POST.get("action", "")
        try:
            if action == "compute":
                if report is None:
                    annual_actions.get_or_create_report(user, agency.id, year)
                else:
                    annual_actions.recompute(user, report)
                messages.success(request, "已按案件数据重新计算")
                return redirect(request.path)
            if report is None:
                report = annual_actions.get_or_create_report(user, agency.id, year)
            if action == "narrative":
                narrative_form = NarrativeForm(request.POST)
                if narrative_form.is_valid():
                    try:
                        annual_actions.save_narrative(user, report, narrative_form.cleaned_data["narrative"])
                    except SanxiangError as exc:
                        apply_errors(narrative_form, exc, "narrative")
                    else:
                        messages.success(request, "已保存情况说明")
                        return redirect(request.path)
            elif action == "manual":
                manual_form = ManualForm(request.POST)
                if manual_form.is_valid():
                    cd = manual_form.cleaned_data
                    values, errors = parse_values(cd["table"], cd["values"])
                    for e in errors:
                        manual_form.add_error("values", e)
                    if not errors:
                        try:
                            annual_actions.save_manual_entry(
                                user,
                                report,
                                table=cd["table"],
                                department=cd["department"],
                                values=values,
                                note=cd["note"],
                                no_duty=cd["no_duty"],
                            )
                        except SanxiangError as exc:
                            apply_errors(manual_form, exc, "values")
                        else:
                            messages.success(request, f"已保存手工填报：{annual.TABLES[cd['table']].label}")
                            return redirect(request.path)
            elif action == "delete_manual":
                entry = ManualEntry.objects.filter(
                    pk=request.POST.get("entry") or 0, agency_id=agency.id, year=year
                ).first()
                if entry is None:
                    raise Http404("手工填报不存在")
                annual_actions.delete_manual_entry(user, report, entry)
                messages.success(request, "已删除手工填报")
                return redirect(request.path)
            else:
                messages.error(request, "未知操作")
        except SanxiangError as exc:
            messages.error(request, exc.message)
            return redirect(request.path)
        status = 400
    own = report.data.get("own") if report and report.data else None
    city = report.data.get("city") if report and report.data else None
    return render(
        request,
        "publicity/annual/detail.html",
        {
            "agency": agency,
            "year": year,
            "report": report,
            "own": own,
            "city": city,
            "own_tables": _tables(own),
            "city_tables": _tables(city),
            "manual_entries": ManualEntry.objects.filter(agency=agency, year=year).order_by(
                "table", "department"
            ),
            "may_prepare": may_prepare,
            "may_publish": may_publish,
            "narrative_form": narrative_form,
            "manual_form": manual_form,
            "reopen_form": reopen_form,
            "manual_help": [
                (t.label, "、".join(label for _c, label in t.columns)) for t in annual.TABLES.values()
            ],
            "chart_data": _chart_data(own, city),
        },
        status=status,
    )


def _tables(data: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Rows as lists in column order, for the template."""
    if not data:
        return []
    out = []
    for code in annual.TABLES:
        t = data["tables"][code]
        codes = [c["code"] for c in t["columns"]]
        out.append(
            {
                "code": code,
                "label": t["label"],
                "columns": [c["label"] for c in t["columns"]],
                "rows": [
                    {
                        "department": r["department"],
                        "cells": [r["values"].get(c, 0) for c in codes],
                        "manual": r["manual"],
                        "note": r["note"],
                    }
                    for r in t["rows"]
                ],
                "total": [t["total"].get(c, 0) for c in codes],
                "manual": t["manual"],
                "statement": t["statement"],
            }
        )
    ext_codes = [c["code"] for c in data["extended_columns"]]
    out.append(
        {
            "code": "extended",
            "label": "扩展指标",
            "columns": [c["label"] for c in data["extended_columns"]],
            "rows": [
                {
                    "department": r["department"],
                    "cells": [r["values"].get(c, 0) for c in ext_codes],
                    "manual": False,
                }
                for r in data["extended_rows"]
            ],
            "total": [data["extended"].get(c, 0) for c in ext_codes],
            "manual": False,
            "statement": "",
        }
    )
    return out


def _chart_data(own: dict[str, Any] | None, city: dict[str, Any] | None) -> dict[str, Any]:
    """The numbers the charts need (embedded with json_script; drawn by static/js/annual-charts.js)."""
    if not own:
        return {}
    penalty = own["tables"]["penalty"]
    summary = {t["label"]: _count_of(code, t["total"]) for code, t in own["tables"].items()}
    data: dict[str, Any] = {
        "summary": {"labels": list(summary), "values": list(summary.values())},
        "penalty": {
            "labels": [c["label"] for c in penalty["columns"] if c["code"] not in ("total", annual.AMOUNT)],
            "values": [
                int(penalty["total"].get(c["code"], 0))
                for c in penalty["columns"]
                if c["code"] not in ("total", annual.AMOUNT)
            ],
        },
    }
    if city:
        data["city"] = {
            "labels": [r["department"] for r in city["tables"]["penalty"]["rows"]],
            "values": [int(r["values"].get("total", 0)) for r in city["tables"]["penalty"]["rows"]],
        }
    return data


def _count_of(code: str, total: dict[str, Any]) -> int:
    """The headline count of one table (件/宗/次) for the summary chart."""
    key = {
        "licensing": "granted",
        "penalty": "total",
        "inspection": "inspections",
        "levy": "count",
        "requisition": "count",
    }.get(code)
    if key:
        return int(total.get(key, 0))
    return sum(int(v) for k, v in total.items() if k != annual.AMOUNT)


def _report(
    request: HttpRequest, agency_id: int, year: int, capability: str = "publicity.read"
) -> AnnualReport:
    return scoped_get(
        request.user,
        capability,
        AnnualReport.objects.select_related("agency"),
        agency_id=agency_id,
        year=year,
    )


@access("publicity.review")
def publish(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    report = _report(request, agency_id, year, "publicity.review")
    try:
        made = annual_actions.publish_report(request.user, report, ip=request.META.get("REMOTE_ADDR", ""))
    except SanxiangError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已在公示网站公开（第{made[0].version}版）")
    return redirect("annual:detail", agency_id=agency_id, year=year)


@access("publicity.review")
def reopen(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    report = _report(request, agency_id, year, "publicity.review")
    form = ReopenForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        annual_actions.reopen_report(
            request.user, report, reason=str(reason), ip=request.META.get("REMOTE_ADDR", "")
        )
    except SanxiangError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已转为更正中：修改后重新公开，将作为新版本发布，原版本留存")
    return redirect("annual:detail", agency_id=agency_id, year=year)


@access("publicity.read")
def export(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    agency = _agency(request, agency_id)
    _check_year(year)
    report = AnnualReport.objects.filter(agency=agency, year=year).first()
    scope = request.GET.get("scope", "agency")
    if report is None or not report.data:
        data = annual.compute([agency.id], year, group="department")
        narrative = ""
    else:
        data = report.data.get("city") if scope == "city" else report.data.get("own")
        if not data:
            raise Http404("没有全市合计")
        narrative = report.narrative
    name = (
        f"{agency.region.name}{year}年度行政执法数据（全市合计）"
        if scope == "city"
        else f"{agency.name}{year}年度行政执法数据"
    )
    body = build_workbook(name, data, narrative)
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.xlsx"
    return response
