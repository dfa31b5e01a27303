"""Permission-matrix entries of online 许可 (combined by cases/tests/matrix.py): the public /apply/ pages and API,
and the staff import of 政务服务平台 办件 (case.handle over the user's own agency)."""

from __future__ import annotations

from typing import Any

from tests.matrix import Rule, public, staff

# case.handle anywhere (each user imports into their own agency).
HANDLERS = {
    "zhangsan",
    "zhaoliu",
    "kezhang",
    "lisi",
    "fenguan",
    "juzhang",
    "wangwu",
    "hongta_kezhang",
    "shijianju",
}

ENTRIES: dict[str, Rule] = {
    "apply:index": public(),
    "apply:form": public(kwargs={"item_pk": "online_item:玉司"}),
    "apply:status": public(),
    "api:apply_items": public(api=True),
    "api:apply_status": public(api=True, post_only=True),
    "cases:platform_import": staff(HANDLERS),
    "cases:platform_sample": staff(HANDLERS, kwargs={"fmt": "csv"}),
}


def _online_item(short_name: str) -> int:
    from accounts.models import User
    from catalog.models import Item
    from catalog.tests import factories
    from core.models import Agency

    agency = Agency.objects.get(short_name=short_name)
    code = f"MATRIX-WS-{agency.pk}"
    existing = Item.objects.filter(agency=agency, code=code).first()
    if existing is not None:
        return int(existing.pk)
    drafter = User.objects.filter(agency=agency, roles__role="officer").order_by("pk").first()
    reviewer = User.objects.filter(agency=agency, roles__role="publicity_reviewer").order_by("pk").first()
    data = factories.licensing(code, department=factories.DEPARTMENT[short_name])
    return int(factories.published_item(drafter, reviewer, agency, data).pk)


RESOLVERS: dict[str, Any] = {"online_item": _online_item}
