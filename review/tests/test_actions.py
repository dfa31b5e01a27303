"""法制审核 through the actions: submission, clock (5 个工作日 over 国庆 2026 with the 调休 Saturday), rounds,
extension by the 分管领导, reviewer eligibility, gates on the decision, 集体讨论, audit."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from cases import compliance
from cases.actions import case as case_actions
from cases.models import Case, Clock, Document
from cases.tests.engine_helpers import jump
from core.errors import NotPermitted, SanxiangError, ValidationFailed
from review import actions, selectors
from review.models import CollectiveDiscussion, Extension, Opinion, Review
from review.tests import factories as f

pytestmark = pytest.mark.django_db
SEP30 = date(2026, 9, 30)  # 国庆 2026: 10-01…10-07 off, 10-10 (Sat) is a working day


def submitted(world, on=f.DAY, **over):
    case = f.case_at_review(world, on=on)
    review = actions.submit(world.users["zhangsan"], case, **f.submission_kwargs(case, **over), on=on)
    return case, review


def status(review: Review, day: date) -> str:
    view = selectors.clock_view(review, day)
    assert view is not None
    return str(view["status"])


def opinion(world, review, on, conclusion="agree", user=None, **over):
    review.refresh_from_db()
    kwargs = {
        "round": review.rounds,
        "conclusion": conclusion,
        "checklist": f.all_ok() if conclusion == "agree" else f.with_problem(),
        "reasons": "同意" if conclusion == "agree" else "证据不足，请补充现场照片",
        "action": "" if conclusion == "agree" else "supplement",
    }
    kwargs.update(over)
    return actions.give_opinion(user or f.qualified_reviewer(world), review, on=on, **kwargs)


def test_incomplete_submission_is_refused_with_the_list_and_writes_nothing(case_world):
    case = f.case_at_review(case_world)
    kwargs = f.submission_kwargs(case, evidence_ids=[], document_ids=[], draft_decision="")
    with pytest.raises(ValidationFailed) as exc:
        actions.submit(case_world.users["zhangsan"], case, **kwargs)
    text = "\n".join(exc.value.errors)
    assert "调查终结报告" in text and "决定书代拟稿" in text and "证据材料" in text
    assert (
        not Review.objects.exists() and not Clock.objects.filter(case=case, step_id="legal_review").exists()
    )
    review = actions.submit(case_world.users["zhangsan"], case, **f.submission_kwargs(case), on=f.DAY)
    sub = review.submissions.get()
    evidence = [m for m in sub.materials if m["kind"] == "evidence"]
    assert evidence and all(len(m["sha256"]) == 64 and len(m["sm3"]) == 64 for m in evidence)
    assert any(m["kind"] == "investigation_report" for m in sub.materials)
    assert review.number.startswith("玉司审〔2026〕") and "全部行政处罚案件" in review.criteria[0]
    clock = review.clock
    assert clock is not None and clock.start_on == f.DAY and clock.due_on == date(2026, 11, 9)


def test_submission_needs_the_case_at_its_review_step_and_one_open_review(case_world):
    zhangsan = case_world.users["zhangsan"]
    case = f.case_at_review(case_world)
    actions.submit(zhangsan, case, **f.submission_kwargs(case), on=f.DAY)
    with pytest.raises(SanxiangError, match="已有送审中的法制审核"):
        actions.submit(zhangsan, case, **f.submission_kwargs(case), on=f.DAY)
    other = f.case_at_review(case_world, title="另一案")
    jump(other, "investigate")
    with pytest.raises(SanxiangError, match="须处于“法制审核”环节"):
        actions.submit(zhangsan, other, **f.submission_kwargs(other), on=f.DAY)


def test_fifth_working_day_over_national_day_is_on_time_and_the_sixth_is_late(case_world):
    _case, review = submitted(case_world, on=SEP30)
    assert review.clock.due_on == date(2026, 10, 13)  # 10-08, 10-09, 10-10 (调休), 10-12, 10-13
    assert status(review, date(2026, 10, 10)) == "ok"  # 2 left
    assert status(review, date(2026, 10, 12)) == "yellow"  # 1 working day left
    assert status(review, date(2026, 10, 14)) == "red"
    first = opinion(case_world, review, date(2026, 10, 13))
    assert first.on_time is True
    review.clock.refresh_from_db()
    assert review.clock.met is True
    _late_case, late = submitted(
        case_world, on=SEP30, draft_decision="经查，另案当事人违规，决定罚款五千元。"
    )
    assert opinion(case_world, late, date(2026, 10, 14)).on_time is False
    late.clock.refresh_from_db()
    assert late.clock.met is False


def test_return_pauses_the_clock_and_resubmission_keeps_every_round(case_world):
    zhangsan = case_world.users["zhangsan"]
    case, review = submitted(case_world, on=date(2026, 11, 2))  # due 11-09
    returned = opinion(case_world, review, date(2026, 11, 3), conclusion="problem")
    review.refresh_from_db()
    assert review.state == Review.State.RETURNED and review.clock.state == Clock.State.PAUSED
    assert returned.document.number.startswith("玉司法审〔2026〕") and returned.document.state == "issued"
    with pytest.raises(ValidationFailed, match="对审核意见的处理说明"):
        actions.resubmit(zhangsan, review, response="", on=date(2026, 11, 5))
    actions.resubmit(
        zhangsan,
        review,
        response="已补充现场照片",
        draft_decision="修改后的决定书代拟稿：罚款五千元。",
        on=date(2026, 11, 5),
    )
    review.refresh_from_db()
    review.clock.refresh_from_db()
    assert review.state == Review.State.SUBMITTED and review.rounds == 2
    assert review.clock.paused_days == 2 and review.clock.due_on == date(
        2026, 11, 11
    )  # 11-04, 11-05 not counted
    agreed = opinion(case_world, review, date(2026, 11, 6))
    rounds = list(review.submissions.order_by("round").values_list("round", "response", "draft_decision"))
    assert rounds[0][1] == "" and rounds[1][1] == "已补充现场照片" and "修改后" in rounds[1][2]
    assert list(review.opinions.order_by("issued_at").values_list("conclusion", flat=True)) == [
        "problem",
        "agree",
    ]
    assert agreed.submission.round == 2
    assert Document.objects.filter(case=case, doc_type="legal_review_opinion", state="issued").count() == 2
    actions_logged = list(
        AuditEvent.objects.filter(object_id=str(review.pk), action__startswith="review.").values_list(
            "action", flat=True
        )
    )
    assert actions_logged.count("review.opinion") == 2 and "review.resubmit" in actions_logged


def test_stale_round_is_refused(case_world):
    _case, review = submitted(case_world)
    opinion(case_world, review, f.DAY, conclusion="problem")
    with pytest.raises(SanxiangError, match="请刷新"):
        opinion(case_world, review, f.DAY, round=1)
    assert Opinion.objects.filter(review=review).count() == 1


def test_second_reviewer_cannot_answer_an_assigned_review(case_world):
    _case, review = submitted(case_world)
    lisi = f.qualified_reviewer(case_world)
    other = f.second_reviewer(case_world)
    actions.assign(lisi, review, reviewer=lisi)
    with pytest.raises(NotPermitted, match="已分配给"):
        opinion(case_world, review, f.DAY, user=other)


def test_investigator_and_unqualified_reviewers_are_refused(case_world):
    case, review = submitted(case_world)
    lisi = f.qualified_reviewer(case_world)
    officer = lisi.officer
    officer.has_legal_qualification = False
    officer.save()
    with pytest.raises(SanxiangError, match="法律职业资格"):
        opinion(case_world, review, f.DAY, user=lisi)
    officer.has_legal_qualification = True
    officer.save()
    from cases.models import CaseOfficer

    CaseOfficer.objects.create(case=case, officer=officer)
    with pytest.raises(SanxiangError, match="参与本案调查"):
        actions.assign(lisi, review, reviewer=lisi)
    with pytest.raises(SanxiangError, match="参与本案调查"):
        opinion(case_world, review, f.DAY, user=lisi)
    assert selectors.eligible_reviewers(case) == []


def test_extension_only_with_the_deputy_leaders_approval_and_only_once(case_world):
    _case, review = submitted(case_world, on=SEP30)
    lisi = f.qualified_reviewer(case_world)
    with pytest.raises(SanxiangError, match="1至3"):
        actions.request_extension(lisi, review, days=4, reason="疑难复杂", on=date(2026, 10, 12))
    ext = actions.request_extension(lisi, review, days=3, reason="涉及多个法律关系", on=date(2026, 10, 12))
    with pytest.raises(SanxiangError, match="待分管领导审批"):
        actions.request_extension(lisi, review, days=1, reason="再延", on=date(2026, 10, 12))
    with pytest.raises(PermissionDenied):
        actions.decide_extension(case_world.users["zhangsan"], ext, approve=True, on=date(2026, 10, 12))
    with pytest.raises(NotPermitted, match="分管领导"):
        actions.decide_extension(case_world.users["juzhang"], ext, approve=True, on=date(2026, 10, 12))
    review.clock.refresh_from_db()
    assert review.clock.due_on == date(2026, 10, 13) and review.clock.extended_days == 0
    fenguan = case_world.users["fenguan"]
    decided = actions.decide_extension(fenguan, ext, approve=True, note="同意延长", on=date(2026, 10, 12))
    assert (decided.state, decided.decided_by, decided.decided_on) == (
        "approved",
        fenguan,
        date(2026, 10, 12),
    )
    review.clock.refresh_from_db()
    assert review.clock.due_on == date(2026, 10, 16) and review.clock.extended_days == 3
    event = review.clock.events.get(kind="extend")
    assert event.approver == fenguan and event.actor == lisi and event.reason == "涉及多个法律关系"
    with pytest.raises(SanxiangError, match="已经延长过一次"):
        actions.request_extension(lisi, review, days=1, reason="仍需时间", on=date(2026, 10, 14))
    assert opinion(case_world, review, date(2026, 10, 16)).on_time is True


def test_refused_extension_is_kept_and_allows_a_new_request(case_world):
    _case, review = submitted(case_world, on=SEP30)
    lisi = f.qualified_reviewer(case_world)
    ext = actions.request_extension(lisi, review, days=2, reason="疑难", on=date(2026, 10, 9))
    with pytest.raises(ValidationFailed, match="审批意见"):
        actions.decide_extension(case_world.users["fenguan"], ext, approve=False, on=date(2026, 10, 9))
    actions.decide_extension(
        case_world.users["fenguan"], ext, approve=False, note="不属于疑难复杂", on=date(2026, 10, 9)
    )
    again = actions.request_extension(lisi, review, days=1, reason="补充理由", on=date(2026, 10, 12))
    assert list(review.extensions.values_list("state", flat=True)) == [
        Extension.State.REFUSED,
        Extension.State.PENDING,
    ]
    assert again.state == Extension.State.PENDING


def test_no_decision_before_agree_and_not_heavier_than_reviewed(case_world):
    lisi, fenguan = case_world.users["lisi"], case_world.users["fenguan"]
    case, review = submitted(case_world)
    with pytest.raises(ValidationFailed, match="第五十八条"):
        case_actions.advance(lisi, case, to="decide", on=f.DAY)
    opinion(case_world, review, f.DAY + timedelta(days=1))
    case.refresh_from_db()
    assert case.current_step == "decide"  # 同意 moved the case on
    with pytest.raises(ValidationFailed, match="超过法制审核通过的金额"):
        case_actions.record_decision(
            fenguan, case, outcome="penalty", penalty_types=["fine"], fine_amount=Decimal("6000")
        )
    case_actions.record_decision(
        fenguan, case, outcome="penalty", penalty_types=["fine"], fine_amount=Decimal("5000")
    )
    case_actions.advance(fenguan, case, to="serve", on=f.DAY + timedelta(days=2))
    gate = next(c for c in compliance.sheet(case).checks if c.key == "gate:legal_review")
    assert gate.passed and review.number in gate.detail


def test_decision_refused_while_pending_and_after_withdrawal(case_world):
    fenguan = case_world.users["fenguan"]
    case, review = submitted(case_world)
    jump(case, "decide")
    with pytest.raises(ValidationFailed, match="待审核，审核通过前不得作出决定"):
        case_actions.record_decision(
            fenguan, case, outcome="penalty", penalty_types=["fine"], fine_amount=Decimal("100")
        )
    actions.withdraw(case_world.users["zhangsan"], review, reason="拟不予处罚，撤回", on=f.DAY)
    review.refresh_from_db()
    review.clock.refresh_from_db()
    assert review.state == Review.State.WITHDRAWN and review.clock.state == Clock.State.STOPPED
    with pytest.raises(ValidationFailed, match="未经法制审核不得作出决定"):
        case_actions.record_decision(fenguan, case, outcome="no_penalty", penalty_types=[], fine_amount=None)
    check = next(c for c in compliance.sheet(case).checks if c.key == "gate:legal_review")
    assert not check.passed and "第五十八条" in check.detail


def test_gateway_refuses_skipping_review_with_the_criteria(case_world):
    zhangsan = case_world.users["zhangsan"]
    case = f.case_at_review(case_world)
    jump(case, "notify")
    with pytest.raises(ValidationFailed, match="全部行政处罚案件均须法制审核"):
        case_actions.advance(zhangsan, case, to="decide", on=f.DAY)


def test_going_back_to_investigation_only_when_nothing_waits_for_the_reviewer(case_world):
    zhangsan = case_world.users["zhangsan"]
    case, review = submitted(case_world)
    with pytest.raises(ValidationFailed, match="正在审核中"):
        case_actions.advance(zhangsan, case, to="investigate", on=f.DAY)
    opinion(case_world, review, f.DAY, conclusion="problem")
    assert case_actions.advance(zhangsan, case, to="investigate", on=f.DAY).step_id == "investigate"


def test_complex_case_needs_a_signed_collective_discussion(case_world):
    zhangsan, kezhang, juzhang, fenguan = (
        case_world.users[n] for n in ("zhangsan", "kezhang", "juzhang", "fenguan")
    )
    case = f.case_at_review(case_world)
    Case.objects.filter(pk=case.pk).update(is_complex=True)
    case.refresh_from_db()
    review = actions.submit(zhangsan, case, **f.submission_kwargs(case), on=f.DAY)
    assert any("第四项" in c for c in review.criteria)
    opinion(case_world, review, f.DAY)
    case.refresh_from_db()
    assert case.current_step == "collective"
    with pytest.raises(ValidationFailed, match="第五十七条第二款"):
        case_actions.advance(fenguan, case, to="decide", on=f.DAY)
    attendees = [
        {"name": "吴局长", "title": "局长"},
        {"name": "周副局长", "title": "副局长"},
        {"name": "陈科长", "title": "科长"},
    ]
    with pytest.raises(ValidationFailed, match="三人以上"):
        actions.record_discussion(
            kezhang,
            case,
            held_at=datetime(2026, 11, 3, 9, 0),
            place="会议室",
            presider="吴局长",
            attendees=attendees[:2],
            recorder="赵六",
            opinions="一致同意",
            conclusion="给予罚款五千元",
        )
    discussion = actions.record_discussion(
        kezhang,
        case,
        held_at=datetime(2026, 11, 3, 9, 0),
        place="局三楼会议室",
        presider="吴局长",
        attendees=attendees,
        recorder="赵六",
        opinions="与会人员一致认为事实清楚",
        conclusion="给予罚款五千元",
    )
    with pytest.raises(ValidationFailed, match="尚未经负责人签名"):
        case_actions.advance(fenguan, case, to="decide", on=f.DAY)
    with pytest.raises(PermissionDenied):
        actions.sign_discussion(kezhang, discussion)
    signed = actions.sign_discussion(juzhang, discussion, on=f.DAY + timedelta(days=1))
    assert signed.document is not None
    assert signed.signed_by == juzhang and signed.document.doc_type == "collective_discussion"
    assert signed.document.state == "issued" and signed.document.pdf_blob_id
    with pytest.raises(SanxiangError, match="已由"):
        actions.sign_discussion(fenguan, discussion)
    assert case_actions.advance(fenguan, case, to="decide", on=f.DAY + timedelta(days=1)).step_id == "decide"
    assert CollectiveDiscussion.objects.filter(case=case).count() == 1


def test_other_agencies_cannot_touch_the_review(case_world):
    _case, review = submitted(case_world)
    wangwu = case_world.users["wangwu"]
    with pytest.raises(PermissionDenied):
        actions.withdraw(wangwu, review, reason="越权")
    with pytest.raises(PermissionDenied):
        actions.give_opinion(wangwu, review, round=1, conclusion="agree", checklist=f.all_ok(), reasons="")


def test_register_statistics_and_ratio(case_world):
    lisi = f.qualified_reviewer(case_world)
    _c1, corrected = submitted(case_world)
    opinion(case_world, corrected, f.DAY, conclusion="problem")
    actions.resubmit(case_world.users["zhangsan"], corrected, response="已修改", on=f.DAY + timedelta(days=1))
    opinion(case_world, corrected, f.DAY + timedelta(days=2))
    _c2, straight = submitted(case_world, draft_decision="经查，第二案当事人违规，决定罚款五千元。")
    opinion(case_world, straight, f.DAY + timedelta(days=3))
    stats = selectors.statistics(selectors.register(lisi))
    assert stats["total"] == 2 and stats["approved"] == 2 and stats["returned_once"] == 1
    assert stats["correction_rate"] == Decimal("50.0") and stats["average_days"] == Decimal("2.5")
    assert stats["on_time_rate"] == Decimal("100.0")
    ratio = selectors.staff_ratio(case_world.bureau)
    assert ratio.reviewers == 1 and ratio.officers >= 4
    assert selectors.register(case_world.users["wangwu"]).count() == 0


def test_policy_is_saved_checked_and_used(case_world):
    jiandu = case_world.users["jiandu"]
    with pytest.raises(ValidationFailed, match="较大数额罚款（公民"):
        actions.save_policy(jiandu, case_world.bureau, {"fine_citizen": "-1"})
    with pytest.raises(PermissionDenied):
        actions.save_policy(case_world.users["zhangsan"], case_world.bureau, {"fine_citizen": "5000"})
    actions.save_policy(jiandu, case_world.bureau, {"review_all_penalties": False, "fine_citizen": "3000"})
    case = f.case_at_review(case_world)
    assert not selectors.scope(case).required
    assert selectors.scope(case, {"fine_amount": "3000"}).required


def test_a_heavier_decision_goes_back_to_review_and_passes_after_a_new_opinion(case_world):
    zhangsan, fenguan = case_world.users["zhangsan"], case_world.users["fenguan"]
    case, review = submitted(case_world)
    opinion(case_world, review, f.DAY + timedelta(days=1))
    case.refresh_from_db()
    with pytest.raises(ValidationFailed, match="超过法制审核通过的金额"):
        case_actions.record_decision(
            fenguan, case, outcome="penalty", penalty_types=["fine"], fine_amount=Decimal("8000")
        )
    case_actions.advance(
        fenguan, case, to="legal_review", note="拟加重处罚，重新送审", on=f.DAY + timedelta(days=2)
    )
    heavier = {"outcome": "penalty", "penalty_types": ["fine"], "fine_amount": "8000"}
    second = actions.submit(
        zhangsan, case, **f.submission_kwargs(case, proposal=heavier), on=f.DAY + timedelta(days=2)
    )
    assert second.pk != review.pk and second.clock is not None and second.clock.code == "legal_review#2"
    with pytest.raises(ValidationFailed, match="第五十八条"):
        case_actions.advance(zhangsan, case, to="decide", on=f.DAY + timedelta(days=2))
    opinion(case_world, second, f.DAY + timedelta(days=3))
    case.refresh_from_db()
    assert case.current_step == "decide"
    case_actions.record_decision(
        fenguan, case, outcome="penalty", penalty_types=["fine"], fine_amount=Decimal("8000")
    )
    assert list(Review.objects.filter(case=case).values_list("state", flat=True)) == ["approved", "approved"]
