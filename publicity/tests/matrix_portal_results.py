"""Permission-matrix entries of the publicity area "portal_results" (issue #6): 执法结果, 撤回公告 and 年度数据 on the
portal and in the open-data API. Everything is public: anonymous visitors and every persona get 200.

"pubdecision:<文号>" publishes a decision and gives its id; "pubannual:<year>" publishes the 市司法局's report and the
city total of that year and gives the year (factories in publicity/tests/test_portal_results.py).
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Resolver, Rule, public

DOC = "玉司罚决〔2026〕1号"


def _decision(doc_number: str) -> Any:
    from publicity.models import Kind, Publication
    from publicity.tests.test_portal_results import decision

    found = Publication.objects.current().filter(kind=Kind.DECISION, payload__doc_number=doc_number).first()
    return (found or decision(doc_number=doc_number)).pk


def _annual(year: str) -> Any:
    from publicity.models import Kind, Publication
    from publicity.tests.test_portal_results import annual

    if not Publication.objects.current().filter(kind=Kind.ANNUAL, key=f"{year}-city").exists():
        annual(int(year), city=True)
        annual(int(year))
    return int(year)


RESOLVERS: dict[str, Resolver] = {"pubdecision": _decision, "pubannual": _annual}

ENTRIES: dict[str, Rule] = {
    "portal:results": public(kwargs={"?": "party=律师"}),
    "portal:result_withdrawals": public(),
    "portal:result_detail": public(kwargs={"pk": f"pubdecision:{DOC}"}),
    "portal:annual_list": public(),
    "portal:annual_year": public(kwargs={"year": "pubannual:2026"}),
    "portal:annual_agency": public(kwargs={"year": "pubannual:2026", "agency_id": "agency:玉司"}),
    "api:public_decisions": public(api=True, kwargs={"?": "category=行政处罚"}),
    "api:public_decision": public(api=True, kwargs={"id": f"pubdecision:{DOC}"}),
    "api:public_withdrawals": public(api=True),
    "api:public_annual_reports": public(api=True),
    "api:public_annual_report": public(api=True, kwargs={"year": "pubannual:2026"}),
}
