"""State changes of publication: publish a snapshot, withdraw it. One transaction each, audited.

Domain apps (org, catalog) own their drafts and the review workflow (publicity.rules.review_transition); when
the 监督科 approves, they call ``publish`` with the public fields only. The portal never reads their rows.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.access import require
from audit.chain import record
from core.errors import SanxiangError
from core.hashing import sm3
from publicity.models import Kind, Publication
from publicity.rules import redact_payload, redact_text, required_reason


def _digest(payload: Any) -> str:
    return sm3(json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode())


def publish(
    user: Any,
    *,
    kind: str,
    agency_id: int,
    key: str,
    title: str,
    payload: dict[str, Any],
    source: Any,
    category: str = "",
    department: str = "",
    search_text: str = "",
    ip: str = "",
) -> Publication:
    """Publish the next version of a record: redact, supersede the live version, audit (《云南省行政执法公示办法》).

    The caller has already checked its own review rule; this checks the 公示审核 capability over the agency.
    """
    require(user, "publicity.review", agency_id)
    if kind not in Kind.values:
        raise SanxiangError(f"公示类别：不支持“{kind}”", field="kind")
    if not key.strip():
        raise SanxiangError("公示标识：不能为空", field="key")
    if not title.strip():
        raise SanxiangError("标题：不能为空", field="title")
    clean = redact_payload(payload)
    now = timezone.now()
    with transaction.atomic():
        previous = (
            Publication.objects.select_for_update()
            .filter(kind=kind, agency_id=agency_id, key=key, superseded_at__isnull=True)
            .first()
        )
        version = 1
        if previous is not None:
            version = previous.version + 1
            previous.superseded_at = now
            previous.save(update_fields=["superseded_at"])
        publication = Publication.objects.create(
            kind=kind,
            agency_id=agency_id,
            key=key,
            version=version,
            title=redact_text(title),
            category=category,
            department=department,
            search_text=redact_text(search_text or title),
            payload=clean,
            source_type=source._meta.label_lower,
            source_id=str(source.pk),
            published_at=now,
            published_by=user if getattr(user, "is_authenticated", False) else None,
        )
        record(
            "publicity.published",
            actor=user,
            agency_id=agency_id,
            obj=publication,
            ip=ip,
            payload={
                "kind": kind,
                "key": key,
                "version": version,
                "source": f"{publication.source_type}:{publication.source_id}",
                "payload_sm3": _digest(clean),
            },
        )
    return publication


def withdraw(user: Any, publication: Publication, reason: str, ip: str = "") -> Publication:
    """Hide a live publication from the portal, keeping it and the reason (regulations.md §9: 撤回须说明理由)."""
    require(user, "publicity.review", publication.agency_id)
    reason = required_reason(reason, "撤回理由：请写明撤回原因（至少4个字）", "reason")
    with transaction.atomic():
        locked = Publication.objects.select_for_update().get(pk=publication.pk)
        if locked.withdrawn_at is not None:
            raise SanxiangError("该公示信息已撤回，无需重复撤回", field="reason")
        if locked.superseded_at is not None:
            raise SanxiangError("只能撤回当前版本；历史版本已被新版本替代", field="reason")
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = user
        locked.withdrawal_reason = reason
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        record(
            "publicity.withdrawn",
            actor=user,
            agency_id=locked.agency_id,
            obj=locked,
            ip=ip,
            payload={"kind": locked.kind, "key": locked.key, "version": locked.version},
        )
    return locked


def withdraw_source(user: Any, source: Any, reason: str, ip: str = "") -> int:
    """Withdraw every live publication made from ``source`` (e.g. a certificate revoked, an item abolished)."""
    live = Publication.objects.current().filter(
        source_type=source._meta.label_lower, source_id=str(source.pk)
    )
    count = 0
    for publication in live:
        withdraw(user, publication, reason, ip=ip)
        count += 1
    return count
