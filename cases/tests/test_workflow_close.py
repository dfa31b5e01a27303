"""结案: refused while any compliance item fails (real failing conditions), then CLOSED, read-only, clocks stopped,
电子案卷 job started (《行政处罚法》第四十七条)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from audit.models import AuditEvent
from cases.actions import case as actions
from cases.models import Case, Clock, Document
from cases.selectors import available_transitions, current_step_row
from cases.tests.engine_helpers import DAY, add_av, citizen, officers
from core.errors import NotPermitted, SanxiangError, ValidationFailed

pytestmark = pytest.mark.django_db


def simple_case_at_execute(w):
    zhangsan = w.users["zhangsan"]
    case = actions.open_case(
        zhangsan,
        item=w.items["penalty_simple"],
        procedure="penalty_simple",
        title="当场警告",
        parties=[citizen()],
        on=DAY,
        discovered_on=DAY,
    )
    for to in ("show_id", "notify_hear", "decide"):
        add_av(case, zhangsan)
        actions.advance(zhangsan, case, to=to, officers=officers(w), on=DAY)
    actions.record_decision(zhangsan, case, outcome="penalty", penalty_types=["warning"], fine_amount=None)
    add_av(case, zhangsan)
    actions.advance(zhangsan, case, to="execute", officers=officers(w), on=DAY)
    return case


def issue_directly(case, title, step_id, user):
    """An issued 文书 row written directly (the rendering is the 文书 module's concern, not the engine's)."""
    from cases.documents import registry

    doc_type = registry.for_step_title(title)
    return Document.objects.create(
        case=case,
        doc_type=doc_type.code if doc_type else title,
        title=title,
        step_id=step_id,
        number=f"玉司当罚〔2026〕{case.pk}号",
        state=Document.State.ISSUED,
        created_by=user,
        issued_by=user,
        issued_on=DAY,
    )


def test_close_refused_while_a_compliance_item_fails_and_nothing_changes(case_world):
    w = case_world
    case = simple_case_at_execute(w)  # the 当场行政处罚决定书 was never issued: a real failing item
    with pytest.raises(ValidationFailed) as exc:
        actions.close_case(w.users["zhangsan"], case, on=DAY + timedelta(days=1))
    assert exc.value.errors[0] == "结案：合规清单有未通过项，不能结案"
    assert any("当场行政处罚决定书" in e for e in exc.value.errors[1:])
    case.refresh_from_db()
    assert (case.status, case.current_step, case.closed_on) == (Case.Status.OPEN, "execute", None)
    assert current_step_row(case).completed_on is None  # the move into 备案 was rolled back
    assert not AuditEvent.objects.filter(action="case.close").exists()


def test_close_after_the_failing_item_is_fixed(case_world):
    w = case_world
    zhangsan = w.users["zhangsan"]
    case = simple_case_at_execute(w)
    issue_directly(case, "当场行政处罚决定书", "decide", zhangsan)
    job = actions.close_case(zhangsan, case, on=DAY + timedelta(days=1))
    case.refresh_from_db()
    assert (case.status, case.current_step, case.closed_on) == (
        Case.Status.CLOSED,
        "file_record",
        DAY + timedelta(days=1),
    )
    assert current_step_row(case).completed_on == DAY + timedelta(days=1)
    assert job is not None and job.params["case_id"] == case.pk
    assert not Clock.objects.filter(case=case).exclude(state=Clock.State.STOPPED).exists()
    assert available_transitions(case) == []
    with pytest.raises(SanxiangError, match="只读"):
        actions.advance(zhangsan, case, to="file_record", on=DAY + timedelta(days=2))
    with pytest.raises(SanxiangError, match="只读"):
        actions.close_case(zhangsan, case)
    assert AuditEvent.objects.filter(action="case.close", object_id=str(case.pk)).exists()


def test_close_needs_a_closing_step_ahead_and_an_actor(case_world):
    w = case_world
    case = simple_case_at_execute(w)
    with pytest.raises(NotPermitted):
        actions.close_case(w.users["lisi"], case, on=DAY)  # reviewer: not an actor of 当事人履行 / 备案
    other = actions.open_case(
        w.users["zhangsan"],
        item=w.items["penalty_general"],
        procedure="penalty_general",
        title="未到结案环节",
        parties=[citizen()],
        on=DAY,
    )
    with pytest.raises(SanxiangError, match="不能直接结案"):
        actions.close_case(w.users["zhangsan"], other, on=DAY)


def test_close_uses_the_compliance_sheet(case_world, monkeypatch):
    """The engine asks cases.compliance.sheet and lists every failing check with its article."""
    from cases import compliance

    w = case_world
    case = simple_case_at_execute(w)
    fake = compliance.Sheet(
        checks=[
            compliance.Check("a", "办案期限", "《行政处罚法》第六十条", False, "已逾期", "clock"),
            compliance.Check("b", "执法人员", "《行政处罚法》第四十二条", True, "两名", "officers"),
        ]
    )
    monkeypatch.setattr(compliance, "sheet", lambda case, today=None: fake)
    with pytest.raises(ValidationFailed) as exc:
        actions.close_case(w.users["zhangsan"], case, on=DAY)
    assert exc.value.errors == [
        "结案：合规清单有未通过项，不能结案",
        "办案期限：已逾期（《行政处罚法》第六十条）",
    ]
