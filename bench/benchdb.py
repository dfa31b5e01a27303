"""The scratch database every benchmark measures in (imported by the bench_*.py scripts, which run from bench/).

A benchmark never writes into the database ``bench/run_all.py`` hands it: on PostgreSQL it makes its own database
(template0, UTF8, C.UTF-8 — pg_trgm yields nothing for Chinese under ``C``) and drops it afterwards; on SQLite the
database file goes to the benchmark's ``SANXIANG_VAR_DIR``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import urlparse, urlunparse


def pg_admin(url: str, sql: str) -> None:
    """Run one statement on the server of ``url`` through its ``postgres`` maintenance database (autocommit)."""
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def use_scratch_database(name: str) -> Callable[[], None] | None:
    """Point ``DATABASE_URL`` at a fresh database for this run.

    PostgreSQL (``DATABASE_URL`` is postgres://…): drop and create database ``name`` on that server, point
    ``DATABASE_URL`` at it and return the function that drops it again. SQLite: unset ``DATABASE_URL`` (settings then
    put the database under ``SANXIANG_VAR_DIR``) and return None.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        os.environ.pop("DATABASE_URL", None)
        return None
    pg_admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_admin(
        url,
        f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'",
    )
    os.environ["DATABASE_URL"] = urlunparse(urlparse(url)._replace(path=f"/{name}"))

    def drop() -> None:
        pg_admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return drop


def scratch(prefix: str, name: str) -> tuple[str, Callable[[], None]]:
    """A temporary ``SANXIANG_VAR_DIR`` (SQLite file, media) plus the scratch database ``name``; returns a label for
    the report and the cleanup that drops both."""
    import shutil
    import tempfile

    tmp = tempfile.mkdtemp(prefix=prefix)
    os.environ["SANXIANG_VAR_DIR"] = tmp
    drop = use_scratch_database(name)

    def cleanup() -> None:
        if drop:
            drop()
        shutil.rmtree(tmp, ignore_errors=True)

    if drop:
        return f"PostgreSQL ({name})", cleanup
    return f"SQLite ({tmp}/sanxiang.sqlite3)", cleanup
