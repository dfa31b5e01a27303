"""Pure rules of the org app: 执法证 status and expiry warnings, 执法主体 annual re-confirmation.

No database access here; callers pass the stored values and "today". Each rule is defined once and cited.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

# Stored statuses of a 执法证 (the 发证机关 can 暂扣 or 注销 a certificate; 过期 is derived from the date).
VALID = "valid"
EXPIRED = "expired"
SUSPENDED = "suspended"
REVOKED = "revoked"

STORED_CERTIFICATE_STATUSES = [(VALID, "有效"), (SUSPENDED, "暂扣"), (REVOKED, "注销")]

CERTIFICATE_STATUS_LABELS = {VALID: "有效", EXPIRED: "已过期", SUSPENDED: "暂扣", REVOKED: "注销"}

# 执法证 expiry warning window (issue #3: “Warnings 60 days before expiry (yellow) and after expiry (red)”).
CERTIFICATE_WARNING_DAYS = 60


def certificate_effective_status(status: str, valid_until: date, today: date) -> str:
    """'valid' | 'expired' | 'suspended' | 'revoked' — the status a 执法证 has on ``today``.

    ``status`` is the stored one ('valid', 'suspended', 'revoked'). A suspended or revoked certificate keeps that
    status whatever its dates. A 'valid' certificate whose ``valid_until`` < ``today`` is 'expired'; the last day
    of validity itself is still valid (有效期至 is inclusive). 《行政处罚法》第四十二条：执法人员应当具有行政执法资格
    — a certificate that is not 'valid' gives none (《云南省行政执法证件管理办法》: 过期、暂扣、注销的证件不得使用).
    """
    if status in (SUSPENDED, REVOKED):
        return status
    if status != VALID:
        raise ValueError(f"未知的执法证状态：{status}")
    if valid_until < today:
        return EXPIRED
    return VALID


def certificate_warning_level(valid_until: date, today: date) -> str | None:
    """ "red" when the certificate has expired (``valid_until`` < ``today``), "yellow" when it expires within
    CERTIFICATE_WARNING_DAYS (60) days — i.e. ``valid_until - today`` ≤ 60 — otherwise None.

    Issue #3 (执法人员与执法证): 工作台 warnings 60 days before expiry (yellow) and after expiry (red), so the
    agency can renew in time (《行政处罚法》第四十二条：执法人员应当持有执法证件).
    """
    days_left = (valid_until - today).days
    if days_left < 0:
        return "red"
    if days_left <= CERTIFICATE_WARNING_DAYS:
        return "yellow"
    return None


# 执法主体 annual re-confirmation --------------------------------------------------------------------------

SUBJECT_RECONFIRM_WARNING_DAYS = 30


def subject_reconfirm_days() -> int:
    """Days between two re-confirmations of a 执法主体 entry: settings.SANXIANG_SUBJECT_RECONFIRM_DAYS, default 365.

    (inferred) The issue asks for “an annual re-confirmation with a warning when overdue”; the seed (二(一)1) has
    the 市司法局 announce the 主体资格 of every city-level body but names no period, so one year is inferred and
    configurable.
    """
    return int(getattr(settings, "SANXIANG_SUBJECT_RECONFIRM_DAYS", 365))


def subject_reconfirm_due(confirmed_on: date | None, period_days: int | None = None) -> date | None:
    """The date by which a 执法主体 entry confirmed on ``confirmed_on`` must be re-confirmed (None if never)."""
    if confirmed_on is None:
        return None
    return confirmed_on + timedelta(days=subject_reconfirm_days() if period_days is None else period_days)


def subject_reconfirm_warning_level(
    confirmed_on: date | None, today: date, period_days: int | None = None
) -> str | None:
    """ "red" when the re-confirmation is overdue (due < today), "yellow" within 30 days of the due date
    (due - today ≤ 30), else None. A never-confirmed (never published) entry has no re-confirmation warning —
    it shows up as a draft to publish instead.

    (inferred) 年度复核: the issue asks for an annual re-confirmation “with a warning when overdue”; the due day
    itself is not yet overdue.
    """
    due = subject_reconfirm_due(confirmed_on, period_days)
    if due is None:
        return None
    days_left = (due - today).days
    if days_left < 0:
        return "red"
    if days_left <= SUBJECT_RECONFIRM_WARNING_DAYS:
        return "yellow"
    return None
