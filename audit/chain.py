"""Writing to and verifying the audit hash chain.

Canonical form of an event (the bytes hashed): the JSON object with the keys below in sorted order, no
spaces, UTF-8. Identifier fields are limited to ``[A-Za-z0-9_.:@/,-]`` so they never need escaping, which
lets the verifier rebuild the bytes with one format string (and is asserted equal to ``json.dumps``):

    {"action":…,"actor":id|null,"chain":…,"ip":…|null,"object_id":…,"object_type":…,"payload_sm3":…,
     "role":…,"seq":n,"time":"YYYY-MM-DDTHH:MM:SS.ffffffZ"}

hash = SM3(bytes.fromhex(prev_hash) ‖ canonical). The payload itself (ids only, never personal data) is
canonical JSON text whose SM3 is ``payload_sm3``.

``verify()`` streams each chain in keyset pages through a plain DB cursor (constant memory) and checks, for
every event: the sequence number, the link to the previous hash, the payload digest, that the identifier
fields hold no quote (so the canonical bytes determine the fields), and the event hash; then the chain head
and every checkpoint (stored or published) against the events.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.models import PLATFORM_CHAIN, AuditEvent, ChainHead, Checkpoint
from core.errors import SanxiangError
from core.hashing import GENESIS, sm3

_SAFE = re.compile(r"[A-Za-z0-9_.:@/,-]*")
_CANONICAL = (
    '{"action":"%s","actor":%s,"chain":"%s","ip":%s,"object_id":"%s","object_type":"%s",'
    '"payload_sm3":"%s","role":"%s","seq":%d,"time":"%s"}'
)
# Quotes in a canonical event when no field holds one: 10 keys and 7 string values, plus the ip when present.
_QUOTES_NO_IP = 34
_QUOTES_WITH_IP = 36
# A fresh SM3 context, copied for each digest: the same hash as hashlib.new("sm3", …) without OpenSSL's
# per-call algorithm lookup (about 40 % of the cost of hashing a 300-byte event).
_SM3_BLANK = hashlib.new("sm3")


def chain_for(agency_id: int | None) -> str:
    return f"agency:{agency_id}" if agency_id else PLATFORM_CHAIN


def agency_of_chain(chain: str) -> int | None:
    """The agency id of an ``agency:<id>`` chain; None for the platform chain (or an unknown name)."""
    prefix, _, rest = chain.partition(":")
    return int(rest) if prefix == "agency" and rest.isdigit() else None


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
    # fullmatch: with match() and "$", a trailing newline would slip through and break the canonical form.
    if not _SAFE.fullmatch(value):
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
    actor_id = (
        getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", True) else None
    )
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
        # An IPv6 zone index ("fe80::1%eth0") names a local interface, not the client: drop it.
        "ip": _check_safe("ip", (ip or "").split("%", 1)[0]),
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


# --- verification ----------------------------------------------------------------------------------


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


# An anchor pins the hash of one event: the chain head read at the start, a stored checkpoint, or a
# checkpoint published outside the database (``verify_audit --published FILE``).
HEAD, CHECKPOINT, PUBLISHED = "head", "checkpoint", "published"
_ANCHOR_NAMES = {HEAD: "链头记录", CHECKPOINT: "检查点", PUBLISHED: "已发布的检查点"}

type Anchors = dict[int, list[tuple[str, str]]]  # seq -> [(kind, hash)]
# Per chain while scanning: [next expected seq, previous hash (bytes), previous hash (hex), anchors].
type State = list[Any]


def _columns() -> str:
    """The columns the verifier reads, as plain values (no ORM objects). The time comes as text:
    "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC, which ``_check_rows`` turns into the canonical form."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW DateStyle")
            iso = cursor.fetchone()[0].upper().startswith("ISO")
        # Plain text output is the cheapest for the server, but only under DateStyle ISO.
        time = (
            "(created_at AT TIME ZONE 'UTC')::text"
            if iso
            else "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
        )
    else:
        # SQLite: the text Django stored (an expression, so the driver's datetime converter leaves it).
        time = "CAST(created_at AS TEXT)"
    return (
        f"id, chain, seq, actor_id, role, ip, {time}, action, object_type, object_id, payload, payload_sm3,"
        " prev_hash, hash"
    )


# Digests of short payloads, shared by the scans of this process: bounded, and keyed by the payload text
# itself, so a hit is exactly the SM3 that hashing the payload again would give.
_PAYLOAD_DIGESTS: dict[str, str] = {}
_MEMO_MAX_LEN = 40
_MEMO_SIZE = 4096


def _time_text(value: Any) -> str:
    """Canonical time of a value the fast path did not take: ISO text with a shortened fraction (PostgreSQL
    drops trailing zeros, SQLite a zero fraction), else a datetime or any text Django can parse."""
    if isinstance(value, str) and 19 <= len(value) < 26 and value[10] == " " and value[19:20] in ("", "."):
        text = value.replace(" ", "T")
        return (text + ".000000Z") if len(value) == 19 else text.ljust(26, "0") + "Z"
    if isinstance(value, datetime):
        moment = value
    else:
        parsed = parse_datetime(str(value))
        if parsed is None:
            return str(value)
        moment = parsed
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return format_time(moment)


def _check_rows(
    rows: list[tuple],
    states: dict[str, State],
    pins: dict[str, Anchors],
    broken: dict[str, Break],
    starts: dict[str, tuple[int, str]] | None = None,
) -> None:
    """The hot loop: check each row against the state of its chain; a chain's first problem goes to ``broken``.

    Rows of one chain must come in seq order; rows of different chains may interleave. A chain met for the
    first time starts at seq 1 and the genesis hash, or, with ``starts`` (a scan that begins mid-table), at
    whatever its first row says, noted in ``starts`` so the caller can join it to the part before.
    """
    fmt = _CANONICAL
    blank = _SM3_BLANK.copy
    memo = _PAYLOAD_DIGESTS
    memo_max = _MEMO_MAX_LEN
    for row in rows:
        eid, chain, seq, actor_id, role, ip, time, action, otype, oid, payload, psm3, prev_hash, digest = row
        state = states.get(chain)
        if state is None:
            if chain in broken:
                continue
            state = _first_state(row, states, pins, broken, starts)
            if state is None:
                continue
        try:
            expected, prev, prev_hex, anchors = state
            # Short payloads repeat ("{}" for every sign-in): their digest is computed once per process.
            payload_digest = memo.get(payload) if len(payload) <= memo_max else None
            if payload_digest is None:
                h = blank()
                h.update(payload.encode())
                payload_digest = h.hexdigest()
                if len(payload) <= memo_max and len(memo) < _MEMO_SIZE:
                    memo[payload] = payload_digest
            # "YYYY-MM-DD HH:MM:SS.ffffff" → "YYYY-MM-DDTHH:MM:SS.ffffffZ"; shorter forms through _time_text.
            time = time.replace(" ", "T") + "Z" if len(time) == 26 else _time_text(time)
            canonical = fmt % (
                action,
                "null" if actor_id is None else actor_id,
                chain,
                f'"{ip}"' if ip else "null",
                oid,
                otype,
                psm3,
                role,
                seq,
                time,
            )
            h = blank()
            h.update(prev + canonical.encode())
            computed = h.digest()
            computed_hex = computed.hex()
            if (
                seq == expected
                and prev_hash == prev_hex
                and payload_digest == psm3
                # Every quote must be the template's: then the bytes determine the fields unambiguously.
                and canonical.count('"') == (_QUOTES_WITH_IP if ip else _QUOTES_NO_IP)
                and computed_hex == digest
                and (
                    anchors is None
                    or seq not in anchors
                    or all(pinned == digest for _k, pinned in anchors[seq])
                )
            ):
                state[0] = seq + 1
                state[1] = computed
                state[2] = computed_hex
                continue
        except (TypeError, ValueError, AttributeError):
            # A column of the wrong type (SQLite stores what it is given): not a row record() wrote.
            broken[chain] = Break(chain, state[0], eid, "事件字段的类型或格式不正确（字段被篡改）")
            del states[chain]
            continue
        # Something is wrong: name the first check that fails, in the order a reader would check.
        if seq != expected:
            broken[chain] = Break(chain, expected, None, f"缺少序号 {expected}（事件被删除）")
        elif prev_hash != prev_hex:
            broken[chain] = Break(chain, seq, eid, "前一事件哈希不匹配（链被改写）")
        elif payload_digest != psm3:
            broken[chain] = Break(chain, seq, eid, "事件内容与其 SM3 摘要不符（内容被篡改）")
        elif computed_hex != digest and canonical.count('"') != (_QUOTES_WITH_IP if ip else _QUOTES_NO_IP):
            broken[chain] = Break(chain, seq, eid, "事件字段含有不允许的字符（字段被篡改）")
        elif computed_hex != digest:
            broken[chain] = Break(chain, seq, eid, "事件哈希不符（事件字段被篡改）")
        elif canonical.count('"') != (_QUOTES_WITH_IP if ip else _QUOTES_NO_IP):
            broken[chain] = Break(chain, seq, eid, "事件字段含有不允许的字符（字段被篡改）")
        else:
            kind = next(k for k, pinned in anchors[seq] if pinned != digest)
            broken[chain] = Break(chain, seq, eid, f"与{_ANCHOR_NAMES[kind]}的哈希不一致")
        del states[chain]


def _first_state(
    row: tuple,
    states: dict[str, State],
    pins: dict[str, Anchors],
    broken: dict[str, Break],
    starts: dict[str, tuple[int, str]] | None,
) -> State | None:
    """The state of a chain met for the first time in this scan."""
    eid, chain, seq, prev_hash = row[0], row[1], row[2], row[12]
    if starts is None:
        state = states[chain] = [1, bytes(32), GENESIS, pins.get(chain)]
        return state
    starts[chain] = (seq, prev_hash)
    try:
        state = states[chain] = [seq, bytes.fromhex(prev_hash), prev_hash, pins.get(chain)]
    except (TypeError, ValueError):
        broken[chain] = Break(chain, seq, eid, "前一事件哈希不是十六进制摘要（链被改写）")
        return None
    return state


type Part = tuple[dict[str, State], dict[str, Break], dict[str, tuple[int, str]]]

# Below this many events one process verifies everything; above, the id range is split between processes.
PARALLEL_MIN_EVENTS = 200_000


def _scan_ids(
    lo: int, hi: int | None, pins: dict[str, Anchors], batch: int, only: tuple[str, ...] | None = None
) -> Part:
    """The events with lo < id <= hi (hi None: to the end, including events appended meanwhile) of every
    chain, or of the chains ``only``, in id order: sequential reads. record() appends a chain in seq order,
    which is id order."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    upper = "" if hi is None else f" AND id <= {int(hi)}"
    among = f" AND chain IN ({', '.join(['%s'] * len(only))})" if only else ""
    sql = f"SELECT {_columns()} FROM {table} WHERE id > %s{upper}{among} ORDER BY id LIMIT %s"  # noqa: S608
    states: dict[str, State] = {}
    broken: dict[str, Break] = {}
    starts: dict[str, tuple[int, str]] | None = {} if lo > 0 else None
    last = lo
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, (last, *(only or ()), batch))
            rows = cursor.fetchall()
            if not rows:
                return states, broken, starts or {}
            _check_rows(rows, states, pins, broken, starts)
            last = rows[-1][0]


def _scan_part(args: tuple[int, int | None, dict[str, Anchors], int, tuple[str, ...] | None]) -> Part:
    """A worker process: one id range on a database connection of its own."""
    try:
        return _scan_ids(*args)
    finally:
        connection.close()


def _id_ranges(parts: int) -> list[tuple[int, int | None]]:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {table}")  # noqa: S608
        low, high = cursor.fetchone()
    if parts <= 1 or low is None or high - low < parts:
        return [(0, None)]
    step = -(-(high - low + 1) // parts)
    bounds = [low - 1 + step * i for i in range(1, parts)]
    return list(zip([0, *bounds], [*bounds, None], strict=True))


def _can_fork() -> bool:
    """Worker processes need committed data and a database they can open themselves."""
    if not hasattr(os, "fork") or connection.in_atomic_block:
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())  # type: ignore[attr-defined]


# Each worker process takes several smaller id ranges in turn, so one slowed by other load does less.
PARTS_PER_WORKER = 4


def _run_parts(
    ranges: list[tuple[int, int | None]],
    pins: dict[str, Anchors],
    batch: int,
    processes: int,
    only: tuple[str, ...] | None,
) -> list[Part]:
    args = [(lo, hi, pins, batch, only) for lo, hi in ranges]
    if processes > 1 and len(args) > 1 and _can_fork():
        connections.close_all()  # each forked worker opens its own connection
        with multiprocessing.get_context("fork").Pool(min(processes, len(args))) as pool:
            return pool.map(_scan_part, args, chunksize=1)
    return [_scan_ids(*a) for a in args]


def _join(parts: list[Part], states: dict[str, State], broken: dict[str, Break]) -> set[str]:
    """Join the parts in id order: each chain's first row in a part must follow its last row in the parts
    before. Returns the chains to check again through their index (a join that fails, or a gap)."""
    recheck: set[str] = set()
    for part_states, part_broken, part_starts in parts:
        for chain, (seq, prev_hash) in part_starts.items():
            if chain in recheck or chain in broken:
                continue
            state = states.get(chain)
            expected, prev_hex = (state[0], state[2]) if state else (1, GENESIS)
            if seq != expected or prev_hash != prev_hex:
                recheck.add(chain)
                states.pop(chain, None)
        for chain, state in part_states.items():
            if chain not in recheck and chain not in broken:
                states[chain] = state
        for chain, problem in part_broken.items():
            if chain in recheck or chain in broken:
                continue
            states.pop(chain, None)
            # A gap in the id scan (a seq out of order: the only break without an event id) may just be
            # rows stored out of id order; only the chain's own (chain, seq) index can tell.
            if problem.event_id is None:
                recheck.add(chain)
            else:
                broken[chain] = problem
    return recheck


def _scan_chain(
    chain: str, states: dict[str, State], pins: dict[str, Anchors], broken: dict[str, Break], batch: int
) -> None:
    """One chain in seq order through the (chain, seq) index, in keyset pages."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    sql = f"SELECT {_columns()} FROM {table} WHERE chain = %s AND seq > %s ORDER BY seq LIMIT %s"  # noqa: S608
    last = 0
    with connection.cursor() as cursor:
        while chain not in broken:
            cursor.execute(sql, (chain, last, batch))
            rows = cursor.fetchall()
            if not rows:
                return
            _check_rows(rows, states, pins, broken)
            last = rows[-1][2]


def verify(
    chains: Iterable[str] | None = None,
    batch: int = 10000,
    published: Iterable[tuple[str, int, str]] = (),
    workers: int | None = None,
) -> VerifyResult:
    """Re-hash every event and check the links, the sequence, the chain heads and the checkpoints.

    ``chains`` limits the check to those chains (default: every chain). Events are read in id order, one
    sequential pass for all chains, or, for chains holding under a quarter of the log, through the (chain,
    seq) index. ``published`` adds checkpoints kept outside the database, as (chain, count, head_hash).
    ``workers`` splits the id range into that many parts, verified by as many processes when the data is
    committed (default: one per CPU, up to 4, from PARALLEL_MIN_EVENTS events on); the parts are joined by
    their boundary hashes. Returns the first break in (chain, seq) order, or none. Events appended while the
    check runs are checked too, or left for the next run. Memory stays flat: keyset pages of ``batch`` rows.
    """
    heads = {c: (n, h) for c, n, h in ChainHead.objects.values_list("chain", "count", "head_hash")}
    pins: dict[str, Anchors] = {}
    for chain, count, head_hash in Checkpoint.objects.values_list("chain", "count", "head_hash"):
        pins.setdefault(chain, {}).setdefault(count, []).append((CHECKPOINT, head_hash))
    for chain, count, head_hash in published:
        pins.setdefault(chain, {}).setdefault(int(count), []).append((PUBLISHED, head_hash))
    for chain, (count, head_hash) in heads.items():
        pins.setdefault(chain, {}).setdefault(count, []).insert(0, (HEAD, head_hash))
    states: dict[str, State] = {}
    broken: dict[str, Break] = {}
    if chains is None:
        _scan_by_id(None, pins, batch, workers, states, broken)
        names = sorted(set(heads) | set(pins) | set(states) | set(broken))
    else:
        names = sorted(set(chains))
        selected = sum(heads[c][0] for c in names if c in heads)
        if len(names) > 1 and selected * 4 >= sum(n for n, _h in heads.values()) > 0:
            # Most of the log: one sequential pass beats a random-access walk per chain.
            _scan_by_id(tuple(names), pins, batch, workers, states, broken)
        else:
            for chain in names:
                _scan_chain(chain, states, pins, broken, batch)
    total = 0
    seen = 0
    for chain in names:
        problem = broken.get(chain)
        if problem is not None:
            total += problem.seq - 1
        else:
            last_seq, last_hash = (
                (states[chain][0] - 1, states[chain][2]) if chain in states else (0, GENESIS)
            )
            total += last_seq
            problem = _close_chain(chain, last_seq, last_hash, pins.get(chain, {}), heads.get(chain))
        if chain in states or chain in heads or chain in pins or problem:
            seen += 1
        if problem is not None:
            return VerifyResult(total, seen, problem)
    return VerifyResult(total, seen, None)


def _scan_by_id(
    only: tuple[str, ...] | None,
    pins: dict[str, Anchors],
    batch: int,
    workers: int | None,
    states: dict[str, State],
    broken: dict[str, Break],
) -> None:
    processes = _workers(workers)
    ranges = _id_ranges(processes * PARTS_PER_WORKER if processes > 1 and _can_fork() else processes)
    for chain in sorted(_join(_run_parts(ranges, pins, batch, processes, only), states, broken)):
        _scan_chain(chain, states, pins, broken, batch)


def _workers(requested: int | None) -> int:
    if requested is not None:
        return max(requested, 1)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) - MIN(id) FROM {table}")  # noqa: S608
        span = cursor.fetchone()[0] or 0
    if span < PARALLEL_MIN_EVENTS or not _can_fork():
        return 1
    return min(os.cpu_count() or 1, 4)


def _close_chain(
    chain: str, last_seq: int, last_hash: str, anchors: Anchors, head: tuple[int, str] | None
) -> Break | None:
    """After the last event: every anchor must lie within the chain, and the chain head must cover it."""
    beyond = sorted((seq, kind) for seq, pinned in anchors.items() if seq > last_seq for kind, _h in pinned)
    if beyond:
        count, kind = beyond[0]
        if kind == HEAD:
            return Break(
                chain, last_seq + 1, None, f"链头记录共 {count} 条事件，实际只有 {last_seq} 条（事件被删除）"
            )
        return Break(
            chain,
            last_seq + 1,
            None,
            f"{_ANCHOR_NAMES[kind]}记录共 {count} 条事件，实际只有 {last_seq} 条（事件被删除或链被截断）",
        )
    if last_seq and (head is None or last_seq > head[0]):
        # Events newer than the head read at the start: written meanwhile, or inserted behind record()'s back.
        current = ChainHead.objects.filter(pk=chain).values_list("count", "head_hash").first()
        if current is None:
            return Break(chain, last_seq, None, "缺少链头记录（链头被删除，无法确认末尾事件是否完整）")
        if current[0] < last_seq:
            return Break(
                chain, current[0] + 1, None, f"链头只记录 {current[0]} 条事件，其后的事件未经登记写入"
            )
        if current[0] == last_seq and current[1] != last_hash:
            return Break(chain, last_seq, None, "链头哈希与最后一条事件不一致")
    return None


# --- one event -------------------------------------------------------------------------------------


@dataclass
class Check:
    label: str
    ok: bool
    detail: str


def canonical_of(event: AuditEvent) -> bytes:
    """The canonical bytes of a stored event, rebuilt from its columns."""
    return canonical_event(
        action=event.action,
        actor_id=event.actor_id,
        chain=event.chain,
        ip=event.ip,
        object_id=event.object_id,
        object_type=event.object_type,
        payload_sm3=event.payload_sm3,
        role=event.role,
        seq=event.seq,
        time=format_time(event.created_at),
    )


def check_event(event: AuditEvent) -> list[Check]:
    """Re-hash one event and check its links to its neighbours (the 审计管理员's 本条校验)."""
    checks = []
    digest = sm3(event.payload.encode())
    checks.append(
        Check(
            "内容摘要",
            digest == event.payload_sm3,
            "内容的 SM3 与记录的摘要一致"
            if digest == event.payload_sm3
            else f"内容的 SM3 为 {digest}，与记录不符",
        )
    )
    fields = [event.action, event.object_type, event.object_id, event.role, event.ip]
    safe = all(_SAFE.fullmatch(v) for v in fields)
    checks.append(Check("字段字符", safe, "标识字段只含允许的字符" if safe else "标识字段含有不允许的字符"))
    rehash = event_hash(event.prev_hash, canonical_of(event)) if len(event.prev_hash) == 64 else ""
    checks.append(
        Check(
            "事件哈希",
            rehash == event.hash,
            "按前一事件哈希与规范内容重新计算，与记录一致"
            if rehash == event.hash
            else f"重新计算得 {rehash or '（无法计算）'}，与记录不符",
        )
    )
    if event.seq == 1:
        ok = event.prev_hash == GENESIS
        checks.append(
            Check(
                "与前一条衔接", ok, "链的第一条，前一哈希为全零" if ok else "链的第一条，但前一哈希不是全零"
            )
        )
    else:
        before = (
            AuditEvent.objects.filter(chain=event.chain, seq=event.seq - 1)
            .values_list("hash", flat=True)
            .first()
        )
        ok = before == event.prev_hash
        checks.append(
            Check(
                "与前一条衔接",
                ok,
                "前一条事件的哈希与本条记录的前一哈希一致"
                if ok
                else ("前一条事件缺失" if before is None else "前一条事件的哈希与本条记录的前一哈希不一致"),
            )
        )
    after = (
        AuditEvent.objects.filter(chain=event.chain, seq=event.seq + 1)
        .values_list("prev_hash", flat=True)
        .first()
    )
    if after is not None:
        ok = after == event.hash
        checks.append(
            Check(
                "与后一条衔接",
                ok,
                "后一条事件记录的前一哈希与本条一致" if ok else "后一条事件记录的前一哈希与本条不一致",
            )
        )
    else:
        head = ChainHead.objects.filter(pk=event.chain).values_list("count", "head_hash").first()
        ok = head is not None and head[0] == event.seq and head[1] == event.hash
        checks.append(
            Check(
                "与后一条衔接",
                ok,
                "本条是链的最后一条，与链头一致"
                if ok
                else "没有后一条事件，且链头不指向本条（其后事件可能被删除）",
            )
        )
    return checks


# --- checkpoints -----------------------------------------------------------------------------------


def create_checkpoint(chain: str, actor: Any = None) -> Checkpoint:
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().filter(pk=chain).first()
        if head is None:
            raise SanxiangError(f"审计链 {chain} 还没有任何事件，无法创建检查点", field="chain")
        return Checkpoint.objects.create(
            chain=chain, count=head.count, head_hash=head.head_hash, created_by=actor
        )


def checkpoint_export(checkpoints: Iterable[Checkpoint]) -> list[dict[str, Any]]:
    """Checkpoints as published: chain, count, head hash and time (ISO 8601, UTC)."""
    return [
        {
            "chain": cp.chain,
            "count": cp.count,
            "head_hash": cp.head_hash,
            "created_at": cp.created_at.astimezone(UTC).isoformat(),
        }
        for cp in checkpoints
    ]


CHECKPOINT_FORMAT = "sanxiang-audit-checkpoints/1"


def checkpoint_document(checkpoints: Iterable[Checkpoint]) -> dict[str, Any]:
    """The JSON document to publish: ``verify_audit --published FILE`` checks the chains against it."""
    return {
        "format": CHECKPOINT_FORMAT,
        "exported_at": datetime.now(UTC).isoformat(),
        "checkpoints": checkpoint_export(checkpoints),
    }


def load_published(data: Any) -> list[tuple[str, int, str]]:
    """Parse an exported checkpoint list (``checkpoint_export`` / ``audit_checkpoint --export``)."""
    items = data.get("checkpoints", data) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise SanxiangError("检查点文件格式不正确：应为检查点列表", field="checkpoints")
    result = []
    for i, item in enumerate(items, start=1):
        try:
            chain, count, head_hash = str(item["chain"]), int(item["count"]), str(item["head_hash"])
        except (KeyError, TypeError, ValueError) as exc:
            raise SanxiangError(
                f"检查点文件第 {i} 项缺少 chain、count 或 head_hash", field="checkpoints"
            ) from exc
        result.append((chain, count, head_hash))
    return result


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"
