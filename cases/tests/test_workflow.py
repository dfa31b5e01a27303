"""The case workflow engine: cases follow their process YAML, gateways are passed and recorded, role and
read-only gates, agency scope, dates fixed on the case, hand-offs."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from cases.actions import case as actions
from cases.actions.documents import create_document
from cases.models import Case, Party
from cases.selectors import available_transitions, current_step_row, visible_cases
from cases.tests.engine_helpers import DAY, PERSON_ID, add_av, citizen, jump, officers
from cases.tests.factories import make_case
from core.errors import NotPermitted, SanxiangError, ValidationFailed
from review import actions as review_actions
from review.models import Policy
from review.tests import factories as review_factories

pytestmark = pytest.mark.django_db


def review_only_when_required(world):
    """The agency does not review every penalty (the seed's default does): only Art.58 cases and the 目录."""
    Policy.objects.create(agency=world.bureau, review_all_penalties=False)


def open_penalty(world, user=None, **over):
    kwargs = {
        "item": world.items["penalty_general"],
        "procedure": "penalty_general",
        "title": "律师事务所疏于管理案",
        "parties": [citizen()],
        "source": "投诉举报",
        "on": DAY,
        "discovered_on": DAY - timedelta(days=3),
    }
    kwargs.update(over)
    return actions.open_case(user or world.users["zhangsan"], **kwargs)


# --- open_case ----------------------------------------------------------------------------------------------


def test_open_case_numbers_starts_and_audits_without_pii(case_world):
    case = open_penalty(case_world)
    assert case.number == "玉司案〔2026〕1号"
    assert (case.current_step, case.status, case.department) == (
        "case_source",
        Case.Status.OPEN,
        case_world.items["penalty_general"].department,
    )
    row = current_step_row(case)
    assert (row.seq, row.step_id, row.entered_on) == (1, "case_source", DAY)
    assert open_penalty(case_world).number == "玉司案〔2026〕2号"
    event = AuditEvent.objects.filter(action="case.open", object_id=str(case.pk)).get()
    assert '"procedure":"penalty_general"' in event.payload.replace(" ", "")
    for secret in (PERSON_ID, "赵某某", "13800000000", "聂耳路"):
        assert secret not in event.payload


def test_open_case_refuses_incompatible_procedure_and_unpublished_item(case_world):
    with pytest.raises(ValidationFailed, match="只能按行政许可办理"):
        open_penalty(case_world, item=case_world.items["licensing"])
    item = case_world.items["penalty_general"]
    item.is_abolished = True
    item.save()
    with pytest.raises(ValidationFailed, match="已废止"):
        open_penalty(case_world)
    item.is_abolished = False
    item.state = "draft"
    item.save()
    with pytest.raises(ValidationFailed, match="尚未发布"):
        open_penalty(case_world)
    assert not Case.objects.exists()


def test_open_case_needs_a_party_and_a_title(case_world):
    with pytest.raises(ValidationFailed) as exc:
        open_penalty(case_world, title=" ", parties=[])
    assert "案由/申请事项：必填" in exc.value.errors
    assert any(e.startswith("当事人：") for e in exc.value.errors)


def test_hongta_user_cannot_open_or_act_on_a_city_case(case_world, persona):
    wangwu = persona("wangwu")
    with pytest.raises(PermissionDenied):
        open_penalty(case_world, user=wangwu)
    case = open_penalty(case_world)
    with pytest.raises(PermissionDenied):
        actions.advance(wangwu, case, to="file_case", on=DAY)
    assert case.pk not in visible_cases(wangwu).values_list("pk", flat=True)
    assert case.pk in visible_cases(case_world.users["zhangsan"]).values_list("pk", flat=True)
    assert not visible_cases(persona("jiandu")).exists()


# --- transitions --------------------------------------------------------------------------------------------


def test_available_transitions_expand_gateways(case_world):
    case = make_case(
        case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general", on=DAY
    )
    jump(case, "investigation_report")
    options = {t["to"]: t for t in available_transitions(case)}
    assert list(options) == ["notify", "legal_review", "collective", "decide"]
    assert options["decide"]["via"] == ["review_scope", "complexity"]
    assert "不属于法制审核范围" in options["decide"]["when"] and "其他情形" in options["decide"]["when"]
    assert options["notify"]["via"] == [] and not options["notify"]["is_end"]


def test_gateway_passage_is_recorded_in_history(case_world):
    zhangsan = case_world.users["zhangsan"]
    review_only_when_required(case_world)
    case = make_case(zhangsan, case_world.items["penalty_general"], "penalty_general", on=DAY)
    start = jump(case, "investigation_report")
    new = actions.advance(zhangsan, case, to="decide", note="无需听证", on=DAY + timedelta(days=1))
    assert new.step_id == "decide"
    rows = list(case.steps.order_by("seq").values_list("step_id", "transition_to", "completed_on"))
    assert rows[start.seq - 1 :] == [
        ("investigation_report", "review_scope", DAY + timedelta(days=1)),
        ("review_scope", "complexity", DAY + timedelta(days=1)),
        ("complexity", "decide", DAY + timedelta(days=1)),
        ("decide", "", None),
    ]
    gateway = case.steps.get(step_id="complexity")
    assert gateway.transition_label == "其他情形"
    assert case.current_step == "decide" and case.current_step_name == "作出决定"


def test_transition_not_in_the_yaml_is_refused(case_world):
    zhangsan = case_world.users["zhangsan"]
    case = make_case(zhangsan, case_world.items["penalty_general"], "penalty_general", on=DAY)
    with pytest.raises(SanxiangError, match="不能进入“decide”") as exc:
        actions.advance(zhangsan, case, to="decide", on=DAY)
    assert exc.value.field == "to"
    jump(case, "investigation_report")
    with pytest.raises(SanxiangError, match="判断节点"):
        actions.advance(zhangsan, case, to="review_scope", on=DAY)
    assert case.steps.count() == 2


def test_role_not_among_step_actors_is_refused(case_world):
    zhangsan, fenguan = case_world.users["zhangsan"], case_world.users["fenguan"]
    review_only_when_required(case_world)
    case = make_case(zhangsan, case_world.items["penalty_general"], "penalty_general", on=DAY)
    jump(case, "decide")
    actions.record_decision(fenguan, case, outcome="no_penalty", penalty_types=[], fine_amount=None)
    # 作出决定: actors principal, deputy_leader — an officer may not complete it
    with pytest.raises(NotPermitted, match="主要负责人"):
        actions.advance(zhangsan, case, to="serve", on=DAY)
    with pytest.raises(NotPermitted):
        actions.record_decision(zhangsan, case, outcome="no_penalty", penalty_types=[], fine_amount=None)
    assert actions.advance(fenguan, case, to="serve", on=DAY).step_id == "serve"
    case.refresh_from_db()
    assert case.decided_on == DAY


def test_party_only_step_is_recorded_by_an_officer_not_a_reviewer(case_world):
    zhangsan, lisi = case_world.users["zhangsan"], case_world.users["lisi"]
    case = make_case(zhangsan, case_world.items["penalty_general"], "penalty_general", on=DAY)
    jump(case, "hearing_request")  # actors: [party]
    with pytest.raises(NotPermitted):
        actions.advance(lisi, case, to="hearing_notice", on=DAY)
    assert actions.advance(zhangsan, case, to="hearing_notice", on=DAY).step_id == "hearing_notice"


def test_not_filed_ends_the_case_read_only(case_world):
    zhangsan, kezhang = case_world.users["zhangsan"], case_world.users["kezhang"]
    case = open_penalty(case_world)
    actions.advance(zhangsan, case, to="file_case", on=DAY)
    # 不予立案 is the dept_head's decision (actors of not_filed)
    with pytest.raises(NotPermitted):
        actions.advance(zhangsan, case, to="not_filed", on=DAY)
    actions.advance(kezhang, case, to="not_filed", note="不符合立案标准", on=DAY)
    case.refresh_from_db()
    assert (case.status, case.current_step, case.closed_on, case.filed_on) == (
        Case.Status.ENDED,
        "not_filed",
        DAY,
        None,
    )
    assert current_step_row(case).completed_on == DAY
    assert available_transitions(case) == []
    with pytest.raises(SanxiangError, match="只读") as exc:
        actions.advance(kezhang, case, to="investigate", on=DAY)
    assert exc.value.code == "read_only"
    with pytest.raises(SanxiangError, match="只读"):
        actions.add_party(zhangsan, case, citizen(name="钱某"))


def test_close_step_is_entered_through_close_case_only(case_world):
    zhangsan = case_world.users["zhangsan"]
    case = make_case(zhangsan, case_world.items["penalty_general"], "penalty_general", on=DAY)
    jump(case, "transfer")
    options = available_transitions(case)
    assert options == [
        {
            "to": "close",
            "name": "结案归档",
            "when": "",
            "is_end": True,
            "is_close": True,
            "via": [],
            "loop": False,
        }
    ]
    with pytest.raises(SanxiangError, match="请使用“结案”") as exc:
        actions.advance(zhangsan, case, to="close", on=DAY)
    assert exc.value.code == "use_close"


def test_stale_copy_of_a_case_is_refused(case_world):
    zhangsan = case_world.users["zhangsan"]
    case = open_penalty(case_world)
    stale = Case.objects.get(pk=case.pk)
    actions.advance(zhangsan, case, to="file_case", on=DAY)
    with pytest.raises(SanxiangError, match="已被他人更新"):
        actions.advance(zhangsan, stale, to="file_case", on=DAY)


def test_date_before_step_entry_is_refused(case_world):
    zhangsan = case_world.users["zhangsan"]
    case = open_penalty(case_world)
    with pytest.raises(ValidationFailed, match="不能早于本环节的进入日期"):
        actions.advance(zhangsan, case, to="file_case", on=DAY - timedelta(days=1))


# --- gateway rules ------------------------------------------------------------------------------------------


def test_major_item_must_pass_legal_review(case_world):
    zhangsan = case_world.users["zhangsan"]
    item = case_world.items["penalty_general"]
    item.is_major = True
    item.save()
    case = make_case(zhangsan, item, "penalty_general", on=DAY)
    jump(case, "investigation_report")
    with pytest.raises(ValidationFailed, match="第五十八条"):
        actions.advance(zhangsan, case, to="decide", on=DAY)
    assert actions.advance(zhangsan, case, to="legal_review", on=DAY).step_id == "legal_review"


def test_complex_case_must_go_to_collective_discussion(case_world):
    zhangsan, lisi = case_world.users["zhangsan"], case_world.users["lisi"]
    case = make_case(zhangsan, case_world.items["penalty_general"], "penalty_general", on=DAY)
    jump(case, "legal_review")
    review_factories.approved_row(case, zhangsan)
    with pytest.raises(ValidationFailed, match="第五十七条第二款"):
        actions.advance(lisi, case, to="decide", data={"is_complex": True}, on=DAY)
    row = actions.advance(lisi, case, to="collective", data={"is_complex": True}, on=DAY)
    case.refresh_from_db()
    assert row.step_id == "collective" and case.is_complex


def test_decision_must_be_recorded_and_followed(case_world):
    zhangsan, fenguan = case_world.users["zhangsan"], case_world.users["fenguan"]
    review_only_when_required(case_world)
    case = make_case(zhangsan, case_world.items["penalty_general"], "penalty_general", on=DAY)
    jump(case, "decide")
    with pytest.raises(ValidationFailed, match="请先在“作出决定”环节记录处理决定"):
        actions.advance(fenguan, case, to="serve", on=DAY)
    actions.record_decision(fenguan, case, outcome="移送司法机关", penalty_types=[], fine_amount=None)
    assert case.outcome == "transfer"
    with pytest.raises(ValidationFailed, match="不能进入“serve”"):
        actions.advance(fenguan, case, to="serve", on=DAY)
    assert actions.advance(fenguan, case, to="transfer", on=DAY).step_id == "transfer"


def test_record_decision_only_at_the_decision_step(case_world):
    fenguan = case_world.users["fenguan"]
    review_only_when_required(case_world)
    case = make_case(
        case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general", on=DAY
    )
    with pytest.raises(SanxiangError, match="须处于“作出决定”环节"):
        actions.record_decision(fenguan, case, outcome="penalty", penalty_types=["warning"], fine_amount=None)
    jump(case, "decide")
    with pytest.raises(ValidationFailed, match="请选择处罚种类"):
        actions.record_decision(fenguan, case, outcome="penalty", penalty_types=[], fine_amount=None)
    with pytest.raises(ValidationFailed, match="请填写罚款金额"):
        actions.record_decision(fenguan, case, outcome="penalty", penalty_types=["罚款"], fine_amount=None)
    with pytest.raises(ValidationFailed, match="不是《行政处罚法》第九条"):
        actions.record_decision(
            fenguan, case, outcome="penalty", penalty_types=["罚酒三杯"], fine_amount=None
        )
    actions.record_decision(
        fenguan, case, outcome="penalty", penalty_types=["警告", "fine"], fine_amount=Decimal("5000.00")
    )
    assert case.penalty_types == ["warning", "fine"] and str(case.fine_amount) == "5000.00"
    assert current_step_row(case).data["decision"]["fine_amount"] == "5000.00"


# --- full walks ---------------------------------------------------------------------------------------------


def test_penalty_general_main_path(case_world):
    w = case_world
    zhangsan, kezhang, lisi, fenguan = (w.users[n] for n in ("zhangsan", "kezhang", "lisi", "fenguan"))
    case = open_penalty(w)
    actions.assign_officers(kezhang, case, [w.officers["zhangsan"].pk, w.officers["zhaoliu"].pk], on=DAY)
    actions.advance(zhangsan, case, to="file_case", note="举报属实，建议立案", on=DAY)
    actions.advance(
        kezhang,
        case,
        to="investigate",
        data={"filing_opinion": "同意立案", "approved_by_role": "dept_head"},
        on=DAY + timedelta(days=1),
    )
    case.refresh_from_db()
    assert case.filed_on == DAY + timedelta(days=1)
    assert case.steps.get(step_id="file_case").data["filing_opinion"] == "同意立案"
    add_av(case, zhangsan)
    day = DAY + timedelta(days=10)
    actions.advance(zhangsan, case, to="investigation_report", officers=officers(w), on=day)
    investigate = case.steps.get(step_id="investigate")
    assert sorted(
        investigate.officers.values_list("officer__name", "showed_certificate", "informed_rights")
    ) == sorted([(w.officers["zhangsan"].name, True, True), (w.officers["zhaoliu"].name, True, True)])
    assert investigate.officers.filter(is_lead=True).get().officer == w.officers["zhangsan"]
    assert all(o.certificate_number.startswith("云执") for o in investigate.officers.all())
    actions.advance(zhangsan, case, to="notify", on=day)
    add_av(case, zhangsan)
    actions.advance(zhangsan, case, to="legal_review", officers=officers(w), on=day + timedelta(days=1))
    with pytest.raises(ValidationFailed, match="第五十八条"):
        actions.advance(lisi, case, to="decide", note="审核通过", on=day + timedelta(days=3))
    create_document(zhangsan, case, "investigation_report", data={"process": "经调查", "evidence": "笔录"})
    proposal = {"outcome": "penalty", "penalty_types": ["warning", "fine"], "fine_amount": "10000"}
    review = review_actions.submit(
        zhangsan,
        case,
        **review_factories.submission_kwargs(case, proposal=proposal),
        on=day + timedelta(days=1),
    )
    review_actions.give_opinion(
        review_factories.qualified_reviewer(w),
        review,
        round=1,
        conclusion="agree",
        checklist=review_factories.all_ok(),
        reasons="同意",
        on=day + timedelta(days=3),
    )  # 同意 moves the case on to 作出决定
    case.refresh_from_db()
    actions.record_decision(
        fenguan,
        case,
        outcome="penalty",
        penalty_types=["warning", "fine"],
        fine_amount=Decimal("10000"),
        outcome_text="警告并处罚款",
    )
    actions.advance(fenguan, case, to="serve", on=day + timedelta(days=5))
    add_av(case, zhangsan)
    actions.advance(zhangsan, case, to="execute", officers=officers(w), on=day + timedelta(days=6))
    case.refresh_from_db()
    assert case.current_step == "execute" and case.status == Case.Status.OPEN
    assert case.decided_on == day + timedelta(days=5)
    path = list(case.steps.order_by("seq").values_list("step_id", flat=True))
    assert path == [
        "case_source",
        "file_case",
        "investigate",
        "investigation_report",
        "notify",
        "review_scope",
        "legal_review",
        "complexity",
        "decide",
        "serve",
        "execute",
    ]
    assert [t["to"] for t in available_transitions(case)] == ["close", "enforce"]
    assert AuditEvent.objects.filter(action="case.advance", object_id=str(case.pk)).count() == 8


def test_licensing_main_path(case_world):
    w = case_world
    zhangsan, kezhang = w.users["zhangsan"], w.users["kezhang"]
    case = actions.open_case(
        zhangsan,
        item=w.items["licensing"],
        procedure="licensing",
        title="玉溪某某律师事务所设立申请",
        parties=[
            {"kind": "other_org", "name": "玉溪某某律师事务所（筹）", "id_type": "其他", "id_number": ""}
        ],
        on=DAY,
    )
    assert case.received_on == DAY and case.filed_on is None
    # offline window reception: AV duty (窗口接收申请材料录音录像) with one officer recorded
    with pytest.raises(ValidationFailed, match="音像记录"):
        actions.advance(zhangsan, case, to="intake", officers=officers(w, "zhangsan"), on=DAY)
    add_av(case, zhangsan)
    actions.advance(zhangsan, case, to="intake", officers=officers(w, "zhangsan"), on=DAY)
    actions.advance(zhangsan, case, to="accepted", on=DAY + timedelta(days=1))
    case.refresh_from_db()
    assert case.filed_on == DAY + timedelta(days=1)
    actions.advance(zhangsan, case, to="examine", on=DAY + timedelta(days=1))
    actions.advance(kezhang, case, to="decide", on=DAY + timedelta(days=8))
    assert case.steps.filter(step_id="major").get().transition_to == "decide"
    actions.record_decision(kezhang, case, outcome="准予行政许可", penalty_types=[], fine_amount=None)
    with pytest.raises(ValidationFailed, match="不能进入“refuse”"):
        actions.advance(kezhang, case, to="refuse", on=DAY + timedelta(days=9))
    actions.advance(kezhang, case, to="issue", on=DAY + timedelta(days=9))
    actions.advance(zhangsan, case, to="publish", on=DAY + timedelta(days=10))
    case.refresh_from_db()
    assert case.decided_on == DAY + timedelta(days=9) and case.outcome == "grant"
    assert case.current_step == "publish"
    assert available_transitions(case)[0]["is_close"] is True


def test_online_licensing_has_no_av_duty(case_world):
    w = case_world
    zhangsan = w.users["zhangsan"]
    case = actions.open_case(
        zhangsan,
        item=w.items["licensing"],
        procedure="licensing",
        title="网上申请",
        parties=[citizen()],
        channel="online",
        application_number="XK2026000001",
        on=DAY,
    )
    row = actions.advance(zhangsan, case, to="intake", on=DAY)
    assert row.step_id == "intake" and current_step_row(case).av_waiver_reason == ""


def test_inspection_main_path(case_world):
    w = case_world
    zhangsan, kezhang = w.users["zhangsan"], w.users["kezhang"]
    case = actions.open_case(
        kezhang,
        item=w.items["inspection"],
        procedure="inspection",
        title="律师事务所执业活动专项检查",
        parties=[{"kind": "legal_person", "name": "玉溪某某律师事务所", "id_number": "91350100M000100Y43"}],
        on=DAY,
    )
    with pytest.raises(NotPermitted):  # 检查启动: dept_head
        actions.advance(zhangsan, case, to="approve", on=DAY)
    actions.advance(kezhang, case, to="approve", on=DAY)
    actions.advance(kezhang, case, to="notice", on=DAY)
    actions.advance(zhangsan, case, to="conduct", on=DAY + timedelta(days=1))
    add_av(case, zhangsan)
    with pytest.raises(ValidationFailed, match="出示执法证件"):
        actions.advance(
            zhangsan, case, to="record", officers=officers(w, showed=False), on=DAY + timedelta(days=3)
        )
    actions.advance(zhangsan, case, to="record", officers=officers(w), on=DAY + timedelta(days=3))
    add_av(case, zhangsan)
    actions.advance(zhangsan, case, to="feedback", officers=officers(w), on=DAY + timedelta(days=3))
    actions.advance(zhangsan, case, to="publish", on=DAY + timedelta(days=4))
    case.refresh_from_db()
    assert case.current_step == "publish"
    assert [t["to"] for t in available_transitions(case)] == ["archive"]


def test_inspection_hands_off_to_a_new_penalty_case(case_world):
    w = case_world
    zhangsan = w.users["zhangsan"]
    case = make_case(zhangsan, w.items["inspection"], "inspection", on=DAY)
    jump(case, "feedback")
    with pytest.raises(SanxiangError, match="handoff_item_id"):
        actions.advance(zhangsan, case, to="to_penalty", on=DAY)
    actions.advance(
        zhangsan, case, to="to_penalty", data={"handoff_item_id": w.items["penalty_general"].pk}, on=DAY
    )
    case.refresh_from_db()
    assert case.status == Case.Status.ENDED
    link = current_step_row(case).data
    new = Case.objects.get(pk=link["handoff_case_id"])
    assert new.procedure == "penalty_general" and new.current_step == "case_source"
    assert new.item == w.items["penalty_general"] and new.number == link["handoff_number"]
    assert current_step_row(new).data["from_case_id"] == case.pk
    assert list(new.parties.values_list("name", flat=True)) == list(
        case.parties.values_list("name", flat=True)
    )
    assert Party.objects.filter(case=new).count() == 1
