"""简易程序 (当场处罚, 《行政处罚法》第五十一条、第五十二条): only 警告 or 罚款 ≤ 200 元 (公民) / ≤ 3000 元 (法人、其他
组织), checked when the case is opened with a planned penalty and when the decision is recorded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cases import rules
from cases.actions import case as actions
from cases.models import Case
from cases.selectors import available_transitions, current_step_row
from cases.tests.engine_helpers import DAY, add_av, citizen, jump, officers, organisation
from cases.tests.factories import make_case
from core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "fine", "allowed"),
    [
        ("citizen", "200", True),
        ("citizen", "200.00", True),
        ("citizen", "200.01", False),
        ("legal_person", "3000", True),
        ("legal_person", "3000.01", False),
        ("other_org", "3000.00", True),
        ("other_org", "3000.01", False),
        ("legal_person", "200.01", True),
    ],
)
def test_fine_limits_by_party_kind(kind, fine, allowed):
    reason = rules.simple_procedure_allowed(kind, ["fine"], Decimal(fine))
    assert (reason is None) is allowed
    if not allowed:
        assert "第五十一条" in str(reason) and "请转为一般程序" in str(reason)


def test_warning_alone_or_with_fine_allowed_other_types_refused():
    assert rules.simple_procedure_allowed("citizen", ["warning"], None) is None
    assert rules.simple_procedure_allowed("citizen", ["警告"], None) is None
    assert rules.simple_procedure_allowed("citizen", ["warning", "fine"], Decimal("50")) is None
    assert "不能给予“没收违法所得”" in str(
        rules.simple_procedure_allowed("citizen", ["confiscate_income"], None)
    )
    assert "不能给予“暂扣许可证件”" in str(
        rules.simple_procedure_allowed("legal_person", ["fine", "suspend_license"], Decimal("1"))
    )
    assert "须给予警告或罚款" in str(rules.simple_procedure_allowed("citizen", [], None))
    assert "请填写罚款金额" in str(rules.simple_procedure_allowed("citizen", ["fine"], None))
    assert "不应填写罚款金额" in str(rules.simple_procedure_allowed("citizen", ["warning"], Decimal("50")))


def open_simple(world, party, **over):
    return actions.open_case(
        world.users["zhangsan"],
        item=world.items["penalty_simple"],
        procedure="penalty_simple",
        title="当场处罚",
        parties=[party],
        on=DAY,
        **over,
    )


def test_open_case_checks_the_planned_fine(case_world):
    with pytest.raises(ValidationFailed, match=r"对公民只能处200元以下罚款，拟罚 200\.01 元"):
        open_simple(case_world, citizen(), planned_fine="200.01")
    case = open_simple(case_world, citizen(), planned_fine="200.00")
    assert current_step_row(case).data["planned"] == {"penalty_types": ["fine"], "fine_amount": "200.00"}
    with pytest.raises(ValidationFailed, match="对法人或者其他组织只能处3000元以下罚款"):
        open_simple(case_world, organisation(), planned_fine=Decimal("3000.01"))
    open_simple(case_world, organisation(), planned_fine=Decimal("3000"))
    open_simple(case_world, citizen(), planned_penalty_types=["warning"])


@pytest.mark.parametrize(
    ("party_kind", "fine", "ok"),
    [
        ("citizen", "200.00", True),
        ("citizen", "200.01", False),
        ("legal_person", "3000.00", True),
        ("legal_person", "3000.01", False),
    ],
)
def test_record_decision_enforces_the_limits(case_world, party_kind, fine, ok):
    zhangsan = case_world.users["zhangsan"]
    case = make_case(
        zhangsan, case_world.items["penalty_simple"], "penalty_simple", on=DAY, party_kind=party_kind
    )
    jump(case, "decide")

    def call():
        return actions.record_decision(
            zhangsan, case, outcome="penalty", penalty_types=["fine"], fine_amount=Decimal(fine)
        )

    if ok:
        call()
        case.refresh_from_db()
        assert case.fine_amount == Decimal(fine)
    else:
        with pytest.raises(ValidationFailed, match="第五十一条"):
            call()
        case.refresh_from_db()
        assert case.fine_amount is None and case.outcome == ""


def test_penalty_simple_main_path(case_world):
    w = case_world
    zhangsan = w.users["zhangsan"]
    case = open_simple(w, citizen(), planned_penalty_types=["warning"])
    for step, to in (("discover", "show_id"), ("show_id", "notify_hear"), ("notify_hear", "decide")):
        assert case.current_step == step
        add_av(case, zhangsan)
        actions.advance(zhangsan, case, to=to, officers=officers(w), on=DAY)
    actions.record_decision(zhangsan, case, outcome="penalty", penalty_types=["warning"], fine_amount=None)
    add_av(case, zhangsan)
    actions.advance(zhangsan, case, to="execute", officers=officers(w), on=DAY)
    case.refresh_from_db()
    assert (case.current_step, case.decided_on, case.penalty_types) == ("execute", DAY, ["warning"])
    assert available_transitions(case)[0] == {
        "to": "file_record",
        "name": "报所属行政机关备案",
        "when": "",
        "is_end": True,
        "is_close": True,
        "via": [],
        "loop": False,
    }
    show_id = case.steps.get(step_id="show_id")
    assert show_id.officers.filter(showed_certificate=True).count() == 2


def test_show_id_step_requires_showing_the_certificate(case_world):
    w = case_world
    case = make_case(w.users["zhangsan"], w.items["penalty_simple"], "penalty_simple", on=DAY)
    jump(case, "show_id")
    add_av(case, w.users["zhangsan"])
    with pytest.raises(ValidationFailed, match="第五十五条"):
        actions.advance(
            w.users["zhangsan"], case, to="notify_hear", officers=officers(w, showed=False), on=DAY
        )


def test_convert_to_general_procedure_opens_a_new_case(case_world):
    w = case_world
    zhangsan = w.users["zhangsan"]
    case = open_simple(w, organisation(), discovered_on=DAY)
    add_av(case, zhangsan)
    actions.advance(zhangsan, case, to="convert", officers=officers(w), note="拟罚款超过3000元", on=DAY)
    case.refresh_from_db()
    assert case.status == Case.Status.ENDED and case.current_step == "convert"
    link = current_step_row(case).data
    general = Case.objects.get(pk=link["handoff_case_id"])
    assert (general.procedure, general.current_step, general.status) == (
        "penalty_general",
        "case_source",
        Case.Status.OPEN,
    )
    assert general.number == "玉司案〔2026〕2号" and general.discovered_on == DAY
    assert current_step_row(general).data["from_number"] == case.number
    assert (
        actions.party_view(general.parties.get())["id_number"]
        == actions.party_view(case.parties.get())["id_number"]
    )
    assert available_transitions(case) == []
