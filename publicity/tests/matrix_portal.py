"""Permission-matrix entries of the public portal and the open-data API (tests/test_permission_matrix.py).

Everything here is public: anonymous visitors and every signed-in persona get 200. Kwargs naming a record
("pubitem:…", "pubofficer:…", "pubsubject:…") publish it first through publicity.actions.publish.
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Resolver, Rule, public

NUMBER = "YN0401001"
CODE = "530400-CF-001"


def _subject(short_name: str) -> Any:
    from publicity.models import Kind, Publication
    from publicity.tests import factories

    agency = factories.agency(short_name)
    if not Publication.objects.current().filter(kind=Kind.SUBJECT, agency=agency).exists():
        factories.subject(short_name)
    return agency.pk


def _officer(number: str) -> Any:
    from publicity.models import Kind, Publication
    from publicity.tests import factories

    if not Publication.objects.current().filter(kind=Kind.OFFICER, key=number).exists():
        factories.officer(number)
    return number


def _item(code: str) -> Any:
    from publicity.models import Kind, Publication
    from publicity.tests import factories

    if not Publication.objects.current().filter(kind=Kind.ITEM, key=code).exists():
        factories.item(code)
    return code


RESOLVERS: dict[str, Resolver] = {"pubsubject": _subject, "pubofficer": _officer, "pubitem": _item}

_FILES = "needs a stored file; tested with a temporary storage in publicity/tests/test_portal.py"

ENTRIES: dict[str, Rule] = {
    "portal:subject_detail": public(kwargs={"agency_id": "pubsubject:玉司"}),
    "portal:officer_detail": public(kwargs={"number": f"pubofficer:{NUMBER}"}),
    "portal:officer_photo": public(kwargs={"number": f"pubofficer:{NUMBER}"}, skip_reason=_FILES),
    "portal:officer_qr": public(kwargs={"number": f"pubofficer:{NUMBER}"}),
    "portal:verify": public(kwargs={"?": f"number={NUMBER}"}),
    "portal:item_detail": public(kwargs={"agency_id": "agency:玉司", "code": f"pubitem:{CODE}"}),
    "portal:item_sample": public(
        kwargs={"agency_id": "agency:玉司", "code": f"pubitem:{CODE}", "index": "0"}, skip_reason=_FILES
    ),
    "portal:flowchart": public(kwargs={"code": "licensing"}),
    "api:public_subjects": public(api=True),
    "api:public_subject": public(api=True, kwargs={"agency_id": "pubsubject:玉司"}),
    "api:public_officer_verify": public(api=True, kwargs={"?": f"number={NUMBER}"}),
    "api:public_officers": public(api=True),
    "api:public_items": public(api=True, kwargs={"?": "q=律师"}),
    "api:public_item": public(api=True, kwargs={"agency_id": "agency:玉司", "code": f"pubitem:{CODE}"}),
    "api:public_flowcharts": public(api=True),
    "api:public_flowchart_svg": public(api=True, kwargs={"code": "licensing"}),
    "api:public_list_major": public(api=True),
    "api:public_list_av": public(api=True),
    "api:public_list_inspection": public(api=True),
}
