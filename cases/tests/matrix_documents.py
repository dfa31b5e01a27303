"""Permission-matrix entries of the cases app: documents pages (combined by cases/tests/matrix.py).

A case of the 市司法局 with one draft 文书: its own case readers may look (case.read), its handlers may change
(case.handle); 红塔区 staff, the 监督员, the 三员 and 市场监管 get 403.
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Rule, api, staff

# case.read: officer, dept_head, reviewer, deputy_leader, principal, publicity_reviewer — own agency.
_CITY_READERS = {"zhangsan", "zhaoliu", "kezhang", "lisi", "fenguan", "juzhang", "gongshi"}
# case.handle: officer, dept_head, reviewer, deputy_leader, principal — own agency.
_CITY_HANDLERS = {"zhangsan", "zhaoliu", "kezhang", "lisi", "fenguan", "juzhang"}
CASE = {"pk": "doc_case:玉司"}
DOC = {"pk": "doc_case:玉司", "doc_pk": "doc:玉司"}
API_CASE = {"case_id": "doc_case:玉司"}
API_DOC = {"case_id": "doc_case:玉司", "doc_id": "doc:玉司"}

ENTRIES: dict[str, Rule] = {
    "cases:documents": staff(_CITY_READERS, kwargs=CASE),
    "cases:document_new": staff(_CITY_HANDLERS, kwargs={**CASE, "doc_type": "penalty_decision"}),
    "cases:document_detail": staff(_CITY_READERS, kwargs=DOC),
    "cases:document_edit": staff(_CITY_HANDLERS, kwargs=DOC),
    "cases:document_issue": staff(_CITY_HANDLERS, kwargs=DOC, post_only=True),
    "cases:document_correct": staff(_CITY_HANDLERS, kwargs=DOC),
    "cases:document_download": staff(_CITY_READERS, kwargs={**DOC, "fmt": "docx"}),
    "api:case_document_types": api(_CITY_READERS, kwargs=API_CASE),
    "api:case_documents": api(_CITY_READERS, kwargs=API_CASE),
    "api:case_document_create": api(
        _CITY_HANDLERS,
        post_only=True,
        skip_reason="same path as api:case_documents; tested in cases/tests/test_documents_views.py",
    ),
    "api:case_document": api(_CITY_READERS, kwargs=API_DOC),
    "api:case_document_update": api(
        _CITY_HANDLERS,
        skip_reason="same path as api:case_document (PATCH); tested in cases/tests/test_documents_views.py",
    ),
    "api:case_document_issue": api(_CITY_HANDLERS, kwargs=API_DOC, post_only=True),
    "api:case_document_correct": api(_CITY_HANDLERS, kwargs=API_DOC, post_only=True),
    "api:case_document_download": api(_CITY_READERS, kwargs={**API_DOC, "fmt": "docx"}),
}


def _case(short_name: str) -> int:
    """A penalty case of the agency (made directly, see cases.tests.factories.make_case)."""
    from accounts.models import User
    from cases.models import Case
    from cases.tests.factories import make_case
    from catalog.models import Item
    from catalog.tests.matrix import _item

    existing = Case.objects.filter(agency__short_name=short_name, procedure="penalty_general").first()
    if existing is not None:
        return existing.pk
    item = Item.objects.get(pk=_item(short_name))
    user = User.objects.filter(agency=item.agency, roles__role="officer").first()
    assert user is not None
    return make_case(user, item, "penalty_general").pk


def _doc(short_name: str) -> int:
    """A draft 行政处罚决定书 on that case (written directly; drafts render on download)."""
    from cases.documents import registry
    from cases.models import Case, Document

    case = Case.objects.get(pk=_case(short_name))
    existing = Document.objects.filter(case=case).first()
    if existing is not None:
        return existing.pk
    dt = registry.get("penalty_decision")
    return Document.objects.create(
        case=case,
        doc_type=dt.code,
        title=dt.title,
        step_id=case.current_step,
        data={},
        created_by=case.created_by,
    ).pk


RESOLVERS: dict[str, Any] = {"doc_case": _case, "doc": _doc}
