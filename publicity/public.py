"""The read side of publication: what the portal and the open-data API show, built ONLY from live
``Publication`` rows (design.md §4: the portal reads only redacted snapshots, never the internal records).

Views and the API both go through these functions, so a field the public may see is chosen once, here.
Lists page over the database and count without joins; the count is cached (design.md §2: a list with
Django's default paginator drops to ~30 req/s at 1 M rows because ``COUNT(*)`` keeps its join).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q
from django.utils import timezone

from core.models import Agency
from org.rules import CERTIFICATE_STATUS_LABELS, certificate_effective_status
from publicity.models import Kind, Publication, PublicationQuerySet

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAGE_SIZE = 20
MAX_QUERY = 50
COUNT_TTL = 120  # seconds; a new publication also bumps the generation (see apps.py)
ITEM_CATEGORIES = ["行政许可", "行政处罚", "行政检查", "行政强制", "其他"]
NOT_FOUND_MESSAGE = "未查询到该执法证号"
_GENERATION_KEY = "publicity:generation"


# --- cache -------------------------------------------------------------------------------------------


def generation() -> int:
    value = cache.get(_GENERATION_KEY)
    if value is None:
        value = 1
        cache.add(_GENERATION_KEY, value, None)
    return int(value)


def bump_generation(**_: Any) -> None:
    """Called after every save of a Publication: cached counts and facets of this process start afresh.
    Other worker processes keep theirs for at most COUNT_TTL seconds (a count, never content)."""
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.add(_GENERATION_KEY, 1, None)


def cached[T](key: str, compute: Callable[[], T], ttl: int = COUNT_TTL) -> T:
    full = f"publicity:{generation()}:{hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, ttl)
    return value


def today() -> date:
    """Today in Asia/Shanghai, whatever the server's clock zone."""
    return timezone.now().astimezone(SHANGHAI).date()


# --- basic queries -----------------------------------------------------------------------------------


def live(kind: str) -> PublicationQuerySet:
    """The current, not withdrawn publications of one kind (no joins)."""
    return Publication.objects.current().filter(kind=kind)


@dataclass(frozen=True)
class AgencyInfo:
    id: int
    name: str
    region: str
    region_sort: int
    region_code: str


def agencies() -> dict[int, AgencyInfo]:
    """Every agency's public name and region, cached: lists show them without joining."""

    def compute() -> dict[int, AgencyInfo]:
        return {
            a.pk: AgencyInfo(a.pk, a.name, a.region.name, a.region.sort, a.region.code)
            for a in Agency.objects.select_related("region")
        }

    # Memoised per generation in this process too: the cache backend unpickles on every get, and a list
    # page asks for an agency name per row.
    gen = generation()
    memo = _AGENCY_MEMO.get("value")
    if memo is None or memo[0] != gen or memo[1] < time.monotonic():
        memo = (gen, time.monotonic() + 60, cached("agencies", compute, ttl=300))
        _AGENCY_MEMO["value"] = memo
    return memo[2]


_AGENCY_MEMO: dict[str, tuple[int, float, dict[int, AgencyInfo]]] = {}


def agency_info(agency_id: int) -> AgencyInfo | None:
    """One agency's public name and region; a new agency refreshes the cached map."""
    info = agencies().get(agency_id)
    if info is None:
        bump_generation()
        info = agencies().get(agency_id)
    return info


def agency_name(agency_id: int) -> str:
    info = agency_info(agency_id)
    return info.name if info else ""


def paginate(
    queryset: Any, page_number: Any, cache_key: str, per_page: int = PAGE_SIZE, count: int | None = None
) -> Page:
    """A page of ``queryset`` whose total count is computed once (cached) and without any join."""
    paginator = Paginator(queryset, per_page)
    paginator.__dict__["count"] = (
        count if count is not None else cached(f"count:{cache_key}", queryset.order_by().count)
    )
    return paginator.get_page(page_number)


def history(kind: str, agency_id: int, key: str) -> list[Publication]:
    """Every version of one record, newest first (seed 二(一)3: 每个发布的版本都留存并注明日期)."""
    return list(
        Publication.objects.filter(kind=kind, agency_id=agency_id, key=key)
        .order_by("-version")
        .only(
            "id",
            "kind",
            "agency_id",
            "key",
            "version",
            "title",
            "published_at",
            "superseded_at",
            "withdrawn_at",
            "withdrawal_reason",
            "payload",
        )
    )


def version_of(kind: str, agency_id: int, key: str, version: int | None) -> Publication | None:
    """The live version, or an older published (superseded, never withdrawn) one when ``version`` is given."""
    if version is None:
        return live(kind).filter(agency_id=agency_id, key=key).first()
    return Publication.objects.filter(
        kind=kind, agency_id=agency_id, key=key, version=version, withdrawn_at__isnull=True
    ).first()


# --- filters -----------------------------------------------------------------------------------------


def clean_query(value: Any) -> str:
    return str(value or "").strip()[:MAX_QUERY]


def clean_int(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


@dataclass(frozen=True)
class ItemFilter:
    q: str = ""
    agency: int | None = None
    category: str = ""
    department: str = ""

    @classmethod
    def from_params(cls, params: Any) -> ItemFilter:
        category = clean_query(params.get("category"))
        return cls(
            q=clean_query(params.get("q")),
            agency=clean_int(params.get("agency")),
            category=category if category in ITEM_CATEGORIES else "",
            department=clean_query(params.get("department")),
        )

    @property
    def key(self) -> str:
        return f"items|{self.q}|{self.agency}|{self.category}|{self.department}"

    def apply(self, queryset: Any) -> Any:
        if self.q:
            # icontains is UPPER(search_text) LIKE UPPER('%q%') on PostgreSQL: the pg_trgm GIN index of
            # migration 0002 serves it; on SQLite a plain LIKE (Chinese needs no case folding).
            queryset = queryset.filter(search_text__icontains=self.q)
        if self.agency:
            queryset = queryset.filter(agency_id=self.agency)
        if self.category:
            queryset = queryset.filter(category=self.category)
        if self.department:
            queryset = queryset.filter(department=self.department)
        return queryset


ITEM_LIST_FIELDS = ("id", "agency_id", "key", "title", "category", "department", "published_at", "version")


RARE_MATCHES = 2000


def items(flt: ItemFilter, count: int | None = None) -> Any:
    """Live items matching ``flt`` in catalogue order (agency, 事项编码).

    The partial unique index (kind, agency, key) WHERE superseded_at IS NULL serves the order: for a common term
    PostgreSQL walks it and stops after a page of matches. When the (cached) count says the term is rare, walking
    the index would read most of the table to find a page, so the order is given as an expression the index
    cannot serve and the planner takes the pg_trgm index and sorts the few matches instead."""
    queryset = flt.apply(live(Kind.ITEM))
    if flt.q and count is not None and count <= RARE_MATCHES:
        return queryset.order_by((F("agency_id") + 0).asc(), "key")
    return queryset.order_by("agency_id", "key")


def item_count(flt: ItemFilter) -> int:
    """The number of live items matching ``flt``: no join, cached per generation."""
    return cached(f"count:{flt.key}", flt.apply(live(Kind.ITEM)).order_by().count)


def item_facets() -> dict[str, Any]:
    """Category counts and the agencies and departments that have live items (cached)."""

    def compute() -> dict[str, Any]:
        base = live(Kind.ITEM).order_by()
        by_category = dict(base.values_list("category").annotate(n=Count("id")).values_list("category", "n"))
        agency_ids = set(base.values_list("agency_id", flat=True).distinct())
        departments = sorted(d for d in base.values_list("department", flat=True).distinct() if d)
        infos = [agency_info(a) for a in agency_ids]
        listed = sorted((a for a in infos if a), key=lambda a: (a.region_sort, a.region_code, a.id))
        return {
            "categories": [(c, by_category.get(c, 0)) for c in ITEM_CATEGORIES],
            "total": sum(by_category.values()),
            "agencies": [(a.id, a.name) for a in listed],
            "departments": departments,
        }

    return cached("item_facets", compute)


# --- public shapes -----------------------------------------------------------------------------------
# Each function returns only the fields the public may see, whatever else a payload might carry.


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [_s(v) for v in value]
    return [_s(value)] if value else []


def subject_row(pub: Publication) -> dict[str, Any]:
    p = pub.payload or {}
    info = agency_info(pub.agency_id)
    return {
        "agency_id": pub.agency_id,
        "name": _s(p.get("name")) or pub.title,
        "nature": _s(p.get("nature")),
        "entrusting_agency": _s(p.get("entrusting_agency")),
        "entrusted_scope": _s(p.get("entrusted_scope")),
        "head": _s(p.get("head")),
        "address": _s(p.get("address")),
        "categories": _list(p.get("categories")),
        "area": _s(p.get("area")),
        "phone": _s(p.get("phone")),
        "supervision_phone": _s(p.get("supervision_phone")),
        "legal_basis": _s(p.get("legal_basis")),
        "credit_code": _s(p.get("credit_code")),
        "region": _s(p.get("region")) or (info.region if info else ""),
        "confirmed_on": _s(p.get("confirmed_on")),
        "change_note": _s(p.get("change_note")),
        "version": pub.version,
        "published_at": pub.published_at.astimezone(SHANGHAI).date().isoformat(),
    }


def officer_status(payload: dict[str, Any], on: date | None = None) -> str:
    """The effective status on ``on`` (today in Asia/Shanghai) — org.rules decides; this only feeds it."""
    try:
        until = date.fromisoformat(_s(payload.get("valid_until")))
    except ValueError:
        return "expired"  # an unreadable validity date is never shown as valid
    stored = _s(payload.get("status")) or "valid"
    try:
        return certificate_effective_status(stored, until, on or today())
    except ValueError:
        return "revoked"


def officer_row(pub: Publication, on: date | None = None) -> dict[str, Any]:
    p = pub.payload or {}
    status = officer_status(p, on)
    return {
        "agency_id": pub.agency_id,
        "name": _s(p.get("name")) or pub.title,
        "has_photo": bool(p.get("photo")),
        "unit": _s(p.get("unit")),
        "agency_name": _s(p.get("agency_name")) or agency_name(pub.agency_id),
        "position": _s(p.get("position")),
        "categories": _list(p.get("categories")),
        "area": _s(p.get("area")),
        "certificate_number": pub.key,
        "issuer": _s(p.get("issuer")),
        "valid_from": _s(p.get("valid_from")),
        "valid_until": _s(p.get("valid_until")),
        "status": status,
        "status_label": CERTIFICATE_STATUS_LABELS.get(status, status),
    }


def item_row(pub: Publication) -> dict[str, Any]:
    """The list/export shape of an item (the detail page shows the whole payload through item_detail)."""
    p = pub.payload or {}
    return {
        "agency_id": pub.agency_id,
        "agency_name": _s(p.get("agency_name")) or agency_name(pub.agency_id),
        "code": pub.key,
        "name": _s(p.get("name")) or pub.title,
        "category": pub.category,
        "level": _s(p.get("level")),
        "department": pub.department,
        "legal_basis": "；".join(_basis_text(b) for b in _dicts(p.get("legal_bases"))),
        "time_limit": _s(p.get("time_limit")),
        "procedure": _s(p.get("procedure")),
        "procedure_label": _s(p.get("procedure_label")),
        "is_major": bool(p.get("is_major")),
        "version": pub.version,
        "published_at": pub.published_at.astimezone(SHANGHAI).date().isoformat(),
    }


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _basis_text(basis: dict[str, Any]) -> str:
    law = _s(basis.get("law"))
    if law and not law.startswith("《"):
        law = f"《{law}》"
    return f"{law}{_s(basis.get('article'))}"


def item_detail(pub: Publication) -> dict[str, Any]:
    """Every public section of an item: 依据, 裁量基准, 重大 flag, 音像记录, 抽查, 服务指南."""
    p = pub.payload or {}
    guide = p.get("guide") if isinstance(p.get("guide"), dict) else None
    inspection = p.get("inspection") if isinstance(p.get("inspection"), dict) else None
    detail = item_row(pub)
    detail.update(
        {
            "legal_bases": [
                {
                    "law": _s(b.get("law")),
                    "article": _s(b.get("article")),
                    "text": _s(b.get("text")),
                    "citation": _basis_text(b),
                }
                for b in _dicts(p.get("legal_bases"))
            ],
            "time_limit_days": p.get("time_limit_days")
            if isinstance(p.get("time_limit_days"), int)
            else None,
            "time_limit_unit": _s(p.get("time_limit_unit")),
            "discretion": [
                {"condition": _s(d.get("condition")), "range": _s(d.get("range")), "note": _s(d.get("note"))}
                for d in _dicts(p.get("discretion"))
            ],
            "major_criteria": _s(p.get("major_criteria")),
            "av_duties": [
                {"step": _s(d.get("step")), "requirement": _s(d.get("requirement"))}
                for d in _dicts(p.get("av_duties"))
            ],
            "inspection": (
                {k: _s(inspection.get(k)) for k in ("sub_items", "method", "content", "note")}
                if inspection
                else None
            ),
            "guide": (
                {
                    **{
                        k: _s(guide.get(k))
                        for k in ("conditions", "fees", "time_limit", "remedies", "window", "phone")
                    },
                    "materials": [
                        {
                            "index": i,
                            "name": _s(m.get("name")),
                            "required": bool(m.get("required")),
                            "copies": _s(m.get("copies")),
                            "has_sample": bool(m.get("sample")),
                        }
                        for i, m in enumerate(_dicts(guide.get("materials")))
                    ],
                }
                if guide
                else None
            ),
            "change_note": _s(p.get("change_note")),
        }
    )
    return detail


# --- the three lists built from items (contracts.md) ---------------------------------------------------


def major_items() -> Any:
    """重大执法决定法制审核目录清单 (seed 附件4; 处罚法第五十八条): live items flagged 重大."""
    return live(Kind.ITEM).filter(payload__is_major=True).order_by("agency_id", "key")


def av_items() -> Any:
    """音像记录事项清单 (seed 附件3; 《云南省行政执法全过程记录办法》): live items with 音像记录 duties."""
    return live(Kind.ITEM).filter(payload__av_duties__0__isnull=False).order_by("agency_id", "key")


def inspection_items() -> Any:
    """随机抽查事项清单 (regulations.md §9; 国办发〔2018〕118号 事前公开): live 行政检查 items with 抽查 fields."""
    return (
        live(Kind.ITEM)
        .filter(category="行政检查", payload__inspection__isnull=False)
        .exclude(payload__inspection=None)
        .order_by("agency_id", "key")
    )


def major_row(pub: Publication) -> dict[str, Any]:
    p = pub.payload or {}
    row = item_row(pub)
    return {
        "agency_name": row["agency_name"],
        "department": row["department"],
        "code": row["code"],
        "name": row["name"],
        "category": row["category"],
        "major_criteria": _s(p.get("major_criteria")),
        "legal_basis": row["legal_basis"],
        "agency_id": pub.agency_id,
    }


def av_rows(pub: Publication) -> list[dict[str, Any]]:
    row = item_row(pub)
    return [
        {
            "agency_name": row["agency_name"],
            "department": row["department"],
            "code": row["code"],
            "name": row["name"],
            "category": row["category"],
            "step": _s(d.get("step")),
            "requirement": _s(d.get("requirement")),
            "agency_id": pub.agency_id,
        }
        for d in _dicts((pub.payload or {}).get("av_duties"))
    ]


def inspection_row(pub: Publication) -> dict[str, Any]:
    """The columns of regulations.md §9: 检查项目、检查子项、检查主体、检查依据、检查方式、检查内容、备注."""
    p = pub.payload or {}
    raw = p.get("inspection")
    insp: dict[str, Any] = raw if isinstance(raw, dict) else {}
    row = item_row(pub)
    subject = row["agency_name"] + (f"（{row['department']}）" if row["department"] else "")
    return {
        "code": row["code"],
        "project": row["name"],
        "sub_items": _s(insp.get("sub_items")),
        "subject": subject,
        "basis": row["legal_basis"],
        "method": _s(insp.get("method")),
        "content": _s(insp.get("content")),
        "note": _s(insp.get("note")),
        "agency_id": pub.agency_id,
    }


# --- 执法人员 lookups ---

MAX_NUMBER = 60


def officer_queryset(params: Any) -> tuple[Any, dict[str, Any]]:
    agency = clean_int(params.get("agency"))
    category = clean_query(params.get("category"))
    q = clean_query(params.get("q"))
    qs = live(Kind.OFFICER)
    if agency:
        qs = qs.filter(agency_id=agency)
    if category:
        qs = qs.filter(category__contains=category)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(key=q))
    return qs.order_by("agency_id", "department", "title", "key"), {
        "agency": agency,
        "category": category,
        "q": q,
    }


def live_officer(number: str) -> Publication | None:
    number = (number or "").strip()
    if not number or len(number) > MAX_NUMBER:
        return None
    return live(Kind.OFFICER).filter(key=number).order_by("agency_id").first()


def verification(number: str) -> dict[str, Any]:
    """The answer of the public verification, shared by the page and the API: whether the number belongs to a
    currently valid certificate, with name, unit, 执法类别 and 执法区域 — nothing else about the person."""
    publication = live_officer(number)
    if publication is None:
        return {
            "valid": False,
            "status": "",
            "status_label": "",
            "name": "",
            "unit": "",
            "categories": [],
            "area": "",
            "message": NOT_FOUND_MESSAGE,
        }
    row = officer_row(publication)
    messages = {
        "valid": "该执法证有效",
        "expired": "该执法证已过期，不得从事行政执法活动",
        "suspended": "该执法证已暂扣，不得从事行政执法活动",
        "revoked": "该执法证已注销，不得从事行政执法活动",
    }
    return {
        "valid": row["status"] == "valid",
        "status": row["status"],
        "status_label": row["status_label"],
        "name": row["name"],
        "unit": row["unit"] or row["agency_name"],
        "categories": row["categories"],
        "area": row["area"],
        "message": messages.get(row["status"], row["status_label"]),
    }


# --- downloads -----------------------------------------------------------------------------------------

SUBJECT_COLUMNS = [
    ("name", "单位名称"),
    ("nature", "主体性质"),
    ("entrusting_agency", "委托机关"),
    ("entrusted_scope", "委托事项与权限"),
    ("head", "负责人"),
    ("address", "办公地址"),
    ("categories", "执法类别"),
    ("area", "执法区域"),
    ("phone", "联系电话"),
    ("supervision_phone", "监督电话"),
    ("legal_basis", "法律依据"),
    ("credit_code", "统一社会信用代码"),
    ("region", "所属区划"),
    ("confirmed_on", "确认日期"),
    ("version", "版本"),
    ("published_at", "发布日期"),
]
OFFICER_COLUMNS = [
    ("name", "姓名"),
    ("unit", "所在执法机构"),
    ("agency_name", "执法机关"),
    ("position", "职务"),
    ("categories", "执法类别"),
    ("area", "执法区域"),
    ("certificate_number", "执法证号"),
    ("issuer", "发证机关"),
    ("valid_from", "有效期起"),
    ("valid_until", "有效期至"),
    ("status_label", "证件状态"),
]
ITEM_COLUMNS = [
    ("code", "事项编码"),
    ("name", "事项名称"),
    ("category", "事项类别"),
    ("agency_name", "实施主体"),
    ("level", "层级"),
    ("department", "承办科室"),
    ("legal_basis", "法律依据"),
    ("time_limit", "办理时限"),
    ("procedure_label", "适用程序"),
    ("is_major", "重大执法决定"),
    ("version", "版本"),
    ("published_at", "发布日期"),
]
MAJOR_COLUMNS = [
    ("agency_name", "执法机关"),
    ("department", "承办科室"),
    ("code", "事项编码"),
    ("name", "事项名称"),
    ("category", "事项类别"),
    ("major_criteria", "重大执法决定情形"),
    ("legal_basis", "法律依据"),
]
AV_COLUMNS = [
    ("agency_name", "执法机关"),
    ("department", "承办科室"),
    ("code", "事项编码"),
    ("name", "事项名称"),
    ("category", "执法类别"),
    ("step", "记录环节"),
    ("requirement", "记录要求"),
]
INSPECTION_COLUMNS = [
    ("project", "检查项目"),
    ("sub_items", "检查子项"),
    ("subject", "检查主体"),
    ("basis", "检查依据"),
    ("method", "检查方式"),
    ("content", "检查内容"),
    ("note", "备注"),
]


def export_rows(
    queryset: Any, shape: Callable[[Publication], Any], many: bool = False
) -> Iterator[dict[str, Any]]:
    """Every row of ``queryset`` in the public shape, streamed from the database in chunks."""
    for pub in queryset.iterator(chunk_size=2000):
        if many:
            yield from shape(pub)
        else:
            yield shape(pub)


def cell(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def numbered(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for i, row in enumerate(rows, start=1):
        yield {"seq": i, **row}
