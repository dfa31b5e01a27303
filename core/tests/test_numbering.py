"""Document numbers: 玉司罚决〔2026〕1号 — per agency, prefix and year; gapless, never reused (regulations.md §4.4)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from cases.models import DocumentSequence
from core.errors import SanxiangError
from core.models import Agency
from core.numbering import format_number, next_number


def test_format_number() -> None:
    assert format_number("玉司", "罚决", 2026, 1) == "玉司罚决〔2026〕1号"
    assert format_number("红司", "案", 2027, 12) == "红司案〔2027〕12号"


@pytest.mark.django_db
def test_sequences_are_per_agency_prefix_and_year(yuxi) -> None:
    hongta = Agency.objects.get(short_name="红司")
    assert next_number(yuxi, "罚决", 2026) == "玉司罚决〔2026〕1号"
    assert next_number(yuxi, "罚决", 2026) == "玉司罚决〔2026〕2号"
    assert next_number(hongta, "罚决", 2026) == "红司罚决〔2026〕1号"  # 红塔区 has its own sequence
    assert next_number(yuxi, "罚告", 2026) == "玉司罚告〔2026〕1号"  # each 文书类别 its own
    assert next_number(yuxi, "罚决", 2027) == "玉司罚决〔2027〕1号"  # a new year starts at 1
    assert next_number(yuxi, "罚决", 2026) == "玉司罚决〔2026〕3号"
    assert DocumentSequence.objects.get(agency=yuxi, prefix="罚决", year=2026).last == 3


@pytest.mark.django_db
def test_a_rolled_back_transaction_does_not_consume_its_number(yuxi) -> None:
    assert next_number(yuxi, "立", 2026) == "玉司立〔2026〕1号"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number(yuxi, "立", 2026) == "玉司立〔2026〕2号"
        raise RuntimeError("the document failed to issue")
    assert next_number(yuxi, "立", 2026) == "玉司立〔2026〕2号"  # not skipped


@pytest.mark.django_db
def test_a_rolled_back_first_use_leaves_no_sequence(yuxi) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number(yuxi, "听通", 2026)
        raise RuntimeError
    assert not DocumentSequence.objects.filter(agency=yuxi, prefix="听通").exists()
    assert next_number(yuxi, "听通", 2026) == "玉司听通〔2026〕1号"


@pytest.mark.django_db
def test_agency_without_short_name_is_refused(yuxi) -> None:
    yuxi.short_name = ""
    with pytest.raises(SanxiangError, match="文书简称"):
        next_number(yuxi, "罚决", 2026)


def _run_threads(
    agency_id: int, prefix: str, threads: int, per_thread: int
) -> tuple[list[str], list[BaseException]]:
    barrier = threading.Barrier(threads)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            agency = Agency.objects.get(pk=agency_id)
            barrier.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    n = next_number(agency, prefix, 2026)
                with lock:
                    numbers.append(n)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return numbers, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_get_every_number_exactly_once(yuxi) -> None:
    """8 threads × 10 numbers, the sequence row created by the race itself: exactly 1..80, no duplicate."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite test databases live in shared-cache memory, where a second writer fails at once with "
            "'table is locked' instead of waiting; row locks need PostgreSQL"
        )
    numbers, errors = _run_threads(yuxi.pk, "罚决", 8, 10)
    assert not errors, errors
    assert len(numbers) == 80
    assert sorted(numbers, key=lambda s: int(s.split("〕")[1].rstrip("号"))) == [
        f"玉司罚决〔2026〕{i}号" for i in range(1, 81)
    ]
    assert DocumentSequence.objects.get(agency=yuxi, prefix="罚决", year=2026).last == 80


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_rollbacks_leave_no_gap(yuxi) -> None:
    """Half the transactions roll back after taking a number: the committed numbers are still 1..N."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrency need PostgreSQL (see above)")
    barrier = threading.Barrier(4)
    kept: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        try:
            agency = Agency.objects.get(pk=yuxi.pk)
            barrier.wait()
            for i in range(10):
                try:
                    with transaction.atomic():
                        n = next_number(agency, "送", 2026)
                        if (index + i) % 2:
                            raise RuntimeError("rolled back")
                except RuntimeError:
                    continue
                with lock:
                    kept.append(int(n.split("〕")[1].rstrip("号")))
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors, errors
    assert sorted(kept) == list(range(1, len(kept) + 1))
    assert len(kept) == 20
