"""A 重大行政许可 (目录 item) goes through 法制审核 before 准予/不予 (工作方案二（三）1—2); an ordinary one does not."""

from __future__ import annotations

import pytest

from cases.actions import case as case_actions
from cases.tests.engine_helpers import add_av, jump
from cases.tests.factories import make_case
from core.errors import ValidationFailed
from review import actions, selectors
from review.tests import factories as f

pytestmark = pytest.mark.django_db


def _licence_case(world, major: bool):
    item = world.items["licensing"]
    item.is_major, item.major_criteria = major, "律师事务所设立许可" if major else ""
    item.save()
    case = make_case(world.users["zhangsan"], item, "licensing", on=f.DAY)
    return case


def test_major_licence_needs_review_and_passes_with_licensing_materials(case_world):
    fenguan, zhangsan = case_world.users["fenguan"], case_world.users["zhangsan"]
    case = _licence_case(case_world, major=True)
    jump(case, "decide")
    with pytest.raises(ValidationFailed, match="重大执法决定法制审核目录"):
        case_actions.record_decision(fenguan, case, outcome="grant", penalty_types=[], fine_amount=None)
    jump(case, "legal_review")
    add_av(case, zhangsan, title="申请材料")
    review = actions.submit(
        zhangsan,
        case,
        **f.submission_kwargs(
            case, proposal={"outcome": "grant"}, document_ids=[], draft_decision="准予行政许可决定书代拟稿"
        ),
        on=f.DAY,
    )
    assert any("重大执法决定法制审核目录" in c for c in review.criteria)
    actions.give_opinion(
        f.qualified_reviewer(case_world),
        review,
        round=1,
        conclusion="agree",
        checklist=f.all_ok(),
        reasons="同意",
        on=f.DAY,
    )
    case.refresh_from_db()
    assert case.current_step == "decide"
    case_actions.record_decision(fenguan, case, outcome="grant", penalty_types=[], fine_amount=None)
    doc = review.opinions.get().document
    assert doc is not None
    assert doc.title == "法制审核意见书" and doc.number


def test_ordinary_licence_is_out_of_scope(case_world):
    case = _licence_case(case_world, major=False)
    assert not selectors.scope(case).required
    jump(case, "decide")
    case_actions.record_decision(
        case_world.users["fenguan"], case, outcome="grant", penalty_types=[], fine_amount=None
    )
