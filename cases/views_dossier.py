"""电子案卷 page of a case (``cases:dossier``): latest dossier, the running job's progress, download, history with
hashes, and (for a closed case) a button to generate a new volume — earlier ones are kept.

Thin: assembly in ``cases.dossier``, the job and records in ``cases.actions.dossier``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from accounts.access import access, can, scoped_get
from cases.actions import dossier as actions
from cases.models import Case, Dossier
from core import jobs
from core.errors import SanxiangError
from core.models import Job


def _case(request: HttpRequest, pk: int) -> Case:
    qs = Case.objects.select_related("agency", "item", "department")
    return scoped_get(request.user, "case.read", qs, "agency_id", pk=pk)


def _tabs(case: Case) -> list[dict[str, Any]]:
    from cases.views import tabs

    return tabs(case, "cases:dossier")


@access("case.read")
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the page. POST (case.handle): generate a new dossier for a closed case."""
    case = _case(request, pk)
    user: Any = request.user
    may_generate = case.status == Case.Status.CLOSED and can(user, "case.handle", case.agency_id)
    if request.method == "POST":
        if not can(user, "case.handle", case.agency_id):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("无权生成电子案卷：需要办理本机关执法案件的权限。")
        try:
            job = actions.start_dossier(user, case)
        except SanxiangError as exc:
            messages.error(request, exc.message)
            return redirect("cases:dossier", pk=case.pk)
        if job.is_finished:
            messages.success(request, job.message)
            return redirect("cases:dossier", pk=case.pk)
        return redirect("core:job_detail", pk=job.pk)
    latest_job = Job.objects.filter(kind=actions.KIND, params__case_id=case.pk).order_by("-pk").first()
    dossiers = list(
        Dossier.objects.filter(case=case).select_related("blob", "created_by").order_by("-created_at", "-pk")
    )
    context = {
        "case": case,
        "tabs": _tabs(case),
        "latest": dossiers[0] if dossiers else None,
        "dossiers": dossiers,
        "job": latest_job,
        "snap": jobs.snapshot(latest_job) if latest_job else None,
        "may_generate": may_generate,
    }
    return render(request, "cases/dossier.html", context)


@access("case.read")
def dossier_download(request: HttpRequest, pk: int, dossier_pk: int) -> HttpResponseBase:
    """The dossier PDF (inline: opens in the browser's PDF viewer); each download is audited."""
    case = _case(request, pk)
    item, pdf = actions.open_for_download(request.user, case, dossier_pk)
    filename = f"电子案卷-{case.number}-{item.pk}.pdf"
    response = FileResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response
