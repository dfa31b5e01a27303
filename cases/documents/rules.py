"""Statutory content rules of 文书 (pure functions over the document's field values).

Each returns the list of problems in Chinese (empty = the document may be issued). One rule per function; the
docstring cites the article. ``cases.actions.documents.issue_document`` refuses to issue while any problem remains.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from cases.documents.registry import DocType

# 《行政复议法》（2023）第二十条：六十日；《行政诉讼法》第四十六条：六个月.
_REVIEW_PERIOD = re.compile(r"(六十|60)\s*日")
_LITIGATION_PERIOD = re.compile(r"(六|6)\s*个月")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def required_field_problems(doc_type: DocType, data: Mapping[str, Any]) -> list[str]:
    """Every field the 文书 format marks as required is filled (the format of the document type)."""
    return [f"{f.label}：不能为空" for f in doc_type.fields if f.required and _blank(data.get(f.name))]


def _element_problems(doc_type: DocType, data: Mapping[str, Any], article: str, doc_name: str) -> list[str]:
    return [
        f"{f.label}：{doc_name}应当载明“{f.element}”（{article}）"
        for f in doc_type.fields
        if f.element and _blank(data.get(f.name))
    ]


def remedy_problems(doc_type: DocType, data: Mapping[str, Any]) -> list[str]:
    """The 救济 text names the way and period to apply for 行政复议 (六十日, 《行政复议法》第二十条) and to sue
    (六个月, 《行政诉讼法》第四十六条)."""
    text = str(data.get("remedy") or "")
    if not text.strip():
        return [
            "申请行政复议、提起行政诉讼的途径和期限：不能为空"
            "（《行政复议法》第二十条、《行政诉讼法》第四十六条）"
        ]
    problems = []
    if "复议" not in text or not _REVIEW_PERIOD.search(text):
        problems.append(
            "申请行政复议、提起行政诉讼的途径和期限：应当写明可在六十日内申请行政复议（《行政复议法》第二十条）"
        )
    if "诉讼" not in text or not _LITIGATION_PERIOD.search(text):
        problems.append(
            "申请行政复议、提起行政诉讼的途径和期限：应当写明可在六个月内提起行政诉讼（《行政诉讼法》第四十六条）"
        )
    return problems


def decision_problems(doc_type: DocType, data: Mapping[str, Any]) -> list[str]:
    """行政处罚决定书 must state: 当事人的姓名或者名称、地址；违反法律、法规、规章的事实和证据；行政处罚的种类和
    依据；行政处罚的履行方式和期限；申请行政复议、提起行政诉讼的途径和期限；作出决定的行政机关名称和日期
    (《行政处罚法》第五十九条). The agency name, date and 印章 are printed by the system at issuance."""
    problems = _element_problems(doc_type, data, "《行政处罚法》第五十九条", "行政处罚决定书")
    if not any("途径和期限" in p for p in problems):
        problems += [
            p.replace("）", "；《行政处罚法》第五十九条）", 1) for p in remedy_problems(doc_type, data)
        ]
    if _blank(data.get("agency_name")):
        problems.append("作出决定的行政机关名称：行政处罚决定书应当载明（《行政处罚法》第五十九条）")
    return problems


def simple_decision_problems(doc_type: DocType, data: Mapping[str, Any]) -> list[str]:
    """当场行政处罚决定书 must state 当事人的违法行为、行政处罚的种类和依据、罚款数额、时间、地点，申请行政复议、
    提起行政诉讼的途径和期限以及行政机关名称，并由执法人员签名或者盖章 (《行政处罚法》第五十二条)."""
    problems = _element_problems(doc_type, data, "《行政处罚法》第五十二条", "当场行政处罚决定书")
    if not any("途径和期限" in p for p in problems):
        problems += remedy_problems(doc_type, data)
    return problems


def notice_problems(doc_type: DocType, data: Mapping[str, Any]) -> list[str]:
    """事先告知书 states 拟作出的行政处罚内容及事实、理由、依据, and the rights to 陈述、申辩、要求听证
    (《行政处罚法》第四十四条)."""
    problems = _element_problems(doc_type, data, "《行政处罚法》第四十四条", "行政处罚事先告知书")
    rights = str(data.get("rights") or "")
    if rights.strip() and not ("陈述" in rights and "申辩" in rights):
        problems.append("当事人依法享有的权利：应当告知陈述、申辩的权利（《行政处罚法》第四十四条）")
    return problems


def refusal_problems(doc_type: DocType, data: Mapping[str, Any]) -> list[str]:
    """不予行政许可 must give the reasons and tell the applicant of the right to 行政复议 or 行政诉讼
    (《行政许可法》第三十八条第二款)."""
    problems = _element_problems(doc_type, data, "《行政许可法》第三十八条第二款", "不予行政许可决定书")
    return problems + remedy_problems(doc_type, data)


RULES: dict[str, Callable[[DocType, Mapping[str, Any]], list[str]]] = {
    "decision_problems": decision_problems,
    "simple_decision_problems": simple_decision_problems,
    "notice_problems": notice_problems,
    "refusal_problems": refusal_problems,
    "remedy_problems": remedy_problems,
}


def problems(doc_type: DocType, data: Mapping[str, Any]) -> list[str]:
    """All problems that block issuing: the statutory rule of the type first (it names the article), then the
    remaining required fields."""
    found: list[str] = []
    if doc_type.rule:
        found += RULES[doc_type.rule](doc_type, data)
    for problem in required_field_problems(doc_type, data):
        label = problem.split("：", 1)[0]
        if not any(p.startswith(label + "：") for p in found):
            found.append(problem)
    return found
