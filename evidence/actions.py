"""State changes of evidence: add (small file or resumable upload), 作废, custody events.

Every action checks ``case.handle`` on the case's agency (``user=None`` only for the platform itself, e.g. an
online application's 申请材料), runs in one transaction and appends to the audit chain with the file's hashes —
never personal data. Nothing is deleted: an item is 作废 with a reason and keeps its file.
"""

from __future__ import annotations

import contextlib
import fcntl
import mimetypes
import os
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.access import require
from audit.chain import record
from cases.models import Case, CaseStep
from core.errors import SanxiangError, ValidationFailed
from evidence import rules, store
from evidence.models import Blob, CustodyEvent, EvidenceItem, UploadSession

UPLOAD_LIFETIME = timedelta(days=3)  # an unfinished upload may be resumed for this long after its last chunk
READ_SIZE = 1024 * 1024
META_FIELDS = (
    "kind",
    "purpose",
    "title",
    "description",
    "step_id",
    "case_step",
    "collected_at",
    "collected_place",
    "device",
    "collected_by",
    "material_name",
    "content_type",
)


class OffsetMismatch(SanxiangError):
    """A chunk does not continue where the upload stands: the client resumes from ``expected``."""

    code = "offset_mismatch"

    def __init__(self, expected: int, message: str | None = None) -> None:
        self.expected = expected
        super().__init__(
            message or f"分片位置：服务器已收到 {expected} 字节，请从第 {expected} 字节继续上传",
            field="offset",
        )


def _require_handle(user: Any, case: Case) -> None:
    if user is not None:
        require(user, "case.handle", case.agency_id)


def _require_open(case: Case, verb: str) -> None:
    problem = rules.archived_problem(case.status, case.get_status_display(), verb)
    if problem:
        raise SanxiangError(problem, field="case", code="archived")


def _audit_actor(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def clean_metadata(case: Case, meta: dict[str, Any], *, filename: str = "") -> dict[str, Any]:
    """Check an item's metadata; returns the cleaned values (``case_step`` as a CaseStep or None,
    ``collected_at`` as an aware datetime or None). Raises ValidationFailed listing every problem."""
    errors: list[str] = []
    kind = str(meta.get("kind") or "")
    if kind not in EvidenceItem.Kind.values:
        allowed = "、".join(str(label) for label in EvidenceItem.Kind.labels)
        errors.append(f"证据种类：请选择《行政处罚法》第四十六条规定的种类之一（{allowed}）")
    purpose = str(meta.get("purpose") or EvidenceItem.Purpose.EVIDENCE)
    if purpose not in EvidenceItem.Purpose.values:
        errors.append("用途：只能是 证据、执法音像记录、申请材料 或 其他材料")
    title = str(meta.get("title") or "").strip() or Path(filename).stem.strip()
    if not title:
        errors.append("名称：请填写证据名称")
    elif len(title) > 200:
        errors.append("名称：不能超过 200 个字")
    case_step = meta.get("case_step")
    row: CaseStep | None = None
    if case_step not in (None, ""):
        step_pk = case_step.pk if isinstance(case_step, CaseStep) else case_step
        try:
            row = CaseStep.objects.filter(case=case, pk=int(step_pk)).first()
        except (TypeError, ValueError):
            row = None
        if row is None:
            errors.append("办理环节：所选环节不属于本案件")
    step_id = str(meta.get("step_id") or "").strip() or (row.step_id if row else "")
    collected_at = meta.get("collected_at")
    when: datetime | None = None
    if isinstance(collected_at, datetime):
        when = collected_at
    elif collected_at not in (None, ""):
        when = parse_datetime(str(collected_at))
        if when is None:
            errors.append("取证时间：格式应为 2026-10-10 09:30")
    if when is not None and timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when is not None and when > timezone.now() + timedelta(minutes=5):
        errors.append("取证时间：不能晚于现在")
    limits = {
        "collected_place": ("取证地点", 200),
        "device": ("采集设备", 120),
        "collected_by": ("取证人", 120),
    }
    texts = {}
    for key, (label, limit) in limits.items():
        value = str(meta.get(key) or "").strip()
        if len(value) > limit:
            errors.append(f"{label}：不能超过 {limit} 个字")
        texts[key] = value
    if errors:
        raise ValidationFailed(errors)
    return {
        "kind": kind,
        "purpose": purpose,
        "title": title,
        "description": str(meta.get("description") or "").strip(),
        "step_id": step_id[:40],
        "case_step": row,
        "collected_at": when,
        "material_name": str(meta.get("material_name") or "").strip()[:200],
        **texts,
    }


def _content_type(filename: str, given: str = "") -> str:
    """The file's type from its extension when known (the browser's claim is only a fallback)."""
    guessed, _ = mimetypes.guess_type(filename)
    given = (given or "").split(";")[0].strip().lower()
    return (guessed or given or "application/octet-stream")[:100]


def add_evidence(
    user: Any,
    case: Case,
    *,
    blob: Blob,
    kind: str,
    title: str,
    filename: str,
    content_type: str = "",
    purpose: str = "evidence",
    step_id: str = "",
    case_step: CaseStep | None = None,
    description: str = "",
    collected_at: datetime | None = None,
    collected_place: str = "",
    device: str = "",
    collected_by: str = "",
    material_name: str = "",
    ip: str = "",
) -> EvidenceItem:
    """Record an evidence item for a stored blob, with its upload custody event and an audit record."""
    _require_handle(user, case)
    _require_open(case, "上传证据")
    meta = clean_metadata(
        case,
        {
            "kind": kind,
            "purpose": purpose,
            "title": title,
            "description": description,
            "step_id": step_id,
            "case_step": case_step,
            "collected_at": collected_at,
            "collected_place": collected_place,
            "device": device,
            "collected_by": collected_by,
            "material_name": material_name,
        },
        filename=filename,
    )
    uploader = _audit_actor(user)
    with transaction.atomic():
        item = EvidenceItem.objects.create(
            case=case,
            blob=blob,
            filename=(filename or meta["title"])[:255],
            content_type=_content_type(filename, content_type or blob.content_type),
            uploaded_by=uploader,
            **meta,
        )
        CustodyEvent.objects.create(item=item, kind=CustodyEvent.Kind.UPLOAD, actor=uploader, ip=ip)
        record(
            "evidence.add",
            actor=uploader,
            agency_id=case.agency_id,
            obj=item,
            payload={"sha256": blob.sha256, "sm3": blob.sm3, "size": blob.size, "kind": item.kind},
            ip=ip,
        )
    return item


def add_file(user: Any, case: Case, fileobj: Any, **meta: Any) -> EvidenceItem:
    """Store a small file (an UploadedFile or any binary file object) and record it: ingest + add_evidence,
    all or nothing. ``meta``: the keyword arguments of :func:`add_evidence` (``filename`` defaults to the file's
    name, ``content_type`` to the upload's)."""
    _require_handle(user, case)
    _require_open(case, "上传证据")
    filename = (
        meta.pop("filename", "") or os.path.basename(getattr(fileobj, "name", "") or "") or "未命名文件"
    )
    content_type = _content_type(
        filename, meta.pop("content_type", "") or getattr(fileobj, "content_type", "")
    )
    clean_metadata(case, meta, filename=filename)  # refuse before storing anything
    size = getattr(fileobj, "size", None)
    if size is not None:
        problem = rules.upload_size_problem(int(size))
        if problem:
            raise SanxiangError(problem, field="file", code="too_large")
    chunks = fileobj.chunks(store.CHUNK_SIZE) if hasattr(fileobj, "chunks") else store.read_chunks(fileobj)
    with store.cleanup_on_rollback(), transaction.atomic():
        blob = store.ingest(chunks, content_type=content_type)
        problem = rules.upload_size_problem(blob.size)
        if problem:
            raise SanxiangError(problem, field="file", code="too_large")
        return add_evidence(user, case, blob=blob, filename=filename, content_type=content_type, **meta)


# --- resumable upload ---------------------------------------------------------------------------------


def part_path(session: UploadSession) -> Path:
    """The part file of an upload, in the private temporary directory of the evidence store."""
    folder = store.tmp_dir() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{session.pk}.part"


def begin_upload(
    user: Any, case: Case, *, filename: str, size: int, metadata: dict[str, Any]
) -> UploadSession:
    """Open a resumable upload of ``size`` bytes (≤ 4 GB); the metadata is checked now, before any byte."""
    _require_handle(user, case)
    _require_open(case, "上传证据")
    filename = os.path.basename((filename or "").replace("\\", "/")).strip()[:255]
    if not filename:
        raise SanxiangError("文件名：请选择要上传的文件", field="filename")
    try:
        size = int(size)
    except (TypeError, ValueError) as exc:
        raise SanxiangError("文件大小：应为字节数", field="size") from exc
    problem = rules.upload_size_problem(size)
    if problem:
        raise SanxiangError(problem, field="size", code="too_large")
    meta = clean_metadata(case, metadata, filename=filename)
    stored = {
        **meta,
        "case_step": meta["case_step"].pk if meta["case_step"] else None,
        "collected_at": meta["collected_at"].isoformat() if meta["collected_at"] else None,
        "content_type": _content_type(filename, str(metadata.get("content_type") or "")),
    }
    with transaction.atomic():
        session = UploadSession.objects.create(
            case=case,
            user=_audit_actor(user),
            filename=filename,
            size=size,
            metadata=stored,
            expires_at=timezone.now() + UPLOAD_LIFETIME,
        )
        record(
            "evidence.upload_begin",
            actor=_audit_actor(user),
            agency_id=case.agency_id,
            obj=session,
            payload={"size": size, "kind": meta["kind"]},
        )
    return session


def _usable(user: Any, session: UploadSession) -> Case:
    case = session.case
    if case is None:
        raise SanxiangError("上传：该上传不属于任何案件", field="session")
    _require_handle(user, case)
    if user is not None and session.user_id not in (None, user.pk):
        raise SanxiangError("上传：只有发起上传的人员可以继续该上传", field="session", code="forbidden")
    if session.expires_at < timezone.now():
        raise SanxiangError("上传：该上传已过期，请重新选择文件上传", field="session", code="expired")
    _require_open(case, "上传证据")
    return case


def receive_chunk(user: Any, session: UploadSession, *, offset: int, data: Iterable[bytes]) -> UploadSession:
    """Append the bytes of ``data`` at ``offset``, which must equal what was received so far (else
    OffsetMismatch with the expected offset: the client resumes there). Streams to the part file; a chunk
    cut off mid-way is discarded whole (the part file is truncated back), so ``received`` only moves by whole
    chunks. Two requests for the same upload are serialised by a file lock."""
    _usable(user, session)
    path = part_path(session)
    # Created by the first chunk (begin writes nothing to disk).
    with os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "r+b") as part:
        try:
            fcntl.flock(part.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            received = UploadSession.objects.filter(pk=session.pk).values_list("received", flat=True).first()
            raise OffsetMismatch(received or 0, "分片：该文件的另一个分片正在上传，请稍候重试") from exc
        try:
            received = UploadSession.objects.filter(pk=session.pk).values_list("received", flat=True).first()
            if received is None:
                raise SanxiangError("上传：该上传已取消", field="session")
            session.received = received
            if os.fstat(part.fileno()).st_size < received:
                # The part file lost bytes (temporary directory cleaned): start again from 0.
                UploadSession.objects.filter(pk=session.pk).update(received=0)
                raise OffsetMismatch(0, "上传：服务器上的临时文件不完整，请从头重新上传")
            if offset != received:
                raise OffsetMismatch(received)
            part.truncate(offset)
            part.seek(offset)
            written = 0
            try:
                for piece in data:
                    if not piece:
                        continue
                    if offset + written + len(piece) > session.size:
                        raise SanxiangError(
                            f"分片：收到的数据超过申报的文件大小（{session.size} 字节）", field="size"
                        )
                    part.write(piece)
                    written += len(piece)
                part.flush()
                os.fsync(part.fileno())
            except BaseException:
                part.truncate(offset)
                raise
            with transaction.atomic():
                updated = UploadSession.objects.filter(pk=session.pk, received=offset).update(
                    received=offset + written, expires_at=timezone.now() + UPLOAD_LIFETIME
                )
            if not updated:
                part.truncate(offset)
                current = (
                    UploadSession.objects.filter(pk=session.pk).values_list("received", flat=True).first()
                )
                raise OffsetMismatch(current or 0)
        finally:
            fcntl.flock(part.fileno(), fcntl.LOCK_UN)
    session.refresh_from_db()
    return session


def finish_upload(user: Any, session: UploadSession, *, ip: str = "") -> EvidenceItem:
    """All bytes are in: hash the part file (one pass, outside the transaction), then in one transaction put
    it into the store, record the item with its custody event and audit record, and close the upload."""
    case = _usable(user, session)
    session.refresh_from_db()
    if session.received != session.size:
        raise OffsetMismatch(
            session.received, f"上传：尚未收齐（已收到 {session.received}/{session.size} 字节）"
        )
    path = part_path(session)
    if not path.exists() or path.stat().st_size != session.size:
        raise SanxiangError("上传：临时文件不完整，请重新上传", field="session")
    digests = store.hash_file(path)
    meta = dict(session.metadata)
    content_type = meta.pop("content_type", "") or _content_type(session.filename)
    meta = {k: v for k, v in meta.items() if k in META_FIELDS}
    step_pk = meta.pop("case_step", None)
    when = meta.pop("collected_at", None)
    with store.cleanup_on_rollback(), transaction.atomic():
        locked = UploadSession.objects.select_for_update().filter(pk=session.pk).first()
        if locked is None or locked.received != session.size:
            raise SanxiangError("上传：该上传已被取消或正在完成", field="session")
        blob = store.ingest_path(path, content_type=content_type, keep_source=True, digests=digests)
        item = add_evidence(
            user,
            case,
            blob=blob,
            filename=session.filename,
            content_type=content_type,
            case_step=CaseStep.objects.filter(case=case, pk=step_pk).first() if step_pk else None,
            collected_at=parse_datetime(when) if when else None,
            ip=ip,
            **meta,
        )
        locked.delete()
        transaction.on_commit(lambda: _unlink(path))
    return item


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def abort_upload(user: Any, session: UploadSession) -> None:
    """Cancel an upload: its part file and session are removed; nothing was recorded as evidence."""
    case = session.case
    if case is not None:
        _require_handle(user, case)
    if user is not None and session.user_id not in (None, user.pk):
        raise SanxiangError("上传：只有发起上传的人员可以取消该上传", field="session", code="forbidden")
    path = part_path(session)
    with transaction.atomic():
        UploadSession.objects.filter(pk=session.pk).delete()
        record(
            "evidence.upload_abort",
            actor=_audit_actor(user),
            agency_id=case.agency_id if case else None,
            object_type="evidence.uploadsession",
            object_id=str(session.pk),
            payload={"received": session.received, "size": session.size},
        )
    _unlink(path)


def purge_expired_uploads(now: datetime | None = None) -> int:
    """Remove uploads not continued before ``expires_at``, with their part files (manage.py purge_uploads)."""
    now = now or timezone.now()
    count = 0
    for session in UploadSession.objects.filter(expires_at__lt=now).select_related("case"):
        path = part_path(session)
        with transaction.atomic():
            UploadSession.objects.filter(pk=session.pk).delete()
            record(
                "evidence.upload_expired",
                agency_id=session.case.agency_id if session.case else None,
                object_type="evidence.uploadsession",
                object_id=str(session.pk),
                payload={"received": session.received, "size": session.size},
            )
        _unlink(path)
        count += 1
    # Part files whose session row is gone (a crash between the two steps above).
    known = {str(pk) for pk in UploadSession.objects.values_list("pk", flat=True)}
    folder = store.tmp_dir() / "uploads"
    if folder.exists():
        cutoff = (now - UPLOAD_LIFETIME).timestamp()
        for part in folder.glob("*.part"):
            if part.stem not in known and part.stat().st_mtime < cutoff:
                _unlink(part)
                count += 1
    return count


# --- 作废 and custody ---------------------------------------------------------------------------------


def void_item(user: Any, item: EvidenceItem, *, reason: str, ip: str = "") -> EvidenceItem:
    """作废 an item with a reason (≥ 5 characters). The row and its file are kept; the item no longer counts
    (e.g. for an 音像记录 duty) and shows as 已作废 with who, when and why."""
    case = item.case
    _require_handle(user, case)
    _require_open(case, "作废证据")
    problem = rules.void_reason_problem(reason)
    if problem:
        raise SanxiangError(problem, field="reason")
    with transaction.atomic():
        locked = EvidenceItem.objects.select_for_update().select_related("blob").get(pk=item.pk)
        if locked.is_voided:
            raise SanxiangError("作废：该证据已于此前作废", field="reason", code="already_voided")
        locked.is_voided = True
        locked.void_reason = reason.strip()[:300]
        locked.voided_by = _audit_actor(user)
        locked.voided_at = timezone.now()
        locked.save(update_fields=["is_voided", "void_reason", "voided_by", "voided_at"])
        CustodyEvent.objects.create(
            item=locked, kind=CustodyEvent.Kind.VOID, actor=_audit_actor(user), ip=ip, note=locked.void_reason
        )
        record(
            "evidence.void",
            actor=_audit_actor(user),
            agency_id=case.agency_id,
            obj=locked,
            payload={"sha256": locked.blob.sha256, "kind": locked.kind},
            ip=ip,
        )
    return locked


_CUSTODY_KINDS = {
    CustodyEvent.Kind.VIEW,
    CustodyEvent.Kind.DOWNLOAD,
    CustodyEvent.Kind.EXPORT,
    CustodyEvent.Kind.VERIFY,
}


def record_custody(user: Any, item: EvidenceItem, kind: str, *, ip: str = "", note: str = "") -> CustodyEvent:
    """Record a view, download, export (电子案卷) or verification of an item in its chain of custody (and the
    audit chain). Reading is allowed on closed cases too; requires ``case.read`` on the case's agency."""
    if kind not in _CUSTODY_KINDS:
        raise SanxiangError(f"保管链事件：不支持的类型 {kind}", field="kind")
    if user is not None:
        require(user, "case.read", item.case.agency_id)
    actor = _audit_actor(user)
    with transaction.atomic():
        event = CustodyEvent.objects.create(item=item, kind=kind, actor=actor, ip=ip, note=note[:300])
        record(
            f"evidence.{kind}",
            actor=actor,
            agency_id=item.case.agency_id,
            obj=item,
            payload={"sha256": item.blob.sha256},
            ip=ip,
        )
    return event
