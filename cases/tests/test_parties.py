"""Parties: identifiers checked (GB 11643 身份证号, GB 32100 统一社会信用代码), ID number/phone/address encrypted at
rest with a blind index, minors derived from the birth date on the case date."""

from __future__ import annotations

from datetime import date

import pytest

from audit.models import AuditEvent
from cases import rules
from cases.actions import case as actions
from cases.models import Party
from cases.tests.engine_helpers import DAY, ORG_CODE, PERSON_ID, citizen, organisation
from core import crypto
from core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_for(born: date, seq: str = "123") -> str:
    """A checksum-valid 身份证号 (玉溪市红塔区 530402) for a birth date."""
    body = f"530402{born:%Y%m%d}{seq}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def open_with(world, *parties, on=DAY):
    return actions.open_case(
        world.users["zhangsan"],
        item=world.items["penalty_general"],
        procedure="penalty_general",
        title="当事人测试",
        parties=list(parties),
        on=on,
    )


def test_identifiers_checked_against_the_standards():
    assert rules.id_card_problem(PERSON_ID) is None
    assert rules.id_card_problem(PERSON_ID.lower()) is None
    assert "校验位不符" in str(rules.id_card_problem("110105194912310021"))
    assert "出生日期“19491331”无效" in str(rules.id_card_problem("110105194913310021"))
    assert "应为18位" in str(rules.id_card_problem("11010519491231002"))
    assert rules.uscc_problem(ORG_CODE) is None
    assert "校验位不符" in str(rules.uscc_problem("91350100M000100Y44"))
    assert "不含I、O、Z、S、V" in str(rules.uscc_problem("91350100M000100YI3"))
    assert rules.identifier_problem("护照", "E12345678") is None
    assert rules.identifier_problem("居民身份证", "") is None


def test_party_fields_are_encrypted_and_indexed(case_world):
    case = open_with(case_world, citizen())
    party = case.parties.get()
    raw = bytes(party.id_number_enc)
    assert raw[:1] == b"\x01" and PERSON_ID.encode() not in raw
    assert "聂耳路".encode() not in bytes(party.address_enc)
    assert party.id_index == crypto.blind_index(PERSON_ID)
    assert Party.objects.filter(id_index=crypto.blind_index(" 11010519491231002x")).get() == party
    view = actions.party_view(party)
    assert (view["id_number"], view["phone"], view["address"]) == (
        PERSON_ID,
        "13800000000",
        "云南省玉溪市红塔区聂耳路1号",
    )
    assert view["id_number_masked"] == "110***********002X"
    assert view["gender"] == "女"  # 17th digit 2 (GB 11643: even = female)
    assert not view["is_minor"]


def test_bad_identifiers_are_refused_naming_the_field(case_world):
    with pytest.raises(ValidationFailed) as exc:
        open_with(
            case_world, citizen(id_number="110105194912310021"), organisation(id_number="91350100M000100Y44")
        )
    assert exc.value.errors == [
        "第1名当事人证件号码：居民身份证号码校验位不符，请核对（GB 11643-1999）",
        "第2名当事人证件号码：统一社会信用代码校验位不符，请核对（GB 32100-2015）",
    ]
    assert not Party.objects.exists()
    with pytest.raises(ValidationFailed, match="当事人联系电话"):
        open_with(case_world, citizen(phone="call me"))
    with pytest.raises(ValidationFailed, match="法人或其他组织不能标记为未成年人"):
        open_with(case_world, organisation(is_minor=True))


def test_minor_derived_on_the_case_date_18th_birthday_is_adult(case_world):
    turning_18 = id_for(date(2008, 3, 2))
    one_day_short = id_for(date(2008, 3, 3))
    case = open_with(case_world, citizen(id_number=turning_18), citizen(name="孙某", id_number=one_day_short))
    assert list(case.parties.order_by("order").values_list("is_minor", flat=True)) == [False, True]


def test_minor_leap_day_and_manual_flag():
    assert rules.is_minor_on(date(2008, 2, 29), date(2026, 2, 28))
    assert not rules.is_minor_on(date(2008, 2, 29), date(2026, 3, 1))
    assert rules.birth_date_from_id(PERSON_ID) == date(1949, 12, 31)


def test_minor_can_be_set_by_hand_without_an_id_card(case_world):
    case = open_with(case_world, citizen(id_type="护照", id_number="E12345678", is_minor=True))
    assert case.parties.get().is_minor


def test_add_and_update_party_audit_without_pii(case_world):
    zhangsan = case_world.users["zhangsan"]
    case = open_with(case_world, citizen())
    party = actions.add_party(zhangsan, case, organisation())
    assert party.order == 2 and party.kind == "legal_person"
    assert actions.party_view(party)["id_number"] == ORG_CODE
    actions.update_party(zhangsan, party, {"phone": "0877-2999999"})
    party.refresh_from_db()
    assert actions.party_view(party)["phone"] == "0877-2999999"
    assert actions.party_view(party)["id_number"] == ORG_CODE
    update = AuditEvent.objects.get(action="case.party.update")
    assert '"fields":["phone"]' in update.payload.replace(" ", "")
    for event in AuditEvent.objects.filter(action__startswith="case."):
        for secret in (PERSON_ID, ORG_CODE, "0877-2999999", "13800000000", "赵某某", "律师事务所"):
            assert secret not in event.payload
    with pytest.raises(ValidationFailed, match="当事人证件号码"):
        actions.update_party(zhangsan, party, {"id_number": "91350100M000100Y44"})
    party.refresh_from_db()
    assert actions.party_view(party)["id_number"] == ORG_CODE


def test_other_agency_cannot_add_parties(case_world, persona):
    from django.core.exceptions import PermissionDenied

    case = open_with(case_world, citizen())
    with pytest.raises(PermissionDenied):
        actions.add_party(persona("wangwu"), case, citizen(name="钱某"))
