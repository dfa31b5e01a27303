"""The public portal (三项制度栏目). Every page reads only live ``publicity.Publication`` rows through
``publicity.public`` (design.md §4); nothing here touches the internal org/catalog records.

《云南省行政执法公示办法》 (regulations.md §2.2) 事前公开: 执法主体、执法人员、职责与依据、执法程序与流程图、
服务指南（含示范文本）、随机抽查事项清单、救济渠道. Every list offers CSV and JSON downloads of the filtered rows.
"""

from __future__ import annotations

import csv
import functools
import json
import mimetypes
from collections.abc import Callable, Iterable, Iterator
from io import BytesIO
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

import segno
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header

from accounts.access import public
from core.errors import SanxiangError
from core.models import Agency
from publicity import flow
from publicity import public as pub
from publicity.models import Kind, Publication

# The columns of the 三项制度 portal (seed 二(一), 国办发〔2018〕118号 事前/事后公开; regulations.md §11 item 16).
COLUMNS = [
    ("zhuti", "执法主体", "行政执法主体资格、职责、法律依据与监督电话"),
    ("renyuan", "执法人员", "持证行政执法人员信息，可按执法证号核验"),
    ("shixiang", "执法事项", "行政许可、行政处罚、行政检查事项清单与裁量基准"),
    ("liucheng", "执法流程", "各类行政执法流程图与服务指南"),
    ("jieguo", "执法结果", "行政许可、行政处罚、行政检查结果公示"),
    ("nianbao", "年度数据", "上年度行政执法统计年报"),
    ("zhongda", "重大执法决定目录", "重大行政执法决定法制审核目录清单与审核流程图"),
    ("yinxiang", "音像记录清单", "行政执法音像记录事项清单"),
    ("choucha", "随机抽查事项清单", "“双随机、一公开”随机抽查事项清单"),
]
COLUMN_MAP = {slug: (title, desc) for slug, title, desc in COLUMNS}
# 执法结果 (jieguo) and 年度数据 (nianbao) have their own routes in publicity/urls.py (publicity.portal_results),
# placed before the generic column route.

PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
SAMPLE_TYPES = {
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".wps",
    ".ofd",
    ".txt",
    ".jpg",
    ".jpeg",
    ".png",
    ".zip",
}


def _ctx(request: HttpRequest, slug: str = "", **extra: Any) -> dict[str, Any]:
    title, desc = COLUMN_MAP.get(slug, ("", ""))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return {
        "columns": COLUMNS,
        "nav": _nav(),
        "slug": slug,
        "title": title,
        "desc": desc,
        "query": query.urlencode(),
        **extra,
    }


@functools.cache
def _nav() -> list[tuple[str, str, str]]:
    return [(slug, title, reverse("portal:column", args=[slug])) for slug, title, _d in COLUMNS]


# --- downloads -------------------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _download(
    request: HttpRequest, name: str, columns: list[tuple[str, str]], rows: Iterable[dict[str, Any]]
) -> StreamingHttpResponse | None:
    """``?format=csv`` (UTF-8 with BOM, opens in Excel) or ``?format=json``: exactly the filtered rows,
    only the declared columns. None when no download was asked for."""
    fmt = request.GET.get("format", "")
    if fmt not in {"csv", "json"}:
        return None
    fields = [f for f, _h in columns]
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def csv_lines() -> Iterator[str]:
            yield "\ufeff" + writer.writerow([h for _f, h in columns])
            for row in rows:
                yield writer.writerow([pub.cell(row.get(f)) for f in fields])

        response = StreamingHttpResponse(csv_lines(), content_type="text/csv; charset=utf-8")
    else:

        def json_chunks() -> Iterator[str]:
            yield "["
            first = True
            for row in rows:
                yield ("" if first else ",") + json.dumps({f: row.get(f) for f in fields}, ensure_ascii=False)
                first = False
            yield "]"

        response = StreamingHttpResponse(json_chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
    return response


def _seq_columns(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("seq", "序号"), *columns]


# --- home and columns ------------------------------------------------------------------------------------


@public
def home(request: HttpRequest) -> HttpResponseBase:
    """Two clicks to any item: the search box and the category tiles lead straight to the item list."""
    bureaus = Agency.objects.filter(is_supervision_body=True, is_active=True).select_related("region")
    facets = pub.item_facets()
    return render(request, "publicity/home.html", _ctx(request, facets=facets, bureaus=bureaus))


@public
def column(request: HttpRequest, column: str) -> HttpResponseBase:
    views: dict[str, Callable[[HttpRequest], HttpResponseBase]] = {
        "zhuti": subjects,
        "renyuan": officers,
        "shixiang": items,
        "liucheng": flowcharts,
        "zhongda": major_list,
        "yinxiang": av_list,
        "choucha": inspection_list,
    }
    if column in views:
        return views[column](request)
    raise Http404("栏目不存在")


# --- 执法主体 -----------------------------------------------------------------------------------------------


def subjects(request: HttpRequest) -> HttpResponseBase:
    """执法主体公告 by region (seed 二(一)1: 市司法局统一公告市级行政执法主体资格)."""
    region = pub.clean_query(request.GET.get("region"))
    rows = [pub.subject_row(p) for p in pub.live(Kind.SUBJECT)]
    infos = pub.agencies()
    rows.sort(
        key=lambda r: (infos[r["agency_id"]].region_sort, infos[r["agency_id"]].region_code, r["agency_id"])
    )
    regions = list(dict.fromkeys(r["region"] for r in rows))
    if region:
        rows = [r for r in rows if r["region"] == region]
    download = _download(request, "执法主体", pub.SUBJECT_COLUMNS, rows)
    if download:
        return download
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["region"], []).append(row)
    return render(
        request,
        "publicity/subjects.html",
        _ctx(request, "zhuti", groups=groups, regions=regions, region=region, count=len(rows)),
    )


@public
def subject_detail(request: HttpRequest, agency_id: int) -> HttpResponseBase:
    version = pub.clean_int(request.GET.get("version"))
    publication = pub.version_of(Kind.SUBJECT, agency_id, "subject", version)
    if publication is None:
        raise Http404("该执法主体未公示或已撤回")
    versions = pub.history(Kind.SUBJECT, agency_id, "subject")
    return render(
        request,
        "publicity/subject_detail.html",
        _ctx(
            request,
            "zhuti",
            subject=pub.subject_row(publication),
            publication=publication,
            versions=versions,
        ),
    )


# --- 执法人员 -----------------------------------------------------------------------------------------------


def _officer_categories() -> list[str]:
    def compute() -> list[str]:
        found: set[str] = set()
        for value in pub.live(Kind.OFFICER).order_by().values_list("category", flat=True).distinct():
            found.update(v for v in value.split("、") if v)
        return sorted(found)

    return pub.cached("officer_categories", compute)


def _officer_agencies() -> list[tuple[int, str]]:
    def compute() -> list[tuple[int, str]]:
        ids = set(pub.live(Kind.OFFICER).order_by().values_list("agency_id", flat=True).distinct())
        infos = [pub.agency_info(i) for i in ids]
        return [
            (a.id, a.name)
            for a in sorted((a for a in infos if a), key=lambda a: (a.region_sort, a.region_code, a.id))
        ]

    return pub.cached("officer_agencies", compute)


def officers(request: HttpRequest) -> HttpResponseBase:
    """执法人员: 姓名、照片、所在具体执法机构、职务、执法类别、执法区域、执法证号 (regulations.md §2.2)."""
    qs, filters = pub.officer_queryset(request.GET)
    today = pub.today()
    download = _download(
        request, "执法人员", pub.OFFICER_COLUMNS, pub.export_rows(qs, lambda p: pub.officer_row(p, today))
    )
    if download:
        return download
    page = pub.paginate(qs, request.GET.get("page"), f"officers|{sorted(filters.items())}")
    rows = [pub.officer_row(p, today) for p in page.object_list]
    return render(
        request,
        "publicity/officers.html",
        _ctx(
            request,
            "renyuan",
            page=page,
            rows=rows,
            filters=filters,
            agencies=_officer_agencies(),
            categories=_officer_categories(),
        ),
    )


@public
def officer_detail(request: HttpRequest, number: str) -> HttpResponseBase:
    publication = pub.live_officer(number)
    if publication is None:
        raise Http404("未查询到该执法证号")
    return render(
        request,
        "publicity/officer_detail.html",
        _ctx(
            request, "renyuan", officer=pub.officer_row(publication), verify_url=_verify_url(request, number)
        ),
    )


def _storage_file(name: str, allowed: dict[str, str] | set[str]) -> tuple[Any, str] | None:
    """Open a stored file named in a live payload, when its type is one the portal serves."""
    if not isinstance(name, str) or not name:
        return None
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in allowed:
        return None
    try:
        if not default_storage.exists(name):
            return None
        return default_storage.open(name, "rb"), suffix
    except (SuspiciousFileOperation, OSError, ValueError):
        return None


@public
def officer_photo(request: HttpRequest, number: str) -> HttpResponseBase:
    """The photo of a live officer publication — only the file its payload names (公示办法: 执法人员照片)."""
    publication = pub.live_officer(number)
    opened = _storage_file((publication.payload or {}).get("photo", "") if publication else "", PHOTO_TYPES)
    if opened is None:
        raise Http404("无照片")
    handle, suffix = opened
    response = FileResponse(handle, content_type=PHOTO_TYPES[suffix])
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


def _verify_url(request: HttpRequest, number: str) -> str:
    path = f"{reverse('portal:verify')}?number={quote(number, safe='')}"
    base = str(getattr(settings, "SANXIANG_PUBLIC_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@public
def officer_qr(request: HttpRequest, number: str) -> HttpResponseBase:
    """A QR code per 执法证 that opens the public verification page (absolute URL)."""
    if pub.live_officer(number) is None:
        raise Http404("未查询到该执法证号")
    buffer = BytesIO()
    segno.make(_verify_url(request, number.strip()), error="m").save(
        buffer, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title=f"执法证号 {number} 核验"
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@public
def verify(request: HttpRequest) -> HttpResponseBase:
    number = (request.GET.get("number") or "").strip()
    result = pub.verification(number) if number else None
    return render(
        request,
        "publicity/verify.html",
        _ctx(request, "renyuan", number=number[: pub.MAX_NUMBER], result=result),
    )


# --- 执法事项 ------------------------------------------------------------------------------------------------


def items(request: HttpRequest) -> HttpResponseBase:
    """事项清单: Chinese substring search over 名称/编码/依据, filters by 机关/类别/科室, paged over the database.

    The result part of the page (count, rows, pager) is cached per query and page until the next publication
    (or COUNT_TTL): a portal answers the same few searches again and again."""
    flt = pub.ItemFilter.from_params(request.GET)
    if request.GET.get("format"):
        download = _download(
            request,
            "执法事项清单",
            pub.ITEM_COLUMNS,
            pub.export_rows(pub.items(flt).only(*pub.ITEM_LIST_FIELDS, "payload"), pub.item_row),
        )
        if download:
            return download
    ctx = _ctx(request, "shixiang")
    page_number = pub.clean_int(request.GET.get("page")) or 1
    content = pub.cached(
        f"items-content|{ctx['query']}|{page_number}",
        lambda: _items_content(request, flt, page_number, ctx["query"]),
    )
    return render(request, "publicity/items.html", {**ctx, "content": content})


def _items_content(request: HttpRequest, flt: pub.ItemFilter, page_number: int, query: str) -> str:
    count = pub.item_count(flt)
    qs = pub.items(flt, count).only(*pub.ITEM_LIST_FIELDS)
    page = pub.paginate(qs, page_number, flt.key, count=count)
    rows = [
        {
            "url": reverse("portal:item_detail", args=[p.agency_id, p.key]),
            "agency_name": pub.agency_name(p.agency_id),
            "code": p.key,
            "name": p.title,
            "category": p.category,
            "department": p.department,
        }
        for p in page.object_list
    ]
    return render_to_string(
        "publicity/_items_content.html",
        {"page": page, "rows": rows, "flt": flt, "query": query, "facets": pub.item_facets()},
        request,
    )


@public
def item_detail(request: HttpRequest, agency_id: int, code: str) -> HttpResponseBase:
    version = pub.clean_int(request.GET.get("version"))
    publication = pub.version_of(Kind.ITEM, agency_id, code, version)
    if publication is None:
        raise Http404("该事项未公示或已撤回")
    detail = pub.item_detail(publication)
    return render(
        request,
        "publicity/item_detail.html",
        _ctx(
            request,
            "shixiang",
            item=detail,
            publication=publication,
            versions=pub.history(Kind.ITEM, agency_id, code),
            flowchart=bool(detail["procedure"]) and flow.available(),
        ),
    )


@public
def item_sample(request: HttpRequest, agency_id: int, code: str, index: int) -> HttpResponseBase:
    """A 示范文本 of the 服务指南 material list, only the file a live item payload names."""
    publication = pub.live(Kind.ITEM).filter(agency_id=agency_id, key=code).first()
    guide = (publication.payload or {}).get("guide") if publication else None
    materials = guide.get("materials") if isinstance(guide, dict) else None
    if (
        not isinstance(materials, list)
        or not 0 <= index < len(materials)
        or not isinstance(materials[index], dict)
    ):
        raise Http404("无示范文本")
    material = materials[index]
    opened = _storage_file(material.get("sample", ""), SAMPLE_TYPES)
    if opened is None:
        raise Http404("无示范文本")
    handle, suffix = opened
    content_type = mimetypes.guess_type(f"x{suffix}")[0] or "application/octet-stream"
    filename = f"{material.get('name') or '示范文本'}（示范文本）{suffix}"
    response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=filename)
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- 执法流程 ------------------------------------------------------------------------------------------------


def flowcharts(request: HttpRequest) -> HttpResponseBase:
    """执法程序 and 行政执法流程图 (regulations.md §2.2 item 4)."""
    procedures = flow.procedures()
    download = _download(
        request,
        "执法流程",
        [("code", "程序代码"), ("name", "程序名称"), ("svg_url", "流程图")],
        (
            {
                "code": c,
                "name": n,
                "svg_url": request.build_absolute_uri(reverse("portal:flowchart", args=[c])),
            }
            for c, n in procedures.items()
        ),
    )
    if download:
        return download
    return render(
        request,
        "publicity/flowcharts.html",
        _ctx(request, "liucheng", procedures=procedures.items(), available=flow.available()),
    )


@public
def flowchart(request: HttpRequest, code: str) -> HttpResponseBase:
    svg = flow.svg(code)
    if svg is None:
        raise Http404("流程图尚未发布")
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- the three lists -----------------------------------------------------------------------------------------


def _agency_filter(request: HttpRequest, qs: Any) -> tuple[Any, int | None]:
    agency = pub.clean_int(request.GET.get("agency"))
    return (qs.filter(agency_id=agency) if agency else qs), agency


def _list_page(
    request: HttpRequest,
    slug: str,
    qs: Any,
    columns: list[tuple[str, str]],
    shape: Callable[[Publication], Any],
    many: bool = False,
) -> HttpResponseBase:
    qs, agency = _agency_filter(request, qs)
    title = COLUMN_MAP[slug][0]
    download = _download(
        request, title, _seq_columns(columns), pub.numbered(pub.export_rows(qs, shape, many))
    )
    if download:
        return download
    page = pub.paginate(qs, request.GET.get("page"), f"{slug}|{agency}")
    start = (page.number - 1) * page.paginator.per_page
    rows: list[dict[str, Any]] = []
    for p in page.object_list:
        rows.extend(shape(p) if many else [shape(p)])
    for i, row in enumerate(rows, start=start + 1):
        row["seq"] = i
    return render(
        request,
        "publicity/table_list.html",
        _ctx(
            request,
            slug,
            page=page,
            rows=rows,
            table_columns=_seq_columns(columns),
            agency=agency,
            agencies=pub.item_facets()["agencies"],
            flowchart_code="legal_review" if slug == "zhongda" and flow.available() else "",
            review_limits=_review_limits() if slug == "zhongda" else None,
            per_item=many,
        ),
    )


def _review_limits() -> dict[str, Any] | None:
    """审核时限 of the 附件5 process as its definition states it (catalog/processes/legal_review.yaml: 5 个工作日,
    疑难复杂经分管领导同意延长 3 个工作日 — seed 二（三）3), so the portal and the review clock cannot disagree."""
    from catalog import process

    try:
        definition = process.get("legal_review")
    except SanxiangError:
        return None
    clock = next((s.clock for s in definition.steps if s.clock and s.clock.kind == "deadline"), None)
    if clock is None:
        return None
    extension = clock.extendable
    return {
        "days": clock.days,
        "unit": process.CLOCK_UNITS.get(clock.unit, ""),
        "extension_days": extension.days if extension else 0,
        "approver": process.actor_label(extension.approver_role) if extension else "",
        "article": clock.article,
    }


def major_list(request: HttpRequest) -> HttpResponseBase:
    """重大执法决定法制审核目录清单 (seed 二(三)1, 附件4; 处罚法第五十八条)."""
    return _list_page(request, "zhongda", pub.major_items(), pub.MAJOR_COLUMNS, pub.major_row)


def av_list(request: HttpRequest) -> HttpResponseBase:
    """音像记录事项清单 (seed 二(二)2, 附件3)."""
    return _list_page(request, "yinxiang", pub.av_items(), pub.AV_COLUMNS, pub.av_rows, many=True)


def inspection_list(request: HttpRequest) -> HttpResponseBase:
    """随机抽查事项清单 with the columns of regulations.md §9."""
    return _list_page(request, "choucha", pub.inspection_items(), pub.INSPECTION_COLUMNS, pub.inspection_row)
