"""Public JSON API of online 许可 applications; mounted under /api/v1/apply/ (no authentication).

- ``GET  /api/v1/apply/items`` — 许可 items open for online application, with their 材料清单;
- ``POST /api/v1/apply/status`` — ``{"application_number", "query_code"}`` → the public status (404 when either
  is wrong; rate-limited per IP like the page). Filing an application with its files is done on the page
  (/apply/<item>/, multipart); it has no JSON twin.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from cases.actions import online as actions

router = Router(tags=["网上申请"])


class MaterialOut(Schema):
    name: str
    required: bool
    copies: int


class ItemOut(Schema):
    id: int
    code: str
    name: str
    agency: str
    time_limit: str
    fees: str
    materials: list[MaterialOut]


class StatusIn(Schema):
    application_number: str
    query_code: str


class DueOut(Schema):
    label: str
    due_on: date


class StatusOut(Schema):
    item_name: str
    agency_name: str
    application_number: str
    submitted_on: date | None
    status: str
    step_name: str
    due: list[DueOut]
    outcome: str
    decided_on: date | None


class Problem(Schema):
    code: str
    message: str


@router.get(
    "/items", auth=None, response=list[ItemOut], url_name="apply_items", summary="可网上申请的许可事项"
)
def items(request: HttpRequest) -> list[dict[str, Any]]:
    rows = []
    for item in actions.online_items():
        rows.append(
            {
                "id": item.pk,
                "code": item.code,
                "name": item.name,
                "agency": item.agency.name,
                "time_limit": item.guide.time_limit,
                "fees": item.guide.fees,
                "materials": [
                    {"name": m.name, "required": m.required, "copies": m.copies}
                    for m in actions.materials_of(item)
                ],
            }
        )
    return rows


@router.post(
    "/status",
    auth=None,
    response={200: StatusOut, 404: Problem, 429: Problem},
    url_name="apply_status",
    summary="凭申请编号和查询码查询办理进度",
)
def status(request: HttpRequest, payload: StatusIn) -> Status:
    from cases.views_online import LOOKUPS_PER_HOUR, _rate_limited

    if _rate_limited(request):
        return Status(
            429, {"code": "rate_limited", "message": f"查询过于频繁：每小时最多 {LOOKUPS_PER_HOUR} 次"}
        )
    result = actions.status_for(payload.application_number, payload.query_code)
    if result is None:
        return Status(404, {"code": "not_found", "message": "未找到与该申请编号和查询码对应的申请"})
    return Status(
        200,
        {
            "item_name": result.item_name,
            "agency_name": result.agency_name,
            "application_number": result.application_number,
            "submitted_on": result.submitted_on,
            "status": result.status_label,
            "step_name": result.step_name,
            "due": [{"label": label, "due_on": due} for label, due in result.due],
            "outcome": result.outcome,
            "decided_on": result.decided_on,
        },
    )
