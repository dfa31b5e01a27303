"""The 电子案卷 (issue #4 item 7): one PDF per closed case, assembled with pypdf.

Order of the volume (卷内文件排列顺序, 司法部执法案卷格式):

1. 案卷封面 — agency, case number, 案由, parties (names, internal document), 立案/结案 dates, 保管期限
   (``settings.SANXIANG_DOSSIER_RETENTION``, default 永久), number of files and pages;
2. 卷内目录 — 序号、文件名称、文号、日期、页号 (start page of each file);
3. 文书 — the issued Documents (state issued) in the order of the procedure's steps (index of ``Document.step_id``
   in ``catalog.process.get(case.procedure).steps``), then by ``issued_at``; each issued PDF as is;
4. 证据 — every EvidenceItem not 作废, 申请材料 first: PDFs appended as is, JPEG/PNG images one per page, and all
   other files (audio, video, Word, …) on a 证据清单/音像记录清单 page with name, kind, size, SHA-256, SM3, device
   and time — the files stay in the evidence store, the dossier refers to them by hash;
5. 备考表 — who assembled the volume, when, counts.

Two passes: the parts are rendered and counted first (the 卷内目录 with placeholder page numbers, to know how
many pages it takes), then the 卷内目录 is rendered with the real start pages. Finally every page is stamped with
its page number (a small WeasyPrint-rendered number page used as a Form XObject — the page's own content is not
parsed, so stamping is cheap) and the outline (bookmarks) gets a Chinese title per part.

Fonts are named explicitly ("Noto Serif CJK SC", "Noto Sans CJK SC", Debian ``fonts-noto-cjk``): without a CJK
font WeasyPrint prints empty boxes silently.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.template.loader import render_to_string
from django.utils import timezone

from cases.models import Case, Document
from catalog.process import get as get_process

logger = logging.getLogger(__name__)

type ProgressFn = Callable[..., None]

DEFAULT_RETENTION = "永久"
IMAGE_TYPES = {"image/jpeg", "image/png"}
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")
PDF_EXTENSIONS = (".pdf",)
# Placeholder wide enough for any page number of the 卷内目录's first pass (the final pass must not change its
# page count; checked).
_PLACEHOLDER = "0000"
PURPOSE_ORDER = {"application": 0, "evidence": 1, "av_record": 2, "other": 3}


def retention() -> str:
    """保管期限 printed on the cover (configurable; 执法案卷 are kept 永久 by default)."""
    return str(getattr(settings, "SANXIANG_DOSSIER_RETENTION", DEFAULT_RETENTION) or DEFAULT_RETENTION)


@dataclass
class Part:
    """One entry of the volume: a run of pages with a title (and a 卷内目录 row unless ``listed`` is False)."""

    kind: str  # cover | toc | document | evidence | listing | note | missing
    title: str
    number: str = ""
    on: date | None = None
    pdf: bytes | None = None  # None: no pages (a document without PDF)
    pages: int = 0
    listed: bool = True
    ref: dict[str, Any] = field(default_factory=dict)
    start: int = 0


def _storage() -> Any:
    return storages["evidence"]


def _read_blob(blob: Any) -> bytes:
    with _storage().open(blob.storage_name, "rb") as source:
        return bytes(source.read())


def _page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _evidence_pages(data: bytes) -> int:
    """Pages of an evidence PDF that can be merged as is; raises ValueError for an encrypted one."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise ValueError("encrypted")
    return len(reader.pages)


def _render(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, date) else None


def _is_pdf(item: Any) -> bool:
    return item.content_type == "application/pdf" or item.filename.lower().endswith(PDF_EXTENSIONS)


def _is_image(item: Any) -> bool:
    return item.content_type in IMAGE_TYPES or item.filename.lower().endswith(IMAGE_EXTENSIONS)


def ordered_documents(case: Case) -> list[Document]:
    """The issued 文书 in procedure order: step index of ``step_id`` (unknown steps last), then issue time."""
    steps = [s.id for s in get_process(case.procedure).steps]
    index = {sid: i for i, sid in enumerate(steps)}
    docs = list(Document.objects.filter(case=case, state=Document.State.ISSUED).select_related("pdf_blob"))
    far = timezone.now()
    return sorted(
        docs, key=lambda d: (index.get(d.step_id, len(steps)), d.issued_at or d.created_at or far, d.pk)
    )


def ordered_evidence(case: Case) -> list[Any]:
    """Evidence not 作废: 申请材料, then 证据, 音像记录, other — each in upload order."""
    from evidence.models import EvidenceItem

    items = list(EvidenceItem.objects.filter(case=case, is_voided=False).select_related("blob"))
    return sorted(items, key=lambda i: (PURPOSE_ORDER.get(i.purpose, 9), i.uploaded_at, i.pk))


def _item_row(item: Any, note: str = "") -> dict[str, Any]:
    moment = item.collected_at or item.uploaded_at
    return {
        "id": item.pk,
        "title": item.title,
        "filename": item.filename,
        "kind": item.get_kind_display(),
        "purpose": item.get_purpose_display(),
        "size": item.blob.size,
        "sha256": item.blob.sha256,
        "sm3": item.blob.sm3,
        "device": item.device,
        "time": timezone.localtime(moment) if moment and timezone.is_aware(moment) else moment,
        "note": note,
        "is_av": item.is_av,
    }


def _collect(case: Case) -> tuple[list[Part], dict[str, int]]:
    """Documents and evidence as parts (without cover, 卷内目录 and 备考表); counts for the 备考表."""
    parts: list[Part] = []
    counts = {"documents": 0, "documents_without_pdf": 0, "evidence_pdf": 0, "images": 0, "listed": 0}
    for doc in ordered_documents(case):
        title = doc.title + (f"（第{doc.version}版）" if doc.version > 1 else "")
        ref: dict[str, Any] = {"document_id": doc.pk}
        if doc.pdf_blob is None:
            counts["documents_without_pdf"] += 1
            parts.append(Part("missing", title, doc.number, doc.issued_on or _day(doc.issued_at), ref=ref))
            continue
        data = _read_blob(doc.pdf_blob)
        ref["sha256"] = doc.pdf_blob.sha256
        parts.append(
            Part(
                "document",
                title,
                doc.number,
                doc.issued_on or _day(doc.issued_at),
                pdf=data,
                pages=_page_count(data),
                ref=ref,
            )
        )
        counts["documents"] += 1
    images: list[tuple[Any, str]] = []
    listing: list[dict[str, Any]] = []
    for item in ordered_evidence(case):
        ref = {"evidence_id": item.pk, "sha256": item.blob.sha256}
        on = _day(item.collected_at or item.uploaded_at)
        if _is_pdf(item):
            data = _read_blob(item.blob)
            try:
                pages = _evidence_pages(data)
            except Exception:  # an unreadable or encrypted PDF is listed by hash instead
                logger.warning("dossier: evidence %s is not a readable PDF", item.pk, exc_info=True)
                listing.append(_item_row(item, "PDF 无法读取，未并入，以哈希值为准"))
                continue
            parts.append(Part("evidence", item.title, "", on, pdf=data, pages=pages, ref=ref))
            counts["evidence_pdf"] += 1
        elif _is_image(item):
            part = Part("evidence", item.title, "", on, pages=1, ref=ref)
            parts.append(part)
            images.append((item, _image_data_uri(item)))
            counts["images"] += 1
        else:
            listing.append(_item_row(item))
    if images:
        _render_images(parts, images)
    if listing:
        counts["listed"] = len(listing)
        av = any(row["is_av"] for row in listing)
        title = "证据清单（音像记录清单）" if av else "证据清单"
        data = _render("cases/dossier_pdf_listing.html", {"case": case, "rows": listing, "title": title})
        parts.append(
            Part(
                "listing",
                title,
                "",
                timezone.localdate(),
                pdf=data,
                pages=_page_count(data),
                ref={"evidence_ids": [row["id"] for row in listing]},
            )
        )
    return parts, counts


def _image_data_uri(item: Any) -> str:
    import base64

    content_type = item.content_type if item.content_type in IMAGE_TYPES else "image/jpeg"
    if item.filename.lower().endswith(".png"):
        content_type = "image/png"
    return f"data:{content_type};base64,{base64.b64encode(_read_blob(item.blob)).decode()}"


def _render_images(parts: list[Part], images: list[tuple[Any, str]]) -> None:
    """All images in one WeasyPrint document, one per page; each page goes to its part."""
    from pypdf import PdfReader, PdfWriter

    pages = [{"title": item.title, "src": uri, "filename": item.filename} for item, uri in images]
    data = _render("cases/dossier_pdf_images.html", {"pages": pages})
    reader = PdfReader(io.BytesIO(data))
    if len(reader.pages) != len(images):  # an image spilled over: keep going, but say so in the log
        logger.warning("dossier: %s images rendered on %s pages", len(images), len(reader.pages))
    image_parts = [p for p in parts if p.kind == "evidence" and p.pdf is None and p.pages == 1]
    for i, part in enumerate(image_parts):
        writer = PdfWriter()
        if i < len(reader.pages):
            writer.add_page(reader.pages[i])
        out = io.BytesIO()
        writer.write(out)
        part.pdf = out.getvalue()


def _toc_rows(parts: list[Part], placeholder: bool) -> list[dict[str, Any]]:
    rows = []
    for n, part in enumerate((p for p in parts if p.listed), start=1):
        if part.pdf is None:
            page = "—"
        elif placeholder:
            page = _PLACEHOLDER
        else:
            page = str(part.start)
        rows.append({"n": n, "title": part.title, "number": part.number, "on": part.on, "page": page})
    return rows


def _cover_context(case: Case, files: int, pages: int) -> dict[str, Any]:
    parties = "、".join(p.name for p in case.parties.all()) or "—"
    return {
        "case": case,
        "agency": case.agency.name,
        "parties": parties,
        "filed_on": case.filed_on or case.received_on,
        "closed_on": case.closed_on,
        "retention": retention(),
        "files": files,
        "pages": pages,
    }


def _number_pages(total: int) -> Any:
    from pypdf import PdfReader

    data = _render("cases/dossier_pdf_numbers.html", {"numbers": range(1, total + 1)})
    return PdfReader(io.BytesIO(data))


def _stamp(writer: Any, numbers: Any) -> None:
    """Put page number k on page k: the k-th small page as a Form XObject drawn at the bottom-right corner.

    The page's own content stream is not parsed (unlike ``merge_page``): it is wrapped in q … Q and a short
    stream that draws the number is appended."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
    )

    for k, page in enumerate(writer.pages):
        src = numbers.pages[k]
        box = src.mediabox
        width, height = float(box.width), float(box.height)
        form = DecodedStreamObject()
        form.set_data(src.get_contents().get_data() if src.get_contents() is not None else b"")
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(
                    [FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]
                ),
            }
        )
        resources = src.get("/Resources")
        if resources is not None:
            form[NameObject("/Resources")] = writer._add_object(_clone(resources.get_object(), writer))
        form_ref = writer._add_object(form)
        target_box = page.cropbox
        tx = float(target_box.right) - width - 20
        ty = float(target_box.bottom) + 14
        # Pages of one source PDF often share one /Resources dictionary: give each page its own (shallow) copy,
        # or the last page's number would show on all of them.
        shared = page.get("/Resources")
        page_resources = DictionaryObject(shared.get_object()) if shared is not None else DictionaryObject()
        shared_xobjects = page_resources.get("/XObject")
        xobjects = (
            DictionaryObject(shared_xobjects.get_object())
            if shared_xobjects is not None
            else DictionaryObject()
        )
        xobjects[NameObject("/SxPageNo")] = form_ref
        page_resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = page_resources
        before = DecodedStreamObject()
        before.set_data(b"q\n")
        after = DecodedStreamObject()
        after.set_data(f"\nQ q 1 0 0 1 {tx:.2f} {ty:.2f} cm /SxPageNo Do Q\n".encode())
        contents = page.get("/Contents")
        items: list[Any] = [writer._add_object(before)]
        if contents is not None:
            current = contents.get_object()
            if isinstance(current, ArrayObject):
                items.extend(current)
            else:
                items.append(contents if hasattr(contents, "idnum") else writer._add_object(current))
        items.append(writer._add_object(after))
        page[NameObject("/Contents")] = ArrayObject(items)


def _clone(obj: Any, writer: Any) -> Any:
    return obj.clone(writer)


def build_pdf(
    case: Case, progress: ProgressFn | None = None, *, assembled_by: str = ""
) -> tuple[bytes, list[dict[str, Any]], int]:
    """The dossier of ``case``: (PDF bytes, contents = the 卷内目录 as JSON rows, page count).

    ``progress(done, total, message)`` gets the pages assembled so far. Raises nothing for odd evidence files
    (they are listed by hash instead).
    """
    from pypdf import PdfReader, PdfWriter

    report = progress or (lambda *a, **k: None)
    report(0, 0, "正在收集文书和证据")
    parts, counts = _collect(case)
    listed = [p for p in parts if p.listed]
    body_pages = sum(p.pages for p in parts if p.pdf is not None)

    # Pass 1: how many pages the 卷内目录 takes (placeholder page numbers of a fixed width).
    toc_first = _render("cases/dossier_pdf_toc.html", {"case": case, "rows": _toc_rows(listed, True)})
    toc_pages = _page_count(toc_first)
    note_pages = 1
    total = 1 + toc_pages + body_pages + note_pages
    report(0, total, "正在编排页码")
    page = 1 + toc_pages + 1
    for part in parts:
        if part.pdf is not None:
            part.start = page
            page += part.pages
    note_start = page

    # Pass 2: the real 卷内目录, cover and 备考表.
    toc = _render("cases/dossier_pdf_toc.html", {"case": case, "rows": _toc_rows(listed, False)})
    if _page_count(toc) != toc_pages:  # cannot happen with a fixed-width placeholder; refuse rather than lie
        raise RuntimeError("卷内目录页数在两次排版之间发生变化")
    cover = _render("cases/dossier_pdf_cover.html", _cover_context(case, len(listed), total))
    note = _render(
        "cases/dossier_pdf_note.html",
        {
            "case": case,
            "counts": counts,
            "files": len(listed),
            "pages": total,
            "assembled_by": assembled_by,
            "assembled_at": timezone.localtime(),
        },
    )
    front = [
        Part("cover", "封面", pdf=cover, pages=1, listed=False, start=1),
        Part("toc", "卷内目录", pdf=toc, pages=toc_pages, listed=False, start=2),
    ]
    back = [Part("note", "备考表", pdf=note, pages=_page_count(note), listed=False, start=note_start)]
    if back[0].pages != note_pages or _page_count(cover) != 1:
        raise RuntimeError("封面或备考表超过一页")

    writer = PdfWriter()
    done = 0
    outline: list[tuple[str, int]] = []
    for part in [*front, *parts, *back]:
        if part.pdf is None:
            continue
        reader = PdfReader(io.BytesIO(part.pdf))
        first = len(writer.pages)
        for source_page in reader.pages:
            writer.add_page(source_page)
        part.pages = len(writer.pages) - first
        outline.append((_bookmark(part), first))
        done += part.pages
        report(done, total, f"已编排 {done} / {total} 页")
    if len(writer.pages) != total:
        raise RuntimeError(f"案卷页数不一致：预计 {total} 页，实际 {len(writer.pages)} 页")
    _stamp(writer, _number_pages(total))
    for title, index in outline:
        writer.add_outline_item(title=title, page_number=index)
    writer.add_metadata({"/Title": f"电子案卷 {case.number}", "/Producer": "三项制度平台"})
    out = io.BytesIO()
    writer.write(out)
    report(total, total, "案卷已生成")
    contents = [_content_row(n, part) for n, part in enumerate([*front, *parts, *back])]
    return out.getvalue(), contents, total


def _bookmark(part: Part) -> str:
    if part.kind in {"cover", "toc", "note", "listing"}:
        return part.title
    prefix = "文书" if part.kind == "document" else "证据"
    label = f"{part.title} {part.number}".strip()
    return f"{prefix}：{label}"


def _content_row(n: int, part: Part) -> dict[str, Any]:
    return {
        "n": n,
        "kind": part.kind,
        "title": part.title,
        "number": part.number,
        "date": part.on.isoformat() if part.on else "",
        "start": part.start if part.pdf is not None else None,
        "end": part.start + part.pages - 1 if part.pdf is not None else None,
        "pages": part.pages if part.pdf is not None else 0,
        **part.ref,
    }


def files_in(contents: Iterable[dict[str, Any]]) -> list[int]:
    """Evidence ids the dossier includes or lists (for the custody ``export`` events)."""
    ids: list[int] = []
    for row in contents:
        if "evidence_id" in row:
            ids.append(int(row["evidence_id"]))
        ids.extend(int(i) for i in row.get("evidence_ids", []))
    return ids
