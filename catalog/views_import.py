"""Excel import/export of the 事项清单 (附件2 template): upload page, template download, export download.

Thin: reading and checking live in catalog.excel, the background run in catalog.tasks, the writes in
catalog.actions.import_item_drafts. After an upload the user lands on the job's progress page (core:job_detail).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from typing import Any

from django import forms
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.access import access, scoped, scoped_get
from catalog import excel, tasks
from core import jobs
from core.models import Agency, Job


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件",
        help_text=f"按附件2模板填写的 .xlsx 或 .xls 文件，不超过 {excel.MAX_UPLOAD_BYTES // 1024 // 1024} MB、"
        f"{excel.MAX_ROWS} 行。任何一行有误都不会导入。",
        error_messages={"required": "请选择要上传的 Excel 文件", "empty": "文件：上传的文件是空的"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["file"].widget
        widget.attrs.update({"accept": ".xlsx,.xls," + excel.CONTENT_TYPE, "class": "form-control"})

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        head = upload.read(8)
        upload.seek(0)
        problem = excel.upload_error(upload.name, upload.size, head)
        if problem:
            raise forms.ValidationError(problem)
        return upload


def _departments(agency: Agency) -> list[str]:
    from org.models import Department

    return list(
        Department.objects.filter(agency=agency, is_active=True)
        .order_by("sort", "id")
        .values_list("name", flat=True)
    )


def _save_upload(upload: Any, agency_id: int) -> tuple[str, str]:
    """Store the upload under imports/ for the task; (storage name, SHA-256)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    ext = os.path.splitext(upload.name)[1].lower()
    name = default_storage.save(
        f"imports/{agency_id}/{timezone.now():%Y%m%d}-{uuid.uuid4().hex}{ext}", upload
    )
    return name, digest.hexdigest()


@access("publicity.draft")
def import_items(request: HttpRequest) -> HttpResponse:
    """Upload a filled 附件2 file; file-level problems show here, row problems on the job page."""
    user: Any = request.user
    agency = scoped_get(user, "publicity.draft", Agency.objects.all(), "id", pk=user.agency_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        sheet = excel.read_rows(upload)
        upload.seek(0)
        if sheet.errors:
            for problem in sheet.errors:
                form.add_error("file", problem)
        else:
            name, digest = _save_upload(upload, agency.pk)
            job = jobs.create(
                user,
                kind=tasks.IMPORT_KIND,
                title=f"导入事项清单：{upload.name}",
                agency_id=agency.pk,
                capability=tasks.IMPORT_CAPABILITY,
                params={
                    "file": name,
                    "filename": upload.name,
                    "sha256": digest,
                    "source": f"Excel 导入：{upload.name}（SHA-256 {digest}）",
                    "back_url": reverse("catalog:import"),
                    "back_label": "返回导入页面",
                },
                total=len(sheet.rows),
            )
            jobs.dispatch(job, tasks.import_items, inline=len(sheet.rows) < excel.INLINE_ROWS)
            return redirect("core:job_detail", pk=job.pk)
    recent = scoped(
        user, tasks.IMPORT_CAPABILITY, Job.objects.filter(kind=tasks.IMPORT_KIND, agency=agency)
    ).select_related("created_by")[:10]
    return render(
        request,
        "catalog/import.html",
        {
            "form": form,
            "agency": agency,
            "recent": [(job, jobs.snapshot(job)) for job in recent],
            "help_rows": excel.help_rows(),
            "format_notes": excel.FORMAT_NOTES,
            "max_mb": excel.MAX_UPLOAD_BYTES // 1024 // 1024,
            "inline_rows": excel.INLINE_ROWS,
        },
    )


@access("publicity.read")
def import_template(request: HttpRequest) -> HttpResponse:
    """The 附件2 template with the user's agency in the title and its 科室 in the drop-down."""
    user: Any = request.user
    agency = scoped_get(user, "publicity.read", Agency.objects.all(), "id", pk=user.agency_id)
    content = excel.build_template(agency.name, _departments(agency))
    response = HttpResponse(content, content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(f"附件2-行政执法事项清单模板-{agency.short_name}.xlsx")
    return response


@access("publicity.read")
def export_items(request: HttpRequest) -> HttpResponseBase:
    """The agency's items (``?agency=<id>``, default the user's own) in the template layout; importable as is."""
    user: Any = request.user
    raw = request.GET.get("agency", "")
    agency_id = int(raw) if raw.isdigit() else user.agency_id
    agency = scoped_get(user, "publicity.read", Agency.objects.all(), "id", pk=agency_id)
    path, _count = excel.export_to_tempfile(agency.name, _departments(agency), excel.export_rows(agency.pk))
    handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    os.unlink(path)  # the open handle keeps the data until the response is sent
    filename = f"行政执法事项清单-{agency.short_name}-{timezone.localdate():%Y%m%d}.xlsx"
    response = FileResponse(handle, content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    return response


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"{quote(filename)}\"; filename*=UTF-8''{quote(filename)}"
