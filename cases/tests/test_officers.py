"""Officers on every act (《行政处罚法》第四十二条、第四十三条、第五十五条) and 音像记录 duties (第四十七条)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases import rules
from cases.actions import case as actions
from cases.models import CaseOfficer, Recusal
from cases.selectors import current_step_row
from cases.tests.engine_helpers import DAY, add_av, jump, officers
from cases.tests.factories import certified_officer, make_case
from catalog.models import AvDuty
from catalog.process import get as get_process
from core.errors import NotPermitted, SanxiangError, ValidationFailed

pytestmark = pytest.mark.django_db


def at_investigate(world, **over):
    """A penalty case at 调查取证 with an AV record uploaded (so only the officer gate is tested)."""
    case = make_case(
        world.users["zhangsan"], world.items["penalty_general"], "penalty_general", on=DAY, **over
    )
    jump(case, "investigate")
    add_av(case, world.users["zhangsan"])
    return case


def with_officer(world, officer, *, showed=True):
    return [*officers(world, "zhangsan"), {"officer_id": officer.pk, "showed_certificate": showed}]


# --- 执法证 on the day ----------------------------------------------------------------------------------------


def test_certificate_valid_on_its_last_day_and_not_the_day_after(case_world):
    w = case_world
    last_day = DAY + timedelta(days=5)
    expiring = certified_officer(w.bureau, "孙某", valid_until=last_day)
    case = at_investigate(w)
    actions.advance(
        w.users["zhangsan"], case, to="investigation_report", officers=with_officer(w, expiring), on=last_day
    )
    assert current_step_row(case).step_id == "investigation_report"

    other = at_investigate(w)
    with pytest.raises(ValidationFailed) as exc:
        actions.advance(
            w.users["zhangsan"],
            other,
            to="investigation_report",
            officers=with_officer(w, expiring),
            on=last_day + timedelta(days=1),
        )
    assert (
        "执法人员：孙某当日没有有效的行政执法证（过期、暂扣、注销、未生效或不在岗）（《行政处罚法》第四十二条）"
        in exc.value.errors
    )
    assert (
        "执法人员：本环节须至少两名持有效执法证的执法人员（《行政处罚法》第四十二条），现为 1 名"
        in exc.value.errors
    )
    assert not other.steps.get(step_id="investigate").officers.exists()  # nothing half-written


def test_suspended_certificate_gives_no_qualification(case_world):
    w = case_world
    suspended = certified_officer(w.bureau, "周某", status="suspended")
    with pytest.raises(ValidationFailed, match="周某当日没有有效的行政执法证"):
        actions.advance(
            w.users["zhangsan"],
            at_investigate(w),
            to="investigation_report",
            officers=with_officer(w, suspended),
            on=DAY,
        )


def test_one_officer_is_refused_two_are_enough(case_world):
    w = case_world
    case = at_investigate(w)
    with pytest.raises(ValidationFailed, match=r"至少两名.*现为 1 名"):
        actions.advance(
            w.users["zhangsan"], case, to="investigation_report", officers=officers(w, "zhangsan"), on=DAY
        )
    with pytest.raises(ValidationFailed, match="现为 0 名"):
        actions.advance(w.users["zhangsan"], case, to="investigation_report", on=DAY)
    actions.advance(w.users["zhangsan"], case, to="investigation_report", officers=officers(w), on=DAY)
    assert case.steps.get(step_id="investigate").officers.count() == 2


def test_category_must_cover_the_item(case_world):
    w = case_world
    licensing_only = certified_officer(w.bureau, "吴某", categories=["行政许可"])
    with pytest.raises(ValidationFailed, match="吴某的执法类别不含“行政处罚”"):
        actions.advance(
            w.users["zhangsan"],
            at_investigate(w),
            to="investigation_report",
            officers=with_officer(w, licensing_only),
            on=DAY,
        )


def test_officer_of_another_agency_is_refused(case_world):
    w = case_world
    with pytest.raises(ValidationFailed, match="不是本机关的执法人员"):
        actions.advance(
            w.users["zhangsan"],
            at_investigate(w),
            to="investigation_report",
            officers=with_officer(w, w.officers["wangwu"]),
            on=DAY,
        )


def test_showing_the_certificate_and_informing_are_required_on_investigation(case_world):
    w = case_world
    case = at_investigate(w)
    with pytest.raises(ValidationFailed) as exc:
        actions.advance(
            w.users["zhangsan"],
            case,
            to="investigation_report",
            officers=officers(w, showed=False, informed=False),
            on=DAY,
        )
    assert sum("未记录表明身份、出示执法证件（《行政处罚法》第五十五条）" in e for e in exc.value.errors) == 2
    assert any(e.startswith("告知：") for e in exc.value.errors)
    entries = officers(w)
    entries[1]["informed_rights"] = False  # one officer informing the party is enough
    actions.advance(w.users["zhangsan"], case, to="investigation_report", officers=entries, on=DAY)


# --- 回避 ---------------------------------------------------------------------------------------------------


def test_recusal_pending_blocks_the_officer_but_not_the_investigation(case_world):
    w = case_world
    case = at_investigate(w)
    recusal = actions.request_recusal(
        w.users["zhangsan"],
        case,
        officer_id=w.officers["zhaoliu"].pk,
        applicant="赵某某",
        reason="系当事人近亲属",
    )
    assert recusal.decision == Recusal.Decision.PENDING
    with pytest.raises(ValidationFailed, match="回避申请尚待负责人决定"):
        actions.advance(w.users["zhangsan"], case, to="investigation_report", officers=officers(w), on=DAY)
    actions.advance(
        w.users["zhangsan"],
        case,
        to="investigation_report",
        officers=officers(w, "zhangsan", "kezhang"),
        on=DAY,
    )


def test_recusal_is_decided_by_the_leader_and_releases_the_officer(case_world):
    w = case_world
    case = at_investigate(w)
    actions.assign_officers(
        w.users["kezhang"], case, [w.officers["zhangsan"].pk, w.officers["zhaoliu"].pk], on=DAY
    )
    recusal = actions.request_recusal(
        w.users["zhangsan"],
        case,
        officer_id=w.officers["zhaoliu"].pk,
        applicant="赵某某",
        reason="系当事人近亲属",
    )
    with pytest.raises(SanxiangError, match="已有待决定的回避申请"):
        actions.request_recusal(
            w.users["zhangsan"],
            case,
            officer_id=w.officers["zhaoliu"].pk,
            applicant="赵某某",
            reason="再次申请",
        )
    for username in ("zhangsan", "kezhang"):
        with pytest.raises(NotPermitted, match="第四十三条"):
            actions.decide_recusal(w.users[username], recusal, grant=True, reason="属实")
    actions.decide_recusal(w.users["fenguan"], recusal, grant=True, reason="经核实系近亲属，决定回避")
    recusal.refresh_from_db()
    assert recusal.decision == Recusal.Decision.GRANTED and recusal.decided_by == w.users["fenguan"]
    released = CaseOfficer.objects.get(case=case, officer=w.officers["zhaoliu"])
    assert released.released_at is not None and "回避" in released.release_reason
    with pytest.raises(SanxiangError, match="已决定回避"):
        actions.decide_recusal(w.users["juzhang"], recusal, grant=False, reason="重复")
    with pytest.raises(ValidationFailed, match="已决定回避"):
        actions.advance(w.users["zhangsan"], case, to="investigation_report", officers=officers(w), on=DAY)
    with pytest.raises(ValidationFailed, match="已决定回避"):
        actions.assign_officers(
            w.users["kezhang"], case, [w.officers["zhangsan"].pk, w.officers["zhaoliu"].pk], on=DAY
        )


def test_rejected_recusal_lets_the_officer_act(case_world):
    w = case_world
    case = at_investigate(w)
    recusal = actions.request_recusal(
        w.users["zhangsan"],
        case,
        officer_id=w.officers["zhaoliu"].pk,
        applicant="本人",
        reason="曾为当事人代理",
    )
    actions.decide_recusal(w.users["juzhang"], recusal, grant=False, reason="代理关系已终止五年，无利害关系")
    actions.advance(w.users["zhangsan"], case, to="investigation_report", officers=officers(w), on=DAY)


# --- 承办人员 -------------------------------------------------------------------------------------------------


def test_assign_officers_needs_two_valid_officers(case_world):
    w = case_world
    case = make_case(w.users["zhangsan"], w.items["penalty_general"], "penalty_general", on=DAY)
    kezhang = w.users["kezhang"]
    with pytest.raises(ValidationFailed, match="现为 1 名"):
        actions.assign_officers(kezhang, case, [w.officers["zhangsan"].pk], on=DAY)
    with pytest.raises(ValidationFailed, match="主办人"):
        actions.assign_officers(
            kezhang,
            case,
            [w.officers["zhangsan"].pk, w.officers["zhaoliu"].pk],
            lead_id=w.officers["kezhang"].pk,
            on=DAY,
        )
    actions.assign_officers(kezhang, case, [w.officers["zhangsan"].pk, w.officers["zhaoliu"].pk], on=DAY)
    actions.assign_officers(
        kezhang,
        case,
        [w.officers["zhaoliu"].pk, w.officers["kezhang"].pk],
        lead_id=w.officers["kezhang"].pk,
        on=DAY,
    )
    active = case.assignments.filter(released_at__isnull=True)
    assert set(active.values_list("officer__name", "is_lead")) == {
        (w.officers["zhaoliu"].name, False),
        (w.officers["kezhang"].name, True),
    }
    assert case.assignments.get(officer=w.officers["zhangsan"]).release_reason == "调整承办人员"


# --- 音像记录 -------------------------------------------------------------------------------------------------


def at_notify(world):
    case = make_case(world.users["zhangsan"], world.items["penalty_general"], "penalty_general", on=DAY)
    jump(case, "notify")
    return case


def test_av_missing_is_refused_uploaded_is_enough(case_world):
    w = case_world
    case = at_notify(w)
    with pytest.raises(ValidationFailed, match="音像记录：“事先告知”须告知过程音像记录"):
        actions.advance(w.users["zhangsan"], case, to="statement", officers=officers(w), on=DAY)
    add_av(case, w.users["zhangsan"])
    actions.advance(w.users["zhangsan"], case, to="statement", officers=officers(w), on=DAY)


def test_av_on_another_step_or_voided_does_not_count(case_world):
    w = case_world
    case = make_case(w.users["zhangsan"], w.items["penalty_general"], "penalty_general", on=DAY)
    first = jump(case, "investigate")
    add_av(case, w.users["zhangsan"], row=first)
    jump(case, "notify")
    add_av(case, w.users["zhangsan"], is_voided=True, void_reason="拍摄错误")
    with pytest.raises(ValidationFailed, match="音像记录"):
        actions.advance(w.users["zhangsan"], case, to="statement", officers=officers(w), on=DAY)


def test_av_recognised_by_content_type_alone(case_world):
    w = case_world
    case = at_notify(w)
    add_av(case, w.users["zhangsan"], kind="record", purpose="evidence", content_type="audio/mpeg")
    actions.advance(w.users["zhangsan"], case, to="statement", officers=officers(w), on=DAY)


def test_av_waiver_needs_a_real_reason(case_world):
    w = case_world
    case = at_notify(w)
    with pytest.raises(ValidationFailed, match="至少5个字"):
        actions.advance(
            w.users["zhangsan"], case, to="statement", officers=officers(w), av_waiver_reason="坏了", on=DAY
        )
    actions.advance(
        w.users["zhangsan"],
        case,
        to="statement",
        officers=officers(w),
        av_waiver_reason="执法记录仪电量耗尽，无法录像",
        on=DAY,
    )
    assert case.steps.get(step_id="notify").av_waiver_reason == "执法记录仪电量耗尽，无法录像"


def test_item_av_duty_from_the_catalogue_applies_to_matching_step(case_world):
    w = case_world
    item = w.items["penalty_general"]
    AvDuty.objects.create(item=item, step="调查终结", requirement="全过程音像记录")
    case = make_case(w.users["zhangsan"], item, "penalty_general", on=DAY)
    jump(case, "investigation_report")
    with pytest.raises(ValidationFailed) as exc:
        actions.advance(w.users["kezhang"], case, to="notify", on=DAY)
    assert any("调查终结音像记录（音像记录事项清单）" in e for e in exc.value.errors)
    assert any(
        "现为 0 名" in e for e in exc.value.errors
    )  # an act with an AV duty in 处罚 needs two officers
    add_av(case, w.users["zhangsan"])
    actions.advance(w.users["kezhang"], case, to="notify", officers=officers(w), on=DAY)


# --- pure rules ---------------------------------------------------------------------------------------------


def test_may_act_by_yaml_actors():
    general = get_process("penalty_general")
    decide, hearing_request, statement = (general.step(s) for s in ("decide", "hearing_request", "statement"))
    assert rules.may_act(frozenset({"deputy_leader"}), decide)
    assert not rules.may_act(frozenset({"officer", "dept_head"}), decide)
    assert rules.may_act(frozenset({"officer"}), hearing_request)  # recorded for the party
    assert rules.may_act(frozenset({"dept_head"}), hearing_request)
    assert not rules.may_act(frozenset({"reviewer"}), hearing_request)
    assert rules.may_act(frozenset({"officer"}), statement)
    assert not rules.may_act(frozenset({"supervisor"}), statement)
    publish = get_process("licensing").step("publish")
    assert rules.may_act(frozenset({"publicity_reviewer"}), publish)


def test_av_requirement_and_online_exemption():
    licensing = get_process("licensing")
    apply = licensing.step("apply")
    assert rules.av_requirement(apply, [], "offline", "licensing").startswith("窗口接收申请材料")
    assert rules.av_requirement(apply, [], "online", "licensing") == ""
    assert rules.av_requirement(apply, [], "platform", "licensing") == ""
    examine = licensing.step("examine")
    assert rules.av_requirement(examine, ["", "调查取证"], "offline", "licensing") == ""
    assert (
        rules.av_requirement(examine, ["审查"], "offline", "licensing") == "审查音像记录（音像记录事项清单）"
    )
    assert rules.av_requirement(licensing.step("major"), ["是否"], "offline", "licensing") == ""


def test_officers_required_by_procedure():
    general, licensing = get_process("penalty_general"), get_process("licensing")
    assert rules.officers_required(general.step("investigate"), "penalty_general", "x") == (
        2,
        "《行政处罚法》第四十二条",
    )
    assert rules.officers_required(general.step("serve"), "penalty_general", "送达过程音像记录")[0] == 2
    assert rules.officers_required(general.step("file_case"), "penalty_general", "") == (0, "")
    assert rules.officers_required(licensing.step("apply"), "licensing", "窗口")[0] == 1
    assert rules.officers_required(licensing.step("apply"), "licensing", "") == (0, "")


def test_eligible_officers_for_the_form(case_world):
    from cases.selectors import eligible_officers

    w = case_world
    certified_officer(w.bureau, "吴某", categories=["行政许可"])
    expired = certified_officer(w.bureau, "孙某", valid_until=DAY - timedelta(days=1))
    case = make_case(w.users["zhangsan"], w.items["penalty_general"], "penalty_general", on=DAY)
    actions.request_recusal(
        w.users["zhangsan"], case, officer_id=w.officers["zhaoliu"].pk, applicant="本人", reason="近亲属关系"
    )
    names = {o.name for o in eligible_officers(case, DAY)}
    assert names == {w.officers["zhangsan"].name, w.officers["kezhang"].name}
    assert expired.name not in names and w.officers["wangwu"].name not in names
