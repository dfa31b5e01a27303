"""文书 pages of a case: the list by step, make/edit a draft, 签发, 更正, downloads (Word/PDF).

Thin views: objects through ``scoped_get`` (case.read to look, case.handle to change), state changes through
``cases.actions.documents``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from accounts.access import access, can, scoped_get
from cases.actions import documents as actions
from cases.documents import registry
from cases.documents.context import doc_values
from cases.documents.registry import DocType
from cases.models import Case, CaseStep, Document
from catalog.process import get as get_process
from core.errors import SanxiangError
from core.formerrors import apply_errors

_FORMATS = {"pdf": ("application/pdf", "pdf"), "docx": (actions.DOCX_TYPE, "docx")}


def _case(request: HttpRequest, capability: str, pk: int) -> Case:
    return scoped_get(request.user, capability, Case.objects.select_related("agency", "item"), pk=pk)


def _doc(request: HttpRequest, capability: str, pk: int, doc_pk: int) -> Document:
    qs = Document.objects.select_related("case__agency", "pdf_blob", "docx_blob").filter(case_id=pk)
    return scoped_get(request.user, capability, qs, agency_field="case__agency_id", pk=doc_pk)


def _tabs(case: Case) -> list[dict[str, Any]]:
    from cases.views import tabs

    return tabs(case, "cases:documents")


class DocumentForm(forms.Form):
    """The fields of one DocType (labels and required marks from the registry; requiredness is enforced when
    issuing, so a draft can be saved incomplete)."""

    def __init__(self, *args: Any, doc_type: DocType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.doc_type = doc_type
        for f in doc_type.fields:
            attrs = {"class": "form-control"}
            widget: forms.Widget
            if f.kind == "textarea":
                widget = forms.Textarea(attrs={**attrs, "rows": 4})
            elif f.kind == "date":
                widget = forms.DateInput(attrs={**attrs, "type": "date"})
            elif f.kind == "datetime":
                widget = forms.DateTimeInput(attrs={**attrs, "type": "datetime-local"})
            else:
                widget = forms.TextInput(attrs=attrs)
            field = forms.CharField(label=f.label, required=False, widget=widget, help_text=f.help)
            field.statutory = f.required  # type: ignore[attr-defined]
            field.wide = f.kind == "textarea"  # type: ignore[attr-defined]
            self.fields[f.name] = field


class CorrectForm(DocumentForm):
    def __init__(self, *args: Any, doc_type: DocType, **kwargs: Any) -> None:
        super().__init__(*args, doc_type=doc_type, **kwargs)
        self.fields["reason"] = forms.CharField(
            label="更正原因",
            max_length=300,
            widget=forms.TextInput(attrs={"class": "form-control"}),
            help_text="必填；原文书保留，新版本沿用原文号",
        )
        self.order_fields(["reason"])


def _step_groups(case: Case) -> list[dict[str, Any]]:
    """The case's steps (visited ones and the current one) with the 文书 their YAML lists and the documents made."""
    try:
        process = get_process(case.procedure)
    except Exception:  # pragma: no cover - an invalid YAML is shown on the catalog pages
        process = None
    docs = list(
        case.documents.select_related("pdf_blob", "docx_blob").order_by("step_id", "doc_type", "version")
    )
    visited = list(CaseStep.objects.filter(case=case).order_by("seq").values_list("step_id", "name"))
    seen: set[str] = set()
    groups = []
    for step_id, name in visited:
        if step_id in seen:
            continue
        seen.add(step_id)
        step = process.step(step_id) if process is not None else None
        titles = list(getattr(step, "documents", None) or [])
        types = []
        for title in titles:
            dt = registry.for_step_title(title)
            types.append({"title": title, "type": dt if dt and case.procedure in dt.procedures else None})
        groups.append(
            {
                "step_id": step_id,
                "name": name,
                "current": step_id == case.current_step,
                "types": types,
                "documents": [d for d in docs if d.step_id == step_id],
            }
        )
    other = [d for d in docs if d.step_id not in seen]
    if other:
        groups.append({"step_id": "", "name": "其他", "current": False, "types": [], "documents": other})
    return groups


@access("case.read")
def documents(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, "case.read", pk)
    may_handle = can(request.user, "case.handle", case.agency_id) and not case.is_read_only
    return render(
        request,
        "cases/documents.html",
        {
            "case": case,
            "tabs": _tabs(case),
            "groups": _step_groups(case),
            "may_handle": may_handle,
            "all_types": registry.for_procedure(case.procedure),
        },
    )


@access("case.handle")
def document_new(request: HttpRequest, pk: int, doc_type: str) -> HttpResponse:
    case = _case(request, "case.handle", pk)
    try:
        dt = registry.get(doc_type)
    except SanxiangError as exc:
        messages.error(request, exc.message)
        return redirect("cases:documents", case.pk)
    step_id = request.GET.get("step") or request.POST.get("step") or case.current_step
    if request.method == "POST":
        form = DocumentForm(request.POST, doc_type=dt)
        if form.is_valid():
            try:
                doc = actions.create_document(
                    request.user, case, dt.code, data=form.cleaned_data, step_id=step_id
                )
            except SanxiangError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已保存{dt.title}草稿")
                return redirect("cases:document_detail", case.pk, doc.pk)
        status = 400
    else:
        from cases.documents.context import prefill

        form = DocumentForm(initial=prefill(case, dt), doc_type=dt)
        status = 200
    return render(
        request,
        "cases/documents_form.html",
        {"case": case, "tabs": _tabs(case), "doc_type": dt, "form": form, "step_id": step_id, "doc": None},
        status=status,
    )


@access("case.read")
def document_detail(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    doc = _doc(request, "case.read", pk, doc_pk)
    case = doc.case
    dt = registry.get(doc.doc_type)
    versions = _versions(doc)
    may_handle = can(request.user, "case.handle", case.agency_id) and not case.is_read_only
    values = doc_values(doc)
    rows = [{"label": f.label, "value": values.get(f.name, ""), "required": f.required} for f in dt.fields]
    from cases.documents.rules import problems

    return render(
        request,
        "cases/documents_detail.html",
        {
            "case": case,
            "tabs": _tabs(case),
            "doc": doc,
            "doc_type": dt,
            "rows": rows,
            "versions": versions,
            "may_handle": may_handle,
            "problems": problems(dt, {**values, "agency_name": case.agency.name})
            if doc.state == Document.State.DRAFT
            else [],
        },
    )


def _versions(doc: Document) -> list[Document]:
    """Every version of the document's lineage, oldest first."""
    first = doc
    while first.supersedes_id:
        first = Document.objects.get(pk=first.supersedes_id)
    chain = [first]
    while True:
        nxt = Document.objects.filter(supersedes=chain[-1]).first()
        if nxt is None:
            return chain
        chain.append(nxt)


@access("case.handle")
def document_edit(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    doc = _doc(request, "case.handle", pk, doc_pk)
    dt = registry.get(doc.doc_type)
    if doc.state != Document.State.DRAFT:
        messages.error(request, "文书已签发，不能修改；如需更正，请制作更正版本（原件保留）")
        return redirect("cases:document_detail", pk, doc.pk)
    if request.method == "POST":
        form = DocumentForm(request.POST, doc_type=dt)
        if form.is_valid():
            try:
                actions.update_document(request.user, doc, form.cleaned_data)
            except SanxiangError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "草稿已保存")
                return redirect("cases:document_detail", pk, doc.pk)
        status = 400
    else:
        form = DocumentForm(initial=doc_values(doc), doc_type=dt)
        status = 200
    return render(
        request,
        "cases/documents_form.html",
        {
            "case": doc.case,
            "tabs": _tabs(doc.case),
            "doc_type": dt,
            "form": form,
            "doc": doc,
            "step_id": doc.step_id,
        },
        status=status,
    )


@access("case.handle")
def document_issue(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    doc = _doc(request, "case.handle", pk, doc_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        issued = actions.issue_document(request.user, doc)
    except SanxiangError as exc:
        for message in getattr(exc, "errors", None) or [exc.message]:
            messages.error(request, message)
        return redirect("cases:document_detail", pk, doc.pk)
    messages.success(request, f"已签发{issued.title}{issued.number}")
    return redirect("cases:document_detail", pk, issued.pk)


@access("case.handle")
def document_correct(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    doc = _doc(request, "case.handle", pk, doc_pk)
    dt = registry.get(doc.doc_type)
    if request.method == "POST":
        form = CorrectForm(request.POST, doc_type=dt)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
            try:
                new = actions.correct_document(
                    request.user, doc, reason=form.cleaned_data["reason"], data=data
                )
            except SanxiangError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已签发更正版本（第{new.version}版），原文书保留")
                return redirect("cases:document_detail", pk, new.pk)
        status = 400
    else:
        form = CorrectForm(initial=doc_values(doc), doc_type=dt)
        status = 200
    return render(
        request,
        "cases/documents_form.html",
        {
            "case": doc.case,
            "tabs": _tabs(doc.case),
            "doc_type": dt,
            "form": form,
            "doc": doc,
            "correcting": True,
            "step_id": doc.step_id,
        },
        status=status,
    )


@access("case.read")
def document_download(request: HttpRequest, pk: int, doc_pk: int, fmt: str) -> HttpResponseBase:
    """The stored Word/PDF of an issued document (streamed from the blob); a draft is rendered now, marked 草稿."""
    doc = _doc(request, "case.read", pk, doc_pk)
    if fmt not in _FORMATS:
        return HttpResponse("格式：只支持 pdf 或 docx", status=404)
    content_type, ext = _FORMATS[fmt]
    filename = (
        f"{doc.title}{doc.number or '（草稿）'}{'-v' + str(doc.version) if doc.version > 1 else ''}.{ext}"
    )
    blob = doc.pdf_blob if fmt == "pdf" else doc.docx_blob
    if blob is not None:
        from evidence.store import open_blob

        response = FileResponse(
            open_blob(blob), content_type=content_type, as_attachment=True, filename=filename
        )
        response["X-Content-SHA256"] = blob.sha256
        return response
    import io

    from cases.documents.render import render_docx_bytes, render_pdf

    data = render_pdf(doc)[0] if fmt == "pdf" else render_docx_bytes(doc)
    return FileResponse(io.BytesIO(data), content_type=content_type, as_attachment=True, filename=filename)
