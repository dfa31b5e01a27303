"""Online 许可 pages (seed 二(二)1–2).

Public (namespace ``apply``, /apply/, no login, CSRF on, no inline JS): the list of 许可 items open for online
application (``apply:index``), the application form with one upload per material of the 材料清单
(``apply:form``), and the status lookup by 申请编号 + 查询码 (``apply:status``, rate-limited per IP).

Staff (namespace ``cases``): the upload of a 政务服务平台 export (``cases:platform_import``, job progress
pattern of core.jobs) and the sample files (``cases:platform_sample``).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from typing import Any

from django import forms
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.access import access, public, scoped, scoped_get
from cases import online_import, tasks
from cases.actions import online as actions
from cases.models import Party
from core import jobs
from core.errors import SanxiangError, ValidationFailed
from core.http import client_ip
from core.models import Agency, Job

LOOKUPS_PER_HOUR = 20
SUBMISSIONS_PER_HOUR = 10
IMPORT_KIND = "cases.platform_import"
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,application/pdf,image/jpeg,image/png"


def _portal(**extra: Any) -> dict[str, Any]:
    from publicity.views import _nav

    return {"nav": _nav(), "slug": "", **extra}


# --- public: items, form, status ----------------------------------------------------------------------------


@public
def index(request: HttpRequest) -> HttpResponse:
    items = list(actions.online_items())
    return render(request, "cases/online_index.html", _portal(items=items))


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(
        label="申请人类型",
        choices=[("", "请选择")] + [(k, str(Party.Kind(k).label)) for k in actions.APPLICANT_KINDS],
        error_messages={"required": "请选择申请人类型"},
    )
    name = forms.CharField(
        label="申请人姓名/名称", max_length=120, error_messages={"required": "请填写申请人姓名或名称"}
    )
    id_number = forms.CharField(
        label="证件号码",
        max_length=40,
        help_text="公民填写18位居民身份证号码；法人或其他组织填写18位统一社会信用代码。",
        error_messages={"required": "请填写证件号码"},
    )
    phone = forms.CharField(label="联系电话", max_length=30, error_messages={"required": "请填写联系电话"})
    address = forms.CharField(label="地址", max_length=300, required=False)

    def __init__(self, *args: Any, materials: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.materials = materials
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        for m in materials:
            self.fields[f"m_{m.pk}"] = forms.FileField(
                label=m.name,
                required=m.required,
                help_text=("必需" if m.required else "可选") + "；PDF、JPG、PNG 或 DOCX，不超过 50 MB",
                error_messages={"required": f"请上传“{m.name}”（材料清单所列必需材料）"},
                widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ACCEPT}),
            )

    def material_fields(self) -> list[Any]:
        return [self[f"m_{m.pk}"] for m in self.materials]

    def applicant_fields(self) -> list[Any]:
        return [self[n] for n in ("kind", "name", "id_number", "phone", "address")]


@public
def form(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = actions.online_items().filter(pk=item_pk).first()
    if item is None:
        raise Http404("该事项未开通网上申请")
    materials = actions.materials_of(item)
    bound = request.method == "POST"
    application = ApplicationForm(
        request.POST if bound else None, request.FILES if bound else None, materials=materials
    )
    if bound and _over_limit(request, "submit", SUBMISSIONS_PER_HOUR):
        application.is_valid()
        application.add_error(
            None, f"提交过于频繁：每小时最多提交 {SUBMISSIONS_PER_HOUR} 件申请，请稍后再试。"
        )
        return render(request, "cases/online_form.html", _portal(item=item, form=application), status=429)
    if bound and application.is_valid():
        data = application.cleaned_data
        files = [(m.name, data.get(f"m_{m.pk}")) for m in materials]
        try:
            case = actions.submit_application(
                item=item,
                applicant={k: data[k] for k in ("kind", "name", "id_number", "phone", "address")},
                materials=files,
                ip=client_ip(request),
            )
        except ValidationFailed as exc:
            for error in exc.errors:
                application.add_error(None, error)
        except SanxiangError as exc:
            application.add_error(None, exc.message)
        else:
            response = render(
                request,
                "cases/online_submitted.html",
                _portal(item=item, number=case.application_number, code=case.query_code),  # type: ignore[attr-defined]
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "cases/online_form.html", _portal(item=item, form=application))


class StatusForm(forms.Form):
    number = forms.CharField(label="申请编号", max_length=40, error_messages={"required": "请填写申请编号"})
    code = forms.CharField(label="查询码", max_length=16, error_messages={"required": "请填写查询码"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"class": "form-control", "autocomplete": "off"})


def _over_limit(request: HttpRequest, what: str, limit: int) -> bool:
    """Count one ``what`` for the client IP in the current hour (Django cache); True beyond ``limit``."""
    key = f"sx:apply-{what}:{client_ip(request) or 'unknown'}:{timezone.now():%Y%m%d%H}"
    added = cache.add(key, 1, 3600)
    count = 1 if added else cache.incr(key)
    return count > limit


def _rate_limited(request: HttpRequest) -> bool:
    """At most ``LOOKUPS_PER_HOUR`` lookups per client IP and hour (stops enumerating 申请编号/查询码)."""
    return _over_limit(request, "status", LOOKUPS_PER_HOUR)


@public
def status(request: HttpRequest) -> HttpResponse:
    lookup = StatusForm(request.POST or None)
    result = None
    not_found = False
    code = 200
    if request.method == "POST" and lookup.is_valid():
        if _rate_limited(request):
            lookup.add_error(None, f"查询过于频繁：每小时最多查询 {LOOKUPS_PER_HOUR} 次，请稍后再试。")
            code = 429
        else:
            result = actions.status_for(lookup.cleaned_data["number"], lookup.cleaned_data["code"])
            not_found = result is None
    response = render(
        request,
        "cases/online_status.html",
        _portal(form=lookup, result=result, not_found=not_found),
        status=code,
    )
    response["Cache-Control"] = "no-store"
    return response


# --- staff: 政务服务平台 import -------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label="政务服务平台导出文件",
        help_text=f"CSV（UTF-8，首行为中文表头）或 JSON，不超过 {online_import.MAX_BYTES // 1024 // 1024} MB、"
        f"{online_import.MAX_ROWS} 件。任何一行有误都不会导入。",
        error_messages={"required": "请选择要上传的文件", "empty": "文件：上传的文件是空的"},
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".csv,.json,text/csv,application/json"}
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        ext = os.path.splitext(upload.name)[1].lower()
        if ext not in (".csv", ".json"):
            raise forms.ValidationError("文件：只支持 .csv 或 .json 文件")
        if upload.size > online_import.MAX_BYTES:
            raise forms.ValidationError(f"文件：不能超过 {online_import.MAX_BYTES // 1024 // 1024} MB")
        return upload


@access("case.handle")
def platform_import(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    agency = scoped_get(user, "case.handle", Agency.objects.all(), "id", pk=user.agency_id)
    upload_form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        fmt = os.path.splitext(upload.name)[1].lower().lstrip(".")
        try:
            rows = online_import.parse(upload, fmt=fmt)
        except ValidationFailed as exc:
            for problem in exc.errors:
                upload_form.add_error("file", problem)
        else:
            upload.seek(0)
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            name = default_storage.save(
                f"imports/{agency.pk}/{timezone.now():%Y%m%d}-{uuid.uuid4().hex}.{fmt}", upload
            )
            job = jobs.create(
                user,
                kind=IMPORT_KIND,
                title=f"导入政务服务平台办件：{upload.name}",
                agency_id=agency.pk,
                capability="case.handle",
                params={
                    "file": name,
                    "fmt": fmt,
                    "filename": upload.name,
                    "sha256": digest.hexdigest(),
                    "back_url": reverse("cases:platform_import"),
                    "back_label": "返回导入页面",
                },
                total=len(rows) * 2,
            )
            jobs.dispatch(job, tasks.import_platform, inline=len(rows) <= online_import.INLINE_ROWS)
            return redirect("core:job_detail", pk=job.pk)
    recent = scoped(user, "case.handle", Job.objects.filter(kind=IMPORT_KIND, agency=agency)).select_related(
        "created_by"
    )[:10]
    return render(
        request,
        "cases/online_import.html",
        {
            "form": upload_form,
            "agency": agency,
            "columns": online_import.COLUMNS,
            "required": online_import.REQUIRED,
            "recent": [(job, jobs.snapshot(job)) for job in recent],
        },
    )


@access("case.handle")
def platform_sample(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(online_import.sample_csv(), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = HttpResponse(online_import.sample_json(), content_type="application/json; charset=utf-8")
    else:
        raise Http404("只提供 CSV 和 JSON 示例")
    response["Content-Disposition"] = f'attachment; filename="platform-import-sample.{fmt}"'
    return response
