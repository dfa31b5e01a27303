"""Permission-matrix entries of the cases app: clocks and compliance pages and API (combined by cases/tests/matrix.py).

case.read (own agency): 执法人员、科室负责人、法制审核员、分管领导、负责人、公示审核员 of the 市司法局. The 监督员, the 三员,
红塔区 and 市场监管 staff see nothing of a city case. POST operations need case.handle (not the 公示审核员).
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Rule, api, staff

CITY_READERS = {"zhangsan", "zhaoliu", "kezhang", "lisi", "fenguan", "juzhang", "gongshi"}
CITY_HANDLERS = CITY_READERS - {"gongshi"}
CASE = {"pk": "clockcase:玉司"}
API_CASE = {"case_id": "clockcase:玉司"}
API_CLOCK = {"case_id": "clockcase:玉司", "clock_id": "clock:玉司"}

ENTRIES: dict[str, Rule] = {
    "cases:clocks": staff(CITY_READERS, kwargs=CASE),
    "cases:compliance": staff(CITY_READERS, kwargs=CASE),
    "api:case_clocks": api(CITY_READERS, kwargs=API_CASE),
    "api:case_compliance": api(CITY_READERS, kwargs=API_CASE),
    "api:case_clock_pause": api(CITY_HANDLERS, kwargs=API_CLOCK, post_only=True),
    "api:case_clock_resume": api(CITY_HANDLERS, kwargs=API_CLOCK, post_only=True),
    "api:case_clock_extend": api(CITY_HANDLERS, kwargs=API_CLOCK, post_only=True),
}


def _case(short_name: str) -> int:
    """A 行政许可 case of the agency with its clocks started (written directly: cases.tests.factories.make_case)."""
    from accounts.models import User
    from cases.actions import clocks
    from cases.models import Clock
    from cases.tests.factories import make_case
    from catalog.models import Item
    from catalog.tests import factories
    from core.models import Agency

    existing = Clock.objects.filter(case__agency__short_name=short_name).first()
    if existing is not None:
        return existing.case_id
    agency = Agency.objects.get(short_name=short_name)
    officer = User.objects.filter(agency=agency, roles__role="officer").first()
    item = Item.objects.filter(agency=agency, state="published", category="licensing").first()
    if item is None:
        drafter = User.objects.filter(agency=agency, roles__role="dept_head").first() or officer
        reviewer = User.objects.filter(
            agency=agency, roles__role__in=["publicity_reviewer", "supervisor"]
        ).first()
        data = factories.licensing(f"MATRIX-CLOCK-{agency.pk}", department=factories.DEPARTMENT[short_name])
        item = factories.published_item(drafter, reviewer, agency, data)
    assert officer is not None
    case = make_case(officer, item, "licensing")
    clocks.on_case_opened(case, actor=officer)
    return case.pk


def _clock(short_name: str) -> int:
    from cases.models import Clock

    case_id = _case(short_name)
    return Clock.objects.filter(case_id=case_id).first().pk  # type: ignore[union-attr]


RESOLVERS: dict[str, Any] = {"clockcase": _case, "clock": _clock}
