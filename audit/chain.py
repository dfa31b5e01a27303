"""Writing to and verifying the audit hash chain.

Canonical form of an event (the bytes hashed): the JSON object with the keys below in sorted order, no
spaces, UTF-8. Identifier fields are limited to ``[A-Za-z0-9_.:@/-]`` so they never need escaping, which
lets the verifier rebuild the bytes with one format string (and is asserted equal to ``json.dumps``):

    {"action":…,"actor":id|null,"chain":…,"ip":…,"object_id":…,"object_type":…,"payload_sm3":…,
     "role":…,"seq":n,"time":"YYYY-MM-DDTHH:MM:SS.ffffffZ"}

hash = SM3(bytes.fromhex(prev_hash) ‖ canonical). The payload itself (ids only, never personal data) is
canonical JSON text whose SM3 is ``payload_sm3``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.models import PLATFORM_CHAIN, AuditEvent, ChainHead, Checkpoint
from core.errors import SanxiangError
from core.hashing import GENESIS, sm3

_SAFE = re.compile(r"^[A-Za-z0-9_.:@/,-]*$")
_CANONICAL = (
    '{"action":"%s","actor":%s,"chain":"%s","ip":%s,"object_id":"%s","object_type":"%s",'
    '"payload_sm3":"%s","role":"%s","seq":%d,"time":"%s"}'
)


def chain_for(agency_id: int | None) -> str:
    return f"agency:{agency_id}" if agency_id else PLATFORM_CHAIN


def canonical_payload(payload: dict[str, Any] | None) -> str:
    return json.dumps(payload or {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_event(
    *,
    action: str,
    actor_id: int | None,
    chain: str,
    ip: str,
    object_id: str,
    object_type: str,
    payload_sm3: str,
    role: str,
    seq: int,
    time: str,
) -> bytes:
    return (
        _CANONICAL
        % (
            action,
            "null" if actor_id is None else actor_id,
            chain,
            f'"{ip}"' if ip else "null",
            object_id,
            object_type,
            payload_sm3,
            role,
            seq,
            time,
        )
    ).encode()


def event_hash(prev_hash: str, canonical: bytes) -> str:
    return sm3(bytes.fromhex(prev_hash) + canonical)


def _check_safe(name: str, value: str) -> str:
    if not _SAFE.match(value):
        raise SanxiangError(f"审计字段 {name} 只能包含字母、数字和 _.:@/,- ：{value!r}", field=name)
    return value


def record(
    action: str,
    *,
    actor: Any = None,
    agency_id: int | None = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    payload: dict[str, Any] | None = None,
    role: str | None = None,
    ip: str = "",
) -> AuditEvent:
    """Append one event to the agency's chain, inside the caller's transaction.

    The chain head row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite transactions are IMMEDIATE),
    so two concurrent writers append one after the other and the chain never forks.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    actor_id = getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", True) else None
    if role is None:
        role = ",".join(sorted(actor.role_codes)) if actor_id else ""
    if agency_id is None and actor_id:
        agency_id = actor.agency_id
    chain = chain_for(agency_id)
    fields = {
        "action": _check_safe("action", action),
        "object_type": _check_safe("object_type", object_type),
        "object_id": _check_safe("object_id", str(object_id)),
        "role": _check_safe("role", role),
        "ip": _check_safe("ip", ip or ""),
    }
    body = canonical_payload(payload)
    payload_digest = sm3(body.encode())
    with transaction.atomic():
        head = _lock_head(chain)
        seq = head.count + 1
        now = timezone.now()
        canonical = canonical_event(
            actor_id=actor_id,
            chain=chain,
            payload_sm3=payload_digest,
            seq=seq,
            time=format_time(now),
            **fields,
        )
        digest = event_hash(head.head_hash, canonical)
        event = AuditEvent.objects.create(
            chain=chain,
            seq=seq,
            agency_id=agency_id,
            actor_id=actor_id,
            created_at=now,
            payload=body,
            payload_sm3=payload_digest,
            prev_hash=head.head_hash,
            hash=digest,
            **fields,
        )
        ChainHead.objects.filter(pk=chain).update(count=seq, head_hash=digest)
    return event


def _lock_head(chain: str) -> ChainHead:
    try:
        return ChainHead.objects.select_for_update().get(pk=chain)
    except ChainHead.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            ChainHead.objects.create(chain=chain, count=0, head_hash=GENESIS)
    except IntegrityError:
        pass  # another writer created it first; lock theirs
    return ChainHead.objects.select_for_update().get(pk=chain)


@dataclass
class Break:
    chain: str
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"链 {self.chain} 第 {self.seq} 条事件" + (f"（id={self.event_id}）" if self.event_id else "")
        return f"审计链在{where}处断裂：{self.reason}"


@dataclass
class VerifyResult:
    events: int
    chains: int
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


_FIELDS = (
    "id",
    "chain",
    "seq",
    "actor_id",
    "role",
    "ip",
    "created_at",
    "action",
    "object_type",
    "object_id",
    "payload",
    "payload_sm3",
    "prev_hash",
    "hash",
)


def _rows(chains: list[str] | None, batch: int) -> Iterator[tuple]:
    """Events in (chain, seq) order, fetched by keyset pages so memory stays flat."""
    qs = AuditEvent.objects.order_by("chain", "seq")
    if chains is not None:
        qs = qs.filter(chain__in=chains)
    last: tuple[str, int] | None = None
    while True:
        page = qs
        if last is not None:
            from django.db.models import Q

            page = qs.filter(Q(chain__gt=last[0]) | Q(chain=last[0], seq__gt=last[1]))
        rows = list(page.values_list(*_FIELDS)[:batch])
        if not rows:
            return
        yield from rows
        last = (rows[-1][1], rows[-1][2])


def verify(chains: list[str] | None = None, batch: int = 5000) -> VerifyResult:
    """Re-hash every event and check the links, the sequence, the chain heads and the checkpoints.

    Returns the first break found (in chain, seq order), or none.
    """
    heads = dict(ChainHead.objects.values_list("chain", "count"))
    head_hashes = dict(ChainHead.objects.values_list("chain", "head_hash"))
    checkpoints: dict[str, dict[int, str]] = {}
    for chain, count, head_hash in Checkpoint.objects.values_list("chain", "count", "head_hash"):
        checkpoints.setdefault(chain, {})[count] = head_hash
    total = 0
    seen_chains = 0
    current: str | None = None
    expected_seq = 1
    prev = GENESIS
    fmt = _CANONICAL

    def close(chain: str, last_seq: int, last_hash: str) -> Break | None:
        if chain in heads and heads[chain] != last_seq:
            return Break(chain, last_seq + 1, None, f"链头记录 {heads[chain]} 条事件，实际只有 {last_seq} 条（事件被删除）")
        if chain in head_hashes and last_seq and head_hashes[chain] != last_hash:
            return Break(chain, last_seq, None, "链头哈希与最后一条事件不一致")
        return None

    for row in _rows(chains, batch):
        (eid, chain, seq, actor_id, role, ip, created_at, action, otype, oid, payload, psm3, prev_hash, digest) = row
        if chain != current:
            if current is not None:
                problem = close(current, expected_seq - 1, prev)
                if problem:
                    return VerifyResult(total, seen_chains, problem)
            current = chain
            seen_chains += 1
            expected_seq = 1
            prev = GENESIS
        if seq != expected_seq:
            return VerifyResult(total, seen_chains, Break(chain, expected_seq, None, f"缺少序号 {expected_seq}（事件被删除）"))
        if prev_hash != prev:
            return VerifyResult(total, seen_chains, Break(chain, seq, eid, "前一事件哈希不匹配（链被改写）"))
        if sm3(payload.encode()) != psm3:
            return VerifyResult(total, seen_chains, Break(chain, seq, eid, "事件内容与其 SM3 摘要不符（内容被篡改）"))
        canonical = (
            fmt
            % (
                action,
                "null" if actor_id is None else actor_id,
                chain,
                f'"{ip}"' if ip else "null",
                oid,
                otype,
                psm3,
                role,
                seq,
                created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            )
        ).encode()
        if sm3(bytes.fromhex(prev) + canonical) != digest:
            return VerifyResult(total, seen_chains, Break(chain, seq, eid, "事件哈希不符（事件字段被篡改）"))
        cp = checkpoints.get(chain, {}).get(seq)
        if cp is not None and cp != digest:
            return VerifyResult(total, seen_chains, Break(chain, seq, eid, "与已发布的检查点哈希不一致"))
        prev = digest
        expected_seq += 1
        total += 1
    if current is not None:
        problem = close(current, expected_seq - 1, prev)
        if problem:
            return VerifyResult(total, seen_chains, problem)
    wanted = set(chains) if chains is not None else set(heads)
    for chain in sorted(wanted - _chains_seen(chains)):
        if heads.get(chain):
            return VerifyResult(total, seen_chains, Break(chain, 1, None, "链头存在但事件全部缺失"))
    return VerifyResult(total, seen_chains, None)


def _chains_seen(chains: list[str] | None) -> set[str]:
    qs = AuditEvent.objects.all()
    if chains is not None:
        qs = qs.filter(chain__in=chains)
    return set(qs.values_list("chain", flat=True).distinct())


def create_checkpoint(chain: str, actor: Any = None) -> Checkpoint:
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().get(pk=chain)
        return Checkpoint.objects.create(chain=chain, count=head.count, head_hash=head.head_hash, created_by=actor)


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"
