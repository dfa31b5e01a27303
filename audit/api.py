"""The audit log in the API (审计管理员 only): events with the viewer's filters, and checkpoints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from accounts.access import require
from audit import views
from audit.forms import EventFilterForm, action_label, role_labels
from audit.models import AuditEvent, Checkpoint
from core.errors import ValidationFailed
from core.http import client_ip

router = Router(tags=["审计"])
CAPABILITY = views.CAPABILITY


class EventOut(Schema):
    id: int
    chain: str
    seq: int
    agency_id: int | None
    agency: str | None
    actor_id: int | None
    actor_username: str | None
    actor_name: str | None
    role: str
    role_labels: str
    ip: str
    created_at: datetime
    action: str
    action_label: str
    object_type: str
    object_id: str
    payload: str
    payload_sm3: str
    prev_hash: str
    hash: str


class EventPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EventOut]


class EventFilters(Schema):
    agency: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    actor: str = ""
    limit: int = 50
    offset: int = 0


class CheckpointOut(Schema):
    id: int
    chain: str
    count: int
    head_hash: str
    created_at: datetime
    created_by: str | None


class CheckpointIn(Schema):
    chain: str | None = None


def _event(e: AuditEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "chain": e.chain,
        "seq": e.seq,
        "agency_id": e.agency_id,
        "agency": e.agency.name if e.agency else None,
        "actor_id": e.actor_id,
        "actor_username": e.actor.username if e.actor else None,
        "actor_name": e.actor.full_name if e.actor else None,
        "role": e.role,
        "role_labels": role_labels(e.role),
        "ip": e.ip,
        "created_at": e.created_at,
        "action": e.action,
        "action_label": action_label(e.action),
        "object_type": e.object_type,
        "object_id": e.object_id,
        "payload": e.payload,
        "payload_sm3": e.payload_sm3,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


def _checkpoint(cp: Checkpoint) -> dict[str, Any]:
    return {
        "id": cp.pk,
        "chain": cp.chain,
        "count": cp.count,
        "head_hash": cp.head_hash,
        "created_at": cp.created_at,
        "created_by": cp.created_by.username if cp.created_by else None,
    }


@router.get("/events", response=EventPage, summary="审计事件（审计管理员；新的在前）")
def events(request: HttpRequest, filters: Query[EventFilters]) -> dict[str, Any]:
    """Filters as in the viewer: ``agency`` (an id, or ``platform``), ``action`` (a code, or a group such as
    ``calendar.*``), ``date_from``/``date_to`` (days in Beijing time, inclusive), ``actor`` (username).
    ``limit`` 1–500 (default 50), ``offset`` from 0."""
    require(request.user, CAPABILITY)
    if not 1 <= filters.limit <= 500:
        raise ValidationFailed(["limit 应在 1 到 500 之间"], field="limit")
    if filters.offset < 0:
        raise ValidationFailed(["offset 不能为负数"], field="offset")
    data = {k: v for k, v in filters.dict().items() if k not in ("limit", "offset") and v not in (None, "")}
    form = EventFilterForm(
        data, agencies=views.scope_agencies(request.user), platform=views.sees_platform(request.user)
    )
    if not form.is_valid():
        problems = [
            f"{form.fields[f].label if f in form.fields else f}：{e}"
            for f, errs in form.errors.items()
            for e in errs
        ]
        raise ValidationFailed(problems, field=next(iter(form.errors), None))
    qs = (
        form.apply(views.visible_events(request.user))
        .select_related("actor", "agency")
        .order_by("-created_at", "-id")
    )
    items = [_event(e) for e in qs[filters.offset : filters.offset + filters.limit]]
    return {"count": qs.count(), "limit": filters.limit, "offset": filters.offset, "items": items}


@router.get("/checkpoints", response=list[CheckpointOut], summary="审计检查点（审计管理员）")
def checkpoints(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, CAPABILITY)
    return [_checkpoint(cp) for cp in views.visible_checkpoints(request.user).order_by("-created_at", "-id")]


@router.post("/checkpoints", response={201: list[CheckpointOut]}, summary="创建审计检查点（审计管理员）")
def create_checkpoint(request: HttpRequest, data: CheckpointIn) -> Status:
    """Checkpoint one chain (``chain``), or every chain in the caller's scope that has events (no ``chain``).
    Each checkpoint is recorded in the audit chain."""
    require(request.user, CAPABILITY)
    created = views.create_checkpoints(request.user, data.chain or None, client_ip(request))
    return Status(201, [_checkpoint(cp) for cp in created])
