"""Generate the Word templates of the 文书 (cases/doc_templates/{letter,form,record}.docx) with python-docx.

    .venv/bin/python scripts/make_doc_templates.py

The templates carry docxtpl (Jinja) tags; ``cases.documents.render`` fills them. Layout after the 司法部 and
provincial 文书格式: A4 with the 公文 margins (上37 下35 左28 右26 mm); the agency name and the document title
centred in bold (小标宋 → "SimSun" bold, the title size 二号 22pt); the 文号 right-aligned; body text 仿宋 三号 (16pt,
"FangSong") with a two-character first-line indent; the agency name, date and （印章） at the lower right; 笔录 carry
"第 页 共 页" in the footer. East-Asian fonts are set through ``w:eastAsia`` on every run and on the styles;
machines without 仿宋/宋体 (e.g. Linux with fonts-noto-cjk) fall back to Noto Serif CJK SC.
The generated .docx files are committed; rerun this script after changing it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

OUT = Path(__file__).resolve().parent.parent / "cases" / "doc_templates"
BODY_FONT = "FangSong"  # 仿宋_GB2312 / 仿宋; fallback Noto Serif CJK SC
TITLE_FONT = "SimSun"  # 方正小标宋简体 is not redistributable; 宋体 bold; fallback Noto Serif CJK SC
LATIN_FONT = "Times New Roman"


def _fonts(run_or_style_rpr: Any, east_asia: str) -> None:
    rpr = run_or_style_rpr
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)


def _run(paragraph: Any, text: str, *, size: float = 16, bold: bool = False, font: str = BODY_FONT) -> Any:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = LATIN_FONT
    _fonts(run._element.get_or_add_rPr(), font)
    return run


def _para(
    doc: DocxDocument,
    text: str = "",
    *,
    align: Any = None,
    size: float = 16,
    bold: bool = False,
    indent: bool = False,
    font: str = BODY_FONT,
) -> Any:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = Pt(28)
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if text:
        _run(p, text, size=size, bold=bold, font=font)
    return p


def _base() -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(16)
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    # 小标题 style for the title lines.
    title_style = doc.styles.add_style("SxTitle", 1)
    title_style.base_style = normal
    title_style.font.size = Pt(22)
    title_style.font.bold = True
    _fonts(title_style.element.get_or_add_rPr(), TITLE_FONT)
    title_style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return doc


def _head(doc: DocxDocument) -> None:
    _para(doc, "{{ agency_name }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=18, bold=True, font=TITLE_FONT)
    title = _para(doc, "{{ title }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=22, bold=True, font=TITLE_FONT)
    title.style = doc.styles["SxTitle"]
    _para(doc, "{{ number }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{{ version_note }}", align=WD_ALIGN_PARAGRAPH.RIGHT, size=10.5)


def _seal(doc: DocxDocument) -> None:
    _para(doc)
    _para(doc, "（印章）", align=WD_ALIGN_PARAGRAPH.RIGHT, size=10.5)
    _para(doc, "{{ agency_name }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)


def _fields_table(doc: DocxDocument) -> None:
    table = doc.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Mm(45), Mm(111))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    first, middle, last = table.rows
    first.cells[0].paragraphs[0].add_run("{%tr for r in rows %}")
    label = middle.cells[0].paragraphs[0]
    label.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(label, "{{ r.label }}", size=12)
    _run(middle.cells[1].paragraphs[0], "{{ r.value }}", size=12)
    last.cells[0].paragraphs[0].add_run("{%tr endfor %}")


def _body_loop(doc: DocxDocument) -> None:
    _para(doc, "{%p for p in body %}")
    _para(doc, "{{ p }}", indent=True)
    _para(doc, "{%p endfor %}")


def _signatures(doc: DocxDocument) -> None:
    _para(doc, "{%p for s in signatures %}")
    _para(doc, "{{ s }}                    年    月    日", size=12)
    _para(doc, "{%p endfor %}")


def _page_footer(doc: DocxDocument, *, pages: bool) -> None:
    footer = doc.sections[0].footer
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def field(instr: str) -> None:
        fld = OxmlElement("w:fldSimple")
        fld.set(qn("w:instr"), instr)
        r = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = "1"
        r.append(t)
        fld.append(r)
        p._p.append(fld)

    if pages:
        _run(p, "第 ", size=10.5)
        field("PAGE")
        _run(p, " 页 共 ", size=10.5)
        field("NUMPAGES")
        _run(p, " 页", size=10.5)
    else:
        _run(p, "— ", size=10.5)
        field("PAGE")
        _run(p, " —", size=10.5)


def letter() -> DocxDocument:
    """通知书/决定书: head, 当事人 line, body paragraphs, seal area."""
    doc = _base()
    _head(doc)
    _para(doc, "{{ addressee }}")
    _body_loop(doc)
    _seal(doc)
    _para(doc, "案件编号：{{ case_number }}", size=9)
    _page_footer(doc, pages=False)
    return doc


def form() -> DocxDocument:
    """审批表/报告/送达回证: head, a label | value table, signatures, seal."""
    doc = _base()
    _head(doc)
    _fields_table(doc)
    _body_loop(doc)
    _signatures(doc)
    _seal(doc)
    _para(doc, "案件编号：{{ case_number }}", size=9)
    _page_footer(doc, pages=False)
    return doc


def record() -> DocxDocument:
    """笔录: head, the record fields, "以上内容记录属实" text, signatures, "第 页 共 页" footer."""
    doc = _base()
    _head(doc)
    _fields_table(doc)
    _body_loop(doc)
    _signatures(doc)
    _para(doc, "案件编号：{{ case_number }}", size=9)
    _page_footer(doc, pages=True)
    return doc


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in (("letter", letter), ("form", form), ("record", record)):
        path = OUT / f"{name}.docx"
        build().save(str(path))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
