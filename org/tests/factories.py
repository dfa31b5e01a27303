"""Test helpers for 执法主体 and 执法人员 (used by org tests and the permission matrix)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from core.models import Agency
from org.models import Certificate, Department, Officer, SubjectProfile

_counter = [0]


def subject_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "玉溪市司法局",
        "nature": "法定",
        "head": "吴局长",
        "address": "云南省玉溪市红塔区聂耳路1号",
        "categories": ["行政许可", "行政处罚", "行政检查"],
        "area": "玉溪市行政区域内",
        "phone": "0877-2021234",
        "supervision_phone": "0877-12345",
        "legal_basis": "《中华人民共和国律师法》第四条\n《中华人民共和国公证法》第五条",
        "change_note": "",
    }
    data.update(overrides)
    return data


def officer_data(agency: Agency, **overrides: Any) -> dict[str, Any]:
    _counter[0] += 1
    today = timezone.localdate()
    data: dict[str, Any] = {
        "name": "测试员",
        "department": Department.objects.filter(agency=agency).first(),
        "position": "一级科员",
        "categories": ["行政处罚", "行政检查"],
        "area": "玉溪市行政区域内",
        "has_legal_qualification": True,
        "id_number": "",
        "mobile": "",
        "user": None,
        "cert_number": f"云执T{agency.pk:02d}{_counter[0]:08d}",
        "cert_issuer": "云南省人民政府",
        "cert_valid_from": today - timedelta(days=100),
        "cert_valid_until": today + timedelta(days=900),
    }
    data.update(overrides)
    return data


def make_subject(agency: Agency, state: str = "draft", **overrides: Any) -> SubjectProfile:
    """A 执法主体 row written directly (no workflow) for matrix and query tests."""
    fields = subject_data(name=agency.name, **overrides)
    fields.pop("change_note")
    profile, _ = SubjectProfile.objects.update_or_create(agency=agency, defaults={**fields, "state": state})
    return profile


def make_officer(
    agency: Agency,
    *,
    name: str = "测试员",
    valid_until: date | None = None,
    status: str = "valid",
    approved: bool = True,
    state: str = "published",
    is_active: bool = True,
) -> Officer:
    """An officer with one certificate, written directly (no workflow)."""
    _counter[0] += 1
    today = timezone.localdate()
    officer = Officer.objects.create(
        agency=agency,
        department=Department.objects.filter(agency=agency).first(),
        name=name,
        position="一级科员",
        categories=["行政处罚"],
        area="玉溪市行政区域内",
        state=state,
        is_active=is_active,
    )
    Certificate.objects.create(
        officer=officer,
        number=f"云执F{agency.pk:02d}{_counter[0]:08d}",
        issuer="云南省人民政府",
        valid_from=today - timedelta(days=365),
        valid_until=valid_until or today + timedelta(days=365),
        status=status,
        is_current=approved,
        approved_at=timezone.now() if approved else None,
    )
    return officer
