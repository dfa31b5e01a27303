"""Agencies and departments in the API (read); writes go through the same actions as the UI."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from accounts.access import require, scoped, scoped_get
from core.errors import SanxiangError
from core.http import client_ip
from core.models import Agency, Region
from org import actions, selectors
from org import rules as org_rules
from org.models import Certificate, Department, Officer, SubjectProfile
from publicity.models import Publication
from publicity.rules import redact_text

router = Router(tags=["机构"])


class DepartmentOut(Schema):
    id: int
    name: str
    is_review_office: bool
    is_enforcing: bool
    is_active: bool


class AgencyOut(Schema):
    id: int
    name: str
    short_name: str
    region: str
    region_code: str
    sector: str
    is_supervision_body: bool
    is_active: bool


class AgencyIn(Schema):
    region_code: str
    name: str
    short_name: str
    sector: str = ""
    is_supervision_body: bool = False
    address: str = ""
    phone: str = ""
    supervision_phone: str = ""


def _agency(a: Agency) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.name,
        "short_name": a.short_name,
        "region": a.region.name,
        "region_code": a.region.code,
        "sector": a.sector,
        "is_supervision_body": a.is_supervision_body,
        "is_active": a.is_active,
    }


@router.get("/agencies", response=list[AgencyOut], summary="我可查看的执法机关")
def agencies(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, "org.read")
    return [
        _agency(a) for a in scoped(request.user, "org.read", Agency.objects.select_related("region"), "id")
    ]


@router.get("/agencies/{agency_id}/departments", response=list[DepartmentOut], summary="机关的内设机构")
def departments(request: HttpRequest, agency_id: int) -> Any:
    agency = scoped_get(request.user, "org.read", Agency.objects.all(), "id", pk=agency_id)
    return list(agency.departments.all())


@router.post("/agencies", response={201: AgencyOut}, summary="登记执法机关（系统管理员）")
def create_agency(request: HttpRequest, data: AgencyIn) -> Status:
    from core.errors import SanxiangError

    region = Region.objects.filter(code=data.region_code).first()
    if region is None:
        raise SanxiangError(f"所属区划：区划代码 {data.region_code} 不存在", field="region_code")
    payload = data.dict()
    payload["region"] = region
    agency = actions.save_agency(request.user, None, payload, ip=client_ip(request))
    return Status(201, _agency(agency))


# 执法主体 and 执法人员/执法证 (事前公开). The same actions as the staff pages. ----------------------------------------


class SubjectIn(Schema):
    name: str
    nature: str = "法定"
    entrusting_agency: str = ""
    entrusted_scope: str = ""
    head: str
    address: str
    categories: list[str]
    area: str
    phone: str
    supervision_phone: str
    legal_basis: str
    change_note: str = ""


class SubjectOut(Schema):
    agency_id: int
    agency_name: str
    state: str
    state_label: str
    return_comment: str
    confirmed_on: date | None
    reconfirm_due: date | None
    reconfirm_warning: str | None
    name: str
    nature: str
    entrusting_agency: str
    entrusted_scope: str
    head: str
    address: str
    categories: list[str]
    area: str
    phone: str
    supervision_phone: str
    legal_basis: str
    change_note: str
    credit_code: str


class NoteIn(Schema):
    note: str = ""


class CommentIn(Schema):
    comment: str


class ReasonIn(Schema):
    reason: str


class CertificateStatusIn(Schema):
    action: str  # suspend | revoke | restore
    reason: str


class PublishedOut(Schema):
    publication_id: int
    kind: str
    key: str
    version: int


class CertificateOut(Schema):
    id: int
    number: str
    issuer: str
    valid_from: date
    valid_until: date
    status: str
    effective_status: str
    effective_label: str
    is_current: bool
    reviewed: bool


class OfficerIn(Schema):
    name: str
    department_id: int | None = None
    position: str
    categories: list[str]
    area: str
    has_legal_qualification: bool = False
    id_number: str = ""
    mobile: str = ""
    user_id: int | None = None
    cert_number: str
    cert_issuer: str
    cert_valid_from: date
    cert_valid_until: date


class OfficerCreateIn(OfficerIn):
    agency_id: int


class OfficerOut(Schema):
    id: int
    agency_id: int
    agency_name: str
    unit: str
    department_id: int | None
    name: str
    position: str
    categories: list[str]
    area: str
    has_legal_qualification: bool
    id_number_masked: str
    mobile_masked: str
    has_photo: bool
    is_active: bool
    state: str
    state_label: str
    return_comment: str
    assignable_today: bool
    certificate: CertificateOut | None
    pending_certificate: CertificateOut | None


def _subject(profile: SubjectProfile) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "agency_id": profile.agency_id,
        "agency_name": profile.agency.name,
        "state": profile.state,
        "state_label": profile.get_state_display(),
        "return_comment": profile.return_comment,
        "confirmed_on": profile.confirmed_on,
        "reconfirm_due": org_rules.subject_reconfirm_due(profile.confirmed_on),
        "reconfirm_warning": org_rules.subject_reconfirm_warning_level(profile.confirmed_on, today),
        **actions.subject_snapshot(profile),
        "credit_code": profile.agency.credit_code,
    }


def _published(publication: Publication) -> dict[str, Any]:
    return {
        "publication_id": publication.pk,
        "kind": publication.kind,
        "key": publication.key,
        "version": publication.version,
    }


def _subject_in_scope(request: HttpRequest, agency_id: int) -> SubjectProfile:
    return scoped_get(
        request.user,
        "publicity.read",
        SubjectProfile.objects.select_related("agency__region"),
        agency_id=agency_id,
    )


@router.get("/subjects", response=list[SubjectOut], summary="执法主体信息（草稿与审核状态）")
def subjects(request: HttpRequest, state: str = "") -> list[dict[str, Any]]:
    require(request.user, "publicity.read")
    qs = scoped(request.user, "publicity.read", SubjectProfile.objects.select_related("agency__region"))
    if state:
        qs = qs.filter(state=state)
    return [_subject(p) for p in qs]


@router.get("/subjects/{agency_id}", response=SubjectOut, summary="某机关的执法主体信息")
def subject(request: HttpRequest, agency_id: int) -> dict[str, Any]:
    return _subject(_subject_in_scope(request, agency_id))


@router.put("/subjects/{agency_id}", response=SubjectOut, summary="填报或修改执法主体信息（保存草稿）")
def save_subject(request: HttpRequest, agency_id: int, data: SubjectIn) -> dict[str, Any]:
    agency = scoped_get(
        request.user, "publicity.read", Agency.objects.select_related("region"), "id", pk=agency_id
    )
    profile = actions.save_subject(request.user, agency, data.dict(), ip=client_ip(request))
    return _subject(profile)


@router.post(
    "/subjects/{agency_id}/submit", response=SubjectOut, summary="报送审核（已发布的报送即申请年度确认）"
)
def submit_subject(request: HttpRequest, agency_id: int, data: NoteIn) -> dict[str, Any]:
    profile = _subject_in_scope(request, agency_id)
    return _subject(actions.submit_subject(request.user, profile, note=data.note, ip=client_ip(request)))


@router.post(
    "/subjects/{agency_id}/approve", response=PublishedOut, summary="审核通过并发布执法主体公告（监督科）"
)
def approve_subject(request: HttpRequest, agency_id: int) -> dict[str, Any]:
    profile = _subject_in_scope(request, agency_id)
    return _published(actions.approve_subject(request.user, profile, ip=client_ip(request)))


@router.post("/subjects/{agency_id}/return", response=SubjectOut, summary="退回修改（监督科，须写明意见）")
def return_subject(request: HttpRequest, agency_id: int, data: CommentIn) -> dict[str, Any]:
    profile = _subject_in_scope(request, agency_id)
    return _subject(actions.return_subject(request.user, profile, data.comment, ip=client_ip(request)))


@router.post(
    "/subjects/{agency_id}/reconfirm", response=PublishedOut, summary="年度确认（内容无变化，重新发布）"
)
def reconfirm_subject(request: HttpRequest, agency_id: int, data: NoteIn) -> dict[str, Any]:
    profile = _subject_in_scope(request, agency_id)
    return _published(actions.reconfirm_subject(request.user, profile, note=data.note, ip=client_ip(request)))


def _certificate(cert: Certificate | None, today: date) -> dict[str, Any] | None:
    if cert is None:
        return None
    effective = cert.effective_status(today)
    return {
        "id": cert.pk,
        "number": cert.number,
        "issuer": cert.issuer,
        "valid_from": cert.valid_from,
        "valid_until": cert.valid_until,
        "status": cert.status,
        "effective_status": effective,
        "effective_label": org_rules.CERTIFICATE_STATUS_LABELS[effective],
        "is_current": cert.is_current,
        "reviewed": cert.approved_at is not None,
    }


def _officer(officer: Officer) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": officer.pk,
        "agency_id": officer.agency_id,
        "agency_name": officer.agency.name,
        "unit": officer.unit,
        "department_id": officer.department_id,
        "name": officer.name,
        "position": officer.position,
        "categories": officer.categories,
        "area": officer.area,
        "has_legal_qualification": officer.has_legal_qualification,
        "id_number_masked": redact_text(officer.id_number),
        "mobile_masked": redact_text(officer.mobile),
        "has_photo": bool(officer.photo),
        "is_active": officer.is_active,
        "state": officer.state,
        "state_label": officer.get_state_display(),
        "return_comment": officer.return_comment,
        "assignable_today": selectors.is_assignable(officer, today),
        "certificate": _certificate(officer.current_certificate(), today),
        "pending_certificate": _certificate(officer.pending_certificate(), today),
    }


def _officer_data(agency: Agency, data: OfficerIn) -> dict[str, Any]:
    from accounts.models import User

    values = data.dict()
    dept_id, user_id = values.pop("department_id", None), values.pop("user_id", None)
    values.pop("agency_id", None)
    values["department"] = Department.objects.filter(pk=dept_id).first() if dept_id else None
    if dept_id and values["department"] is None:
        raise SanxiangError("所在科室：不存在", field="department_id")
    values["user"] = User.objects.filter(pk=user_id).first() if user_id else None
    if user_id and values["user"] is None:
        raise SanxiangError("平台账号：不存在", field="user_id")
    return values


def _officer_in_scope(request: HttpRequest, officer_id: int) -> Officer:
    return scoped_get(
        request.user,
        "publicity.read",
        Officer.objects.select_related("agency__region", "department"),
        pk=officer_id,
    )


@router.get("/officers", response=list[OfficerOut], summary="执法人员与执法证（含内部审核状态）")
def officers(
    request: HttpRequest, agency_id: int | None = None, state: str = "", active: bool | None = True
) -> list[dict[str, Any]]:
    require(request.user, "publicity.read")
    qs = scoped(
        request.user, "publicity.read", Officer.objects.select_related("agency__region", "department")
    )
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    if state:
        qs = qs.filter(state=state)
    if active is not None:
        qs = qs.filter(is_active=active)
    return [_officer(o) for o in qs[:2000]]


@router.get(
    "/officers/assignable",
    response=list[OfficerOut],
    summary="可被指派执法的人员（在岗且执法证有效，《行政处罚法》第四十二条）",
)
def assignable_officers(
    request: HttpRequest, agency_id: int | None = None, on: date | None = None
) -> list[dict[str, Any]]:
    require(request.user, "publicity.read")
    target = agency_id if agency_id is not None else getattr(request.user, "agency_id", None)
    if target is None:
        raise SanxiangError("agency_id：请指定执法机关", field="agency_id")
    require(request.user, "publicity.read", target)
    qs = selectors.assignable_officers(target, on or timezone.localdate()).select_related(
        "agency", "department"
    )
    return [_officer(o) for o in qs]


@router.post("/officers", response={201: OfficerOut}, summary="登记执法人员（草稿）")
def create_officer(request: HttpRequest, data: OfficerCreateIn) -> Status:
    agency = scoped_get(
        request.user, "publicity.read", Agency.objects.select_related("region"), "id", pk=data.agency_id
    )
    officer = actions.save_officer(
        request.user, agency, None, _officer_data(agency, data), ip=client_ip(request)
    )
    return Status(201, _officer(officer))


@router.get("/officers/{officer_id}", response=OfficerOut, summary="某执法人员")
def officer(request: HttpRequest, officer_id: int) -> dict[str, Any]:
    return _officer(_officer_in_scope(request, officer_id))


@router.put("/officers/{officer_id}", response=OfficerOut, summary="修改执法人员（草稿；换发新证填写新证号）")
def update_officer(request: HttpRequest, officer_id: int, data: OfficerIn) -> dict[str, Any]:
    target = _officer_in_scope(request, officer_id)
    saved = actions.save_officer(
        request.user, target.agency, target, _officer_data(target.agency, data), ip=client_ip(request)
    )
    return _officer(saved)


@router.post("/officers/{officer_id}/photo", response=OfficerOut, summary="上传照片（JPG/PNG，≤2 MB）")
def upload_officer_photo(request: HttpRequest, officer_id: int, photo: File[UploadedFile]) -> dict[str, Any]:
    from org.views import _officer_initial

    target = _officer_in_scope(request, officer_id)
    values = _officer_initial(target)
    values["department"], values["user"] = target.department, target.user
    saved = actions.save_officer(
        request.user, target.agency, target, values, photo=photo, ip=client_ip(request)
    )
    return _officer(saved)


@router.post("/officers/{officer_id}/submit", response=OfficerOut, summary="报送审核")
def submit_officer(request: HttpRequest, officer_id: int) -> dict[str, Any]:
    return _officer(
        actions.submit_officer(request.user, _officer_in_scope(request, officer_id), ip=client_ip(request))
    )


@router.post("/officers/{officer_id}/approve", response=PublishedOut, summary="审核通过并发布（监督科）")
def approve_officer(request: HttpRequest, officer_id: int) -> dict[str, Any]:
    target = _officer_in_scope(request, officer_id)
    return _published(actions.approve_officer(request.user, target, ip=client_ip(request)))


@router.post("/officers/{officer_id}/return", response=OfficerOut, summary="退回修改（监督科，须写明意见）")
def return_officer(request: HttpRequest, officer_id: int, data: CommentIn) -> dict[str, Any]:
    target = _officer_in_scope(request, officer_id)
    return _officer(actions.return_officer(request.user, target, data.comment, ip=client_ip(request)))


@router.post("/officers/{officer_id}/deactivate", response=OfficerOut, summary="离岗（撤回公示并记录原因）")
def deactivate_officer(request: HttpRequest, officer_id: int, data: ReasonIn) -> dict[str, Any]:
    target = _officer_in_scope(request, officer_id)
    return _officer(actions.deactivate_officer(request.user, target, data.reason, ip=client_ip(request)))


@router.post(
    "/certificates/{certificate_id}/status", response=OfficerOut, summary="暂扣、注销或恢复执法证（监督员）"
)
def change_certificate_status(
    request: HttpRequest, certificate_id: int, data: CertificateStatusIn
) -> dict[str, Any]:
    cert = scoped_get(
        request.user,
        "certificate.manage",
        Certificate.objects.select_related("officer__agency"),
        "officer__agency_id",
        pk=certificate_id,
    )
    actions.change_certificate_status(request.user, cert, data.action, data.reason, ip=client_ip(request))
    return _officer(Officer.objects.select_related("agency", "department").get(pk=cert.officer_id))
