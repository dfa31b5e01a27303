"""Background work of the catalog: the Excel import of the 事项清单 (附件2), run by ``manage.py db_worker``.

The view saves the upload to default storage under ``imports/`` and creates a ``core.models.Job``; the task reads
the file, checks every row (nothing is written when one row is wrong) and writes all rows through
``catalog.actions.import_item_drafts`` in one transaction. Small files run the same task inline.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from django.core.files.storage import default_storage
from django.tasks import task
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from core import jobs
from core.errors import ValidationFailed
from core.models import Job

IMPORT_KIND = "catalog.import"
IMPORT_CAPABILITY = "publicity.draft"
_ROW_PREFIX = re.compile(r"^(第\d+行)[：:]\s*")


@task
def import_items(job_id: int) -> str:
    """Import the 事项清单 file of job ``job_id``; the outcome is on the job (status, errors, result)."""
    job = jobs.run(job_id, _import)
    return job.status


def _import(job: Job, progress: jobs.Progress) -> tuple[str, dict[str, Any]]:
    from catalog import actions, excel

    name = job.params["file"]
    try:
        with default_storage.open(name, "rb") as source:
            sheet = excel.read_rows(source)
    finally:
        _discard(name)
    if sheet.errors:
        raise ValidationFailed(sheet.errors)
    rows = sheet.rows
    n = len(rows)
    progress(0, n, f"正在逐行检查并写入（共 {n} 行）")
    user = User.objects.select_related("agency__region").get(pk=job.created_by_id)
    try:
        # Validates every row (formats, item rules, 科室 of the agency, repeated or locked 编码) before writing
        # anything, then writes all rows in one transaction; progress: checking is the first half.
        count = actions.import_item_drafts(
            user, job.agency_id, rows, source=job.params.get("source", ""), progress=progress
        )
    except ValidationFailed as exc:
        raise ValidationFailed([row_error(e) for e in exc.errors]) from exc
    message = f"导入完成：{count} 条事项已保存为草稿，请核对后报送审核。"
    return message, {
        "imported": count,
        "rows": n,
        "summary": [
            f"文件：{job.params.get('filename', '')}",
            f"导入事项：{count} 条（状态为草稿，需报送审核后发布）",
        ],
        "links": [{"label": "查看事项清单", "url": _items_url()}],
    }


def row_error(message: str) -> str:
    """“第3行：事项编码：…” (catalog.actions) → “第3行 事项编码：…”, the form the import page shows."""
    match = _ROW_PREFIX.match(message)
    return f"{match.group(1)} {message[match.end() :]}" if match else message


def _items_url() -> str:
    try:
        return reverse("catalog:item_list")
    except NoReverseMatch:  # the list page is helper B's; fall back to the import page
        return reverse("catalog:import")


def _discard(name: str) -> None:
    """The upload is not kept: its SHA-256 is in the import's audit source, the rows are in the items."""
    with contextlib.suppress(OSError):
        default_storage.delete(name)
