"""Pure rules of 结果公示 (事后公开, issue #6 items 1 and 3): which decisions are published, by when, for how long,
with which fields, and by when a changed decision must be withdrawn.

- Deadlines (regulations.md §1.1, 国办发〔2018〕118号 事后公开; §2.2 《云南省行政执法公示办法》): 行政许可、行政处罚
  decisions within **7 个工作日** of the decision, other decisions (检查结果 …) within **20 个工作日**.
- Withdrawal (《行政处罚法》第四十八条第二款; 第八十五条: “三日”为工作日): a published decision that is 变更、撤销、
  确认违法 or 确认无效 is withdrawn within **3 个工作日** with a public notice of the reasons.
- Display periods (regulations.md §9): 自然人 2 年, 法人和其他组织 5 年 by default; configurable by party type
  (settings ``SANXIANG_DISPLAY_YEARS``) and by penalty type (``SANXIANG_DISPLAY_YEARS_BY_PENALTY``).

Working days count from the day after the start day (core.rules.add_workdays, 期间开始的日不计算在内).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from core import rules as day_rules

LICENSING = "行政许可"
PENALTY = "行政处罚"
INSPECTION = "行政检查"

# 国办发〔2018〕118号: 行政许可、行政处罚 7 个工作日; other 执法决定 20 个工作日.
DEADLINE_LICENSING_PENALTY = 7
DEADLINE_OTHER = 20
DEADLINE_ARTICLE = "国办发〔2018〕118号、《云南省行政执法公示办法》：许可、处罚决定7个工作日内公开，其他执法决定20个工作日内公开"
# 《行政处罚法》第四十八条第二款 (第八十五条: 工作日).
WITHDRAWAL_DAYS = 3
WITHDRAWAL_ARTICLE = (
    "《行政处罚法》第四十八条第二款：决定被变更、撤销、确认违法或者确认无效的，应当在三日内撤回并公开说明理由"
)
# A draft or withdrawal is shown yellow when this many working days (or fewer) are left, red when overdue.
YELLOW_DAYS = 2

PROCEDURE_CATEGORY = {
    "penalty_general": PENALTY,
    "penalty_simple": PENALTY,
    "licensing": LICENSING,
    "inspection": INSPECTION,
}
PROCEDURE_LABEL = {
    "penalty_general": "一般程序",
    "penalty_simple": "简易程序",
    "licensing": "行政许可程序",
    "inspection": "行政检查程序",
}
# The step whose completion makes the decision: 作出决定 (处罚、许可); 反馈检查结果 (检查).
DECISION_STEPS = {
    "penalty_general": "decide",
    "penalty_simple": "decide",
    "licensing": "decide",
    "inspection": "feedback",
}
# Outcomes that are not an 执法决定 of the agency and so are not published: 移送司法机关 (the case leaves the agency);
# 不予许可 (双公示 and 118号 事后公开 of 许可 concern the licences granted; a refusal stays between agency and applicant).
NOT_PUBLISHED = frozenset({("penalty_general", "transfer"), ("licensing", "refuse")})
# The 决定书 whose 文号 is the publication's doc_number, per procedure, in order of preference.
DECISION_DOCUMENTS = {
    "penalty_general": ("penalty_decision", "no_penalty_decision"),
    "penalty_simple": ("simple_decision", "penalty_decision"),
    "licensing": ("license_grant",),
    "inspection": ("inspection_record",),
}

NATURAL_PERSON = "自然人"
ORGANISATION = "法人或其他组织"

DEFAULT_DISPLAY_YEARS: dict[str, int] = {"citizen": 2, "organization": 5}
DEFAULT_DISPLAY_YEARS_BY_PENALTY: dict[str, int] = {}


def is_decision_step(procedure: str, step_id: str) -> bool:
    return DECISION_STEPS.get(procedure) == step_id


def category_for(procedure: str) -> str | None:
    return PROCEDURE_CATEGORY.get(procedure)


def publishable(procedure: str, outcome: str) -> bool:
    """Whether a decision of ``procedure`` with ``outcome`` gets a 结果公示 draft."""
    return procedure in PROCEDURE_CATEGORY and (procedure, outcome) not in NOT_PUBLISHED


def deadline_days(category: str) -> int:
    """7 个工作日 for 行政许可、行政处罚, 20 for the rest (国办发〔2018〕118号)."""
    return DEADLINE_LICENSING_PENALTY if category in (LICENSING, PENALTY) else DEADLINE_OTHER


def due_on(decided_on: date, days: int, calendar: day_rules.CalendarData) -> date:
    """The last day to publish: the ``days``-th working day after the decision day."""
    return day_rules.add_workdays(decided_on, days, calendar)


def withdrawal_due_on(occurred_on: date, calendar: day_rules.CalendarData) -> date:
    """The last day to withdraw: the 3rd working day after the 变更/撤销/确认 decision (第四十八条第二款)."""
    return day_rules.add_workdays(occurred_on, WITHDRAWAL_DAYS, calendar)


def on_time(due: date, done_on: date) -> bool:
    return done_on <= due


def clock_level(due: date, today: date, calendar: day_rules.CalendarData) -> tuple[str, int]:
    """("red" | "yellow" | "ok", working days left; negative when overdue) — the shared clock rule
    (``cases.clock_rules.clock_status``) with this deadline's yellow threshold."""
    from cases import clock_rules

    level = clock_rules.clock_status(due, today, clock_rules.WORKDAYS, calendar, YELLOW_DAYS)
    return level, clock_rules.days_left(due, today, clock_rules.WORKDAYS, calendar)


def badge(due: date, today: date, calendar: day_rules.CalendarData) -> dict[str, str]:
    """CSS class (cases.css sx-clock-*) and Chinese text for a deadline."""
    level, left = clock_level(due, today, calendar)
    text = f"{due:%Y-%m-%d}届满"
    if level == "red":
        return {"css": "sx-clock-red", "text": f"已逾期{-left}个工作日（{text}）", "level": level}
    return {
        "css": "sx-clock-yellow" if level == "yellow" else "sx-clock-ok",
        "text": f"{text}，还剩{left}个工作日",
        "level": level,
    }


def party_kind_label(kinds: Sequence[str]) -> str:
    """自然人 when every party is a 公民, else 法人或其他组织."""
    return NATURAL_PERSON if kinds and all(k == "citizen" for k in kinds) else ORGANISATION


def display_years(
    party_kind: str,
    penalty_types: Sequence[str] = (),
    *,
    by_party: Mapping[str, int] | None = None,
    by_penalty: Mapping[str, int] | None = None,
) -> int:
    """Years a decision stays on the portal. ``party_kind``: 自然人 or 法人或其他组织. A penalty type with its own
    period overrides the party default; with several types the longest period applies (the heaviest penalty)."""
    parties = {**DEFAULT_DISPLAY_YEARS, **(by_party or {})}
    base = parties["citizen"] if party_kind == NATURAL_PERSON else parties["organization"]
    penalties = {**DEFAULT_DISPLAY_YEARS_BY_PENALTY, **(by_penalty or {})}
    if not penalty_types:
        return base
    return max(penalties.get(t, base) for t in penalty_types)


def expires_on(published_on: date, years: int) -> date:
    """The last day on the portal: the same calendar day ``years`` later (29 February → 28 February)."""
    try:
        return published_on.replace(year=published_on.year + years)
    except ValueError:
        return date(published_on.year + years, 2, 28)


def amount_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def result_text(
    *,
    outcome_label: str,
    penalty_labels: Sequence[str],
    fine_amount: Decimal | None,
    confiscation_amount: Decimal | None,
    outcome_text: str,
) -> str:
    """执法结论/结果: the decision text when written, else the outcome with penalty types and amounts."""
    if outcome_text.strip():
        return outcome_text.strip()
    parts = [p for p in penalty_labels if p != "罚款"]
    if fine_amount is not None:
        parts.append(f"罚款{fine_amount:.2f}元")
    if confiscation_amount:
        parts.append(f"没收违法所得（非法财物）{confiscation_amount:.2f}元")
    return f"{outcome_label}：{'；'.join(parts)}" if parts else outcome_label


def decision_fields(
    *,
    doc_number: str,
    agency_name: str,
    party: str,
    party_kind: str,
    category: str,
    facts: str,
    basis: str,
    result: str,
    decided_on: date,
    procedure: str,
    penalty_labels: Sequence[str],
    fine_amount: Decimal | None,
    confiscation_amount: Decimal | None,
    case_number: str,
    item_name: str = "",
) -> dict[str, Any]:
    """The fields of a decision publication (contracts6.md; regulations.md §9 事后公开: 执法机关、执法对象、案件事实、
    执法类别、执法结论 + 决定书文号、依据、日期). Internal text: redaction happens when it is published."""
    return {
        "doc_number": doc_number,
        "agency_name": agency_name,
        "party": party,
        "party_kind": party_kind,
        "category": category,
        "item_name": item_name,
        "facts": facts,
        "basis": basis,
        "result": result,
        "decided_on": decided_on.isoformat(),
        "procedure": PROCEDURE_LABEL.get(procedure, procedure),
        "penalty_types": list(penalty_labels),
        "fine_amount": amount_text(fine_amount),
        "confiscation_amount": amount_text(confiscation_amount),
        "case_number": case_number,
    }


def title(fields: Mapping[str, Any]) -> str:
    return f"{fields.get('doc_number', '')} {fields.get('party', '')}".strip()


def search_text(fields: Mapping[str, Any]) -> str:
    """What the portal's search matches: 文号、对象、机关、类别、事实."""
    return " ".join(
        str(fields.get(k) or "") for k in ("doc_number", "party", "agency_name", "category", "facts")
    ).strip()


# Text fields a reviewer checks on the draft page (label, key), in display order.
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("决定书文号", "doc_number"),
    ("执法机关", "agency_name"),
    ("执法对象", "party"),
    ("执法类别", "category"),
    ("执法事项", "item_name"),
    ("案件事实/事由", "facts"),
    ("依据", "basis"),
    ("执法结论/结果", "result"),
)

CHANGE_NOTICE_MIN = 10


def change_notice_problem(notice: str) -> str | None:
    """The public notice must say why (第四十八条第二款: 公开说明理由)."""
    if len(notice.strip()) < CHANGE_NOTICE_MIN:
        return f"撤回说明：请写明撤回的理由（至少{CHANGE_NOTICE_MIN}个字），将向社会公开（《行政处罚法》第四十八条第二款）"
    if len(notice) > 300:
        return "撤回说明：最多300个字"
    return None
