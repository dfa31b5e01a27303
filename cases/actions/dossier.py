"""电子案卷 at 结案 (issue #4 item 7): a background job that assembles the PDF (``cases.dossier.build_pdf``), stores
it content-addressed (``evidence.store.ingest``), records a ``Dossier`` row, puts the PDF's SHA-256 and SM3 into
the audit chain and an ``export`` custody event on every evidence item the volume includes or lists.

The case is read-only from 结案 on: a dossier is made only for a CLOSED case. Generating again makes a NEW
Dossier row; earlier ones are kept (history with hashes on the dossier page).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from accounts.access import require
from audit.chain import record
from cases.models import Case, Dossier
from core import jobs
from core.errors import SanxiangError
from core.models import Job

KIND = "cases.dossier"
CAPABILITY = "case.read"


def tasks_immediate() -> bool:
    """True when django.tasks runs tasks in-process (tests, small installs): then the job runs inline."""
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    return backend.endswith("ImmediateBackend")


def running_job(case: Case) -> Job | None:
    """A dossier job of this case still queued or running (asking twice returns it instead of a second job)."""
    return (
        Job.objects.filter(
            kind=KIND, params__case_id=case.pk, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
        )
        .order_by("-pk")
        .first()
    )


def start_dossier(user: Any, case: Case) -> Job:
    """Start assembling the 电子案卷 of a closed case; returns the job (progress page ``core:job_detail``).

    Only a CLOSED case gets a dossier: the volume is the 归档保存 of the full record (《行政处罚法》第四十七条；
    《云南省行政执法全过程记录办法》归档管理), made once the case is read-only. Asking again makes a new volume."""
    from cases import tasks

    require(user, CAPABILITY, case.agency_id)
    if case.status != Case.Status.CLOSED:
        raise SanxiangError(
            "电子案卷：案件尚未结案，结案后方可生成电子案卷（《行政处罚法》第四十七条 全过程记录、归档保存）",
            field="status",
            code="not_closed",
        )
    existing = running_job(case)
    if existing is not None:
        return existing
    from django.urls import reverse

    job = jobs.create(
        user,
        kind=KIND,
        title=f"生成电子案卷：{case.number}",
        agency_id=case.agency_id,
        capability=CAPABILITY,
        params={
            "case_id": case.pk,
            "back_url": reverse("cases:dossier", args=[case.pk]),
            "back_label": "返回电子案卷",
        },
    )
    jobs.dispatch(job, tasks.build_dossier, inline=tasks_immediate())
    return job


def save_dossier(
    user: Any, case: Case, data: bytes, contents: list[dict[str, Any]], pages: int, *, job: Job | None = None
) -> Dossier:
    """Store the assembled PDF and record it: Dossier row, audit ``dossier.create`` with the hashes, custody
    ``export`` events for the evidence it includes or lists. One transaction; a failure leaves no row and no file."""
    from cases.dossier import files_in
    from evidence.models import CustodyEvent, EvidenceItem
    from evidence.store import cleanup_on_rollback, ingest

    require(user, CAPABILITY, case.agency_id)
    with cleanup_on_rollback(), transaction.atomic():
        blob = ingest([data], content_type="application/pdf")
        dossier = Dossier.objects.create(
            case=case, job=job, blob=blob, pages=pages, contents=contents, created_by=user
        )
        ids = files_in(contents)
        items = list(EvidenceItem.objects.filter(case=case, pk__in=ids))
        note = f"并入电子案卷（案卷 #{dossier.pk}）"[:300]
        _export_custody(user, items, note, CustodyEvent)
        record(
            "dossier.create",
            actor=user,
            agency_id=case.agency_id,
            obj=case,
            payload={
                "dossier": dossier.pk,
                "sha256": blob.sha256,
                "sm3": blob.sm3,
                "pages": pages,
                "evidence": sorted(i.pk for i in items),
            },
        )
    return dossier


def open_for_download(user: Any, case: Case, dossier_id: int, *, via: str = "") -> tuple[Dossier, Any]:
    """The stored PDF of one dossier of ``case`` (already fetched through the caller's scope check), opened for
    reading; every download is recorded in the audit chain with the dossier's hash. 404 when it does not exist."""
    from django.http import Http404

    from evidence.store import open_blob

    item = Dossier.objects.select_related("blob").filter(case=case, pk=dossier_id).first()
    if item is None or item.blob is None:
        raise Http404("电子案卷不存在")
    payload: dict[str, Any] = {"dossier": item.pk, "sha256": item.blob.sha256}
    if via:
        payload["via"] = via
    record("dossier.download", actor=user, agency_id=case.agency_id, obj=case, payload=payload)
    return item, open_blob(item.blob)


def _export_custody(user: Any, items: list[Any], note: str, model: Any) -> None:
    """One ``export`` custody event per item. Rows are written directly (bulk): ``evidence.actions.record_custody``
    writes one audit event per call, and the dossier's own audit event already lists every item id."""
    model.objects.bulk_create(
        [model(item=item, kind=model.Kind.EXPORT, actor=user, note=note) for item in items]
    )
