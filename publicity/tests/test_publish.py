"""publicity.actions.publish / withdraw and the redaction rules (regulations.md §9; seed 二(一)3).

孙公示 (gongshi, 公示审核员 at the 市司法局) publishes; 王五 (wangwu, 执法人员 at 红塔区) may not.
"""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from core.errors import SanxiangError
from publicity import actions, rules
from publicity.models import Kind, Publication
from publicity.tests import factories as f


@pytest.fixture
def gongshi(persona):
    return persona("gongshi")


def test_first_publish_is_version_1_and_audited(yuxi, gongshi):
    pub = f.item()
    assert (pub.version, pub.is_live, pub.published_by) == (1, True, gongshi)
    event = AuditEvent.objects.filter(action="publicity.published").latest("id")
    assert event.object_id == str(pub.pk)
    assert event.agency_id == pub.agency_id
    body = json.loads(event.payload)
    assert (body["kind"], body["key"], body["version"]) == ("item", pub.key, 1)
    assert f.MOBILE not in event.payload  # the chain commits to the payload by hash only


def test_republish_supersedes_and_keeps_every_version(yuxi):
    v1 = f.item(name="对律师事务所疏于管理的行政处罚")
    v2 = f.item(name="对律师事务所疏于管理的行政处罚（修订）")
    v1.refresh_from_db()
    assert v2.version == 2
    assert v1.superseded_at is not None and v1.superseded_at == v2.published_at
    assert not v1.is_live and v2.is_live
    live = Publication.objects.current().filter(kind=Kind.ITEM, key=v1.key)
    assert list(live) == [v2]
    assert Publication.objects.filter(kind=Kind.ITEM, key=v1.key).count() == 2


def test_same_key_in_two_agencies_are_separate_records(yuxi):
    city = f.item("X-1", "玉司")
    county = f.item("X-1", "红司")
    assert city.version == county.version == 1
    assert Publication.objects.current().filter(key="X-1").count() == 2


def test_withdraw_needs_a_reason_of_four_characters(yuxi, gongshi):
    pub = f.item()
    with pytest.raises(SanxiangError, match="撤回理由"):
        actions.withdraw(gongshi, pub, "废止")
    pub.refresh_from_db()
    assert pub.withdrawn_at is None
    actions.withdraw(gongshi, pub, "上位法废止，事项取消")
    pub.refresh_from_db()
    assert pub.withdrawn_at is not None and pub.withdrawal_reason == "上位法废止，事项取消"
    assert not Publication.objects.current().filter(pk=pub.pk).exists()
    assert AuditEvent.objects.filter(action="publicity.withdrawn").exists()


def test_withdraw_twice_or_an_old_version_is_refused(yuxi, gongshi):
    v1 = f.item()
    v2 = f.item()
    v1.refresh_from_db()
    with pytest.raises(SanxiangError, match="只能撤回当前版本"):
        actions.withdraw(gongshi, v1, "错误发布的版本")
    actions.withdraw(gongshi, v2, "错误发布的版本")
    with pytest.raises(SanxiangError, match="已撤回"):
        actions.withdraw(gongshi, v2, "错误发布的版本")


def test_republish_after_withdrawal_starts_the_next_version(yuxi, gongshi):
    v1 = f.item()
    actions.withdraw(gongshi, v1, "依据变更，暂停公示")
    v2 = f.item()
    assert v2.version == 2 and v2.is_live


def test_withdraw_source_hides_every_live_publication_of_it(yuxi, gongshi):
    f.item("A-1")
    f.item("A-2")
    assert actions.withdraw_source(gongshi, f.agency("玉司"), "机构撤并，事项划转") == 2
    assert not Publication.objects.current().exists()


def test_wangwu_may_not_publish(yuxi, persona):
    agency = f.agency("玉司")
    with pytest.raises(PermissionDenied):
        actions.publish(
            persona("wangwu"), kind="item", agency_id=agency.pk, key="K", title="T", payload={}, source=agency
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "result"}, "公示类别"),
        ({"key": "  "}, "公示标识"),
        ({"title": ""}, "标题"),
    ],
)
def test_publish_refuses_bad_input_naming_the_field(yuxi, gongshi, kwargs, message):
    agency = f.agency("玉司")
    args = {"kind": "item", "key": "K", "title": "T", **kwargs}
    with pytest.raises(SanxiangError, match=message):
        actions.publish(gongshi, agency_id=agency.pk, payload={}, source=agency, **args)
    assert not Publication.objects.exists()


# --- redaction -----------------------------------------------------------------------------------------


def test_redact_text_masks_id_numbers_mobiles_and_bank_cards():
    text = f"当事人身份证{f.ID_NUMBER}，手机{f.MOBILE}，卡号{f.BANK}，旧证号530402880101123"
    out = rules.redact_text(text)
    assert f.ID_NUMBER not in out and "530402************" in out
    assert f.MOBILE not in out and "139****4321" in out
    assert f.BANK not in out and out.count("0123") == 1
    assert "530402880101123" not in out  # 15-digit old ID number


def test_redact_text_keeps_ordinary_numbers():
    text = "罚款5000元，第五十条，2026年10月13日，编号12345678"
    assert rules.redact_text(text) == text


def test_redact_text_masks_a_landline_in_free_text_but_not_in_the_agency_phone_field():
    assert rules.redact_text("电话0877-2021234") == "电话0877-*******"
    assert rules.redact_payload({"phone": "0877-2021234"}) == {"phone": "0877-2021234"}


def test_redact_text_boundaries_of_a_mobile_number():
    assert rules.redact_text("12987654321") == "12987654321"  # 12x is no mobile prefix
    assert rules.redact_text("1398765432") == "1398765432"  # 10 digits
    assert rules.redact_text("13987654321") == "139****4321"


def test_forbidden_fields_dropped_at_any_depth():
    payload = {
        "name": "张三",
        "id_number": f.ID_NUMBER,
        "mobile": f.MOBILE,
        "birth_date": "1988-01-01",
        "legal_qualification": True,
        "nested": [{"bank_account": f.BANK, "home_address": "某小区", "note": "ok"}],
    }
    clean = rules.redact_payload(payload)
    assert clean == {"name": "张三", "nested": [{"note": "ok"}]}


def test_public_identifiers_are_kept_verbatim():
    payload = {
        "certificate_number": "530402198801011234",  # even when it looks like an ID number
        "code": "13987654321",
        "credit_code": "11530400MB0R12345X",
        "remark": f.ID_NUMBER,
    }
    clean = rules.redact_payload(payload)
    assert clean["certificate_number"] == "530402198801011234"
    assert clean["code"] == "13987654321"
    assert clean["credit_code"] == "11530400MB0R12345X"
    assert clean["remark"] == "530402************"


def test_published_payload_title_and_search_text_are_redacted(yuxi):
    pub = f.item(leaky=True, name=f"对张某（手机{f.MOBILE}）的处罚")
    assert f.MOBILE not in pub.title and f.MOBILE not in pub.search_text
    flat = str(pub.payload)
    for secret in (f.ID_NUMBER, f.MOBILE, f.BANK):
        assert secret not in flat
    for key in ("id_number", "mobile", "birth_date", "legal_qualification", "home_address", "bank_account"):
        assert key not in pub.payload
    assert pub.payload["code"] == pub.key


def test_identifiers_glued_to_letters_are_not_mistaken_for_numbers():
    """A hex storage name (officer photo) has long digit runs; masking them would break the public photo."""
    name = "officers/03122195973446099d7aa40d772f8cc5.png"
    assert rules.redact_payload({"photo": name}) == {"photo": name}
    assert rules.redact_text("uuid 13987654321abc") == "uuid 13987654321abc"
    assert rules.redact_text("联系13987654321。") == "联系139****4321。"
    assert rules.redact_text(f"卡号：{f.BANK}") == "卡号：***************0123"


def test_required_reason_is_four_characters_after_stripping():
    from core.errors import SanxiangError
    from publicity.rules import required_reason

    assert required_reason("  请补条文 ", "退回意见：至少4个字", "comment") == "请补条文"
    with pytest.raises(SanxiangError) as refused:
        required_reason("  请补  ", "退回意见：至少4个字", "comment")
    assert refused.value.field == "comment" and "至少4个字" in refused.value.message
