"""The review workflow: a 科室 submits, the 监督科 returns with comments or approves (publishes); every version is
kept and dated (seed 二(一)3; publicity.rules.review_transition)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from catalog import actions
from catalog.models import Item
from catalog.tests import factories
from core.errors import SanxiangError, ValidationFailed
from core.models import Agency
from publicity.models import Publication

PAYLOAD_KEYS = {
    "code",
    "name",
    "category",
    "level",
    "agency_name",
    "department",
    "procedure",
    "procedure_label",
    "legal_bases",
    "time_limit",
    "time_limit_days",
    "time_limit_unit",
    "discretion",
    "is_major",
    "major_criteria",
    "av_duties",
    "inspection",
    "guide",
    "change_note",
}


def test_submit_return_fix_resubmit_approve(persona, yuxi) -> None:
    zhangsan, jiandu, gongshi = persona("zhangsan"), persona("jiandu"), persona("gongshi")
    item = factories.make_item(zhangsan, yuxi)
    item = actions.submit_item(zhangsan, item)
    assert item.state == "submitted" and item.submitted_at is not None
    with pytest.raises(SanxiangError, match="退回意见：请写明理由（至少4个字）"):
        actions.return_item(jiandu, item, " 请改 ")
    item = actions.return_item(jiandu, item, "请补充裁量")
    assert item.state == "returned" and item.return_comment == "请补充裁量"
    item = actions.save_item(zhangsan, yuxi, item, factories.penalty(change_note="补充裁量基准"))
    assert item.state == "returned"  # the comment stays visible until resubmitted
    item = actions.submit_item(zhangsan, item)
    item = actions.approve_item(gongshi, item, "同意发布")
    assert item.state == "published" and item.published_version == 1 and item.return_comment == ""
    assert list(item.revisions.order_by("at", "id").values_list("action", flat=True)) == [
        "create",
        "submit",
        "return",
        "submit",
        "approve",
    ]
    approve = item.revisions.get(action="approve")
    assert approve.version == 1 and (approve.snapshot or {})["change_note"] == "补充裁量基准"
    actions_logged = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "catalog.item_submitted",
        "catalog.item_returned",
        "catalog.item_approved",
        "publicity.published",
    } <= actions_logged


def test_publication_payload_follows_the_contract(persona, yuxi) -> None:
    item = factories.published_item(
        persona("zhangsan"),
        persona("gongshi"),
        yuxi,
        factories.penalty(is_major=True, major_criteria="罚款10万元以上"),
    )
    pub = Publication.objects.current().get(kind="item", key="YXSFJ-CF-001")
    assert pub.title == item.name and pub.category == "行政处罚" and pub.department == "律师工作管理科"
    assert set(pub.payload) == PAYLOAD_KEYS
    p = pub.payload
    assert p["level"] == "市级" and p["agency_name"] == "玉溪市司法局" and p["procedure"] == "penalty_general"
    assert p["procedure_label"] == "行政处罚一般程序"
    assert p["time_limit"] == "90个自然日" and p["time_limit_days"] == 90 and p["time_limit_unit"] == "自然日"
    assert p["legal_bases"] == [
        {"law": "《中华人民共和国律师法》", "article": "第五十条", "text": "律师事务所有下列行为之一的……"}
    ]
    assert p["discretion"] == [
        {"condition": "情节较轻", "range": "警告，或处1万元以上3万元以下罚款", "note": ""}
    ]
    assert p["is_major"] is True and p["av_duties"] == [{"step": "调查取证", "requirement": "全过程音像记录"}]
    assert p["inspection"] is None and p["guide"] is None
    assert "第五十条" in pub.search_text and "YXSFJ-CF-001" in pub.search_text


def test_licensing_and_inspection_payloads(persona, yuxi) -> None:
    zhangsan, gongshi = persona("zhangsan"), persona("gongshi")
    factories.published_item(zhangsan, gongshi, yuxi, factories.licensing())
    factories.published_item(zhangsan, gongshi, yuxi, factories.inspection())
    guide = Publication.objects.current().get(key="YXSFJ-XK-001").payload["guide"]
    assert guide["materials"] == [{"name": "设立申请书", "required": True, "copies": 1, "sample": ""}]
    assert set(guide) == {"conditions", "materials", "fees", "time_limit", "remedies", "window", "phone"}
    inspection = Publication.objects.current().get(key="YXSFJ-JC-001").payload["inspection"]
    assert inspection == {
        "sub_items": "执业活动情况",
        "method": "双随机抽查",
        "content": "执业许可、年度考核、投诉处理",
        "note": "",
    }


def test_every_published_version_is_kept(persona, yuxi) -> None:
    zhangsan, gongshi = persona("zhangsan"), persona("gongshi")
    item = factories.published_item(zhangsan, gongshi, yuxi)
    item = actions.save_item(
        zhangsan, yuxi, item, factories.penalty(name="对律师事务所疏于管理的行政处罚（修订）")
    )
    assert item.state == "draft" and item.published_version == 1
    assert Publication.objects.current().get(key=item.code).version == 1  # the public still sees version 1
    actions.submit_item(zhangsan, item)
    item = actions.approve_item(gongshi, item)
    versions = Publication.objects.filter(kind="item", key=item.code).order_by("version")
    assert [(p.version, p.superseded_at is None) for p in versions] == [(1, False), (2, True)]
    assert versions[1].title.endswith("（修订）")
    with pytest.raises(SanxiangError, match="事项编码：已发布的事项不能修改编码"):
        actions.save_item(zhangsan, yuxi, item, factories.penalty("YXSFJ-CF-999"))


def test_submission_needs_everything_publication_needs(persona, yuxi) -> None:
    zhangsan = persona("zhangsan")
    item = factories.make_item(zhangsan, yuxi, factories.penalty(discretion=[]))
    with pytest.raises(ValidationFailed, match="第三十四条"):
        actions.submit_item(zhangsan, item)
    item.refresh_from_db()
    assert item.state == "draft" and not item.revisions.filter(action="submit").exists()


def test_only_submitted_items_are_reviewed_and_submitted_items_are_frozen(persona, yuxi) -> None:
    zhangsan, gongshi = persona("zhangsan"), persona("gongshi")
    item = factories.make_item(zhangsan, yuxi)
    with pytest.raises(SanxiangError, match="当前状态为“草稿”，不能审核发布"):
        actions.approve_item(gongshi, item)
    actions.submit_item(zhangsan, item)
    with pytest.raises(SanxiangError, match="不能修改"):
        actions.save_item(zhangsan, yuxi, Item.objects.get(pk=item.pk), factories.penalty())
    with pytest.raises(SanxiangError, match="不能报送审核"):
        actions.submit_item(zhangsan, item)


def test_who_may_review(persona, yuxi) -> None:
    zhangsan = persona("zhangsan")
    item = actions.submit_item(zhangsan, factories.make_item(zhangsan, yuxi))
    for outsider in ("zhangsan", "kezhang", "lisi", "shijianju", "hongta_jiandu", "wangwu"):
        with pytest.raises(PermissionDenied):
            actions.approve_item(persona(outsider), item)
        with pytest.raises(PermissionDenied):
            actions.return_item(persona(outsider), item, "请补充材料")
    # The city 监督科 reviews 红塔区's items too (《行政执法监督条例》第六条); 红塔区's own 监督员 as well.
    hongta = Agency.objects.get(short_name="红司")
    county = actions.submit_item(
        persona("wangwu"),
        factories.make_item(persona("wangwu"), hongta, factories.penalty(department="律师公证工作股")),
    )
    actions.return_item(persona("hongta_jiandu"), county, "请补充依据条文")
    county = actions.submit_item(persona("wangwu"), county)
    assert actions.approve_item(persona("jiandu"), county).state == "published"


def test_shijianju_cannot_review_even_its_own_items(persona) -> None:
    shijianju = persona("shijianju")
    agency = shijianju.agency
    item = actions.submit_item(
        shijianju,
        factories.make_item(shijianju, agency, factories.penalty("YXSJ-CF-001", department="综合执法支队")),
    )
    with pytest.raises(PermissionDenied):
        actions.approve_item(shijianju, item)
    assert actions.approve_item(persona("jiandu"), item).state == "published"  # the city 司法局 supervises it


def test_abolish_withdraws_the_publication_with_its_reason(persona, yuxi) -> None:
    zhangsan, jiandu = persona("zhangsan"), persona("jiandu")
    item = factories.published_item(zhangsan, persona("gongshi"), yuxi)
    with pytest.raises(SanxiangError, match="废止理由：请写明理由（至少4个字）"):
        actions.abolish_item(jiandu, item, "废止")
    with pytest.raises(PermissionDenied):
        actions.abolish_item(zhangsan, item, "依据已修改废止")
    item = actions.abolish_item(jiandu, item, "上位法修改，职权取消")
    assert item.is_abolished and item.revisions.filter(action="abolish").exists()
    assert not Publication.objects.current().filter(key=item.code).exists()
    pub = Publication.objects.get(key=item.code)
    assert pub.withdrawal_reason == "上位法修改，职权取消"
    with pytest.raises(SanxiangError, match="已废止"):
        actions.save_item(zhangsan, yuxi, item, factories.penalty())


def test_abolishing_a_draft_needs_no_publication(persona, yuxi) -> None:
    item = factories.make_item(persona("zhangsan"), yuxi)
    assert actions.abolish_item(persona("jiandu"), item, "重复录入的事项").is_abolished
