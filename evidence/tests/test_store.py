"""The content-addressed store: one-pass SHA-256 + SM3, dedup, no half-written files, verification."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction

from evidence import store
from evidence.models import Blob

# GB/T 32905-2016 appendix A example 1.
SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def _files(root: Path, sub: str) -> list[Path]:
    base = root / sub
    return [p for p in base.rglob("*") if p.is_file()] if base.exists() else []


@pytest.mark.django_db
def test_hashes_match_hashlib_on_known_data(evidence_tmp: Path) -> None:
    blob = store.ingest([b"a", b"bc"], content_type="text/plain")
    assert blob.sm3 == SM3_ABC
    assert blob.sha256 == hashlib.sha256(b"abc").hexdigest()
    assert blob.size == 3
    assert (evidence_tmp / store.blob_name(blob.sha256)).read_bytes() == b"abc"
    assert blob.storage_name == f"blobs/{blob.sha256[:2]}/{blob.sha256[2:4]}/{blob.sha256}"


@pytest.mark.django_db
def test_large_input_hashed_in_parallel_still_matches(evidence_tmp: Path) -> None:
    # > PARALLEL_MIN_BYTES, odd chunk sizes and one oversized chunk that must be cut into CHUNK_SIZE pieces.
    data = os.urandom(3 * 1024 * 1024 + 7) + bytes(range(256)) * 40000
    chunks = [data[:1000], data[1000 : 1000 + 9 * 1024 * 1024], data[1000 + 9 * 1024 * 1024 :]]
    blob = store.ingest(chunks)
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.sm3 == hashlib.new("sm3", data).hexdigest()
    assert blob.size == len(data)
    assert store.hash_file(evidence_tmp / blob.storage_name) == (blob.sha256, blob.sm3, len(data))


@pytest.mark.django_db
def test_same_content_is_stored_once(evidence_tmp: Path) -> None:
    first = store.ingest([b"same bytes"])
    second = store.ingest([b"same ", b"bytes"])
    assert first.pk == second.pk
    assert Blob.objects.count() == 1
    assert len(_files(evidence_tmp, "blobs")) == 1
    assert _files(evidence_tmp, "tmp") == []


@pytest.mark.django_db
def test_exception_inside_chunk_iterator_leaves_nothing(evidence_tmp: Path) -> None:
    def chunks():
        yield b"x" * (2 * 1024 * 1024)
        raise ConnectionError("client went away")

    with pytest.raises(ConnectionError):
        store.ingest(chunks())
    assert Blob.objects.count() == 0
    assert _files(evidence_tmp, "tmp") == []
    assert _files(evidence_tmp, "blobs") == []


@pytest.mark.django_db
def test_rollback_after_ingest_leaves_an_orphan_that_reconciliation_removes(evidence_tmp: Path) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        blob = store.ingest([b"rolled back"])
        path = evidence_tmp / blob.storage_name
        assert path.exists()
        raise RuntimeError("caller failed after ingest")
    assert not Blob.objects.filter(sha256=hashlib.sha256(b"rolled back").hexdigest()).exists()
    assert store.find_orphans(grace=timedelta(0)) == [blob.storage_name]
    assert store.find_orphans(grace=timedelta(hours=1)) == []  # may still belong to a running transaction
    assert store.remove_orphans(grace=timedelta(0)) == [blob.storage_name]
    assert not path.exists()
    assert store.find_orphans(grace=timedelta(0)) == []


@pytest.mark.django_db
def test_cleanup_on_rollback_removes_the_file_at_once(evidence_tmp: Path) -> None:
    kept = store.ingest([b"committed before"])
    with pytest.raises(RuntimeError), store.cleanup_on_rollback(), transaction.atomic():
        store.ingest([b"committed before"])  # existing blob: not this block's file
        blob = store.ingest([b"new in this block"])
        raise RuntimeError("refused")
    assert not (evidence_tmp / blob.storage_name).exists()
    assert (evidence_tmp / kept.storage_name).exists()
    assert store.find_orphans(grace=timedelta(0)) == []


@pytest.mark.django_db
def test_ingest_path_moves_without_copy_or_keeps_source(evidence_tmp: Path) -> None:
    part = store.tmp_dir() / "x.part"
    part.write_bytes(b"part file bytes")
    blob = store.ingest_path(part, content_type="video/mp4")
    assert not part.exists()
    assert (evidence_tmp / blob.storage_name).read_bytes() == b"part file bytes"
    assert blob.content_type == "video/mp4"
    other = store.tmp_dir() / "y.part"
    other.write_bytes(b"kept source")
    blob2 = store.ingest_path(other, keep_source=True)
    assert other.exists()
    assert (evidence_tmp / blob2.storage_name).read_bytes() == b"kept source"


@pytest.mark.django_db
def test_lost_file_of_existing_blob_is_restored_by_the_same_bytes(evidence_tmp: Path) -> None:
    blob = store.ingest([b"precious"])
    (evidence_tmp / blob.storage_name).unlink()
    assert store.check_blob(blob).problem == "missing"
    assert store.ingest([b"precious"]).pk == blob.pk
    assert store.verify_blob(blob)


@pytest.mark.django_db
def test_verify_blob_detects_tampering_and_records_it(evidence_tmp: Path) -> None:
    blob = store.ingest([b"original content"])
    assert store.verify_blob(blob) is True
    blob.refresh_from_db()
    assert blob.last_verified_ok is True and blob.last_verified_at is not None
    path = evidence_tmp / blob.storage_name
    path.write_bytes(b"original c0ntent")  # same size, one byte changed
    result = store.check_blob(blob)
    assert not result.ok and result.problem == "mismatch"
    assert "SHA-256" in result.detail and "SM3" in result.detail
    blob.refresh_from_db()
    assert blob.last_verified_ok is False


@pytest.mark.django_db
def test_generic_storage_goes_through_storage_save(settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    blob = store.ingest([b"in memory"])
    assert store.storage().exists(blob.storage_name)
    with store.open_blob(blob) as f:
        assert f.read() == b"in memory"
    assert store.verify_blob(blob)
    assert store.ingest([b"in memory"]).pk == blob.pk
    assert list((tmp_path / "var" / "evidence-tmp").iterdir()) == []


@pytest.mark.django_db
def test_concurrent_insert_of_the_same_content_reuses_the_winners_row(
    evidence_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another transaction commits the same content between our lookup and our insert: IntegrityError is
    caught (inside a savepoint) and the winner's row returned."""
    data = b"raced content"
    real_place = store._place

    def place_then_race(*args: object, **kwargs: object) -> tuple[str, bool]:
        result = real_place(*args, **kwargs)  # type: ignore[arg-type]
        Blob.objects.create(
            sha256=hashlib.sha256(data).hexdigest(),
            sm3=hashlib.new("sm3", data).hexdigest(),
            size=len(data),
            storage_name=store.blob_name(hashlib.sha256(data).hexdigest()),
        )
        return result

    monkeypatch.setattr(store, "_place", place_then_race)
    with transaction.atomic():
        blob = store.ingest([data])
    assert Blob.objects.filter(sha256=blob.sha256).count() == 1
    assert (evidence_tmp / blob.storage_name).read_bytes() == data


def test_write_error_in_the_writer_thread_is_raised_and_threads_stop() -> None:
    import threading

    class DiskFull:
        def __init__(self) -> None:
            self.written = 0

        def write(self, chunk: bytes) -> None:
            self.written += len(chunk)
            if self.written > 12 * store.CHUNK_SIZE:
                raise OSError(28, "No space left on device")

    before = threading.active_count()
    pieces = (b"\0" * store.CHUNK_SIZE for _ in range(40))
    with pytest.raises(OSError, match="No space"):
        store._hash_into(pieces, DiskFull())  # type: ignore[arg-type]
    assert threading.active_count() == before
