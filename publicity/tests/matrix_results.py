"""Permission-matrix entries of the publicity area "results" (issue #6): the 结果公示 staff pages under /manage/results/.

publicity.read (business roles, supervised agencies): the queues answer 200 to every business persona (each sees its
own scope); a 市局 draft answers 403 to 红塔区 and 市场监管 staff. publicity.review (监督员、公示审核员 of the 市司法局):
publish, block, withdraw. case.handle (承办 roles of the case's agency): the 决定变更 form. POST-only pages answer 405
to a GET from those allowed.
"""

from __future__ import annotations

from tests.matrix import Resolver, Rule, staff

BUSINESS = {
    "zhangsan",
    "zhaoliu",
    "kezhang",
    "lisi",
    "fenguan",
    "juzhang",
    "jiandu",
    "gongshi",
    "wangwu",
    "hongta_kezhang",
    "hongta_jiandu",
    "shijianju",
}
CITY_READERS = {"zhangsan", "zhaoliu", "kezhang", "lisi", "fenguan", "juzhang", "jiandu", "gongshi"}
CITY_REVIEW = {"jiandu", "gongshi"}
CITY_HANDLERS = {"zhangsan", "zhaoliu", "kezhang", "lisi", "fenguan", "juzhang"}
DRAFT = {"pk": "resultdraft:玉司"}


def _draft(short_name: str) -> int:
    """A pending 结果公示 draft of the agency's clock case, written directly (the matrix needs an id)."""
    from datetime import date

    from cases.models import Case
    from cases.tests.matrix_clocks import _case
    from publicity.models import ResultDraft

    existing = ResultDraft.objects.filter(agency__short_name=short_name).first()
    if existing is not None:
        return existing.pk
    case = Case.objects.get(pk=_case(short_name))
    return ResultDraft.objects.create(
        case=case,
        agency=case.agency,
        category="行政许可",
        fields={"doc_number": case.number, "party": "测试当事人", "facts": "准予许可"},
        party_kind="自然人",
        decided_on=date(2026, 3, 2),
        deadline_days=7,
        due_on=date(2026, 3, 11),
    ).pk


def _change(short_name: str) -> int:
    from datetime import date

    from publicity.models import DecisionChange, ResultDraft

    existing = DecisionChange.objects.filter(agency__short_name=short_name).first()
    if existing is not None:
        return existing.pk
    draft = ResultDraft.objects.get(pk=_draft(short_name))
    return DecisionChange.objects.create(
        case=draft.case,
        agency=draft.agency,
        change="revoked",
        source="reconsideration",
        occurred_on=date(2026, 3, 20),
        notice="经行政复议撤销原决定，撤回原公示信息",
        due_on=date(2026, 3, 25),
        draft=draft,
        recorded_by=draft.case.created_by,
    ).pk


RESOLVERS: dict[str, Resolver] = {"resultdraft": _draft, "decisionchange": _change}
ENTRIES: dict[str, Rule] = {
    "results:queue": staff(BUSINESS),
    "results:draft": staff(CITY_READERS, kwargs=DRAFT),
    "results:publish": staff(CITY_REVIEW, kwargs=DRAFT, post_only=True),
    "results:block": staff(CITY_REVIEW, kwargs=DRAFT, post_only=True),
    "results:changes": staff(BUSINESS),
    "results:withdraw": staff(CITY_REVIEW, kwargs={"pk": "decisionchange:玉司"}, post_only=True),
    "results:change_create": staff(CITY_HANDLERS, kwargs={"case_id": "clockcase:玉司"}),
}
