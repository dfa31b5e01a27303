#!/usr/bin/env python
"""Benchmark evidence ingest (SHA-256 + SM3 in one pass while writing) against ``cp`` and ``openssl dgst -sm3``.

    .venv/bin/python bench/bench_evidence.py [--mb 1024] [--rounds 2]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_evidence.py

Uses a throwaway database of its own (SQLite in a temporary SANXIANG_VAR_DIR, or a PostgreSQL database
``sanxiang_bench_evidence`` on the server of DATABASE_URL, dropped at the end) and a temporary evidence store
under var/bench/ — the same filesystem as the test file. It writes a file of ``--mb`` MiB of random-ish data
(every MiB different), then, per round, times:

- ``cp FILE COPY`` (subprocess);
- ``openssl dgst -sm3 FILE`` (subprocess);
- ``evidence.store.ingest()`` of the file read in 1 MiB chunks, in a fresh child process that runs only the
  ingest and reports its own time and peak RSS (VmHWM). The child removes the blob afterwards (untimed).

The best round of each is reported. Ratio = time of the slower of cp/openssl ÷ ingest time (target ≥ 0.7);
peak RSS of the ingest process target < 100 MB. Always exits 0: a missed target prints TARGET MISSED.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benchdb  # noqa: E402 - bench/benchdb.py, next to this script

BENCH_DB = "sanxiang_bench_evidence"
RATIO_TARGET = 0.7
RSS_TARGET_MB = 100
MIB = 1024 * 1024


def _peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM: ru_maxrss would carry the parent's size across exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _current_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "sanxiang.settings"
    import django

    django.setup()


# --- child: one ingest ----------------------------------------------------------------------------------


def child_ingest(path: str) -> None:
    _django()
    from django.db import connection

    from evidence import store
    from evidence.models import Blob

    with connection.cursor() as cursor:  # connect before measuring
        cursor.execute("SELECT 1")
    store.tmp_dir()
    before = _current_rss_mb()
    start = time.perf_counter()
    with open(path, "rb", buffering=0) as source:
        blob = store.ingest(store.read_chunks(source, store.CHUNK_SIZE))
    seconds = time.perf_counter() - start
    peak = _peak_rss_mb()
    result = {
        "seconds": seconds,
        "rss_before": before,
        "rss_peak": peak,
        "sha256": blob.sha256,
        "sm3": blob.sm3,
    }
    store.storage().delete(blob.storage_name)
    Blob.objects.filter(pk=blob.pk).delete()
    print(json.dumps(result))


def run_child(path: Path) -> dict:
    out = subprocess.run(  # noqa: S603 - this very script, with the same interpreter
        [sys.executable, __file__, "--child-ingest", str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- parent -------------------------------------------------------------------------------------------


def setup(work: Path) -> tuple[str, Callable[[], None]]:
    os.environ["SANXIANG_EVIDENCE_DIR"] = str(work / "evidence")
    os.environ["SANXIANG_VAR_DIR"] = str(work / "var")
    drop = benchdb.use_scratch_database(BENCH_DB)
    if drop:
        return f"PostgreSQL ({BENCH_DB})", drop
    return f"SQLite ({work}/var/sanxiang.sqlite3)", lambda: None


def make_file(path: Path, mib: int) -> None:
    """``mib`` MiB of random-ish data: a 16 MiB random pool, each MiB taken at a different offset and stamped
    with its index, so no two MiB are equal (no block-level shortcut) and generation stays fast."""
    pool = os.urandom(17 * MIB)
    with open(path, "wb") as out:
        for i in range(mib):
            start = (i * 7919 * 4096) % (16 * MIB)
            block = bytearray(pool[start : start + MIB])
            block[:8] = i.to_bytes(8, "little")
            out.write(block)
        out.flush()
        os.fsync(out.fileno())


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - fixed commands
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=1024, help="file size in MiB (default 1024)")
    parser.add_argument("--rounds", type=int, default=2, help="measure each this many times, keep the best")
    parser.add_argument("--child-ingest", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_ingest:
        child_ingest(args.child_ingest)
        return
    base = ROOT / "var" / "bench"
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="evidence-", dir=base))
    label, cleanup = setup(work)
    try:
        _django()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        connections.close_all()
        source = work / "input.bin"
        size = args.mb * MIB
        start = time.perf_counter()
        make_file(source, args.mb)
        print(
            f"数据库 / database: {label}; file {args.mb} MiB written in {time.perf_counter() - start:.1f} s "
            f"({work})",
            flush=True,
        )
        cp_times, sm3_times, runs = [], [], []
        for n in range(1, max(1, args.rounds) + 1):
            copy = work / "copy.bin"
            cp_times.append(timed(["cp", str(source), str(copy)]))
            copy.unlink()
            sm3_times.append(timed(["openssl", "dgst", "-sm3", str(source)]))
            runs.append(run_child(source))
            print(
                f"round {n}: cp {cp_times[-1]:.2f} s, openssl dgst -sm3 {sm3_times[-1]:.2f} s, "
                f"ingest {runs[-1]['seconds']:.2f} s (peak RSS {runs[-1]['rss_peak']:.0f} MB)",
                flush=True,
            )
        report(size, min(cp_times), min(sm3_times), runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        cleanup()


def report(size: int, cp: float, sm3: float, runs: list[dict]) -> None:
    best = min(runs, key=lambda r: r["seconds"])
    peak = max(r["rss_peak"] for r in runs)
    slower, name = (cp, "cp") if cp >= sm3 else (sm3, "openssl dgst -sm3")
    ratio = slower / best["seconds"] if best["seconds"] else 0.0
    mb = size / MIB

    def rate(seconds: float) -> str:
        return f"{mb / seconds:.0f} MB/s" if seconds else "∞"

    print(f"cp:                 {cp:.2f} s ({rate(cp)})")
    print(f"openssl dgst -sm3:  {sm3:.2f} s ({rate(sm3)})")
    print(f"ingest (SHA-256 + SM3 + write + fsync): {best['seconds']:.2f} s ({rate(best['seconds'])})")
    print(
        f"evidence ingest {mb:.0f} MiB: ratio to the slower of cp/openssl ({name}) {ratio:.2f} "
        f"(target ≥ {RATIO_TARGET}); peak RSS {peak:.0f} MB (idle {best['rss_before']:.0f} MB; "
        f"target < {RSS_TARGET_MB} MB)"
    )
    if ratio < RATIO_TARGET:
        print(f"TARGET MISSED: ingest throughput ratio {ratio:.3f} < {RATIO_TARGET}")
    if peak >= RSS_TARGET_MB:
        print(f"TARGET MISSED: ingest peak RSS {peak:.0f} MB ≥ {RSS_TARGET_MB} MB")


if __name__ == "__main__":
    main()
