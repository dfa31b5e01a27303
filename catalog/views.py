"""Staff pages of the 事项清单 under /manage/catalog/. Thin: every page fetches through ``scoped``/``scoped_get``
and every change goes through catalog.actions."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from accounts.access import access, agency_scope, can, scoped, scoped_get
from catalog import actions, rules
from catalog.forms import (
    FORMSETS,
    AbolishForm,
    ApproveForm,
    CommentForm,
    GuideForm,
    ItemForm,
    rows,
)
from catalog.models import Category, GuideMaterial, Item, ItemRevision, ServiceGuide
from core.errors import SanxiangError
from core.formerrors import apply_errors
from core.http import client_ip
from core.models import Agency
from org.models import Department
from publicity.models import Publication
from publicity.rules import REVIEW_STATES, SUBMITTED, editable

PAGE_SIZE = 50


def _items(user: Any, capability: str = "publicity.read") -> QuerySet[Item]:
    return scoped(user, capability, Item.objects.select_related("agency", "department"))


def _get(request: HttpRequest, capability: str, pk: int) -> Item:
    return scoped_get(request.user, capability, Item.objects.select_related("agency", "department"), pk=pk)


@access("publicity.read")
def item_list(request: HttpRequest) -> HttpResponse:
    qs = _items(request.user)
    g = request.GET
    agency_ids = agency_scope(request.user, "publicity.read")
    agencies = Agency.objects.filter(id__in=agency_ids, items__isnull=False).distinct()
    if g.get("agency", "").isdigit():
        qs = qs.filter(agency_id=int(g["agency"]))
    if g.get("category") in Category.values:
        qs = qs.filter(category=g["category"])
    if g.get("department", "").isdigit():
        qs = qs.filter(department_id=int(g["department"]))
    if g.get("state") in dict(REVIEW_STATES):
        qs = qs.filter(state=g["state"], is_abolished=False)
    if g.get("abolished") == "1":
        qs = qs.filter(is_abolished=True)
    elif g.get("abolished") != "all":
        qs = qs.filter(is_abolished=False)
    q = g.get("q", "").strip()
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(legal_bases__law__icontains=q)
        ).distinct()
    page = Paginator(qs.order_by("agency_id", "code"), PAGE_SIZE).get_page(g.get("page"))
    departments = Department.objects.filter(agency_id__in=agency_ids, items__isnull=False).distinct()
    return render(
        request,
        "catalog/item_list.html",
        {
            "page": page,
            "agencies": agencies if len(agency_ids) > 1 else [],
            "departments": departments.select_related("agency"),
            "categories": Category.choices,
            "states": REVIEW_STATES,
            "can_draft": can(request.user, "publicity.draft"),
            "can_review": can(request.user, "publicity.review"),
            "perms_review": can(request.user, "publicity.review"),
            "filters": g,
        },
    )


@access("publicity.draft")
def item_create(request: HttpRequest) -> HttpResponse:
    agency = Agency.objects.get(pk=request.user.agency_id)  # type: ignore[union-attr,misc]
    return _editor(request, agency, None)


@access("publicity.draft")
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(request, "publicity.draft", pk)
    if item.is_abolished or not editable(item.state):
        messages.error(request, f"当前状态为“{item.get_state_display()}”，不能修改。")
        return redirect("catalog:item_detail", item.pk)
    return _editor(request, item.agency, item)


def _initial(item: Item | None) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]], dict[str, Any]]:
    if item is None:
        return {"procedure": "auto", "level": "city", "time_limit_unit": "workday"}, {}, {"fees": "不收费"}
    data = actions.item_data(item)
    initial = {k: data[k] for k in actions.ITEM_FIELDS}
    initial["department"] = item.department_id
    guide = data["guide"] or {}
    sets = {
        "bases": data["legal_bases"],
        "bands": data["discretion"],
        "duties": data["av_duties"],
        "materials": [
            {"name": m["name"], "required": m["required"], "copies": m["copies"], "keep_sample": m["sample"]}
            for m in guide.get("materials", [])
        ],
    }
    return initial, sets, {k: v for k, v in guide.items() if k != "materials"}


def _editor(request: HttpRequest, agency: Agency, item: Item | None) -> HttpResponse:
    initial, set_initial, guide_initial = _initial(item)
    if request.method == "POST":
        post = request.POST.copy()
        add = post.get("add_row", "")
        if add in FORMSETS:
            key = f"{add}-TOTAL_FORMS"
            post[key] = str(int(post.get(key, "0") or 0) + 1)
        form = ItemForm(post, agency=agency)
        formsets = {p: cls(post, request.FILES, prefix=p) for p, (cls, _label) in FORMSETS.items()}
        guide_form = GuideForm(post, prefix="guide")
        valid = all([form.is_valid(), guide_form.is_valid(), *[f.is_valid() for f in formsets.values()]])
        if not add and valid:
            data = _item_data(form, formsets, guide_form)
            try:
                saved = actions.save_item(request.user, agency, item, data, ip=client_ip(request))
            except SanxiangError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已保存草稿：{saved.name}")
                if "save_submit" in post:
                    _submit(request, saved)
                return redirect("catalog:item_detail", saved.pk)
    else:
        form = ItemForm(initial=initial, agency=agency)
        formsets = {p: cls(initial=set_initial.get(p), prefix=p) for p, (cls, _label) in FORMSETS.items()}
        guide_form = GuideForm(initial=guide_initial, prefix="guide")
    return render(
        request,
        "catalog/item_form.html",
        {
            "form": form,
            "formsets": [(p, formsets[p], label) for p, (_cls, label) in FORMSETS.items()],
            "guide_form": guide_form,
            "item": item,
            "agency": agency,
            "title": f"编辑事项：{item.name}" if item else "新增执法事项",
        },
    )


def _item_data(form: ItemForm, formsets: dict[str, Any], guide_form: GuideForm) -> dict[str, Any]:
    d = form.cleaned_data
    data: dict[str, Any] = {k: d.get(k) for k in actions.ITEM_FIELDS}
    for key in (
        "major_criteria",
        "inspection_sub_items",
        "inspection_method",
        "inspection_content",
        "inspection_note",
        "change_note",
        "time_limit_text",
        "procedure",
    ):
        data[key] = data.get(key) or ""
    data["time_limit_unit"] = d.get("time_limit_unit") or "workday"
    data["department"] = d["department"]
    data["legal_bases"] = [
        {"law": r["law"], "article": r["article"], "text": r["text"]}
        for r in rows(formsets["bases"], ["law", "article", "text"])
    ]
    data["discretion"] = [
        {k: r.get(k) for k in ("condition", "range_text", "fine_min", "fine_max", "note")}
        for r in rows(formsets["bands"], ["condition", "range_text", "fine_min", "fine_max", "note"])
    ]
    data["av_duties"] = [
        {"step": r["step"], "requirement": r["requirement"]}
        for r in rows(formsets["duties"], ["step", "requirement"])
    ]
    materials = []
    for r in rows(formsets["materials"], ["name", "sample", "keep_sample"]):
        sample: Any = r.get("sample") or ("" if r.get("drop_sample") else r.get("keep_sample") or "")
        materials.append(
            {
                "name": r.get("name") or "",
                "required": bool(r.get("required")),
                "copies": r.get("copies") or 1,
                "sample": sample,
            }
        )
    if guide_form.is_blank() and not materials:
        data["guide"] = None
    else:
        data["guide"] = {
            **{k: guide_form.cleaned_data.get(k) or "" for k in guide_form.fields},
            "materials": materials,
        }
    return data


@access("publicity.read")
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(request, "publicity.read", pk)
    guide = ServiceGuide.objects.filter(item=item).prefetch_related("materials").first()
    user = request.user
    live = (
        Publication.objects.current()
        .filter(source_type=item._meta.label_lower, source_id=str(item.pk))
        .first()
    )
    return render(
        request,
        "catalog/item_detail.html",
        {
            "item": item,
            "bases": item.legal_bases.all(),
            "bands": item.discretion_bands.all(),
            "duties": item.av_duties.all(),
            "guide": guide,
            "revisions": item.revisions.select_related("actor"),
            "perms_review": can(user, "publicity.review"),
            "live": live,
            "can_edit": can(user, "publicity.draft", item.agency_id)
            and editable(item.state)
            and not item.is_abolished,
            "can_submit": can(user, "publicity.draft", item.agency_id)
            and editable(item.state)
            and not item.is_abolished,
            "can_review": can(user, "publicity.review", item.agency_id) and item.state == SUBMITTED,
            "can_abolish": can(user, "publicity.review", item.agency_id) and not item.is_abolished,
            "gaps": rules.check_item(actions._checkable(actions.item_data(item)), for_publication=True),
        },
    )


@access("publicity.read")
def revision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One submitted or published version as it was, and what changed against the version published before it."""
    revision = scoped_get(
        request.user, "publicity.read", ItemRevision.objects.select_related("item", "actor"), pk=pk
    )
    previous = (
        ItemRevision.objects.filter(item_id=revision.item_id, action=ItemRevision.Action.APPROVE)
        .filter(Q(at__lt=revision.at) | Q(at=revision.at, id__lt=revision.pk))
        .order_by("-at", "-id")
        .first()
    )
    snapshot = revision.snapshot or {}
    return render(
        request,
        "catalog/revision_detail.html",
        {
            "revision": revision,
            "item": revision.item,
            "previous": previous,
            "diff": rules.diff_snapshots(previous.snapshot if previous else None, snapshot)
            if snapshot
            else [],
            "perms_review": can(request.user, "publicity.review"),
        },
    )


@access("publicity.draft")
def item_submit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(request, "publicity.draft", pk)
    if request.method != "POST":  # after the scope check, so an outsider learns nothing but 403
        return HttpResponseNotAllowed(["POST"])
    _submit(request, item)
    return redirect("catalog:item_detail", item.pk)


def _submit(request: HttpRequest, item: Item) -> None:
    try:
        actions.submit_item(request.user, item, ip=client_ip(request))
    except SanxiangError as exc:
        for e in getattr(exc, "errors", [exc.message]):
            messages.error(request, f"未能报送：{e}")
    else:
        messages.success(request, f"已报送行政执法协调监督科审核：{item.name}")


@access("publicity.review")
def review_queue(request: HttpRequest) -> HttpResponse:
    qs = _items(request.user, "publicity.review").filter(state=SUBMITTED, is_abolished=False)
    page = Paginator(qs.order_by("submitted_at", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    returned = _items(request.user, "publicity.review").filter(state="returned", is_abolished=False)
    return render(
        request,
        "catalog/review_queue.html",
        {"page": page, "returned": returned.order_by("-updated_at")[:20]},
    )


@access("publicity.review")
def item_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(request, "publicity.review", pk)
    approve_form = ApproveForm(
        request.POST if request.POST.get("decision") == "approve" else None, prefix="approve"
    )
    return_form = CommentForm(
        request.POST if request.POST.get("decision") == "return" else None, prefix="return"
    )
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "approve" and approve_form.is_valid():
                actions.approve_item(
                    request.user, item, approve_form.cleaned_data["comment"], ip=client_ip(request)
                )
                messages.success(request, f"已审核发布：{item.name}")
                return redirect("catalog:review_queue")
            if decision == "return" and return_form.is_valid():
                actions.return_item(
                    request.user, item, return_form.cleaned_data["comment"], ip=client_ip(request)
                )
                messages.success(request, f"已退回修改：{item.name}")
                return redirect("catalog:review_queue")
        except SanxiangError as exc:
            target = return_form if decision == "return" else approve_form
            apply_errors(target, exc, fallback=None)
    current = actions.item_data(item)
    return render(
        request,
        "catalog/item_review.html",
        {
            "item": item,
            "diff": rules.diff_snapshots(actions.last_published_snapshot(item), current),
            "approve_form": approve_form,
            "return_form": return_form,
            "is_submitted": item.state == SUBMITTED,
            "gaps": rules.check_item(actions._checkable(current), for_publication=True),
        },
    )


@access("publicity.review")
def item_abolish(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(request, "publicity.review", pk)
    form = AbolishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.abolish_item(request.user, item, form.cleaned_data["reason"], ip=client_ip(request))
        except SanxiangError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已废止：{item.name}")
            return redirect("catalog:item_detail", item.pk)
    return render(request, "catalog/item_abolish.html", {"item": item, "form": form})


@access("publicity.read")
def sample_download(request: HttpRequest, pk: int) -> FileResponse:
    material = scoped_get(
        request.user,
        "publicity.read",
        GuideMaterial.objects.select_related("guide__item"),
        "guide__item__agency_id",
        pk=pk,
    )
    name = material.sample.name or ""
    if not name or not default_storage.exists(name):
        raise Http404("示范文本不存在")
    filename = name.rsplit("/", 1)[-1]
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
    )


# 重大执法决定目录 (附件4), 音像记录事项清单 (附件3), 随机抽查事项清单 (regulations.md §9): views over the items.
LISTS = {
    "major": (
        "重大执法决定法制审核目录清单",
        "附件4：各科室梳理本科室重大执法决定事项，报行政执法协调监督科审核确定",
    ),
    "av": ("音像记录事项清单", "附件3：行政许可、行政处罚、行政检查事项各执法环节的音像记录要求"),
    "random": ("随机抽查事项清单", "“双随机、一公开”：检查项目、检查子项、检查依据、检查方式、检查内容"),
}


def list_queryset(kind: str, qs: QuerySet[Item]) -> QuerySet[Item]:
    qs = qs.filter(is_abolished=False)
    if kind == "major":
        return qs.filter(is_major=True)
    if kind == "av":
        return qs.annotate(n_duties=Count("av_duties")).filter(n_duties__gt=0).prefetch_related("av_duties")
    return qs.filter(category=rules.INSPECTION, is_random_inspection=True).prefetch_related("legal_bases")


def _list_view(request: HttpRequest, kind: str) -> HttpResponse:
    qs = list_queryset(kind, _items(request.user))
    if request.GET.get("department", "").isdigit():
        qs = qs.filter(department_id=int(request.GET["department"]))
    if request.GET.get("agency", "").isdigit():
        qs = qs.filter(agency_id=int(request.GET["agency"]))
    qs = qs.order_by("agency_id", "department__sort", "code")
    title, note = LISTS[kind]
    departments = (
        Department.objects.filter(agency_id__in=agency_scope(request.user, "publicity.read"), items__in=qs)
        .distinct()
        .select_related("agency")
    )
    return render(
        request,
        "catalog/item_lists.html",
        {
            "items": qs[:1000],
            "kind": kind,
            "title": title,
            "note": note,
            "departments": departments,
            "perms_review": can(request.user, "publicity.review"),
        },
    )


@access("publicity.read")
def major_list(request: HttpRequest) -> HttpResponse:
    return _list_view(request, "major")


@access("publicity.read")
def av_list(request: HttpRequest) -> HttpResponse:
    return _list_view(request, "av")


@access("publicity.read")
def random_list(request: HttpRequest) -> HttpResponse:
    return _list_view(request, "random")
