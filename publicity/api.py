"""Open data under /api/v1/public/: published snapshots only (design.md §4).

Every response is a typed Schema that declares only the fields the public may see, so nothing else in a
payload can leak. Shapes come from publicity.public, shared with the portal pages.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema, Status

from publicity import flow
from publicity import public as pub
from publicity.models import Kind

router = Router(tags=["公开数据"], auth=None)

MAX_PAGE_SIZE = 100


# --- schemas -----------------------------------------------------------------------------------------------


class SubjectOut(Schema):
    agency_id: int
    name: str
    nature: str
    entrusting_agency: str
    entrusted_scope: str
    head: str
    address: str
    categories: list[str]
    area: str
    phone: str
    supervision_phone: str
    legal_basis: str
    credit_code: str
    region: str
    confirmed_on: str
    version: int
    published_at: str


class OfficerOut(Schema):
    name: str
    photo_url: str | None
    unit: str
    agency_id: int
    agency_name: str
    position: str
    categories: list[str]
    area: str
    certificate_number: str
    issuer: str
    valid_from: str
    valid_until: str
    status: str
    status_label: str


class OfficerPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[OfficerOut]


class VerifyOut(Schema):
    valid: bool
    status: str
    status_label: str
    name: str
    unit: str
    categories: list[str]
    area: str
    message: str


class ItemOut(Schema):
    agency_id: int
    agency_name: str
    code: str
    name: str
    category: str
    department: str


class ItemPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ItemOut]


class LegalBasisOut(Schema):
    law: str
    article: str
    text: str


class DiscretionOut(Schema):
    condition: str
    range: str
    note: str


class AvDutyOut(Schema):
    step: str
    requirement: str


class InspectionOut(Schema):
    sub_items: str
    method: str
    content: str
    note: str


class MaterialOut(Schema):
    name: str
    required: bool
    copies: str
    sample_url: str | None


class GuideOut(Schema):
    conditions: str
    materials: list[MaterialOut]
    fees: str
    time_limit: str
    remedies: str
    window: str
    phone: str


class VersionOut(Schema):
    version: int
    published_at: str
    superseded_at: str | None
    withdrawn: bool
    change_note: str


class ItemDetailOut(Schema):
    agency_id: int
    agency_name: str
    code: str
    name: str
    category: str
    level: str
    department: str
    legal_bases: list[LegalBasisOut]
    time_limit: str
    time_limit_days: int | None
    time_limit_unit: str
    procedure: str
    procedure_label: str
    flowchart_url: str | None
    discretion: list[DiscretionOut]
    is_major: bool
    major_criteria: str
    av_duties: list[AvDutyOut]
    inspection: InspectionOut | None
    guide: GuideOut | None
    change_note: str
    version: int
    published_at: str
    versions: list[VersionOut]


class FlowchartOut(Schema):
    code: str
    name: str
    svg_url: str | None


class MajorOut(Schema):
    seq: int
    agency_id: int
    agency_name: str
    department: str
    code: str
    name: str
    category: str
    major_criteria: str
    legal_basis: str


class AvOut(Schema):
    seq: int
    agency_id: int
    agency_name: str
    department: str
    code: str
    name: str
    category: str
    step: str
    requirement: str


class InspectionListOut(Schema):
    seq: int
    agency_id: int
    code: str
    project: str
    sub_items: str
    subject: str
    basis: str
    method: str
    content: str
    note: str


class Problem(Schema):
    code: str
    message: str


# --- helpers -----------------------------------------------------------------------------------------------


def _page_args(page: int, page_size: int) -> tuple[int, int]:
    return max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)


def _slice(queryset: Any, page: int, page_size: int, key: str) -> tuple[int, list[Any]]:
    count = pub.cached(f"count:{key}", queryset.order_by().count)
    start = (page - 1) * page_size
    return count, list(queryset[start : start + page_size])


def _abs(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


# --- 执法主体 -----------------------------------------------------------------------------------------------


@router.get("/subjects", response=list[SubjectOut], summary="执法主体公告列表")
def public_subjects(request: HttpRequest, region: str = "") -> list[dict[str, Any]]:
    """全部已公告的行政执法主体（现行版本）；可按所属区划筛选。"""
    rows = [pub.subject_row(p) for p in pub.live(Kind.SUBJECT).order_by("agency_id")]
    region = pub.clean_query(region)
    return [r for r in rows if not region or r["region"] == region]


@router.get("/subjects/{agency_id}", response={200: SubjectOut, 404: Problem}, summary="执法主体详情")
def public_subject(request: HttpRequest, agency_id: int) -> Any:
    """一个执法机关的现行执法主体公告。"""
    publication = pub.version_of(Kind.SUBJECT, agency_id, "subject", None)
    if publication is None:
        return Status(404, {"code": "not_found", "message": "该执法主体未公示或已撤回"})
    return pub.subject_row(publication)


# --- 执法人员 -----------------------------------------------------------------------------------------------


def _officer_out(request: HttpRequest, row: dict[str, Any]) -> dict[str, Any]:
    photo = (
        _abs(request, reverse("portal:officer_photo", args=[row["certificate_number"]]))
        if row["has_photo"]
        else None
    )
    return {**row, "photo_url": photo}


@router.get("/officers/verify", response=VerifyOut, summary="执法证件核验")
def public_officer_verify(request: HttpRequest, number: str = "") -> dict[str, Any]:
    """按执法证号核验：是否为现行有效证件，以及姓名、所在执法机构、执法类别、执法区域——不返回其他个人信息。
    未查询到时 valid 为 false，message 为“未查询到该执法证号”。"""
    return pub.verification(number)


@router.get("/officers", response=OfficerPage, summary="执法人员列表")
def public_officers(
    request: HttpRequest,
    agency: int | None = None,
    category: str = "",
    q: str = "",
    page: int = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    """持证执法人员（公示字段：姓名、照片、所在执法机构、职务、执法类别、执法区域、执法证号、发证机关、有效期、证件状态）。"""
    page, page_size = _page_args(page, page_size)
    qs, filters = pub.officer_queryset({"agency": agency, "category": category, "q": q})
    count, rows = _slice(qs, page, page_size, f"officers|{sorted(filters.items())}")
    today = pub.today()
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "results": [_officer_out(request, pub.officer_row(p, today)) for p in rows],
    }


# --- 执法事项 -----------------------------------------------------------------------------------------------


class ItemQuery(Schema):
    q: str = ""
    agency: int | None = None
    category: str = ""
    department: str = ""
    page: int = 1
    page_size: int = 20


@router.get("/items", response=ItemPage, summary="执法事项检索")
def public_items(request: HttpRequest, filters: Query[ItemQuery]) -> dict[str, Any]:
    """按名称、事项编码或法律依据中文子串检索（q），可按实施机关（agency）、类别（category：行政许可、行政处罚、
    行政检查、行政强制、其他）、承办科室（department）筛选，分页返回。"""
    flt = pub.ItemFilter.from_params(filters.dict())
    page, page_size = _page_args(filters.page, filters.page_size)

    def compute() -> dict[str, Any]:
        count = pub.item_count(flt)
        start = (page - 1) * page_size
        rows = pub.items(flt, count).only(*pub.ITEM_LIST_FIELDS)[start : start + page_size]
        return {
            "count": count,
            "page": page,
            "page_size": page_size,
            "results": [
                {
                    "agency_id": p.agency_id,
                    "agency_name": pub.agency_name(p.agency_id),
                    "code": p.key,
                    "name": p.title,
                    "category": p.category,
                    "department": p.department,
                }
                for p in rows
            ],
        }

    # Cached per query and page until the next publication (or COUNT_TTL), like the portal's result list.
    return pub.cached(f"api-items|{flt.key}|{page}|{page_size}", compute)


@router.get("/items/{agency_id}/{code}", response={200: ItemDetailOut, 404: Problem}, summary="执法事项详情")
def public_item(request: HttpRequest, agency_id: int, code: str) -> Any:
    """一个事项的全部公示内容：法律依据、裁量基准、重大执法决定、音像记录、随机抽查、服务指南与版本记录。"""
    publication = pub.version_of(Kind.ITEM, agency_id, code, None)
    if publication is None:
        return Status(404, {"code": "not_found", "message": "该事项未公示或已撤回"})
    detail = pub.item_detail(publication)
    if detail["guide"]:
        for m in detail["guide"]["materials"]:
            m["sample_url"] = (
                _abs(request, reverse("portal:item_sample", args=[agency_id, code, m["index"]]))
                if m["has_sample"]
                else None
            )
    detail["flowchart_url"] = (
        _abs(request, reverse("portal:flowchart", args=[detail["procedure"]]))
        if detail["procedure"] in flow.procedures() and flow.available()
        else None
    )
    detail["versions"] = [
        {
            "version": v.version,
            "published_at": v.published_at.astimezone(pub.SHANGHAI).date().isoformat(),
            "superseded_at": v.superseded_at.astimezone(pub.SHANGHAI).date().isoformat()
            if v.superseded_at
            else None,
            "withdrawn": v.withdrawn_at is not None,
            "change_note": str((v.payload or {}).get("change_note") or ""),
        }
        for v in pub.history(Kind.ITEM, agency_id, code)
    ]
    return detail


# --- 流程图 ------------------------------------------------------------------------------------------------


@router.get("/flowcharts", response=list[FlowchartOut], summary="执法流程图目录")
def public_flowcharts(request: HttpRequest) -> list[dict[str, Any]]:
    """各类行政执法程序；svg_url 为流程图（SVG）地址，流程图尚未发布时为 null。"""
    available = flow.available()
    return [
        {
            "code": code,
            "name": name,
            "svg_url": _abs(request, reverse("portal:flowchart", args=[code])) if available else None,
        }
        for code, name in flow.procedures().items()
    ]


@router.get(
    "/flowcharts/{code}.svg",
    response={200: None, 404: Problem},
    summary="执法流程图（SVG）",
    openapi_extra={"responses": {200: {"content": {"image/svg+xml": {}}, "description": "SVG 流程图"}}},
)
def public_flowchart_svg(request: HttpRequest, code: str) -> Any:
    """一个程序的流程图，SVG 格式，中文标注。"""
    svg = flow.svg(code)
    if svg is None:
        return Status(404, {"code": "not_found", "message": "流程图尚未发布"})
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- 清单 -----------------------------------------------------------------------------------------------------


def _numbered(queryset: Any, shape: Any, agency: int | None, many: bool = False) -> list[dict[str, Any]]:
    if agency:
        queryset = queryset.filter(agency_id=agency)
    return list(pub.numbered(pub.export_rows(queryset, shape, many)))


@router.get("/lists/major", response=list[MajorOut], summary="重大执法决定法制审核目录清单")
def public_list_major(request: HttpRequest, agency: int | None = None) -> list[dict[str, Any]]:
    """列入重大执法决定法制审核目录的事项（《行政处罚法》第五十八条）。"""
    return _numbered(pub.major_items(), pub.major_row, agency)


@router.get("/lists/av", response=list[AvOut], summary="音像记录事项清单")
def public_list_av(request: HttpRequest, agency: int | None = None) -> list[dict[str, Any]]:
    """需要音像记录的执法环节，每个事项每个环节一行（《云南省行政执法全过程记录办法》）。"""
    return _numbered(pub.av_items(), pub.av_rows, agency, many=True)


@router.get("/lists/inspection", response=list[InspectionListOut], summary="随机抽查事项清单")
def public_list_inspection(request: HttpRequest, agency: int | None = None) -> list[dict[str, Any]]:
    """“双随机、一公开”随机抽查事项清单：检查项目、检查子项、检查主体、检查依据、检查方式、检查内容、备注。"""
    return _numbered(pub.inspection_items(), pub.inspection_row, agency)


# --- 事后公开: 执法结果、撤回公告、年度数据 (issue #6) ------------------------------------------------------------

from publicity.api_results import router as results_router  # noqa: E402

router.add_router("", results_router)
