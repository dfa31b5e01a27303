#!/usr/bin/env python
"""Benchmark the 电子案卷 (issue #4: "dossier of 200 pages < 10 s").

    .venv/bin/python bench/bench_dossier.py [--documents 40] [--pages 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_dossier.py

Uses a throwaway database like bench_import.py (SQLite in a temporary SANXIANG_VAR_DIR, or a database
``sanxiang_bench_dossier`` on the PostgreSQL server of DATABASE_URL, dropped at the end); evidence blobs go to the
temporary directory too. It loads the 玉溪 demo structure and users, publishes a penalty 事项, writes a closed case
with N issued 文书 of P pages each (one WeasyPrint-rendered PDF, stored once and reused by every 文书, timed
apart), then measures ``cases.dossier.build_pdf`` end to end (collect, 卷内目录 two passes, cover, 备考表, merge,
page-number stamping, bookmarks, write) and, apart, the whole background task (build + ingest + Dossier row +
audit). Target: build_pdf of the ~200-page volume < 10 s. Always exits 0; a miss prints TARGET MISSED.

WeasyPrint needs HarfBuzz-Subset (Debian ``libharfbuzz-subset0``) to subset the Noto CJK fonts quickly; without
it it falls back to fontTools, which takes seconds per CJK render (the bench then reports a miss).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benchdb  # noqa: E402 - bench/benchdb.py, next to this script

BENCH_DB = "sanxiang_bench_dossier"
TARGET_SECONDS = 10.0


def setup_database() -> tuple[str, Callable[[], None]]:
    tmp = tempfile.mkdtemp(prefix="sanxiang-bench-dossier-")
    os.environ["SANXIANG_VAR_DIR"] = tmp
    os.environ["SANXIANG_EVIDENCE_DIR"] = os.path.join(tmp, "evidence")
    drop = benchdb.use_scratch_database(BENCH_DB)

    def cleanup() -> None:
        if drop:
            drop()
        shutil.rmtree(tmp, ignore_errors=True)

    return (f"PostgreSQL ({BENCH_DB})" if drop else f"SQLite ({tmp}/sanxiang.sqlite3)"), cleanup


def _django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "sanxiang.settings"
    os.environ.pop("SANXIANG_TASKS_IMMEDIATE", None)
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[1])
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--pages", type=int, default=5)
    args = parser.parse_args()
    label, cleanup = setup_database()
    try:
        _django()
        from django.core.management import call_command
        from django.db import connections
        from django.utils import timezone

        from accounts.models import User
        from cases.dossier import build_pdf
        from cases.models import Case, Dossier
        from cases.tests import dossier_helpers as h
        from cases.tests.factories import make_case
        from catalog.tests import factories as item_factories
        from core.models import Agency
        from org import demo

        print(f"数据库 / database: {label}; {args.documents} 文书 × {args.pages} 页", flush=True)
        call_command("migrate", verbosity=0)
        demo.load_structure()
        demo.load_users()
        agency = Agency.objects.get(short_name="玉司")
        zhangsan = User.objects.get(username="zhangsan")
        item = item_factories.published_item(
            User.objects.get(username="kezhang"),
            User.objects.get(username="gongshi"),
            agency,
            item_factories.penalty(),
        )
        case = make_case(zhangsan, item, "penalty_general")

        start = time.perf_counter()
        pdf = h.pdf_pages("行政执法文书正文", args.pages)
        print(
            f"rendered one {args.pages}-page 文书 PDF with WeasyPrint in {time.perf_counter() - start:.2f} s"
        )
        steps = ["file_case", "investigate", "investigation_report", "notify", "decide", "serve", "close"]
        now = timezone.now()
        for i in range(args.documents):
            h.issued_document(
                case,
                zhangsan,
                title=f"文书{i + 1:03d}",
                step_id=steps[i % len(steps)],
                number=f"玉司罚决〔2026〕{i + 1}号",
                pdf=pdf,
                when=now + timedelta(seconds=i),
            )
        case = h.close(case)

        start = time.perf_counter()
        data, _contents, pages = build_pdf(case, None, assembled_by="基准测试")
        seconds = time.perf_counter() - start
        verdict = "PASS" if seconds < TARGET_SECONDS else "FAIL — TARGET MISSED"
        print(
            f"build_pdf: {pages} pages, {len(data) / 1024 / 1024:.1f} MB in {seconds:.2f} s "
            f"({pages / seconds:,.0f} pages/s); target < {TARGET_SECONDS:.0f} s: {verdict}",
            flush=True,
        )

        from cases import tasks
        from cases.actions.dossier import CAPABILITY, KIND
        from core import jobs

        job = jobs.create(
            zhangsan,
            kind=KIND,
            title="基准测试",
            agency_id=agency.pk,
            capability=CAPABILITY,
            params={"case_id": case.pk},
        )
        start = time.perf_counter()
        tasks.build_dossier.call(job.pk)
        task_seconds = time.perf_counter() - start
        job.refresh_from_db()
        stored = Dossier.objects.filter(case=case).count()
        print(
            f"whole task (build + ingest + Dossier row + audit + progress): {task_seconds:.2f} s, "
            f"job {job.status}, {stored} dossier stored (for reference)"
        )
        if job.status != "succeeded":
            print(f"TARGET MISSED: the dossier task did not succeed: {job.message} {job.errors[:3]}")
        assert Case.objects.get(pk=case.pk).status == "closed"
        connections.close_all()
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - django may not be set up yet
            pass
        cleanup()


if __name__ == "__main__":
    main()
