"""Open data of 事后公开 under /api/v1/public/ (issue #6 item 6): 执法结果, 撤回公告 and 年度数据.

Like publicity.api, every JSON response is a typed Schema declaring only the public fields; CSV (``?format=csv``)
is UTF-8 with a BOM so that Excel opens it, with Chinese headers. Shapes come from publicity.portal_results,
shared with the portal pages, and read only ``Publication`` snapshots.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, Literal

from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from ninja import Query, Router, Schema, Status

from publicity import portal_results as res
from publicity import public as pub

router = Router(tags=["公开数据"], auth=None)

MAX_PAGE_SIZE = 100
Format = Literal["json", "csv"]


# --- schemas -----------------------------------------------------------------------------------------------


class DecisionOut(Schema):
    id: int
    url: str
    doc_number: str
    agency_id: int
    agency_name: str
    party: str
    party_kind: str
    category: str
    decided_on: str
    result: str
    published_on: str


class DecisionPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[DecisionOut]


class DecisionDetailOut(DecisionOut):
    facts: str
    basis: str
    procedure: str
    penalty_types: list[str]
    fine_amount: str | None
    confiscation_amount: str | None
    expires_on: str | None
    version: int


class WithdrawalOut(Schema):
    doc_number: str
    agency_id: int
    agency_name: str
    category: str
    decided_on: str
    withdrawn_on: str
    reason: str


class WithdrawalPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[WithdrawalOut]


class AnnualRefOut(Schema):
    year: int
    scope: str
    agency_id: int
    agency_name: str
    published_on: str
    url: str


class ColumnOut(Schema):
    code: str
    label: str


class AnnualRowOut(Schema):
    department: str
    values: dict[str, int | float | str]
    manual: bool
    note: str


class AnnualTableOut(Schema):
    code: str
    label: str
    columns: list[ColumnOut]
    rows: list[AnnualRowOut]
    total: dict[str, int | float | str]
    manual: bool
    statement: str


class ExtendedOut(Schema):
    code: str
    label: str
    value: int | float | str


class AnnualReportOut(Schema):
    year: int
    scope: str
    agency_id: int
    agency_name: str
    narrative: str
    published_on: str
    version: int
    tables: list[AnnualTableOut]
    extended: list[ExtendedOut]
    extended_table: AnnualTableOut | None
    penalty_order: list[str]
    penalty_order_source: str


class AnnualYearOut(Schema):
    year: int
    reports: list[AnnualReportOut]


class Problem(Schema):
    code: str
    message: str


# --- helpers -----------------------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(name: str, columns: list[tuple[str, str]], rows: Iterable[dict[str, Any]]) -> StreamingHttpResponse:
    """UTF-8 with BOM (Excel), Chinese headers, only the declared columns, streamed."""
    writer = csv.writer(_Echo())
    fields = [f for f, _h in columns]

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([h for _f, h in columns])
        for row in rows:
            yield writer.writerow([pub.cell(row.get(f)) for f in fields])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.csv")
    return response


def _page_args(page: int, page_size: int) -> tuple[int, int]:
    return max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)


def _abs(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


# --- 执法结果 -----------------------------------------------------------------------------------------------


class DecisionQuery(Schema):
    q: str = ""
    doc: str = ""
    party: str = ""
    category: str = ""
    agency: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    page_size: int = 20
    format: Format = "json"


@router.get("/decisions", response=DecisionPage, summary="执法结果公示检索")
def public_decisions(request: HttpRequest, filters: Query[DecisionQuery]) -> Any:
    """现行公示的行政许可、行政处罚、行政检查决定（已脱敏），最新公示在前。可按决定书文号（doc）、执法对象（party）、
    关键词（q：文号、对象、机关、事实）、执法类别（category：行政许可、行政处罚、行政检查）、执法机关（agency）、
    决定日期范围（date_from、date_to，YYYY-MM-DD）筛选，分页返回。format=csv 返回全部筛选结果的 CSV
    （UTF-8 带 BOM，可直接用 Excel 打开），含事实、依据、处罚种类和金额等全部公示字段。已撤回或公示期限届满的不在其中。"""
    flt = res.DecisionFilter.from_params(filters.dict())
    if filters.format == "csv":
        qs = res.decisions(flt).only(*res.DECISION_LIST_FIELDS, "expires_on", "version")
        return _csv("执法结果", res.DECISION_COLUMNS, pub.export_rows(qs, res.decision_detail))
    page, page_size = _page_args(filters.page, filters.page_size)

    def compute() -> dict[str, Any]:
        count = res.decision_count(flt)
        start = (page - 1) * page_size
        rows = res.decisions(flt, count).only(*res.DECISION_LIST_FIELDS)[start : start + page_size]
        return {
            "count": count,
            "page": page,
            "page_size": page_size,
            "results": [
                {**res.decision_row(p), "url": reverse("portal:result_detail", args=[p.pk])} for p in rows
            ],
        }

    data = pub.cached(f"api-decisions|{flt.key}|{page}|{page_size}", compute)
    return {**data, "results": [{**r, "url": _abs(request, r["url"])} for r in data["results"]]}


@router.get("/decisions/{id}", response={200: DecisionDetailOut, 404: Problem}, summary="执法结果详情")
def public_decision(request: HttpRequest, id: int) -> Any:
    """一项现行公示的执法决定的全部公示字段：文号、机关、对象、类别、事实、依据、结果、程序、处罚种类、罚没金额、
    决定日期、公示日期与公示截止日期。已撤回、已被更正版本替代或公示期限届满的返回 404。"""
    publication = res.live_decision(id)
    if publication is None:
        return Status(404, {"code": "not_found", "message": "该执法结果未公示、已撤回或已过公示期限"})
    return {
        **res.decision_detail(publication),
        "url": _abs(request, reverse("portal:result_detail", args=[publication.pk])),
    }


# --- 撤回公告 -----------------------------------------------------------------------------------------------


@router.get("/withdrawals", response=WithdrawalPage, summary="执法结果撤回公告")
def public_withdrawals(
    request: HttpRequest, page: int = 1, page_size: int = 20, format: Format = "json"
) -> Any:
    """因变更、撤销、确认违法或确认无效而撤回的执法结果公示及其撤回理由（《行政处罚法》第四十八条第二款），
    最近撤回在前；只含文号、机关、类别、决定日期、撤回日期和撤回理由。format=csv 返回全部（UTF-8 带 BOM）。"""
    qs = res.withdrawn()
    if format == "csv":
        return _csv("撤回公告", res.WITHDRAWAL_COLUMNS, pub.export_rows(qs, res.withdrawal_row))
    page, page_size = _page_args(page, page_size)
    count = pub.cached(f"count:withdrawals|{pub.today()}", qs.order_by().count)
    start = (page - 1) * page_size
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "results": [res.withdrawal_row(p) for p in qs[start : start + page_size]],
    }


# --- 年度数据 -----------------------------------------------------------------------------------------------


@router.get("/annual-reports", response=list[AnnualRefOut], summary="年度数据目录")
def public_annual_reports(request: HttpRequest) -> list[dict[str, Any]]:
    """已公开的各年度行政执法统计年报，新年度在前；scope 为 city（全市汇总）或 agency（单个机关）。
    url 为门户中该年报的页面（含图表）。"""
    refs: list[dict[str, Any]] = []
    for entry in res.annual_index():
        year = entry["year"]
        parts = ([entry["city"]] if entry["city"] else []) + entry["agencies"]
        for r in parts:
            path = (
                reverse("portal:annual_year", args=[year])
                if r["scope"] == "city"
                else reverse("portal:annual_agency", args=[year, r["agency_id"]])
            )
            refs.append(
                {
                    "year": year,
                    "scope": r["scope"],
                    "agency_id": r["agency_id"],
                    "agency_name": r["agency_name"],
                    "published_on": r["published_on"],
                    "url": _abs(request, path),
                }
            )
    return refs


@router.get(
    "/annual-reports/{year}", response={200: AnnualYearOut, 404: Problem}, summary="某年度行政执法统计年报"
)
def public_annual_report(
    request: HttpRequest, year: int, agency: int | None = None, format: Format = "json"
) -> Any:
    """一个年度的全部已公开年报（全市汇总在前）或一个机关的年报（agency）：行政许可、行政处罚、行政强制、
    行政征收、行政征用、行政检查六张表（按科室或机关分行，含合计；manual 为 true 的为手工填报数据）、扩展指标
    （简易/一般程序、法制审核与纠错、移送司法机关、不予/减轻处罚、复议与诉讼）和情况说明。format=csv 返回
    长表格式（每个数值一行：年度、机关、范围、统计表、科室或机关、指标、数值、手工填报；UTF-8 带 BOM）。"""
    reports = res.year_reports(year, agency)
    if not reports:
        return Status(404, {"code": "not_found", "message": "该年度数据尚未公开"})
    if format == "csv":
        return _csv(f"{year}年度数据", res.ANNUAL_CSV_COLUMNS, res.annual_csv_rows(reports))
    return {"year": year, "reports": reports}
