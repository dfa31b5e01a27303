"""Content-addressed blob store for evidence, issued 文书 and 电子案卷 (design.md: evidence is immutable).

A file enters the store once, through :func:`ingest` (an iterable of byte chunks) or :func:`ingest_path` (a file
already on disk, e.g. the part file of a resumable upload). In the one pass that reads the bytes, SHA-256 and SM3
(GB/T 32905-2016, OpenSSL through hashlib) are both updated; the name in storage is derived from the SHA-256:
``blobs/ab/cd/<sha256>``. The same content is stored once: an existing ``Blob`` row is reused.

Storage goes through Django's storage API (``storages["evidence"]``, looked up at every call so tests and
settings overrides apply). FileSystemStorage has a fast path: the temporary file lives in ``tmp/`` under the
storage location (same filesystem), is fsync'ed and renamed into place with ``os.replace``; any other storage
gets ``storage.save`` from the temporary file (kept under ``VAR_DIR/evidence-tmp``).

Failure handling (``docs/evidence.md``):

- an exception while reading the chunks (a dropped upload, a crash) removes the temporary file and creates no
  ``Blob`` row;
- the ``Blob`` row is created inside the caller's transaction. If that transaction rolls back after the file was
  renamed into place, the file has no row: :func:`cleanup_on_rollback` (used by ``evidence.actions``) removes
  such files at once, and :func:`find_orphans` / :func:`remove_orphans` (``manage.py verify_evidence
  --remove-orphans``) find any left by other callers.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any, TypeGuard

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

import core.hashing  # noqa: F401  (refuses to import without OpenSSL SM3)
from evidence.models import Blob

CHUNK_SIZE = 1024 * 1024  # bytes per read/hash/write step: memory stays bounded whatever the file size
BLOB_PREFIX = "blobs"
TMP_DIR = "tmp"
# Below this size the second hashing thread costs more than it saves.
PARALLEL_MIN_BYTES = 8 * CHUNK_SIZE
QUEUE_DEPTH = 8  # chunks waiting for the SM3 thread (≤ 8 MiB)


def storage() -> Storage:
    """The evidence storage, looked up now (never cached at import)."""
    return storages["evidence"]


def blob_name(sha256: str) -> str:
    return f"{BLOB_PREFIX}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _is_fs(store: Storage) -> TypeGuard[FileSystemStorage]:
    return isinstance(store, FileSystemStorage)


def tmp_dir(store: Storage | None = None) -> Path:
    """Private directory for temporary and part files: on the same filesystem as the blobs when possible."""
    store = store or storage()
    path = Path(store.location) / TMP_DIR if _is_fs(store) else Path(settings.VAR_DIR) / "evidence-tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- hashing ------------------------------------------------------------------------------------------


type _Chunk = bytes | memoryview


class _Worker:
    """A thread applying ``work`` to chunks in order, fed through a bounded queue (QUEUE_DEPTH chunks); the first
    error is kept and raised by :meth:`stop` (and by :meth:`put` once seen)."""

    def __init__(self, work: Any, name: str) -> None:
        self._work = work
        self._queue: queue.Queue[_Chunk | None] = queue.Queue(maxsize=QUEUE_DEPTH)
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            if self.error is None:
                try:
                    self._work(chunk)
                except BaseException as exc:  # raised in the calling thread
                    self.error = exc

    def put(self, chunk: _Chunk) -> None:
        if self.error is not None:
            raise self.error
        self._queue.put(chunk)

    def stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self.error is not None:
            raise self.error


class _Hasher:
    """SHA-256 and SM3 over the same bytes, and optionally the write of those bytes (``sink``).

    hashlib releases the GIL on large updates, so once the input passes PARALLEL_MIN_BYTES, SM3 (the slowest
    step) runs in a thread of its own and the write in another, each fed through a bounded queue (memory stays
    bounded; the threads absorb each other's jitter), while the calling thread does SHA-256."""

    def __init__(self, sink: Any = None, parallel_after: int = PARALLEL_MIN_BYTES) -> None:
        self.sha256 = hashlib.sha256()
        self.sm3 = hashlib.new("sm3")
        self.size = 0
        self._sink = sink
        self._parallel_after = parallel_after
        self._workers: list[_Worker] = []
        self._sm3_worker: _Worker | None = None
        self._sink_worker: _Worker | None = None

    def update(self, chunk: _Chunk) -> None:
        if not self._workers and self.size >= self._parallel_after:
            self._sm3_worker = _Worker(self.sm3.update, "sm3")
            self._workers.append(self._sm3_worker)
            if self._sink is not None:
                self._sink_worker = _Worker(self._sink, "evidence-write")
                self._workers.append(self._sink_worker)
        if self._sm3_worker is not None:
            self._sm3_worker.put(chunk)
        else:
            self.sm3.update(chunk)
        self.sha256.update(chunk)
        if self._sink_worker is not None:
            self._sink_worker.put(chunk)
        elif self._sink is not None:
            self._sink(chunk)
        self.size += len(chunk)

    def finish(self) -> tuple[str, str, int]:
        self.close()
        return self.sha256.hexdigest(), self.sm3.hexdigest(), self.size

    def close(self) -> None:
        """Stop the threads (all of them, even when one failed), then raise the first error."""
        errors = []
        for worker in self._workers:
            try:
                worker.stop()
            except BaseException as exc:
                errors.append(exc)
        self._workers = []
        self._sm3_worker = self._sink_worker = None
        if errors:
            raise errors[0]


def _pieces(chunks: Iterable[bytes]) -> Iterator[bytes | memoryview]:
    """The input in pieces of at most CHUNK_SIZE (a caller handing one huge bytes object is still fed through
    the hashers and the file in fixed steps)."""
    for chunk in chunks:
        if not chunk:
            continue
        if len(chunk) <= CHUNK_SIZE:
            yield chunk
            continue
        view = memoryview(chunk)
        for start in range(0, len(view), CHUNK_SIZE):
            yield view[start : start + CHUNK_SIZE]


def read_chunks(source: IO[bytes], size: int = CHUNK_SIZE) -> Iterator[bytes]:
    while True:
        data = source.read(size)
        if not data:
            return
        yield data


# --- placing files ------------------------------------------------------------------------------------

# Names this thread renamed into place and whose Blob rows are not committed yet (see cleanup_on_rollback).
_local = threading.local()


def _placed_log() -> list[str] | None:
    return getattr(_local, "placed", None)


def _place(store: Storage, temp: str, name: str, *, link: bool = False) -> tuple[str, bool]:
    """Put the file ``temp`` at ``name`` (renamed, or hard-linked with ``link`` so the source stays).
    Returns (storage name, whether this call created the file)."""
    if _is_fs(store):
        target = Path(store.path(name))
        if target.exists():
            return name, False
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = getattr(store, "file_permissions_mode", None)
        if mode is not None:
            os.chmod(temp, mode)
        if link:
            try:
                os.link(temp, target)
            except FileExistsError:
                return name, False
        else:
            os.replace(temp, target)
        with contextlib.suppress(OSError):  # make the rename itself durable
            fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return name, True
    if store.exists(name):
        return name, False
    with open(temp, "rb") as source:
        saved = store.save(name, File(source, name=os.path.basename(name)))
    return saved, True


def _remove_quietly(path: str | None) -> None:
    if path:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _commit_blob(
    store: Storage, temp: str, sha256: str, sm3: str, size: int, content_type: str, *, link: bool = False
) -> Blob:
    """Reuse the Blob of this content or create it (race-safe), putting the file ``temp`` into place."""
    existing = Blob.objects.filter(sha256=sha256).first()
    if existing is not None:
        if not store.exists(existing.storage_name):
            # The row survived but its file was lost: the same bytes restore it.
            _place(store, temp, existing.storage_name, link=link)
        return existing
    name, created = _place(store, temp, blob_name(sha256), link=link)
    if created:
        log = _placed_log()
        if log is not None:
            log.append(name)
    try:
        with transaction.atomic():
            return Blob.objects.create(
                sha256=sha256, sm3=sm3, size=size, storage_name=name, content_type=content_type[:100]
            )
    except IntegrityError:
        # Another transaction stored the same content meanwhile: theirs is the row (same bytes, same name).
        return Blob.objects.get(sha256=sha256)


def ingest(chunks: Iterable[bytes], *, content_type: str = "") -> Blob:
    """Store the bytes of ``chunks``: hash (SHA-256 + SM3) while writing, in bounded memory; return the Blob.

    If iterating ``chunks`` raises, the temporary file is removed and nothing is recorded.
    """
    store = storage()
    fd, temp = tempfile.mkstemp(dir=tmp_dir(store), prefix="ingest-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:  # buffered: a large write is retried until complete
            sha256, sm3, size = _hash_into(_pieces(chunks), out)
            out.flush()
            os.fsync(out.fileno())
        return _commit_blob(store, temp, sha256, sm3, size, content_type)
    finally:
        _remove_quietly(temp)


def _hash_into(pieces: Iterable[_Chunk], out: IO[bytes] | None) -> tuple[str, str, int]:
    """Hash ``pieces`` (and write them to ``out``); the worker threads are stopped whatever happens."""
    hasher = _Hasher(sink=out.write if out is not None else None)
    try:
        for piece in pieces:
            hasher.update(piece)
    except BaseException:
        with contextlib.suppress(BaseException):
            hasher.close()
        raise
    return hasher.finish()


def ingest_path(
    path: str | os.PathLike[str],
    *,
    content_type: str = "",
    keep_source: bool = False,
    digests: tuple[str, str, int] | None = None,
) -> Blob:
    """Store a file already on disk (an upload's part file) without copying it when the storage is a
    FileSystemStorage on the same filesystem: one read pass hashes it (or ``digests`` from :func:`hash_file`
    done earlier, outside the transaction), then it is renamed into place, or hard-linked with ``keep_source``
    (the caller removes the source once its transaction commits, so a rollback can be retried). Other storages
    get the file through ``storage.save``. Without ``keep_source`` the source is gone afterwards, whatever
    happens."""
    store = storage()
    source = os.fspath(path)
    temp = source
    try:
        if _is_fs(store) and _same_device(source, tmp_dir(store)):
            sha256, sm3, size = digests or hash_file(source)
        elif _is_fs(store):
            with open(source, "rb") as src:
                temp, (sha256, sm3, size) = _copy_into_tmp(store, src)
        else:
            sha256, sm3, size = digests or hash_file(source)
        return _commit_blob(store, temp, sha256, sm3, size, content_type, link=keep_source and temp == source)
    finally:
        if temp != source:
            _remove_quietly(temp)
        if not keep_source:
            _remove_quietly(source)


def _copy_into_tmp(store: Storage, src: IO[bytes]) -> tuple[str, tuple[str, str, int]]:
    """Copy ``src`` into a new temporary file while hashing it; returns (path, digests)."""
    fd, temp = tempfile.mkstemp(dir=tmp_dir(store), prefix="ingest-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            digests = _hash_into(read_chunks(src), out)
            out.flush()
            os.fsync(out.fileno())
        return temp, digests
    except BaseException:
        _remove_quietly(temp)
        raise


def _same_device(a: str, b: Path) -> bool:
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def hash_file(path: str | os.PathLike[str]) -> tuple[str, str, int]:
    """SHA-256, SM3 and size of a file, read once in CHUNK_SIZE steps."""
    with open(path, "rb", buffering=0) as source:
        return _hash_into(read_chunks(source), None)


def hash_stream(source: IO[bytes]) -> tuple[str, str, int]:
    return _hash_into(read_chunks(source), None)


# --- rollback cleanup ---------------------------------------------------------------------------------


@contextlib.contextmanager
def cleanup_on_rollback() -> Iterator[None]:
    """Run a transaction that ingests files: if it fails, remove the files it renamed into place whose Blob
    rows did not survive. Use as ``with cleanup_on_rollback(), transaction.atomic(): ...``."""
    outer = _placed_log()
    placed: list[str] = []
    _local.placed = placed
    try:
        yield
    except BaseException:
        _local.placed = outer
        _remove_unreferenced(placed)
        raise
    else:
        _local.placed = outer
        if outer is not None:
            outer.extend(placed)  # still uncommitted until the outer block ends


def _remove_unreferenced(names: list[str]) -> None:
    if not names:
        return
    store = storage()
    try:
        kept = set(Blob.objects.filter(storage_name__in=names).values_list("storage_name", flat=True))
    except DatabaseError:
        # The connection is inside a transaction that failed (cleanup_on_rollback used within an atomic block
        # instead of around it): leave the files to verify_evidence --remove-orphans.
        return
    for name in names:
        if name not in kept:
            with contextlib.suppress(FileNotFoundError):
                store.delete(name)


# --- reading and verifying ----------------------------------------------------------------------------


def open_blob(blob: Blob) -> IO[bytes]:
    """The blob's bytes, opened for reading (seekable on FileSystemStorage)."""
    store = storage()
    if _is_fs(store):
        return open(store.path(blob.storage_name), "rb")
    return store.open(blob.storage_name, "rb")  # type: ignore[return-value]


def blob_path(blob: Blob) -> str | None:
    """Local path of the blob's file (FileSystemStorage), else None."""
    store = storage()
    return store.path(blob.storage_name) if _is_fs(store) else None


@dataclass
class BlobCheck:
    blob: Blob
    ok: bool
    problem: str  # "" | "missing" | "mismatch"
    detail: str


def check_blob(blob: Blob, *, record: bool = True) -> BlobCheck:
    """Re-hash the stored bytes (SHA-256 and SM3, one pass) and compare with the row."""
    store = storage()
    try:
        with open_blob(blob) as source:
            sha256, sm3, size = hash_stream(source)
    except (FileNotFoundError, OSError) as exc:
        if store.exists(blob.storage_name) and not isinstance(exc, FileNotFoundError):
            result = BlobCheck(blob, False, "unreadable", f"文件无法读取：{exc}")
        else:
            result = BlobCheck(blob, False, "missing", "文件缺失（存储中找不到该文件）")
    else:
        problems = []
        if size != blob.size:
            problems.append(f"大小应为 {blob.size} 字节，实际 {size} 字节")
        if sha256 != blob.sha256:
            problems.append(f"SHA-256 应为 {blob.sha256}，实际 {sha256}")
        if sm3 != blob.sm3:
            problems.append(f"SM3 应为 {blob.sm3}，实际 {sm3}")
        if problems:
            result = BlobCheck(blob, False, "mismatch", "；".join(problems))
        else:
            result = BlobCheck(blob, True, "", "一致")
    if record:
        now = timezone.now()
        Blob.objects.filter(pk=blob.pk).update(last_verified_at=now, last_verified_ok=result.ok)
        blob.last_verified_at, blob.last_verified_ok = now, result.ok
    return result


def verify_blob(blob: Blob) -> bool:
    """Re-hash the blob and record the result (last_verified_at/ok). True when both hashes and size match."""
    return check_blob(blob).ok


# --- orphans ------------------------------------------------------------------------------------------


def iter_blob_files(store: Storage | None = None) -> Iterator[str]:
    """Storage names of every file under blobs/ (walks the two-level fan-out)."""
    store = store or storage()
    if not store.exists(BLOB_PREFIX) and _is_fs(store):
        return
    try:
        level1, _ = store.listdir(BLOB_PREFIX)
    except (FileNotFoundError, NotImplementedError):
        return
    for a in sorted(level1):
        level2, _ = store.listdir(f"{BLOB_PREFIX}/{a}")
        for b in sorted(level2):
            _dirs, files = store.listdir(f"{BLOB_PREFIX}/{a}/{b}")
            for name in sorted(files):
                yield f"{BLOB_PREFIX}/{a}/{b}/{name}"


def find_orphans(grace: timedelta = timedelta(hours=1)) -> list[str]:
    """Files under blobs/ that no Blob row names, older than ``grace`` (younger ones may belong to a
    transaction still running)."""
    store = storage()
    cutoff = timezone.now() - grace
    orphans = []
    batch: list[str] = []

    def flush() -> None:
        known = set(Blob.objects.filter(storage_name__in=batch).values_list("storage_name", flat=True))
        for name in batch:
            if name in known:
                continue
            try:
                modified = store.get_modified_time(name)
            except (FileNotFoundError, NotImplementedError):
                continue
            if modified <= cutoff:
                orphans.append(name)
        batch.clear()

    for name in iter_blob_files(store):
        batch.append(name)
        if len(batch) >= 500:
            flush()
    if batch:
        flush()
    return orphans


def remove_orphans(grace: timedelta = timedelta(hours=1)) -> list[str]:
    """Delete the files :func:`find_orphans` reports (checked again just before each deletion)."""
    store = storage()
    removed = []
    for name in find_orphans(grace):
        if Blob.objects.filter(storage_name=name).exists():
            continue
        with contextlib.suppress(FileNotFoundError):
            store.delete(name)
            removed.append(name)
    return removed


def remove_stale_temp(grace: timedelta = timedelta(days=1)) -> list[str]:
    """Temporary ingest files older than ``grace`` left by a process killed mid-ingest (kill -9)."""
    cutoff = (timezone.now() - grace).timestamp()
    removed = []
    for path in tmp_dir().glob("ingest-*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime <= cutoff:
                path.unlink()
                removed.append(str(path))
    return removed
