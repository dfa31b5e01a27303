"""Pure rules of 法制审核: scope (第五十八条 and the seed), materials, reviewer, opinion, extension, proposal, ratio."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from review import rules
from review.rules import CaseFacts, Thresholds

SEED_DEFAULT = Thresholds()
ONLY_ART58 = Thresholds(review_all_penalties=False)


def facts(**over: object) -> CaseFacts:
    base: dict[str, object] = {"procedure": "penalty_general"}
    base.update(over)
    return CaseFacts(**base)  # type: ignore[arg-type]


def test_every_general_penalty_is_reviewed_by_default_and_says_why():
    scope = rules.legal_review_required(facts(), SEED_DEFAULT)
    assert scope.required and "全部行政处罚案件" in scope.text and "二（三）2" in scope.text


def test_simple_procedure_and_inspection_are_out_of_scope():
    simple = rules.legal_review_required(facts(procedure="penalty_simple", item_is_major=True), SEED_DEFAULT)
    assert not simple.required and "第五十一条" in simple.text
    assert not rules.legal_review_required(facts(procedure="inspection"), SEED_DEFAULT).required


def test_without_the_seed_setting_an_ordinary_penalty_needs_no_review():
    assert rules.legal_review_required(facts(fine_amount=Decimal("500")), ONLY_ART58) == rules.Scope(
        False, ()
    )


@pytest.mark.parametrize(
    ("org", "amount", "required"),
    [
        (False, "9999.99", False),
        (False, "10000", True),
        (True, "99999.99", False),
        (True, "100000", True),
    ],
)
def test_large_fine_threshold_per_party_kind(org, amount, required):
    scope = rules.legal_review_required(
        facts(fine_amount=Decimal(amount), has_organization_party=org), ONLY_ART58
    )
    assert scope.required is required
    if required:
        assert "较大数额罚款" in scope.text and ("法人或其他组织" if org else "公民") in scope.text


def test_confiscation_threshold_is_configurable():
    lower = Thresholds(review_all_penalties=False, confiscation_citizen=Decimal("3000"))
    assert rules.legal_review_required(facts(confiscation_amount=Decimal("3000")), lower).required
    assert not rules.legal_review_required(facts(confiscation_amount=Decimal("2999")), lower).required


def test_art58_items_each_match_with_their_article():
    assert "第三项" in rules.legal_review_required(facts(hearing_held=True), ONLY_ART58).text
    assert "第四项" in rules.legal_review_required(facts(is_complex=True), ONLY_ART58).text
    grounds = rules.legal_review_required(facts(grounds=("public_interest", "major_rights")), ONLY_ART58)
    assert "重大公共利益" in grounds.text and "第二项" in grounds.text
    severe = rules.legal_review_required(facts(penalty_types=("revoke_license",)), ONLY_ART58)
    assert severe.required and "吊销许可证件" in severe.text


def test_licences_on_the_major_list_only():
    assert not rules.legal_review_required(facts(procedure="licensing"), SEED_DEFAULT).required
    major = rules.legal_review_required(facts(procedure="licensing", item_is_major=True), SEED_DEFAULT)
    assert major.required and "重大执法决定法制审核目录" in major.text
    off = Thresholds(review_major_licences=False)
    assert not rules.legal_review_required(facts(procedure="licensing", item_is_major=True), off).required


def test_missing_materials_are_listed_one_per_line():
    complete = {k: "有" for k in rules.STATEMENT_FIELDS}
    assert (
        rules.missing_materials(
            "penalty_general",
            hearing_held=False,
            statement=complete,
            draft_decision="决定给予罚款五千元的行政处罚",
            document_types=["investigation_report"],
            evidence_count=1,
        )
        == []
    )
    missing = rules.missing_materials(
        "penalty_general",
        hearing_held=True,
        statement={"facts": "有"},
        draft_decision="",
        document_types=[],
        evidence_count=0,
    )
    text = "\n".join(missing)
    assert len(missing) == 5
    for needle in ("法律依据", "调查终结报告", "决定书代拟稿", "证据材料", "听证笔录"):
        assert needle in text
    licence = rules.missing_materials(
        "licensing",
        hearing_held=False,
        statement=complete,
        draft_decision="准予行政许可决定书代拟稿",
        document_types=[],
        evidence_count=1,
    )
    assert licence == []  # no 调查终结报告 in 许可


def test_reviewer_must_be_qualified_office_staff_and_not_an_investigator():
    ok = {
        "has_role": True,
        "same_agency": True,
        "in_review_office": True,
        "has_legal_qualification": True,
        "investigated_case": False,
    }
    assert rules.reviewer_problem(**ok) is None
    assert "法律职业资格" in (rules.reviewer_problem(**{**ok, "has_legal_qualification": False}) or "")
    assert "参与本案调查" in (rules.reviewer_problem(**{**ok, "investigated_case": True}) or "")
    assert "法制审核机构" in (rules.reviewer_problem(**{**ok, "in_review_office": False}) or "")
    assert rules.reviewer_problem(**{**ok, "same_agency": False})


def test_opinion_must_answer_every_point_and_be_consistent():
    all_ok = {code: {"ok": True} for code, _ in rules.REVIEW_POINTS}
    assert rules.opinion_problems("agree", "", all_ok, "") == []
    flagged = {**all_ok, "evidence": {"ok": False, "note": "缺少现场照片"}}
    assert any("不能为“同意”" in p for p in rules.opinion_problems("agree", "", flagged, ""))
    problems = rules.opinion_problems("problem", "", flagged, "")
    assert any("补充调查、修改或退回" in p for p in problems) and any("写明问题" in p for p in problems)
    assert rules.opinion_problems("problem", "supplement", flagged, "补充现场照片") == []
    partial = {"subject": {"ok": True}}
    assert any("逐项审核" in p for p in rules.opinion_problems("agree", "", partial, ""))
    assert rules.opinion_problems("maybe", "", all_ok, "")


def test_one_extension_of_at_most_three_days_before_the_due_day():
    base: dict[str, Any] = {"days": 3, "max_days": 3, "approved_before": False, "pending": False}
    due = date(2026, 10, 13)
    assert rules.extension_problem(**base, today=due, due_on=due) is None
    assert "届满" in (rules.extension_problem(**base, today=date(2026, 10, 14), due_on=due) or "")
    assert "1至3" in (rules.extension_problem(**{**base, "days": 4}, today=due, due_on=due) or "")
    assert "已经延长过一次" in (
        rules.extension_problem(**{**base, "days": 1, "approved_before": True}, today=due, due_on=due) or ""
    )
    assert "待分管领导审批" in (
        rules.extension_problem(**{**base, "pending": True}, today=due, due_on=due) or ""
    )


def test_the_decision_must_be_the_reviewed_one_or_lighter():
    proposal = {"outcome": "penalty", "penalty_types": ["fine"], "fine_amount": "5000"}

    def check(
        outcome: str = "penalty", types: tuple[str, ...] = ("fine",), fine: str | None = "5000"
    ) -> str | None:
        return rules.proposal_mismatch(
            proposal,
            outcome=outcome,
            penalty_types=types,
            fine_amount=Decimal(fine) if fine else None,
            confiscation_amount=None,
        )

    assert check() is None
    assert check(fine="4000") is None
    assert "超过" in (check(fine="5000.01") or "")
    assert "处罚种类" in (check(types=("fine", "warning")) or "")
    assert "不一致" in (check(outcome="no_penalty", types=(), fine=None) or "")


def test_reviewer_ratio_boundary_at_five_percent():
    assert rules.staff_ratio(1, 20, Decimal("5")).passed
    low = rules.staff_ratio(1, 21, Decimal("5"))
    assert not low.passed and low.percent == Decimal("4.76")
    assert rules.staff_ratio(0, 0, Decimal("5")).passed


def test_collective_discussion_follows_complexity():
    assert rules.collective_discussion_required(True) and not rules.collective_discussion_required(False)
