"""Pure rules of the statutory clocks (办案期限): due dates, warning levels, pause lengths, extensions.

No database access: the working-day calendar is passed in (``core.rules.CalendarData``; in production a
``core.workdays.DbCalendar``). Working-day counting starts the day *after* the start date (《行政处罚法》第八十五条,
《行政许可法》第八十二条); calendar-day periods likewise (期间开始的日不计算在内). The due day itself is inside the period:
acting ON the due day is in time, the day after is overdue.

State changes (start, pause, resume, extend, stop) are in ``cases.actions.clocks``; this module only computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from catalog.process import CLOCK_EVENTS, EXTERNAL_ACTORS, Process, Step
from core import rules
from core.errors import SanxiangError

WORKDAYS = "workdays"
CALENDAR_DAYS = "calendar_days"
DEFAULT_YELLOW_DAYS = 3

OK = "ok"
YELLOW = "yellow"
RED = "red"


@dataclass(frozen=True)
class PauseReason:
    """A ground on which a clock may be paused. ``inferred``: no statute says so in these words (configurable)."""

    code: str
    label: str
    article: str
    inferred: bool = False


# 许可: 第四十五条 lists what is not counted. 处罚: 第六十条 gives no pause; the grounds below follow common
# departmental rules (e.g. 听证、检测、鉴定 not counted) and are marked inferred — a bureau may change the list here.
PAUSE_REASONS: dict[str, tuple[PauseReason, ...]] = {
    "licensing": (
        PauseReason("hearing", "听证", "《行政许可法》第四十五条"),
        PauseReason("tender", "招标、拍卖", "《行政许可法》第四十五条"),
        PauseReason("testing", "检验、检测、检疫", "《行政许可法》第四十五条"),
        PauseReason("appraisal", "鉴定", "《行政许可法》第四十五条"),
        PauseReason("expert", "专家评审", "《行政许可法》第四十五条"),
        PauseReason("party", "等待申请人补正材料", "《行政许可法》第三十二条", inferred=True),
    ),
    "penalty_general": (
        PauseReason(
            "hearing", "听证", "《行政处罚法》第六十条（推断：听证时间不计入办案期限）", inferred=True
        ),
        PauseReason("appraisal", "检测、检验、鉴定", "《行政处罚法》第六十条（推断）", inferred=True),
        PauseReason(
            "party", "等待当事人（公告送达、下落不明等）", "《行政处罚法》第六十条（推断）", inferred=True
        ),
        PauseReason("other", "其他依法中止的情形", "《行政处罚法》第六十条（推断）", inferred=True),
    ),
}
GENERIC_PAUSE_REASONS: tuple[PauseReason, ...] = (
    PauseReason("party", "等待当事人", "（推断）", inferred=True),
    PauseReason("other", "其他依法中止的情形", "（推断）", inferred=True),
)


def pause_reasons(procedure: str) -> tuple[PauseReason, ...]:
    """The pause grounds offered for a procedure (许可: 《行政许可法》第四十五条; 处罚: inferred, configurable)."""
    return PAUSE_REASONS.get(procedure, GENERIC_PAUSE_REASONS)


def yellow_days() -> int:
    """How many days (working days for working-day clocks) before the due day a clock turns yellow.

    Not statutory: a setting (``SANXIANG_CLOCK_YELLOW_DAYS``, default 3)."""
    return int(getattr(settings, "SANXIANG_CLOCK_YELLOW_DAYS", DEFAULT_YELLOW_DAYS))


def clock_due(
    start_on: date,
    days: int,
    unit: str,
    *,
    extended_days: int = 0,
    paused_days: int = 0,
    calendar: rules.CalendarData,
) -> date:
    """The last day of a clock: ``days`` (+ approved extension, + days spent paused) counted from the day after
    ``start_on``.

    Working days: 《行政许可法》第八十二条 (期限以工作日计算，不含法定节假日) and 《行政处罚法》第八十五条 (“二日、三日、
    五日、七日”的规定是指工作日，不含法定节假日); counting starts the day after (期间开始的日不计算在内). Other periods
    (e.g. 第六十条 九十日) are calendar days. Paused days are in the clock's own unit (《行政许可法》第四十五条: 听证、
    检验、鉴定、专家评审所需时间不计算在期限内)."""
    if unit not in (WORKDAYS, CALENDAR_DAYS):
        raise SanxiangError(f"期限计算方式：不支持“{unit}”", field="unit")
    total = days + extended_days + paused_days
    if unit == WORKDAYS:
        return rules.add_workdays(start_on, total, calendar)
    return rules.add_calendar_days(start_on, total)


def days_left(due_on: date, today: date, unit: str, calendar: rules.CalendarData) -> int:
    """Days remaining until the due day, in the clock's unit (working days for working-day clocks, 《行政许可法》
    第八十二条); 0 on the due day, negative once overdue."""
    if unit == WORKDAYS:
        return rules.workdays_between(today, due_on, calendar)
    return (due_on - today).days


def clock_status(
    due_on: date, today: date, unit: str, calendar: rules.CalendarData, warn_days: int | None = None
) -> str:
    """ "red" when ``today`` is after the due day (逾期), "yellow" when at most ``warn_days`` (the clock's own setting,
    e.g. 法制审核: 1 个工作日) or else ``yellow_days()`` days are left (working days for working-day clocks), else
    "ok".

    The due day itself belongs to the period (《行政处罚法》第八十五条、《行政许可法》第八十二条: 期间届满的最后一日):
    acting on it is in time."""
    if today > due_on:
        return RED
    if days_left(due_on, today, unit, calendar) <= (yellow_days() if warn_days is None else warn_days):
        return YELLOW
    return OK


def deadline_met(stop_on: date, due_on: date) -> bool:
    """A deadline is met when the guarded act is done on or before the due day (due day inclusive;
    《行政处罚法》第六十条 “自立案之日起九十日内”, 《行政许可法》第四十二条 “二十日内”)."""
    return stop_on <= due_on


def minimum_met(on: date, earliest_on: date) -> bool:
    """A minimum period (提前量) is respected when the act takes place on or after ``earliest_on``, the day that
    completes the period: 《行政处罚法》第六十四条第二项 行政机关应当在举行听证的七日前通知当事人 (七日 = working days,
    第八十五条)."""
    return on >= earliest_on


def pause_problem(on: date, start_on: date, due_on: date) -> str | None:
    """Why a clock may not be paused on ``on``, or None: not before it started, and not after it ran out — time not
    counted (《行政许可法》第四十五条) must fall inside the period; an overdue clock stays overdue."""
    if on < start_on:
        return f"暂停日期：不能早于期限起算日 {start_on:%Y-%m-%d}"
    if on > due_on:
        return f"暂停日期：期限已于 {due_on:%Y-%m-%d} 届满，届满后不能暂停"
    return None


def paused_length(paused_on: date, resumed_on: date, unit: str, calendar: rules.CalendarData) -> int:
    """Days not counted for a pause from ``paused_on`` to ``resumed_on``: the days after the pause day up to and
    including the resume day, in the clock's unit (the pause day itself was already counted; 《行政许可法》第四十五条)."""
    if resumed_on < paused_on:
        raise SanxiangError(
            f"恢复日期：不能早于暂停日期 {paused_on:%Y-%m-%d}", field="on", code="clock_resume_before_pause"
        )
    if unit == WORKDAYS:
        return rules.workdays_between(paused_on, resumed_on, calendar)
    return (resumed_on - paused_on).days


def extension_problem(
    *, requested: int, already: int, maximum: int, today: date, due_on: date, approver_has_role: bool
) -> str | None:
    """Why an extension may not be granted, or None.

    《行政许可法》第四十二条: 二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日 — so only with the
    approval of the configured 负责人 role, at most the configured days in total, and before the period has run out
    (an overdue clock cannot be extended after the fact). The 法制审核 clock follows 工作方案二（三）3 (+3 个工作日)."""
    if maximum <= 0:
        return "延长天数：该期限依法不能延长"
    if requested <= 0:
        return "延长天数：应为正整数"
    if not approver_has_role:
        return "批准人：须由本机关负责人（配置的审批角色）批准延长"
    if already + requested > maximum:
        left = maximum - already
        return f"延长天数：最多可延长{maximum}日，已延长{already}日" + (
            f"，至多还可延长{left}日" if left > 0 else "，不能再次延长"
        )
    if today > due_on:
        return f"延长：期限已于 {due_on:%Y-%m-%d} 届满，逾期后不能再批准延长"
    return None


def is_party_deadline(step: Step) -> bool:
    """A clock on a step the party acts in first (当事人申请听证 within 5 days — 《行政处罚法》第六十四条第一项; 缴纳罚款
    within 15 days — 第六十七条) limits the party, not the agency: missing it is recorded but is no failure of the
    agency's procedure (the consequence is the party's: no hearing, 加处罚款/强制执行 under 第七十二条). Read from the
    YAML: the step's first actor is an outside party (``catalog.process.EXTERNAL_ACTORS``)."""
    return bool(step.actors) and step.actors[0] in EXTERNAL_ACTORS


def guarded_step_reachable(process: Process, from_: str, current: str, guarded: str) -> bool:
    """Can the case, now in ``current``, still reach the clocked step ``guarded`` without passing ``from_`` again?

    A clock guards one step; when the case takes a branch that cannot lead to it (e.g. no 听证申请 after 告知, a
    不予许可 instead of 发证), the clock does not apply (it is stopped as 不适用). Passing ``from_`` again would start
    the clock afresh, so paths through it do not count. Loops (补正、补充调查) are followed."""
    if current == guarded:
        return True
    avoid = "" if from_ in CLOCK_EVENTS else from_
    seen = {current}
    stack = [current]
    while stack:
        step = process.step(stack.pop())
        for t in step.next:
            if t.to == guarded:
                return True
            if t.to in seen or t.to == avoid:
                continue
            seen.add(t.to)
            stack.append(t.to)
    return False
