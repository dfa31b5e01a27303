"""Evidence pages under /evidence/: a case's evidence, upload (resumable chunks + a plain form), item detail with an
audio/video player fed by HTTP Range requests, download, 作废.

Thin views: objects through ``scoped_get`` (the case's agency), changes through ``evidence.actions``. Reading needs
``case.read``; upload and 作废 need ``case.handle``. Opening an item's page records a 查看 custody event; a
download records 下载.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import IO, Any
from urllib.parse import quote

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.access import access, can, scoped_get
from cases.models import Case
from core.errors import SanxiangError
from core.formerrors import apply_errors
from core.http import client_ip
from evidence import actions, rules, selectors, store
from evidence.actions import OffsetMismatch
from evidence.forms import BeginUploadForm, UploadForm, VoidForm
from evidence.models import CustodyEvent, EvidenceItem, UploadSession

CLIENT_CHUNK_SIZE = 8 * 1024 * 1024  # what evidence-upload.js sends per request
STREAM_BLOCK = 512 * 1024
VIEW_EVENT_WINDOW = timedelta(minutes=10)  # a player's range requests within this window count as one 查看


def _case(request: HttpRequest, capability: str, pk: int) -> Case:
    qs = Case.objects.select_related("agency", "item", "department")
    return scoped_get(request.user, capability, qs, pk=pk)


def _item(request: HttpRequest, capability: str, pk: int) -> EvidenceItem:
    qs = EvidenceItem.objects.select_related("case__agency", "case__item", "blob", "uploaded_by", "case_step")
    return scoped_get(request.user, capability, qs, agency_field="case__agency_id", pk=pk)


def _session(request: HttpRequest, pk: uuid.UUID) -> UploadSession:
    qs = UploadSession.objects.select_related("case")
    session = scoped_get(request.user, "case.handle", qs, agency_field="case__agency_id", pk=pk)
    if session.user_id not in (None, request.user.pk):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有发起上传的人员可以继续或取消该上传")
    return session


def case_tabs(case: Case) -> list[dict[str, Any]]:
    """The case page's tab bar (cases.views.tabs)."""
    from cases.views import tabs

    return tabs(case, "evidence:case_items")


def _base_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    return {
        "case": case,
        "tabs": case_tabs(case),
        "can_handle": can(request.user, "case.handle", case.agency_id) and case.status == Case.Status.OPEN,
    }


# --- list and upload ----------------------------------------------------------------------------------


@access("case.read")
def case_items(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _case(request, "case.read", case_pk)
    items = list(selectors.items_for_case(case))
    return render(
        request,
        "evidence/case_items.html",
        {
            **_base_context(request, case),
            "items": items,
            "active_count": sum(1 for i in items if not i.is_voided),
        },
    )


@access("case.handle")
def upload(request: HttpRequest, case_pk: int) -> HttpResponse:
    """The upload page. With scripts, evidence-upload.js sends the file in resumable chunks; without, the
    form posts the file in one multipart request (small files from a phone)."""
    case = _case(request, "case.handle", case_pk)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, case=case)
        if form.is_valid():
            meta = form.metadata()
            upload_file = request.FILES["file"]
            try:
                item = actions.add_file(request.user, case, upload_file, ip=client_ip(request), **meta)
            except SanxiangError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已上传证据：{item.title}（SHA-256 {item.blob.sha256[:12]}…）")
                return redirect("evidence:item", item.pk)
        status = 400
    else:
        form = UploadForm(case=case)
        status = 200
    if case.status != Case.Status.OPEN:
        messages.error(request, f"案件{case.get_status_display()}，电子案卷已归档，不能再上传证据。")
    return render(
        request,
        "evidence/upload.html",
        {
            **_base_context(request, case),
            "form": form,
            "chunk_size": CLIENT_CHUNK_SIZE,
            "max_size": rules.MAX_UPLOAD_BYTES,
            "begin_url": reverse("evidence:upload_begin", args=[case.pk]),
        },
        status=status,
    )


def _error(exc: SanxiangError, status: int = 400) -> JsonResponse:
    body: dict[str, Any] = exc.as_dict()
    if isinstance(exc, OffsetMismatch):
        body["expected"] = exc.expected
        status = 409
    elif exc.code == "forbidden":
        status = 403
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def session_json(session: UploadSession) -> dict[str, Any]:
    pk = session.pk
    return {
        "id": str(pk),
        "filename": session.filename,
        "size": session.size,
        "received": session.received,
        "chunk_size": CLIENT_CHUNK_SIZE,
        "expires_at": session.expires_at.isoformat(),
        "status_url": reverse("evidence:upload_status", args=[pk]),
        "chunk_url": reverse("evidence:upload_chunk", args=[pk]),
        "finish_url": reverse("evidence:upload_finish", args=[pk]),
        "abort_url": reverse("evidence:upload_abort", args=[pk]),
    }


@access("case.handle")
def upload_begin(request: HttpRequest, case_pk: int) -> HttpResponse:
    """POST filename, size and the metadata → a resumable upload session (JSON)."""
    case = _case(request, "case.handle", case_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = BeginUploadForm(request.POST, case=case)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        message = f"{label}：{errors[0]}" if label else str(errors[0])
        return _error(SanxiangError(message, field=field, code="invalid"))
    data = form.cleaned_data
    meta = form.metadata()
    for key in ("filename", "size"):
        meta.pop(key, None)
    try:
        session = actions.begin_upload(
            request.user, case, filename=data["filename"], size=data["size"], metadata=meta
        )
    except SanxiangError as exc:
        return _error(exc)
    return JsonResponse(session_json(session), status=201, json_dumps_params={"ensure_ascii": False})


@access("case.handle")
def upload_status(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """How many bytes the server holds (the client resumes from there)."""
    session = _session(request, pk)
    return JsonResponse(session_json(session), json_dumps_params={"ensure_ascii": False})


def request_body(request: HttpRequest, block: int = 1024 * 1024) -> Iterator[bytes]:
    """The raw request body in pieces of ``block`` bytes (never loaded whole). Stops with an error when the
    client sends less than its Content-Length (connection lost)."""
    try:
        remaining = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        remaining = 0
    while remaining > 0:
        data = request.read(min(block, remaining))
        if not data:
            raise SanxiangError("分片：数据传输中断，请从服务器已收到的位置继续上传", field="body")
        remaining -= len(data)
        yield data


@access("case.handle")
def upload_chunk(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """PUT (or POST) the raw bytes of one chunk with ``?offset=N``; 409 + expected offset when out of place."""
    session = _session(request, pk)
    if request.method not in ("PUT", "POST"):
        return HttpResponseNotAllowed(["PUT", "POST"])
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith(("multipart/", "application/x-www-form-urlencoded")):
        return _error(SanxiangError("分片：请以 application/octet-stream 发送原始字节", field="body"), 415)
    if not request.META.get("CONTENT_LENGTH"):
        return _error(SanxiangError("分片：缺少 Content-Length", field="body"), 411)
    offset_text = request.GET.get("offset", "")
    if not offset_text.isdigit():
        return _error(SanxiangError("分片位置：offset 应为非负整数", field="offset"))
    try:
        session = actions.receive_chunk(
            request.user, session, offset=int(offset_text), data=request_body(request)
        )
    except SanxiangError as exc:
        return _error(exc)
    return JsonResponse(session_json(session), json_dumps_params={"ensure_ascii": False})


@access("case.handle")
def upload_finish(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    session = _session(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        item = actions.finish_upload(request.user, session, ip=client_ip(request))
    except SanxiangError as exc:
        return _error(exc)
    return JsonResponse(
        {
            "item_id": item.pk,
            "item_url": reverse("evidence:item", args=[item.pk]),
            "sha256": item.blob.sha256,
            "sm3": item.blob.sm3,
            "size": item.blob.size,
        },
        status=201,
    )


@access("case.handle")
def upload_abort(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    session = _session(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        actions.abort_upload(request.user, session)
    except SanxiangError as exc:
        return _error(exc)
    return JsonResponse({"aborted": True})


# --- item, player, download, 作废 -----------------------------------------------------------------------


@access("case.read")
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, "case.read", pk)
    actions.record_custody(request.user, item, CustodyEvent.Kind.VIEW, ip=client_ip(request))
    return render(
        request,
        "evidence/item_detail.html",
        {
            **_base_context(request, item.case),
            "item": item,
            "media": selectors.media_kind(item),
            "custody": selectors.custody_for(item),
        },
    )


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(Exception):
    """The requested byte range lies outside the file (416)."""


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """One byte range of ``Range: bytes=a-b`` as (start, end inclusive); None when absent or not a single
    byte range (serve the whole file). Raises RangeNotSatisfiable when it lies outside the file."""
    match = _RANGE.match(header.strip()) if header else None
    if not match:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # suffix: the last N bytes
        length = int(last)
        if length == 0:
            raise RangeNotSatisfiable
        return max(size - length, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        raise RangeNotSatisfiable
    return start, min(end, size - 1)


def _iter_range(source: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    try:
        source.seek(start)
        remaining = length
        while remaining > 0:
            data = source.read(min(STREAM_BLOCK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        source.close()


def _content_disposition(kind: str, filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "evidence"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def ranged_file_response(
    request: HttpRequest, item: EvidenceItem, *, as_attachment: bool
) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """The item's file, whole (200) or one byte range (206 Partial Content) so that video can seek."""
    size = item.blob.size
    try:
        source = store.open_blob(item.blob)
    except FileNotFoundError as exc:
        raise Http404("证据文件缺失，请联系系统管理员运行 verify_evidence 检查") from exc
    content_type = item.content_type or "application/octet-stream"
    if not selectors.media_kind(item):
        as_attachment = True  # only audio, video, images and PDF are shown inline (never HTML or SVG)
    disposition = _content_disposition("attachment" if as_attachment else "inline", item.filename)
    response: HttpResponse | StreamingHttpResponse | FileResponse
    try:
        wanted = parse_range(request.headers.get("Range", ""), size)
    except RangeNotSatisfiable:
        source.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if wanted is None:
        response = FileResponse(source, content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        start, end = wanted
        length = end - start + 1
        response = StreamingHttpResponse(
            _iter_range(source, start, length), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _starts_at_zero(request: HttpRequest, size: int) -> bool:
    try:
        wanted = parse_range(request.headers.get("Range", ""), size)
    except RangeNotSatisfiable:
        return False
    return wanted is None or wanted[0] == 0


@access("case.read")
def item_stream(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """Inline bytes for the player (<video>/<audio>/<img>), with Range support. A 查看 event is recorded unless
    this user already has one for the item within the last 10 minutes (the page itself records one)."""
    item = _item(request, "case.read", pk)
    if _starts_at_zero(request, item.blob.size):
        recent = CustodyEvent.objects.filter(
            item=item,
            kind=CustodyEvent.Kind.VIEW,
            actor_id=request.user.pk,
            at__gte=timezone.now() - VIEW_EVENT_WINDOW,
        ).exists()
        if not recent:
            actions.record_custody(
                request.user, item, CustodyEvent.Kind.VIEW, ip=client_ip(request), note="在线播放/查看"
            )
    return ranged_file_response(request, item, as_attachment=False)


@access("case.read")
def item_download(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """The original file as an attachment; 下载 is recorded (once per download, not per resumed range)."""
    item = _item(request, "case.read", pk)
    if _starts_at_zero(request, item.blob.size):
        actions.record_custody(request.user, item, CustodyEvent.Kind.DOWNLOAD, ip=client_ip(request))
    return ranged_file_response(request, item, as_attachment=True)


@access("case.handle")
def item_void(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, "case.handle", pk)
    if request.method == "POST":
        form = VoidForm(request.POST)
        if form.is_valid():
            try:
                actions.void_item(
                    request.user, item, reason=form.cleaned_data["reason"], ip=client_ip(request)
                )
            except SanxiangError as exc:
                apply_errors(form, exc, fallback="reason")
            else:
                messages.success(request, f"已作废证据：{item.title}（文件与记录保留）")
                return redirect("evidence:item", item.pk)
        status = 400
    else:
        form = VoidForm()
        status = 200
    return render(
        request,
        "evidence/item_void.html",
        {**_base_context(request, item.case), "item": item, "form": form},
        status=status,
    )
