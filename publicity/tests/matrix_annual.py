"""Permission-matrix entries of the publicity area "annual" (issue #6 item 5, /manage/annual/).

Reading (publicity.read) is open to the business roles within their supervised scope: the 市司法局's staff see every
司法局's report, 红塔区's staff their own, the 市场监管局 officer not 红塔区's. Publishing and 更正 (POST only) need
publicity.review (监督员、公示审核员)."""

from __future__ import annotations

from tests.matrix import Resolver, Rule, staff

READERS = {
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
}
PUBLISHERS = {"jiandu", "gongshi", "hongta_jiandu"}

RESOLVERS: dict[str, Resolver] = {}
ENTRIES: dict[str, Rule] = {
    "annual:index": staff(READERS | {"shijianju"}),
    "annual:detail": staff(READERS, kwargs={"agency_id": "agency:红司"}),
    "annual:export": staff(READERS, kwargs={"agency_id": "agency:红司"}),
    "annual:publish": staff(PUBLISHERS, kwargs={"agency_id": "agency:红司"}, post_only=True),
    "annual:reopen": staff(PUBLISHERS, kwargs={"agency_id": "agency:红司"}, post_only=True),
}
