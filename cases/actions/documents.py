"""文书 actions: draft, edit, issue (number + Word + PDF, stored as blobs), correct (a new version that keeps the old).

Every action checks ``case.handle`` over the case's agency, runs in one transaction and appends one audit event
(ids, codes, the number and the hashes of the issued files — never personal data). An issued document is
immutable (《行政处罚法》第四十七条 全过程记录、归档保存); a correction is a new version with the same number,
``supersedes`` pointing at the old one, which stays kept as 已更正.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.access import require
from audit.chain import record
from cases.documents import registry
from cases.documents import rules as doc_rules
from cases.documents.context import prefill, seal, unseal
from cases.documents.registry import DocType
from cases.documents.render import render_docx_bytes, render_pdf
from cases.models import Case, Document
from core.errors import SanxiangError, ValidationFailed
from core.numbering import next_number

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require_open(case: Case) -> None:
    if case.is_read_only:
        raise SanxiangError(
            f"案件{case.get_status_display()}：结案归档或终止后的案件只读，不能再制作或更改文书（《行政处罚法》第四十七条）",
            field="case",
            code="read_only",
        )


def _clean(doc_type: DocType, data: dict[str, Any] | None) -> dict[str, Any]:
    """Only the fields of the type, strings stripped; dates and times checked. Refuses with every problem."""
    cleaned: dict[str, Any] = {}
    errors: list[str] = []
    for name, value in (data or {}).items():
        f = doc_type.field(name)
        if f is None:
            continue
        text = "" if value is None else str(value).strip()
        if text and f.kind == "date":
            try:
                text = date.fromisoformat(text).isoformat()
            except ValueError:
                errors.append(f"{f.label}：日期格式应为 年-月-日（如 2026-10-13）")
        elif text and f.kind == "datetime":
            try:
                text = datetime.fromisoformat(text).strftime("%Y-%m-%dT%H:%M")
            except ValueError:
                errors.append(f"{f.label}：时间格式应为 年-月-日 时:分（如 2026-10-13 09:30）")
        cleaned[name] = text
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _step_ids(case: Case) -> set[str]:
    from catalog.process import get as get_process

    return {s.id for s in get_process(case.procedure).steps}


def create_document(
    user: Any,
    case: Case,
    doc_type: str,
    *,
    data: dict[str, Any] | None = None,
    step_id: str = "",
    on: date | None = None,
) -> Document:
    """A draft 文书 of ``doc_type`` for an open case, prefilled from the case and overridden by ``data``."""
    require(user, "case.handle", case.agency_id)
    _require_open(case)
    dt = registry.get(doc_type)
    if case.procedure not in dt.procedures:
        raise SanxiangError(
            f"文书类型：{dt.title}不适用于{case.get_procedure_display()}案件",
            field="doc_type",
            code="doc_type",
        )
    step_id = step_id or case.current_step
    if step_id not in _step_ids(case):
        raise SanxiangError(
            f"所属环节：“{step_id}”不是{case.get_procedure_display()}流程中的环节",
            field="step_id",
            code="step",
        )
    values = {**prefill(case, dt, on=on), **_clean(dt, data)}
    with transaction.atomic():
        doc = Document.objects.create(
            case=case,
            doc_type=dt.code,
            title=dt.title,
            step_id=step_id,
            data=seal(dt, values),
            created_by=user,
        )
        record(
            "document.create",
            actor=user,
            agency_id=case.agency_id,
            obj=doc,
            payload={"case": case.pk, "doc_type": dt.code},
        )
    return doc


def _refuse_if_issued(doc: Document) -> None:
    if doc.state != Document.State.DRAFT:
        raise SanxiangError(
            f"文书：{doc.title}{doc.number}已签发，不能修改；如需更正，请制作更正版本（原件保留）"
            "（《行政处罚法》第四十七条）",
            field="document",
            code="issued",
        )


def update_document(user: Any, doc: Document, data: dict[str, Any]) -> Document:
    """Change the fields of a draft. Issued documents are immutable."""
    require(user, "case.handle", doc.case.agency_id)
    dt = registry.get(doc.doc_type)
    cleaned = _clean(dt, data)
    with transaction.atomic():
        locked = Document.objects.select_for_update(of=("self",)).select_related("case").get(pk=doc.pk)
        _refuse_if_issued(locked)
        _require_open(locked.case)
        locked.data = seal(dt, {**unseal(dt, locked.data), **cleaned})
        locked.save(update_fields=["data"])
        record(
            "document.update",
            actor=user,
            agency_id=locked.case.agency_id,
            obj=locked,
            payload={"case": locked.case_id, "doc_type": dt.code, "fields": sorted(cleaned)},
        )
    return locked


def _render_and_store(doc: Document, dt: DocType) -> None:
    from evidence.store import ingest

    docx = render_docx_bytes(doc, dt)
    pdf, pages = render_pdf(doc, dt)
    doc.docx_blob = ingest([docx], content_type=DOCX_TYPE)
    doc.pdf_blob = ingest([pdf], content_type="application/pdf")
    doc.pdf_pages = pages


def _check_issuable(doc: Document, dt: DocType) -> None:
    problems = doc_rules.problems(dt, unseal(dt, doc.data))
    if problems:
        raise ValidationFailed(problems, field="document")


def _stamp(doc: Document, user: Any, on: date) -> None:
    doc.data = {**(doc.data or {}), "agency_name": doc.case.agency.name, "issued_on": on.isoformat()}
    doc.issued_on = on
    doc.issued_at = timezone.now()
    doc.issued_by = user
    doc.state = Document.State.ISSUED


def issue_document(user: Any, doc: Document, *, on: date | None = None) -> Document:
    """签发: check the statutory content (e.g. 《行政处罚法》第五十九条 for 决定书), allocate the number (numbered
    types), render Word + PDF, store both as blobs; the document is immutable from now on."""
    from evidence.store import cleanup_on_rollback

    require(user, "case.handle", doc.case.agency_id)
    day = on or timezone.localdate()
    with cleanup_on_rollback(), transaction.atomic():
        locked = (
            Document.objects.select_for_update(of=("self",)).select_related("case__agency").get(pk=doc.pk)
        )
        _refuse_if_issued(locked)
        _require_open(locked.case)
        dt = registry.get(locked.doc_type)
        _stamp(locked, user, day)
        _check_issuable(locked, dt)
        if dt.prefix is not None:
            locked.number = next_number(locked.case.agency, dt.prefix, day.year)
        _render_and_store(locked, dt)
        locked.save()
        _audit_issue("document.issue", user, locked)
    return locked


def _audit_issue(action: str, user: Any, doc: Document, **extra: Any) -> None:
    assert doc.pdf_blob is not None and doc.docx_blob is not None
    record(
        action,
        actor=user,
        agency_id=doc.case.agency_id,
        obj=doc,
        payload={
            "case": doc.case_id,
            "number": doc.number,
            "doc_type": doc.doc_type,
            "version": doc.version,
            "pdf_sha256": doc.pdf_blob.sha256,
            "docx_sha256": doc.docx_blob.sha256,
            **extra,
        },
    )


def correct_document(
    user: Any, doc: Document, *, reason: str, data: dict[str, Any], on: date | None = None
) -> Document:
    """更正: a new issued version (version + 1, same number, ``supersedes`` = the old one); the old document is
    kept with state 已更正. The reason is required and recorded."""
    from evidence.store import cleanup_on_rollback

    require(user, "case.handle", doc.case.agency_id)
    reason = (reason or "").strip()
    if not reason:
        raise SanxiangError("更正原因：不能为空（更正已签发文书须说明原因）", field="reason", code="required")
    dt = registry.get(doc.doc_type)
    cleaned = _clean(dt, data)
    day = on or timezone.localdate()
    with cleanup_on_rollback(), transaction.atomic():
        old = Document.objects.select_for_update(of=("self",)).select_related("case__agency").get(pk=doc.pk)
        if old.state != Document.State.ISSUED:
            raise SanxiangError(
                "文书：只能更正已签发的现行版本"
                + (
                    "（该版本已被更正，请更正最新版本）"
                    if old.state == Document.State.SUPERSEDED
                    else "（草稿可直接修改）"
                ),
                field="document",
                code="not_issued",
            )
        _require_open(old.case)
        new = Document(
            case=old.case,
            doc_type=old.doc_type,
            title=old.title,
            step_id=old.step_id,
            number=old.number,
            version=old.version + 1,
            supersedes=old,
            correction_reason=reason[:300],
            data=seal(dt, {**unseal(dt, old.data), **cleaned}),
            created_by=user,
        )
        _stamp(new, user, day)
        _check_issuable(new, dt)
        old.state = Document.State.SUPERSEDED
        old.save(update_fields=["state"])
        new.save()
        _render_and_store(new, dt)
        new.save()
        _audit_issue("document.correct", user, new, supersedes=old.pk)
    return new


def render_pdf_bytes(doc: Document) -> bytes:
    """The PDF of ``doc`` as stored when issued, or rendered now for a draft (marked 草稿)."""
    if doc.pdf_blob_id:
        from evidence.store import open_blob

        assert doc.pdf_blob is not None
        with open_blob(doc.pdf_blob) as fh:
            return fh.read()
    return render_pdf(doc)[0]
