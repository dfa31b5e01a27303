"""The org app on the 工作台: 执法证 expiry warnings, 执法主体 re-confirmation warnings and the review to-dos.

执法证 (issue #3): yellow from 60 days before expiry, red once expired — for the agency's 科室负责人 and 公示审核员
and the supervising 监督员. 执法主体 (inferred annual re-confirmation): yellow within 30 days of the due date, red
when overdue — for the agency's drafters and the supervising 监督科.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from accounts.access import agency_scope
from accounts.models import Role
from org import rules
from org.models import Certificate, Officer, SubjectProfile
from sanxiang.workbench import Item

CERT_WATCH_ROLES = {Role.DEPT_HEAD, Role.PUBLICITY_REVIEWER}


def certificate_watch_agencies(user: Any) -> set[int]:
    """Agencies whose certificates the user is warned about: own agency for 科室负责人/公示审核员, the supervised
    agencies for a 监督员 (certificate.manage)."""
    agencies = set(agency_scope(user, "certificate.manage"))
    if (
        getattr(user, "is_authenticated", False)
        and user.agency_id
        and set(user.role_codes) & CERT_WATCH_ROLES
    ):
        agencies.add(user.agency_id)
    return agencies


def certificate_warnings(user: Any, today: Any = None) -> list[Item]:
    today = today or timezone.localdate()
    agencies = certificate_watch_agencies(user)
    if not agencies:
        return []
    horizon = today + timedelta(days=rules.CERTIFICATE_WARNING_DAYS)
    certs = (
        Certificate.objects.filter(
            is_current=True,
            status=Certificate.Status.VALID,
            valid_until__lte=horizon,
            officer__is_active=True,
            officer__agency_id__in=agencies,
        )
        .select_related("officer__agency")
        .order_by("valid_until")
    )
    items = []
    for cert in certs:
        level = rules.certificate_warning_level(cert.valid_until, today)
        if level is None:
            continue
        days = (cert.valid_until - today).days
        if level == "red":
            title = f"执法证已过期：{cert.officer.name}（{cert.number}）"
            detail = f"{cert.officer.agency.name}；有效期至 {cert.valid_until:%Y-%m-%d}，已过期{-days}天，不得从事执法活动"
        else:
            title = f"执法证即将到期：{cert.officer.name}（{cert.number}）"
            detail = (
                f"{cert.officer.agency.name}；有效期至 {cert.valid_until:%Y-%m-%d}，还剩{days}天，请及时换证"
            )
        items.append(
            Item(
                title=title,
                detail=detail,
                url=reverse("org:officer_detail", args=[cert.officer_id]),
                level=level,
                due=cert.valid_until.isoformat(),
            )
        )
    return items


def subject_warnings(user: Any, today: Any = None) -> list[Item]:
    today = today or timezone.localdate()
    agencies = agency_scope(user, "publicity.draft") | agency_scope(user, "publicity.review")
    if not agencies:
        return []
    items = []
    # only entries whose due date is at most SUBJECT_RECONFIRM_WARNING_DAYS away can warn
    cutoff = today - timedelta(days=rules.subject_reconfirm_days() - rules.SUBJECT_RECONFIRM_WARNING_DAYS)
    candidates = SubjectProfile.objects.filter(agency_id__in=agencies, confirmed_on__lte=cutoff)
    for profile in candidates.select_related("agency").order_by("confirmed_on"):
        level = rules.subject_reconfirm_warning_level(profile.confirmed_on, today)
        if level is None:
            continue
        due = rules.subject_reconfirm_due(profile.confirmed_on)
        assert due is not None
        items.append(
            Item(
                title=f"执法主体信息{'年度确认已逾期' if level == 'red' else '即将到年度确认期'}：{profile.name}",
                detail=f"上次确认 {profile.confirmed_on:%Y-%m-%d}，应于 {due:%Y-%m-%d} 前重新确认（内容无变化也须确认）",
                url=reverse("org:subject_detail", args=[profile.agency_id]),
                level=level,
                due=due.isoformat(),
            )
        )
    return items


def review_todos(user: Any) -> list[Item]:
    todos = []
    review = agency_scope(user, "publicity.review")
    if review:
        subjects = SubjectProfile.objects.filter(agency_id__in=review, state="submitted").count()
        officers = Officer.objects.filter(agency_id__in=review, state="submitted").count()
        if subjects or officers:
            todos.append(
                Item(
                    title=f"审核执法主体与执法人员公示信息（{subjects + officers}项待审）",
                    detail=f"执法主体 {subjects} 项，执法人员 {officers} 项",
                    url=reverse("org:review_queue"),
                )
            )
    draft = agency_scope(user, "publicity.draft")
    if draft:
        returned_s = SubjectProfile.objects.filter(agency_id__in=draft, state="returned").count()
        returned_o = Officer.objects.filter(agency_id__in=draft, state="returned").count()
        if returned_s:
            todos.append(
                Item(
                    title="执法主体信息被退回，请修改后重新报送",
                    url=reverse("org:subject_list") + "?state=returned",
                    level="yellow",
                )
            )
        if returned_o:
            todos.append(
                Item(
                    title=f"{returned_o}名执法人员信息被退回，请修改后重新报送",
                    url=reverse("org:officer_list") + "?state=returned",
                    level="yellow",
                )
            )
    return todos


def items(user: Any) -> tuple[list[Item], list[Item]]:
    if not getattr(user, "is_authenticated", False):
        return [], []
    return review_todos(user), certificate_warnings(user) + subject_warnings(user)
