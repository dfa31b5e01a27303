"""Demo 事项清单: the justice-bureau items of catalog/data/justice-bureau-items.csv, loaded into 玉溪市司法局 (and
the county-level ones into 红塔区司法局), completed with 裁量基准, 服务指南, 重大 flags, 音像记录 duties and 抽查
fields, then submitted by the 科室 (kezhang) and published by the 监督科 (gongshi) through the actions — so
everything is audited and the portal reads real publications. One item stays 待审核 and one 已退回, so the review
queue and the 工作台 show work; one without any legal basis stays a draft. Idempotent: a second run changes nothing.

The CSV comes from other cities' published lists (regulations.md §10 item 9: no Yunnan list was found); its
research notes in brackets are cleaned up when the legal basis is parsed.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any, TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import User
from catalog import actions, rules
from catalog.models import Item
from core.models import Agency

CSV_PATH = Path(__file__).parent / "data" / "justice-bureau-items.csv"
CITY_PREFIX = "YXSFJ"
COUNTY_PREFIX = "HTSFJ"
CATEGORY = {"处罚": rules.PENALTY, "检查": rules.INSPECTION, "许可": rules.LICENSING, "其他": rules.OTHER}
CODE_PART = {rules.PENALTY: "CF", rules.INSPECTION: "JC", rules.LICENSING: "XK", rules.OTHER: "QT"}

MAJOR_CRITERIA = (
    "拟作出下列决定之一的，列入重大执法决定，作出决定前须经行政执法协调监督科法制审核：\n"
    "1. 对个人处2万元以上、对单位处10万元以上罚款，或没收违法所得数额较大的；\n"
    "2. 责令停业整顿、停止执业，或提请吊销执业证书的；\n"
    "3. 当事人申请听证，或案情复杂、涉及重大公共利益的。"
)
PENALTY_AV = [
    {"step": "调查取证", "requirement": "现场调查、询问全过程音像记录，存储期限永久"},
    {"step": "告知与陈述申辩", "requirement": "口头告知及当事人陈述、申辩全过程音像记录"},
    {"step": "听证", "requirement": "听证会全过程音像记录"},
    {"step": "送达", "requirement": "直接送达、留置送达全过程音像记录"},
]
INSPECTION_AV = [
    {"step": "现场检查", "requirement": "现场检查全过程音像记录，存储期限永久"},
    {"step": "制作检查笔录", "requirement": "现场制作笔录至当事人签字确认的全过程音像记录"},
]
# Bands of particular items (by a phrase of the name); every other 处罚 item gets the general bands.
SPECIFIC_BANDS: dict[str, list[tuple[str, str, str]]] = {
    "没有取得律师执业证书": [
        (
            "违法所得1万元以下，且及时停止违法行为",
            "责令停止非法执业，没收违法所得，并处违法所得1倍以上2倍以下罚款",
            "",
        ),
        ("违法所得1万元以上5万元以下", "没收违法所得，并处违法所得2倍以上4倍以下罚款", ""),
        (
            "违法所得5万元以上，或造成严重后果",
            "没收违法所得，并处违法所得4倍以上5倍以下罚款",
            "属重大执法决定",
        ),
    ],
    "公证机构及公证员违规执业": [
        ("首次违法，情节轻微并及时改正", "警告", ""),
        ("情节较重", "对公证机构处2万元以上3万元以下罚款；对公证员处警告", ""),
        (
            "情节严重",
            "对公证机构处3万元以上5万元以下罚款，并可责令停业整顿1个月以上3个月以下",
            "属重大执法决定",
        ),
    ],
    "冒用法律援助名义": [
        ("违法所得不足1万元", "责令改正，没收违法所得，并处违法所得1倍以上2倍以下罚款", ""),
        ("违法所得1万元以上或多次冒用", "责令改正，没收违法所得，并处违法所得2倍以上3倍以下罚款", ""),
    ],
}
GENERAL_BANDS = [
    ("初次违法且危害后果轻微并及时改正", "不予行政处罚（《行政处罚法》第三十三条）", "应当对当事人进行教育"),
    ("情节较轻", "警告，或在法定幅度内从轻处罚", ""),
    ("情节严重或造成严重后果", "在法定幅度内从重处罚", "列入法制审核"),
]
MAJOR_PHRASES = ["没有取得律师执业证书", "律师事务所、律师违法违规", "公证机构及公证员违规执业"]
SUBMITTED_ONLY = "法律援助补贴发放"
RETURNED = "接收律师事务所年度执业情况报告和律师执业考核结果(年度检查考核)"
RETURN_COMMENT = "请补充《律师法》第二十四条的条文内容，并写明年度检查考核材料的报送时限。"
# A minimal one-page PDF used as the 示范文本 of the demo's 许可 materials.
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>"
    b"endobj\n4 0 obj<</Length 44>>stream\nBT /F1 18 Tf 72 760 Td (Sample form) Tj ET\nendstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def clean_basis(text: str) -> str:
    """The CSV's basis cell without the researchers' notes: "原表未列依据[参见《X》第N条]" → "《X》第N条"."""
    text = text.strip()
    if text.startswith("原表未列依据"):
        inner = re.search(r"\[(.*)\]", text)
        text = inner.group(1) if inner else ""
        text = re.sub(r"^(待核：|程序参见|参见)", "", text)
    text = re.sub(r"\[[^\]]*\]", "", text)
    return text if "《" in text else ""


def city_department(hint: str, name: str) -> str:
    if "律师" in hint or "律师" in name or "法律顾问" in name:
        return "律师工作管理科"
    if "人民调解" in hint or "人民调解" in name:
        return "人民参与和促进法治科"
    return "公共法律服务管理科"


def county_department(hint: str, name: str) -> str:
    return "律师公证工作股" if "律师" in name or "公证" in name else "公共法律服务管理股"


def is_county(hint: str) -> bool:
    return hint.startswith(("县司法局", "旗县司法局"))


def build(rows: list[dict[str, str]]) -> list[tuple[str, dict[str, Any]]]:
    """(agency short name, item data) for every CSV row, numbered per agency and category."""
    counters: dict[tuple[str, str], int] = {}
    out = []
    for row in rows:
        category = CATEGORY[row["category"].strip()]
        hint, name = row["department_hint"], row["name"].strip()
        county = is_county(hint)
        prefix = COUNTY_PREFIX if county else CITY_PREFIX
        n = counters[(prefix, category)] = counters.get((prefix, category), 0) + 1
        data: dict[str, Any] = {
            "code": f"{prefix}-{CODE_PART[category]}-{n:03d}",
            "name": name,
            "category": category,
            "level": "county" if county else "city",
            "department": county_department(hint, name) if county else city_department(hint, name),
            "procedure": rules.default_procedure(category),
            "time_limit_days": None,
            "time_limit_unit": "workday",
            "time_limit_text": "",
            "is_major": False,
            "major_criteria": "",
            "is_random_inspection": False,
            "inspection_sub_items": "",
            "inspection_method": "",
            "inspection_content": "",
            "inspection_note": "",
            "change_note": "首次公布",
            "legal_bases": rules.parse_legal_bases(clean_basis(row["legal_basis"])),
            "discretion": [],
            "av_duties": [],
            "guide": None,
        }
        _complete(data)
        out.append(("红司" if county else "玉司", data))
    return out


def _complete(data: dict[str, Any]) -> None:
    name, category = data["name"], data["category"]
    if category == rules.PENALTY:
        bands = next((b for phrase, b in SPECIFIC_BANDS.items() if phrase in name), GENERAL_BANDS)
        data["discretion"] = []
        for condition, range_text, note in bands:
            low, high = rules.parse_fine_range(range_text)
            data["discretion"].append(
                {
                    "condition": condition,
                    "range_text": range_text,
                    "fine_min": low,
                    "fine_max": high,
                    "note": note,
                }
            )
        data["av_duties"] = PENALTY_AV
        data["time_limit_days"], data["time_limit_unit"] = 90, "calendar"
        data["time_limit_text"] = "自立案之日起90日内作出处理决定（《行政处罚法》第六十条）"
        if any(p in name for p in MAJOR_PHRASES):
            data["is_major"], data["major_criteria"] = True, MAJOR_CRITERIA
    elif category == rules.INSPECTION:
        sub = re.search(r"[（(]([^)）]*)[)）]", name)
        random = "双随机" in name
        data.update(
            {
                "av_duties": INSPECTION_AV,
                "is_random_inspection": True,
                "inspection_sub_items": sub.group(1) if sub and not random else "执业活动、内部管理",
                "inspection_method": "双随机抽查、现场检查" if random else "书面检查、现场检查",
                "inspection_content": "执业许可与备案情况；执业活动合规情况；内部管理制度及执行情况；投诉处理情况",
                "inspection_note": "抽查比例和频次按年度抽查计划执行",
            }
        )
    elif category == rules.LICENSING:
        data["time_limit_days"], data["time_limit_unit"] = 20, "workday"
        data["guide"] = {
            "conditions": "符合《"
            + (data["legal_bases"][0]["law"].strip("《》") if data["legal_bases"] else "相关规定")
            + "》规定的条件；申请材料齐全、符合法定形式。",
            "fees": "不收费",
            "time_limit": "自受理之日起20个工作日内作出决定（《行政许可法》第四十二条）",
            "remedies": "对决定不服的，可以自知道之日起60日内向玉溪市人民政府或云南省司法厅申请行政复议，"
            "或者自知道之日起6个月内向人民法院提起行政诉讼。",
            "window": "玉溪市政务服务中心司法行政窗口",
            "phone": "0877-2010000",
            "materials": [
                {
                    "name": "申请书",
                    "required": True,
                    "copies": 1,
                    "sample": SimpleUploadedFile("申请书示范文本.pdf", SAMPLE_PDF),
                },
                {"name": "申请人身份证明复印件", "required": True, "copies": 1, "sample": ""},
                {"name": "其他证明材料", "required": False, "copies": 1, "sample": ""},
            ],
        }


def _user(username: str) -> User:
    return User.objects.select_related("agency").get(username=username)


@transaction.atomic
def load(stdout: TextIO) -> None:
    if Item.objects.filter(code__startswith=f"{CITY_PREFIX}-").exists():
        stdout.write("事项清单演示数据已存在，跳过。")
        return
    with CSV_PATH.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    agencies = {a.short_name: a for a in Agency.objects.filter(short_name__in=["玉司", "红司"])}
    drafters = {"玉司": _user("kezhang"), "红司": _user("hongta_kezhang")}
    gongshi, jiandu = _user("gongshi"), _user("jiandu")
    published = waiting = 0
    for short, data in build(rows):
        item = actions.save_item(drafters[short], agencies[short], None, data)
        if not data["legal_bases"]:
            continue  # stays a draft: the CSV lists no legal basis for it
        actions.submit_item(drafters[short], item)
        if data["name"] == SUBMITTED_ONLY:
            waiting += 1
            continue
        if data["name"] == RETURNED:
            actions.return_item(jiandu, item, RETURN_COMMENT)
            continue
        actions.approve_item(gongshi, item)
        published += 1
    stdout.write(f"事项清单：已发布 {published} 项，待审核 {waiting} 项，退回 1 项。")
