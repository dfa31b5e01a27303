"""JSON API of 文书 (mounted under /api/v1/cases/): list, create, update a draft, issue, correct, download.

Reads need ``case.read`` over the case's agency, changes ``case.handle``. A refused action answers 400 with
``{code, message, field}`` in Chinese (e.g. a 决定书 missing an Art.59 element); another agency's case answers 403.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from ninja import Router, Schema

from accounts.access import scoped_get
from cases.actions import documents as actions
from cases.documents import registry
from cases.documents.context import doc_values
from cases.models import Case, Document

router = Router(tags=["执法文书"])


class FieldOut(Schema):
    name: str
    label: str
    kind: str
    required: bool
    help: str


class DocTypeOut(Schema):
    code: str
    title: str
    numbered: bool
    prefix: str | None
    step_ids: list[str]
    article: str
    fields: list[FieldOut]


class DocumentOut(Schema):
    id: int
    case_id: int
    doc_type: str
    title: str
    step_id: str
    number: str
    version: int
    state: str
    state_label: str
    supersedes_id: int | None
    correction_reason: str
    issued_on: date | None
    issued_at: datetime | None
    pdf_sha256: str
    docx_sha256: str
    pdf_pages: int
    data: dict[str, Any]
    pdf_url: str
    docx_url: str


class DocumentIn(Schema):
    doc_type: str
    step_id: str = ""
    data: dict[str, Any] = {}


class DataIn(Schema):
    data: dict[str, Any]


class IssueIn(Schema):
    on: date | None = None


class CorrectIn(Schema):
    reason: str
    data: dict[str, Any] = {}
    on: date | None = None


def _out(doc: Document) -> dict[str, Any]:
    def url(fmt: str) -> str:
        return reverse(
            "api:case_document_download", kwargs={"case_id": doc.case_id, "doc_id": doc.pk, "fmt": fmt}
        )

    return {
        "id": doc.pk,
        "case_id": doc.case_id,
        "doc_type": doc.doc_type,
        "title": doc.title,
        "step_id": doc.step_id,
        "number": doc.number,
        "version": doc.version,
        "state": doc.state,
        "state_label": doc.get_state_display(),
        "supersedes_id": doc.supersedes_id,
        "correction_reason": doc.correction_reason,
        "issued_on": doc.issued_on,
        "issued_at": doc.issued_at,
        "pdf_sha256": doc.pdf_blob.sha256 if doc.pdf_blob else "",
        "docx_sha256": doc.docx_blob.sha256 if doc.docx_blob else "",
        "pdf_pages": doc.pdf_pages,
        "data": doc_values(doc),
        "pdf_url": url("pdf"),
        "docx_url": url("docx"),
    }


def _case(request: HttpRequest, capability: str, case_id: int) -> Case:
    return scoped_get(request.user, capability, Case.objects.select_related("agency"), pk=case_id)


def _doc(request: HttpRequest, capability: str, case_id: int, doc_id: int) -> Document:
    qs = Document.objects.select_related("case__agency", "pdf_blob", "docx_blob").filter(case_id=case_id)
    return scoped_get(request.user, capability, qs, agency_field="case__agency_id", pk=doc_id)


@router.get(
    "/{case_id}/document-types",
    response=list[DocTypeOut],
    url_name="case_document_types",
    summary="本案程序可制作的文书类型及字段",
)
def document_types(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = _case(request, "case.read", case_id)
    return [
        {
            "code": t.code,
            "title": t.title,
            "numbered": t.numbered,
            "prefix": t.prefix,
            "step_ids": list(t.step_ids),
            "article": t.article,
            "fields": [
                {"name": f.name, "label": f.label, "kind": f.kind, "required": f.required, "help": f.help}
                for f in t.fields
            ],
        }
        for t in registry.for_procedure(case.procedure)
    ]


@router.get(
    "/{case_id}/documents", response=list[DocumentOut], url_name="case_documents", summary="案件文书列表"
)
def list_documents(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = _case(request, "case.read", case_id)
    docs = case.documents.select_related("pdf_blob", "docx_blob").order_by("created_at", "id")
    return [_out(d) for d in docs]


@router.post(
    "/{case_id}/documents",
    response={201: DocumentOut},
    url_name="case_document_create",
    summary="制作文书草稿（自动填入案件信息）",
)
def create_document(request: HttpRequest, case_id: int, payload: DocumentIn) -> tuple[int, dict[str, Any]]:
    case = _case(request, "case.handle", case_id)
    doc = actions.create_document(
        request.user, case, payload.doc_type, data=payload.data, step_id=payload.step_id
    )
    return 201, _out(doc)


@router.get(
    "/{case_id}/documents/{doc_id}", response=DocumentOut, url_name="case_document", summary="文书详情"
)
def get_document(request: HttpRequest, case_id: int, doc_id: int) -> dict[str, Any]:
    return _out(_doc(request, "case.read", case_id, doc_id))


@router.patch(
    "/{case_id}/documents/{doc_id}",
    response=DocumentOut,
    url_name="case_document_update",
    summary="修改文书草稿（已签发的不能修改）",
)
def update_document(request: HttpRequest, case_id: int, doc_id: int, payload: DataIn) -> dict[str, Any]:
    doc = _doc(request, "case.handle", case_id, doc_id)
    return _out(actions.update_document(request.user, doc, payload.data))


@router.post(
    "/{case_id}/documents/{doc_id}/issue",
    response=DocumentOut,
    url_name="case_document_issue",
    summary="签发文书（编号、生成 Word 和 PDF）",
)
def issue_document(request: HttpRequest, case_id: int, doc_id: int, payload: IssueIn) -> dict[str, Any]:
    doc = _doc(request, "case.handle", case_id, doc_id)
    return _out(actions.issue_document(request.user, doc, on=payload.on))


@router.post(
    "/{case_id}/documents/{doc_id}/correct",
    response={201: DocumentOut},
    url_name="case_document_correct",
    summary="更正已签发文书（新版本，原件保留）",
)
def correct_document(
    request: HttpRequest, case_id: int, doc_id: int, payload: CorrectIn
) -> tuple[int, dict[str, Any]]:
    doc = _doc(request, "case.handle", case_id, doc_id)
    new = actions.correct_document(request.user, doc, reason=payload.reason, data=payload.data, on=payload.on)
    return 201, _out(new)


@router.get(
    "/{case_id}/documents/{doc_id}/download/{fmt}",
    url_name="case_document_download",
    summary="下载文书（pdf 或 docx；草稿为预览）",
)
def download_document(request: HttpRequest, case_id: int, doc_id: int, fmt: str) -> HttpResponseBase:
    doc = _doc(request, "case.read", case_id, doc_id)
    if fmt not in ("pdf", "docx"):
        return HttpResponse("格式：只支持 pdf 或 docx", status=404, content_type="text/plain; charset=utf-8")
    content_type = "application/pdf" if fmt == "pdf" else actions.DOCX_TYPE
    filename = f"{doc.title}{doc.number or '（草稿）'}.{fmt}"
    blob = doc.pdf_blob if fmt == "pdf" else doc.docx_blob
    if blob is not None:
        from evidence.store import open_blob

        return FileResponse(open_blob(blob), content_type=content_type, as_attachment=True, filename=filename)
    from cases.documents.render import render_docx_bytes, render_pdf

    data = render_pdf(doc)[0] if fmt == "pdf" else render_docx_bytes(doc)
    return FileResponse(io.BytesIO(data), content_type=content_type, as_attachment=True, filename=filename)
