"""Permission-matrix entries of the cases app: 电子案卷 pages and API (combined by cases/tests/matrix.py).

case.read on the case's agency opens the page and the PDF; generating (POST) needs case.handle. The resolvers make
a CLOSED penalty case of the agency (written directly) and one Dossier row with a small stored PDF.
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Rule, api, staff

CITY_READERS = {"zhangsan", "zhaoliu", "kezhang", "lisi", "fenguan", "juzhang", "gongshi"}
CITY_HANDLERS = CITY_READERS - {"gongshi"}
CASE = {"pk": "dossier_case:玉司"}
DOSSIER = {"pk": "dossier_case:玉司", "dossier_pk": "dossier:玉司"}

ENTRIES: dict[str, Rule] = {
    "cases:dossier": staff(CITY_READERS, kwargs=CASE),
    "cases:dossier_download": staff(CITY_READERS, kwargs=DOSSIER),
    "api:cases_dossiers": api(CITY_READERS, kwargs={"case_id": "dossier_case:玉司"}),
    "api:cases_dossier_generate": api(
        CITY_HANDLERS,
        post_only=True,
        skip_reason="same path as api:cases_dossiers (POST); tested in cases/tests/test_dossier_api.py",
    ),
    "api:cases_dossier_pdf": api(
        CITY_READERS, kwargs={"case_id": "dossier_case:玉司", "dossier_id": "dossier:玉司"}
    ),
}


def _closed_case(short_name: str) -> Any:
    from django.utils import timezone

    from cases.models import Case
    from cases.tests.factories import make_case
    from catalog.models import Item
    from catalog.tests.matrix import _item
    from evidence.tests.matrix import _officer

    existing = Case.objects.filter(agency__short_name=short_name, status="closed").order_by("pk").first()
    if existing is not None:
        return existing
    item = Item.objects.get(pk=_item(short_name))
    return make_case(
        _officer(short_name),
        item,
        "penalty_general",
        status=Case.Status.CLOSED,
        closed_on=timezone.localdate(),
    )


def _case_pk(short_name: str) -> int:
    return int(_closed_case(short_name).pk)


def _dossier_pk(short_name: str) -> int:
    from cases.models import Dossier
    from evidence.store import ingest

    case = _closed_case(short_name)
    existing = Dossier.objects.filter(case=case).first()
    if existing is not None:
        return int(existing.pk)
    blob = ingest([b"%PDF-1.4\n% matrix dossier\n%%EOF\n"], content_type="application/pdf")
    return int(Dossier.objects.create(case=case, blob=blob, pages=1, created_by=case.created_by).pk)


RESOLVERS: dict[str, Any] = {"dossier_case": _case_pk, "dossier": _dossier_pk}
