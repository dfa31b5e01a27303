"""Read-side queries of evidence."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cases.models import Case, CaseStep
from evidence.models import CustodyEvent, EvidenceItem

# What counts as audio/video (mirrors EvidenceItem.is_av, as a query).
AV_FILTER = (
    Q(purpose=EvidenceItem.Purpose.AV_RECORD)
    | Q(kind=EvidenceItem.Kind.AUDIOVISUAL)
    | Q(content_type__startswith="audio/")
    | Q(content_type__startswith="video/")
)


def items_for_case(case: Case, *, include_voided: bool = True) -> QuerySet[EvidenceItem]:
    """A case's evidence in upload order, with blob, uploader and step."""
    qs = EvidenceItem.objects.filter(case=case).select_related(
        "blob", "uploaded_by", "case_step", "voided_by"
    )
    if not include_voided:
        qs = qs.filter(is_voided=False)
    return qs.order_by("uploaded_at", "id")


def av_items_for_step(case_step: CaseStep) -> QuerySet[EvidenceItem]:
    """Non-voided audio/video items recorded for one passage through a step (the 音像记录 duty of that act)."""
    return (
        EvidenceItem.objects.filter(case_step=case_step, is_voided=False)
        .filter(AV_FILTER)
        .select_related("blob")
        .order_by("uploaded_at", "id")
    )


def custody_for(item: EvidenceItem) -> QuerySet[CustodyEvent]:
    return CustodyEvent.objects.filter(item=item).select_related("actor").order_by("at", "id")


def media_kind(item: EvidenceItem) -> str:
    """How the browser shows the file: "video", "audio", "image", "pdf" or ""."""
    ct = item.content_type or ""
    if ct.startswith("video/"):
        return "video"
    if ct.startswith("audio/"):
        return "audio"
    if ct.startswith("image/") and ct != "image/svg+xml":  # SVG may carry script: download only
        return "image"
    if ct == "application/pdf":
        return "pdf"
    return ""
