"""Bring a case to its 法制审核 step and build complete submissions (for review tests and other apps' tests).

``case_at_review`` drives a real 一般程序 penalty case through ``cases.actions.case.advance`` up to the
``legal_review`` step, with evidence and an 调查终结报告; ``submission_kwargs`` returns complete materials for
``review.actions.submit``; ``approved_review`` runs submit + 同意 through the actions.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from cases.actions import case as case_actions
from cases.actions.documents import create_document
from cases.models import Case
from cases.tests import factories as case_factories
from cases.tests.engine_helpers import add_av, officers
from org.models import Department, Officer
from review import actions, rules
from review.models import Review

# A Monday with a plain working week after it (2026-11-02 … 11-06), then 11-09 …
DAY = date(2026, 11, 2)


def qualified_reviewer(world: Any, username: str = "lisi") -> Any:
    """The persona ``username`` (a 法制审核员 of the 行政执法协调监督科) with an officer record holding 法律职业资格."""
    user = world.users[username]
    if not Officer.objects.filter(user=user).exists():
        officer = case_factories.certified_officer(world.bureau, user.full_name, user=user)
        officer.has_legal_qualification = True
        officer.department = Department.objects.get(agency=world.bureau, is_review_office=True)
        officer.save()
    return user


def case_at_review(
    world: Any, *, on: date = DAY, item: Any = None, title: str = "某律师事务所违规执业案"
) -> Case:
    """A 一般程序 penalty case at its 法制审核 step (立案 → 调查 → 调查终结 → 告知 → 法制审核), all on ``on``'s week."""
    zhangsan, kezhang = world.users["zhangsan"], world.users["kezhang"]
    item = item or world.items["penalty_general"]
    case = case_factories.make_case(zhangsan, item, "penalty_general", on=on - timedelta(days=7), title=title)
    acts = officers(world)
    case_actions.advance(zhangsan, case, to="file_case", on=on - timedelta(days=7))
    case_actions.advance(kezhang, case, to="investigate", on=on - timedelta(days=7))
    add_av(case, zhangsan)
    case_actions.advance(zhangsan, case, to="investigation_report", officers=acts, on=on - timedelta(days=6))
    create_document(
        zhangsan,
        case,
        "investigation_report",
        data={"process": "经调查", "evidence": "询问笔录、现场照片", "proposal": "拟罚款五千元"},
    )
    case_actions.advance(kezhang, case, to="notify", on=on - timedelta(days=5))
    add_av(case, zhangsan)
    case_actions.advance(zhangsan, case, to="legal_review", officers=acts, on=on)
    case.refresh_from_db()
    return case


def submission_kwargs(case: Case, **over: Any) -> dict[str, Any]:
    """Complete materials for ``actions.submit``: statement, draft decision, proposal (罚款 5000 元), all the
    case's evidence and its 调查终结报告."""
    from review.selectors import material_options

    options = material_options(case)
    data: dict[str, Any] = {
        "statement": {
            "facts": "当事人违规执业，事实清楚。",
            "basis": "《中华人民共和国律师法》第五十条",
            "discretion": "一般情节，适用裁量基准第二档",
            "qualifications": "张三（执法证号见案卷）、赵六，均持有效执法证",
        },
        "draft_decision": "经查，当事人存在违规执业行为，决定给予罚款人民币五千元的行政处罚。",
        "proposal": {
            "outcome": "penalty",
            "penalty_types": ["fine"],
            "fine_amount": "5000",
            "summary": "罚款五千元",
        },
        "evidence_ids": [e["id"] for e in options["evidence"]],
        "document_ids": [d["id"] for d in options["documents"] if d["doc_type"] == "investigation_report"],
    }
    data.update(over)
    return data


def all_ok(note: str = "") -> dict[str, dict[str, Any]]:
    return {code: {"ok": True, "note": note} for code, _label in rules.REVIEW_POINTS}


def with_problem(point: str = "evidence", note: str = "证据不足") -> dict[str, dict[str, Any]]:
    checklist = all_ok()
    checklist[point] = {"ok": False, "note": note}
    return checklist


def approved_review(world: Any, case: Case, *, on: date = DAY, fine: Decimal | str = "5000") -> Review:
    """Submit the case and give 同意 through the actions (李四, qualified)."""
    reviewer = qualified_reviewer(world)
    proposal = {"outcome": "penalty", "penalty_types": ["fine"], "fine_amount": str(fine), "summary": "罚款"}
    review = actions.submit(
        world.users["zhangsan"], case, **submission_kwargs(case, proposal=proposal), on=on
    )
    actions.give_opinion(
        reviewer,
        review,
        round=1,
        conclusion="agree",
        checklist=all_ok(),
        reasons="同意",
        on=on + timedelta(days=1),
    )
    review.refresh_from_db()
    return review


def approved_row(case: Case, user: Any, proposal: dict[str, Any] | None = None) -> Review:
    """An approved review written directly (no actions, no clock) — set-up for tests of other gates."""
    from review.models import Submission

    review = Review.objects.create(
        case=case,
        agency_id=case.agency_id,
        department_id=case.department_id,
        number=f"测审{case.pk}",
        state=Review.State.APPROVED,
        proposal=proposal or {},
        rounds=1,
        submitted_by=user,
        approved_on=DAY,
    )
    Submission.objects.create(
        review=review, round=1, submitted_by=user, submitted_on=DAY, draft_decision="代拟稿"
    )
    return review


def second_reviewer(world: Any, username: str = "wangshen") -> Any:
    """Another qualified 法制审核员 of the 行政执法协调监督科 (for two-reviewer tests)."""
    from accounts.models import Role, User, UserRole

    office = Department.objects.get(agency=world.bureau, is_review_office=True)
    user = User.objects.create(
        username=username, full_name="王审", agency=world.bureau, department=office, title="法制审核员"
    )
    UserRole.objects.create(user=user, role=Role.REVIEWER)
    world.users[username] = user
    return qualified_reviewer(world, username)
