"""JSON API of evidence, mounted under /api/v1/evidence/ (token or session auth).

The same actions as the pages: list a case's items and read one (``case.read``), resumable upload
(``case.handle``: begin → PUT raw chunks at ``?offset=N`` → finish; 409 with ``expected`` when out of place),
download (Range supported), 作废. Every read of a file records a custody event.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from accounts.access import require, scoped_get
from cases.models import Case
from core.errors import SanxiangError
from core.http import client_ip
from evidence import actions, selectors
from evidence.models import CustodyEvent, EvidenceItem, UploadSession
from evidence.views import _error, _starts_at_zero, ranged_file_response, request_body, session_json

router = Router(tags=["证据"])


class ItemSummary(Schema):
    id: int
    case_id: int
    kind: str
    kind_label: str
    purpose: str
    title: str
    filename: str
    content_type: str
    size: int
    sha256: str
    sm3: str
    step_id: str
    case_step_id: int | None
    is_av: bool
    uploaded_by: str
    uploaded_at: datetime
    is_voided: bool
    void_reason: str


class CustodyOut(Schema):
    kind: str
    kind_label: str
    actor: str
    at: datetime
    ip: str
    note: str


class ItemOut(ItemSummary):
    description: str
    collected_at: datetime | None
    collected_place: str
    device: str
    collected_by: str
    material_name: str
    voided_at: datetime | None
    custody: list[CustodyOut]


class UploadIn(Schema):
    filename: str
    size: int
    content_type: str = ""
    kind: str
    purpose: str = "evidence"
    title: str = ""
    description: str = ""
    step_id: str = ""
    case_step: int | None = None
    collected_at: datetime | None = None
    collected_place: str = ""
    device: str = ""
    collected_by: str = ""
    material_name: str = ""


class UploadOut(Schema):
    id: str
    filename: str
    size: int
    received: int
    chunk_size: int
    expires_at: str


class FinishOut(Schema):
    item: ItemSummary


class VoidIn(Schema):
    reason: str


def _name(user: Any) -> str:
    return (user.full_name or user.username) if user else "系统"


def _summary(item: EvidenceItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "case_id": item.case_id,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "purpose": item.purpose,
        "title": item.title,
        "filename": item.filename,
        "content_type": item.content_type,
        "size": item.blob.size,
        "sha256": item.blob.sha256,
        "sm3": item.blob.sm3,
        "step_id": item.step_id,
        "case_step_id": item.case_step_id,
        "is_av": item.is_av,
        "uploaded_by": _name(item.uploaded_by),
        "uploaded_at": item.uploaded_at,
        "is_voided": item.is_voided,
        "void_reason": item.void_reason,
    }


def _full(item: EvidenceItem) -> dict[str, Any]:
    return {
        **_summary(item),
        "description": item.description,
        "collected_at": item.collected_at,
        "collected_place": item.collected_place,
        "device": item.device,
        "collected_by": item.collected_by,
        "material_name": item.material_name,
        "voided_at": item.voided_at,
        "custody": [
            {
                "kind": e.kind,
                "kind_label": e.get_kind_display(),
                "actor": _name(e.actor),
                "at": e.at,
                "ip": e.ip,
                "note": e.note,
            }
            for e in selectors.custody_for(item)
        ],
    }


def _case(request: HttpRequest, capability: str, case_id: int) -> Case:
    require(request.user, capability)
    return scoped_get(request.user, capability, Case.objects.all(), pk=case_id)


def _item(request: HttpRequest, capability: str, item_id: int) -> EvidenceItem:
    require(request.user, capability)
    qs = EvidenceItem.objects.select_related("case", "blob", "uploaded_by", "voided_by")
    return scoped_get(request.user, capability, qs, agency_field="case__agency_id", pk=item_id)


def _session(request: HttpRequest, upload_id: uuid.UUID) -> UploadSession:
    require(request.user, "case.handle")
    qs = UploadSession.objects.select_related("case")
    session = scoped_get(request.user, "case.handle", qs, agency_field="case__agency_id", pk=upload_id)
    if session.user_id not in (None, request.user.pk):
        raise PermissionDenied("只有发起上传的人员可以继续或取消该上传")
    return session


def _upload(session: UploadSession) -> dict[str, Any]:
    data = session_json(session)
    return {k: data[k] for k in ("id", "filename", "size", "received", "chunk_size", "expires_at")}


@router.get(
    "/cases/{case_id}/items", response=list[ItemSummary], url_name="evidence_items", summary="案件的证据清单"
)
def evidence_items(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = _case(request, "case.read", case_id)
    return [_summary(i) for i in selectors.items_for_case(case)]


@router.get("/items/{item_id}", response=ItemOut, url_name="evidence_item", summary="证据详情与保管链")
def evidence_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    item = _item(request, "case.read", item_id)
    actions.record_custody(request.user, item, CustodyEvent.Kind.VIEW, ip=client_ip(request), note="API")
    return _full(item)


@router.get("/items/{item_id}/file", url_name="evidence_download", summary="下载证据原文件（支持 Range）")
def evidence_download(request: HttpRequest, item_id: int) -> Any:
    item = _item(request, "case.read", item_id)
    if _starts_at_zero(request, item.blob.size):
        actions.record_custody(
            request.user, item, CustodyEvent.Kind.DOWNLOAD, ip=client_ip(request), note="API"
        )
    return ranged_file_response(request, item, as_attachment=True)


@router.post(
    "/items/{item_id}/void", response=ItemOut, url_name="evidence_void", summary="作废证据（须说明原因）"
)
def evidence_void(request: HttpRequest, item_id: int, payload: VoidIn) -> dict[str, Any]:
    item = _item(request, "case.handle", item_id)
    item = actions.void_item(request.user, item, reason=payload.reason, ip=client_ip(request))
    return _full(_item(request, "case.read", item.pk))


@router.post(
    "/cases/{case_id}/uploads",
    response={201: UploadOut},
    url_name="evidence_upload_begin",
    summary="开始分片上传（≤ 4 GB）",
)
def evidence_upload_begin(request: HttpRequest, case_id: int, payload: UploadIn) -> Status:
    case = _case(request, "case.handle", case_id)
    meta = payload.dict(exclude={"filename", "size"})
    session = actions.begin_upload(
        request.user, case, filename=payload.filename, size=payload.size, metadata=meta
    )
    return Status(201, _upload(session))


@router.get(
    "/uploads/{upload_id}", response=UploadOut, url_name="evidence_upload_status", summary="分片上传进度"
)
def evidence_upload_status(request: HttpRequest, upload_id: uuid.UUID) -> dict[str, Any]:
    return _upload(_session(request, upload_id))


@router.put(
    "/uploads/{upload_id}/chunk",
    response=UploadOut,
    url_name="evidence_upload_chunk",
    summary="上传一个分片（原始字节，offset 须等于已接收字节数，否则 409）",
)
def evidence_upload_chunk(request: HttpRequest, upload_id: uuid.UUID, offset: int) -> Any:
    session = _session(request, upload_id)
    if not request.META.get("CONTENT_LENGTH"):
        return _error(SanxiangError("分片：缺少 Content-Length", field="body"), 411)
    try:
        session = actions.receive_chunk(request.user, session, offset=offset, data=request_body(request))
    except SanxiangError as exc:
        return _error(exc)
    return _upload(session)


@router.post(
    "/uploads/{upload_id}/finish",
    response={201: FinishOut},
    url_name="evidence_upload_finish",
    summary="完成上传：计算 SHA-256 与 SM3，入库并登记证据",
)
def evidence_upload_finish(request: HttpRequest, upload_id: uuid.UUID) -> Any:
    session = _session(request, upload_id)
    try:
        item = actions.finish_upload(request.user, session, ip=client_ip(request))
    except SanxiangError as exc:
        return _error(exc)
    item = EvidenceItem.objects.select_related("blob", "uploaded_by").get(pk=item.pk)
    return Status(201, {"item": _summary(item)})


@router.post(
    "/uploads/{upload_id}/abort", response={204: None}, url_name="evidence_upload_abort", summary="取消上传"
)
def evidence_upload_abort(request: HttpRequest, upload_id: uuid.UUID) -> HttpResponse:
    actions.abort_upload(request.user, _session(request, upload_id))
    return HttpResponse(status=204)
