"""Background work of the cases app (django.tasks; ``manage.py db_worker`` runs it, or inline when
``SANXIANG_TASKS_IMMEDIATE`` is set): the 电子案卷 and the 政务服务平台 import.

Each task takes a ``core.models.Job`` id and runs through ``core.jobs.run``, so the progress page
(``core:job_detail``) shows how far it is and how it ended.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.files.storage import default_storage
from django.tasks import task
from django.urls import reverse

from accounts.models import User
from core import jobs
from core.models import Job


@task
def build_dossier(job_id: int) -> str:
    """Assemble and store the 电子案卷 of the job's case; the outcome is on the job."""
    return jobs.run(job_id, _build_dossier).status


def _build_dossier(job: Job, progress: jobs.Progress) -> tuple[str, dict[str, Any]]:
    from cases.actions.dossier import save_dossier
    from cases.dossier import build_pdf
    from cases.models import Case

    user = User.objects.select_related("agency").get(pk=job.created_by_id)
    case = Case.objects.select_related("agency", "item").get(pk=job.params["case_id"])
    data, contents, pages = build_pdf(case, progress, assembled_by=user.full_name or user.username)
    dossier = save_dossier(user, case, data, contents, pages, job=job)
    blob = dossier.blob
    assert blob is not None
    return f"电子案卷已生成：共 {pages} 页。", {
        "dossier_id": dossier.pk,
        "pages": pages,
        "sha256": blob.sha256,
        "sm3": blob.sm3,
        "summary": [
            f"案件编号：{case.number}",
            f"页数：{pages}",
            f"SHA-256：{blob.sha256}",
            f"SM3：{blob.sm3}",
        ],
        "links": [
            {"label": "下载案卷 PDF", "url": reverse("cases:dossier_download", args=[case.pk, dossier.pk])},
            {"label": "查看电子案卷", "url": reverse("cases:dossier", args=[case.pk])},
        ],
    }


@task
def import_platform(job_id: int) -> str:
    """Import the 政务服务平台 file of the job (``cases.online_import``); all rows or none."""
    return jobs.run(job_id, _import_platform).status


def _import_platform(job: Job, progress: jobs.Progress) -> tuple[str, dict[str, Any]]:
    from cases.actions.online import import_platform_applications

    user = User.objects.select_related("agency").get(pk=job.created_by_id)
    name = job.params["file"]
    try:
        with default_storage.open(name, "rb") as source:
            cases = import_platform_applications(user, source, fmt=job.params["fmt"], progress=progress)
    finally:
        with contextlib.suppress(OSError):
            default_storage.delete(name)
    return f"导入完成：{len(cases)} 件政务服务平台办件已登记。", {
        "imported": len(cases),
        "case_ids": [c.pk for c in cases],
        "summary": [f"文件：{job.params.get('filename', '')}", f"登记办件：{len(cases)} 件"],
        "links": [{"label": "返回导入页面", "url": reverse("cases:platform_import")}],
    }
