"""The demo 法制审核 (issue #5 "Done when"): no penalty and no 重大 decision in the demo can be made without a passed,
on-time (or approved-extension) review, every review reads back as a complete record, and the queues show the
yellow, red, extension and 集体讨论 situations. A second load changes nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Case
from core.errors import ValidationFailed
from review import selectors
from review.models import CollectiveDiscussion, Extension, Opinion, Review
from review.rules import REVIEW_POINTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "m"},
        },
    }
    return tmp_path


def _load() -> str:
    from cases import demo_content as cases_demo
    from catalog import demo_content as catalog_demo
    from org import demo_content as org_demo
    from review import demo_content as review_demo

    org_demo.load(io.StringIO())
    catalog_demo.load(io.StringIO())
    out = io.StringIO()
    cases_demo.load(out)
    review_demo.load(out)
    return out.getvalue()


def _decision(case: Case) -> dict:
    return {
        "outcome": case.outcome,
        "penalty_types": case.penalty_types,
        "fine_amount": case.fine_amount,
        "confiscation_amount": case.confiscation_amount,
    }


def _decisions_passed_review(yuxi) -> None:
    decided = Case.objects.filter(agency=yuxi).exclude(outcome="")
    assert (
        decided.filter(procedure="penalty_general").exists()
        and decided.filter(procedure="licensing").exists()
    )
    for case in decided:
        found = selectors.scope(case)
        if case.procedure == "penalty_simple":
            assert not found.required  # decided on the spot (第五十一条、第五十二条)
            continue
        assert found.required, case.number
        review = Review.objects.get(case=case, state=Review.State.APPROVED)
        last = review.opinions.order_by("-issued_at").first()
        assert last is not None and last.conclusion == Opinion.Conclusion.AGREE and last.on_time is True
        assert review.approved_on is not None and (
            case.decided_on is None or case.decided_on >= review.approved_on
        )
        assert selectors.gate_problem(case, _decision(case)) is None, case.number
    licence = decided.get(procedure="licensing")
    assert licence.item.is_major and licence.outcome == "grant"


def _pending_cases_cannot_be_decided(yuxi, persona) -> None:
    from cases.actions import case as engine

    waiting = Case.objects.filter(agency=yuxi, reviews__state=Review.State.SUBMITTED).distinct()
    assert waiting.count() == 3
    for case in waiting:
        review = case.reviews.get(state=Review.State.SUBMITTED)
        assert "审核通过前不得作出决定" in (selectors.gate_problem(case, review.proposal) or "")
    # 情节复杂: review passed, but the 集体讨论 is not signed yet
    unsigned = CollectiveDiscussion.objects.get(signed_by__isnull=True).case
    assert unsigned.current_step == "collective" and unsigned.is_complex
    assert "尚未经负责人签名" in (selectors.discussion_problem(unsigned) or "")
    # the signed one waits at 作出决定: the reviewed decision is allowed, a heavier fine is not
    signed = CollectiveDiscussion.objects.get(signed_by__isnull=False)
    case = signed.case
    assert (
        case.current_step == "decide"
        and signed.document is not None
        and signed.signed_by is not None
        and signed.signed_by.username == "juzhang"
    )
    review = case.reviews.get(state=Review.State.APPROVED)
    ext = review.extensions.get()
    assert ext.state == Extension.State.APPROVED and ext.days == 3
    assert ext.decided_by is not None and ext.decided_by.username == "fenguan" and ext.decided_on
    heavier = {**review.proposal, "fine_amount": Decimal(review.proposal["fine_amount"]) + 1}
    assert "超过法制审核通过的金额" in (selectors.gate_problem(case, heavier) or "")
    with pytest.raises(ValidationFailed):
        engine.record_decision(
            persona("juzhang"),
            case,
            outcome="penalty",
            penalty_types=review.proposal["penalty_types"],
            fine_amount=Decimal(review.proposal["fine_amount"]) + 1,
        )
    engine.record_decision(
        persona("juzhang"),
        case,
        outcome="penalty",
        penalty_types=review.proposal["penalty_types"],
        fine_amount=Decimal(review.proposal["fine_amount"]),
        outcome_text=review.proposal["summary"],
    )


def _queues(persona) -> None:
    today = timezone.localdate()
    lisi_queue = selectors.queue(persona("lisi"))
    statuses = sorted((selectors.clock_view(r, today) or {}).get("status", "") for r in lisi_queue)
    assert statuses == ["ok", "red", "yellow"]
    views = [selectors.clock_view(r, today) or {} for r in lisi_queue]
    yellow = next(v for v in views if v.get("status") == "yellow")
    assert 0 <= yellow["days_left"] <= 1
    pending = list(selectors.pending_extensions(persona("fenguan")))
    assert len(pending) == 1 and pending[0].requested_by.username == "lisi"
    assert [d.case.number for d in selectors.unsigned_discussions(persona("juzhang"))] == [
        CollectiveDiscussion.objects.get(signed_by__isnull=True).case.number
    ]
    assert not selectors.queue(persona("wangwu"))  # 红塔区 sees none of the 市局 reviews


def _complete_records(yuxi) -> None:
    reviews = Review.objects.filter(agency=yuxi)
    assert reviews.count() == 7
    for review in reviews:
        assert review.criteria and review.proposal.get("outcome") and review.clock_id
        rounds = list(review.submissions.order_by("round"))
        assert [s.round for s in rounds] == list(range(1, review.rounds + 1))
        for sub in rounds:
            kinds = {m["kind"] for m in sub.materials}
            assert {"statement", "draft_decision", "evidence"} <= kinds, review.number
            assert all(sub.statement.get(k) for k in ("facts", "basis", "discretion", "qualifications"))
            assert all(m["sha256"] for m in sub.materials if m["kind"] == "evidence")
            if review.case.procedure == "penalty_general":
                assert "investigation_report" in kinds
        for op in review.opinions.all():
            assert op.document is not None and op.document.number and op.document.state == "issued"
            assert set(op.checklist) == {code for code, _label in REVIEW_POINTS}
    closed = reviews.get(case__status=Case.Status.CLOSED)
    first, second = closed.submissions.order_by("round")
    assert first.opinion.conclusion == "problem" and first.opinion.action == "revise"
    assert second.response and second.opinion.conclusion == "agree"
    assert "第五十九条" in first.opinion.reasons and "六十日内" not in first.draft_decision
    assert "六十日内" in second.draft_decision


def test_demo_reviews(yuxi, persona, media, evidence_tmp):
    """One load (≈15 s of 文书 rendering) checked from every side; the decision of the signed case comes last."""
    from review import demo_content as review_demo

    text = _load()
    assert "未能载入" not in text, text
    assert "法制审核：载入演示案件 6 件" in text
    _decisions_passed_review(yuxi)
    _queues(persona)
    _complete_records(yuxi)
    before = (Case.objects.count(), Review.objects.count(), Opinion.objects.count())
    review_demo.load(io.StringIO())
    assert (Case.objects.count(), Review.objects.count(), Opinion.objects.count()) == before
    _pending_cases_cannot_be_decided(yuxi, persona)
