"""Pure rules of the case workflow (no database access): who may act on a step, how many officers an act needs
and what they must show, 音像记录 duties, 简易程序 limits, party identifiers, 回避 deciders.

Each rule is one function whose docstring cites its article; callers (``cases.actions.case``) pass plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from catalog.process import EXTERNAL_ACTORS, Step

# --- procedures ---------------------------------------------------------------------------------------------

# 事项类别 → the procedures a case of that item may follow (catalog.models.Category values).
PROCEDURES_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "penalty": ("penalty_general", "penalty_simple"),
    "licensing": ("licensing",),
    "inspection": ("inspection",),
}

# Procedures of enforcement acts on a party (处罚、检查): every act needs two officers (《行政处罚法》第四十二条).
TWO_OFFICER_PROCEDURES = frozenset({"penalty_general", "penalty_simple", "inspection"})

# End steps that close a case normally (结案归档/归档/备案): entered through ``close_case`` only.
CLOSE_STEP_IDS = frozenset({"close", "archive", "file_record"})
CLOSE_STEP_WORDS = ("结案", "归档", "备案")


def procedure_problem(category: str, procedure: str) -> str | None:
    """Why a case of an item of ``category`` may not follow ``procedure`` (None = compatible).

    处罚事项 are handled by 一般程序 or 简易程序 (《行政处罚法》第五章), 许可事项 by the 许可 procedure
    (《行政许可法》第四章), 检查事项 by the 检查 procedure."""
    allowed = PROCEDURES_BY_CATEGORY.get(category, ())
    if procedure in allowed:
        return None
    from catalog.process import PROCEDURES

    if not allowed:
        return f"办理程序：该类别的事项不能在本系统立案办理（{category}）"
    names = "、".join(PROCEDURES[p] for p in allowed)
    return f"办理程序：该事项只能按{names}办理，不能按“{PROCEDURES.get(procedure, procedure)}”办理"


def is_close_step(step: Step) -> bool:
    """The end step that closes a case normally (结案归档 / 归档 / 备案, 《行政处罚法》第四十七条 归档保存), as
    opposed to end steps that end it early (不予立案、不予受理、申请终止、不予处罚、转为一般程序)."""
    if not step.end or step.handoff:
        return False
    return step.id in CLOSE_STEP_IDS or any(word in step.name for word in CLOSE_STEP_WORDS)


# --- who acts -----------------------------------------------------------------------------------------------

# Staff who record an act of the party or applicant for them (申请人提交、当事人申请听证……).
RECORDS_FOR_EXTERNAL = frozenset({"officer", "dept_head"})


def may_act(role_codes: frozenset[str], step: Step) -> bool:
    """Whether a user with ``role_codes`` may complete ``step``: one of its staff actors (process YAML ``actors``,
    accounts.models.Role codes). A step done by the party or applicant alone (申请、补正、申请听证) is recorded for
    them by an officer or dept_head. Gateways have no actors: whoever completes the step before them chooses.
    (全过程记录：启动、调查取证、审核、决定、送达、执行等各环节由承办人员记录，《行政处罚法》第四十七条.)"""
    if step.type == "gateway":
        return True
    staff = {a for a in step.actors if a not in EXTERNAL_ACTORS}
    if staff:
        return bool(role_codes & staff)
    return bool(role_codes & RECORDS_FOR_EXTERNAL)


# 回避 is decided by the 行政机关负责人 (《行政处罚法》第四十三条第二款).
RECUSAL_DECIDERS = frozenset({"principal", "deputy_leader"})


def may_decide_recusal(role_codes: frozenset[str]) -> bool:
    """当事人认为执法人员与案件有直接利害关系的，有权申请回避；是否回避由行政机关负责人决定
    (《行政处罚法》第四十三条). 负责人 = 主要负责人 or 分管领导."""
    return bool(role_codes & RECUSAL_DECIDERS)


# --- officers on an act -------------------------------------------------------------------------------------

_CN_COUNT = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五"}


@dataclass(frozen=True)
class OfficerOnAct:
    """What the engine checked about one officer on one act (values computed by the caller for the day)."""

    officer_id: int
    name: str
    assignable: bool  # org.selectors.is_assignable(officer, on): 在岗, current approved 执法证 valid that day
    categories: tuple[str, ...] = ()
    recusal: str = ""  # "" | "pending" | "granted"
    same_agency: bool = True
    showed_certificate: bool = False
    informed_rights: bool = False


def officers_required(step: Step, procedure: str, av_duty: str) -> tuple[int, str]:
    """(minimum number of officers, article) for recording ``step``; (0, "") = no officer needs to be recorded.

    《行政处罚法》第四十二条：行政处罚应当由具有行政执法资格的执法人员实施，执法人员不得少于两人. A step that
    declares ``officers`` in its process YAML needs ``officers.min``; in 处罚 and 检查 procedures every step with
    an 音像记录 duty is an enforcement act in front of the party (调查、告知、送达、当场处罚) and needs two; in 许可
    a step with a recording duty (窗口接收、专家评审、听证、送达) needs the one officer who does it recorded."""
    if step.type == "gateway":
        return 0, ""
    if step.officers:
        return step.officers.min, step.officers.article or "《行政处罚法》第四十二条"
    if av_duty:
        if procedure in TWO_OFFICER_PROCEDURES:
            return 2, "《行政处罚法》第四十二条"
        return 1, "玉溪市司法局三项制度工作方案二（二）（全过程记录）"
    return 0, ""


def officer_problems(officers: list[OfficerOnAct], category_label: str, minimum: int) -> list[str]:
    """Everything wrong with the officers recorded on one act (empty = fine).

    《行政处罚法》第四十二条：执法人员应当具有行政执法资格（执法证 valid on that day, 执法类别 covering the
    事项's category），不得少于两人（``minimum``）; 第四十三条：回避的执法人员不得参与（also while the request
    is pending: the investigation goes on, but without that officer）."""
    problems: list[str] = []
    qualified = 0
    for o in officers:
        own: list[str] = []
        if not o.same_agency:
            own.append(f"执法人员：{o.name}不是本机关的执法人员")
        if not o.assignable:
            own.append(
                f"执法人员：{o.name}当日没有有效的行政执法证（过期、暂扣、注销、未生效或不在岗）"
                "（《行政处罚法》第四十二条）"
            )
        if category_label and category_label not in o.categories:
            own.append(f"执法人员：{o.name}的执法类别不含“{category_label}”（《行政处罚法》第四十二条）")
        if o.recusal == "granted":
            own.append(f"执法人员：{o.name}已决定回避，不得参与本案（《行政处罚法》第四十三条）")
        elif o.recusal == "pending":
            own.append(
                f"执法人员：{o.name}的回避申请尚待负责人决定，在此之前不得参与本环节"
                "（《行政处罚法》第四十三条）"
            )
        problems += own
        if not own:
            qualified += 1
    if qualified < minimum:
        word = _CN_COUNT.get(minimum, str(minimum))
        problems.append(
            f"执法人员：本环节须至少{word}名持有效执法证的执法人员（《行政处罚法》第四十二条），现为 {qualified} 名"
        )
    return problems


def disclosure_problems(officers: list[OfficerOnAct]) -> list[str]:
    """表明身份与告知 on an act in front of the party (事中公示).

    《行政处罚法》第五十五条：执法人员在调查或者进行检查时，应当主动向当事人或者有关人员出示执法证件 — every
    officer on the act; 第四十四条：行政机关应当告知当事人依法享有的陈述、申辩、要求听证等权利 (and the right to
    ask for 回避, 第四十三条) — at least one officer records having informed the party."""
    problems = [
        f"出示证件：{o.name}未记录表明身份、出示执法证件（《行政处罚法》第五十五条）"
        for o in officers
        if not o.showed_certificate
    ]
    if officers and not any(o.informed_rights for o in officers):
        problems.append("告知：未记录已告知当事人陈述、申辩、申请回避等权利（《行政处罚法》第四十四条）")
    return problems


def disclosure_required(step: Step) -> bool:
    """Steps whose officers must record 出示证件 and 告知: steps that declare ``officers`` (调查取证、实施检查) and
    the 简易程序 step 出示执法证件、表明身份 (《行政处罚法》第五十二条、第五十五条)."""
    return step.officers is not None or "出示执法证件" in step.name


# --- 音像记录 -------------------------------------------------------------------------------------------------

AV_EXEMPT_CHANNELS = frozenset({"online", "platform"})
AV_WAIVER_MIN_CHARS = 5


def av_requirement(step: Step, item_av_steps: list[str], channel: str, procedure: str) -> str:
    """The 音像记录 duty of ``step`` ("" = none): the step's own ``av_record`` in the process YAML, or the 事项's
    音像记录清单 (catalog AvDuty) rows whose 执法环节 text occurs in the step name.

    《行政处罚法》第四十七条（全过程记录）; 玉溪市司法局三项制度工作方案二（二）1–2: 通过网上办理或政务服务平台办理、
    系统有完整记录的许可，可不再进行纸质记录和音像记录 — so online/platform 许可 cases have no AV duty."""
    if step.type == "gateway":
        return ""
    if procedure == "licensing" and channel in AV_EXEMPT_CHANNELS:
        return ""
    if step.av_record:
        return step.av_record
    for text in item_av_steps:
        text = text.strip()
        if text and text in step.name:
            return f"{text}音像记录（音像记录事项清单）"
    return ""


def av_waiver_problem(reason: str) -> str | None:
    """A reason why recording was impossible must say something (at least 5 characters): the duty is then met by
    the recorded reason instead of a file (《云南省行政执法全过程记录办法》: 无法音像记录的应当书面说明理由)."""
    if len(reason.strip()) >= AV_WAIVER_MIN_CHARS:
        return None
    return (
        f"未能音像记录的原因：请具体说明（至少{AV_WAIVER_MIN_CHARS}个字），"
        "或上传本环节的音像记录（《行政处罚法》第四十七条）"
    )


# --- decisions ----------------------------------------------------------------------------------------------

# 《行政处罚法》第九条 处罚种类.
PENALTY_TYPES: dict[str, str] = {
    "warning": "警告",
    "criticism": "通报批评",
    "fine": "罚款",
    "confiscate_income": "没收违法所得",
    "confiscate_property": "没收非法财物",
    "suspend_license": "暂扣许可证件",
    "lower_qualification": "降低资质等级",
    "revoke_license": "吊销许可证件",
    "restrict_business": "限制开展生产经营活动",
    "suspend_business": "责令停产停业",
    "order_close": "责令关闭",
    "restrict_practice": "限制从业",
    "detention": "行政拘留",
    "other": "法律、行政法规规定的其他行政处罚",
}
_PENALTY_BY_LABEL = {label: code for code, label in PENALTY_TYPES.items()}

OUTCOMES: dict[str, dict[str, str]] = {
    "penalty_general": {
        "penalty": "给予行政处罚",
        "no_penalty": "不予行政处罚",
        "transfer": "移送司法机关",
    },
    "penalty_simple": {"penalty": "当场给予行政处罚", "no_penalty": "不予行政处罚"},
    "licensing": {"grant": "准予行政许可", "refuse": "不予行政许可"},
    "inspection": {
        "no_problem": "未发现问题",
        "rectify": "责令改正",
        "to_penalty": "发现违法行为，移送立案查处",
    },
}

SIMPLE_LIMIT_CITIZEN = Decimal("200")
SIMPLE_LIMIT_ORGANISATION = Decimal("3000")
SIMPLE_TYPES = frozenset({"warning", "fine"})


def penalty_type_codes(values: list[str]) -> list[str]:
    """Penalty type codes from codes or their Chinese names (警告 → warning); unknown values are kept as given so
    the caller can report them."""
    return [_PENALTY_BY_LABEL.get(v, v) for v in values]


def outcome_code(procedure: str, value: str) -> str | None:
    """The outcome code for ``value`` (a code or its Chinese label) under ``procedure``; None when unknown."""
    options = OUTCOMES.get(procedure, {})
    if value in options:
        return value
    for code, label in options.items():
        if value == label:
            return code
    return None


def as_amount(value: Any, field: str) -> Decimal | None:
    """A money amount in 元 (two decimals) or None; raises ValueError with a Chinese message when invalid."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{field}：“{value}”不是有效的金额") from exc
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{field}：金额不能为负数")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{field}：金额最多保留两位小数（分）")
    return amount


def simple_procedure_allowed(party_kind: str, penalty_types: list[str], fine: Decimal | None) -> str | None:
    """None when the 简易程序 (当场处罚) may be used, else the Chinese reason.

    《行政处罚法》第五十一条：违法事实确凿并有法定依据，对公民处以二百元以下、对法人或者其他组织处以三千元以下
    罚款或者警告的行政处罚的，可以当场作出行政处罚决定. The limits are inclusive (200.00 元 allowed, 200.01 元 not);
    no other penalty type (没收、暂扣、吊销……) may be imposed on the spot."""
    types = penalty_type_codes(list(penalty_types))
    if not types:
        return "处罚种类：简易程序须给予警告或罚款（《行政处罚法》第五十一条）"
    others = [PENALTY_TYPES.get(t, t) for t in types if t not in SIMPLE_TYPES]
    if others:
        return (
            f"处罚种类：简易程序只能给予警告或罚款，不能给予“{'、'.join(others)}”，请转为一般程序"
            "（《行政处罚法》第五十一条）"
        )
    if "fine" in types:
        if fine is None or fine <= 0:
            return "罚款金额：给予罚款的，请填写罚款金额（《行政处罚法》第五十一条）"
        citizen = party_kind == "citizen"
        limit = SIMPLE_LIMIT_CITIZEN if citizen else SIMPLE_LIMIT_ORGANISATION
        if fine > limit:
            who = "公民" if citizen else "法人或者其他组织"
            return (
                f"罚款金额：简易程序对{who}只能处{limit:.0f}元以下罚款，拟罚 {fine:.2f} 元，请转为一般程序"
                "（《行政处罚法》第五十一条）"
            )
    elif fine:
        return "罚款金额：处罚种类未选“罚款”，不应填写罚款金额"
    return None


def decision_problems(outcome: str, penalty_types: list[str], fine: Decimal | None) -> list[str]:
    """Consistency of a penalty decision (《行政处罚法》第五十七条、第五十九条): a 处罚 decision names at least one
    penalty type of 第九条; a 罚款 has an amount; 不予处罚/移送 carry no penalty."""
    problems = []
    types = penalty_type_codes(list(penalty_types))
    unknown = [t for t in types if t not in PENALTY_TYPES]
    if unknown:
        problems.append(f"处罚种类：“{'、'.join(unknown)}”不是《行政处罚法》第九条规定的处罚种类")
    if outcome == "penalty":
        if not types:
            problems.append("处罚种类：给予行政处罚的，请选择处罚种类（《行政处罚法》第五十九条）")
        if "fine" in types and (fine is None or fine <= 0):
            problems.append("罚款金额：给予罚款的，请填写罚款金额（《行政处罚法》第五十九条）")
    elif types or fine:
        problems.append("处罚种类：不予行政处罚或移送司法机关的，不应填写处罚种类和罚款金额")
    return problems


@dataclass(frozen=True)
class DecisionInput:
    """A decision (or a proposed one) as entered, parsed: codes, amounts and what is wrong with them."""

    outcome: str | None
    penalty_types: list[str]
    fine: Decimal | None
    confiscation: Decimal | None
    problems: list[str]


def parse_decision(
    procedure: str, outcome: str, penalty_types: list[str], fine_amount: Any, confiscation_amount: Any
) -> DecisionInput:
    """Parse a decision's 处理结果, 处罚种类 and amounts and check them (``decision_problems`` for 处罚; 许可/检查
    carry no penalty). An invalid outcome gives ``outcome=None`` and is reported by the caller in its own words."""
    problems: list[str] = []
    code = outcome_code(procedure, outcome)
    types = penalty_type_codes(list(penalty_types or []))
    amounts: list[Decimal | None] = []
    for value, label in ((fine_amount, "罚款金额"), (confiscation_amount, "没收金额")):
        try:
            amounts.append(as_amount(value, label))
        except ValueError as exc:
            problems.append(str(exc))
            amounts.append(None)
    fine, confiscation = amounts
    if procedure.startswith("penalty") and code:
        problems += decision_problems(code, types, fine)
    elif types or fine or confiscation:
        problems.append("处罚种类：许可、检查案件不填写处罚种类和金额")
    return DecisionInput(code, types, fine, confiscation, problems)


# --- branch rules at gateways -------------------------------------------------------------------------------


def branch_problem(
    gateway_id: str, chosen: str, *, review_required: bool, review_criteria: str, is_complex: bool
) -> str | None:
    """A gateway choice the law does not leave open.

    - 是否须法制审核 / 是否重大行政许可: a decision in the review scope (``review.rules.legal_review_required``) must
      pass 法制审核 before it is made (《行政处罚法》第五十八条；玉溪市司法局三项制度工作方案二（三））.
    - 情节复杂或重大违法: the case must go to 负责人集体讨论 (《行政处罚法》第五十七条第二款)."""
    if gateway_id in {"review_scope", "major"} and review_required and chosen != "legal_review":
        return f"法制审核：本案须经法制审核（{review_criteria}），作出决定前必须经法制审核（《行政处罚法》第五十八条）"
    if gateway_id == "complexity" and is_complex and chosen != "collective":
        return (
            "集体讨论：情节复杂或者重大违法行为给予行政处罚的，行政机关负责人应当集体讨论决定"
            "（《行政处罚法》第五十七条第二款）"
        )
    return None


# --- party identifiers --------------------------------------------------------------------------------------

ID_CARD = "居民身份证"
USCC = "统一社会信用代码"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_card_problem(number: str, field: str = "证件号码") -> str | None:
    """A 公民身份号码 is 18 characters: 6-digit address code, 8-digit birth date, 3-digit sequence and a check
    character computed by ISO 7064 MOD 11-2 (GB 11643-1999 《公民身份号码》). None = valid."""
    value = number.strip().upper()
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return f"{field}：居民身份证号码应为18位（前17位为数字，末位为数字或X）（GB 11643-1999）"
    if birth_date_from_id(value) is None:
        return f"{field}：居民身份证号码中的出生日期“{value[6:14]}”无效（GB 11643-1999）"
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17]:
        return f"{field}：居民身份证号码校验位不符，请核对（GB 11643-1999）"
    return None


def birth_date_from_id(number: str) -> date | None:
    """The birth date in an 18-digit 公民身份号码 (digits 7–14, GB 11643-1999), None when it is not a date."""
    digits = number.strip()[6:14]
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return born if born.year >= 1900 else None


def gender_from_id(number: str) -> str:
    """男 when the 17th character (sequence code) is odd, 女 when even (GB 11643-1999)."""
    return "男" if int(number.strip()[16]) % 2 else "女"


def is_minor_on(born: date, on: date) -> bool:
    """Under 18 on ``on`` (《民法典》第十七条：不满十八周岁的自然人为未成年人; 《行政处罚法》第三十条). The 18th
    birthday itself is adult; someone born on 29 February becomes adult on 1 March of a non-leap year."""
    try:
        adult_on = born.replace(year=born.year + 18)
    except ValueError:  # 29 Feb
        adult_on = date(born.year + 18, 3, 1)
    return on < adult_on


def uscc_problem(code: str, field: str = "证件号码") -> str | None:
    """A 统一社会信用代码 is 18 characters from the 31-character set (no I, O, Z, S, V); the last one is the check
    character: 31 − (Σ value×weight mod 31) (GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》)."""
    value = code.strip().upper()
    if len(value) != 18 or any(c not in USCC_CHARSET for c in value):
        return f"{field}：统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）（GB 32100-2015）"
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(value[:17], _USCC_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    if USCC_CHARSET[check] != value[17]:
        return f"{field}：统一社会信用代码校验位不符，请核对（GB 32100-2015）"
    return None


def identifier_problem(id_type: str, number: str, field: str = "证件号码") -> str | None:
    """Check an identifier according to its type (居民身份证 → GB 11643; 统一社会信用代码 → GB 32100; others: any
    text up to 40 characters, e.g. 护照、港澳居民来往内地通行证)."""
    if not number.strip():
        return None
    if id_type == ID_CARD:
        return id_card_problem(number, field)
    if id_type == USCC:
        return uscc_problem(number, field)
    if len(number.strip()) > 40:
        return f"{field}：证件号码过长（最多40个字符）"
    return None


def mask_identifier(number: str) -> str:
    """Shown in lists: first 3 and last 4 characters (1101**********002X)."""
    value = number.strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def normal_identifier(number: str) -> str:
    """Identifiers are stored without spaces and with upper-case letters (身份证 check digit x → X)."""
    return "".join(number.split()).upper()


_PHONE_CHARS = set("0123456789+-() 转")


def phone_ok(phone: str) -> bool:
    """A telephone number as people write it: digits, spaces, +, -, brackets and 转 (extension), 5–30 characters."""
    return 5 <= len(phone) <= 30 and set(phone) <= _PHONE_CHARS and sum(c.isdigit() for c in phone) >= 5


# --- dates recorded on the case -----------------------------------------------------------------------------


def sets_filed_on(procedure: str, *, completed: str | None, entered: str | None) -> bool:
    """Whether this move fixes Case.filed_on (立案/受理之日, from which the 90-day and 20-working-day limits run).

    处罚：立案审批 completed with 予以立案 (《行政处罚法》第五十四条、第六十条：自立案之日起九十日内); 许可：entering
    受理 (《行政许可法》第三十二条、第四十二条：自受理行政许可申请之日起二十日内)."""
    if procedure == "penalty_general":
        return completed == "file_case"
    if procedure == "licensing":
        return entered == "accepted"
    return False
