"""The demo bureau: 玉溪市 and its nine counties/districts, their 司法局s, a few other city agencies, the
seed's departments and 领导小组, and one demo user per role. Idempotent: running it twice changes nothing.

``load_structure()`` (regions, agencies, departments, 领导小组) is what a real 玉溪 deployment also needs;
``load_users()`` adds the demo accounts (password DEMO_PASSWORD, see README).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from accounts.models import Role, User, UserRole
from core.models import Agency, Region
from org.models import Department, LeadingGroup, LeadingGroupMember

DEMO_PASSWORD = "Sanxiang@2026"  # noqa: S105 - published demo password (README)

CITY = ("530400", "玉溪市", "云南省玉溪市")
# (code, short name, full name, 文书简称 of its 司法局)
COUNTIES = [
    ("530402", "红塔区", "玉溪市红塔区", "红司"),
    ("530403", "江川区", "玉溪市江川区", "江司"),
    ("530481", "澄江市", "云南省澄江市", "澄司"),
    ("530423", "通海县", "通海县", "通司"),
    ("530424", "华宁县", "华宁县", "华司"),
    ("530425", "易门县", "易门县", "易司"),
    ("530426", "峨山县", "峨山彝族自治县", "峨司"),
    ("530427", "新平县", "新平彝族傣族自治县", "新司"),
    ("530428", "元江县", "元江哈尼族彝族傣族自治县", "元司"),
]
# Seed 一: the 市司法局's six departments; the 行政执法协调监督科 hosts the 领导小组 office and 法制审核.
CITY_BUREAU_DEPARTMENTS = [
    ("办公室", False, False),
    ("行政执法协调监督科", True, True),
    ("公共法律服务管理科", False, True),
    ("律师工作管理科", False, True),
    ("人民参与和促进法治科", False, True),
    ("装备财务科", False, False),
]
COUNTY_BUREAU_DEPARTMENTS = [
    ("办公室", False, False),
    ("行政执法协调监督股", True, True),
    ("公共法律服务管理股", False, True),
    ("律师公证工作股", False, True),
]
OTHER_CITY_AGENCIES = [
    ("玉溪市市场监督管理局", "玉市监", "市场监管", ["综合执法支队", "法规科", "办公室"]),
    ("玉溪市生态环境局", "玉环", "生态环境", ["生态环境保护综合行政执法支队", "法规与标准科", "办公室"]),
    ("玉溪市交通运输局", "玉交", "交通运输", ["交通运输综合行政执法支队", "政策法规科", "办公室"]),
]

# username, full name, roles, department (None: no department), title
CITY_USERS = [
    ("zhangsan", "张三", [Role.OFFICER], "律师工作管理科", "四级主任科员"),
    ("zhaoliu", "赵六", [Role.OFFICER], "律师工作管理科", "一级科员"),
    ("kezhang", "陈科长", [Role.DEPT_HEAD], "律师工作管理科", "科长"),
    ("lisi", "李四", [Role.REVIEWER], "行政执法协调监督科", "法制审核员"),
    ("fenguan", "周副局长", [Role.DEPUTY_LEADER], None, "副局长"),
    ("juzhang", "吴局长", [Role.PRINCIPAL], None, "局长"),
    ("jiandu", "郑监督", [Role.SUPERVISOR], "行政执法协调监督科", "科长"),
    ("gongshi", "孙公示", [Role.PUBLICITY_REVIEWER], "办公室", "主任"),
    ("sysadmin", "钱系统", [Role.SYSADMIN], "装备财务科", "系统管理员"),
    ("secadmin", "冯安全", [Role.SECADMIN], "办公室", "安全管理员"),
    ("auditor", "卫审计", [Role.AUDITOR], "办公室", "审计管理员"),
]
HONGTA_USERS = [
    ("wangwu", "王五", [Role.OFFICER], "律师公证工作股", "一级科员"),
    ("hongta_kezhang", "蒋股长", [Role.DEPT_HEAD], "律师公证工作股", "股长"),
    ("hongta_jiandu", "沈监督", [Role.SUPERVISOR], "行政执法协调监督股", "股长"),
    ("hongta_sysadmin", "韩系统", [Role.SYSADMIN], "办公室", "系统管理员"),
    ("hongta_secadmin", "杨安全", [Role.SECADMIN], "办公室", "安全管理员"),
]
OTHER_AGENCY_USERS = [
    ("shijianju", "朱执法", [Role.OFFICER], "综合执法支队", "执法队员", "玉溪市市场监督管理局")
]


def _departments(agency: Agency, spec: list[tuple[str, bool, bool]]) -> None:
    for sort, (name, review, enforcing) in enumerate(spec):
        Department.objects.get_or_create(
            agency=agency,
            name=name,
            defaults={"is_review_office": review, "is_enforcing": enforcing, "sort": sort},
        )


@transaction.atomic
def load_structure() -> Agency:
    """Regions, agencies and departments of 玉溪. Returns the 市司法局."""
    city, _ = Region.objects.get_or_create(
        code=CITY[0], defaults={"name": CITY[1], "full_name": CITY[2], "level": Region.Level.CITY, "sort": 0}
    )
    bureau, _ = Agency.objects.get_or_create(
        name="玉溪市司法局",
        defaults={
            "region": city,
            "short_name": "玉司",
            "sector": "司法行政",
            "is_supervision_body": True,
            "address": "云南省玉溪市红塔区",
            "supervision_phone": "12345",
            "sort": 0,
        },
    )
    _departments(bureau, CITY_BUREAU_DEPARTMENTS)
    for sort, (name, short, sector, depts) in enumerate(OTHER_CITY_AGENCIES, start=1):
        agency, _ = Agency.objects.get_or_create(
            name=name, defaults={"region": city, "short_name": short, "sector": sector, "sort": sort}
        )
        _departments(agency, [(d, False, i == 0) for i, d in enumerate(depts)])
    for sort, (code, name, full, short) in enumerate(COUNTIES, start=1):
        region, _ = Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "full_name": full,
                "level": Region.Level.COUNTY,
                "parent": city,
                "sort": sort,
            },
        )
        county_bureau, _ = Agency.objects.get_or_create(
            name=f"{full}司法局",
            defaults={
                "region": region,
                "short_name": short,
                "sector": "司法行政",
                "is_supervision_body": True,
                "supervision_phone": "12345",
            },
        )
        _departments(county_bureau, COUNTY_BUREAU_DEPARTMENTS)
    _leading_group(bureau)
    return bureau


def _leading_group(bureau: Agency) -> None:
    office = Department.objects.get(agency=bureau, name="行政执法协调监督科")
    group, created = LeadingGroup.objects.get_or_create(
        agency=bureau,
        defaults={
            "office": office,
            "duties": "统筹推动全局行政执法公示、执法全过程记录、重大执法决定法制审核制度实施；"
            "领导小组办公室设在行政执法协调监督科，具体负责推动“三项制度”实施工作。",
        },
    )
    if not created:
        return
    members: list[tuple[str, str, str, str | None]] = [("leader", "吴局长", "局长", None)]
    members.append(("deputy", "周副局长", "副局长", None))
    for name, _review, _enf in CITY_BUREAU_DEPARTMENTS:
        members.append(("member", f"{name}负责人", f"{name}主要负责同志", name))
    for sort, (position, name, title, dept) in enumerate(members):
        LeadingGroupMember.objects.create(
            group=group,
            position=position,
            name=name,
            title=title,
            department=Department.objects.get(agency=bureau, name=dept) if dept else None,
            sort=sort,
        )


def _user(
    agency: Agency, username: str, full_name: str, roles: Sequence[str], dept: str | None, title: str
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, agency=agency, title=title)
        user.department = Department.objects.get(agency=agency, name=dept) if dept else None
        user.set_password(DEMO_PASSWORD)
        user.save()
    for role in roles:
        UserRole.objects.get_or_create(user=user, role=role)
    return user


@transaction.atomic
def load_users() -> None:
    bureau = Agency.objects.get(name="玉溪市司法局")
    for username, name, roles, dept, title in CITY_USERS:
        _user(bureau, username, name, roles, dept, title)
    hongta = Agency.objects.get(short_name="红司")
    for username, name, roles, dept, title in HONGTA_USERS:
        _user(hongta, username, name, roles, dept, title)
    for username, name, roles, dept, title, agency_name in OTHER_AGENCY_USERS:
        _user(Agency.objects.get(name=agency_name), username, name, roles, dept, title)
