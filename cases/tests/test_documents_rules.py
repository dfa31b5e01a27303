"""Content rules of 文书 (《行政处罚法》第四十四条、第五十二条、第五十九条；《行政许可法》第三十八条；救济期限) and the
formatting helpers (dates, 大写 amounts)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document as Docx
from docx.oxml.ns import qn

from cases.documents import registry, rules
from cases.documents.context import cn_date, cn_datetime, remedy_text, rmb_upper, yuan
from cases.documents.render import TEMPLATES

REMEDY = remedy_text(None)
DECISION = {
    "party_name": "某某律师事务所",
    "party_address": "玉溪市红塔区某路1号",
    "facts": "事实",
    "evidence": "证据",
    "penalty": "罚款3000元",
    "basis": "《律师法》第五十条",
    "performance": "十五日内缴纳",
    "remedy": REMEDY,
    "agency_name": "玉溪市司法局",
}


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("10000", "人民币壹万元整"),
        ("200", "人民币贰佰元整"),
        ("200.01", "人民币贰佰元零壹分"),
        ("3000", "人民币叁仟元整"),
        ("1234.56", "人民币壹仟贰佰叁拾肆元伍角陆分"),
        ("100.05", "人民币壹佰元零伍分"),
        ("10010", "人民币壹万零壹拾元整"),
        ("1001", "人民币壹仟零壹元整"),
        ("110", "人民币壹佰壹拾元整"),
        ("105000", "人民币壹拾万伍仟元整"),
        ("100000000", "人民币壹亿元整"),
        ("100010000", "人民币壹亿零壹万元整"),
        ("0.5", "人民币伍角"),
        ("0", "人民币零元整"),
        (Decimal("50.5"), "人民币伍拾元伍角"),
    ],
)
def test_rmb_upper(amount: str, text: str) -> None:
    assert rmb_upper(amount) == text


def test_rmb_upper_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="负数"):
        rmb_upper("-1")
    with pytest.raises(ValueError, match="格式"):
        rmb_upper("一万")


def test_dates_and_amounts() -> None:
    assert cn_date(date(2026, 10, 3)) == "2026年10月3日"
    assert cn_date("2026-01-09") == "2026年1月9日"
    assert cn_date(None) == ""
    assert cn_datetime("2026-10-13T09:05") == "2026年10月13日9时05分"
    assert cn_datetime(datetime(2026, 10, 13, 14, 30)) == "2026年10月13日14时30分"
    assert yuan(Decimal("10000.00")) == "10000元"
    assert yuan(Decimal("200.50")) == "200.50元"


def test_complete_decision_passes() -> None:
    assert rules.problems(registry.get("penalty_decision"), DECISION) == []


@pytest.mark.parametrize(
    ("field", "element"),
    [
        ("party_name", "当事人姓名或名称"),
        ("party_address", "当事人地址"),
        ("facts", "违法事实"),
        ("evidence", "证据"),
        ("penalty", "行政处罚的种类"),
        ("basis", "行政处罚的依据"),
        ("performance", "行政处罚的履行方式和期限"),
        ("remedy", "申请行政复议、提起行政诉讼的途径和期限"),
    ],
)
def test_decision_missing_an_article_59_element_is_refused(field: str, element: str) -> None:
    found = rules.problems(registry.get("penalty_decision"), {**DECISION, field: "  "})
    assert any(element in p and "第五十九条" in p for p in found), found


def test_decision_without_agency_name_is_refused() -> None:
    found = rules.decision_problems(registry.get("penalty_decision"), {**DECISION, "agency_name": ""})
    assert found == ["作出决定的行政机关名称：行政处罚决定书应当载明（《行政处罚法》第五十九条）"]


def test_remedy_must_state_60_days_and_6_months() -> None:
    dt = registry.get("penalty_decision")
    wrong = "如不服本决定，可以在十五日内申请行政复议，或者三个月内提起行政诉讼。"
    found = rules.problems(dt, {**DECISION, "remedy": wrong})
    assert any("六十日" in p and "《行政复议法》第二十条" in p for p in found)
    assert any("六个月" in p and "《行政诉讼法》第四十六条" in p for p in found)
    ok = "可在60日内申请行政复议，或在6个月内提起行政诉讼。"
    assert rules.remedy_problems(dt, {"remedy": ok}) == []


def test_license_refusal_needs_reasons_and_remedy() -> None:
    dt = registry.get("license_refusal")
    base = {
        "party_name": "申请人",
        "item_name": "律师执业",
        "reason": "不符合条件",
        "basis": "律师法",
        "remedy": REMEDY,
    }
    assert rules.problems(dt, base) == []
    found = rules.problems(dt, {**base, "reason": ""})
    assert any("不予许可的理由" in p and "第三十八条" in p for p in found)
    found = rules.problems(dt, {**base, "remedy": "请知悉。"})
    assert any("六十日" in p for p in found)


def test_simple_decision_elements_cite_article_52() -> None:
    dt = registry.get("simple_decision")
    found = rules.problems(dt, {"party_name": "张某", "remedy": REMEDY})
    assert any("违法行为" in p and "第五十二条" in p for p in found)
    assert any("罚款数额" in p and "第五十二条" in p for p in found)
    assert any("执法人员签名或者盖章" in p for p in found)


def test_penalty_notice_must_inform_of_statement_rights() -> None:
    dt = registry.get("penalty_notice")
    data = {
        "party_name": "张某",
        "party_address": "地址",
        "facts": "事实",
        "evidence": "证据",
        "reason_basis": "依据",
        "proposed": "罚款",
        "rights": "你有权知悉。",
    }
    assert any("陈述、申辩" in p and "第四十四条" in p for p in rules.problems(dt, data))
    assert rules.problems(dt, {**data, "rights": "你享有陈述、申辩的权利。"}) == []


def test_required_fields_of_forms_are_named() -> None:
    found = rules.problems(registry.get("case_filing"), {})
    assert "案件来源：不能为空" in found and "案由：不能为空" in found


@pytest.mark.parametrize("name", ["letter.docx", "form.docx", "record.docx"])
def test_word_templates_set_east_asian_fonts_and_a4(name: str) -> None:
    d = Docx(str(Path(TEMPLATES) / name))
    section = d.sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.left_margin]
    assert [round(s.mm) if s is not None else None for s in sizes] == [210, 297, 37, 28]
    east_asia = {
        el.get(qn("w:eastAsia")) for el in d.element.body.iter(qn("w:rFonts")) if el.get(qn("w:eastAsia"))
    }
    assert {"FangSong", "SimSun"} <= east_asia
    footer = d.sections[0].footer._element.xml
    if name == "record.docx":
        assert "NUMPAGES" in footer and "第 " in footer
