"""Permission-matrix entries of the review app: the pages under /review/ here, the API in matrix_api.py.

review.read (own agency): 执法人员、科室负责人、法制审核员、分管领导、负责人、监督员 — lists answer 200 to 红塔区 and 市场监管 staff
too (their own agency's rows), a 市局 review or case answers 403 to them. review.submit: 执法人员、科室负责人; review.review:
法制审核员 (李四); review.approve: 分管领导、负责人. POST-only pages answer 405 to a GET from those allowed.
"""

from __future__ import annotations

from typing import Any

from review.tests import matrix_api
from review.tests.matrix_api import ALL_READERS, CITY_READERS
from tests.matrix import Rule, staff

CITY_SUBMITTERS = {"zhangsan", "zhaoliu", "kezhang"}
CITY_REVIEWERS = {"lisi"}
CITY_LEADERS = {"fenguan", "juzhang"}
REVIEW = {"pk": "review:玉司"}
CASE = {"case_id": "clockcase:玉司"}

PAGES: dict[str, Rule] = {
    "review:queue": staff(CITY_REVIEWERS),
    "review:submissions": staff(ALL_READERS),
    "review:approvals": staff(CITY_LEADERS),
    "review:register": staff(ALL_READERS),
    "review:policy": staff(ALL_READERS),
    "review:detail": staff(CITY_READERS, kwargs=REVIEW),
    "review:assign": staff(CITY_REVIEWERS, kwargs=REVIEW, post_only=True),
    "review:opinion": staff(CITY_REVIEWERS, kwargs=REVIEW, post_only=True),
    "review:extension": staff(CITY_REVIEWERS, kwargs=REVIEW, post_only=True),
    "review:resubmit": staff(CITY_SUBMITTERS, kwargs=REVIEW),
    "review:withdraw": staff(CITY_SUBMITTERS, kwargs=REVIEW, post_only=True),
    "review:decide_extension": staff(CITY_LEADERS, kwargs={"pk": "reviewext:玉司"}, post_only=True),
    "review:case_reviews": staff(CITY_READERS, kwargs=CASE),
    "review:submit": staff(CITY_SUBMITTERS, kwargs=CASE),
    "review:discussion": staff(CITY_SUBMITTERS, kwargs=CASE),
    "review:sign_discussion": staff(CITY_LEADERS, kwargs={"pk": "discussion:玉司"}, post_only=True),
}

ENTRIES: dict[str, Rule] = {}
RESOLVERS: dict[str, Any] = {}
for _entries, _resolvers in ((PAGES, {}), (matrix_api.ENTRIES, matrix_api.RESOLVERS)):
    _clash = set(ENTRIES) & set(_entries)
    assert not _clash, f"review matrix repeats {_clash}"
    ENTRIES.update(_entries)
    RESOLVERS.update(_resolvers)
