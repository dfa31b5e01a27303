"""The redaction engine: one module that every publication goes through (issue #6 item 2).

Sources (regulations.md §9, 原工商 行政处罚结果信息网上公开暂行办法; 《行政处罚法》第四十八条、第五十条):
自然人的家庭住址、通信方式、身份证号码、银行账号、健康状况 and the names of natural persons other than the
punished party are hidden; nothing is published when the party is a 未成年人 or the facts involve 国家秘密、
商业秘密、个人隐私.

What is detected (``find_pii``) and how it is masked (``redact``):

- 身份证号 (id_number): an 18-character run passing the GB 11643 check (``cases.rules.id_card_problem``) or a
  15-digit old number whose 6 digits after the area code are a real date (19YYMMDD). Masked to the 6-digit area
  code + ``*``. An 18-digit run failing the check is no ID — it is then a bank account (16–19 digits).
- 手机号 (phone): 11 digits 1[3-9]…, also written 139-8765-4321 / 139 8765 4321 → ``139****4321``;
  固定电话 0xxx-xxxxxxx(x) or (0xxx)xxxxxxx → ``0877-*******``.
- 银行账号 (bank_account): 16–19 digits (no Luhn check: 对公账号 do not follow it), also in groups of four
  separated by one space or ``-`` → ``*`` except the last four digits. 15 and 20 digits are no bank account.
- 住址 (address): the text after 住址/家庭住址/现住/住所/地址/家住/居住在 (up to punctuation) and street addresses
  with a house number (…路12号、…3栋2单元501室) after an administrative unit; masked to the county level:
  ``玉溪市红塔区****``. 办公地址/办理地址/受理地址 are the agency's, never masked.
- 健康信息 (health): from a health word (患有、诊断、病史、残疾、精神病、怀孕、孕妇…) to the end of the clause →
  ``[健康信息已隐去]``.
- 姓名 (name): every name in ``other_names`` → surname + ``某`` (张三 → 张某, 欧阳明 → 欧阳某); ``keep_names``
  (the punished party, the officers) are never masked, even inside a longer other name.

Never masked: a digit or letter run glued to ASCII letters/digits (file names, UUIDs, 执法证号 like YN0401001),
numbers right after 执法证号/统一社会信用代码/文号/事项编码/证书编号, and 文号 such as ``玉司罚决〔2026〕3号``.

Structured values (``redact_value``): FORBIDDEN_FIELDS dropped, PUBLIC_NUMBER_FIELDS kept verbatim (both in
``publicity.rules``), AGENCY_CONTACT_FIELDS (the agency's 办公地址/电话/监督电话/办理窗口, public by law) keep
addresses and landlines but not a mobile, ID or bank number. ``highlight`` marks the spans in the original text
(HTML-escaped); ``preview`` shows the reviewer the redacted text with each mask marked.

Redaction is idempotent: redacting a redacted text changes nothing and finds no span (the masks contain no
detectable data), so the PII crawl can run ``find_pii`` over published pages.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from cases.rules import id_card_problem
from publicity.rules import FORBIDDEN_FIELDS, PUBLIC_NUMBER_FIELDS

ID_NUMBER = "id_number"
PHONE = "phone"
BANK_ACCOUNT = "bank_account"
ADDRESS = "address"
HEALTH = "health"
NAME = "name"

LABELS = {
    ID_NUMBER: "身份证号码",
    PHONE: "联系电话",
    BANK_ACCOUNT: "银行账号",
    ADDRESS: "住址",
    HEALTH: "健康信息",
    NAME: "其他自然人姓名",
}
HEALTH_MASK = "[健康信息已隐去]"
ADDRESS_MASK = "****"


@dataclass(frozen=True)
class Span:
    """``text[start:end]`` of the ORIGINAL text is personal data of ``kind`` (label: its Chinese name)."""

    start: int
    end: int
    kind: str
    label: str


@dataclass(frozen=True)
class Redacted:
    text: str
    spans: tuple[Span, ...]


# --- patterns (compiled once) -------------------------------------------------------------------------------

_CJK = "\u4e00-\u9fff"
# A run of digits (optionally ending in X for an ID) not glued to other ASCII letters/digits.
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])\d{11,19}[Xx]?(?![0-9A-Za-z])")
# Numbers written in groups: mobiles 139-8765-4321 / 139 8765 4321, bank cards 6222 0212 3456 7890 123.
_GROUPED_MOBILE = re.compile(r"(?<![0-9A-Za-z\-])1[3-9]\d([- ])\d{4}\1\d{4}(?![0-9A-Za-z\-])")
_GROUPED_BANK = re.compile(
    r"(?<![0-9A-Za-z\-])\d{4}([- ])\d{4}(?:\1\d{4}){1,2}(?:\1\d{1,4})?(?![0-9A-Za-z\-])"
)
_LANDLINE = re.compile(
    r"(?<![0-9A-Za-z\-])(?:(0\d{2,3})[-－—]|[(（](0\d{2,3})[)）]\s?)(\d{7,8})(?:(?:转|-|－)\d{1,5})?(?![0-9A-Za-z])"
)
# Public identifiers: a number right after one of these words is published by law (执法证号, 统一社会信用代码 …).
_PUBLIC_KEYWORD = re.compile(
    r"(?:执法证号|执法证件号码?|执法证编号|证书编号|证书号|许可证号|统一社会信用代码|社会信用代码|信用代码|组织机构代码"
    r"|事项编码|文号)[：:\s]*$"
)
# 文号: 机关代字〔年份〕序号号, e.g. 玉司罚决〔2026〕3号, 红司许字[2026]第12号.
_DOC_NUMBER = re.compile(rf"[{_CJK}]{{1,10}}[〔\[［【(（]\d{{4}}[〕\]］】)）]第?\d{{1,6}}号")

_PUNCT = "，。；;,、！!？?\n\r\t（）()【】〔〕\\[\\]「」“”\"'：:<>《》"
# A character of a place name: no unit word, no function word (住所地的县级…, 设区的市, 本市 are no address).
_NAME_CHAR = rf"(?:(?![省市州盟区县旗乡镇路街巷弄道号栋幢室村组的级本该其所在向由和与或等各之])[{_CJK}])"
# County-level prefix: [省/自治区][市/州/盟/地区][区/县/市/旗]
_COUNTY_PREFIX = re.compile(
    rf"(?:{_NAME_CHAR}{{2,7}}?(?:省|自治区))?(?:{_NAME_CHAR}{{2,7}}?(?:市|州|盟|地区))?"
    rf"(?:{_NAME_CHAR}{{2,10}}?(?:区|县|市|旗))?"
)
_ADDRESS_KEYWORD = re.compile(
    rf"(?:家庭住址|住址|现住址|现住|住所地?|地址|家住|居住在|居住于)(?P<sep>[：:])?(?:为|在|于)?"
    rf"(?P<addr>[^{_PUNCT}\s]{{1,60}})"
)
_ADMIN_UNIT = rf"{_NAME_CHAR}{{2,10}}?(?:省|自治区|市|州|盟|区|县|旗|乡|镇|街道)"
# Words that precede an address but are not part of it (家住、位于、现在…).
_LEAD = r"(?![住在于家位至从到往])"
_NUMBER = r"(?:\d{1,5}|[一二三四五六七八九十百]{1,4})"
_UNIT = r"(?:号|栋|幢|单元|室|楼|层|组|弄|号院|号楼)"
# 办公地址、受理地址、网站地址…: the agency's (checked on the two characters before the keyword).
_AGENCY_KEYWORD_BEFORE = frozenset(
    {"办公", "办理", "受理", "单位", "机关", "窗口", "服务", "网站", "网页", "邮箱"}
)
# A house number (12号、3栋、501室): street addresses are only looked for shortly before one.
_HOUSE = re.compile(rf"(?<!第){_NUMBER}{_UNIT}")
_STREET_REACH = 80
_STREET_ADDRESS = re.compile(
    rf"{_LEAD}(?:{_ADMIN_UNIT})+[^{_PUNCT}\s]{{0,30}}?(?<!第){_NUMBER}{_UNIT}(?:(?:附|之)?{_NUMBER}{_UNIT}|-{_NUMBER})*"
)
# The agency's own address (办公地址、办理地点) is public.
_AGENCY_ADDRESS_BEFORE = re.compile(r"(?:办公|办理|受理|单位|机关|窗口|服务|咨询)(?:地址|地点|场所)[：:\s]*$")
# An agency or a document reference, not where a person lives (玉溪市红塔区司法局…12号).
_NOT_AN_ADDRESS = re.compile(r"局|厅|委员会|法院|检察院|政府|司法所|决定")
# Without a colon (住所在…, 家住…) the text must start like an address.
_ADDRESS_START = re.compile(rf"{_ADMIN_UNIT}|{_NAME_CHAR}{{2,10}}(?:路|街|巷|小区|社区|村)")

_HEALTH = re.compile(
    r"(?:患有|患上|罹患|患病|身患|确诊|诊断|病史|病情|病历|病症|病因|因病|疾病|伤残|残疾(?!人联合会|人联)"
    r"|精神(?:病|疾病|障碍|残疾|分裂|失常|异常|状况|状态)|抑郁症|焦虑症|癫痫|瘫痪|怀孕|孕妇|孕期|孕产|妊娠"
    r"|哺乳期|健康状况|身体状况|住院治疗|住院|糖尿病|心脏病|高血压|冠心病|癌症|肿瘤|艾滋病|传染病|肝炎|结核病"
    rf")[^{_PUNCT}]{{0,40}}"
)

_COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "独孤",
        "南宫",
        "西门",
        "端木",
        "呼延",
    ]
)


# --- detection ----------------------------------------------------------------------------------------------


def _valid_old_id(number: str) -> bool:
    """A 15-digit 身份证号 (before 1999): 6-digit area code, YYMMDD birth date of the 1900s, 3-digit sequence."""
    if not number.isdigit() or number[0] == "0":
        return False
    try:
        date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return False
    return True


def _public_number_at(text: str, start: int) -> bool:
    """The number at ``start`` follows 执法证号/统一社会信用代码/文号/… (public by law)."""
    return bool(_PUBLIC_KEYWORD.search(text, max(0, start - 12), start))


def _numbers(text: str, spans: list[Span], protected: _Regions) -> None:
    def add(start: int, end: int, kind: str) -> None:
        if not protected.contain(start, end) and not _public_number_at(text, start):
            spans.append(Span(start, end, kind, LABELS[kind]))

    for m in _DIGIT_RUN.finditer(text):
        run = m.group()
        n = len(run)
        if (n == 18 and id_card_problem(run) is None) or (n == 15 and _valid_old_id(run)):
            add(m.start(), m.end(), ID_NUMBER)
        elif run.isdigit() and 16 <= n <= 19:
            add(m.start(), m.end(), BANK_ACCOUNT)
        elif n == 11 and run[0] == "1" and run[1] in "3456789":
            add(m.start(), m.end(), PHONE)
    for m in _GROUPED_MOBILE.finditer(text):
        add(m.start(), m.end(), PHONE)
    for m in _GROUPED_BANK.finditer(text):
        if 16 <= sum(c.isdigit() for c in m.group()) <= 19:
            add(m.start(), m.end(), BANK_ACCOUNT)
    for m in _LANDLINE.finditer(text):
        add(m.start(), m.end(), PHONE)


def _county_prefix(address: str) -> str:
    prefix = _COUNTY_PREFIX.match(address)
    return prefix.group() if prefix else ""


def _address_needs_mask(address: str) -> bool:
    """False when nothing finer than the county level is left (e.g. an already masked 玉溪市红塔区****)."""
    rest = address[len(_county_prefix(address)) :]
    return bool(rest.strip("*＊ "))


def _addresses(text: str, spans: list[Span], protected: _Regions) -> None:
    for m in _ADDRESS_KEYWORD.finditer(text):
        addr = m.group("addr")
        if text[max(0, m.start() - 2) : m.start()] in _AGENCY_KEYWORD_BEFORE:
            continue
        if not m.group("sep") and not _ADDRESS_START.match(addr):
            continue  # 住所变更、地址有误: no address follows
        if _address_needs_mask(addr) and not protected.contain(m.start("addr"), m.end("addr")):
            spans.append(Span(m.start("addr"), m.end("addr"), ADDRESS, LABELS[ADDRESS]))
    searched_to = 0
    for house in _HOUSE.finditer(text):
        if house.end() <= searched_to:
            continue
        window = (max(searched_to, house.start() - _STREET_REACH), min(len(text), house.end() + 30))
        street = _STREET_ADDRESS.search(text, *window)
        if street is None:
            searched_to = house.end()
            continue
        searched_to = street.end()
        if (
            _NOT_AN_ADDRESS.search(street.group())
            or protected.contain(street.start(), street.end())
            or _AGENCY_ADDRESS_BEFORE.search(text, max(0, street.start() - 8), street.start())
        ):
            continue
        spans.append(Span(street.start(), street.end(), ADDRESS, LABELS[ADDRESS]))


def _health(text: str, spans: list[Span]) -> None:
    for m in _HEALTH.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1].isspace():
            end -= 1
        spans.append(Span(m.start(), end, HEALTH, LABELS[HEALTH]))


@lru_cache(maxsize=256)
def _name_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    if not names:
        return None
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _clean_names(names: Iterable[str]) -> tuple[str, ...]:
    # "某"/"*" are masks already; a single character would mask every surname in the text.
    return tuple(sorted({n.strip() for n in names if len(n.strip()) >= 2 and "某" not in n and "*" not in n}))


def _names(text: str, spans: list[Span], other_names: Iterable[str], keep_names: Iterable[str]) -> None:
    keep = _clean_names(keep_names)
    other = tuple(n for n in _clean_names(other_names) if n not in keep)
    pattern = _name_pattern(other)
    if pattern is None:
        return
    keep_pattern = _name_pattern(keep)
    kept = _Regions(keep_pattern.finditer(text) if keep_pattern else ())
    for m in pattern.finditer(text):
        if not kept.overlap(m.start(), m.end()):
            spans.append(Span(m.start(), m.end(), NAME, LABELS[NAME]))


class _Regions:
    """Sorted, non-overlapping regions (finditer results) with O(log n) containment and overlap tests."""

    def __init__(self, matches: Iterable[re.Match[str]]) -> None:
        pairs = [(m.start(), m.end()) for m in matches]
        self.starts = [a for a, _ in pairs]
        self.ends = [b for _, b in pairs]

    def contain(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and end <= self.ends[i]

    def overlap(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, end - 1) - 1
        return i >= 0 and self.ends[i] > start


def _detect(text: str, other_names: Iterable[str], keep_names: Iterable[str]) -> list[Span]:
    protected = _Regions(_DOC_NUMBER.finditer(text))
    found: list[Span] = []
    _numbers(text, found, protected)
    _addresses(text, found, protected)
    _health(text, found)
    _names(text, found, other_names, keep_names)
    # Overlaps: the earliest span wins, then the longest (an address swallowing a house number, a health clause
    # swallowing a name).
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    spans: list[Span] = []
    for span in found:
        if spans and span.start < spans[-1].end:
            continue
        spans.append(span)
    return spans


def find_pii(text: str) -> list[Span]:
    """Personal data in ``text`` (no names: they need the case's list of other natural persons)."""
    if not text:
        return []
    return _detect(text, (), ())


# --- masking ------------------------------------------------------------------------------------------------


def _mask(original: str, kind: str) -> str:
    if kind == ID_NUMBER:
        return original[:6] + "*" * (len(original) - 6)
    if kind == BANK_ACCOUNT:
        digits = [i for i, c in enumerate(original) if c.isdigit()]
        last4 = set(digits[-4:])
        return "".join(c if (i in last4 or not c.isdigit()) else "*" for i, c in enumerate(original))
    if kind == PHONE:
        landline = _LANDLINE.fullmatch(original)
        if landline:
            area = landline.group(1) or landline.group(2)
            head = original[: original.index(area) + len(area)]
            rest = original[len(head) :]
            return head + "".join("*" if c.isdigit() else c for c in rest)
        digits = [i for i, c in enumerate(original) if c.isdigit()]
        hidden = set(digits[3:7])
        return "".join("*" if i in hidden else c for i, c in enumerate(original))
    if kind == ADDRESS:
        return _county_prefix(original) + ADDRESS_MASK
    if kind == HEALTH:
        return HEALTH_MASK
    if kind == NAME:
        surname = original[:2] if original[:2] in _COMPOUND_SURNAMES else original[:1]
        return surname + "某"
    raise ValueError(kind)


def _apply(text: str, spans: Iterable[Span]) -> str:
    out: list[str] = []
    pos = 0
    for span in spans:
        out.append(text[pos : span.start])
        out.append(_mask(text[span.start : span.end], span.kind))
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def redact(text: str, *, other_names: Iterable[str] = (), keep_names: Iterable[str] = ()) -> Redacted:
    """``text`` with personal data masked; ``spans`` point at what was masked in the ORIGINAL text."""
    if not text:
        return Redacted(text or "", ())
    spans = tuple(_detect(text, other_names, keep_names))
    return Redacted(_apply(text, spans) if spans else text, spans)


def highlight(text: str, spans: Iterable[Span]) -> str:
    """``text`` HTML-escaped, each span wrapped in ``<mark class="redact-{kind}" title="{label}">``."""
    out: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < pos:
            continue
        out.append(html.escape(text[pos : span.start]))
        out.append(
            f'<mark class="redact-{html.escape(span.kind)}" title="{html.escape(span.label)}">'
            f"{html.escape(text[span.start : span.end])}</mark>"
        )
        pos = span.end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def preview(text: str, *, other_names: Iterable[str] = (), keep_names: Iterable[str] = ()) -> str:
    """What the reviewer sees before publishing: the REDACTED text, HTML-escaped, each mask wrapped in
    ``<mark class="redact-{kind}" title="已隐去：{label}">``."""
    spans = _detect(text or "", other_names, keep_names)
    out: list[str] = []
    pos = 0
    for span in spans:
        out.append(html.escape(text[pos : span.start]))
        out.append(
            f'<mark class="redact-{span.kind}" title="已隐去：{span.label}">'
            f"{html.escape(_mask(text[span.start : span.end], span.kind))}</mark>"
        )
        pos = span.end
    out.append(html.escape((text or "")[pos:]))
    return "".join(out)


# --- structured payloads ------------------------------------------------------------------------------------

# FORBIDDEN_FIELDS (dropped) and PUBLIC_NUMBER_FIELDS (kept verbatim) live in publicity.rules.

# The agency's own contact data (办公地址、联系电话、监督电话、办理地点) is published by law (《云南省行政执法
# 公示办法》): addresses and landlines stay, a mobile/ID/bank number put there by mistake is still masked.
AGENCY_CONTACT_FIELDS = frozenset({"address", "phone", "supervision_phone", "window"})
_CONTACT_KINDS = frozenset({ADDRESS, PHONE})


def _redact_contact(text: str) -> str:
    spans = [
        s
        for s in find_pii(text)
        if s.kind not in _CONTACT_KINDS
        or (s.kind == PHONE and _LANDLINE.fullmatch(text[s.start : s.end]) is None)
    ]
    return _apply(text, spans)


def redact_value(value: Any, *, other_names: Iterable[str] = (), keep_names: Iterable[str] = ()) -> Any:
    """Redact a JSON-like value: dicts and lists recursively, FORBIDDEN_FIELDS dropped, PUBLIC_NUMBER_FIELDS kept
    verbatim, every other string through ``redact``."""
    other, keep = _clean_names(other_names), _clean_names(keep_names)
    return _value(value, other, keep)


def _value(value: Any, other: tuple[str, ...], keep: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in FORBIDDEN_FIELDS:
                continue
            if k in PUBLIC_NUMBER_FIELDS and isinstance(v, str):
                out[k] = v
            elif k in AGENCY_CONTACT_FIELDS and isinstance(v, str):
                out[k] = _redact_contact(v)
            else:
                out[k] = _value(v, other, keep)
        return out
    if isinstance(value, list | tuple):
        return [_value(v, other, keep) for v in value]
    if isinstance(value, str):
        return redact(value, other_names=other, keep_names=keep).text
    return value


# --- publication blocked outright ---------------------------------------------------------------------------

_SECRETS = ("国家秘密", "商业秘密", "个人隐私")


def block_reason(*, party_is_minor: bool, confidentiality: str) -> str | None:
    """Why the decision may not be published at all, None when it may.

    未成年人: 《未成年人保护法》第一百零三条 (不得披露未成年人的姓名、住所及可能识别其身份的信息);
    国家秘密/商业秘密/个人隐私: 《行政处罚法》第五十条、《政府信息公开条例》第十四条、第十五条. A marking that
    names none of the three still blocks (whoever marked the case thought it secret)."""
    reasons = []
    if party_is_minor:
        reasons.append("当事人为未成年人，依法不予公开（《中华人民共和国未成年人保护法》第一百零三条）")
    marked = (confidentiality or "").strip()
    if marked:
        kinds = "/".join(k for k in _SECRETS if k in marked) or marked
        reasons.append(f"涉及{kinds}，依法不予公开（《中华人民共和国行政处罚法》第五十条）")
    return "；".join(reasons) or None
