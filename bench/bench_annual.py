#!/usr/bin/env python
"""Benchmark the 年度数据 computation (publicity.annual.compute) over 1,000,000 cases.

    .venv/bin/python bench/bench_annual.py [--cases 1000000] [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_annual.py

Issue #6 (Quality): "the annual report over 1,000,000 cases < 1 s" (PostgreSQL).

Uses a throwaway database of its own (bench/benchdb.py): on PostgreSQL ``sanxiang_bench_annual`` on the server of
DATABASE_URL, dropped at the end; on SQLite a file in a temporary SANXIANG_VAR_DIR (and, unless --cases is given,
100,000 cases: SQLite is only a smoke run). It migrates, loads the 玉溪 structure and demo users, one item per
procedure and 司法局, then writes N decided cases over the ten 司法局s and their departments (COPY on PostgreSQL):
处罚 (一般/简易, combined penalties, 罚没金额, 不予处罚, 移送), 许可 (申请/受理/准予/不予), 检查 (some with two
检查对象; 95 % with a completed 检查记录 step), one party per case (two for some inspections); 90 % decided in 2026, the rest in 2025. Then it times, ``--repeat`` times each:

- ``compute(ten 司法局s, 2026, group="agency")`` — the city total over every case (the whole table);
- ``build_data(市司法局, 2026)`` — what 计算/重新计算 of the 市司法局's report does (its own tables + the city total);
- ``compute([红塔区司法局], 2026)`` — one county.

Prints best/median per target and PASS/FAIL against 1 s (the city-wide ones). Always exits 0 (a benchmark
reports; it does not fail CI): a missed target prints FAIL and TARGET MISSED.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benchdb  # noqa: E402 - bench/benchdb.py, next to this script

BENCH_DB = "sanxiang_bench_annual"
TARGET_S = 1.0
BATCH = 20_000
YEAR = 2026
COMBINATIONS: list[list[str]] = [
    ["fine"],
    ["warning"],
    ["fine", "warning"],
    ["fine", "confiscate_income"],
    ["fine", "suspend_license"],
    ["confiscate_property", "other"],
    ["revoke_license", "fine"],
    ["criticism"],
    ["suspend_business", "fine", "confiscate_income"],
    ["other"],
]


def setup_database() -> tuple[str, Callable[[], None]]:
    return benchdb.scratch("sanxiang-bench-annual-", BENCH_DB)


def _django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "sanxiang.settings"
    import django

    django.setup()


def write_rows(model: Any, rows: Iterable[dict[str, Any]], *, with_pk: bool = False) -> int:
    """Bulk-write ``rows`` (attname → value; every other column gets the field's default) by COPY on PostgreSQL,
    executemany on SQLite."""
    from django.db import connection, transaction
    from django.db.models import JSONField

    now = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = f.get_default()
    json_fields = {f.attname for f in fields if isinstance(f, JSONField)}
    table = model._meta.db_table
    pg = connection.vendor == "postgresql"
    count = 0

    def values(row: dict[str, Any]) -> tuple[Any, ...]:
        out = []
        for f in fields:
            value = row.get(f.attname, defaults[f.attname])
            if f.attname in json_fields:
                value = json.dumps(value, ensure_ascii=False)
            elif not pg:
                value = f.get_db_prep_value(value, connection, prepared=False)
            out.append(value)
        return tuple(out)

    it = iter(rows)
    while True:
        batch = [values(r) for r in itertools.islice(it, BATCH)]
        if not batch:
            break
        with transaction.atomic(), connection.cursor() as cursor:
            if pg:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", batch)  # noqa: S608
        count += len(batch)
    return count


def load(n: int) -> dict[str, Any]:
    from django.db import connection

    from accounts.models import User
    from cases.models import Case, CaseStep, Party
    from catalog.models import Item
    from core.models import Agency
    from org import demo
    from org.models import Department

    bureau = demo.load_structure()
    demo.load_users()
    user = User.objects.get(username="zhangsan")
    bureaus = list(Agency.objects.filter(is_supervision_body=True).order_by("id"))
    depts: dict[int, list[int]] = {}
    items: dict[tuple[int, str], int] = {}
    categories = {"penalty_general": "penalty", "penalty_simple": "penalty", "licensing": "licensing"}
    for agency in bureaus:
        depts[agency.id] = list(
            Department.objects.filter(agency=agency, is_enforcing=True).values_list("id", flat=True)
        ) or list(Department.objects.filter(agency=agency).values_list("id", flat=True))
        for procedure in ("penalty_general", "licensing", "inspection"):
            item = Item.objects.create(
                agency=agency,
                department_id=depts[agency.id][0],
                code=f"BENCH-{agency.id}-{procedure}",
                name=f"基准事项{procedure}",
                category=categories.get(procedure, "inspection"),
                procedure=procedure,
            )
            items[(agency.id, procedure)] = item.id
    items.update({(a.id, "penalty_simple"): items[(a.id, "penalty_general")] for a in bureaus})

    rng = random.Random(20261129)
    start_id = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    inspections: list[tuple[int, date, int]] = []

    def cases() -> Iterator[dict[str, Any]]:
        for i in range(n):
            agency = bureaus[i % len(bureaus)]
            dept = depts[agency.id][(i // len(bureaus)) % len(depts[agency.id])]
            r = rng.random()
            year = YEAR if rng.random() < 0.9 else YEAR - 1
            day = date.fromordinal(date(year, 1, 1).toordinal() + rng.randrange(330))
            row: dict[str, Any] = {
                "id": start_id + i,
                "agency_id": agency.id,
                "department_id": dept,
                "number": f"{agency.short_name}基准〔{year}〕{i}号",
                "title": "基准案件",
                "current_step": "close",
                "current_step_name": "结案归档",
                "status": "closed",
                "created_by_id": user.id,
                "decided_on": day,
                "filed_on": day - timedelta(days=5),
            }
            if r < 0.35:
                outcome = rng.choices(["penalty", "no_penalty", "transfer"], [90, 8, 2])[0]
                types = rng.choice(COMBINATIONS) if outcome == "penalty" else []
                row |= {
                    "procedure": "penalty_general",
                    "outcome": outcome,
                    "penalty_types": types,
                    "fine_amount": Decimal(rng.randrange(100, 50_000)) if "fine" in types else None,
                    "confiscation_amount": Decimal(rng.randrange(0, 9_000))
                    if any(t.startswith("confiscate") for t in types)
                    else None,
                    "outcome_text": "依法减轻处罚" if rng.random() < 0.03 else "依法给予行政处罚",
                }
            elif r < 0.5:
                types = rng.choice([["warning"], ["fine"]])
                row |= {
                    "procedure": "penalty_simple",
                    "outcome": "penalty",
                    "penalty_types": types,
                    "fine_amount": Decimal(rng.randrange(10, 200)) if types == ["fine"] else None,
                }
            elif r < 0.75:
                row |= {
                    "procedure": "licensing",
                    "outcome": rng.choices(["grant", "refuse"], [9, 1])[0],
                    "received_on": day - timedelta(days=7),
                }
            else:
                row |= {
                    "procedure": "inspection",
                    "outcome": rng.choice(["no_problem", "rectify", "to_penalty"]),
                }
                inspections.append((start_id + i, day, 2 if rng.random() < 0.1 else 1))
            row["item_id"] = items[(agency.id, row["procedure"])]
            yield row

    t0 = time.perf_counter()
    written = write_rows(Case, cases(), with_pk=True)
    moment = datetime(YEAR, 6, 1, 1, 0, tzinfo=UTC)

    def parties() -> Iterator[dict[str, Any]]:
        # Every case has its party (当事人/申请人/检查对象); some inspections check two objects.
        objects = {case_id: count for case_id, _day, count in inspections}
        for case_id in range(start_id, start_id + written):
            for k in range(objects.get(case_id, 1)):
                yield {
                    "case_id": case_id,
                    "kind": "legal_person" if case_id % 3 else "citizen",
                    "name": f"当事人{case_id}-{k}",
                    "order": k,
                }

    def steps() -> Iterator[dict[str, Any]]:
        for case_id, day, _objects in inspections:
            complete = rng.random() < 0.95
            yield {
                "case_id": case_id,
                "seq": 6,
                "step_id": "record",
                "name": "制作检查记录",
                "entered_at": moment,
                "entered_on": day,
                "completed_at": moment if complete else None,
                "completed_on": day if complete else None,
            }

    n_parties = write_rows(Party, parties())
    n_steps = write_rows(CaseStep, steps())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM cases_case))",
                [Case._meta.db_table],
            )
            for model in (Case, Party, CaseStep):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        else:
            cursor.execute("ANALYZE")
    print(
        f"wrote {written} cases, {n_parties} parties, {n_steps} 检查记录 steps in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    return {
        "bureau": bureau,
        "bureaus": [a.id for a in bureaus],
        "hongta": Agency.objects.get(short_name="红司"),
    }


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases", type=int, default=None, help="default 1,000,000 (PostgreSQL) / 100,000 (SQLite)"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the bench database and stop after loading")
    args = parser.parse_args()
    label, cleanup = setup_database()
    pg = bool(os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")))
    n = args.cases or (1_000_000 if pg else 100_000)
    try:
        _django()
        from django.core.management import call_command

        from publicity import annual, annual_actions

        print(f"数据库 / database: {label}; {n} cases", flush=True)
        call_command("migrate", verbosity=0)
        world = load(n)
        if args.keep:
            print(f"kept: DATABASE_URL={os.environ.get('DATABASE_URL', '')}")
            os._exit(0)
        targets = {
            "city total (10 司法局s, all cases)": (
                lambda: annual.compute(world["bureaus"], YEAR, group="agency"),
                True,
            ),
            "市司法局 report (own + city total)": (
                lambda: annual_actions.build_data(world["bureau"], YEAR),
                True,
            ),
            "one county (红塔区司法局)": (lambda: annual.compute([world["hongta"].id], YEAR), False),
        }
        missed = False
        for name, (fn, counted) in targets.items():
            times, result = timed(fn, args.repeat)
            best, median = min(times), statistics.median(times)
            data = result["city"] if "own" in result else result
            penalty = data["tables"]["penalty"]["total"]
            inspections = data["tables"]["inspection"]["total"]["inspections"]
            ok = median < TARGET_S
            verdict = ("PASS" if ok else "FAIL") if counted else "info"
            if counted and not ok:
                missed = True
            print(
                f"{name}: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms over {args.repeat} runs "
                f"(target < {TARGET_S:.0f} s) {verdict}; 处罚 {penalty['total']} 宗, 罚没 {penalty['amount']} 元, "
                f"检查 {inspections} 次",
                flush=True,
            )
        if missed and pg:
            print("TARGET MISSED: annual computation over 1,000,000 cases < 1 s")
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()


if __name__ == "__main__":
    main()
