"""Item data for tests: complete items of each category, ready to save, submit and approve."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from catalog import actions
from catalog.models import Item
from core.models import Agency

DEPARTMENT = {"玉司": "律师工作管理科", "红司": "律师公证工作股", "玉市监": "综合执法支队"}


def penalty(code: str = "YXSFJ-CF-001", **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "name": "对律师事务所疏于管理的行政处罚",
        "category": "penalty",
        "level": "city",
        "department": "律师工作管理科",
        "procedure": "penalty_general",
        "time_limit_days": 90,
        "time_limit_unit": "calendar",
        "time_limit_text": "",
        "is_major": False,
        "major_criteria": "",
        "legal_bases": [
            {"law": "《中华人民共和国律师法》", "article": "第五十条", "text": "律师事务所有下列行为之一的……"}
        ],
        "discretion": [
            {
                "condition": "情节较轻",
                "range_text": "警告，或处1万元以上3万元以下罚款",
                "fine_min": Decimal("10000"),
                "fine_max": Decimal("30000"),
                "note": "",
            }
        ],
        "av_duties": [{"step": "调查取证", "requirement": "全过程音像记录"}],
        "guide": None,
        "change_note": "",
    }
    data.update(over)
    return data


def licensing(code: str = "YXSFJ-XK-001", **over: Any) -> dict[str, Any]:
    data = penalty(
        code,
        name="律师事务所设立许可",
        category="licensing",
        procedure="licensing",
        time_limit_days=20,
        time_limit_unit="workday",
        discretion=[],
        guide={
            "conditions": "有自己的名称、住所和章程……",
            "fees": "不收费",
            "time_limit": "20个工作日",
            "remedies": "可在60日内申请行政复议，或在6个月内提起行政诉讼",
            "window": "玉溪市政务服务中心司法局窗口",
            "phone": "0877-0000000",
            "materials": [{"name": "设立申请书", "required": True, "copies": 1, "sample": ""}],
        },
    )
    data.update(over)
    return data


def inspection(code: str = "YXSFJ-JC-001", **over: Any) -> dict[str, Any]:
    data = penalty(
        code,
        name="对律师事务所的行政检查",
        category="inspection",
        procedure="inspection",
        discretion=[],
        is_random_inspection=True,
        inspection_sub_items="执业活动情况",
        inspection_method="双随机抽查",
        inspection_content="执业许可、年度考核、投诉处理",
        inspection_note="",
    )
    data.update(over)
    return data


def make_item(user: Any, agency: Agency, data: dict[str, Any] | None = None) -> Item:
    return actions.save_item(user, agency, None, data or penalty())


def published_item(drafter: Any, reviewer: Any, agency: Agency, data: dict[str, Any] | None = None) -> Item:
    item = make_item(drafter, agency, data)
    actions.submit_item(drafter, item)
    return actions.approve_item(reviewer, item)
