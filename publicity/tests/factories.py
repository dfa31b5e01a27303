"""Realistic publications for tests, built with publicity.actions.publish as the 公示审核员 孙公示 (gongshi).

The payloads follow contracts.md; ``leaky=True`` adds what a careless source might put in: 身份证号 and 手机号
in free text, and keys that must never be published.
"""

from __future__ import annotations

from typing import Any

from accounts.models import User
from core.models import Agency
from publicity.actions import publish
from publicity.models import Kind, Publication

ID_NUMBER = (
    "530402198801011231"  # invented; GB 11643 check digit valid (the engine only masks valid IDs as IDs)
)
MOBILE = "13987654321"
BANK = "6222021234567890123"


def publisher() -> User:
    return User.objects.get(username="gongshi")


def agency(short_name: str = "玉司") -> Agency:
    return Agency.objects.get(short_name=short_name)


def _leak(payload: dict[str, Any]) -> dict[str, Any]:
    payload.update(
        {
            "id_number": ID_NUMBER,
            "mobile": MOBILE,
            "birth_date": "1988-01-01",
            "legal_qualification": True,
            "home_address": "红塔区某小区3栋",
            "bank_account": BANK,
        }
    )
    return payload


def subject(short_name: str = "玉司", *, leaky: bool = False, **overrides: Any) -> Publication:
    a = agency(short_name)
    payload: dict[str, Any] = {
        "name": a.name,
        "nature": "法定",
        "entrusting_agency": "",
        "entrusted_scope": "",
        "head": "吴局长",
        "address": "玉溪市红塔区玉兴路1号",
        "categories": ["行政许可", "行政处罚", "行政检查"],
        "area": "玉溪市行政区域",
        "phone": "0877-2021234",
        "supervision_phone": "0877-12345",
        "legal_basis": "《中华人民共和国律师法》第四条\n《中华人民共和国公证法》第五条",
        "credit_code": "11530400MB0R12345X",
        "region": a.region.name,
        "confirmed_on": "2026-03-01",
        "change_note": "首次公告",
    }
    if leaky:
        _leak(payload)
        payload["head"] = f"吴局长（联系电话{MOBILE}，身份证{ID_NUMBER}）"
    payload.update(overrides)
    return publish(
        publisher(),
        kind=Kind.SUBJECT,
        agency_id=a.pk,
        key="subject",
        title=a.name,
        payload=payload,
        source=a,
        category=payload["nature"],
        search_text=payload["name"],
    )


def officer(
    number: str = "YN0401001", short_name: str = "玉司", *, leaky: bool = False, **overrides: Any
) -> Publication:
    a = agency(short_name)
    payload: dict[str, Any] = {
        "name": "张三",
        "photo": "",
        "unit": f"{a.name}律师工作管理科",
        "agency_name": a.name,
        "position": "四级主任科员",
        "categories": ["行政处罚", "行政检查"],
        "area": "玉溪市",
        "certificate_number": number,
        "issuer": "云南省人民政府",
        "valid_from": "2024-01-01",
        "valid_until": "2099-12-31",
        "status": "valid",
    }
    if leaky:
        _leak(payload)
        payload["position"] = f"四级主任科员 手机{MOBILE} 身份证号{ID_NUMBER}"
    payload.update(overrides)
    return publish(
        publisher(),
        kind=Kind.OFFICER,
        agency_id=a.pk,
        key=number,
        title=payload["name"],
        payload=payload,
        source=a,
        category="、".join(payload["categories"]),
        department=payload["unit"],
    )


def item(
    code: str = "530400-CF-001",
    short_name: str = "玉司",
    *,
    category: str = "行政处罚",
    name: str = "对律师事务所疏于管理的行政处罚",
    leaky: bool = False,
    **overrides: Any,
) -> Publication:
    a = agency(short_name)
    payload: dict[str, Any] = {
        "code": code,
        "name": name,
        "category": category,
        "level": "市级",
        "agency_name": a.name,
        "department": "律师工作管理科",
        "procedure": "penalty_general"
        if category == "行政处罚"
        else ("inspection" if category == "行政检查" else ""),
        "procedure_label": "行政处罚一般程序" if category == "行政处罚" else "",
        "legal_bases": [
            {
                "law": "中华人民共和国律师法",
                "article": "第五十条",
                "text": "律师事务所有下列行为之一的，由设区的市级或者直辖市的区人民政府司法行政部门视其情节给予警告……",
            }
        ],
        "time_limit": "90日",
        "time_limit_days": 90,
        "time_limit_unit": "自然日",
        "discretion": [
            {"condition": "初次违法且危害后果轻微", "range": "警告", "note": ""},
            {"condition": "情节严重", "range": "停业整顿1至6个月，处十万元以下罚款", "note": "须经法制审核"},
        ],
        "is_major": True,
        "major_criteria": "拟作出停业整顿或较大数额罚款决定的",
        "av_duties": [
            {"step": "现场检查", "requirement": "全程音像记录"},
            {"step": "听证", "requirement": "全程音像记录"},
        ],
        "inspection": (
            {
                "sub_items": "执业活动检查",
                "method": "现场检查、书面检查",
                "content": "执业许可与执业行为",
                "note": "",
            }
            if category == "行政检查"
            else None
        ),
        "guide": None,
        "change_note": "首次公布",
    }
    if category == "行政许可":
        payload["guide"] = {
            "conditions": "符合《律师事务所管理办法》规定的条件",
            "materials": [
                {"name": "设立申请书", "required": True, "copies": "1", "sample": ""},
                {"name": "章程", "required": True, "copies": "1", "sample": ""},
            ],
            "fees": "不收费",
            "time_limit": "20个工作日",
            "remedies": "行政复议或行政诉讼",
            "window": "政务服务中心司法局窗口",
            "phone": "0877-2021234",
        }
    if leaky:
        _leak(payload)
        payload["major_criteria"] = f"经办人李某（身份证{ID_NUMBER}，手机{MOBILE}，卡号{BANK}）"
    payload.update(overrides)
    bases = " ".join(f"{b['law']}{b['article']}{b['text']}" for b in payload["legal_bases"])
    return publish(
        publisher(),
        kind=Kind.ITEM,
        agency_id=a.pk,
        key=code,
        title=payload["name"],
        payload=payload,
        source=a,
        category=category,
        department=payload["department"],
        search_text=f"{payload['name']} {code} {bases}",
    )
