"""Permission-matrix entries of the cases app: core pages (combined by cases/tests/matrix.py).

case.read: 执法人员、科室负责人、法制审核员、分管领导、负责人、公示审核员 of the case's own agency; case.handle: the same
without the 公示审核员. The 监督员 and the 三员 see no case; 红塔区 and 市场监管 staff see no case of the 市司法局.
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Rule, api, staff

CASE_READERS = {
    "zhangsan",
    "zhaoliu",
    "kezhang",
    "lisi",
    "fenguan",
    "juzhang",
    "gongshi",
    "wangwu",
    "hongta_kezhang",
    "shijianju",
}
CASE_HANDLERS = CASE_READERS - {"gongshi"}
CITY_READERS = {"zhangsan", "zhaoliu", "kezhang", "lisi", "fenguan", "juzhang", "gongshi"}
CITY_HANDLERS = CITY_READERS - {"gongshi"}
CASE = {"pk": "case:玉司"}
API_CASE = {"case_id": "case:玉司"}

ENTRIES: dict[str, Rule] = {
    "cases:list": staff(CASE_READERS),
    "cases:new": staff(CASE_HANDLERS),
    "cases:detail": staff(CITY_READERS, kwargs=CASE),
    "cases:advance": staff(CITY_HANDLERS, kwargs=CASE, post_only=True),
    "cases:assign": staff(CITY_HANDLERS, kwargs=CASE, post_only=True),
    "cases:party_add": staff(CITY_HANDLERS, kwargs=CASE, post_only=True),
    "cases:recusal_request": staff(CITY_HANDLERS, kwargs=CASE, post_only=True),
    "cases:recusal_decide": staff(
        CITY_HANDLERS, kwargs={"pk": "case:玉司", "rid": "recusal:玉司"}, post_only=True
    ),
    "cases:decision": staff(CITY_HANDLERS, kwargs=CASE, post_only=True),
    "cases:close": staff(CITY_HANDLERS, kwargs=CASE, post_only=True),
    "api:cases_list": api(CASE_READERS),
    "api:cases_open": api(
        CASE_HANDLERS,
        post_only=True,
        skip_reason="same path as api:cases_list; tested in cases/tests/test_api_core.py",
    ),
    "api:cases_detail": api(CITY_READERS, kwargs=API_CASE),
    "api:cases_advance": api(CITY_HANDLERS, kwargs=API_CASE, post_only=True),
    "api:cases_officers": api(CITY_HANDLERS, kwargs=API_CASE, post_only=True),
    "api:cases_recusal": api(CITY_HANDLERS, kwargs=API_CASE, post_only=True),
    "api:cases_recusal_decide": api(CITY_HANDLERS, kwargs={"recusal_id": "recusal:玉司"}, post_only=True),
    "api:cases_decision": api(CITY_HANDLERS, kwargs=API_CASE, post_only=True),
    "api:cases_close": api(CITY_HANDLERS, kwargs=API_CASE, post_only=True),
}


def _case(short_name: str) -> int:
    """A penalty case of the agency (one published 事项, written directly by cases.tests.factories.make_case)."""
    from accounts.models import User
    from cases.models import Case
    from cases.tests.factories import make_case
    from catalog.models import Item
    from catalog.tests import factories
    from core.models import Agency

    agency = Agency.objects.get(short_name=short_name)
    existing = Case.objects.filter(agency=agency).first()
    if existing is not None:
        return existing.pk
    officer = User.objects.filter(agency=agency, roles__role="officer").first()
    item = Item.objects.filter(agency=agency, state="published", category="penalty").first()
    if item is None:
        drafter = User.objects.filter(agency=agency, roles__role="dept_head").first() or officer
        reviewer = User.objects.filter(
            agency=agency, roles__role__in=["publicity_reviewer", "supervisor"]
        ).first()
        data = factories.penalty(f"MATRIX-CASE-{agency.pk}", department=factories.DEPARTMENT[short_name])
        item = factories.published_item(drafter, reviewer, agency, data)
    return make_case(officer, item, "penalty_general").pk  # type: ignore[arg-type]


def _recusal(short_name: str) -> int:
    from cases.models import Case, Recusal
    from cases.tests.factories import certified_officer

    case = Case.objects.get(pk=_case(short_name))
    existing = Recusal.objects.filter(case=case).first()
    if existing is not None:
        return existing.pk
    officer = certified_officer(case.agency, "矩阵执法员")
    return Recusal.objects.create(
        case=case, officer=officer, applicant="测试当事人", reason="与当事人有亲属关系"
    ).pk


RESOLVERS: dict[str, Any] = {"case": _case, "recusal": _recusal}
