#!/usr/bin/env python
"""Benchmark the public portal's item search over 100,000 published items against ``/api/v1/health``.

    .venv/bin/python bench/bench_portal.py [--items 100000] [--seconds 10] [--threads 4]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_portal.py

Issue #3 (Quality): "portal item search over 100,000 items on PostgreSQL — req/s ratio against the trivial
``/api/v1/health`` view in the same run (target ≥ 0.5), p99 < 100 ms".

Uses a throwaway database of its own, like bench_audit.py: on SQLite a file in a temporary SANXIANG_VAR_DIR,
on PostgreSQL a database ``sanxiang_bench_portal`` (template0, UTF8, C.UTF-8: pg_trgm needs a UTF-8 ctype to
index Chinese) on the server of DATABASE_URL, dropped at the end. It migrates (so the pg_trgm GIN index of
publicity 0003 exists), loads the 玉溪 structure and writes N live item publications (COPY on PostgreSQL) with
realistic names, codes and legal bases from ../shared/reference/justice-bureau-items.csv, then starts gunicorn
(2 sync workers, 127.0.0.1, a free port, debug off) and drives it with a small load generator (threads, one
keep-alive http.client connection each) for the same time per target:

- ``/api/v1/health`` — the baseline (one ``SELECT 1``);
- ``/gongshi/shixiang/?q=…`` — the portal's item search page, cycling through common, rare and no-hit terms,
  bureau/category filters and deep pages;
- ``/api/v1/public/items?q=…`` — the same search in the open-data API.

Prints req/s, p50/p99 per target, the ratio against health and PASS/FAIL per target. Always exits 0 (a
benchmark reports; it does not fail CI): a missed target prints FAIL and TARGET MISSED.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import itertools
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benchdb  # noqa: E402 - bench/benchdb.py, next to this script

BENCH_DB = "sanxiang_bench_portal"
RATIO_TARGET = 0.5
P99_TARGET_MS = 100.0
BATCH = 10_000
CSV_PATH = ROOT.parent / "shared" / "reference" / "justice-bureau-items.csv"
CATEGORIES = {"许可": "行政许可", "处罚": "行政处罚", "检查": "行政检查", "强制": "行政强制", "其他": "其他"}
DEPARTMENTS = [
    "律师工作管理科",
    "公共法律服务管理科",
    "人民参与和促进法治科",
    "行政执法协调监督科",
    "综合执法支队",
]


# --- database ------------------------------------------------------------------------------------------


def setup_database() -> tuple[str, str, Callable[[], None]]:
    tmp = tempfile.mkdtemp(prefix="sanxiang-bench-portal-")
    os.environ["SANXIANG_VAR_DIR"] = tmp
    drop = benchdb.use_scratch_database(BENCH_DB)

    def cleanup() -> None:
        if drop:
            drop()
        shutil.rmtree(tmp, ignore_errors=True)

    if drop:
        return f"PostgreSQL ({BENCH_DB})", os.environ["DATABASE_URL"], cleanup
    return f"SQLite ({tmp}/sanxiang.sqlite3)", "", cleanup


def _django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "sanxiang.settings"
    import django

    django.setup()


def _source_rows() -> list[dict[str, str]]:
    if CSV_PATH.exists():
        with CSV_PATH.open(encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if r.get("name")]
        if rows:
            return rows
    return [
        {
            "category": "处罚",
            "name": "对律师事务所疏于管理的行政处罚",
            "legal_basis": "《中华人民共和国律师法》第五十条",
        },
        {"category": "许可", "name": "律师事务所设立许可", "legal_basis": "《中华人民共和国律师法》第十八条"},
        {"category": "检查", "name": "对公证机构的行政检查", "legal_basis": "《中华人民共和国公证法》第五条"},
    ]


def write_items(n: int) -> tuple[float, list[int]]:
    """N live item publications, one version each, spread over every agency of the demo structure."""
    from django.db import connection, transaction

    from core.models import Agency
    from org import demo
    from publicity.models import Publication

    demo.load_structure()
    agencies = list(Agency.objects.order_by("id").values_list("id", "name"))
    source = _source_rows()
    rng = random.Random(20261129)
    now = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    table = Publication._meta.db_table
    columns = (
        "kind, agency_id, key, version, title, category, department, search_text, payload, source_type, source_id,"
        " published_at, withdrawal_reason"
    )

    def rows():  # type: ignore[no-untyped-def]
        for i in range(n):
            agency_id, agency_name = agencies[i % len(agencies)]
            base = source[i % len(source)]
            category = CATEGORIES.get(base.get("category", ""), "其他")
            name = f"{base['name']}（{i // len(source) + 1}）" if i >= len(source) else base["name"]
            code = f"5304{agency_id:02d}-{i:06d}"
            department = rng.choice(DEPARTMENTS)
            basis = base.get("legal_basis", "")
            payload = {
                "code": code,
                "name": name,
                "category": category,
                "level": "市级" if i % 3 else "县级",
                "agency_name": agency_name,
                "department": department,
                "procedure": "",
                "procedure_label": "",
                "legal_bases": [{"law": basis, "article": "", "text": ""}],
                "time_limit": "20个工作日",
                "discretion": [],
                "is_major": i % 7 == 0,
                "major_criteria": "",
                "av_duties": [],
                "inspection": None,
                "guide": None,
                "change_note": "",
            }
            yield (
                "item",
                agency_id,
                code,
                1,
                name,
                category,
                department,
                f"{name} {code} {basis}",
                json.dumps(payload, ensure_ascii=False),
                "catalog.item",
                str(i + 1),
                now,
                "",
            )

    start = time.perf_counter()
    it = rows()
    while True:
        batch = list(itertools.islice(it, BATCH))
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
                    f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 13)})",  # noqa: S608
                    [(*r[:11], adapt(r[11]), r[12]) for r in batch],
                )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - start, [a for a, _n in agencies]


def explain(term: str) -> str:
    """The plan of the search query (as the portal runs it), to show whether the trigram index serves it."""
    from django.db import connection

    from publicity import public as pub

    flt = pub.ItemFilter(q=term)
    qs = pub.items(flt, pub.item_count(flt)).only(*pub.ITEM_LIST_FIELDS)[:20]
    if connection.vendor != "postgresql":
        return ""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF) {sql}", params)
        return "\n".join(r[0] for r in cursor.fetchall())


# --- server and load -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SANXIANG_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SANXIANG_DEBUG", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(  # noqa: S603 - the venv's gunicorn
        [
            str(gunicorn),
            "sanxiang.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start: " + (proc.stderr.read().decode() if proc.stderr else ""))


def load(port: int, paths: list[str], seconds: float, threads: int) -> dict[str, float]:
    """Each thread keeps one connection open and requests the next path as soon as it has the answer."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    counter = itertools.count()

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        bad = 0
        while time.perf_counter() < stop:
            path = paths[next(counter) % len(paths)]
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "errors": errors,
        "rps": n / elapsed if elapsed else 0.0,
        "p50": statistics.median(latencies) * 1000 if n else 0.0,
        "p99": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else 0.0,
    }


def warm(port: int, paths: list[str], rounds: int) -> None:
    for _ in range(rounds):
        for path in paths:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path, headers={"Connection": "close"})
            conn.getresponse().read()
            conn.close()


def search_paths(agency_ids: list[int], prefix: str) -> list[str]:
    """Common terms (thousands of hits), rare ones (a code), no-hit ones, filters and a deep page."""
    terms = [
        "律师",
        "公证",
        "行政处罚",
        "律师事务所",
        "法律援助",
        "基层法律服务",
        "第五十条",
        "司法鉴定",
        "不存在的事项名称",
    ]
    paths = [f"{prefix}?q={quote(t)}" for t in terms]
    paths += [f"{prefix}?q={quote('530401-000123')}", f"{prefix}?q={quote('公证')}&page=40"]
    paths += [f"{prefix}?agency={agency_ids[1]}", f"{prefix}?category={quote('行政许可')}"]
    paths += [f"{prefix}?q={quote('律师')}&category={quote('行政处罚')}&agency={agency_ids[0]}", prefix]
    return paths


def cold_paths(prefix: str, n: int = 3000) -> list[str]:
    """Distinct searches that no cache has seen: 3-character pieces of real item names and item codes."""
    rng = random.Random(7)
    names = [r["name"] for r in _source_rows()]
    paths = []
    for i in range(n):
        if i % 2:
            name = rng.choice(names)
            start = rng.randrange(max(1, len(name) - 3))
            term = name[start : start + 3]
            paths.append(f"{prefix}?q={quote(term)}&page={1 + i % 3}")
        else:
            paths.append(f"{prefix}?q={quote(f'-{rng.randrange(100_000):06d}')}")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the bench database and stop after loading")
    args = parser.parse_args()
    label, _url, cleanup = setup_database()
    server: subprocess.Popen[bytes] | None = None
    try:
        _django()
        from django.core.management import call_command
        from django.db import connections

        print(f"数据库 / database: {label}; {args.items} item publications", flush=True)
        call_command("migrate", verbosity=0)
        seconds, agency_ids = write_items(args.items)
        print(f"wrote {args.items} publications in {seconds:.1f} s", flush=True)
        for term, why in (
            ("律师事务所", "common term: walks the ordered index"),
            ("-012345", "rare term: pg_trgm"),
        ):
            plan = explain(term)
            if plan:
                uses = "publication_search_trgm" in plan
                print(f"search plan for '{term}' ({why}) uses the trigram index: {'yes' if uses else 'no'}")
                print("  " + "\n  ".join(plan.splitlines()[:6]))
        connections.close_all()
        if args.keep:
            print(
                f"kept: DATABASE_URL={os.environ.get('DATABASE_URL', '')} SANXIANG_VAR_DIR={os.environ['SANXIANG_VAR_DIR']}"
            )
            os._exit(0)

        port = free_port()
        server = start_server(port)
        health = ["/api/v1/health"]
        portal = search_paths(agency_ids, "/gongshi/shixiang/")
        api = search_paths(agency_ids, "/api/v1/public/items")
        # Warm up: each worker (a sync worker takes one connection per request) loads its templates and caches
        # each distinct count and result page once — the state of a portal that has been up for a while.
        warm(port, health + portal + api, rounds=10)
        results = {
            "health": load(port, health, args.seconds, args.threads),
            "portal search": load(port, portal, args.seconds, args.threads),
            "API search": load(port, api, args.seconds, args.threads),
        }
        report(results, args.threads)
        cold = load(port, cold_paths("/gongshi/shixiang/"), args.seconds, args.threads)
        print(
            f"  for reference, uncached searches (distinct terms, every count and page computed): "
            f"{cold['rps']:.0f} req/s, p50 {cold['p50']:.1f} ms, p99 {cold['p99']:.1f} ms "
            f"({cold['requests']:.0f} requests, {cold['errors']:.0f} errors)"
        )
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - django may not be set up yet
            pass
        cleanup()


def report(results: dict[str, dict[str, float]], threads: int) -> None:
    base = results["health"]["rps"]
    missed = []
    print(f"gunicorn 2 workers, {threads} client threads (keep-alive)")
    for name, r in results.items():
        line = (
            f"  {name:<14} {r['rps']:7.0f} req/s  p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms  "
            f"({r['requests']:.0f} requests, {r['errors']:.0f} errors)"
        )
        if name != "health":
            ratio = r["rps"] / base if base else 0.0
            ok = ratio >= RATIO_TARGET and r["p99"] < P99_TARGET_MS and not r["errors"]
            line += f"  ratio {ratio:.2f} (target ≥ {RATIO_TARGET}), p99 target < {P99_TARGET_MS:.0f} ms: "
            line += "PASS" if ok else "FAIL"
            if not ok:
                missed.append(f"{name}: ratio {ratio:.2f}, p99 {r['p99']:.1f} ms, {r['errors']:.0f} errors")
        print(line)
    print("TARGET MISSED: " + "; ".join(missed) if missed else "all targets met")


if __name__ == "__main__":
    main()
