"""What a 文书 is filled with: values prefilled from the case (agency, 当事人 decrypted, officers and their 执法证号,
the item's legal bases, the decision), the formatting conventions of Chinese official documents (dates as
2026年10月13日, amounts in 元 with the 大写 form 人民币壹万元整), and the context handed to the templates.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from cases.documents.registry import DocType
from cases.documents.registry import get as get_type

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_BIG_UNITS = ["", "万", "亿", "万亿"]


def cn_date(value: date | datetime | str | None) -> str:
    """``date(2026, 10, 13)`` → "2026年10月13日" (no leading zeros, as in 公文 dates)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: str | datetime | None) -> str:
    """ "2026-10-13T09:05" → "2026年10月13日9时05分"; other text is kept as typed."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    return f"{value.year}年{value.month}月{value.day}日{value.hour}时{value.minute:02d}分"


def _section(n: int) -> str:
    """Chinese capital digits of 0 < n < 10000, with 零 for inner zero runs (e.g. 1001 → 壹仟零壹)."""
    out = ""
    zero = False
    for pos in range(3, -1, -1):
        d = n // (10**pos) % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[d] + _SMALL_UNITS[pos]
    return out


def rmb_upper(amount: Decimal | int | str) -> str:
    """An amount in 元 in the capital form used on 决定书 and receipts: 10000 → "人民币壹万元整",
    1234.56 → "人民币壹仟贰佰叁拾肆元伍角陆分", 100.05 → "人民币壹佰元零伍分", 0.5 → "人民币伍角"."""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"金额格式不正确：{amount}") from exc
    if value < 0:
        raise ValueError("金额不能为负数")
    cents = int(value * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if yuan == 0 and cents == 0:
        return "人民币零元整"
    text = ""
    if yuan:
        sections: list[int] = []
        rest = yuan
        while rest:
            sections.append(rest % 10000)
            rest //= 10000
        need_zero = False
        for i in range(len(sections) - 1, -1, -1):
            part = sections[i]
            if part == 0:
                need_zero = bool(text)
                continue
            if text and (need_zero or part < 1000):
                text += "零"
            need_zero = False
            text += _section(part) + _BIG_UNITS[i]
        text += "元"
    if jiao == 0 and fen == 0:
        return f"人民币{text}整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return f"人民币{text}"


def yuan(amount: Decimal | None) -> str:
    """ "10000.00" → "10000元"; "200.50" → "200.50元"."""
    if amount is None:
        return ""
    value = Decimal(amount)
    return f"{value:.0f}元" if value == value.to_integral_value() else f"{value:.2f}元"


PII_MARK = "sm4:"


def seal(doc_type: DocType, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with the personal fields (``Field.pii``: 证件号码、住址、电话) SM4-GCM encrypted, as stored in
    ``Document.data`` — the same protection as the Party row they come from (``core.crypto``)."""
    from core.crypto import encrypt

    out = dict(data)
    for f in doc_type.fields:
        value = out.get(f.name)
        if f.pii and isinstance(value, str) and value and not value.startswith(PII_MARK):
            out[f.name] = PII_MARK + base64.b64encode(encrypt(value)).decode("ascii")
    return out


def unseal(doc_type: DocType, data: dict[str, Any] | None) -> dict[str, Any]:
    """The stored ``Document.data`` with its personal fields decrypted (staff views and rendering only)."""
    from core.crypto import decrypt

    out = dict(data or {})
    for f in doc_type.fields:
        value = out.get(f.name)
        if f.pii and isinstance(value, str) and value.startswith(PII_MARK):
            out[f.name] = decrypt(base64.b64decode(value[len(PII_MARK) :]))
    return out


def doc_values(doc: Any) -> dict[str, Any]:
    """The field values of a document, decrypted."""
    return unseal(get_type(doc.doc_type), doc.data)


def party_fields(party: Any) -> dict[str, str]:
    """Decrypted 当事人 fields for a 文书 (staff only), through the engine's ``party_view``."""
    from cases.actions.case import party_view

    view = party_view(party)
    return {
        "name": str(view.get("name") or party.name),
        "id_type": str(view.get("id_type") or party.id_type),
        "id_number": str(view.get("id_number") or ""),
        "phone": str(view.get("phone") or ""),
        "address": str(view.get("address") or ""),
        "legal_representative": str(view.get("legal_representative") or party.legal_representative),
        "gender": str(view.get("gender") or party.gender),
    }


def officer_lines(case: Any) -> tuple[str, str]:
    """("张三（执法证号：云执…）、赵六（执法证号：…）", lead name) from the officers on the current step, else the
    officers assigned to the case (certificate numbers as recorded on the act, else the current certificate)."""
    from cases.models import CaseOfficer, StepOfficer
    from org.models import Certificate

    rows = list(
        StepOfficer.objects.filter(step__case=case)
        .select_related("officer", "step")
        .order_by("-step__seq", "id")
    )
    if rows:
        last_seq = rows[0].step.seq
        pairs = [(r.officer.name, r.certificate_number, r.is_lead) for r in rows if r.step.seq == last_seq]
    else:
        assigned = CaseOfficer.objects.filter(case=case, released_at__isnull=True).select_related("officer")
        pairs = []
        for a in assigned:
            cert = Certificate.objects.filter(officer=a.officer, is_current=True).first()
            pairs.append((a.officer.name, cert.number if cert else "", a.is_lead))
    text = "、".join(f"{name}（执法证号：{number}）" if number else name for name, number, _lead in pairs)
    lead = next((name for name, _n, is_lead in pairs if is_lead), pairs[0][0] if pairs else "")
    return text, lead


def legal_basis_text(item: Any) -> str:
    bases = list(item.legal_bases.all()) if item is not None else []
    return "；".join(f"{b.law}{b.article}" for b in bases)


def penalty_text(case: Any) -> str:
    parts = [str(p) for p in (case.penalty_types or []) if str(p) != "罚款"]
    if case.fine_amount is not None:
        parts.append(f"罚款{yuan(case.fine_amount)}（{rmb_upper(case.fine_amount)}）")
    if case.confiscation_amount:
        parts.append(f"没收违法所得（非法财物）{yuan(case.confiscation_amount)}")
    if not parts and case.outcome_text:
        return str(case.outcome_text)
    return "；".join(parts)


def remedy_text(agency: Any) -> str:
    """The 救济 sentence: 行政复议 within 60 days (《行政复议法》第二十条) to the 本级人民政府 (第二十四条), 行政诉讼
    within 6 months (《行政诉讼法》第四十六条)."""
    region = getattr(getattr(agency, "region", None), "name", "") or ""
    reviewer = f"{region}人民政府" if region else "本级人民政府"
    return (
        f"如不服本决定，可以在收到本决定书之日起六十日内向{reviewer}申请行政复议，"
        "也可以在收到本决定书之日起六个月内依法向有管辖权的人民法院提起行政诉讼。"
        "行政复议和行政诉讼期间，本决定不停止执行（法律另有规定的除外）。"
    )


PERFORMANCE = (
    "自收到本决定书之日起十五日内，持本决定书到指定银行或者通过电子支付系统缴纳罚款（《行政处罚法》第六十七条）。"
    "逾期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不超出罚款的数额（第七十二条）。"
)


def prefill(case: Any, doc_type: DocType, *, on: date | None = None) -> dict[str, Any]:
    """Initial values of a new draft: each field with a ``prefill`` key gets the case's value."""
    party = case.parties.order_by("order", "id").first()
    pf = party_fields(party) if party is not None else {}
    officers, lead = officer_lines(case)
    agency = case.agency
    today = on or timezone.localdate()
    contact_phone = getattr(agency, "phone", "") or ""
    values: dict[str, Any] = {
        "party_name": pf.get("name", ""),
        "party_address": pf.get("address", ""),
        "party_id": pf.get("id_number", ""),
        "party_phone": pf.get("phone", ""),
        "party_gender": pf.get("gender", ""),
        "party_representative": pf.get("legal_representative", ""),
        "case_title": case.title,
        "case_source": case.source,
        "case_summary": case.summary,
        "officers": officers,
        "lead_officer": lead,
        "legal_basis": legal_basis_text(case.item),
        "penalty_text": penalty_text(case),
        "performance": PERFORMANCE if case.fine_amount else "自收到本决定书之日起履行。",
        "remedy": remedy_text(agency),
        "contact": f"{lead} {contact_phone}".strip(),
        "item_name": case.item.name,
        "received_on": case.received_on.isoformat() if case.received_on else "",
        "today": today.isoformat(),
        "time_limit": case.item.time_limit_text or "",
        "inspection_content": case.item.inspection_content or "",
        "identity_shown": "执法人员已向当事人表明身份并出示执法证件，当事人已确认。",
        "rights_notice": "已告知当事人依法享有陈述、申辩的权利；认为执法人员与本案有直接利害关系或者有其他关系"
        "可能影响公正执法的，有权申请回避（《行政处罚法》第四十三条）。",
        "notice_rights": "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）享有陈述、申辩的权利。"
        "请在收到本告知书之日起五日内向本机关提出陈述、申辩；逾期未提出的，视为放弃上述权利。",
        "hearing_rights": "根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你（单位）有权要求举行听证。"
        "如要求听证，应当在收到本告知书之日起五日内提出；逾期未提出的，视为放弃听证权利。",
        "hearing_public": "公开举行",
        "hearing_notes": "当事人可以亲自参加听证，也可以委托一至二人代理；无正当理由拒不出席听证或者未经许可中途"
        "退出听证的，视为放弃听证权利（《行政处罚法》第六十四条）。",
        "keep_period": "七日",
        "service_method": "直接送达",
        "certificate_text": "",
    }
    return {f.name: values.get(f.prefill, "") for f in doc_type.fields if f.prefill}


def display_value(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "date":
        return cn_date(value)
    if kind == "datetime":
        return cn_datetime(value)
    return str(value)


def render_context(doc: Any, doc_type: DocType) -> dict[str, Any]:
    """The context of the DOCX and HTML templates: agency, title, number, blocks to print, date, seal line."""
    data = unseal(doc_type, doc.data)
    case = doc.case
    rows = [
        {"label": f.label, "value": display_value(f.kind, data.get(f.name)), "long": f.kind == "textarea"}
        for f in doc_type.fields
    ]
    issued = doc.issued_on or timezone.localdate()
    if doc_type.layout == "letter":
        addressee = ""
        if doc_type.addressee and data.get("party_name"):
            first = doc_type.fields[0].label.split("（")[0]
            addressee = f"{first}：{data.get('party_name')}" + "".join(
                f"，{f.inline}：{row['value']}"
                for f, row in zip(doc_type.fields, rows, strict=True)
                if f.inline and row["value"]
            )
        body = []
        for f, row in list(zip(doc_type.fields, rows, strict=True))[1:]:
            if not row["value"] or f.inline or f.name == "remedy":
                continue
            value = str(row["value"]).rstrip("。；;") if f.para.endswith("。") else row["value"]
            body.append(f.para.format(value) if f.para else f"{f.label}：{value}")
        if doc_type.closing:
            body.append(doc_type.closing)
        remedy = data.get("remedy")
        if remedy:
            body.append(str(remedy))
    else:
        addressee = ""
        body = [doc_type.closing] if doc_type.closing else []
    return {
        "agency_name": case.agency.name,
        "title": doc_type.title,
        "number": doc.number or "",
        "version_note": f"（更正版本 第{doc.version}版）" if doc.version > 1 else "",
        "addressee": addressee,
        "rows": rows,
        "body": body,
        "layout": doc_type.layout,
        "date": cn_date(issued),
        "signatures": list(doc_type.signatures),
        "case_number": case.number,
        "draft": doc.state == "draft",
    }
