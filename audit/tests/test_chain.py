"""The audit hash chain: writing, the canonical form, tamper detection, append-only triggers, concurrency."""

from __future__ import annotations

import importlib
import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, connections, transaction

from audit import chain
from audit.chain import record, verify
from audit.models import PLATFORM_CHAIN, AuditEvent, ChainHead, Checkpoint
from core.errors import SanxiangError
from core.hashing import GENESIS, sm3

triggers = importlib.import_module("audit.migrations.0002_append_only_triggers")


@contextmanager
def append_only_lifted() -> Iterator[None]:
    """Let the test UPDATE/DELETE audit rows, as an attacker with database access could.

    PostgreSQL: ``session_replication_role = replica`` skips ordinary triggers (superuser only), then back
    to ``origin``. SQLite: drop the no-update triggers, then create them again from the migration's SQL.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                yield
            finally:
                cursor.execute("SET session_replication_role = origin")
        else:
            for sql in triggers.SQLITE_DOWN:
                cursor.execute(sql)
            try:
                yield
            finally:
                for sql in triggers.SQLITE_UP:
                    cursor.execute(sql)


@pytest.fixture
def tamper():
    return append_only_lifted


def broken_of(**kwargs) -> chain.Break:
    """The break verify() reports (failing the test when it reports none)."""
    result = verify(**kwargs)
    assert result.broken is not None, "verify() found no break"
    return result.broken


def _write(agency_id: int | None, n: int, **kw) -> list[AuditEvent]:
    return [
        record(
            "test.event",
            agency_id=agency_id,
            object_type="core.agency",
            object_id=i,
            payload={"i": i, "note": "仅标识"},
            ip=f"10.0.0.{i % 250 + 1}" if i % 3 else "",
            **kw,
        )
        for i in range(1, n + 1)
    ]


@pytest.fixture
def events(yuxi, persona):
    """Seven events in the 市司法局's chain (one with an actor), three in 红塔区's, two in the platform chain."""
    hongta = persona("wangwu").agency_id
    city = _write(yuxi.pk, 6)
    city.append(record("auth.login", actor=persona("zhangsan"), ip="192.168.1.9"))
    return {"city": city, "hongta": _write(hongta, 3), "platform": _write(None, 2)}


def test_record_builds_a_valid_chain(events) -> None:
    city = events["city"]
    assert [e.seq for e in city] == list(range(1, 8))
    assert city[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(city))
    head = ChainHead.objects.get(pk=city[0].chain)
    assert (head.count, head.head_hash) == (7, city[-1].hash)
    assert city[-1].role == "officer" and city[-1].actor_id is not None
    result = verify()
    assert result.ok, result.broken
    assert (result.events, result.chains) == (12, 3)
    assert verify(chains=[city[0].chain]).events == 7


def test_canonical_form_is_sorted_compact_json(events) -> None:
    for event in [*events["city"], *events["platform"]]:
        fields = {
            "action": event.action,
            "actor": event.actor_id,
            "chain": event.chain,
            "ip": event.ip or None,
            "object_id": event.object_id,
            "object_type": event.object_type,
            "payload_sm3": event.payload_sm3,
            "role": event.role,
            "seq": event.seq,
            "time": event.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
        expected = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        assert chain.canonical_of(event) == expected
        assert event.hash == sm3(bytes.fromhex(event.prev_hash) + expected)
        assert event.payload_sm3 == sm3(event.payload.encode())
    assert json.loads(events["city"][0].payload) == {"i": 1, "note": "仅标识"}


def test_a_time_on_the_whole_second_verifies(yuxi, monkeypatch) -> None:
    """SQLite stores such a time without microseconds; the verifier still rebuilds ".000000Z"."""
    monkeypatch.setattr(chain.timezone, "now", lambda: datetime(2026, 3, 2, 1, 2, 3, tzinfo=UTC))
    event = record("test.event", agency_id=yuxi.pk)
    assert b'"time":"2026-03-02T01:02:03.000000Z"' in chain.canonical_of(event)
    assert verify().ok


@pytest.mark.parametrize(
    "field, value",
    [
        ("action", "auth.login\n"),
        ("action", "auth login"),
        ("object_id", 'a"b'),
        ("object_type", "core\\agency"),
        ("role", "officer,审计"),
        ("ip", "1.2.3.4\u2028"),
    ],
)
def test_unsafe_identifiers_are_refused(yuxi, field, value) -> None:
    kwargs = {"action": "test.event", "agency_id": yuxi.pk, field: value}
    with pytest.raises(SanxiangError) as exc:
        record(**kwargs)
    assert exc.value.field == field
    assert not AuditEvent.objects.exists()


def test_an_ipv6_zone_index_is_dropped(yuxi) -> None:
    assert record("test.event", agency_id=yuxi.pk, ip="fe80::1%eth0").ip == "fe80::1"


# --- tampering ----------------------------------------------------------------------------------------


def _update(event: AuditEvent, **values) -> None:
    AuditEvent.objects.filter(pk=event.pk).update(**values)


def test_changed_field_is_found(events, tamper) -> None:
    target = events["city"][3]
    with tamper():
        _update(target, action="auth.logout")
    broken = broken_of()
    assert (broken.chain, broken.seq, broken.event_id) == (target.chain, 4, target.pk)
    assert "事件哈希不符" in broken.reason
    assert f"第 4 条事件（id={target.pk}）" in str(broken)


@pytest.mark.parametrize(
    "values",
    [
        {"actor_id": None},
        {"ip": "10.9.9.9"},
        {"created_at": datetime(2020, 1, 1, tzinfo=UTC)},
        {"object_id": "999"},
        {"seq": 99},
    ],
)
def test_every_hashed_column_is_covered(events, tamper, values) -> None:
    target = events["city"][-1]
    with tamper():
        _update(target, **values)
    broken = broken_of()
    assert broken is not None and broken.chain == target.chain and broken.seq == 7


def test_changed_payload_is_found(events, tamper) -> None:
    target = events["hongta"][1]
    with tamper():
        _update(target, payload='{"i":2,"note":"改过"}')
    broken = broken_of()
    assert (broken.chain, broken.seq) == (target.chain, 2)
    assert "内容" in broken.reason


def test_payload_with_its_digest_changed_still_breaks_the_event_hash(events, tamper) -> None:
    target = events["hongta"][1]
    body = '{"i":2,"note":"改过"}'
    with tamper():
        _update(target, payload=body, payload_sm3=sm3(body.encode()))
    broken = broken_of()
    assert (broken.seq, "事件哈希不符" in broken.reason) == (2, True)


def test_a_quote_smuggled_into_a_field_is_found(events, tamper) -> None:
    target = events["city"][2]
    with tamper():
        _update(target, role='officer","x":"')
    assert "不允许的字符" in broken_of().reason


def test_a_column_of_the_wrong_type_is_a_break_not_a_crash(events, tamper) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL columns are strictly typed")
    target = events["city"][1]
    with tamper(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET seq = 'two', created_at = 7 WHERE id = %s", [target.pk])
    broken = broken_of()
    assert (broken.chain, broken.seq) == (target.chain, 2)


def test_rewritten_link_is_found(events, tamper) -> None:
    target = events["city"][4]
    with tamper():
        _update(target, prev_hash="f" * 64)
    broken = broken_of()
    assert (broken.seq, broken.event_id) == (5, target.pk)
    assert "前一事件哈希" in broken.reason


def test_deleted_event_in_the_middle_is_found(events, tamper) -> None:
    target = events["city"][2]
    with tamper():
        AuditEvent.objects.filter(pk=target.pk).delete()
    broken = broken_of()
    assert (broken.chain, broken.seq) == (target.chain, 3)
    assert "缺少序号 3" in broken.reason


def test_deleted_last_event_is_found(events, tamper) -> None:
    target = events["hongta"][-1]
    with tamper():
        AuditEvent.objects.filter(pk=target.pk).delete()
    broken = broken_of()
    assert (broken.chain, broken.seq) == (target.chain, 3)
    assert "链头记录共 3 条" in broken.reason


def test_deleted_tail_with_a_rolled_back_head_is_caught_by_a_checkpoint(events, tamper) -> None:
    target = events["hongta"][-1]
    chain.create_checkpoint(target.chain)
    with tamper():
        AuditEvent.objects.filter(pk=target.pk).delete()
        ChainHead.objects.filter(pk=target.chain).update(count=2, head_hash=events["hongta"][1].hash)
    broken = broken_of()
    assert (broken.chain, broken.seq) == (target.chain, 3)
    assert "检查点记录共 3 条" in broken.reason


def test_mismatching_checkpoint_is_found(events) -> None:
    name = events["city"][0].chain
    Checkpoint.objects.create(chain=name, count=5, head_hash="ab" * 32)
    broken = broken_of()
    assert (broken.chain, broken.seq, broken.event_id) == (name, 5, events["city"][4].pk)
    assert "检查点" in broken.reason


def test_matching_checkpoints_pass(events) -> None:
    for name in {e.chain for group in events.values() for e in group}:
        chain.create_checkpoint(name)
    record("test.event", agency_id=events["city"][0].agency_id)
    assert verify().ok


def test_published_checkpoints_are_checked(events) -> None:
    city = events["city"]
    assert verify(published=[(city[0].chain, 3, city[2].hash)]).ok
    broken = broken_of(published=[(city[0].chain, 3, "0" * 64)])
    assert (broken.seq, "已发布的检查点" in broken.reason) == (3, True)
    beyond = broken_of(published=[(city[0].chain, 50, "0" * 64)])
    assert (beyond.seq, "实际只有 7 条" in beyond.reason) == (8, True)


def test_deleted_chain_head_is_found(events) -> None:
    name = events["platform"][0].chain
    ChainHead.objects.filter(pk=name).delete()  # the head is not protected: record() updates it
    broken = broken_of()
    assert broken.chain == name and "缺少链头记录" in broken.reason


def test_all_events_of_a_chain_deleted_is_found(events, tamper) -> None:
    name = events["platform"][0].chain
    with tamper():
        AuditEvent.objects.filter(chain=name).delete()
    broken = broken_of()
    assert (broken.chain, broken.seq) == (name, 1)


def test_event_written_behind_records_back_is_found(events) -> None:
    last = events["platform"][-1]
    body = "{}"
    canonical = chain.canonical_event(
        action="test.forged",
        actor_id=None,
        chain=last.chain,
        ip="",
        object_id="",
        object_type="",
        payload_sm3=sm3(body.encode()),
        role="",
        seq=3,
        time=chain.format_time(last.created_at),
    )
    AuditEvent.objects.create(
        chain=last.chain,
        seq=3,
        created_at=last.created_at,
        action="test.forged",
        payload=body,
        payload_sm3=sm3(body.encode()),
        prev_hash=last.hash,
        hash=chain.event_hash(last.hash, canonical),
    )
    broken = broken_of()
    assert (broken.chain, broken.seq) == (last.chain, 3)
    assert "未经登记" in broken.reason


def test_event_appended_while_verifying_is_not_a_break(events, monkeypatch) -> None:
    real = chain._scan_ids

    def scan_after_a_new_event(*args):
        record("test.event", agency_id=events["city"][0].agency_id)  # after verify() read the heads
        return real(*args)

    monkeypatch.setattr(chain, "_scan_ids", scan_after_a_new_event)
    result = verify()
    assert result.ok, result.broken
    assert result.events == 13


def test_rows_out_of_id_order_are_checked_through_the_index(events, tamper) -> None:
    """A restored row with a new id is out of id order, not missing: the chain's index decides."""
    target = events["city"][2]
    with tamper():
        AuditEvent.objects.filter(pk=target.pk).delete()
    target.pk = None
    target.save(force_insert=True)
    assert verify().ok


def test_first_break_is_reported_in_chain_order(events, tamper) -> None:
    with tamper():
        _update(events["platform"][0], action="x.y")
        _update(events["city"][5], action="x.y")
    broken = broken_of()
    assert broken.chain == min(events["city"][0].chain, PLATFORM_CHAIN)


@pytest.mark.parametrize("workers", [2, 3, 5])
def test_split_verification_joins_its_parts(events, tamper, workers) -> None:
    """Inside a test transaction the parts run in this process; the join logic is the same."""
    result = verify(workers=workers)
    assert result.ok and result.events == 12
    city = events["city"]
    for event in city:  # a rewritten link is found wherever the parts happen to split the chain
        with tamper():
            _update(event, prev_hash="f" * 64)
        broken = broken_of(workers=workers)
        assert (broken.chain, broken.seq, broken.event_id) == (event.chain, event.seq, event.pk)
        with tamper():
            _update(event, prev_hash=event.prev_hash)
    with tamper():
        AuditEvent.objects.filter(pk=city[3].pk).delete()
    broken = broken_of(workers=workers)
    assert (broken.chain, broken.seq) == (city[0].chain, 4)


@pytest.mark.parametrize("workers", [1, 3])
def test_verifying_some_chains_ignores_the_others(events, tamper, workers) -> None:
    city, hongta = events["city"][0].chain, events["hongta"][0].chain
    with tamper():
        _update(events["platform"][0], action="x.y")
    result = verify(chains=[city, hongta], workers=workers)  # most of the log: one pass in id order
    assert (result.ok, result.events, result.chains) == (True, 10, 2)
    assert verify(chains=[hongta]).events == 3  # a small part: through the chain's index
    with tamper():
        AuditEvent.objects.filter(pk=events["hongta"][1].pk).delete()
    broken = broken_of(chains=[city, hongta], workers=workers)
    assert (broken.chain, broken.seq) == (hongta, 2)
    assert broken_of(chains=[hongta]).seq == 2


def test_check_event_rehashes_one_event(events, tamper) -> None:
    target = events["city"][2]
    checks = chain.check_event(AuditEvent.objects.get(pk=target.pk))
    assert all(c.ok for c in checks), checks
    with tamper():
        _update(target, object_id="777")
    results = {c.label: c.ok for c in chain.check_event(AuditEvent.objects.get(pk=target.pk))}
    assert results["事件哈希"] is False and results["内容摘要"] is True


def test_checkpoint_of_an_empty_chain_is_refused(db) -> None:
    with pytest.raises(SanxiangError):
        chain.create_checkpoint("agency:424242")


def test_load_published_accepts_the_export(events) -> None:
    cp = chain.create_checkpoint(events["city"][0].chain)
    document = chain.checkpoint_document([cp])
    assert document["checkpoints"][0].keys() == {"chain", "count", "head_hash", "created_at"}
    assert chain.load_published(json.loads(json.dumps(document))) == [(cp.chain, cp.count, cp.head_hash)]
    with pytest.raises(SanxiangError):
        chain.load_published([{"chain": "x"}])


# --- the database refuses changes -----------------------------------------------------------------


def test_update_of_an_event_is_refused_by_the_database(events) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events["city"][0].pk).update(action="auth.logout")
    assert AuditEvent.objects.get(pk=events["city"][0].pk).action == "test.event"


def test_update_of_a_checkpoint_is_refused_by_the_database(events) -> None:
    cp = chain.create_checkpoint(events["city"][0].chain)
    with pytest.raises(DatabaseError), transaction.atomic():
        Checkpoint.objects.filter(pk=cp.pk).update(count=1)


def test_delete_of_an_event_is_refused_on_postgresql(events) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no DELETE trigger: verify_audit finds deletions by sequence and chain head")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events["city"][0].pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Checkpoint.objects.filter(pk=chain.create_checkpoint(events["city"][0].chain).pk).delete()


# --- concurrency and worker processes (committed data) -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_do_not_fork_the_chain(yuxi) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite test databases live in shared-cache memory, where a second writer fails at once with "
            "'table is locked' instead of waiting; file databases serialise writers with BEGIN IMMEDIATE"
        )
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(tag: str) -> None:
        try:
            barrier.wait()
            for i in range(50):
                record("test.concurrent", agency_id=yuxi.pk, object_id=f"{tag}{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(tag,)) for tag in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    name = chain.chain_for(yuxi.pk)
    seqs = list(AuditEvent.objects.filter(chain=name).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 101))
    assert ChainHead.objects.get(pk=name).count == 100
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_worker_processes_verify_committed_events(yuxi, tamper) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite test databases are in memory: a forked worker cannot open them")
    from core.models import Agency

    hongta = Agency.objects.get(short_name="红司").pk
    for i in range(40):
        record("test.event", agency_id=yuxi.pk if i % 3 else hongta, object_id=i)
    result = verify(workers=2)
    assert result.ok and result.events == 40
    target = AuditEvent.objects.get(chain=chain.chain_for(yuxi.pk), seq=20)
    with transaction.atomic(), tamper():
        _update(target, object_id="x")
    broken = broken_of(workers=2)
    assert (broken.seq, broken.event_id) == (20, target.pk)
