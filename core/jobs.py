"""Background jobs (imports, exports, reports) and their progress, shown on one progress page.

A view creates a :class:`~core.models.Job` with :func:`create`, saves its input (e.g. an uploaded file in
default storage) and hands the job id to a ``django.tasks`` task with :func:`dispatch`; the task calls
:func:`run`, which marks the job 进行中, passes a :class:`Progress` to the work and ends the job 成功 or 失败
with the row-level Chinese errors of a refused import. The progress page (``core:job_detail``) and
``GET /api/v1/jobs/{id}`` read :func:`snapshot`.

Progress is written cheaply: only when it moved by at least 1 % (and at the start and end). Work that runs
inside one transaction (an all-or-nothing import) cannot make its progress visible through that transaction,
so while the default connection is inside an atomic block the progress goes around it: on PostgreSQL through
a second, autocommit connection; on SQLite (one writer at a time, and the import holds the write lock) into a
small file under ``VAR_DIR/jobs/`` that :func:`snapshot` reads. Both are cleared when the job ends.

Who may read a job: its creator, and users who hold the job's ``capability`` over its agency
(:func:`visible_to`), so that a 科长 can follow an import started by an officer of the same agency.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone

from accounts.access import can
from audit.chain import record
from core.errors import SanxiangError, ValidationFailed
from core.models import Job

logger = logging.getLogger(__name__)

# At most this many row errors are stored on a job (the page shows them all; a file with more problems is
# better fixed in batches). The count of all problems is kept in ``result["error_count"]``.
MAX_STORED_ERRORS = 1000
# A job still 排队中 after this long probably has no worker (manage.py db_worker) to run it: the page says so and
# polls less often.
STALE_QUEUE_SECONDS = 60
INTERNAL_ERROR = (
    "处理过程中发生内部错误，任务已终止，未写入任何数据。请稍后重试；如仍失败，请联系系统管理员。"
)


def create(
    user: Any,
    *,
    kind: str,
    title: str,
    agency_id: int,
    capability: str,
    params: dict[str, Any] | None = None,
    total: int = 0,
) -> Job:
    """A new job, 排队中, audited as ``job.created``. ``capability`` lets others of the agency read it."""
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            title=title[:200],
            agency_id=agency_id,
            created_by=user,
            capability=capability,
            params=params or {},
            total=total,
            message="排队等待后台处理",
        )
        record("job.created", actor=user, agency_id=agency_id, obj=job, payload={"kind": kind})
    return job


def dispatch(job: Job, task: Any, *, inline: bool = False) -> None:
    """Run ``task`` (a django.tasks task taking the job id) for ``job``.

    ``inline`` runs it now, in this process, through the very same code (small files); otherwise it is
    enqueued once the current transaction commits, for ``manage.py db_worker``.
    """
    if inline:
        task.call(job.pk)
    else:
        transaction.on_commit(lambda: task.enqueue(job.pk))


def start(job_id: int) -> Job:
    """Mark the job 进行中 (a job already ended is returned unchanged)."""
    job = Job.objects.get(pk=job_id)
    if job.status == Job.Status.QUEUED:
        job.status = Job.Status.RUNNING
        job.started_at = timezone.now()
        job.message = "正在处理"
        job.save(update_fields=["status", "started_at", "message"])
    return job


class Progress:
    """``progress(done, total=None, message=None)``: record how far the job is, cheaply.

    A write happens only when ``done`` moved by at least 1 % of ``total`` since the last write, when the
    total or the message changes, or when ``done`` reaches the total.
    """

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self.done = job.done
        self.total = job.total
        self.message = job.message
        self.writes = 0
        self._written: tuple[int, int, str] | None = None
        self._side: Any = None

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        self.done = max(0, done)
        if total is not None:
            self.total = max(0, total)
        if message is not None:
            self.message = message[:500]
        if self._due():
            self._write()

    def _due(self) -> bool:
        if self._written is None:
            return True
        done, total, message = self._written
        if total != self.total or message != self.message:
            return True
        if self.done == done:
            return False
        if self.total and self.done >= self.total:
            return True
        step = max(1, self.total // 100) if self.total else 1
        return abs(self.done - done) >= step

    def _write(self) -> None:
        self._written = (self.done, self.total, self.message)
        self.writes += 1
        values = {"done": self.done, "total": self.total, "message": self.message}
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job_id).update(**values)
        elif connection.vendor == "postgresql":
            self._write_side(values)
        else:
            _write_live(self.job_id, values)

    def _write_side(self, values: dict[str, Any]) -> None:
        """UPDATE through a second autocommit connection, visible while the work's transaction is open."""
        try:
            if self._side is None:
                self._side = connection.get_new_connection(connection.get_connection_params())
                self._side.autocommit = True
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Job._meta.db_table} SET done = %s, total = %s, message = %s WHERE id = %s",  # noqa: S608
                    [values["done"], values["total"], values["message"], self.job_id],
                )
        except Exception:  # progress is best effort; the work itself must not fail because of it
            logger.warning("job %s: progress update failed", self.job_id, exc_info=True)

    def close(self) -> None:
        if self._side is not None:
            try:
                self._side.close()
            finally:
                self._side = None


def _live_path(job_id: int) -> Path:
    return Path(settings.VAR_DIR) / "jobs" / f"{job_id}.json"


def _write_live(job_id: int, values: dict[str, Any]) -> None:
    path = _live_path(job_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{job_id}-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(values, out, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        logger.warning("job %s: live progress not written", job_id, exc_info=True)


def _read_live(job_id: int) -> dict[str, Any] | None:
    try:
        with open(_live_path(job_id), encoding="utf-8") as source:
            data = json.load(source)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _clear_live(job_id: int) -> None:
    try:
        _live_path(job_id).unlink()
    except FileNotFoundError:
        pass
    except OSError:
        logger.warning("job %s: live progress file not removed", job_id, exc_info=True)


def finish(job: Job, *, message: str, result: dict[str, Any] | None = None, done: int | None = None) -> Job:
    """End the job 成功; ``done`` defaults to the total (the work completed)."""
    job.status = Job.Status.SUCCEEDED
    job.done = job.total if done is None else done
    job.total = max(job.total, job.done)
    job.message = message[:500]
    job.result = result or {}
    job.errors = []
    job.finished_at = timezone.now()
    with transaction.atomic():
        job.save()
        record(
            "job.succeeded",
            actor=job.created_by,
            agency_id=job.agency_id,
            obj=job,
            payload={"kind": job.kind, "done": job.done},
        )
    _clear_live(job.pk)
    return job


def fail(
    job: Job, *, message: str, errors: list[str] | None = None, result: dict[str, Any] | None = None
) -> Job:
    """End the job 失败 with its (row-level, Chinese) errors; nothing the work wrote is kept."""
    errors = list(errors or [])
    job.status = Job.Status.FAILED
    job.message = message[:500]
    job.errors = errors[:MAX_STORED_ERRORS]
    job.result = {**(result or {}), "error_count": len(errors)}
    job.finished_at = timezone.now()
    with transaction.atomic():
        job.save()
        record(
            "job.failed",
            actor=job.created_by,
            agency_id=job.agency_id,
            obj=job,
            payload={"kind": job.kind, "errors": len(errors)},
        )
    _clear_live(job.pk)
    return job


type Work = Callable[[Job, Progress], tuple[str, dict[str, Any]]]


def run(job_id: int, work: Work) -> Job:
    """Run ``work(job, progress) -> (message, result)`` for the job and record how it ended.

    A ``ValidationFailed`` ends the job 失败 with its errors (e.g. every bad row of an import); any other
    ``SanxiangError`` with its message; an unexpected exception with a generic message (logged in full).
    """
    job = start(job_id)
    if job.is_finished:
        return job
    progress = Progress(job)
    try:
        message, result = work(job, progress)
    except ValidationFailed as exc:
        job.refresh_from_db()
        return fail(
            job,
            message=f"未完成：发现 {len(exc.errors)} 处问题，未写入任何数据，请修改后重试。",
            errors=exc.errors,
        )
    except SanxiangError as exc:
        job.refresh_from_db()
        return fail(job, message=exc.message, errors=[exc.message])
    except PermissionDenied as exc:  # the creator lost the right meanwhile
        job.refresh_from_db()
        message = str(exc) or "无权执行该任务"
        return fail(job, message=message, errors=[message])
    except Exception:
        logger.exception("job %s (%s) crashed", job_id, job.kind)
        job.refresh_from_db()
        return fail(job, message=INTERNAL_ERROR, errors=[])
    finally:
        progress.close()
    job.refresh_from_db()
    job.total = max(job.total, progress.total)
    return finish(job, message=message, result=result, done=max(progress.done, job.total))


def visible_to(user: Any, job: Job) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return job.created_by_id == user.pk or can(user, job.capability, job.agency_id)


def get_for(user: Any, pk: int) -> Job:
    """The job, if ``user`` may read it: 404 when it does not exist, 403 otherwise."""
    job = Job.objects.select_related("agency", "created_by").filter(pk=pk).first()
    if job is None:
        raise Http404("任务不存在")
    if not visible_to(user, job):
        raise PermissionDenied("无权查看该任务：只有发起人和对该机关具有相应权限的人员可以查看。")
    return job


def snapshot(job: Job) -> dict[str, Any]:
    """What the progress page and the API show, with the live progress of a running job."""
    done, total, message = job.done, job.total, job.message
    if job.status == Job.Status.RUNNING:
        live = _read_live(job.pk)
        if live:
            done = max(done, int(live.get("done", 0)))
            total = int(live.get("total", total)) or total
            message = str(live.get("message", message)) or message
    percent = min(100, done * 100 // total) if total else 0
    if job.status == Job.Status.SUCCEEDED:
        percent = 100
    waiting = job.status == Job.Status.QUEUED and (
        (timezone.now() - job.created_at).total_seconds() > STALE_QUEUE_SECONDS
    )
    return {
        "id": job.pk,
        "kind": job.kind,
        "title": job.title,
        "status": job.status,
        "status_label": job.get_status_display(),
        "finished": job.is_finished,
        "stale": waiting,
        "poll_seconds": 10 if waiting else 1,
        "done": done,
        "total": total,
        "percent": percent,
        "message": message,
        "errors": job.errors,
        "result": job.result,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }
