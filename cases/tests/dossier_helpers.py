"""Test data for the 电子案卷 tests and the bench: PDFs rendered once with WeasyPrint, issued Documents written
directly (until issue_document is used), evidence through evidence.actions."""

from __future__ import annotations

import functools
import io
from typing import Any

from django.utils import timezone

from cases.models import Case, Document


@functools.cache
def pdf_pages(marker: str, pages: int) -> bytes:
    """A PDF (cached: rendered once per process) of ``pages`` pages; page i reads "<marker> 第i页"."""
    from weasyprint import HTML

    body = "".join(
        f'<section class="p"><h1>{marker}</h1><p>{marker} 第{i}页</p></section>' for i in range(1, pages + 1)
    )
    html = (
        "<html><head><style>@page{size:A4;margin:25mm}"
        'html{font-family:"Noto Serif CJK SC",serif}.p{page-break-after:always}.p:last-child{page-break-after:auto}'
        f"</style></head><body>{body}</body></html>"
    )
    return bytes(HTML(string=html).write_pdf())


@functools.cache
def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def issued_document(
    case: Case, user: Any, *, title: str, step_id: str, number: str = "", pdf: bytes, when: Any = None
) -> Document:
    from evidence.store import ingest

    blob = ingest([pdf], content_type="application/pdf")
    moment = when or timezone.now()
    return Document.objects.create(
        case=case,
        doc_type="test",
        title=title,
        step_id=step_id,
        number=number,
        state=Document.State.ISSUED,
        pdf_blob=blob,
        created_by=user,
        issued_by=user,
        issued_at=moment,
        issued_on=timezone.localtime(moment).date(),
    )


def close(case: Case) -> Case:
    """Mark a case 已结案 directly (close_case needs a full run through the process)."""
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=timezone.localdate())
    case.refresh_from_db()
    return case
