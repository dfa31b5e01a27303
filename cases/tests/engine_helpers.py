"""Helpers for the workflow engine tests (cases.actions.case): officer lists, AV items written directly, a case
moved to a given step directly (for testing one gate without walking the whole procedure)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from itertools import count
from typing import Any

from django.utils import timezone

from cases.models import Case, CaseStep
from cases.selectors import current_step_row
from catalog.process import get as get_process
from evidence.models import Blob, EvidenceItem

DAY = date(2026, 3, 2)  # a Monday
_n = count(1)

PERSON_ID = "11010519491231002X"  # GB 11643-1999 example
ORG_CODE = "91350100M000100Y43"  # GB 32100-2015 example


def citizen(**over: Any) -> dict[str, Any]:
    data = {
        "kind": "citizen",
        "name": "赵某某",
        "id_type": "居民身份证",
        "id_number": PERSON_ID,
        "phone": "13800000000",
        "address": "云南省玉溪市红塔区聂耳路1号",
    }
    data.update(over)
    return data


def organisation(**over: Any) -> dict[str, Any]:
    data = {
        "kind": "legal_person",
        "name": "玉溪某某律师事务所",
        "id_type": "统一社会信用代码",
        "id_number": ORG_CODE,
        "phone": "0877-2000000",
        "address": "云南省玉溪市红塔区东风路2号",
        "legal_representative": "钱某",
    }
    data.update(over)
    return data


def officers(world: Any, *names: str, showed: bool = True, informed: bool = True) -> list[dict[str, Any]]:
    """Officer entries for ``advance``: the world's officers by username (zhangsan, zhaoliu, kezhang…)."""
    names = names or ("zhangsan", "zhaoliu")
    return [
        {
            "officer_id": world.officers[n].pk,
            "showed_certificate": showed,
            "informed_rights": informed,
            "is_lead": i == 0,
        }
        for i, n in enumerate(names)
    ]


def add_av(case: Case, user: Any, *, row: CaseStep | None = None, **over: Any) -> EvidenceItem:
    """An 音像记录 item on the case's current step, with a Blob row written directly (no storage needed)."""
    n = next(_n)
    digest = hashlib.sha256(f"av-{n}-{case.pk}".encode()).hexdigest()
    blob = Blob.objects.create(
        sha256=digest,
        sm3=digest,
        size=1024,
        storage_name=f"blobs/{digest[:2]}/{digest}",
        content_type="video/mp4",
    )
    fields: dict[str, Any] = {
        "case": case,
        "blob": blob,
        "kind": EvidenceItem.Kind.AUDIOVISUAL,
        "purpose": EvidenceItem.Purpose.AV_RECORD,
        "title": f"执法记录仪视频{n}",
        "filename": f"av{n}.mp4",
        "content_type": "video/mp4",
        "case_step": row or current_step_row(case),
        "uploaded_by": user,
    }
    fields.update(over)
    return EvidenceItem.objects.create(**fields)


def jump(case: Case, step_id: str, on: date = DAY) -> CaseStep:
    """Move a case to ``step_id`` directly (test set-up only; no gates, no clocks)."""
    process = get_process(case.procedure)
    step = process.step(step_id)
    row = current_step_row(case)
    moment = timezone.make_aware(datetime.combine(on, datetime.min.time()).replace(hour=9))
    row.completed_at, row.completed_on, row.transition_to = moment, on, step_id
    row.save()
    new = CaseStep.objects.create(
        case=case, seq=row.seq + 1, step_id=step.id, name=step.name, entered_at=moment, entered_on=on
    )
    case.current_step, case.current_step_name = step.id, step.name
    case.save()
    return new
