"""Permission-matrix entries of the catalog app (tests/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from tests.matrix import Rule, api, staff

# publicity.read: every business role (not the 三员), over the supervised agencies.
_PUBLICITY_READERS = {
    "zhangsan",
    "zhaoliu",
    "kezhang",
    "lisi",
    "fenguan",
    "juzhang",
    "jiandu",
    "gongshi",
    "wangwu",
    "hongta_kezhang",
    "hongta_jiandu",
    "shijianju",
}
# publicity.draft: 执法人员、科室负责人、公示审核员 of their own agency.
_DRAFTERS = {"zhangsan", "zhaoliu", "kezhang", "gongshi", "wangwu", "hongta_kezhang", "shijianju"}
# On an item of the 市司法局: its own business staff (红塔区 and 市场监管 staff see nothing of it).
_CITY_READERS = {"zhangsan", "zhaoliu", "kezhang", "lisi", "fenguan", "juzhang", "jiandu", "gongshi"}
_CITY_DRAFTERS = {"zhangsan", "zhaoliu", "kezhang", "gongshi"}
# publicity.review: 监督员、公示审核员 of a 司法局, over the agencies it supervises.
_REVIEWERS = {"jiandu", "gongshi", "hongta_jiandu"}
_CITY_REVIEWERS = {"jiandu", "gongshi"}
ITEM = {"pk": "item:玉司"}

ENTRIES: dict[str, Rule] = {
    # 事项清单 (helper B)
    "catalog:item_list": staff(_PUBLICITY_READERS),
    "catalog:item_create": staff(_DRAFTERS),
    "catalog:item_detail": staff(_CITY_READERS, kwargs=ITEM),
    "catalog:item_edit": staff(_CITY_DRAFTERS, kwargs=ITEM),
    "catalog:item_submit": staff(_CITY_DRAFTERS, kwargs=ITEM, post_only=True),
    "catalog:item_review": staff(_CITY_REVIEWERS, kwargs=ITEM),
    "catalog:item_abolish": staff(_CITY_REVIEWERS, kwargs=ITEM),
    "catalog:revision_detail": staff(_CITY_READERS, kwargs={"pk": "revision:玉司"}),
    "catalog:sample_download": staff(_CITY_READERS, kwargs={"pk": "material:玉司"}),
    "catalog:review_queue": staff(_REVIEWERS),
    "catalog:major_list": staff(_PUBLICITY_READERS),
    "catalog:av_list": staff(_PUBLICITY_READERS),
    "catalog:random_list": staff(_PUBLICITY_READERS),
    "api:catalog_items": api(_PUBLICITY_READERS),
    "api:catalog_create_item": api(
        _DRAFTERS,
        post_only=True,
        skip_reason="same path as api:catalog_items; tested in catalog/tests/test_api.py",
    ),
    "api:catalog_item": api(_CITY_READERS, kwargs={"item_id": "item:玉司"}),
    "api:catalog_update_item": api(
        _CITY_DRAFTERS, skip_reason="same path as api:catalog_item (PUT); tested in catalog/tests/test_api.py"
    ),
    "api:catalog_submit": api(_CITY_DRAFTERS, kwargs={"item_id": "item:玉司"}, post_only=True),
    "api:catalog_return": api(_CITY_REVIEWERS, kwargs={"item_id": "item:玉司"}, post_only=True),
    "api:catalog_approve": api(_CITY_REVIEWERS, kwargs={"item_id": "item:玉司"}, post_only=True),
    "api:catalog_withdraw": api(_CITY_REVIEWERS, kwargs={"item_id": "item:玉司"}, post_only=True),
    # Excel import/export of the 事项清单 (helper C)
    "catalog:import": staff(_DRAFTERS),
    "catalog:import_template": staff(_PUBLICITY_READERS),
    "catalog:export": staff(_PUBLICITY_READERS),
    # Procedure definitions and flowcharts (helper E): read-only, publicity.read.
    "catalog:process_list": staff(_PUBLICITY_READERS),
    "catalog:process_detail": staff(_PUBLICITY_READERS, kwargs={"code": "penalty_general"}),
    "catalog:process_svg": staff(_PUBLICITY_READERS, kwargs={"code": "legal_review"}),
}


def _item(short_name: str) -> int:
    from accounts.models import User
    from catalog.models import Item
    from catalog.tests import factories
    from core.models import Agency

    agency = Agency.objects.get(short_name=short_name)
    existing = Item.objects.filter(agency=agency).first()
    if existing is not None:
        return existing.pk
    drafter = User.objects.filter(agency=agency, roles__role="officer").first()
    code = f"MATRIX-{agency.pk}"
    data = factories.penalty(code, department=factories.DEPARTMENT[short_name])
    return factories.make_item(drafter, agency, data).pk


def _material(short_name: str) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from catalog.models import GuideMaterial
    from catalog.tests import factories
    from core.models import Agency

    agency = Agency.objects.get(short_name=short_name)
    drafter = User.objects.filter(agency=agency, roles__role="officer").first()
    data = factories.licensing(f"MATRIX-XK-{agency.pk}", department=factories.DEPARTMENT[short_name])
    data["guide"]["materials"][0]["sample"] = SimpleUploadedFile("申请书示范文本.pdf", b"%PDF-1.4 sample")
    item = factories.make_item(drafter, agency, data)
    return GuideMaterial.objects.get(guide__item=item).pk


def _revision(short_name: str) -> int:
    from accounts.models import User
    from catalog import actions
    from catalog.models import Item, ItemRevision

    item = Item.objects.get(pk=_item(short_name))
    if item.state in ("draft", "returned"):
        drafter = User.objects.filter(agency_id=item.agency_id, roles__role="officer").first()
        actions.submit_item(drafter, item)
    return ItemRevision.objects.filter(item=item, action="submit").latest("at").pk


RESOLVERS: dict[str, Any] = {"item": _item, "material": _material, "revision": _revision}
