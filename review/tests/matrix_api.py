"""Permission-matrix entries of the review API (/api/v1/review/); to be combined by review/tests/matrix.py.

review.read (own agency): 执法人员、科室负责人、法制审核员、分管领导、负责人、监督员 — so the lists answer 200 to 红塔区 and
市场监管 staff too (with their own agency's rows), while a 市局 case or review answers 403 to them. The queue needs
review.review (李四). POST/PUT operations answer 405 to a GET.
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Rule, api

CITY_READERS = {"zhangsan", "zhaoliu", "kezhang", "lisi", "fenguan", "juzhang", "jiandu"}
ALL_READERS = CITY_READERS | {"wangwu", "hongta_kezhang", "hongta_jiandu", "shijianju"}
CASE = {"case_id": "clockcase:玉司"}
REVIEW = {"review_id": "review:玉司"}
SAME_PATH = "same path as a GET entry; tested in review/tests/test_api.py"

ENTRIES: dict[str, Rule] = {
    "api:review_vocabulary": api(ALL_READERS),
    "api:review_case_scope": api(CITY_READERS, kwargs=CASE),
    "api:review_case_materials": api(CITY_READERS, kwargs=CASE),
    "api:review_case_reviews": api(CITY_READERS, kwargs=CASE),
    "api:review_submit": api(CITY_READERS, kwargs=CASE, post_only=True, skip_reason=SAME_PATH),
    "api:review_register": api(ALL_READERS),
    "api:review_detail": api(CITY_READERS, kwargs=REVIEW),
    "api:review_queue": api({"lisi"}),
    "api:review_submissions": api(ALL_READERS),
    "api:review_statistics": api(ALL_READERS),
    "api:review_assign": api(set(), kwargs=REVIEW, post_only=True),
    "api:review_opinion": api(set(), kwargs=REVIEW, post_only=True),
    "api:review_resubmit": api(set(), kwargs=REVIEW, post_only=True),
    "api:review_withdraw": api(set(), kwargs=REVIEW, post_only=True),
    "api:review_extension_request": api(set(), kwargs=REVIEW, post_only=True),
    "api:review_extensions": api(ALL_READERS),
    "api:review_extension_decide": api(set(), kwargs={"extension_id": "reviewext:玉司"}, post_only=True),
    "api:review_case_discussions": api(CITY_READERS, kwargs=CASE),
    "api:review_discussion_record": api(CITY_READERS, kwargs=CASE, post_only=True, skip_reason=SAME_PATH),
    "api:review_unsigned_discussions": api(ALL_READERS),
    "api:review_discussion_sign": api(set(), kwargs={"discussion_id": "discussion:玉司"}, post_only=True),
    "api:review_policy": api(ALL_READERS),
    "api:review_policy_save": api({"juzhang", "jiandu"}, post_only=True, skip_reason=SAME_PATH),
}


def _review(short_name: str) -> int:
    """A submitted review of the agency's clock case, written directly (the matrix needs an id, not a workflow)."""
    from cases.models import Case
    from cases.tests.matrix_clocks import _case
    from review.models import Review

    existing = Review.objects.filter(agency__short_name=short_name).first()
    if existing is not None:
        return existing.pk
    case = Case.objects.get(pk=_case(short_name))
    return Review.objects.create(
        case=case,
        agency=case.agency,
        department=case.department,
        number=f"MATRIX-REVIEW-{case.pk}",
        submitted_by=case.created_by,
        rounds=1,
    ).pk


def _extension(short_name: str) -> int:
    from django.utils import timezone

    from review.models import Extension, Review

    review = Review.objects.get(pk=_review(short_name))
    ext = Extension.objects.filter(review=review).first() or Extension.objects.create(
        review=review,
        days=3,
        reason="案情疑难复杂",
        requested_by=review.submitted_by,
        requested_on=timezone.localdate(),
    )
    return ext.pk


def _discussion(short_name: str) -> int:
    from django.utils import timezone

    from cases.models import Case
    from cases.tests.matrix_clocks import _case
    from review.models import CollectiveDiscussion

    case = Case.objects.get(pk=_case(short_name))
    found = CollectiveDiscussion.objects.filter(case=case).first() or CollectiveDiscussion.objects.create(
        case=case,
        agency=case.agency,
        held_at=timezone.now(),
        place="会议室",
        presider="吴局长",
        recorder="陈科长",
        opinions="同意",
        conclusion="同意",
        recorded_by=case.created_by,
    )
    return found.pk


RESOLVERS: dict[str, Any] = {"review": _review, "reviewext": _extension, "discussion": _discussion}
