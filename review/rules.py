"""Pure rules of 重大执法决定法制审核 and 集体讨论. Each rule is defined once here and cited by its article.

Sources: 《行政处罚法》第五十七条第二款（集体讨论）、第五十八条（法制审核）; 国办发〔2018〕118号 (scope, 审核内容, 审核意见,
审核人员比例 — regulations.md §1.3); 玉溪市司法局三项制度工作方案 二（三）1—3 (全部处罚案件和重大行政许可, 5 个工作日,
疑难复杂报分管领导同意延长 3 个工作日); regulations.md §8.1 (送审材料, 较大数额 thresholds unverified for Yunnan).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

ART58 = "《行政处罚法》第五十八条"
ART57 = "《行政处罚法》第五十七条第二款"
SEED = "玉溪市司法局三项制度工作方案二（三）"

# 审核内容 (国办发〔2018〕118号; regulations.md §1.3). The codes are stored in Opinion.checklist.
REVIEW_POINTS: tuple[tuple[str, str], ...] = (
    ("subject", "执法主体是否合法、是否超越法定权限"),
    ("qualification", "执法人员是否具备执法资格"),
    ("procedure", "执法程序是否合法"),
    ("facts", "案件事实是否清楚"),
    ("evidence", "证据是否合法、确凿、充分"),
    ("law", "适用法律、法规、规章是否准确"),
    ("discretion", "裁量基准运用是否适当"),
    ("documents", "执法文书是否完备、规范"),
    ("crime", "是否涉嫌犯罪需要移送司法机关"),
)
POINT_LABELS = dict(REVIEW_POINTS)

# 第五十八条第一款 judgments the 承办科室 makes on the case (the other items are decided from the case data).
GROUNDS: dict[str, str] = {
    "public_interest": "涉及重大公共利益",
    "social_impact": "可能造成重大社会影响或者引发社会风险",
    "major_rights": "直接关系当事人或者第三人重大权益",
    "complex": "案件情况疑难复杂、涉及多个法律关系",
}
_GROUND_ITEMS = {
    "public_interest": "第一项",
    "social_impact": "第一项",
    "major_rights": "第二项",
    "complex": "第四项",
}

MATERIAL_KINDS: dict[str, str] = {
    "statement": "拟作出决定的情况说明",
    "investigation_report": "调查终结报告",
    "draft_decision": "决定书代拟稿",
    "evidence": "证据材料",
    "hearing": "听证笔录、听证报告",
    "other": "其他材料",
}
STATEMENT_FIELDS: dict[str, str] = {
    "facts": "违法事实或申请事项（拟作出决定的事实）",
    "basis": "法律依据",
    "discretion": "适用的裁量基准档次及理由",
    "qualifications": "承办执法人员及其执法资格",
}
# Penalty types that make a decision 重大 whatever the amount (regulations.md §8.1: 吊销、停止执业、停业整顿).
SEVERE_PENALTIES: dict[str, str] = {
    "revoke_license": "吊销许可证件",
    "suspend_license": "暂扣许可证件（停止执业）",
    "suspend_business": "责令停产停业（停业整顿）",
    "order_close": "责令关闭",
    "restrict_practice": "限制从业",
    "lower_qualification": "降低资质等级",
}
REVIEWED_PROCEDURES = ("penalty_general", "licensing")
CONCLUSIONS = {"agree": "同意", "problem": "存在问题"}
ACTIONS = {"supplement": "补充调查", "revise": "修改", "return": "退回"}


@dataclass(frozen=True)
class Thresholds:
    """The Policy values ``legal_review_required`` needs (a plain object so the rule stays pure)."""

    review_all_penalties: bool = True
    review_major_licences: bool = True
    fine_citizen: Decimal = Decimal("10000")
    fine_organization: Decimal = Decimal("100000")
    confiscation_citizen: Decimal = Decimal("10000")
    confiscation_organization: Decimal = Decimal("100000")


@dataclass(frozen=True)
class CaseFacts:
    """What the scope rule reads from a case (built by ``review.selectors.case_facts``)."""

    procedure: str
    item_is_major: bool = False
    item_major_criteria: str = ""
    hearing_held: bool = False
    is_complex: bool = False
    grounds: tuple[str, ...] = ()
    has_organization_party: bool = False
    penalty_types: tuple[str, ...] = ()
    fine_amount: Decimal | None = None
    confiscation_amount: Decimal | None = None


@dataclass(frozen=True)
class Scope:
    required: bool
    criteria: tuple[str, ...]

    @property
    def text(self) -> str:
        return "；".join(self.criteria)


def legal_review_required(case: CaseFacts, policy: Thresholds) -> Scope:
    """Whether the decision of a case must pass 法制审核 before it is made, and which criteria matched.

    - 本局对所有行政处罚案件进行法制审核 (工作方案二（三）2; setting ``review_all_penalties``), 一般程序 only: a
      简易程序 decision is made on the spot (《行政处罚法》第五十一条、第五十二条) and has no review step;
    - 列入重大执法决定法制审核目录的行政许可 (工作方案二（三）1; setting ``review_major_licences``) and every item on
      that 目录 (附件4);
    - 《行政处罚法》第五十八条第一款: 经过听证程序 (第三项), 案情疑难复杂、涉及多个法律关系 (第四项, also a case marked
      情节复杂), and the judgments 重大公共利益/重大社会影响 (第一项) and 重大权益 (第二项) the 承办科室 ticks;
    - 目录标准 (regulations.md §8.1): 吊销许可证件、停止执业、停业整顿等, and 较大数额罚款/没收 — thresholds per
      公民 and 法人或其他组织 are settings because the Yunnan figure is unverified.
    Only procedures with a 法制审核 step (一般程序处罚、行政许可) can require it."""
    if case.procedure not in REVIEWED_PROCEDURES:
        if case.procedure == "penalty_simple":
            return Scope(
                False, ("简易程序当场作出决定，不适用法制审核（《行政处罚法》第五十一条、第五十二条）",)
            )
        return Scope(False, ())
    found: list[str] = []
    if case.procedure == "penalty_general" and policy.review_all_penalties:
        found.append(f"本机关全部行政处罚案件均须法制审核（{SEED}2）")
    if case.item_is_major:
        if case.procedure == "licensing":
            if policy.review_major_licences:
                found.append(f"列入重大执法决定法制审核目录的行政许可（{SEED}1）")
        else:
            criteria = f"：{case.item_major_criteria}" if case.item_major_criteria else ""
            found.append(f"列入重大执法决定法制审核目录{criteria}（{SEED}1）")
    if case.hearing_held:
        found.append(f"经过听证程序作出（{ART58}第一款第三项）")
    grounds = list(dict.fromkeys(case.grounds))
    if case.is_complex and "complex" not in grounds:
        grounds.append("complex")
    for code in grounds:
        if code in GROUNDS:
            found.append(f"{GROUNDS[code]}（{ART58}第一款{_GROUND_ITEMS[code]}）")
    if case.procedure == "penalty_general":
        for code in case.penalty_types:
            if code in SEVERE_PENALTIES:
                found.append(f"拟{SEVERE_PENALTIES[code]}（重大执法决定目录标准，{ART58}第一款第二项）")
        org = case.has_organization_party
        fine_limit = policy.fine_organization if org else policy.fine_citizen
        conf_limit = policy.confiscation_organization if org else policy.confiscation_citizen
        whom = "法人或其他组织" if org else "公民"
        if case.fine_amount is not None and case.fine_amount >= fine_limit:
            found.append(f"较大数额罚款（{whom}{fine_limit:,.0f}元以上，{ART58}第一款第二项）")
        if case.confiscation_amount is not None and case.confiscation_amount >= conf_limit:
            found.append(f"较大数额没收（{whom}{conf_limit:,.0f}元以上，{ART58}第一款第二项）")
    return Scope(bool(found), tuple(dict.fromkeys(found)))


def collective_discussion_required(is_complex: bool) -> bool:
    """对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定 (《行政处罚法》第五十七条第二款)."""
    return bool(is_complex)


def required_materials(procedure: str, hearing_held: bool) -> tuple[str, ...]:
    """送审材料 that must be present (regulations.md §8.1; 盘锦/大连 办法): 情况说明, 调查终结报告 (处罚), 决定书代拟稿,
    证据材料, and 听证笔录/听证报告 where a hearing was held (《行政处罚法》第六十五条: 依据听证笔录作出决定)."""
    kinds = ["statement"]
    if procedure == "penalty_general":
        kinds.append("investigation_report")
    kinds += ["draft_decision", "evidence"]
    if hearing_held:
        kinds.append("hearing")
    return tuple(kinds)


def missing_materials(
    procedure: str,
    *,
    hearing_held: bool,
    statement: Mapping[str, Any],
    draft_decision: str,
    document_types: Iterable[str],
    evidence_count: int,
) -> list[str]:
    """What a submission lacks, one Chinese line per missing material (the submission is refused with the list —
    承办机构对送审材料的完整性负责, regulations.md §1.3)."""
    doc_types = set(document_types)
    missing: list[str] = []
    for kind in required_materials(procedure, hearing_held):
        label = MATERIAL_KINDS[kind]
        if kind == "statement":
            blanks = [
                text for key, text in STATEMENT_FIELDS.items() if not str(statement.get(key) or "").strip()
            ]
            if blanks:
                missing.append(f"{label}：缺少{'、'.join(blanks)}")
        elif kind == "investigation_report" and "investigation_report" not in doc_types:
            missing.append(f"{label}：请选择本案的调查终结报告")
        elif kind == "draft_decision" and len((draft_decision or "").strip()) < 10:
            missing.append(f"{label}：请填写拟作出的决定书文稿（不少于10字）")
        elif kind == "evidence" and evidence_count < 1:
            missing.append(f"{label}：请至少选择一项本案证据（以哈希值锁定送审版本）")
        elif kind == "hearing" and "hearing_record" not in doc_types:
            missing.append(
                f"{label}：本案举行了听证，请选择听证笔录（《行政处罚法》第六十五条：依据听证笔录作出决定）"
            )
    return missing


def reviewer_problem(
    *,
    has_role: bool,
    same_agency: bool,
    in_review_office: bool,
    has_legal_qualification: bool,
    investigated_case: bool,
) -> str | None:
    """Who may review a case: a 法制审核员 of the agency's 法制审核机构 (行政执法协调监督科, 工作方案二（三）2) who holds
    法律职业资格 (《行政处罚法》第五十八条第二款: 初次从事行政处罚决定法制审核的人员，应当通过国家统一法律职业资格考试
    取得法律职业资格) and who did not investigate the case (审查与调查分离, 第五十四条、第五十八条)."""
    if not has_role or not same_agency:
        return "法制审核员：须为本机关的法制审核员"
    if not in_review_office:
        return "法制审核员：须为本机关法制审核机构（行政执法协调监督科）的人员（工作方案二（三）2）"
    if not has_legal_qualification:
        return f"法制审核员：未登记法律职业资格，不能从事法制审核（{ART58}第二款）"
    if investigated_case:
        return f"法制审核员：参与本案调查的人员不得审核本案（审查与调查分离，{ART58}）"
    return None


def opinion_problems(conclusion: str, action: str, checklist: Mapping[str, Any], reasons: str) -> list[str]:
    """A 法制审核意见 is 同意 or 存在问题 (regulations.md §1.3); every 审核要点 is answered; 存在问题 names what to do
    (补充调查、修改、退回) and why; a point found wanting cannot end in 同意."""
    problems: list[str] = []
    if conclusion not in CONCLUSIONS:
        problems.append("审核结论：请选择“同意”或“存在问题”")
    unanswered = [label for code, label in REVIEW_POINTS if not isinstance(checklist.get(code), Mapping)]
    if unanswered:
        problems.append(f"审核要点：请逐项审核——{'、'.join(unanswered)}")
    flagged = [
        POINT_LABELS[code]
        for code, value in checklist.items()
        if code in POINT_LABELS and isinstance(value, Mapping) and not value.get("ok")
    ]
    if conclusion == "agree" and flagged:
        problems.append(f"审核结论：审核要点“{'、'.join(flagged)}”存在问题，结论不能为“同意”")
    if conclusion == "problem":
        if action not in ACTIONS:
            problems.append("处理意见：存在问题的，请选择补充调查、修改或退回")
        if not (reasons or "").strip():
            problems.append("审核意见及理由：存在问题的，须写明问题和修改、补充意见")
    elif action:
        problems.append("处理意见：审核结论为同意的，不填写补充调查、修改或退回")
    if len(reasons or "") > 5000:
        problems.append("审核意见及理由：最多5000字")
    return problems


def extension_problem(
    *, days: int, max_days: int, approved_before: bool, pending: bool, today: date, due_on: date
) -> str | None:
    """疑难复杂案件报分管领导同意，可以延长3个工作日 (工作方案二（三）3): one extension, at most ``max_days`` working
    days, asked before the review period runs out, and not while another request awaits the 分管领导."""
    if approved_before:
        return f"延长审核期限：已经延长过一次，不能再次延长（{SEED}3）"
    if pending:
        return "延长审核期限：已有一项延长申请待分管领导审批"
    if days < 1 or days > max_days:
        return f"延长天数：应为1至{max_days}个工作日（{SEED}3）"
    if today > due_on:
        return f"延长审核期限：审核期限已于{due_on:%Y-%m-%d}届满，不能再申请延长（{SEED}3）"
    return None


def proposal_mismatch(
    proposal: Mapping[str, Any],
    *,
    outcome: str,
    penalty_types: Iterable[str],
    fine_amount: Decimal | None,
    confiscation_amount: Decimal | None,
) -> str | None:
    """The decision must be the one that passed 法制审核 (《行政处罚法》第五十八条: 未经法制审核或者审核未通过的，不得作出
    决定): another outcome, a penalty type not reviewed, or a heavier fine or confiscation needs a new review. A lighter
    amount is the reviewed decision mitigated and is allowed."""
    reviewed_outcome = str(proposal.get("outcome") or "")
    if reviewed_outcome and outcome != reviewed_outcome:
        return f"处理决定：与法制审核通过的拟处理意见不一致，须重新报送法制审核（{ART58}）"
    extra = set(penalty_types) - set(proposal.get("penalty_types") or [])
    if extra:
        return f"处罚种类：法制审核未审核该处罚种类，须重新报送法制审核（{ART58}）"
    for key, label, value in (
        ("fine_amount", "罚款金额", fine_amount),
        ("confiscation_amount", "没收金额", confiscation_amount),
    ):
        reviewed = as_decimal(proposal.get(key))
        if value is not None and value > (reviewed or Decimal("0")):
            shown = f"{reviewed}元" if reviewed is not None else "无"
            return f"{label}：超过法制审核通过的金额（{shown}），须重新报送法制审核（{ART58}）"
    return None


def as_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@dataclass(frozen=True)
class RatioCheck:
    reviewers: int
    officers: int
    percent: Decimal | None
    minimum: Decimal
    passed: bool


def staff_ratio(reviewers: int, officers: int, minimum: Decimal) -> RatioCheck:
    """法制审核人员原则上不少于本单位执法人员总数的5% (国办发〔2018〕118号, regulations.md §1.3 [recalled]; the
    percentage is a Policy setting). No officers: nothing to check (passed)."""
    if officers <= 0:
        return RatioCheck(reviewers, officers, None, minimum, True)
    percent = (Decimal(reviewers) * 100 / Decimal(officers)).quantize(Decimal("0.01"))
    return RatioCheck(reviewers, officers, percent, minimum, percent >= minimum)
