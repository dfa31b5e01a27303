"""State changes of agencies, departments and the 领导小组: checked, written and audited in one transaction."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.access import can, denied_message, require
from audit.chain import record
from core import rules as core_rules
from core.errors import SanxiangError
from core.models import Agency, Region
from org.models import (
    ENFORCEMENT_CATEGORIES,
    Certificate,
    CertificateStatusChange,
    Department,
    LeadingGroup,
    LeadingGroupMember,
    Officer,
    OfficerVersion,
    SubjectProfile,
    SubjectVersion,
)
from publicity import rules as pub_rules
from publicity.actions import publish, withdraw, withdraw_source
from publicity.models import Kind, Publication

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


# 执法主体 (seed 二(一)1) ---------------------------------------------------------------------------------------

PHONE = re.compile(r"^[0-9０-９\-－—()（）转 ]{5,40}$")
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
CERT_NUMBER = re.compile(r"^[\u4e00-\u9fa5A-Za-z0-9\-]{6,30}$")
SUBJECT_FIELDS = [
    "name",
    "nature",
    "entrusting_agency",
    "entrusted_scope",
    "head",
    "address",
    "categories",
    "area",
    "phone",
    "supervision_phone",
    "legal_basis",
    "change_note",
]
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_TYPES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


def _require_edit(user: Any, agency_id: int) -> None:
    """An agency's staff maintain its entries (谁执法谁公示); the supervising 司法局 may enter them for it."""
    if not (can(user, "publicity.draft", agency_id) or can(user, "publicity.review", agency_id)):
        raise PermissionDenied(denied_message("publicity.draft"))


def _transition(state: str, action: str, field: str = "state") -> str:
    try:
        return pub_rules.review_transition(state, action)
    except ValueError as exc:
        raise SanxiangError(str(exc), field=field, code="wrong_state") from exc


def _categories(value: Any, field: str = "categories") -> list[str]:
    chosen = [c for c in (value or []) if c]
    unknown = [c for c in chosen if c not in ENFORCEMENT_CATEGORIES]
    if unknown:
        raise SanxiangError(
            f"执法类别：不支持“{'、'.join(unknown)}”，可选：{'、'.join(ENFORCEMENT_CATEGORIES)}", field=field
        )
    if not chosen:
        raise SanxiangError("执法类别：至少选择一项（《云南省行政执法公示办法》执法主体信息）", field=field)
    return [c for c in ENFORCEMENT_CATEGORIES if c in chosen]


def _required(data: dict[str, Any], field: str, label: str, max_length: int | None = None) -> str:
    value = str(data.get(field) or "").strip()
    if not value:
        raise SanxiangError(f"{label}：必填（《云南省行政执法公示办法》规定的公示内容）", field=field)
    if max_length and len(value) > max_length:
        raise SanxiangError(f"{label}：不能超过{max_length}个字", field=field)
    return value


def _phone(data: dict[str, Any], field: str, label: str) -> str:
    value = _required(data, field, label, 40)
    if not PHONE.match(value):
        raise SanxiangError(f"{label}：应为电话号码，如 0877-2021234", field=field)
    return value


def clean_subject(data: dict[str, Any]) -> dict[str, Any]:
    """Validate a 执法主体 draft; Chinese errors name the field. 委托 needs the 委托机关 and 委托范围."""
    clean = {
        "name": _required(data, "name", "单位名称", 80),
        "nature": str(data.get("nature") or ""),
        "head": _required(data, "head", "负责人", 40),
        "address": _required(data, "address", "办公地址", 120),
        "categories": _categories(data.get("categories")),
        "area": _required(data, "area", "执法区域", 120),
        "phone": _phone(data, "phone", "联系方式"),
        "supervision_phone": _phone(data, "supervision_phone", "监督电话"),
        "legal_basis": _required(data, "legal_basis", "法律依据"),
        "change_note": str(data.get("change_note") or "").strip()[:200],
        "entrusting_agency": str(data.get("entrusting_agency") or "").strip(),
        "entrusted_scope": str(data.get("entrusted_scope") or "").strip(),
    }
    if clean["nature"] not in SubjectProfile.Nature.values:
        raise SanxiangError("主体性质：应为 法定、授权 或 委托", field="nature")
    if clean["nature"] == SubjectProfile.Nature.ENTRUSTED:
        if not clean["entrusting_agency"]:
            raise SanxiangError(
                "委托机关：受委托组织必须写明委托机关（《行政处罚法》第二十条）", field="entrusting_agency"
            )
        if not clean["entrusted_scope"]:
            raise SanxiangError(
                "委托范围：受委托组织必须写明委托的事项和权限（《行政处罚法》第二十条）",
                field="entrusted_scope",
            )
    else:
        clean["entrusting_agency"] = clean["entrusted_scope"] = ""
    return clean


def subject_snapshot(profile: SubjectProfile) -> dict[str, Any]:
    return {name: getattr(profile, name) for name in SUBJECT_FIELDS}


def subject_payload(profile: SubjectProfile) -> dict[str, Any]:
    """The public 执法主体 公告 (contracts.md kind="subject"). Only the fields the 公示办法 lists."""
    agency = profile.agency
    return {
        "name": profile.name,
        "nature": profile.nature,
        "entrusting_agency": profile.entrusting_agency,
        "entrusted_scope": profile.entrusted_scope,
        "head": profile.head,
        "address": profile.address,
        "categories": list(profile.categories),
        "area": profile.area,
        "phone": profile.phone,
        "supervision_phone": profile.supervision_phone,
        "legal_basis": profile.legal_basis,
        "credit_code": agency.credit_code,
        "region": agency.region.name,
        "confirmed_on": profile.confirmed_on.isoformat() if profile.confirmed_on else "",
        "change_note": profile.change_note,
    }


def _subject_version(user: Any, profile: SubjectProfile, action: str, comment: str = "") -> None:
    SubjectVersion.objects.create(
        profile=profile,
        action=action,
        state=profile.state,
        snapshot=subject_snapshot(profile),
        comment=comment,
        actor=user,
    )


def subject_initial(agency: Agency) -> dict[str, Any]:
    """A first draft from the agency's registration data."""
    return {
        "name": agency.name,
        "nature": SubjectProfile.Nature.STATUTORY,
        "address": agency.address,
        "phone": agency.phone,
        "supervision_phone": agency.supervision_phone,
        "area": agency.region.full_name,
        "categories": [],
    }


def save_subject(user: Any, agency: Agency, data: dict[str, Any], ip: str = "") -> SubjectProfile:
    """Create or edit an agency's 执法主体 draft. Not while it waits for review (publicity.rules.editable)."""
    _require_edit(user, agency.pk)
    clean = clean_subject(data)
    with transaction.atomic():
        profile = SubjectProfile.objects.select_for_update().filter(agency=agency).first()
        created = profile is None
        if profile is None:
            profile = SubjectProfile(agency=agency)
        elif not pub_rules.editable(profile.state):
            raise SanxiangError(
                "执法主体信息已报送待审核，审核完成前不能修改", field="state", code="wrong_state"
            )
        for name, value in clean.items():
            setattr(profile, name, value)
        profile.state = pub_rules.DRAFT
        profile.updated_by = user
        profile.save()
        _subject_version(user, profile, "save")
        record(
            "org.subject_created" if created else "org.subject_saved",
            actor=user,
            agency_id=agency.pk,
            obj=profile,
            ip=ip,
            payload={"nature": profile.nature},
        )
    return profile


def _locked_subject(profile: SubjectProfile) -> SubjectProfile:
    return (
        SubjectProfile.objects.select_for_update(of=("self",))
        .select_related("agency__region")
        .get(pk=profile.pk)
    )


def submit_subject(user: Any, profile: SubjectProfile, note: str = "", ip: str = "") -> SubjectProfile:
    """报送审核 (seed 二(一)3). From a published entry with no edits this asks for the 年度确认 (no change)."""
    _require_edit(user, profile.agency_id)
    with transaction.atomic():
        locked = _locked_subject(profile)
        was_published = locked.state == pub_rules.PUBLISHED
        locked.state = _transition(locked.state, "submit")
        if was_published:
            locked.change_note = (note or "").strip()[:200] or "年度确认：内容无变化"
        elif note:
            locked.change_note = note.strip()[:200]
        locked.updated_by = user
        locked.save()
        _subject_version(user, locked, "submit", locked.change_note)
        record("org.subject_submitted", actor=user, agency_id=locked.agency_id, obj=locked, ip=ip)
    return locked


def return_subject(user: Any, profile: SubjectProfile, comment: str, ip: str = "") -> SubjectProfile:
    """退回修改 with the 监督科's comment (seed 二(一)3)."""
    require(user, "publicity.review", profile.agency_id)
    comment = pub_rules.required_reason(comment, "退回意见：请写明需要修改的内容（至少4个字）", "comment")
    with transaction.atomic():
        locked = _locked_subject(profile)
        locked.state = _transition(locked.state, "return")
        locked.return_comment = comment
        locked.save()
        _subject_version(user, locked, "return", comment)
        record("org.subject_returned", actor=user, agency_id=locked.agency_id, obj=locked, ip=ip)
    return locked


def _publish_subject(user: Any, profile: SubjectProfile, ip: str) -> Publication:
    return publish(
        user,
        kind=Kind.SUBJECT,
        agency_id=profile.agency_id,
        key="subject",
        title=profile.name,
        payload=subject_payload(profile),
        source=profile,
        category=profile.nature,
        search_text="\n".join([profile.name, "、".join(profile.categories), profile.legal_basis]),
        ip=ip,
    )


def approve_subject(user: Any, profile: SubjectProfile, ip: str = "") -> Publication:
    """审核发布: the 行政执法协调监督科 of the supervising 司法局 publishes the 主体 公告 (seed 二(一)1)."""
    require(user, "publicity.review", profile.agency_id)
    with transaction.atomic():
        locked = _locked_subject(profile)
        locked.state = _transition(locked.state, "approve")
        locked.return_comment = ""
        locked.confirmed_on = timezone.localdate()
        locked.save()
        publication = _publish_subject(user, locked, ip)
        _subject_version(user, locked, "approve", f"第{publication.version}版")
        record(
            "org.subject_approved",
            actor=user,
            agency_id=locked.agency_id,
            obj=locked,
            ip=ip,
            payload={"publication_id": publication.pk, "version": publication.version},
        )
    return publication


def reconfirm_subject(user: Any, profile: SubjectProfile, note: str = "", ip: str = "") -> Publication:
    """年度确认 by the 监督科: the published entry is still right; republished with a new 确认日期.

    (inferred) annual re-confirmation, period org.rules.subject_reconfirm_days().
    """
    require(user, "publicity.review", profile.agency_id)
    with transaction.atomic():
        locked = _locked_subject(profile)
        if locked.state != pub_rules.PUBLISHED:
            raise SanxiangError(
                "年度确认：只能确认已发布且没有待审修改的执法主体信息；有修改的请先报送审核",
                field="state",
                code="wrong_state",
            )
        locked.confirmed_on = timezone.localdate()
        locked.change_note = (note or "").strip()[:200] or "年度确认：内容无变化"
        locked.save()
        publication = _publish_subject(user, locked, ip)
        _subject_version(user, locked, "reconfirm", locked.change_note)
        record(
            "org.subject_reconfirmed",
            actor=user,
            agency_id=locked.agency_id,
            obj=locked,
            ip=ip,
            payload={"publication_id": publication.pk, "version": publication.version},
        )
    return publication


# 执法人员 and 执法证 (seed 二(一)2) ------------------------------------------------------------------------------

OFFICER_FIELDS = [
    "department",
    "name",
    "position",
    "categories",
    "area",
    "has_legal_qualification",
    "id_number",
    "mobile",
    "user",
]
CERT_FIELDS = ["cert_number", "cert_issuer", "cert_valid_from", "cert_valid_until"]


def _id_checksum_ok(number: str) -> bool:
    """GB 11643-1999 check digit of an 18-digit 居民身份证号码."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17]


def validate_photo(upload: Any) -> str:
    """Photo: JPEG or PNG (by content, not by name), at most 2 MB. Returns the file extension."""
    if upload.size > PHOTO_MAX_BYTES:
        raise SanxiangError("照片：文件不能超过 2 MB", field="photo")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, ext in PHOTO_TYPES.items():
        if head.startswith(magic):
            return ext
    raise SanxiangError("照片：只接受 JPG 或 PNG 图片", field="photo")


def clean_officer(agency: Agency, data: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {
        "name": _required(data, "name", "姓名", 40),
        "position": _required(data, "position", "职务", 60),
        "categories": _categories(data.get("categories")),
        "area": _required(data, "area", "执法区域", 120),
        "has_legal_qualification": bool(data.get("has_legal_qualification")),
        "id_number": str(data.get("id_number") or "").strip().upper(),
        "mobile": str(data.get("mobile") or "").strip(),
        "department": data.get("department"),
        "user": data.get("user"),
    }
    dept = clean["department"]
    if dept is not None and dept.agency_id != agency.pk:
        raise SanxiangError("所在科室：必须是本机关的科室", field="department")
    account = clean["user"]
    if account is not None and account.agency_id != agency.pk:
        raise SanxiangError("平台账号：必须是本机关的账号", field="user")
    if clean["id_number"] and not (
        ID_NUMBER.match(clean["id_number"]) and _id_checksum_ok(clean["id_number"])
    ):
        raise SanxiangError("身份证号：应为18位居民身份证号码，校验位正确（GB 11643）", field="id_number")
    if clean["mobile"] and not MOBILE.match(clean["mobile"]):
        raise SanxiangError("手机：应为11位手机号码", field="mobile")
    number = _required(data, "cert_number", "执法证号", 30).upper() if data.get("cert_number") else ""
    if not number:
        raise SanxiangError(
            "执法证号：必填（执法人员须持有行政执法证件，《行政处罚法》第四十二条）", field="cert_number"
        )
    if not CERT_NUMBER.match(number):
        raise SanxiangError("执法证号：6–30位汉字、字母或数字，如 云执53040020260001", field="cert_number")
    valid_from, valid_until = data.get("cert_valid_from"), data.get("cert_valid_until")
    if not valid_from:
        raise SanxiangError("有效期自：必填", field="cert_valid_from")
    if not valid_until:
        raise SanxiangError("有效期至：必填", field="cert_valid_until")
    if valid_until < valid_from:
        raise SanxiangError("有效期至：不能早于有效期起始日", field="cert_valid_until")
    clean["cert"] = {
        "number": number,
        "issuer": _required(data, "cert_issuer", "发证机关", 80),
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    return clean


def officer_snapshot(officer: Officer) -> dict[str, Any]:
    """History snapshot: the public fields plus the 法律职业资格 flag; never 身份证号 or 手机."""
    cert = officer.pending_certificate() or officer.current_certificate()
    return {
        "name": officer.name,
        "unit": officer.unit,
        "position": officer.position,
        "categories": list(officer.categories),
        "area": officer.area,
        "photo": officer.photo,
        "has_legal_qualification": officer.has_legal_qualification,
        "certificate_number": cert.number if cert else "",
        "issuer": cert.issuer if cert else "",
        "valid_from": cert.valid_from.isoformat() if cert else "",
        "valid_until": cert.valid_until.isoformat() if cert else "",
        "is_active": officer.is_active,
    }


def officer_payload(officer: Officer, cert: Certificate) -> dict[str, Any]:
    """The public 执法人员 record (contracts.md kind="officer"): 《云南省行政执法公示办法》 执法人员信息 —
    姓名、照片、所在具体执法机构名称、职务、执法类别、执法区域、执法证件号码. Never 身份证号、手机、出生日期 or
    法律职业资格 (internal)."""
    return {
        "name": officer.name,
        "photo": officer.photo,
        "unit": officer.unit,
        "agency_name": officer.agency.name,
        "position": officer.position,
        "categories": list(officer.categories),
        "area": officer.area,
        "certificate_number": cert.number,
        "issuer": cert.issuer,
        "valid_from": cert.valid_from.isoformat(),
        "valid_until": cert.valid_until.isoformat(),
        "status": cert.status,
    }


def _officer_version(user: Any, officer: Officer, action: str, comment: str = "") -> None:
    OfficerVersion.objects.create(
        officer=officer,
        action=action,
        state=officer.state,
        snapshot=officer_snapshot(officer),
        comment=comment,
        actor=user,
    )


def _store_photo(upload: Any) -> str:
    ext = validate_photo(upload)
    return default_storage.save(f"officers/{uuid.uuid4().hex}.{ext}", upload)


def save_officer(
    user: Any, agency: Agency, officer: Officer | None, data: dict[str, Any], photo: Any = None, ip: str = ""
) -> Officer:
    """Create or edit an 执法人员 draft with his certificate data.

    A certificate already reviewed cannot be changed in place: a different 执法证号 is a renewal (换发), kept as
    pending until the 监督科 approves, while the current certificate stays in force.
    """
    _require_edit(user, agency.pk)
    if officer is not None and officer.agency_id != agency.pk:
        raise SanxiangError("执法人员：不属于该机关", field="name")
    clean = clean_officer(agency, data)
    cert_data = clean.pop("cert")
    clash = Certificate.objects.filter(number=cert_data["number"])
    if officer is not None:
        clash = clash.exclude(officer=officer)
    if clash.exists():
        raise SanxiangError(f"执法证号：{cert_data['number']} 已登记在其他执法人员名下", field="cert_number")
    if clean["user"] is not None:
        other = Officer.objects.filter(user=clean["user"]).exclude(pk=officer.pk if officer else 0)
        if other.exists():
            raise SanxiangError("平台账号：该账号已关联其他执法人员", field="user")
    photo_name = _store_photo(photo) if photo else None
    with transaction.atomic():
        created = officer is None
        if officer is None:
            target = Officer(agency=agency)
        else:
            target = Officer.objects.select_for_update().get(pk=officer.pk)
            if not pub_rules.editable(target.state):
                raise SanxiangError(
                    "执法人员信息已报送待审核，审核完成前不能修改", field="state", code="wrong_state"
                )
            if not target.is_active:
                raise SanxiangError("该执法人员已离岗，不能修改", field="state", code="wrong_state")
        for name, value in clean.items():
            setattr(target, name, value)
        if photo_name:
            target.photo = photo_name
        target.state = pub_rules.DRAFT
        target.updated_by = user
        target.save()
        _save_certificate(target, cert_data)
        _officer_version(user, target, "save")
        record(
            "org.officer_created" if created else "org.officer_saved",
            actor=user,
            agency_id=agency.pk,
            obj=target,
            ip=ip,
            payload={"photo_changed": bool(photo_name)},
        )
    return target


def _save_certificate(officer: Officer, cert_data: dict[str, Any]) -> None:
    current = officer.current_certificate()
    pending = officer.pending_certificate()
    if current is not None and current.number == cert_data["number"]:
        changed = [f for f in ("issuer", "valid_from", "valid_until") if getattr(current, f) != cert_data[f]]
        if changed:
            raise SanxiangError(
                "执法证号：已审核的执法证不能直接修改发证机关或有效期；换发新证请填写新的执法证号",
                field="cert_number",
            )
        if pending is not None:  # the renewal was abandoned
            pending.delete()
        return
    if pending is None:
        Certificate.objects.create(officer=officer, **cert_data)
        return
    for name, value in cert_data.items():
        setattr(pending, name, value)
    pending.save()


def _locked_officer(officer: Officer) -> Officer:
    return (
        Officer.objects.select_for_update(of=("self",))
        .select_related("agency__region", "department")
        .get(pk=officer.pk)
    )


def submit_officer(user: Any, officer: Officer, ip: str = "") -> Officer:
    _require_edit(user, officer.agency_id)
    with transaction.atomic():
        locked = _locked_officer(officer)
        if not locked.is_active:
            raise SanxiangError("该执法人员已离岗，不能报送", field="state", code="wrong_state")
        locked.state = _transition(locked.state, "submit")
        locked.updated_by = user
        locked.save()
        _officer_version(user, locked, "submit")
        record("org.officer_submitted", actor=user, agency_id=locked.agency_id, obj=locked, ip=ip)
    return locked


def return_officer(user: Any, officer: Officer, comment: str, ip: str = "") -> Officer:
    require(user, "publicity.review", officer.agency_id)
    comment = pub_rules.required_reason(comment, "退回意见：请写明需要修改的内容（至少4个字）", "comment")
    with transaction.atomic():
        locked = _locked_officer(officer)
        locked.state = _transition(locked.state, "return")
        locked.return_comment = comment
        locked.save()
        _officer_version(user, locked, "return", comment)
        record("org.officer_returned", actor=user, agency_id=locked.agency_id, obj=locked, ip=ip)
    return locked


def _publish_officer(user: Any, officer: Officer, cert: Certificate, ip: str) -> Publication:
    return publish(
        user,
        kind=Kind.OFFICER,
        agency_id=officer.agency_id,
        key=cert.number,
        title=officer.name,
        payload=officer_payload(officer, cert),
        source=officer,
        category="、".join(officer.categories),
        department=officer.unit,
        search_text="\n".join([officer.name, cert.number, officer.unit, "、".join(officer.categories)]),
        ip=ip,
    )


def approve_officer(user: Any, officer: Officer, ip: str = "") -> Publication:
    """审核发布 an 执法人员 with his current certificate; a pending renewal becomes current and the old
    certificate's publication (another 执法证号) is withdrawn."""
    require(user, "publicity.review", officer.agency_id)
    with transaction.atomic():
        locked = _locked_officer(officer)
        locked.state = _transition(locked.state, "approve")
        if not locked.is_active:
            raise SanxiangError("该执法人员已离岗，不能发布", field="state", code="wrong_state")
        now = timezone.now()
        pending = locked.pending_certificate()
        if pending is not None:
            Certificate.objects.filter(officer=locked, is_current=True).update(is_current=False)
            pending.is_current = True
            pending.approved_at = now
            pending.save(update_fields=["is_current", "approved_at"])
        cert = locked.current_certificate()
        if cert is None:
            raise SanxiangError("执法证号：该执法人员没有登记执法证，不能发布", field="cert_number")
        locked.return_comment = ""
        locked.save()
        stale = (
            Publication.objects.current()
            .filter(kind=Kind.OFFICER, source_type=locked._meta.label_lower, source_id=str(locked.pk))
            .exclude(key=cert.number)
        )
        for old in stale:
            withdraw(user, old, f"执法证已换发，新证号 {cert.number}", ip=ip)
        publication = _publish_officer(user, locked, cert, ip)
        _officer_version(user, locked, "approve", f"第{publication.version}版")
        record(
            "org.officer_approved",
            actor=user,
            agency_id=locked.agency_id,
            obj=locked,
            ip=ip,
            payload={"certificate_id": cert.pk, "publication_id": publication.pk},
        )
    return publication


# 暂扣 / 注销 / 恢复: stored status transitions of a reviewed certificate.
CERTIFICATE_ACTIONS = {
    "suspend": ({Certificate.Status.VALID}, Certificate.Status.SUSPENDED, "暂扣"),
    "revoke": ({Certificate.Status.VALID, Certificate.Status.SUSPENDED}, Certificate.Status.REVOKED, "注销"),
    "restore": ({Certificate.Status.SUSPENDED}, Certificate.Status.VALID, "恢复"),
}


def change_certificate_status(
    user: Any, certificate: Certificate, action: str, reason: str, ip: str = ""
) -> Certificate:
    """暂扣、注销 or 恢复 a 执法证 (certificate.manage, the supervising 监督科); audited, with a history row, and the
    officer's live publication is republished so the public verification shows the new status. A revoked
    certificate is final."""
    require(user, "certificate.manage", certificate.officer.agency_id)
    if action not in CERTIFICATE_ACTIONS:
        raise SanxiangError(f"操作：不支持“{action}”，可选：暂扣、注销、恢复", field="action")
    sources, target, label = CERTIFICATE_ACTIONS[action]
    reason = pub_rules.required_reason(reason, f"理由：{label}执法证须写明理由（至少4个字）", "reason")
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("officer__agency")
            .get(pk=certificate.pk)
        )
        if locked.approved_at is None:
            raise SanxiangError("执法证尚未审核发布，不能变更状态", field="action", code="wrong_state")
        if locked.status not in sources:
            allowed = "、".join(Certificate.Status(s).label for s in sorted(sources))
            raise SanxiangError(
                f"当前证件状态为“{locked.get_status_display()}”，不能{label}（仅限：{allowed}）",
                field="action",
                code="wrong_state",
            )
        previous = locked.status
        locked.status = target
        locked.save(update_fields=["status"])
        CertificateStatusChange.objects.create(
            certificate=locked, from_status=previous, to_status=target, reason=reason[:300], actor=user
        )
        live = (
            Publication.objects.current()
            .filter(kind=Kind.OFFICER, agency_id=locked.officer.agency_id, key=locked.number)
            .first()
        )
        republished = None
        if live is not None:
            payload = dict(live.payload)
            payload["status"] = target
            republished = publish(
                user,
                kind=Kind.OFFICER,
                agency_id=live.agency_id,
                key=live.key,
                title=live.title,
                payload=payload,
                source=locked.officer,
                category=live.category,
                department=live.department,
                search_text=live.search_text,
                ip=ip,
            )
        record(
            f"org.certificate_{action}",
            actor=user,
            agency_id=locked.officer.agency_id,
            obj=locked,
            ip=ip,
            payload={"from": previous, "to": target, "publication_id": getattr(republished, "pk", None)},
        )
    return locked


def deactivate_officer(user: Any, officer: Officer, reason: str, ip: str = "") -> Officer:
    """离岗 (调离、退休…): the officer is no longer assignable and his publication is withdrawn with the reason."""
    require(user, "publicity.review", officer.agency_id)
    reason = pub_rules.required_reason(
        reason, "离岗原因：请写明原因（至少4个字），撤回公示时一并记录", "reason"
    )
    with transaction.atomic():
        locked = _locked_officer(officer)
        if not locked.is_active:
            raise SanxiangError("该执法人员已离岗", field="reason", code="wrong_state")
        locked.is_active = False
        locked.deactivation_reason = reason[:300]
        locked.save()
        withdrawn = withdraw_source(user, locked, reason, ip=ip)
        _officer_version(user, locked, "deactivate", reason)
        record(
            "org.officer_deactivated",
            actor=user,
            agency_id=locked.agency_id,
            obj=locked,
            ip=ip,
            payload={"withdrawn": withdrawn},
        )
    return locked
