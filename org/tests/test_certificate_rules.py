"""Boundary tests of the 执法证 and 执法主体 rules (org/rules.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from org import rules

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("status", "until", "expected"),
    [
        ("valid", TODAY, "valid"),  # the last day itself is still valid
        ("valid", TODAY - timedelta(days=1), "expired"),
        ("valid", TODAY + timedelta(days=400), "valid"),
        ("suspended", TODAY + timedelta(days=400), "suspended"),
        ("suspended", TODAY - timedelta(days=5), "suspended"),
        ("revoked", TODAY + timedelta(days=10), "revoked"),
    ],
)
def test_effective_status(status, until, expected):
    assert rules.certificate_effective_status(status, until, TODAY) == expected


def test_effective_status_unknown_stored_status_is_refused():
    with pytest.raises(ValueError, match="未知的执法证状态"):
        rules.certificate_effective_status("expired", TODAY, TODAY)


def test_labels_cover_every_effective_status():
    assert rules.CERTIFICATE_STATUS_LABELS == {
        "valid": "有效",
        "expired": "已过期",
        "suspended": "暂扣",
        "revoked": "注销",
    }


@pytest.mark.parametrize(
    ("days_left", "level"),
    [(61, None), (60, "yellow"), (1, "yellow"), (0, "yellow"), (-1, "red"), (-400, "red"), (365, None)],
)
def test_warning_level_boundaries(days_left, level):
    assert rules.certificate_warning_level(TODAY + timedelta(days=days_left), TODAY) == level


@pytest.mark.parametrize(
    ("age_days", "level"),
    [(0, None), (334, None), (335, "yellow"), (365, "yellow"), (366, "red")],
)
def test_subject_reconfirm_warning_boundaries(age_days, level):
    # default 365 days: due = confirmed_on + 365; yellow within 30 days of due; red the day after due
    confirmed = TODAY - timedelta(days=age_days)
    assert rules.subject_reconfirm_warning_level(confirmed, TODAY) == level


def test_subject_reconfirm_never_confirmed_has_no_warning():
    assert rules.subject_reconfirm_warning_level(None, TODAY) is None
    assert rules.subject_reconfirm_due(None) is None


def test_subject_reconfirm_period_is_a_setting(settings):
    settings.SANXIANG_SUBJECT_RECONFIRM_DAYS = 180
    assert rules.subject_reconfirm_due(TODAY) == TODAY + timedelta(days=180)
    assert rules.subject_reconfirm_warning_level(TODAY - timedelta(days=181), TODAY) == "red"
