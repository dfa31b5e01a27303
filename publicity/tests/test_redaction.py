"""The redaction engine (issue #6 item 2; regulations.md §9, 原工商 行政处罚结果信息网上公开暂行办法):
身份证号 with the GB 11643 check, phones, bank accounts, addresses to the county level, health data and the
names of other natural persons are masked; public numbers (执法证号、统一社会信用代码、文号、事项编码) never are.
"""

from __future__ import annotations

import pytest

from cases.rules import id_card_problem
from publicity import redaction as r
from publicity import rules

VALID_ID = "530402198801011231"  # invented, GB 11643 check digit 1
VALID_ID_X = "11010519491231002X"  # the GB 11643 example, check character X
BAD_ID = "530402198801011234"  # same digits, wrong check digit
BAD_ID_X = "53040219880101123X"
OLD_ID = "530402880101123"  # 15 digits, born 1988-01-01
MOBILE = "13987654321"
BANK16 = "6222021234567890"
BANK19 = "6222021234567890123"


def kinds(text: str, **names) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.kind) for s in r.redact(text, **names).spans]


def test_test_data_checksums_are_what_the_tests_claim():
    assert id_card_problem(VALID_ID) is None and id_card_problem(VALID_ID_X) is None
    assert id_card_problem(BAD_ID) is not None and id_card_problem(BAD_ID_X) is not None


# --- 身份证号 --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [VALID_ID, VALID_ID_X, VALID_ID_X.lower()])
def test_valid_18_digit_id_numbers_are_masked_to_the_area_code(number):
    out = r.redact(f"身份证号码：{number}。")
    assert out.text == f"身份证号码：{number[:6]}{'*' * 12}。"
    assert [s.kind for s in out.spans] == ["id_number"]


def test_an_18_digit_run_failing_the_checksum_is_no_id_but_still_a_bank_account():
    out = r.redact(f"号码{BAD_ID}")
    assert [s.kind for s in out.spans] == ["bank_account"]
    assert out.text == "号码" + "*" * 14 + "1234"


def test_an_18_character_run_with_x_failing_the_checksum_is_left_alone():
    assert r.redact(f"编号{BAD_ID_X}").text == f"编号{BAD_ID_X}"


def test_15_digit_old_id_numbers_are_masked_when_the_birth_date_is_real():
    assert kinds(f"旧证号{OLD_ID}") == [(OLD_ID, "id_number")]
    assert r.redact(OLD_ID).text == "530402*********"
    not_a_date = "530402881301123"  # month 13
    assert r.redact(f"编号{not_a_date}").text == f"编号{not_a_date}"


def test_id_numbers_glued_to_chinese_text_are_found():
    text = f"当事人张某{VALID_ID}住红塔区"
    assert kinds(text) == [(VALID_ID, "id_number")]
    assert VALID_ID not in r.redact(text).text


def test_numbers_glued_to_ascii_letters_are_identifiers_not_personal_data():
    for text in (f"ID{VALID_ID}", f"{MOBILE}abc", f"photos/{BANK19}ff.png", f"A{MOBILE}"):
        assert r.redact(text).text == text


# --- 电话 -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("手机13987654321。", "手机139****4321。"),
        ("手机19912345678", "手机199****5678"),
        ("手机139-8765-4321", "手机139-****-4321"),
        ("手机139 8765 4321", "手机139 **** 4321"),
        ("电话+86 13987654321", "电话+86 139****4321"),
    ],
)
def test_mobile_numbers_are_masked(text, expected):
    assert r.redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "12987654321",  # 12x is no mobile prefix
        "10086123456",
        "1398765432",  # 10 digits
        "139876543210",  # 12 digits
        "编号10987654321号",
    ],
)
def test_eleven_digit_runs_that_are_no_mobile_stay(text):
    assert r.redact(text).text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话0877-2021234", "电话0877-*******"),
        ("电话010-12345678", "电话010-********"),
        ("电话（0877）2021234", "电话（0877）*******"),
        ("电话0877-2021234转801", "电话0877-*******转***"),
    ],
)
def test_landlines_are_masked_keeping_the_area_code(text, expected):
    out = r.redact(text)
    assert out.text == expected and [s.kind for s in out.spans] == ["phone"]


@pytest.mark.parametrize(
    "text", ["2026-10-13", "0877-202123", "第0877号", "罚款5000元，第五十条，编号12345678"]
)
def test_dates_and_short_numbers_are_no_landline(text):
    assert r.redact(text).text == text


# --- 银行账号 -------------------------------------------------------------------------------------------------


def test_bank_accounts_of_16_to_19_digits_keep_the_last_four():
    assert r.redact(f"账号{BANK16}").text == "账号************7890"
    assert r.redact(f"卡号：{BANK19}").text == "卡号：***************0123"
    assert kinds(BANK16) == [(BANK16, "bank_account")]


def test_15_and_20_digit_runs_are_no_bank_account():
    fifteen = "123456789012345"  # not an old ID either (month 90)
    twenty = "12345678901234567890"
    assert r.redact(fifteen).text == fifteen
    assert r.redact(twenty).text == twenty


def test_bank_accounts_written_in_groups_of_four():
    out = r.redact("开户行农行，卡号6222 0212 3456 7890 123。")
    assert out.text == "开户行农行，卡号**** **** **** ***0 123。"
    assert [s.kind for s in out.spans] == ["bank_account"]


# --- 住址 -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("住址：玉溪市红塔区凤凰路12号3栋2单元501室，", "住址：玉溪市红塔区****，"),
        ("家庭住址云南省玉溪市澄江市龙街街道5号。", "家庭住址云南省玉溪市澄江市****。"),
        ("现住峨山彝族自治县双江镇某村12号；", "现住峨山彝族自治县****；"),
        ("住所：凤凰路12号", "住所：****"),
        ("当事人家住玉溪市红塔区玉兴路8号2单元。", "当事人家住玉溪市红塔区****。"),
        ("于玉溪市红塔区凤凰路12号3栋被查获", "于玉溪市红塔区****被查获"),
        ("家住峨山县许家村三组", "家住峨山县****"),
    ],
)
def test_addresses_are_masked_to_the_county_level(text, expected):
    out = r.redact(text)
    assert out.text == expected
    assert [s.kind for s in out.spans] == ["address"]


@pytest.mark.parametrize(
    "text",
    [
        "申请律师事务所住所变更备案",
        "地址有误的，予以退回",
        "办公地址：玉溪市红塔区凤凰路12号",
        "受理地点：红塔区玉兴路8号政务服务中心",
        "玉溪市红塔区司法局第12号公告",
        "玉溪市司法局玉司罚决〔2026〕3号",
        "红塔区玉兴街道司法所",
        "向住所地的县级司法行政机关提出申请",  # statute wording, no address
        "由住所地设区的市级司法行政部门审核",
        "律师事务所应当有自己的名称、住所和章程",
        "住所在本市行政区域内",
        "向当事人住所地人民法院起诉",
    ],
)
def test_agency_addresses_and_non_addresses_stay(text):
    assert r.redact(text).text == text


# --- 健康信息 --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("当事人患有糖尿病，长期服药。", "当事人[健康信息已隐去]，长期服药。"),
        ("经医院诊断为抑郁症；", "经医院[健康信息已隐去]；"),
        ("其有精神病史，", "其有[健康信息已隐去]，"),
        ("系三级肢体残疾人。", "系三级肢体[健康信息已隐去]。"),
        ("当事人怀孕七个月，", "当事人[健康信息已隐去]，"),
    ],
)
def test_health_phrases_are_replaced(text, expected):
    out = r.redact(text)
    assert out.text == expected and [s.kind for s in out.spans] == ["health"]


@pytest.mark.parametrize(
    "text", ["弘扬法治精神", "为群众所诟病", "孕育新业态", "残疾人联合会推荐", "精神文明建设"]
)
def test_words_that_only_look_like_health_data_stay(text):
    assert r.redact(text).text == text


# --- 姓名 -----------------------------------------------------------------------------------------------------


def test_other_names_are_masked_and_the_party_is_kept():
    text = "当事人张三雇用李四、欧阳明明从事法律服务，证人王小五在场。"
    out = r.redact(text, other_names=["李四", "欧阳明明", "王小五", "张三"], keep_names=["张三"])
    assert out.text == "当事人张三雇用李某、欧阳某从事法律服务，证人王某在场。"
    assert {s.kind for s in out.spans} == {"name"}


def test_a_kept_name_containing_an_other_name_is_not_touched():
    out = r.redact("执法人员张三丰与张三谈话", other_names=["张三"], keep_names=["张三丰"])
    assert out.text == "执法人员张三丰与张某谈话"


def test_single_characters_and_masked_names_are_ignored():
    text = "张某与李某某、王*到场"
    assert r.redact(text, other_names=["张", "李某某", "王*", ""]).text == text


def test_names_are_not_guessed_without_a_list():
    assert r.redact("证人李四在场").text == "证人李四在场"


# --- public numbers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "执法证号：53040020269999",
        "执法证号YN0401001",
        "执法证号：530402198801011234",
        "统一社会信用代码：91530400MA6K12345X",
        "统一社会信用代码915304001234567891",
        "玉司罚决〔2026〕3号",
        "红司许字[2026]第12号",
        "事项编码530400-CF-001",
        "2026年10月13日罚款5000元，没收违法所得12000元",
    ],
)
def test_public_numbers_are_never_masked(text):
    assert r.redact(text, other_names=["张三"]).text == text
    assert r.find_pii(text) == []


# --- spans, idempotence, speed-independent properties ---------------------------------------------------------

MIXED = (
    f"当事人张三（身份证号{VALID_ID}，手机{MOBILE}，住址：玉溪市红塔区凤凰路12号3栋2单元501室）雇用李四，"
    f"收取费用存入{BANK19}账户；李四患有高血压，电话0877-2021234。依据玉司罚决〔2026〕3号，执法证号YN0401001。"
)


def test_spans_point_at_the_original_text_in_order():
    out = r.redact(MIXED, other_names=["李四"], keep_names=["张三"])
    assert [(MIXED[s.start : s.end], s.kind) for s in out.spans] == [
        (VALID_ID, "id_number"),
        (MOBILE, "phone"),
        ("玉溪市红塔区凤凰路12号3栋2单元501室", "address"),
        ("李四", "name"),
        (BANK19, "bank_account"),
        ("李四", "name"),
        ("患有高血压", "health"),
        ("0877-2021234", "phone"),
    ]
    assert all(s.label == r.LABELS[s.kind] for s in out.spans)
    assert out.text == (
        "当事人张三（身份证号530402************，手机139****4321，住址：玉溪市红塔区****）雇用李某，"
        "收取费用存入***************0123账户；李某[健康信息已隐去]，电话0877-*******。"
        "依据玉司罚决〔2026〕3号，执法证号YN0401001。"
    )


@pytest.mark.parametrize(
    "text",
    [
        MIXED,
        "住址：玉溪市红塔区凤凰路12号",
        "家住红塔区玉兴路8号",
        f"{VALID_ID_X} {OLD_ID} {BANK16} 139-8765-4321 6222 0212 3456 7890 123 （0877）2021234",
        "其有精神病史，怀孕三个月",
    ],
)
def test_redacting_redacted_text_changes_nothing(text):
    once = r.redact(text, other_names=["李四"], keep_names=["张三"])
    again = r.redact(once.text, other_names=["李四"], keep_names=["张三"])
    assert once.spans and again.text == once.text and again.spans == ()
    assert r.find_pii(once.text) == []


def test_find_pii_detects_without_names():
    assert [s.kind for s in r.find_pii(MIXED)] == [
        "id_number",
        "phone",
        "address",
        "bank_account",
        "health",
        "phone",
    ]
    assert r.find_pii("") == [] and r.redact("") == r.Redacted("", ())


# --- highlight / preview ------------------------------------------------------------------------------------


def test_highlight_escapes_html_and_marks_the_spans_of_the_original():
    text = f'<script>alert("x")</script>&手机{MOBILE}'
    html = r.highlight(text, r.redact(text).spans)
    assert "<script>" not in html
    assert html.startswith("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;手机")
    assert html.endswith(f'<mark class="redact-phone" title="联系电话">{MOBILE}</mark>')


def test_highlight_escapes_inside_a_span_and_ignores_overlaps():
    text = "a<b>c"
    spans = [r.Span(1, 4, "name", "<姓名>"), r.Span(2, 3, "name", "x")]
    assert r.highlight(text, spans) == 'a<mark class="redact-name" title="&lt;姓名&gt;">&lt;b&gt;</mark>c'


def test_preview_shows_the_redacted_text_with_marks():
    html = r.preview(f"<b>李四</b>手机{MOBILE}", other_names=["李四"])
    assert html == (
        '&lt;b&gt;<mark class="redact-name" title="已隐去：其他自然人姓名">李某</mark>&lt;/b&gt;'
        '手机<mark class="redact-phone" title="已隐去：联系电话">139****4321</mark>'
    )


# --- structured values ----------------------------------------------------------------------------------------


def test_redact_value_walks_dicts_and_lists():
    value = {
        "party": "张三",
        "facts": f"张三雇用李四，李四手机{MOBILE}",
        "id_number": VALID_ID,
        "nested": [{"bank_account": BANK19, "note": f"卡号{BANK19}"}, "李四在场", 3, None],
        "doc_number": "玉司罚决〔2026〕3号",
        "certificate_number": VALID_ID,
        "fine_amount": "5000.00",
        "count": 2,
    }
    assert r.redact_value(value, other_names=["李四"], keep_names=["张三"]) == {
        "party": "张三",
        "facts": "张三雇用李某，李某手机139****4321",
        "nested": [{"note": "卡号***************0123"}, "李某在场", 3, None],
        "doc_number": "玉司罚决〔2026〕3号",
        "certificate_number": VALID_ID,
        "fine_amount": "5000.00",
        "count": 2,
    }


def test_agency_contact_fields_keep_address_and_landline_but_not_a_mobile():
    value = {
        "address": "玉溪市红塔区凤凰路12号",
        "phone": "0877-2021234",
        "supervision_phone": f"12345，{MOBILE}",
        "window": "红塔区玉兴路8号政务服务中心3号窗口",
    }
    out = r.redact_value(value)
    assert out == {**value, "supervision_phone": "12345，139****4321"}


def test_publicity_rules_delegate_to_the_engine():
    assert rules.redact_text(MIXED) == r.redact(MIXED).text
    payload = {"facts": MIXED, "mobile": MOBILE, "code": MOBILE}
    assert rules.redact_payload(payload) == {"facts": r.redact(MIXED).text, "code": MOBILE}


# --- blocked outright ---------------------------------------------------------------------------------------


def test_block_reason_for_a_minor_and_for_secrets():
    assert r.block_reason(party_is_minor=False, confidentiality="") is None
    assert r.block_reason(party_is_minor=False, confidentiality="  ") is None
    minor = r.block_reason(party_is_minor=True, confidentiality="")
    assert minor and minor.startswith("当事人为未成年人，依法不予公开")
    for secret in ("国家秘密", "商业秘密", "个人隐私"):
        reason = r.block_reason(party_is_minor=False, confidentiality=secret)
        assert reason and reason.startswith(f"涉及{secret}，依法不予公开")
    both = r.block_reason(party_is_minor=True, confidentiality="商业秘密、个人隐私")
    assert both and "未成年人" in both and "涉及商业秘密/个人隐私" in both


def test_an_unrecognised_confidentiality_marking_still_blocks():
    reason = r.block_reason(party_is_minor=False, confidentiality="涉密")
    assert reason and reason.startswith("涉及涉密，依法不予公开")
