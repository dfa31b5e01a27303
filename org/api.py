"""Agencies and departments in the API (read); writes go through the same actions as the UI."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from accounts.access import require, scoped, scoped_get
from core.http import client_ip
from core.models import Agency, Region
from org import actions

router = Router(tags=["机构"])


class DepartmentOut(Schema):
    id: int
    name: str
    is_review_office: bool
    is_enforcing: bool
    is_active: bool


class AgencyOut(Schema):
    id: int
    name: str
    short_name: str
    region: str
    region_code: str
    sector: str
    is_supervision_body: bool
    is_active: bool


class AgencyIn(Schema):
    region_code: str
    name: str
    short_name: str
    sector: str = ""
    is_supervision_body: bool = False
    address: str = ""
    phone: str = ""
    supervision_phone: str = ""


def _agency(a: Agency) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.name,
        "short_name": a.short_name,
        "region": a.region.name,
        "region_code": a.region.code,
        "sector": a.sector,
        "is_supervision_body": a.is_supervision_body,
        "is_active": a.is_active,
    }


@router.get("/agencies", response=list[AgencyOut], summary="我可查看的执法机关")
def agencies(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, "org.read")
    return [
        _agency(a) for a in scoped(request.user, "org.read", Agency.objects.select_related("region"), "id")
    ]


@router.get("/agencies/{agency_id}/departments", response=list[DepartmentOut], summary="机关的内设机构")
def departments(request: HttpRequest, agency_id: int) -> Any:
    agency = scoped_get(request.user, "org.read", Agency.objects.all(), "id", pk=agency_id)
    return list(agency.departments.all())


@router.post("/agencies", response={201: AgencyOut}, summary="登记执法机关（系统管理员）")
def create_agency(request: HttpRequest, data: AgencyIn) -> Status:
    from core.errors import SanxiangError

    region = Region.objects.filter(code=data.region_code).first()
    if region is None:
        raise SanxiangError(f"所属区划：区划代码 {data.region_code} 不存在", field="region_code")
    payload = data.dict()
    payload["region"] = region
    agency = actions.save_agency(request.user, None, payload, ip=client_ip(request))
    return Status(201, _agency(agency))
