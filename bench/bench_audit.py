#!/usr/bin/env python
"""Benchmark the audit chain verifier against raw SM3 over the same bytes.

    .venv/bin/python bench/bench_audit.py [--events 1000000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_audit.py

Uses a throwaway database of its own: on SQLite a file in a temporary SANXIANG_VAR_DIR (whatever SQLite path
DATABASE_URL names is left alone), on PostgreSQL a database ``sanxiang_bench_audit`` (template0, UTF8,
C.UTF-8) on the server of DATABASE_URL, dropped at the end.
It writes N synthetic events in 10 chains (hashes computed with audit.chain, bulk_create in batches of
10 000), then measures:

- ``audit.chain.verify()`` over N/10 and over N events, each in a fresh child process: time and peak RSS
  (the peak must stay flat: verification streams);
- the baseline: ``hashlib.new("sm3")`` over exactly the bytes the verifier hashes per event
  (``bytes.fromhex(prev_hash) + canonical``), precomputed in memory and timed alone.

Ratio = baseline time / verify time (target ≥ 0.5); peak RSS target < 200 MB. Always exits 0: a benchmark
reports, it does not fail CI; a missed target prints TARGET MISSED.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benchdb  # noqa: E402 - bench/benchdb.py, next to this script

BENCH_DB = "sanxiang_bench_audit"  # its own database: never the one bench/run_all.py hands to every script
CHAINS = [f"agency:{i}" for i in range(1, 10)] + ["platform"]
BATCH = 10_000
RATIO_TARGET = 0.5
RSS_TARGET_MB = 200
ACTIONS = [
    ("auth.login", "accounts.user"),
    ("auth.logout", "accounts.user"),
    ("auth.login_failed", "accounts.user"),
    ("accounts.user_updated", "accounts.user"),
    ("org.department_updated", "org.department"),
    ("calendar.holiday_saved", "core.holiday"),
    ("case.step_completed", "cases.case"),
    ("evidence.viewed", "evidence.item"),
]


def _peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child
    started by this (large) benchmark process would report the parent's size."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _workers_peak_rss_mb() -> float:
    """Peak RSS of the largest worker process verify() forked (ru_maxrss of waited-for children)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "sanxiang.settings"
    import django

    django.setup()


# --- child: one verification run ------------------------------------------------------------------


def child_verify() -> None:
    _django()
    from django.db import connection

    from audit import chain

    with connection.cursor() as cursor:  # connect before measuring
        cursor.execute("SELECT 1")
    before = _peak_rss_mb()
    workers = chain._workers(None)  # what verify() will choose
    start = time.perf_counter()
    result = chain.verify()
    seconds = time.perf_counter() - start
    after = _peak_rss_mb()
    workers_rss = _workers_peak_rss_mb()
    print(
        json.dumps(
            {
                "events": result.events,
                "chains": result.chains,
                "ok": result.ok,
                "broken": str(result.broken) if result.broken else None,
                "seconds": seconds,
                "rss_before": before,
                "rss_peak": max(after, workers_rss),
                "rss_main": after,
                "rss_workers": workers_rss,
                "workers": workers,
            }
        )
    )


def run_child() -> dict:
    out = subprocess.run(  # noqa: S603 - this very script, with the same interpreter
        [sys.executable, __file__, "--child-verify"],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- parent: database, data, measurements ---------------------------------------------------------


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def setup_database() -> tuple[str, Callable[[], None]]:
    drop = benchdb.use_scratch_database(BENCH_DB)
    if drop:
        return f"PostgreSQL ({BENCH_DB})", drop
    tmp = tempfile.mkdtemp(prefix="sanxiang-bench-")
    os.environ["SANXIANG_VAR_DIR"] = tmp
    return f"SQLite ({tmp}/sanxiang.sqlite3)", lambda: shutil.rmtree(tmp, ignore_errors=True)


class Generator:
    """Synthetic but realistic events, appended chain by chain; keeps the hashed bytes for the baseline."""

    def __init__(self, actor_ids: list[int]) -> None:
        from core.hashing import GENESIS

        self.rng = random.Random(20261128)
        self.actors = actor_ids
        self.heads = dict.fromkeys(CHAINS, (0, GENESIS))
        self.moment = datetime(2026, 1, 5, 0, 30, tzinfo=UTC)
        self.hashed: list[bytes] = []

    def _payload(self, i: int) -> dict:
        kind = self.rng.random()
        if kind < 0.4:
            return {}
        if kind < 0.6:
            return {"reason": self.rng.choice(["user", "idle_timeout"])}
        if kind < 0.8:
            return {"known_user": True, "username_sm3": hashlib.sha256(str(i).encode()).hexdigest()}
        return {"changes": ["full_name", "roles"], "id": i, "roles": ["officer", "reviewer"][: 1 + i % 2]}

    def rows(self, n: int):  # type: ignore[no-untyped-def]
        """(chain, seq, agency_id, actor_id, role, ip, created_at, action, object_type, object_id, payload,
        payload_sm3, prev_hash, hash) of the next ``n`` events, hashed exactly as audit.chain.record() does."""
        from audit import chain as ch

        rng = self.rng
        for i in range(n):
            name = CHAINS[i % len(CHAINS)]
            count, prev = self.heads[name]
            seq = count + 1
            self.moment += timedelta(microseconds=rng.randint(1, 3_000_000))
            action, otype = rng.choice(ACTIONS)
            actor_id = rng.choice(self.actors) if rng.random() < 0.9 else None
            ip = (
                f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
                if rng.random() < 0.95
                else ""
            )
            role = "officer" if actor_id else ""
            oid = str(rng.randint(1, 99999))
            body = ch.canonical_payload(self._payload(i))
            psm3 = ch.sm3(body.encode())
            canonical = ch.canonical_event(
                action=action,
                actor_id=actor_id,
                chain=name,
                ip=ip,
                object_id=oid,
                object_type=otype,
                payload_sm3=psm3,
                role=role,
                seq=seq,
                time=ch.format_time(self.moment),
            )
            data = bytes.fromhex(prev) + canonical
            digest = hashlib.new("sm3", data).hexdigest()
            self.hashed.append(data)
            self.heads[name] = (seq, digest)
            yield (
                name,
                seq,
                None,
                actor_id,
                role,
                ip,
                self.moment,
                action,
                otype,
                oid,
                body,
                psm3,
                prev,
                digest,
            )

    def write(self, n: int) -> float:
        """Insert through the DB cursor (COPY on PostgreSQL, executemany on SQLite), 10 000 rows a batch:
        the ORM's bulk_create spends ~100 µs per row building objects and SQL, too slow for a million."""
        from django.db import connection, transaction

        from audit.models import AuditEvent, ChainHead

        table = AuditEvent._meta.db_table
        columns = (
            "chain, seq, agency_id, actor_id, role, ip, created_at, action, object_type, object_id, payload,"
            " payload_sm3, prev_hash, hash"
        )
        start = time.perf_counter()
        rows = self.rows(n)
        while True:
            batch = list(itertools.islice(rows, BATCH))
            if not batch:
                break
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
                else:
                    adapt = connection.ops.adapt_datetimefield_value
                    cursor.executemany(
                        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 14)})",  # noqa: S608
                        [(*r[:6], adapt(r[6]), *r[7:]) for r in batch],
                    )
        with transaction.atomic():
            for name, (count, head_hash) in self.heads.items():
                ChainHead.objects.update_or_create(
                    chain=name, defaults={"count": count, "head_hash": head_hash}
                )
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:  # fold the WAL into the database, as a running server would
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {table}")
        return time.perf_counter() - start


def _users() -> list[int]:
    from accounts.models import User

    ids = []
    for i in range(20):
        user = User(username=f"bench{i}", full_name=f"基准{i}")
        user.set_unusable_password()
        user.save()
        ids.append(user.pk)
    return ids


def baseline(hashed: list[bytes]) -> float:
    """hashlib.new("sm3") over each event's bytes: the cost of the hashing alone, best of two runs."""
    best = float("inf")
    for _ in range(2):
        new = hashlib.new
        start = time.perf_counter()
        for data in hashed:
            new("sm3", data).hexdigest()
        best = min(best, time.perf_counter() - start)
    return best


def baseline_reused(hashed: list[bytes]) -> float:
    """The same digests from a copied blank context (no per-call algorithm lookup), for reference."""
    copy = hashlib.new("sm3").copy
    start = time.perf_counter()
    for data in hashed:
        h = copy()
        h.update(data)
        h.hexdigest()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--child-verify", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_verify:
        child_verify()
        return
    n = max(args.events, 10)
    label, cleanup = setup_database()
    try:
        _django()
        from django.db import connections

        print(f"数据库 / database: {label}; {n} events in {len(CHAINS)} chains", flush=True)
        _migrate()
        gen = Generator(_users())
        small = n // 10
        seconds = gen.write(small)
        print(f"wrote {small} events in {seconds:.1f} s", flush=True)
        connections.close_all()
        small_run = run_child()
        seconds = gen.write(n - small)
        print(f"wrote {n - small} more events in {seconds:.1f} s", flush=True)
        connections.close_all()
        full_run = run_child()
        raw = baseline(gen.hashed)
        report(n, small, small_run, full_run, raw, baseline_reused(gen.hashed))
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - django may not be set up yet
            pass
        cleanup()


def _run_line(n: int, run: dict) -> str:
    workers = f"{run['workers']} worker processes" if run["workers"] > 1 else "1 process"
    return (
        f"verify_audit: {n} events in {run['seconds']:.2f} s ({n / run['seconds'] / 1000:.0f}k ev/s, {workers}); "
        f"peak RSS {run['rss_peak']:.0f} MB (main {run['rss_main']:.0f} MB, idle {run['rss_before']:.0f} MB"
        + (f", largest worker {run['rss_workers']:.0f} MB" if run["workers"] > 1 else "")
        + ")"
    )


def report(n: int, small: int, small_run: dict, full_run: dict, raw: float, raw_reused: float) -> None:
    for run in (small_run, full_run):
        if not run["ok"]:
            print(f"TARGET MISSED: the synthetic chain did not verify: {run['broken']}")
    print(_run_line(small, small_run))
    print(_run_line(n, full_run))
    seconds = full_run["seconds"]
    ratio = raw / seconds if seconds else 0.0
    peak = full_run["rss_peak"]
    print(
        f"verify_audit: {n} events in {seconds:.1f} s ({n / seconds / 1000:.0f}k ev/s); "
        f"raw SM3 over same bytes {raw:.1f} s; ratio {ratio:.2f} (target ≥ {RATIO_TARGET}); "
        f"peak RSS {peak:.0f} MB (target < {RSS_TARGET_MB} MB)"
    )
    print(
        f"  (for reference: the same SM3 with a reused OpenSSL context, as verify() hashes, takes {raw_reused:.1f} s; "
        f"ratio against that {raw_reused / seconds:.2f})"
    )
    missed = []
    if ratio < RATIO_TARGET:
        missed.append(f"ratio {ratio:.2f} < {RATIO_TARGET}")
    if peak >= RSS_TARGET_MB:
        missed.append(f"peak RSS {peak:.0f} MB ≥ {RSS_TARGET_MB} MB")
    growth = full_run["rss_peak"] - small_run["rss_peak"]
    if growth > 20:
        missed.append(f"peak RSS grew by {growth:.0f} MB from {small} to {n} events (should stay flat)")
    print("TARGET MISSED: " + "; ".join(missed) if missed else "all targets met")


if __name__ == "__main__":
    main()
