"""Staff API of the catalog (事项清单). Mounted at /api/v1/catalog/.

The same actions as the staff pages: list/get (publicity.read), create/update/submit (publicity.draft, own
agency), return/approve/withdraw (publicity.review, the 行政执法协调监督科 over supervised agencies).
示范文本 files are uploaded on the staff page; the API keeps the files an item already has.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from accounts.access import require, scoped, scoped_get
from catalog import actions
from catalog.models import Item
from core.http import client_ip
from core.models import Agency

router = Router(tags=["事项清单"])


class LegalBasisIO(Schema):
    law: str
    article: str = ""
    text: str = ""


class BandIO(Schema):
    condition: str
    range_text: str
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    note: str = ""


class AvDutyIO(Schema):
    step: str
    requirement: str


class MaterialIO(Schema):
    name: str
    required: bool = True
    copies: int = 1
    sample: str = ""  # storage name of a file the item already has; "" for none


class GuideIO(Schema):
    conditions: str = ""
    fees: str = "不收费"
    time_limit: str = ""
    remedies: str = ""
    window: str = ""
    phone: str = ""
    materials: list[MaterialIO] = []


class ItemIn(Schema):
    code: str
    name: str
    category: str  # licensing | penalty | inspection | coercion | other
    level: str = "city"  # city | county
    department: str  # 承办科室 name within the agency
    procedure: str | None = None  # None: the default of the category; "" none
    time_limit_days: int | None = None
    time_limit_unit: str = "workday"
    time_limit_text: str = ""
    is_major: bool = False
    major_criteria: str = ""
    is_random_inspection: bool = False
    inspection_sub_items: str = ""
    inspection_method: str = ""
    inspection_content: str = ""
    inspection_note: str = ""
    change_note: str = ""
    legal_bases: list[LegalBasisIO] = []
    discretion: list[BandIO] = []
    av_duties: list[AvDutyIO] = []
    guide: GuideIO | None = None


class ItemCreateIn(ItemIn):
    agency_id: int | None = None  # default: the caller's agency


class ItemSummary(Schema):
    id: int
    agency_id: int
    agency_name: str
    code: str
    name: str
    category: str
    category_label: str
    department: str
    state: str
    state_label: str
    is_abolished: bool
    published_version: int


class ItemOut(ItemSummary):
    return_comment: str
    data: dict[str, Any]
    revisions: list[dict[str, Any]]


class CommentIn(Schema):
    comment: str = ""


class ReasonIn(Schema):
    reason: str


def _summary(item: Item) -> dict[str, Any]:
    return {
        "id": item.pk,
        "agency_id": item.agency_id,
        "agency_name": item.agency.name,
        "code": item.code,
        "name": item.name,
        "category": item.category,
        "category_label": item.get_category_display(),
        "department": item.department.name,
        "state": item.state,
        "state_label": item.get_state_display(),
        "is_abolished": item.is_abolished,
        "published_version": item.published_version,
    }


def _full(item: Item) -> dict[str, Any]:
    return {
        **_summary(item),
        "return_comment": item.return_comment,
        "data": actions.item_data(item),
        "revisions": [
            {
                "action": r.action,
                "action_label": r.get_action_display(),
                "at": r.at.isoformat(),
                "actor": r.actor.full_name if r.actor else "",
                "comment": r.comment,
                "version": r.version,
            }
            for r in item.revisions.select_related("actor")
        ],
    }


def _data(payload: ItemIn) -> dict[str, Any]:
    data = payload.dict(exclude={"agency_id"})
    if data.get("procedure") is None:
        data.pop("procedure", None)
    return data


def _queryset() -> Any:
    return Item.objects.select_related("agency", "department")


@router.get(
    "/items", response=list[ItemSummary], url_name="catalog_items", summary="事项清单（含草稿与审核状态）"
)
def catalog_items(
    request: HttpRequest, agency_id: int | None = None, category: str = "", state: str = "", q: str = ""
) -> list[dict[str, Any]]:
    require(request.user, "publicity.read")
    qs = scoped(request.user, "publicity.read", _queryset()).filter(is_abolished=False)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if category:
        qs = qs.filter(category=category)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(code__icontains=q)
    return [_summary(i) for i in qs.order_by("agency_id", "code")[:1000]]


@router.post("/items", response={201: ItemOut}, url_name="catalog_create_item", summary="新增事项草稿")
def catalog_create_item(request: HttpRequest, payload: ItemCreateIn) -> Status:
    agency_id: int = payload.agency_id or request.user.agency_id or 0  # type: ignore[union-attr]
    require(request.user, "publicity.draft", agency_id)
    agency = Agency.objects.get(pk=agency_id)
    item = actions.save_item(request.user, agency, None, _data(payload), ip=client_ip(request))
    return Status(201, _full(item))


@router.get("/items/{item_id}", response=ItemOut, url_name="catalog_item", summary="事项详情与修订记录")
def catalog_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    return _full(scoped_get(request.user, "publicity.read", _queryset(), pk=item_id))


@router.put("/items/{item_id}", response=ItemOut, url_name="catalog_update_item", summary="修改事项草稿")
def catalog_update_item(request: HttpRequest, item_id: int, payload: ItemIn) -> dict[str, Any]:
    item = scoped_get(request.user, "publicity.draft", _queryset(), pk=item_id)
    item = actions.save_item(request.user, item.agency, item, _data(payload), ip=client_ip(request))
    return _full(item)


@router.post("/items/{item_id}/submit", response=ItemOut, url_name="catalog_submit", summary="报送审核")
def catalog_submit(request: HttpRequest, item_id: int) -> dict[str, Any]:
    item = scoped_get(request.user, "publicity.draft", _queryset(), pk=item_id)
    return _full(actions.submit_item(request.user, item, ip=client_ip(request)))


@router.post(
    "/items/{item_id}/return", response=ItemOut, url_name="catalog_return", summary="退回修改（监督科）"
)
def catalog_return(request: HttpRequest, item_id: int, payload: CommentIn) -> dict[str, Any]:
    item = scoped_get(request.user, "publicity.review", _queryset(), pk=item_id)
    return _full(actions.return_item(request.user, item, payload.comment, ip=client_ip(request)))


@router.post(
    "/items/{item_id}/approve",
    response=ItemOut,
    url_name="catalog_approve",
    summary="审核通过并发布（监督科）",
)
def catalog_approve(request: HttpRequest, item_id: int, payload: CommentIn) -> dict[str, Any]:
    item = scoped_get(request.user, "publicity.review", _queryset(), pk=item_id)
    return _full(actions.approve_item(request.user, item, payload.comment, ip=client_ip(request)))


@router.post(
    "/items/{item_id}/withdraw",
    response=ItemOut,
    url_name="catalog_withdraw",
    summary="废止并撤回公示（监督科）",
)
def catalog_withdraw(request: HttpRequest, item_id: int, payload: ReasonIn) -> dict[str, Any]:
    item = scoped_get(request.user, "publicity.review", _queryset(), pk=item_id)
    return _full(actions.abolish_item(request.user, item, payload.reason, ip=client_ip(request)))
