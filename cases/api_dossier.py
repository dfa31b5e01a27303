"""JSON API of the 电子案卷; mounted under /api/v1/cases/ by sanxiang/api.py.

- ``GET  /api/v1/cases/{case_id}/dossiers`` — every dossier of the case (newest first) with hashes and contents;
- ``POST /api/v1/cases/{case_id}/dossiers`` — generate a new one (closed cases only); returns the job, whose
  progress is at ``GET /api/v1/jobs/{id}``;
- ``GET  /api/v1/cases/{case_id}/dossiers/{dossier_id}/pdf`` — the PDF (audited).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from ninja import Router, Schema

from accounts.access import can, scoped_get
from cases.actions import dossier as actions
from cases.models import Case, Dossier
from core import jobs

router = Router(tags=["执法案件"])


class DossierOut(Schema):
    id: int
    case_id: int
    pages: int
    sha256: str
    sm3: str
    size: int
    created_by: str
    created_at: datetime
    contents: list[dict[str, Any]]


class JobOut(Schema):
    id: int
    status: str
    status_label: str
    done: int
    total: int
    percent: int
    message: str
    errors: list[str]
    result: dict[str, Any]


def _case(request: HttpRequest, case_id: int) -> Case:
    return scoped_get(
        request.user, "case.read", Case.objects.select_related("agency"), "agency_id", pk=case_id
    )


def _out(d: Dossier) -> dict[str, Any]:
    blob = d.blob
    return {
        "id": d.pk,
        "case_id": d.case_id,
        "pages": d.pages,
        "sha256": blob.sha256 if blob else "",
        "sm3": blob.sm3 if blob else "",
        "size": blob.size if blob else 0,
        "created_by": d.created_by.full_name or d.created_by.username,
        "created_at": d.created_at,
        "contents": d.contents,
    }


@router.get(
    "/{case_id}/dossiers", response=list[DossierOut], url_name="cases_dossiers", summary="电子案卷列表"
)
def dossiers(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = _case(request, case_id)
    qs = Dossier.objects.filter(case=case).select_related("blob", "created_by").order_by("-created_at", "-pk")
    return [_out(d) for d in qs]


@router.post(
    "/{case_id}/dossiers",
    response=JobOut,
    url_name="cases_dossier_generate",
    summary="生成电子案卷（后台任务）",
)
def generate(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = _case(request, case_id)
    if not can(request.user, "case.handle", case.agency_id):
        raise PermissionDenied("无权生成电子案卷：需要办理本机关执法案件的权限。")
    job = actions.start_dossier(request.user, case)
    job.refresh_from_db()
    snap = jobs.snapshot(job)
    return {k: snap[k] for k in JobOut.model_fields}  # type: ignore[attr-defined]


@router.get("/{case_id}/dossiers/{dossier_id}/pdf", url_name="cases_dossier_pdf", summary="下载电子案卷 PDF")
def dossier_pdf(request: HttpRequest, case_id: int, dossier_id: int) -> FileResponse:
    case = _case(request, case_id)
    item, pdf = actions.open_for_download(request.user, case, dossier_id, via="api")
    response = FileResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="dossier-{case.pk}-{item.pk}.pdf"'
    return response
