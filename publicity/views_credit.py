"""双公示 staff page (``/manage/credit/``): pending 许可/处罚 records with their 7-working-day due dates, the export
form (one agency, CSV or JSON) and the batches already exported, downloadable. Thin: rules and actions in
``publicity.credit``."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import access, scoped_get
from core.errors import SanxiangError
from core.http import client_ip
from core.models import Agency
from publicity import credit
from publicity.models import CreditExport, CreditRecord

CSS = {"red": "sx-clock-red", "yellow": "sx-clock-yellow", "": "sx-clock-ok"}


def _badge(rec: CreditRecord, today: Any, calendar: Any) -> dict[str, str]:
    level = credit.urgency(rec.due_on, today, calendar)
    due = rec.due_on.strftime("%Y-%m-%d")
    text = f"已逾期（{due}届满）" if level == "red" else f"{due}届满"
    return {"css": CSS[level], "text": text}


@access("publicity.review")
def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    scope = credit.scope(user)
    agencies = list(Agency.objects.filter(pk__in=scope).order_by("sort", "pk"))
    today = timezone.localdate()
    calendar = credit.calendar()
    records = list(credit.pending(scope).select_related("publication__agency")[:500])
    counts: dict[int, int] = {}
    for rec in records:
        counts[rec.agency_id] = counts.get(rec.agency_id, 0) + 1
    rows = [{"record": r, "badge": _badge(r, today, calendar)} for r in records]
    exports = list(
        CreditExport.objects.filter(agency_id__in=scope).select_related("agency", "blob", "created_by")[:50]
    )
    chosen = request.GET.get("agency") or (str(user.agency_id) if counts.get(user.agency_id) else "")
    context = {
        "rows": rows,
        "exports": [{"batch": b, "filename": credit.filename(b)} for b in exports],
        "agencies": [{"agency": a, "pending": counts.get(a.pk, 0)} for a in agencies],
        "chosen": chosen,
        "fmt": request.GET.get("fmt", "csv"),
        "add_days": credit.ADD_DEADLINE_DAYS,
        "withdraw_days": credit.WITHDRAW_DEADLINE_DAYS,
        "error": None,
    }
    return render(request, "publicity/credit/index.html", context)


@access("publicity.review")
@require_POST
def export(request: HttpRequest) -> HttpResponseBase:
    raw = request.POST.get("agency", "")
    fmt = request.POST.get("fmt", "csv")
    if not raw.isdigit():
        messages.error(request, "机关：请选择要导出的机关")
        return redirect(f"{_index_url()}?fmt={quote(fmt)}")
    agency_id = int(raw)
    if agency_id not in credit.scope(request.user):
        raise PermissionDenied(
            "无权导出该机关的双公示数据：需要公示审核员或监督员角色，且机关属于您有权管理的范围。"
        )
    try:
        batch = credit.export(request.user, agency_id, fmt=fmt, ip=client_ip(request))
    except SanxiangError as exc:
        messages.error(request, exc.message)
        return redirect(f"{_index_url()}?agency={agency_id}&fmt={quote(fmt)}")
    messages.success(
        request,
        f"已导出{batch.rows}条双公示记录（{batch.get_fmt_display()}），请下载后报送信用中国（云南）。",
    )
    return redirect("credit:index")


def _index_url() -> str:
    from django.urls import reverse

    return reverse("credit:index")


@access("publicity.review")
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    qs = CreditExport.objects.select_related("agency", "blob")
    batch = scoped_get(request.user, "publicity.review", qs, "agency_id", pk=pk)
    stream = credit.open_export(request.user, batch, ip=client_ip(request))
    content_type = "text/csv; charset=utf-8" if batch.fmt == "csv" else "application/json"
    response = FileResponse(stream, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(credit.filename(batch))}"
    return response
