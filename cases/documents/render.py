"""Rendering of 文书: Word through docxtpl (templates in cases/doc_templates/*.docx, made by
scripts/make_doc_templates.py) and PDF through WeasyPrint (cases/doc_templates/document.html + document.css).

The PDF CSS names the CJK fonts explicitly ("Noto Serif CJK SC", "Noto Sans CJK SC"): without a CJK font
WeasyPrint silently prints empty boxes, which the tests catch by extracting the text again with pypdf.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.template import Context, Engine

from cases.documents.context import render_context
from cases.documents.registry import DocType
from cases.documents.registry import get as get_type

TEMPLATES = Path(__file__).resolve().parent.parent / "doc_templates"
LAYOUT_TEMPLATES = {"letter": "letter.docx", "form": "form.docx", "record": "record.docx"}
_engine: Engine | None = None


def _html_engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = Engine(dirs=[str(TEMPLATES)], autoescape=True)
    return _engine


def _docx_value(value: Any) -> Any:
    from docxtpl import Listing

    if isinstance(value, str) and "\n" in value:
        return Listing(value.replace("\r\n", "\n"))
    return value


def render_docx_bytes(doc: Any, doc_type: DocType | None = None) -> bytes:
    from docxtpl import DocxTemplate

    doc_type = doc_type or get_type(doc.doc_type)
    ctx = render_context(doc, doc_type)
    ctx["body"] = [_docx_value(p) for p in ctx["body"]]
    ctx["rows"] = [{**r, "value": _docx_value(r["value"])} for r in ctx["rows"]]
    template = DocxTemplate(str(TEMPLATES / LAYOUT_TEMPLATES[doc_type.layout]))
    template.render(ctx, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def render_html(doc: Any, doc_type: DocType | None = None) -> str:
    doc_type = doc_type or get_type(doc.doc_type)
    ctx = render_context(doc, doc_type)
    return _html_engine().get_template("document.html").render(Context(ctx))


def render_pdf(doc: Any, doc_type: DocType | None = None) -> tuple[bytes, int]:
    """(PDF bytes, page count)."""
    from weasyprint import CSS, HTML

    html = render_html(doc, doc_type)
    rendered = HTML(string=html, base_url=str(TEMPLATES)).render(
        stylesheets=[CSS(filename=str(TEMPLATES / "document.css"))]
    )
    return rendered.write_pdf(), len(rendered.pages)


def render_pdf_bytes(doc: Any) -> bytes:
    return render_pdf(doc)[0]
