"""The compliance sheet (cases.compliance.sheet): clocks, gates, officers, 文书, 音像记录, online 许可."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile

from cases import compliance
from cases.actions import clocks
from cases.models import Case, CaseStep, Document, Recusal, StepOfficer
from cases.tests.clock_helpers import advance, walk
from cases.tests.factories import certified_officer, make_case

D = date


def _check(sheet: compliance.Sheet, key_prefix: str) -> compliance.Check:
    found = [c for c in sheet.checks if c.key.startswith(key_prefix)]
    assert found, f"no check {key_prefix}: {[c.key for c in sheet.checks]}"
    return found[0]


def _row(case: Case, step_id: str) -> CaseStep:
    return CaseStep.objects.filter(case=case, step_id=step_id).latest("seq")


def _issue(case: Case, doc_type: str, title: str) -> Document:
    return Document.objects.create(
        case=case, doc_type=doc_type, title=title, state=Document.State.ISSUED, created_by=case.created_by
    )


def _attach(
    user, case: Case, title: str, *, purpose: str = "other", row: CaseStep | None = None, av: bool = False
):
    from evidence.actions import add_file

    f = ContentFile(b"\x00video" if av else b"%PDF-1.4 test", name="a.mp4" if av else "a.pdf")
    return add_file(
        user,
        case,
        f,
        kind="audiovisual" if av else "documentary",
        title=title,
        filename=f.name,
        content_type="video/mp4" if av else "application/pdf",
        purpose="av_record" if av else purpose,
        case_step=row,
        step_id=row.step_id if row else "",
    )


START = D(2026, 9, 1)


def _penalty_through_investigation(case_world, start: date = START) -> Case:
    user = case_world.users["zhangsan"]
    case = make_case(user, case_world.items["penalty_general"], "penalty_general", on=start)
    clocks.on_case_opened(case, on=start, actor=user)
    walk(case, [("file_case", start), ("investigate", start), ("investigation_report", D(2026, 9, 10))])
    return case


def _cert(officer) -> str:
    cert = officer.current_certificate()
    assert cert is not None
    return cert.number


def _officers(case_world, row: CaseStep, *names: str) -> None:
    for name in names:
        officer = case_world.officers[name]
        StepOfficer.objects.create(
            step=row,
            officer=officer,
            certificate_number=_cert(officer),
            showed_certificate=True,
            informed_rights=True,
        )


def test_a_fresh_case_passes(case_world) -> None:
    case = make_case(case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general")
    sheet = compliance.sheet(case)
    assert sheet.passed
    assert _check(sheet, "gate:recusal").passed


def test_two_officers_with_valid_certificates_on_the_day(case_world) -> None:
    case = _penalty_through_investigation(case_world)
    investigate = _row(case, "investigate")
    check = _check(compliance.sheet(case), f"officers:{investigate.seq}")
    assert not check.passed and "不少于2名" in check.detail and check.article == "《行政处罚法》第四十二条"
    _officers(case_world, investigate, "zhangsan")
    assert not _check(compliance.sheet(case), f"officers:{investigate.seq}").passed
    _officers(case_world, investigate, "zhaoliu")
    check = _check(compliance.sheet(case), f"officers:{investigate.seq}")
    assert check.passed, check.detail


def test_certificate_not_valid_on_the_day_fails(case_world) -> None:
    case = _penalty_through_investigation(case_world)
    investigate = _row(case, "investigate")
    late = certified_officer(case.agency, "新证执法员", valid_from=D(2026, 9, 20), valid_until=D(2029, 9, 19))
    _officers(case_world, investigate, "zhangsan")
    StepOfficer.objects.create(
        step=investigate,
        officer=late,
        certificate_number=_cert(late),
        showed_certificate=True,
    )
    check = _check(compliance.sheet(case), f"officers:{investigate.seq}")
    assert not check.passed and "新证执法员的执法证当日无效" in check.detail


def test_required_documents_system_and_attached(case_world) -> None:
    user = case_world.users["zhangsan"]
    case = _penalty_through_investigation(case_world)
    sheet = compliance.sheet(case)
    # investigation: one of 询问笔录 / 检查（勘验）笔录 (第五十五条)
    alt = _check(sheet, "document:investigate:询问笔录/检查（勘验）笔录")
    assert not alt.passed
    # 抽样 documents are conditional: no check at all
    assert not [c for c in sheet.checks if "抽样" in c.label]
    _issue(case, "inquiry_record", "询问笔录")
    assert _check(compliance.sheet(case), "document:investigate:询问笔录/").passed
    # 立案审批表 is a system 文书: not satisfied by an upload
    filing = _check(compliance.sheet(case), "document:file_case:立案审批表")
    assert not filing.passed and "尚未签发" in filing.detail
    # 举报（投诉）案件登记表 is conditional
    assert not [c for c in compliance.sheet(case).checks if "举报" in c.label]
    # a paper the system does not generate: satisfied by an attached material naming it
    walk(case, [("review_scope", D(2026, 9, 11)), ("legal_review", D(2026, 9, 11))])
    walk(case, [("complexity", D(2026, 9, 14)), ("decide", D(2026, 9, 14)), ("serve", D(2026, 9, 15))])
    internal = _check(compliance.sheet(case), "document:decide:案件处理内部审批表")
    assert not internal.passed and "请作为材料上传" in internal.detail
    _attach(user, case, "案件处理内部审批表（扫描件）")
    assert _check(compliance.sheet(case), "document:decide:案件处理内部审批表").passed
    # the decision: 行政处罚决定书 or 不予行政处罚决定书, one is enough
    decision = _check(compliance.sheet(case), "document:decide:行政处罚决定书/不予行政处罚决定书")
    assert not decision.passed
    from cases.documents import registry

    no_penalty = registry.for_step_title("不予行政处罚决定书")
    assert no_penalty is not None
    _issue(case, no_penalty.code, "不予行政处罚决定书")
    assert _check(compliance.sheet(case), "document:decide:行政处罚决定书/不予行政处罚决定书").passed


def test_av_duty_met_by_a_recording_or_a_reason(case_world) -> None:
    user = case_world.users["zhangsan"]
    case = _penalty_through_investigation(case_world)
    investigate = _row(case, "investigate")
    av = _check(compliance.sheet(case), f"av:{investigate.seq}")
    assert not av.passed and "无音像记录" in av.detail
    investigate.av_waiver_reason = "现场突发停电，执法记录仪无法使用"
    investigate.save()
    assert _check(compliance.sheet(case), f"av:{investigate.seq}").passed
    investigate.av_waiver_reason = ""
    investigate.save()
    _attach(user, case, "调查取证执法记录仪视频", row=investigate, av=True)
    av = _check(compliance.sheet(case), f"av:{investigate.seq}")
    assert av.passed and "1个音像文件" in av.detail


def test_overdue_clock_fails_met_clock_passes(case_world) -> None:
    case = _penalty_through_investigation(case_world, D(2026, 3, 2))
    check = _check(compliance.sheet(case, today=D(2026, 5, 31)), "clock:decide")
    assert check.passed and check.article == "《行政处罚法》第六十条"
    check = _check(compliance.sheet(case, today=D(2026, 6, 1)), "clock:decide")
    assert not check.passed and "已逾期1日" in check.detail
    walk(case, [("review_scope", D(2026, 5, 30)), ("complexity", D(2026, 5, 30)), ("decide", D(2026, 5, 30))])
    advance(case, "serve", D(2026, 5, 31))
    assert _check(compliance.sheet(case, today=D(2026, 8, 1)), "clock:decide").passed


def test_pending_recusal_blocks(case_world) -> None:
    case = _penalty_through_investigation(case_world)
    Recusal.objects.create(
        case=case, officer=case_world.officers["zhaoliu"], applicant="测试当事人", reason="亲属"
    )
    sheet = compliance.sheet(case)
    gate = _check(sheet, "gate:recusal")
    assert not gate.passed and gate.article == "《行政处罚法》第四十三条" and not sheet.passed


def test_penalty_decided_without_legal_review_fails(case_world) -> None:
    case = _penalty_through_investigation(case_world)
    walk(case, [("review_scope", D(2026, 9, 11)), ("complexity", D(2026, 9, 11)), ("decide", D(2026, 9, 11))])
    advance(case, "serve", D(2026, 9, 12))
    gate = _check(compliance.sheet(case), "gate:legal_review")
    assert not gate.passed and "第五十八条" in gate.article


def test_online_licensing_system_record_replaces_paper_and_av(case_world) -> None:
    user = case_world.users["zhangsan"]
    case = make_case(
        user,
        case_world.items["licensing"],
        "licensing",
        on=D(2026, 11, 2),
        channel="online",
        received_on=D(2026, 11, 2),
    )
    clocks.on_case_opened(case, on=D(2026, 11, 2), actor=user)
    walk(case, [("intake", D(2026, 11, 2)), ("accepted", D(2026, 11, 3)), ("examine", D(2026, 11, 3))])
    sheet = compliance.sheet(case)
    online = _check(sheet, "online:system_record")
    assert online.passed and online.detail.startswith("网上办理、系统全程记录，替代纸质和音像记录")
    apply_row = _row(case, "apply")
    av = _check(sheet, f"av:{apply_row.seq}")
    assert av.passed and "工作方案二（二）1—2" in av.detail
    receipt = _check(sheet, "document:apply:申请材料接收凭证")
    assert receipt.passed and "替代纸质" in receipt.detail
    # the 受理通知书 is a system 文书: still required
    assert not _check(sheet, "document:accepted:受理通知书").passed


def test_offline_licensing_needs_the_application_papers(case_world) -> None:
    user = case_world.users["zhangsan"]
    case = make_case(
        user, case_world.items["licensing"], "licensing", on=D(2026, 11, 2), received_on=D(2026, 11, 2)
    )
    walk(case, [("intake", D(2026, 11, 2))])
    sheet = compliance.sheet(case)
    assert not [c for c in sheet.checks if c.category == "online"]
    assert not _check(sheet, "document:apply:申请材料接收凭证").passed
    assert not _check(sheet, f"av:{_row(case, 'apply').seq}").passed


def test_a_long_pause_is_not_overdue(case_world) -> None:
    case = _penalty_through_investigation(case_world, D(2026, 3, 2))
    clocks.pause_clock(
        case_world.users["zhangsan"], case.clocks.get(step_id="decide"), reason="鉴定", on=D(2026, 5, 1)
    )
    check = _check(compliance.sheet(case, today=D(2026, 7, 1)), "clock:decide")
    # 30 days were left on 05-01; resumed on 07-01 the period would end 07-31
    assert check.passed and "2026-07-31" in check.detail


def test_party_deadline_missed_is_not_the_agencys_failure(case_world) -> None:
    """15 日缴纳罚款 (第六十七条) is the party's limit: paid late / enforced → recorded, the sheet still passes it."""
    case = _penalty_through_investigation(case_world, D(2026, 3, 2))
    walk(
        case,
        [
            ("review_scope", D(2026, 3, 20)),
            ("legal_review", D(2026, 3, 20)),
            ("complexity", D(2026, 3, 23)),
            ("decide", D(2026, 3, 23)),
            ("serve", D(2026, 3, 24)),
            ("execute", D(2026, 3, 25)),
            ("enforce", D(2026, 4, 20)),
        ],
    )
    execute = case.clocks.get(step_id="execute")
    assert execute.met is False
    check = _check(compliance.sheet(case), "clock:execute")
    assert check.passed and "当事人逾期" in check.detail
    # the agency's own limits still fail when missed
    assert _check(compliance.sheet(case), "clock:serve").passed
