"""The 审计管理员's audit log: events, one event with its own check, chain verification and checkpoints.

Scope: events of the agencies the auditor's agency supervises (``audit.read``); the platform chain (events
with no agency) only for the auditor of the top-level 司法局. Reading the log is not itself recorded (every
page view would grow the chain); running a verification and creating checkpoints are.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.access import access, agency_scope, denied_message, is_platform_admin_agency, scoped
from audit import chain
from audit.forms import CheckpointForm, EventFilterForm, action_choices, action_label, role_labels
from audit.models import PLATFORM_CHAIN, AuditEvent, ChainHead, Checkpoint
from core.errors import SanxiangError
from core.http import client_ip
from core.models import Agency

CAPABILITY = "audit.read"
PAGE_SIZE = 50


# --- scope (shared with audit.api) ----------------------------------------------------------------


def sees_platform(user: Any) -> bool:
    """Platform events (no agency) belong to the auditor of the top-level 司法局 only."""
    return bool(agency_scope(user, CAPABILITY)) and is_platform_admin_agency(user.agency)


def visible_events(user: Any) -> QuerySet[AuditEvent]:
    events = scoped(user, CAPABILITY, AuditEvent.objects.all(), "agency_id")
    if sees_platform(user):
        events = events | AuditEvent.objects.filter(agency__isnull=True)
    return events


def visible_chains(user: Any) -> list[str]:
    names = sorted(chain.chain_for(pk) for pk in agency_scope(user, CAPABILITY))
    return [*names, PLATFORM_CHAIN] if sees_platform(user) else names


def scope_agencies(user: Any) -> list[tuple[int, str]]:
    return list(
        Agency.objects.filter(id__in=agency_scope(user, CAPABILITY))
        .order_by("sort", "id")
        .values_list("id", "name")
    )


def chain_names(names: list[str]) -> dict[str, str]:
    """Readable names of chains: the agency's name, or 平台."""
    ids = [i for i in (chain.agency_of_chain(n) for n in names) if i is not None]
    agencies = dict(Agency.objects.filter(id__in=ids).values_list("id", "name"))
    result = {}
    for name in names:
        agency_id = chain.agency_of_chain(name)
        result[name] = "平台（无所属机关）" if agency_id is None else agencies.get(agency_id, name)
    return result


def visible_event(user: Any, pk: int) -> AuditEvent:
    """One event the user may read: 404 when there is none, 403 when it is outside the user's scope."""
    event = visible_events(user).select_related("actor", "agency").filter(pk=pk).first()
    if event is None:
        if AuditEvent.objects.filter(pk=pk).exists():
            raise PermissionDenied(denied_message(CAPABILITY))
        raise Http404("审计事件不存在")
    return event


def run_verification(user: Any, ip: str) -> chain.VerifyResult:
    """Verify the chains in the user's scope (in this process: no worker processes inside a web server),
    and record that it was done and what it found."""
    names = visible_chains(user)
    result = chain.verify(chains=names, workers=1)
    payload: dict[str, Any] = {"ok": result.ok, "events": result.events, "chains": result.chains}
    if result.broken:
        payload.update(broken_chain=result.broken.chain, broken_seq=result.broken.seq)
    chain.record("audit.verified", actor=user, object_type="audit.chain", ip=ip, payload=payload)
    return result


def create_checkpoints(user: Any, only: str | None, ip: str) -> list[Checkpoint]:
    """Checkpoint one chain or every chain in scope that has events; each checkpoint is recorded."""
    names = visible_chains(user)
    if only:
        if only not in names:
            raise PermissionDenied(denied_message(CAPABILITY))
        names = [only]
    existing = set(ChainHead.objects.filter(chain__in=names, count__gt=0).values_list("chain", flat=True))
    if only and only not in existing:
        raise SanxiangError(f"审计链 {only} 还没有任何事件，无法创建检查点", field="chain")
    created = []
    with transaction.atomic():
        for name in sorted(existing):
            cp = chain.create_checkpoint(name, actor=user)
            chain.record(
                "audit.checkpoint_created",
                actor=user,
                obj=cp,
                ip=ip,
                payload={"chain": cp.chain, "count": cp.count, "head_hash": cp.head_hash},
            )
            created.append(cp)
    return created


def visible_checkpoints(user: Any) -> QuerySet[Checkpoint]:
    return Checkpoint.objects.filter(chain__in=visible_chains(user)).select_related("created_by")


# --- pages ------------------------------------------------------------------------------------------


@access(CAPABILITY)
def event_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = EventFilterForm(request.GET or None, agencies=scope_agencies(user), platform=sees_platform(user))
    events = visible_events(user)
    if form.is_bound:
        events = form.apply(events)
    events = events.select_related("actor", "agency").order_by("-created_at", "-id")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"e": e, "action": action_label(e.action), "roles": role_labels(e.role)} for e in page]
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "rows": rows, "actions": action_choices()},
    )


@access(CAPABILITY)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = visible_event(request.user, pk)
    checks = chain.check_event(event)
    try:
        payload = json.dumps(json.loads(event.payload), ensure_ascii=False, indent=2, sort_keys=True)
    except ValueError:
        payload = event.payload
    neighbours = dict(
        AuditEvent.objects.filter(chain=event.chain, seq__in=[event.seq - 1, event.seq + 1]).values_list(
            "seq", "pk"
        )
    )
    return render(
        request,
        "audit/event_detail.html",
        {
            "e": event,
            "action": action_label(event.action),
            "roles": role_labels(event.role),
            "payload": payload,
            "checks": checks,
            "all_ok": all(c.ok for c in checks),
            "prev_pk": neighbours.get(event.seq - 1),
            "next_pk": neighbours.get(event.seq + 1),
            "chain_name": chain_names([event.chain])[event.chain],
            "canonical": chain.canonical_of(event).decode(),
        },
    )


@access(CAPABILITY)
def verify(request: HttpRequest) -> HttpResponse:
    names = visible_chains(request.user)
    labels = chain_names(names)
    heads = ChainHead.objects.filter(chain__in=names).order_by("chain")
    context: dict[str, Any] = {"heads": [{"h": h, "name": labels[h.chain]} for h in heads]}
    if request.method == "POST":
        result = run_verification(request.user, client_ip(request))
        context["result"] = result
        context["broken_name"] = labels.get(result.broken.chain, result.broken.chain) if result.broken else ""
        context["checked_at"] = timezone.now()
    return render(request, "audit/verify.html", context)


@access(CAPABILITY)
def checkpoints(request: HttpRequest) -> HttpResponse:
    names = visible_chains(request.user)
    labels = chain_names(names)
    heads = ChainHead.objects.filter(chain__in=names, count__gt=0).order_by("chain")
    form = CheckpointForm(request.POST or None, chains=[(h.chain, labels[h.chain]) for h in heads])
    if request.method == "POST" and form.is_valid():
        try:
            created = create_checkpoints(request.user, form.cleaned_data["chain"] or None, client_ip(request))
        except SanxiangError as exc:
            form.add_error(None, exc.message)
        else:
            if created:
                messages.success(
                    request, f"已为 {len(created)} 条审计链创建检查点。请下载检查点文件并按规定发布或存档。"
                )
            else:
                messages.info(request, "没有可创建检查点的审计链（尚无事件）。")
            return redirect("audit:checkpoints")
    page = Paginator(visible_checkpoints(request.user).order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "audit/checkpoints.html",
        {
            "form": form,
            "heads": [{"h": h, "name": labels[h.chain]} for h in heads],
            "page": page,
            "rows": [{"cp": cp, "name": labels.get(cp.chain, cp.chain)} for cp in page],
        },
    )


@access(CAPABILITY)
def checkpoint_export(request: HttpRequest) -> HttpResponse:
    """The checkpoints in scope as JSON, to publish or archive outside the system."""
    body = chain.checkpoint_document(visible_checkpoints(request.user).order_by("chain", "count", "id"))
    now = timezone.localtime()
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="audit-checkpoints-{now:%Y%m%d-%H%M%S}.json"'
    return response
