"""事后公开 on the portal (issue #6 item 6): 执法结果 (decisions), 撤回公告 and 年度数据 (annual reports).

Like every portal page, these read ONLY ``Publication`` snapshots (design.md §4): kind DECISION written by the
results pipeline (publicity.results) and kind ANNUAL written by the annual reports (publicity.annual_actions).
``Publication.current()`` hides superseded, withdrawn and expired ones (公示期限届满后自动下线).

The first half is the read side shared with the open-data API (publicity.api_results): filters, queries and the
public shapes, each choosing the fields the public may see once. The second half is the views.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, Q, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.access import public
from core.models import Agency
from publicity import public as pub
from publicity import views as portal
from publicity.models import Kind, ManualEntry, Publication

DECISION_CATEGORIES = ["行政许可", "行政处罚", "行政检查"]
RARE_MATCHES = pub.RARE_MATCHES

# --- 执法结果: filter ------------------------------------------------------------------------------------


def clean_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class DecisionFilter:
    """文号 (doc), 对象 (party), 关键词 (q: 文号、对象、机关、事实), 类别, 机关, 决定日期范围."""

    q: str = ""
    doc: str = ""
    party: str = ""
    category: str = ""
    agency: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_params(cls, params: Any) -> DecisionFilter:
        category = pub.clean_query(params.get("category"))
        return cls(
            q=pub.clean_query(params.get("q")),
            doc=pub.clean_query(params.get("doc")),
            party=pub.clean_query(params.get("party")),
            category=category if category in DECISION_CATEGORIES else "",
            agency=pub.clean_int(params.get("agency")),
            date_from=clean_date(params.get("date_from")),
            date_to=clean_date(params.get("date_to")),
        )

    @property
    def key(self) -> str:
        return (
            f"decisions|{pub.today()}|{self.q}|{self.doc}|{self.party}|{self.category}|{self.agency}|"
            f"{self.date_from}|{self.date_to}"
        )

    @property
    def has_text(self) -> bool:
        return bool(self.q or self.doc or self.party)

    def apply(self, queryset: Any) -> Any:
        # search_text (文号 + 对象 + 机关 + 类别 + 事实) carries the pg_trgm index; 文号 and 对象 are also checked
        # against the title (f"{文号} {对象}") so that a 文号 fragment does not match a fact.
        for term in (self.q, self.doc, self.party):
            if term:
                queryset = queryset.filter(search_text__icontains=term)
        for term in (self.doc, self.party):
            if term:
                queryset = queryset.filter(title__icontains=term)
        if self.category:
            queryset = queryset.filter(category=self.category)
        if self.agency:
            queryset = queryset.filter(agency_id=self.agency)
        if self.date_from or self.date_to:
            # A plain text comparison of the ISO date (a JSON-key lookup would compare JSON values instead).
            queryset = queryset.alias(
                _decided_on=Cast(KeyTextTransform("decided_on", "payload"), TextField())
            )
            if self.date_from:
                queryset = queryset.filter(_decided_on__gte=self.date_from.isoformat())
            if self.date_to:
                queryset = queryset.filter(_decided_on__lte=self.date_to.isoformat())
        return queryset


DECISION_LIST_FIELDS = ("id", "agency_id", "key", "title", "category", "payload", "published_at")


def decision_count(flt: DecisionFilter) -> int:
    return pub.cached(f"count:{flt.key}", flt.apply(pub.live(Kind.DECISION)).order_by().count)


def decisions(flt: DecisionFilter, count: int | None = None) -> Any:
    """Live decisions matching ``flt``, newest publication first.

    The primary key orders them: for a common filter PostgreSQL walks the key backwards and stops after a page.
    When the (cached) count says a text search is rare, the order is given as an expression the key cannot
    serve, so the planner takes the pg_trgm index and sorts the few matches (as publicity.public.items does)."""
    queryset = flt.apply(pub.live(Kind.DECISION))
    if flt.has_text and count is not None and count <= RARE_MATCHES:
        return queryset.order_by((F("id") + 0).desc())
    return queryset.order_by("-id")


def decision_facets() -> dict[str, Any]:
    """The agencies that have live decisions, and the categories (cached)."""

    def compute() -> dict[str, Any]:
        base = pub.live(Kind.DECISION).order_by()
        agency_ids = set(base.values_list("agency_id", flat=True).distinct())
        infos = [pub.agency_info(a) for a in agency_ids]
        listed = sorted((a for a in infos if a), key=lambda a: (a.region_sort, a.region_code, a.id))
        return {"categories": DECISION_CATEGORIES, "agencies": [(a.id, a.name) for a in listed]}

    return pub.cached(f"decision_facets|{pub.today()}", compute)


# --- 执法结果: public shapes -----------------------------------------------------------------------------


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [_s(v) for v in value if v not in (None, "")]
    return [_s(value)] if value else []


def _amount(value: Any) -> str | None:
    text = _s(value).strip()
    return text or None


def _day(value: Any) -> str:
    return value.astimezone(pub.SHANGHAI).date().isoformat() if value else ""


def decision_row(p: Publication) -> dict[str, Any]:
    """The list/export shape of a decision publication: only the contracted public fields."""
    d = p.payload or {}
    return {
        "id": p.pk,
        "doc_number": _s(d.get("doc_number")),
        "agency_id": p.agency_id,
        "agency_name": _s(d.get("agency_name")) or pub.agency_name(p.agency_id),
        "party": _s(d.get("party")),
        "party_kind": _s(d.get("party_kind")),
        "category": p.category or _s(d.get("category")),
        "decided_on": _s(d.get("decided_on")),
        "result": _s(d.get("result")),
        "published_on": _day(p.published_at),
    }


def decision_detail(p: Publication) -> dict[str, Any]:
    d = p.payload or {}
    return {
        **decision_row(p),
        "facts": _s(d.get("facts")),
        "basis": _s(d.get("basis")),
        "procedure": _s(d.get("procedure")),
        "penalty_types": _list(d.get("penalty_types")),
        "fine_amount": _amount(d.get("fine_amount")),
        "confiscation_amount": _amount(d.get("confiscation_amount")),
        "expires_on": p.expires_on.isoformat() if p.expires_on else None,
        "version": p.version,
    }


DECISION_COLUMNS = [
    ("doc_number", "决定书文号"),
    ("agency_name", "执法机关"),
    ("party", "执法对象"),
    ("party_kind", "对象类型"),
    ("category", "执法类别"),
    ("facts", "案件事实（事由）"),
    ("basis", "执法依据"),
    ("result", "执法结论（结果）"),
    ("procedure", "适用程序"),
    ("penalty_types", "处罚种类"),
    ("fine_amount", "罚款金额（元）"),
    ("confiscation_amount", "没收金额（元）"),
    ("decided_on", "决定日期"),
    ("published_on", "公示日期"),
    ("expires_on", "公示截止日期"),
]


def live_decision(pk: int) -> Publication | None:
    return pub.live(Kind.DECISION).filter(pk=pk).first()


# --- 撤回公告 ------------------------------------------------------------------------------------------


def withdrawn() -> Any:
    """Withdrawn decision publications whose display period has not ended, the latest withdrawal first.

    A withdrawal followed by a corrected version (变更) stays here: the withdrawn row is then also superseded."""
    return (
        Publication.objects.filter(kind=Kind.DECISION, withdrawn_at__isnull=False)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=pub.today()))
        .order_by("-withdrawn_at", "-id")
    )


def withdrawal_row(p: Publication) -> dict[str, Any]:
    """Only 文号、机关、日期 from the payload, with the public reasons notice (《行政处罚法》第四十八条)."""
    d = p.payload or {}
    return {
        "id": p.pk,
        "doc_number": _s(d.get("doc_number")),
        "agency_id": p.agency_id,
        "agency_name": _s(d.get("agency_name")) or pub.agency_name(p.agency_id),
        "category": p.category,
        "decided_on": _s(d.get("decided_on")),
        "withdrawn_on": _day(p.withdrawn_at),
        "reason": p.withdrawal_reason,
    }


WITHDRAWAL_COLUMNS = [
    ("doc_number", "决定书文号"),
    ("agency_name", "执法机关"),
    ("category", "执法类别"),
    ("decided_on", "决定日期"),
    ("withdrawn_on", "撤回日期"),
    ("reason", "撤回理由"),
]


# --- 年度数据 --------------------------------------------------------------------------------------------

TABLE_LABELS = dict(ManualEntry.Table.choices)
EXTENDED_LABELS = {
    "simple": "简易程序",
    "general": "一般程序",
    "reviewed": "法制审核",
    "corrected": "法制审核纠错",
    "transferred": "移送司法机关",
    "no_penalty": "不予处罚",
    "mitigated": "减轻处罚",
    "reconsideration": "行政复议",
    "litigation": "行政诉讼",
}
OUTCOME_LABELS = {
    "total": "合计",
    "upheld": "维持",
    "altered": "变更",
    "revoked": "撤销",
    "illegal": "确认违法",
    "void": "确认无效",
    "dismissed": "驳回",
    "other": "其他",
}


def city_key(year: int) -> str:
    return f"{year}-city"


def parse_key(key: str) -> tuple[int, bool] | None:
    """f"{year}" (one agency) or f"{year}-city" (the city total); None for anything else."""
    year, _, rest = key.partition("-")
    if not year.isdigit() or rest not in ("", "city"):
        return None
    return int(year), rest == "city"


def annual_index() -> list[dict[str, Any]]:
    """Every published year, newest first: the city total and each agency's report (cached)."""

    def compute() -> list[dict[str, Any]]:
        years: dict[int, dict[str, Any]] = {}
        rows = pub.live(Kind.ANNUAL).order_by().values_list("id", "agency_id", "key", "published_at")
        for pk, agency_id, key, published_at in rows:
            parsed = parse_key(key)
            if parsed is None:
                continue
            year, is_city = parsed
            entry = years.setdefault(year, {"year": year, "city": None, "agencies": []})
            info = pub.agency_info(agency_id)
            ref = {
                "id": pk,
                "agency_id": agency_id,
                "agency_name": info.name if info else "",
                "scope": "city" if is_city else "agency",
                "published_on": _day(published_at),
                "sort": (info.region_sort, info.region_code, agency_id) if info else (0, "", agency_id),
            }
            if is_city:
                entry["city"] = ref
            else:
                entry["agencies"].append(ref)
        for entry in years.values():
            entry["agencies"].sort(key=lambda r: r["sort"])
        return [years[y] for y in sorted(years, reverse=True)]

    return pub.cached(f"annual_index|{pub.today()}", compute)


def annual_publication(year: int, agency_id: int | None) -> Publication | None:
    """The live city total of ``year`` (agency_id None) or one agency's report."""
    qs = pub.live(Kind.ANNUAL)
    if agency_id is None:
        return qs.filter(key=city_key(year)).order_by("-id").first()
    return qs.filter(key=str(year), agency_id=agency_id).first()


def _columns(value: Any) -> list[tuple[str, str]]:
    """Table columns as (code, label): strings, [code, label] pairs or {code/key, label/name} dicts."""
    found: list[tuple[str, str]] = []
    for c in value if isinstance(value, list) else []:
        if isinstance(c, str):
            found.append((c, c))
        elif isinstance(c, list | tuple) and c:
            found.append((_s(c[0]), _s(c[1] if len(c) > 1 else c[0])))
        elif isinstance(c, dict):
            code = _s(c.get("code") or c.get("key") or c.get("field"))
            found.append((code, _s(c.get("label") or c.get("name") or c.get("title") or code)))
    return [(code, label) for code, label in found if code]


def _number(value: Any) -> int | float | str:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    return _s(value)


def _values(value: Any, columns: list[tuple[str, str]]) -> dict[str, int | float | str]:
    values = value if isinstance(value, dict) else {}
    return {code: _number(values.get(code)) for code, _label in columns}


def _extended(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The extended columns' totals as labelled figures (labels from the payload's extended_columns); a breakdown
    (dict of outcomes) becomes one figure per outcome."""
    value = payload.get("extended")
    if not isinstance(value, dict):
        return []
    labels = {**EXTENDED_LABELS, **dict(_columns(payload.get("extended_columns")))}
    rows: list[dict[str, Any]] = []
    for code in [*(c for c in labels if c in value), *(c for c in value if c not in labels)]:
        v, label = value[code], labels.get(code, code)
        if isinstance(v, dict):
            for sub, n in v.items():
                rows.append(
                    {
                        "code": f"{code}.{sub}",
                        "label": f"{label}（{OUTCOME_LABELS.get(sub, sub)}）",
                        "value": _number(n),
                    }
                )
        elif v is not None:
            rows.append({"code": code, "label": label, "value": _number(v)})
    return rows


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _table(code: str, t: dict[str, Any], label: str) -> dict[str, Any]:
    columns = _columns(t.get("columns"))
    raw_rows = t.get("rows")
    rows = [
        {
            "department": _s(r.get("department") or r.get("agency")),
            "values": _values(r.get("values"), columns),
            "manual": bool(r.get("manual")),
            "note": _s(r.get("note")) if r.get("manual") else "",
        }
        for r in (raw_rows if isinstance(raw_rows, list) else [])
        if isinstance(r, dict)
    ]
    total = _dict(t.get("total"))
    total_values = _dict(total.get("values")) or total
    return {
        "code": code,
        "label": label,
        "columns": [{"code": c, "label": lbl} for c, lbl in columns],
        "rows": rows,
        "total": _values(total_values, columns),
        "manual": bool(t.get("manual")) or any(r["manual"] for r in rows),
        "statement": _s(t.get("statement")),
    }


def annual_report(p: Publication) -> dict[str, Any]:
    """The public shape of an annual publication (publicity.annual_actions.payload_for): the six tables, the
    extended figures (totals and per 科室/机关), the 情况说明 and the 处罚种类 order used for combined penalties."""
    d = p.payload or {}
    parsed = parse_key(p.key)
    raw_tables = _dict(d.get("tables"))
    ordered = [c for c in TABLE_LABELS if c in raw_tables] + [c for c in raw_tables if c not in TABLE_LABELS]
    tables = []
    for code in ordered:
        t = _dict(raw_tables[code])
        tables.append(_table(code, t, _s(t.get("label")) or TABLE_LABELS.get(code, code)))
    extended_rows = d.get("extended_rows")
    extended_table = None
    if isinstance(extended_rows, list) and extended_rows:
        extended_table = _table(
            "extended",
            {
                "columns": d.get("extended_columns")
                or [{"code": c, "label": lbl} for c, lbl in EXTENDED_LABELS.items()],
                "rows": extended_rows,
                "total": d.get("extended") if isinstance(d.get("extended"), dict) else {},
            },
            "程序、审核与救济情况",
        )
    order = d.get("penalty_order")
    return {
        "id": p.pk,
        "year": parsed[0] if parsed else _number(d.get("year")),
        "scope": "city" if parsed and parsed[1] else "agency",
        "agency_id": p.agency_id,
        "agency_name": pub.agency_name(p.agency_id),
        "narrative": _s(d.get("narrative")),
        "tables": tables,
        "extended": _extended(d),
        "extended_table": extended_table,
        "penalty_order": [_s(x) for x in order] if isinstance(order, list) else [],
        "penalty_order_source": _s(d.get("penalty_order_source")),
        "published_on": _day(p.published_at),
        "version": p.version,
    }


# The figure a table contributes to the overview chart: 许可数量, 处罚合计（宗）, 征收/征用件数, 检查次数; 行政强制
# (measures and enforcement, none counting another) adds its columns.
HEADLINE = {
    "licensing": "granted",
    "penalty": "total",
    "levy": "count",
    "requisition": "count",
    "inspection": "inspections",
}
NOT_CHARTED = {"total", "amount"}


def _headline(t: dict[str, Any]) -> int | float:
    total = t["total"]
    code = HEADLINE.get(t["code"])
    if code is None and "total" in total:
        code = "total"
    if code is not None and isinstance(total.get(code), int | float):
        return total[code]
    return sum(v for k, v in total.items() if isinstance(v, int | float) and k not in NOT_CHARTED)


def _bar(categories: list[str], series: list[dict[str, Any]], *, horizontal: bool = False) -> dict[str, Any]:
    category_axis: dict[str, Any] = {
        "type": "category",
        "data": categories,
        "axisLabel": {"interval": 0, "hideOverlap": True},
    }
    if horizontal:
        category_axis["inverse"] = True
    value_axis = {"type": "value", "minInterval": 1}
    return {
        "tooltip": {"trigger": "axis", "renderMode": "richText"},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 8, "right": 24, "top": 36, "bottom": 8, "containLabel": True},
        "xAxis": value_axis if horizontal else category_axis,
        "yAxis": category_axis if horizontal else value_axis,
        "series": series,
    }


def annual_charts(report: dict[str, Any]) -> list[dict[str, Any]]:
    """ECharts options (plain JSON, no functions) for static/js/portal-annual.js; the tables carry the same data."""
    charts: list[dict[str, Any]] = []
    tables = report["tables"]
    if tables:
        charts.append(
            {
                "id": "overview",
                "title": "六类行政执法行为数量",
                "option": _bar(
                    [t["label"] for t in tables],
                    [
                        {
                            "type": "bar",
                            "name": "数量",
                            "data": [_headline(t) for t in tables],
                            "label": {"show": True},
                        }
                    ],
                    horizontal=True,
                ),
            }
        )
    penalty = next((t for t in tables if t["code"] == "penalty"), None)
    if penalty:
        parts = [
            {"name": c["label"], "value": v}
            for c in penalty["columns"]
            if c["code"] not in NOT_CHARTED
            and isinstance(v := penalty["total"].get(c["code"]), int | float)
            and v
        ]
        if parts:
            charts.append(
                {
                    "id": "penalty-kinds",
                    "title": "行政处罚种类构成（并处的计入最重种类）",
                    "option": {
                        "tooltip": {"trigger": "item", "renderMode": "richText"},
                        "legend": {"type": "scroll", "bottom": 0},
                        "series": [
                            {"type": "pie", "name": "行政处罚", "radius": ["35%", "65%"], "data": parts}
                        ],
                    },
                }
            )
    by = "机关" if report["scope"] == "city" else "科室"
    for t in tables:
        columns = [
            c
            for c in t["columns"]
            if c["code"] not in NOT_CHARTED
            and isinstance(t["total"].get(c["code"]), int | float)
            and t["total"][c["code"]]
        ]
        if len(t["rows"]) < 2 or not columns:
            continue
        series = [
            {
                "type": "bar",
                "name": c["label"],
                "stack": "total" if t["code"] == "penalty" else None,
                "data": [
                    v if isinstance(v := r["values"].get(c["code"]), int | float) else 0 for r in t["rows"]
                ],
            }
            for c in columns
        ]
        charts.append(
            {
                "id": f"table-{t['code']}",
                "title": f"{t['label']}（按{by}）",
                "option": _bar(
                    [r["department"] or "—" for r in t["rows"]],
                    [{k: v for k, v in s.items() if v is not None} for s in series],
                ),
            }
        )
    extended = [e for e in report["extended"] if isinstance(e["value"], int | float)]
    if any(e["value"] for e in extended):
        charts.append(
            {
                "id": "extended",
                "title": "程序、审核与救济情况",
                "option": _bar(
                    [e["label"] for e in extended],
                    [
                        {
                            "type": "bar",
                            "name": "数量",
                            "data": [e["value"] for e in extended],
                            "label": {"show": True},
                        }
                    ],
                    horizontal=True,
                ),
            }
        )
    return charts


ANNUAL_CSV_COLUMNS = [
    ("year", "年度"),
    ("agency_name", "机关"),
    ("scope_label", "范围"),
    ("table", "统计表"),
    ("department", "科室或机关"),
    ("column", "指标"),
    ("value", "数值"),
    ("manual", "手工填报"),
]


def annual_csv_rows(reports: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """One row per figure (long format), so every table shape fits one CSV."""
    for r in reports:
        base = {
            "year": r["year"],
            "agency_name": r["agency_name"],
            "scope_label": "全市汇总" if r["scope"] == "city" else "本机关",
        }
        tables = [*r["tables"], *([r["extended_table"]] if r["extended_table"] else [])]
        for t in tables:
            for row in t["rows"]:
                for c in t["columns"]:
                    yield {
                        **base,
                        "table": t["label"],
                        "department": row["department"],
                        "column": c["label"],
                        "value": row["values"].get(c["code"]),
                        "manual": row["manual"],
                    }
            for c in t["columns"]:
                yield {
                    **base,
                    "table": t["label"],
                    "department": "合计",
                    "column": c["label"],
                    "value": t["total"].get(c["code"]),
                    "manual": t["manual"],
                }
        if not r["extended_table"]:
            for e in r["extended"]:
                yield {
                    **base,
                    "table": "程序、审核与救济情况",
                    "department": "合计",
                    "column": e["label"],
                    "value": e["value"],
                    "manual": False,
                }


def year_reports(year: int, agency_id: int | None = None) -> list[dict[str, Any]]:
    """Every live annual report of ``year`` (city total first), or one agency's."""
    qs = pub.live(Kind.ANNUAL).filter(key__in=[str(year), city_key(year)])
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    reports = [annual_report(p) for p in qs.order_by("agency_id")]
    infos = pub.agencies()

    def order(r: dict[str, Any]) -> tuple[Any, ...]:
        info = infos.get(r["agency_id"])
        return (
            r["scope"] != "city",
            info.region_sort if info else 0,
            info.region_code if info else "",
            r["agency_id"],
        )

    return sorted(reports, key=order)


# --- views -----------------------------------------------------------------------------------------------


@public
def results(request: HttpRequest) -> HttpResponseBase:
    """执法结果: 行政许可、行政处罚、行政检查决定 (国办发〔2018〕118号 事后公开), searchable and paged.

    The result part of the page is cached per query and page until the next publication (or COUNT_TTL)."""
    flt = DecisionFilter.from_params(request.GET)
    if request.GET.get("format"):
        download = portal._download(
            request,
            "执法结果",
            DECISION_COLUMNS,
            pub.export_rows(
                decisions(flt).only(*DECISION_LIST_FIELDS, "expires_on", "version"), decision_detail
            ),
        )
        if download:
            return download
    ctx = portal._ctx(request, "jieguo")
    page_number = pub.clean_int(request.GET.get("page")) or 1
    content = pub.cached(
        f"results-content|{pub.today()}|{ctx['query']}|{page_number}",
        lambda: _results_content(request, flt, page_number, ctx["query"]),
    )
    return render(request, "publicity/portal/results.html", {**ctx, "content": content})


def _results_content(request: HttpRequest, flt: DecisionFilter, page_number: int, query: str) -> str:
    count = decision_count(flt)
    qs = decisions(flt, count).only(*DECISION_LIST_FIELDS)
    page = pub.paginate(qs, page_number, flt.key, count=count)
    rows = [
        {**decision_row(p), "url": reverse("portal:result_detail", args=[p.pk])} for p in page.object_list
    ]
    return render_to_string(
        "publicity/portal/_results_content.html",
        {"page": page, "rows": rows, "flt": flt, "query": query, "facets": decision_facets()},
        request,
    )


@public
def result_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One decision; an older version is shown on ?version=, a superseded link leads to the current version."""
    publication = Publication.objects.filter(pk=pk, kind=Kind.DECISION).only("agency_id", "key").first()
    if publication is None:
        raise Http404("该执法结果未公示或已撤回")
    current = pub.live(Kind.DECISION).filter(agency_id=publication.agency_id, key=publication.key).first()
    if current is None:
        raise Http404("该执法结果已撤回或已过公示期限")
    version = pub.clean_int(request.GET.get("version"))
    if version is None and current.pk != pk:
        return redirect("portal:result_detail", pk=current.pk)
    shown = current
    if version is not None and version != current.version:
        older = pub.version_of(Kind.DECISION, current.agency_id, current.key, version)
        if older is None or older.version > current.version:
            raise Http404("该版本不存在或已撤回")
        shown = older
    return render(
        request,
        "publicity/portal/result_detail.html",
        portal._ctx(
            request,
            "jieguo",
            decision=decision_detail(shown),
            publication=shown,
            versions=pub.history(Kind.DECISION, current.agency_id, current.key),
        ),
    )


@public
def withdrawals(request: HttpRequest) -> HttpResponseBase:
    """撤回公告: decisions 变更、撤销、确认违法或确认无效 and withdrawn, with the public reasons notice."""
    qs = withdrawn()
    download = portal._download(request, "撤回公告", WITHDRAWAL_COLUMNS, pub.export_rows(qs, withdrawal_row))
    if download:
        return download
    page = pub.paginate(qs, request.GET.get("page"), f"withdrawals|{pub.today()}")
    return render(
        request,
        "publicity/portal/withdrawals.html",
        portal._ctx(request, "jieguo", page=page, rows=[withdrawal_row(p) for p in page.object_list]),
    )


@public
def annual_list(request: HttpRequest) -> HttpResponseBase:
    """年度数据: every published year kept (行政执法统计年报, 每年1月31日前公开)."""
    return render(
        request, "publicity/portal/annual_list.html", portal._ctx(request, "nianbao", years=annual_index())
    )


def _annual_page(request: HttpRequest, year: int, agency_id: int | None) -> HttpResponseBase:
    entry = next((e for e in annual_index() if e["year"] == year), None)
    if entry is None:
        raise Http404("该年度数据尚未公开")
    publication = annual_publication(year, agency_id)
    if publication is None and agency_id is not None:
        raise Http404("该机关该年度数据尚未公开")
    report = annual_report(publication) if publication else None
    download = None
    if report is not None:
        download = portal._download(
            request, f"{year}年度数据-{report['agency_name']}", ANNUAL_CSV_COLUMNS, annual_csv_rows([report])
        )
    if download:
        return download
    charts = annual_charts(report) if report else []
    agency = Agency.objects.filter(pk=agency_id).only("name").first() if agency_id else None
    return render(
        request,
        "publicity/portal/annual_year.html",
        portal._ctx(
            request,
            "nianbao",
            year=year,
            entry=entry,
            report=report,
            agency=agency,
            charts=[{**c, "json": json.dumps(c["option"], ensure_ascii=False)} for c in charts],
        ),
    )


@public
def annual_year(request: HttpRequest, year: int) -> HttpResponseBase:
    """The city total of one year, with links to each agency's report."""
    return _annual_page(request, year, None)


@public
def annual_agency(request: HttpRequest, year: int, agency_id: int) -> HttpResponseBase:
    """One agency's annual report."""
    return _annual_page(request, year, agency_id)
