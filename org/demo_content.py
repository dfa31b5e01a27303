"""Demo 执法主体 and 执法人员 for 玉溪: an entry for every demo agency (one 委托 example) and 15 officers at
玉溪市司法局, 红塔区司法局 and 玉溪市市场监督管理局 — one certificate expiring in 30 days, one expired, one
suspended. Drafted by the agencies' demo users (or entered by the 市司法局 for bodies without one), reviewed and
published by the 监督科 (jiandu / hongta_jiandu) through the actions, so everything is audited.

All names, addresses, telephone numbers and 执法证号 are invented for the demo; no real person is meant.
Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from typing import Any, TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.models import Agency, Region
from org import actions
from org.models import Certificate, Department, SubjectProfile

JUSTICE_BASIS = (
    "《中华人民共和国律师法》第四条\n"
    "《中华人民共和国公证法》第五条\n"
    "《中华人民共和国法律援助法》第五条\n"
    "《基层法律服务工作者管理办法》第六条"
)
COUNTY_JUSTICE_BASIS = (
    "《中华人民共和国律师法》第四条、第五十二条\n《基层法律服务工作者管理办法》第六条、第四十四条"
)
LICENSING_PENALTY_CHECK = ["行政许可", "行政处罚", "行政检查"]

# name → (nature, head, address, phone, supervision phone, categories, area, legal basis, 委托机关, 委托范围)
SUBJECTS: dict[str, tuple[Any, ...]] = {
    "玉溪市司法局": (
        "法定",
        "吴建华",
        "云南省玉溪市红塔区玉兴路38号",
        "0877-2052618",
        "0877-2052601",
        LICENSING_PENALTY_CHECK,
        "玉溪市行政区域内",
        JUSTICE_BASIS,
        "",
        "",
    ),
    "玉溪市市场监督管理局": (
        "法定",
        "杨立新",
        "云南省玉溪市红塔区抚仙路66号",
        "0877-2012315",
        "0877-2012300",
        ["行政许可", "行政处罚", "行政强制", "行政检查"],
        "玉溪市行政区域内",
        "《中华人民共和国行政处罚法》第十八条\n《中华人民共和国食品安全法》第六条\n"
        "《中华人民共和国产品质量法》第八条\n《市场监督管理行政处罚程序规定》第十一条",
        "",
        "",
    ),
    "玉溪市生态环境局": (
        "法定",
        "李春和",
        "云南省玉溪市红塔区珊瑚路12号",
        "0877-2025369",
        "0877-2025312",
        ["行政许可", "行政处罚", "行政强制", "行政检查"],
        "玉溪市行政区域内",
        "《中华人民共和国环境保护法》第十条、第二十四条、第二十五条\n《中华人民共和国水污染防治法》第九条",
        "",
        "",
    ),
    "玉溪市交通运输局": (
        "法定",
        "段志远",
        "云南省玉溪市红塔区东风南路21号",
        "0877-2031166",
        "0877-2031100",
        ["行政许可", "行政处罚", "行政检查"],
        "玉溪市行政区域内",
        "《中华人民共和国公路法》第八条\n《中华人民共和国道路运输条例》第七条",
        "",
        "",
    ),
    "玉溪市交通运输综合行政执法支队": (
        "委托",
        "普文斌",
        "云南省玉溪市红塔区东风南路23号",
        "0877-2031288",
        "0877-2031100",
        ["行政处罚", "行政检查"],
        "玉溪市中心城区及市管公路",
        "《中华人民共和国行政处罚法》第二十条、第二十一条\n《中华人民共和国道路运输条例》第七条",
        "玉溪市交通运输局",
        "以玉溪市交通运输局名义实施道路运输、公路路政领域的行政检查和行政处罚（不含吊销许可证件）；委托期限至2027年12月31日",
    ),
}
COUNTY_HEADS = ["赵文明", "钱国栋", "孙丽华", "李永昌", "周建明", "吴海燕", "郑卫东", "王成林", "冯秀英"]

# (agency, 科室, name, position, categories, has 法律职业资格, demo user, valid_until offset days or None, special)
OFFICERS: list[tuple[str, str, str, str, list[str], bool, str, int, str]] = [
    ("玉司", "律师工作管理科", "张三", "四级主任科员", ["行政处罚", "行政检查"], True, "zhangsan", 900, ""),
    (
        "玉司",
        "律师工作管理科",
        "赵六",
        "一级科员",
        ["行政处罚", "行政检查"],
        False,
        "zhaoliu",
        30,
        "expiring",
    ),
    (
        "玉司",
        "律师工作管理科",
        "陈科长",
        "科长",
        ["行政许可", "行政处罚", "行政检查"],
        True,
        "kezhang",
        700,
        "",
    ),
    ("玉司", "行政执法协调监督科", "李四", "法制审核员", ["行政处罚"], True, "lisi", 1000, ""),
    (
        "玉司",
        "公共法律服务管理科",
        "刘晓燕",
        "二级主任科员",
        ["行政许可", "行政检查"],
        False,
        "",
        -12,
        "expired",
    ),
    (
        "玉司",
        "公共法律服务管理科",
        "马志强",
        "三级主任科员",
        ["行政许可", "行政处罚"],
        True,
        "",
        500,
        "suspended",
    ),
    ("红司", "律师公证工作股", "王五", "一级科员", ["行政处罚", "行政检查"], False, "wangwu", 800, ""),
    ("红司", "律师公证工作股", "蒋股长", "股长", ["行政处罚", "行政检查"], True, "hongta_kezhang", 650, ""),
    ("红司", "公共法律服务管理股", "杨丽萍", "四级主任科员", ["行政许可", "行政检查"], False, "", 420, ""),
    ("红司", "行政执法协调监督股", "沈监督", "股长", ["行政检查"], True, "hongta_jiandu", 760, ""),
    (
        "玉市监",
        "综合执法支队",
        "朱执法",
        "执法队员",
        ["行政处罚", "行政强制", "行政检查"],
        False,
        "shijianju",
        880,
        "",
    ),
    ("玉市监", "综合执法支队", "何建平", "副支队长", ["行政处罚", "行政强制", "行政检查"], True, "", 540, ""),
    ("玉市监", "综合执法支队", "罗海云", "执法队员", ["行政处罚", "行政检查"], False, "", 1100, ""),
    ("玉市监", "法规科", "段美玲", "科长", ["行政许可", "行政处罚"], True, "", 300, ""),
    ("玉市监", "综合执法支队", "施宏伟", "执法队员", ["行政检查"], False, "", 980, ""),
]
CERT_PREFIX = {"玉司": "云执530400", "红司": "云执530402", "玉市监": "云执530400"}
DRAFTER = {"玉司": "zhangsan", "红司": "wangwu", "玉市监": "shijianju"}
REVIEWER = {"红司": "hongta_jiandu"}


def placeholder_png(seed: int, width: int = 96, height: int = 128) -> bytes:
    """A small generated portrait placeholder (a grey silhouette on a tinted background), PNG, no Pillow needed."""
    tints = [(222, 235, 247), (229, 245, 224), (254, 230, 206), (239, 237, 245), (255, 247, 188)]
    bg = tints[seed % len(tints)]
    fg = (150, 156, 164)
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            head = (x - width / 2) ** 2 + (y - height * 0.38) ** 2 <= (width * 0.2) ** 2
            body = y > height * 0.62 and abs(x - width / 2) <= width * 0.36 - max(0, (height * 0.7 - y)) * 0.8
            row += bytes(fg if head or body else bg)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def _u(username: str) -> User:
    return User.objects.select_related("agency__region").get(username=username)


def _entrusted_agency(stdout: TextIO) -> None:
    """A 受委托组织 for the 委托 example, registered by the 市司法局's 系统管理员 (audited)."""
    if Agency.objects.filter(name="玉溪市交通运输综合行政执法支队").exists():
        return
    actions.save_agency(
        _u("sysadmin"),
        None,
        {
            "region": Region.objects.get(code="530400"),
            "name": "玉溪市交通运输综合行政执法支队",
            "short_name": "玉交执",
            "sector": "交通运输",
            "is_supervision_body": False,
            "address": "云南省玉溪市红塔区东风南路23号",
            "phone": "0877-2031288",
            "supervision_phone": "0877-2031100",
            "is_active": True,
            "sort": 4,
        },
    )
    stdout.write("  登记受委托组织：玉溪市交通运输综合行政执法支队")


def _subject_data(agency: Agency) -> dict[str, Any]:
    if agency.name in SUBJECTS:
        nature, head, address, phone, sup, cats, area, basis, entrusting, scope = SUBJECTS[agency.name]
    else:  # a county 司法局
        index = list(
            Agency.objects.filter(region__level="county", is_supervision_body=True).order_by("region__sort")
        )
        n = next(i for i, a in enumerate(index) if a.pk == agency.pk)
        county = agency.region.full_name
        nature, head = "法定", COUNTY_HEADS[n % len(COUNTY_HEADS)]
        local = county.removeprefix("云南省")
        address = f"云南省{local if local.startswith('玉溪市') else '玉溪市' + local}政务服务中心{n + 3}楼"
        phone, sup = f"0877-{6012300 + n * 1111}", f"0877-{6012301 + n * 1111}"
        cats, area, basis, entrusting, scope = (
            ["行政许可", "行政处罚", "行政检查"],
            f"{county}行政区域内",
            COUNTY_JUSTICE_BASIS,
            "",
            "",
        )
    return {
        "name": agency.name,
        "nature": nature,
        "head": head,
        "address": address,
        "phone": phone,
        "supervision_phone": sup,
        "categories": cats,
        "area": area,
        "legal_basis": basis,
        "entrusting_agency": entrusting,
        "entrusted_scope": scope,
        "change_note": "首次公告",
    }


def _subjects(stdout: TextIO) -> int:
    jiandu, hongta_jiandu = _u("jiandu"), _u("hongta_jiandu")
    drafters = {u.agency_id: u for u in (_u("zhangsan"), _u("wangwu"), _u("shijianju"))}
    count = 0
    for agency in Agency.objects.filter(is_active=True).select_related("region"):
        if SubjectProfile.objects.filter(agency=agency).exists():
            continue
        reviewer = hongta_jiandu if agency.short_name == "红司" else jiandu
        drafter = drafters.get(agency.pk, reviewer)  # the 司法局 enters it for agencies without a demo user
        profile = actions.save_subject(drafter, agency, _subject_data(agency))
        actions.submit_subject(drafter, profile)
        actions.approve_subject(reviewer, profile)
        count += 1
    return count


def _officers(stdout: TextIO) -> int:
    today = timezone.localdate()
    count = 0
    for seq, (short, dept, name, position, cats, qualified, username, days, special) in enumerate(
        OFFICERS, 1
    ):
        agency = Agency.objects.select_related("region").get(short_name=short)
        number = f"{CERT_PREFIX[short]}{2024 + seq % 3}{seq:04d}"
        if Certificate.objects.filter(number=number).exists():
            continue
        drafter, reviewer = _u(DRAFTER[short]), _u(REVIEWER.get(short, "jiandu"))
        valid_until = today + timedelta(days=days)
        data = {
            "name": name,
            "department": Department.objects.get(agency=agency, name=dept),
            "position": position,
            "categories": cats,
            "area": f"{agency.region.full_name}行政区域内",
            "has_legal_qualification": qualified,
            "id_number": "",
            "mobile": "",
            "user": User.objects.filter(username=username).first() if username else None,
            "cert_number": number,
            "cert_issuer": "云南省人民政府",
            "cert_valid_from": min(valid_until, today) - timedelta(days=1460),
            "cert_valid_until": valid_until,
        }
        photo = SimpleUploadedFile(f"{seq}.png", placeholder_png(seq), content_type="image/png")
        officer = actions.save_officer(drafter, agency, None, data, photo=photo)
        actions.submit_officer(drafter, officer)
        actions.approve_officer(reviewer, officer)
        if special == "suspended":
            cert = officer.current_certificate()
            assert cert is not None
            actions.change_certificate_status(
                _u("jiandu"), cert, "suspend", "因涉嫌违规执法被立案调查，调查期间暂扣执法证（演示）"
            )
        count += 1
    return count


@transaction.atomic
def load(stdout: TextIO) -> None:
    _entrusted_agency(stdout)
    subjects = _subjects(stdout)
    officers = _officers(stdout)
    stdout.write(
        f"  执法主体：新发布 {subjects} 个；执法人员：新发布 {officers} 名（演示数据，人名与证号均为虚构）"
    )
