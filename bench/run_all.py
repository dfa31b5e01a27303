"""Run every bench/bench_*.py, first on SQLite and then on PostgreSQL, and print what they report.

``make bench`` runs this with the venv's Python. Each script runs in its own process with:

- ``DATABASE_URL``        SQLite: ``sqlite:///var/bench/bench.sqlite3`` (the demo database is left alone);
                          PostgreSQL: ``$SANXIANG_BENCH_PG_URL`` or ``postgres://postgres@127.0.0.1:5432/sanxiang_bench``,
                          created here (template0, UTF8, C.UTF-8) when missing
- ``SANXIANG_BENCH_DB``   ``sqlite`` or ``postgresql``, for the script's labels
- ``DJANGO_SETTINGS_MODULE=sanxiang.settings`` and the repository root on ``PYTHONPATH``

A script prints its own measurements, ratios and ``TARGET MISSED`` lines; those do not fail the run. The runner
exits non-zero only when a script crashes (non-zero exit) or PostgreSQL cannot be reached.

Usage: ``python bench/run_all.py [--sqlite-only | --pg-only] [name-filter ...]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/sanxiang_bench"


def ensure_pg_database(url: str) -> None:
    """Create the bench database like a production one: ``createdb -T template0 -E UTF8 -l C.UTF-8``."""
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/") or "sanxiang_bench"
    params = {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": parsed.username or "postgres",
        "password": parsed.password or "",
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as conn:  # type: ignore[arg-type]
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'").format(
                sql.Identifier(name)
            )
        )
        print(f"已创建基准测试数据库 / created bench database {name}")


def run(script: Path, label: str, database_url: str) -> tuple[int, float]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SANXIANG_BENCH_DB": label,
        "DJANGO_SETTINGS_MODULE": "sanxiang.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
    }
    print(f"\n==== {script.name} · {label} ====", flush=True)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, check=False)  # noqa: S603
    return result.returncode, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="运行 bench/bench_*.py（先 SQLite 后 PostgreSQL）")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--sqlite-only", action="store_true")
    group.add_argument("--pg-only", action="store_true")
    parser.add_argument("names", nargs="*", help="只运行文件名包含这些字符串的脚本")
    args = parser.parse_args(argv)

    scripts = sorted(BENCH_DIR.glob("bench_*.py"))
    if args.names:
        scripts = [s for s in scripts if any(n in s.name for n in args.names)]
    if not scripts:
        print("bench/ 下没有 bench_*.py 脚本 / no bench scripts to run")
        return 0

    sqlite_path = ROOT / "var" / "bench" / "bench.sqlite3"
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    pg_url = os.environ.get("SANXIANG_BENCH_PG_URL", DEFAULT_PG_URL)
    databases: list[tuple[str, str]] = []
    if not args.pg_only:
        databases.append(("sqlite", f"sqlite:///{sqlite_path}"))
    if not args.sqlite_only:
        try:
            ensure_pg_database(pg_url)
        except Exception as exc:
            print(f"错误：无法连接 PostgreSQL（{pg_url}）：{exc}", file=sys.stderr)
            return 1
        databases.append(("postgresql", pg_url))

    results: list[tuple[str, str, int, float]] = []
    for label, url in databases:
        for script in scripts:
            code, seconds = run(script, label, url)
            results.append((script.name, label, code, seconds))

    print("\n==== 汇总 / summary ====")
    crashed = 0
    for name, label, code, seconds in results:
        state = "ok" if code == 0 else f"崩溃 / CRASHED (exit {code})"
        crashed += code != 0
        print(f"  {name:<32} {label:<11} {seconds:7.1f} s  {state}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
