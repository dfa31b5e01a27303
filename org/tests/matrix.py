"""Permission matrix entries of the org app's 执法主体 and 执法人员 pages and API (tests/test_permission_matrix.py).

The older org URLs (agencies, departments, 领导小组) stay in tests/test_permission_matrix.py MATRIX.
Capabilities (accounts/rules.py): publicity.read — every business role, supervised scope; publicity.draft —
执法人员/科室负责人/公示审核员 of the agency itself; publicity.review — 监督员/公示审核员 over the supervised agencies;
certificate.manage — 监督员 over the supervised agencies. Objects live at 红塔区司法局 (红司).
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Resolver, Rule, api, staff

READ_ANY = frozenset(
    {
        "zhangsan",
        "zhaoliu",
        "kezhang",
        "lisi",
        "fenguan",
        "juzhang",
        "jiandu",
        "gongshi",
        "wangwu",
        "hongta_kezhang",
        "hongta_jiandu",
        "shijianju",
    }
)
# 市场监管 (朱执法) sees its own agency only; the 市司法局 and 红塔区's own staff see 红司.
READ_HONGTA = READ_ANY - {"shijianju"}
# 红塔区's drafters, plus the 监督科 of the 市司法局 and of 红塔区 who may enter it for them.
EDIT_HONGTA = frozenset({"wangwu", "hongta_kezhang", "jiandu", "gongshi", "hongta_jiandu"})
REVIEW_HONGTA = frozenset({"jiandu", "gongshi", "hongta_jiandu"})
REVIEW_ANY = REVIEW_HONGTA
CERT_HONGTA = frozenset({"jiandu", "hongta_jiandu"})

SUBJECT_KW = {"agency_pk": "subject:红司"}
OFFICER_KW = {"pk": "officer:红司"}

ENTRIES: dict[str, Rule] = {
    "org:subject_list": staff(READ_ANY),
    "org:subject_detail": staff(READ_HONGTA, kwargs=SUBJECT_KW),
    "org:subject_edit": staff(EDIT_HONGTA, kwargs=SUBJECT_KW),
    "org:subject_submit": staff(EDIT_HONGTA, kwargs=SUBJECT_KW, post_only=True),
    "org:subject_approve": staff(REVIEW_HONGTA, kwargs=SUBJECT_KW, post_only=True),
    "org:subject_return": staff(REVIEW_HONGTA, kwargs=SUBJECT_KW),
    "org:subject_reconfirm": staff(REVIEW_HONGTA, kwargs=SUBJECT_KW, post_only=True),
    "org:review_queue": staff(REVIEW_ANY),
    "org:officer_list": staff(READ_ANY),
    "org:officer_create": staff(EDIT_HONGTA, kwargs={"agency_pk": "agency:红司"}),
    "org:officer_detail": staff(READ_HONGTA, kwargs=OFFICER_KW),
    "org:officer_edit": staff(EDIT_HONGTA, kwargs=OFFICER_KW),
    "org:officer_photo": staff(READ_HONGTA, kwargs=OFFICER_KW),
    "org:officer_submit": staff(EDIT_HONGTA, kwargs=OFFICER_KW, post_only=True),
    "org:officer_approve": staff(REVIEW_HONGTA, kwargs=OFFICER_KW, post_only=True),
    "org:officer_return": staff(REVIEW_HONGTA, kwargs=OFFICER_KW),
    "org:officer_deactivate": staff(REVIEW_HONGTA, kwargs=OFFICER_KW),
    "org:certificate_status": staff(CERT_HONGTA, kwargs={"pk": "certificate:红司"}),
    # API
    "api:subjects": api(READ_ANY),
    "api:subject": api(READ_HONGTA, kwargs={"agency_id": "subject:红司"}),
    "api:save_subject": api(
        EDIT_HONGTA, skip_reason="same path as api:subject; tested in org/tests/test_api.py"
    ),
    "api:submit_subject": api(EDIT_HONGTA, kwargs={"agency_id": "subject:红司"}, post_only=True),
    "api:approve_subject": api(REVIEW_HONGTA, kwargs={"agency_id": "subject:红司"}, post_only=True),
    "api:return_subject": api(REVIEW_HONGTA, kwargs={"agency_id": "subject:红司"}, post_only=True),
    "api:reconfirm_subject": api(REVIEW_HONGTA, kwargs={"agency_id": "subject:红司"}, post_only=True),
    "api:officers": api(READ_ANY),
    "api:create_officer": api(
        EDIT_HONGTA, skip_reason="same path as api:officers; tested in org/tests/test_api.py"
    ),
    "api:assignable_officers": api(READ_ANY),
    "api:officer": api(READ_HONGTA, kwargs={"officer_id": "officer:红司"}),
    "api:update_officer": api(
        EDIT_HONGTA, skip_reason="same path as api:officer; tested in org/tests/test_api.py"
    ),
    "api:upload_officer_photo": api(EDIT_HONGTA, kwargs={"officer_id": "officer:红司"}, post_only=True),
    "api:submit_officer": api(EDIT_HONGTA, kwargs={"officer_id": "officer:红司"}, post_only=True),
    "api:approve_officer": api(REVIEW_HONGTA, kwargs={"officer_id": "officer:红司"}, post_only=True),
    "api:return_officer": api(REVIEW_HONGTA, kwargs={"officer_id": "officer:红司"}, post_only=True),
    "api:deactivate_officer": api(REVIEW_HONGTA, kwargs={"officer_id": "officer:红司"}, post_only=True),
    "api:change_certificate_status": api(
        CERT_HONGTA, kwargs={"certificate_id": "certificate:红司"}, post_only=True
    ),
}


def _agency(short_name: str) -> Any:
    from core.models import Agency

    return Agency.objects.get(short_name=short_name)


def _subject(short_name: str) -> int:
    from org.models import SubjectProfile
    from org.tests.factories import make_subject

    agency = _agency(short_name)
    if not SubjectProfile.objects.filter(agency=agency).exists():
        make_subject(agency, state="submitted")
    return agency.pk


def _officer(short_name: str) -> Any:
    from org.models import Officer
    from org.tests.factories import make_officer

    agency = _agency(short_name)
    officer = Officer.objects.filter(agency=agency, name="矩阵测试员").first()
    return officer or make_officer(agency, name="矩阵测试员", state="submitted")


def _certificate(short_name: str) -> int:
    return _officer(short_name).current_certificate().pk


RESOLVERS: dict[str, Resolver] = {
    "subject": _subject,
    "officer": lambda key: _officer(key).pk,
    "certificate": _certificate,
}
