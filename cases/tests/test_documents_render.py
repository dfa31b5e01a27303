"""Every registered 文书 renders to Word (docxtpl) and PDF (WeasyPrint with a CJK font) and carries its title and
number; the registry maps the process YAMLs' document titles."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from docx import Document as Docx
from pypdf import PdfReader

from cases.actions import documents as actions
from cases.documents import registry
from cases.documents.registry import DocType
from cases.tests.factories import make_case
from catalog.process import get as get_process
from evidence.store import open_blob

ISSUE_4_TITLES = [
    "立案审批表",
    "询问笔录",
    "现场检查笔录",
    "先行登记保存证据通知书",
    "行政处罚事先告知书",
    "行政处罚听证告知书",
    "行政处罚听证通知书",
    "听证笔录",
    "调查终结报告",
    "案件集体讨论笔录",
    "行政处罚决定书",
    "当场行政处罚决定书",
    "送达回证",
    "行政处罚案件结案报告",
    "受理通知书",
    "不予受理通知书",
    "补正材料通知书",
    "准予行政许可决定书",
    "不予行政许可决定书",
    "行政检查通知书",
]


def filled(doc_type: DocType) -> dict[str, Any]:
    """Test values for every field the prefill leaves blank."""
    values: dict[str, Any] = {}
    for f in doc_type.fields:
        if f.kind == "date":
            values[f.name] = "2026-10-12"
        elif f.kind == "datetime":
            values[f.name] = "2026-10-12T09:30"
        else:
            values[f.name] = f"{f.label}测试内容"
    for f in doc_type.fields:  # keep the statutory wording of the prefilled texts (救济、权利)
        if f.name in ("remedy", "rights"):
            values.pop(f.name)
    return values


def pdf_text(blob: Any) -> str:
    with open_blob(blob) as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def docx_text(blob: Any) -> str:
    with open_blob(blob) as fh:
        d = Docx(io.BytesIO(fh.read()))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_issue_4_titles_are_all_registered() -> None:
    missing = [t for t in ISSUE_4_TITLES if registry.for_step_title(t) is None]
    assert not missing


def test_yaml_titles_map_to_types_and_step_ids_exist() -> None:
    """Each type's steps exist in its procedures' YAML; the YAML titles of those steps map back to the type."""
    for t in registry.all_types():
        steps = {s.id: s for p in t.procedures for s in get_process(p).steps}
        for step_id in t.step_ids:
            assert step_id in steps, f"{t.code}: step {step_id} not in {t.procedures}"
    for procedure in ("penalty_general", "penalty_simple", "licensing", "inspection"):
        for step in get_process(procedure).steps:
            for title in step.documents or []:
                dt = registry.for_step_title(title)
                if dt is not None:
                    assert procedure in dt.procedures or step.id not in dt.step_ids, (title, procedure)
    assert registry.for_step_title("现场检查笔录") is registry.get("inspection_record")
    assert registry.for_step_title("案件集体讨论笔录") is registry.get("collective_discussion")
    assert registry.for_step_title("不存在的文书") is None


def test_prefixes_are_unique() -> None:
    prefixes = [t.prefix for t in registry.all_types() if t.prefix]
    assert len(prefixes) == len(set(prefixes))


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(registry.REGISTRY))
def test_every_type_renders_word_and_pdf_with_title_and_number(case_world, code: str) -> None:
    w = case_world
    user = w.users["zhangsan"]
    dt = registry.get(code)
    procedure = dt.procedures[0]
    case = make_case(
        user,
        w.items[procedure],
        procedure,
        on=date(2026, 10, 9),
        summary="未取得律师执业证书以律师名义从事法律服务",
        fine_amount=Decimal("3000"),
        penalty_types=["罚款"],
    )
    doc = actions.create_document(user, case, code, data=filled(dt))
    doc = actions.issue_document(user, doc, on=date(2026, 10, 13))
    assert doc.state == doc.State.ISSUED
    if dt.numbered:
        assert doc.number == f"玉司{dt.prefix}〔2026〕1号"
    else:
        assert doc.number == ""
    assert doc.pdf_pages >= 1
    text = pdf_text(doc.pdf_blob)
    assert dt.title in text  # a missing CJK font would print boxes and lose the title
    assert "玉溪市司法局" in text
    assert doc.number in text
    if dt.layout != "record":  # 笔录 are dated by their 开始/结束时间 and the signatures
        assert "2026年10月13日" in text
    word = docx_text(doc.docx_blob)
    assert dt.title in word
    assert doc.number in word
    assert "{{" not in word and "{%" not in word


@pytest.mark.django_db
def test_record_pdf_has_page_x_of_y_and_decision_has_remedy(case_world) -> None:
    w = case_world
    user = w.users["zhangsan"]
    case = make_case(user, w.items["penalty_general"], "penalty_general", on=date(2026, 10, 9))
    record = actions.create_document(
        user, case, "inquiry_record", data=filled(registry.get("inquiry_record"))
    )
    record = actions.issue_document(user, record, on=date(2026, 10, 13))
    text = pdf_text(record.pdf_blob)
    for page in range(1, record.pdf_pages + 1):
        assert f"第 {page} 页 共 {record.pdf_pages} 页" in text
    decision = actions.create_document(
        user, case, "penalty_decision", data={**filled(registry.get("penalty_decision"))}
    )
    decision = actions.issue_document(user, decision, on=date(2026, 10, 13))
    text = pdf_text(decision.pdf_blob)
    assert "六十日内" in text and "申请行政复议" in text and "六个月内" in text and "行政诉讼" in text
    assert "（印章）" in text


@pytest.mark.django_db
def test_draft_pdf_is_marked_and_unnumbered(case_world) -> None:
    w = case_world
    user = w.users["zhangsan"]
    case = make_case(user, w.items["penalty_general"], "penalty_general", on=date(2026, 10, 9))
    doc = actions.create_document(user, case, "penalty_notice")
    data = actions.render_pdf_bytes(doc)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "行政处罚事先告知书" in text and "草稿" in text
