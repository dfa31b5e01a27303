"""Pure rules of publication: the review workflow and redaction.

Review workflow (seed 二(一)3 and 二(三)1): a 科室 drafts and submits; the 行政执法协调监督科 approves (which
publishes) or returns with comments; a returned draft is fixed and resubmitted. 《云南省行政执法公示办法》
(regulations.md §2.2): 谁执法谁公示, 司法行政机关 审核与监督.

Redaction (regulations.md §9, 原工商 行政处罚结果信息网上公开暂行办法): 身份证号码、通信方式（手机号）、
银行账号 and 家庭住址 never reach the portal.
"""

from __future__ import annotations

from typing import Any

DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
PUBLISHED = "published"

REVIEW_STATES = [
    (DRAFT, "草稿"),
    (SUBMITTED, "已报送待审核"),
    (RETURNED, "已退回修改"),
    (PUBLISHED, "已发布"),
]

# action → (states it may start from, resulting state)
_TRANSITIONS = {
    "submit": ({DRAFT, RETURNED, PUBLISHED}, SUBMITTED),
    "return": ({SUBMITTED}, RETURNED),
    "approve": ({SUBMITTED}, PUBLISHED),
}
_ACTION_LABELS = {"submit": "报送审核", "return": "退回修改", "approve": "审核发布"}
_STATE_LABELS = dict(REVIEW_STATES)


def review_transition(state: str, action: str) -> str:
    """The state after ``action`` or ValueError with a Chinese reason.

    Only a submitted draft can be approved or returned (监督科 reviews what the 科室 submits, seed 二(一)3);
    an edit to a published record is submitted again as a new version.
    """
    if action not in _TRANSITIONS:
        raise ValueError(f"未知的审核操作：{action}")
    sources, target = _TRANSITIONS[action]
    if state not in sources:
        allowed = "、".join(_STATE_LABELS[s] for s in sorted(sources))
        raise ValueError(
            f"当前状态为“{_STATE_LABELS.get(state, state)}”，不能{_ACTION_LABELS[action]}（仅限：{allowed}）"
        )
    return target


# A return, withdrawal, 暂扣/注销 or 离岗 must say why (regulations.md §9: 撤回须说明理由; seed 二(一)3 退回意见).
MIN_REASON = 4


def required_reason(text: str | None, message: str, field: str) -> str:
    """The stripped reason, or SanxiangError(message) when it has fewer than MIN_REASON characters."""
    from core.errors import SanxiangError

    reason = (text or "").strip()
    if len(reason) < MIN_REASON:
        raise SanxiangError(message, field=field)
    return reason


def editable(state: str) -> bool:
    """A draft can be edited while it is not waiting for review."""
    return state in {DRAFT, RETURNED, PUBLISHED}


def redact_text(text: str) -> str:
    """Mask personal data in free text (regulations.md §9): delegates to the redaction engine
    ``publicity.redaction.redact`` (身份证号、电话、银行账号、住址、健康信息)."""
    from publicity.redaction import redact

    return redact(text).text


# Field names that must never be published, whatever the source puts in the payload.
FORBIDDEN_FIELDS = frozenset(
    {
        "id_number",
        "id_card",
        "mobile",
        "home_address",
        "bank_account",
        "birth_date",
        "legal_qualification",  # 法律职业资格: internal (needed by the 法制审核员), never public (contracts.md)
        "health",
        "password",
        "user_id",
    }
)


# Identifiers that are public by law and must stay verifiable: 执法证号 (《云南省行政执法公示办法》 执法人员信息),
# 事项编码, 统一社会信用代码, 文号.
PUBLIC_NUMBER_FIELDS = frozenset({"certificate_number", "code", "credit_code", "doc_number", "key"})


def redact_payload(value: Any) -> Any:
    """Redact a JSON-like payload: drop forbidden fields, keep public numbers, mask personal data in every other
    string (delegates to ``publicity.redaction.redact_value``)."""
    from publicity.redaction import redact_value

    return redact_value(value)
