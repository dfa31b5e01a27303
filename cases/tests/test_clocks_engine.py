"""Clocks driven by the real workflow engine (cases.actions.case.open_case/advance call the clock hooks)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cases.actions import case as actions
from cases.models import Clock
from cases.tests.engine_helpers import add_av, citizen, officers
from core.errors import SanxiangError

DAY = date(2026, 10, 19)  # Monday


def _open(w):
    return actions.open_case(
        w.users["zhangsan"],
        item=w.items["penalty_general"],
        procedure="penalty_general",
        title="律师事务所疏于管理案",
        parties=[citizen()],
        source="投诉举报",
        on=DAY,
        discovered_on=DAY - timedelta(days=3),
    )


def test_hearing_notice_minimum_enforced_through_advance(case_world) -> None:
    w = case_world
    zhangsan, kezhang = w.users["zhangsan"], w.users["kezhang"]
    case = _open(w)
    actions.advance(zhangsan, case, to="file_case", on=DAY)
    actions.advance(kezhang, case, to="investigate", data={"filing_opinion": "同意立案"}, on=DAY)
    decide = Clock.objects.get(case=case, step_id="decide")
    assert decide.start_on == DAY and decide.due_on == DAY + timedelta(days=90)
    add_av(case, zhangsan)
    actions.advance(zhangsan, case, to="investigation_report", officers=officers(w), on=date(2026, 10, 26))
    actions.advance(zhangsan, case, to="notify", on=date(2026, 10, 26))
    add_av(case, zhangsan)
    actions.advance(zhangsan, case, to="hearing_request", officers=officers(w), on=date(2026, 10, 27))
    request = Clock.objects.get(case=case, step_id="hearing_request")
    assert request.start_on == date(2026, 10, 27) and request.due_on == date(2026, 11, 3)
    actions.advance(zhangsan, case, to="hearing_notice", on=date(2026, 10, 30))
    request.refresh_from_db()
    assert request.met is True
    actions.advance(zhangsan, case, to="hearing", on=date(2026, 11, 2))
    minimum = Clock.objects.get(case=case, step_id="hearing")
    assert minimum.kind == "minimum" and minimum.due_on == date(2026, 11, 11)
    add_av(case, zhangsan)
    with pytest.raises(SanxiangError, match="第六十四条"):
        actions.advance(zhangsan, case, to="legal_review", officers=officers(w), on=date(2026, 11, 10))
    case.refresh_from_db()
    assert case.current_step == "hearing"  # nothing half-written
    minimum.refresh_from_db()
    assert minimum.state == Clock.State.RUNNING
    actions.advance(zhangsan, case, to="legal_review", officers=officers(w), on=date(2026, 11, 11))
    minimum.refresh_from_db()
    assert minimum.met is True
    # the 法制审核 clock waits for the submission of complete materials (review.actions.submit)
    assert not Clock.objects.filter(case=case, step_id="legal_review").exists()


def test_not_filed_starts_no_decision_clock(case_world) -> None:
    w = case_world
    case = _open(w)
    actions.advance(w.users["zhangsan"], case, to="file_case", on=DAY)
    actions.advance(w.users["kezhang"], case, to="not_filed", on=DAY)
    case.refresh_from_db()
    assert case.is_read_only
    assert not Clock.objects.filter(case=case, step_id="decide").exists()
