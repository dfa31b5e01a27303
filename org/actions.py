"""State changes of agencies, departments and the 领导小组: checked, written and audited in one transaction."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from accounts.access import require
from audit.chain import record
from core import rules as core_rules
from core.errors import SanxiangError
from core.models import Agency, Region
from org.models import Department, LeadingGroup, LeadingGroupMember

SHORT_NAME = re.compile(r"^[\u4e00-\u9fa5]{1,8}$")
AGENCY_FIELDS = [
    "region",
    "name",
    "short_name",
    "sector",
    "is_supervision_body",
    "credit_code",
    "address",
    "phone",
    "supervision_phone",
    "is_active",
    "sort",
]


def _managed_regions(user: Any) -> set[int]:
    """Regions in which the user's 司法局 may register agencies: its own region and those below it."""
    agency = user.agency
    if agency is None or not agency.is_supervision_body:
        return set()
    return core_rules.region_subtree(agency.region_id, dict(Region.objects.values_list("id", "parent_id")))


def save_agency(user: Any, agency: Agency | None, data: dict[str, Any], ip: str = "") -> Agency:
    """Create or update an enforcement body. Only a 系统管理员 of the supervising 司法局 registers agencies."""
    if agency is not None:
        require(user, "org.manage", agency.pk)
    else:
        require(user, "org.manage")
    region = data["region"]
    if region.pk not in _managed_regions(user):
        raise SanxiangError(
            "所属区划：只能登记本级及下级区划的执法机关（《行政执法监督条例》第六条）", field="region"
        )
    if not SHORT_NAME.match(data["short_name"]):
        raise SanxiangError(
            "文书简称：只能是 1–8 个汉字，如“玉司”“红司”，用作文书编号前缀（regulations.md §4.4）",
            field="short_name",
        )
    clash = (
        Agency.objects.filter(short_name=data["short_name"]).exclude(pk=agency.pk if agency else 0).first()
    )
    if clash:
        raise SanxiangError(
            f"文书简称：“{data['short_name']}”已被{clash.name}使用，文书编号前缀必须唯一", field="short_name"
        )
    with transaction.atomic():
        created = agency is None
        target = agency or Agency()
        for name in AGENCY_FIELDS:
            if name in data:
                setattr(target, name, data[name])
        target.save()
        record(
            "org.agency_created" if created else "org.agency_updated",
            actor=user,
            agency_id=target.pk,
            obj=target,
            ip=ip,
            payload={
                "region_id": region.pk,
                "is_supervision_body": target.is_supervision_body,
                "active": target.is_active,
            },
        )
    return target


def save_department(
    user: Any, agency: Agency, department: Department | None, data: dict[str, Any], ip: str = ""
) -> Department:
    require(user, "org.manage", agency.pk)
    if department is not None and department.agency_id != agency.pk:
        raise SanxiangError("科室：不属于该机关", field="name")
    clash = Department.objects.filter(agency=agency, name=data["name"]).exclude(
        pk=department.pk if department else 0
    )
    if clash.exists():
        raise SanxiangError(f"科室名称：本机关已有“{data['name']}”", field="name")
    with transaction.atomic():
        created = department is None
        target = department or Department(agency=agency)
        for name in ["name", "is_review_office", "is_enforcing", "is_active", "sort"]:
            if name in data:
                setattr(target, name, data[name])
        target.save()
        record(
            "org.department_created" if created else "org.department_updated",
            actor=user,
            agency_id=agency.pk,
            obj=target,
            ip=ip,
            payload={"active": target.is_active, "review_office": target.is_review_office},
        )
    return target


def save_leading_group(user: Any, agency: Agency, data: dict[str, Any], ip: str = "") -> LeadingGroup:
    require(user, "org.manage", agency.pk)
    office = data.get("office")
    if office is not None and office.agency_id != agency.pk:
        raise SanxiangError("办公室设在：科室必须属于本机关", field="office")
    with transaction.atomic():
        group, _ = LeadingGroup.objects.get_or_create(agency=agency)
        group.name = data["name"]
        group.office = office
        group.duties = data.get("duties", "")
        group.save()
        record(
            "org.leading_group_saved",
            actor=user,
            agency_id=agency.pk,
            obj=group,
            ip=ip,
            payload={"office_id": getattr(office, "pk", None)},
        )
    return group


def save_member(
    user: Any, group: LeadingGroup, member: LeadingGroupMember | None, data: dict[str, Any], ip: str = ""
) -> LeadingGroupMember:
    require(user, "org.manage", group.agency_id)
    dept = data.get("department")
    if dept is not None and dept.agency_id != group.agency_id:
        raise SanxiangError("科室：必须属于本机关", field="department")
    if data["position"] == LeadingGroupMember.Position.LEADER:
        other_leader = group.members.filter(position=LeadingGroupMember.Position.LEADER).exclude(
            pk=member.pk if member else 0
        )
        if other_leader.exists():
            raise SanxiangError("小组职务：领导小组只能有一名组长（由局领导担任）", field="position")
    with transaction.atomic():
        target = member or LeadingGroupMember(group=group)
        for name in ["position", "name", "title", "department", "sort"]:
            if name in data:
                setattr(target, name, data[name])
        target.save()
        record(
            "org.leading_group_member_saved",
            actor=user,
            agency_id=group.agency_id,
            obj=target,
            ip=ip,
            payload={"position": target.position},
        )
    return target


def remove_member(user: Any, member: LeadingGroupMember, ip: str = "") -> None:
    require(user, "org.manage", member.group.agency_id)
    with transaction.atomic():
        record(
            "org.leading_group_member_removed",
            actor=user,
            agency_id=member.group.agency_id,
            obj=member,
            ip=ip,
        )
        member.delete()
