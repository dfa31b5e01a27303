#!/usr/bin/env python
"""Benchmark the portal's 执法结果 list and search over 1,000,000 decision publications against ``/api/v1/health``.

    .venv/bin/python bench/bench_portal_results.py [--decisions N] [--seconds 10] [--threads 4]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_portal_results.py

Issue #6 (Quality): "with 1,000,000 publications on PostgreSQL, portal search and list — req/s as a ratio to
``/api/v1/health`` in the same run (target ≥ 0.5), p99 < 100 ms".

Same method as bench_portal.py (whose server and load generator it reuses): a throwaway database
(``sanxiang_bench_portal_results`` on PostgreSQL, dropped at the end; a temporary SQLite file otherwise), migrated,
the 玉溪 structure loaded, then N decision publications (kind ``decision``, the payload Q's results pipeline
writes) bulk-written with COPY on PostgreSQL — the pg_trgm index is dropped during the load and rebuilt after,
as a bulk import would — spread over every agency and three years, 处罚/许可/检查 mixed, 1 % withdrawn and
some past their display period (so ``current()`` has work to do). Then gunicorn (2 sync workers) is driven for
the same time per target:

- ``/api/v1/health`` — the baseline;
- ``portal list``   — ``/gongshi/jieguo/`` with category, agency and date-range filters and deep pages;
- ``portal search`` — ``/gongshi/jieguo/?q=…`` (关键词, 文号, 对象; common, rare and no-hit terms);
- ``API list`` / ``API search`` — the same in ``/api/v1/public/decisions``.

Prints req/s, p50/p99, the ratio to health and PASS/FAIL per target; then uncached searches for reference.
Always exits 0 (a benchmark reports; a missed target prints TARGET MISSED).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench_portal as bp  # noqa: E402 - bench/bench_portal.py: server, load generator, report
import benchdb  # noqa: E402 - bench/benchdb.py, next to this script

BENCH_DB = "sanxiang_bench_portal_results"
BATCH = 10_000
TRGM_INDEX = "publication_search_trgm"
PARTIES = [
    "玉溪某某律师事务所",
    "云南某某律师事务所玉溪分所",
    "红塔区某某法律服务所",
    "玉溪某某公证处",
    "某某司法鉴定所",
    "玉溪某某基层法律服务所",
    "王某",
    "李某",
    "张某",
    "赵某",
    "刘某",
    "杨某",
]
FACTS = {
    "行政处罚": [
        (
            "当事人未按规定对本所律师执业活动进行监督管理",
            "《中华人民共和国律师法》第五十条",
            "警告，并处罚款人民币{n}元",
        ),
        ("当事人以不正当手段承揽法律服务业务", "《基层法律服务所管理办法》第三十三条", "罚款人民币{n}元"),
        (
            "当事人违规收取当事人财物",
            "《中华人民共和国律师法》第四十八条",
            "停止执业三个月，没收违法所得{n}元",
        ),
        ("当事人在公证活动中未依法履行核实义务", "《中华人民共和国公证法》第四十一条", "警告，罚款{n}元"),
    ],
    "行政许可": [
        ("申请设立律师事务所，材料齐全，符合法定条件", "《中华人民共和国律师法》第十八条", "准予设立"),
        ("申请律师事务所变更名称，符合法定条件", "《律师事务所管理办法》第二十条", "准予变更"),
        ("申请基层法律服务工作者执业核准", "《基层法律服务工作者管理办法》第十二条", "准予执业核准"),
    ],
    "行政检查": [
        ("对律师事务所年度执业情况的专项检查", "《律师事务所管理办法》第五十五条", "未发现问题"),
        ("对公证机构执业活动的随机抽查", "《公证机构执业管理办法》第三十一条", "责令限期整改"),
    ],
}
PREFIX = {"行政处罚": "罚决", "行政许可": "许决", "行政检查": "检"}


def setup_database() -> tuple[str, Callable[[], None]]:
    return benchdb.scratch("sanxiang-bench-results-", BENCH_DB)


def _category(i: int) -> str:
    r = i % 20
    return "行政处罚" if r < 14 else ("行政许可" if r < 19 else "行政检查")


def write_decisions(n: int) -> tuple[float, list[int]]:
    """N decision publications (version 1 each), the payload and search_text Q's publish_result writes."""
    from django.db import connection, transaction

    from core.models import Agency
    from org import demo
    from publicity.models import Publication

    demo.load_structure()
    agencies = list(Agency.objects.order_by("id").values_list("id", "name", "short_name"))
    rng = random.Random(20261129)
    table = Publication._meta.db_table
    columns = (
        "kind, agency_id, key, version, title, category, department, search_text, payload, source_type, source_id,"
        " published_at, withdrawn_at, withdrawal_reason, expires_on"
    )
    start_day = date(2024, 1, 1)
    today = date(2026, 11, 29)
    span = (today - start_day).days

    def rows():  # type: ignore[no-untyped-def]
        for i in range(n):
            agency_id, agency_name, short = agencies[i % len(agencies)]
            category = _category(i)
            facts, basis, result = FACTS[category][i % len(FACTS[category])]
            decided = start_day + timedelta(days=rng.randrange(span))
            year_seq = i // len(agencies) + 1
            doc = f"{short or '玉司'}{PREFIX[category]}〔{decided.year}〕{year_seq}号"
            party = f"{PARTIES[i % len(PARTIES)]}{i % 997 if i % len(PARTIES) < 6 else ''}"
            citizen = i % len(PARTIES) >= 6
            amount = str(500 * (1 + i % 40))
            payload = {
                "doc_number": doc,
                "agency_name": agency_name,
                "party": party,
                "party_kind": "自然人" if citizen else "法人或其他组织",
                "category": category,
                "item_name": facts[:12],
                "facts": facts + "。",
                "basis": basis,
                "result": result.format(n=amount),
                "decided_on": decided.isoformat(),
                "procedure": "一般程序" if i % 5 else "简易程序",
                "penalty_types": ["罚款"] if category == "行政处罚" else [],
                "fine_amount": f"{amount}.00" if category == "行政处罚" else None,
                "confiscation_amount": None,
                "case_number": f"{short or '玉司'}案〔{decided.year}〕{year_seq}号",
            }
            published = datetime.combine(decided + timedelta(days=3), datetime.min.time(), tzinfo=UTC)
            withdrawn = published + timedelta(days=30) if i % 100 == 0 else None
            expires = decided + timedelta(days=365 * (2 if citizen else 5))
            yield (
                "decision",
                agency_id,
                payload["case_number"],
                1,
                f"{doc} {party}",
                category,
                "律师工作管理科",
                f"{doc} {party} {agency_name} {category} {facts}。",
                json.dumps(payload, ensure_ascii=False),
                "publicity.resultdraft",
                str(i + 1),
                published,
                withdrawn,
                "该决定经行政复议被撤销，依法撤回" if withdrawn else "",
                expires,
            )

    start = time.perf_counter()
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
    it = rows()
    while True:
        batch = list(itertools.islice(it, BATCH))
        if not batch:
            break
        with transaction.atomic(), connection.cursor() as cursor:
            if postgres:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                adapt = connection.ops.adapt_datetimefield_value
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 15)})",  # noqa: S608
                    [(*r[:11], adapt(r[11]), adapt(r[12]), r[13], r[14]) for r in batch],
                )
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON {table} USING gin (UPPER(search_text) gin_trgm_ops)"
            )
            cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - start, [a for a, _n, _s in agencies]


def list_paths(agency_ids: list[int], prefix: str) -> list[str]:
    """The list as people browse it: first and deep pages, category, agency and date-range filters."""
    paths = [prefix, f"{prefix}?page=2", f"{prefix}?page=50"]
    paths += [f"{prefix}?category={quote(c)}" for c in ("行政处罚", "行政许可", "行政检查")]
    paths += [f"{prefix}?agency={a}" for a in agency_ids[:4]]
    paths += [
        f"{prefix}?date_from=2026-01-01&date_to=2026-06-30",
        f"{prefix}?category={quote('行政处罚')}&page=10",
    ]
    return paths


def search_paths(agency_ids: list[int], prefix: str) -> list[str]:
    """关键词 (common, rare, no-hit), 文号 and 对象 searches, combined with filters."""
    terms = ["律师", "律师事务所", "公证", "罚款", "第五十条", "司法鉴定", "不存在的当事人名称"]
    paths = [f"{prefix}?q={quote(t)}" for t in terms]
    paths += [f"{prefix}?doc={quote('罚决〔2025〕')}", f"{prefix}?doc={quote('〔2026〕7123号')}"]
    paths += [f"{prefix}?party={quote('某某公证处')}", f"{prefix}?party={quote('王某')}"]
    paths += [
        f"{prefix}?q={quote('律师')}&category={quote('行政处罚')}&agency={agency_ids[0]}",
        f"{prefix}?q={quote('律师事务所')}&date_from=2025-01-01&date_to=2025-12-31",
        f"{prefix}?q={quote('律师')}&page=20",
    ]
    return paths


def cold_paths(prefix: str, n: int = 3000) -> list[str]:
    """Distinct searches no cache has seen: 文号 numbers and party-name fragments."""
    rng = random.Random(11)
    paths = []
    for i in range(n):
        if i % 2:
            party = rng.choice(PARTIES[:6])
            paths.append(f"{prefix}?party={quote(party + str(rng.randrange(997)))}")
        else:
            paths.append(
                f"{prefix}?doc={quote(f'〔{rng.choice((2024, 2025, 2026))}〕{rng.randrange(1, 70_000)}号')}"
            )
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--decisions", type=int, default=None, help="default 1,000,000 on PostgreSQL, 100,000 on SQLite"
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    label, cleanup = setup_database()
    server: subprocess.Popen[bytes] | None = None
    try:
        bp._django()
        from django.core.management import call_command
        from django.db import connection, connections

        n = args.decisions or (1_000_000 if connection.vendor == "postgresql" else 100_000)
        print(f"数据库 / database: {label}; {n} decision publications", flush=True)
        call_command("migrate", verbosity=0)
        seconds, agency_ids = write_decisions(n)
        print(f"wrote {n} decision publications in {seconds:.1f} s", flush=True)
        connections.close_all()

        port = bp.free_port()
        server = bp.start_server(port)
        health = ["/api/v1/health"]
        targets = {
            "portal list": list_paths(agency_ids, "/gongshi/jieguo/"),
            "portal search": search_paths(agency_ids, "/gongshi/jieguo/"),
            "API list": list_paths(agency_ids, "/api/v1/public/decisions"),
            "API search": search_paths(agency_ids, "/api/v1/public/decisions"),
        }
        # Warm up: every worker computes each distinct count and page once (a portal that has been up a while).
        bp.warm(port, health + [p for paths in targets.values() for p in paths], rounds=6)
        results = {"health": bp.load(port, health, args.seconds, args.threads)}
        for name, paths in targets.items():
            results[name] = bp.load(port, paths, args.seconds, args.threads)
        bp.report(results, args.threads)
        cold = bp.load(port, cold_paths("/gongshi/jieguo/"), args.seconds, args.threads)
        print(
            f"  for reference, uncached 文号/对象 searches (distinct terms, every count and page computed): "
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


if __name__ == "__main__":
    main()
