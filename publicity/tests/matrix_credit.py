"""Permission-matrix entries of the publicity area "credit" (issue #6: 双公示 export).

The page, the export (POST) and the download need publicity.review (公示审核员、监督员) over the agency: 孙公示 and
郑监督 of the 市司法局 over every agency it supervises, 沈监督 only over 红塔区 — so not a 市司法局 export file.
"""

from __future__ import annotations

from tests.matrix import Resolver, Rule, staff

REVIEWERS = {"gongshi", "jiandu", "hongta_jiandu"}
CITY_REVIEWERS = {"gongshi", "jiandu"}


def _export_pk(short_name: str) -> int:
    from accounts.models import User
    from core.models import Agency
    from evidence.store import ingest
    from publicity.models import CreditExport

    agency = Agency.objects.get(short_name=short_name)
    existing = CreditExport.objects.filter(agency=agency).first()
    if existing is not None:
        return int(existing.pk)
    blob = ingest(["\ufeff公示类别,数据状态\r\n".encode()], content_type="text/csv; charset=utf-8")
    batch = CreditExport.objects.create(
        agency=agency, fmt="csv", rows=0, blob=blob, created_by=User.objects.get(username="gongshi")
    )
    return int(batch.pk)


RESOLVERS: dict[str, Resolver] = {"credit_export": _export_pk}
ENTRIES: dict[str, Rule] = {
    "credit:index": staff(REVIEWERS),
    "credit:export": staff(REVIEWERS, post_only=True),
    "credit:download": staff(CITY_REVIEWERS, kwargs={"pk": "credit_export:玉司"}),
}
