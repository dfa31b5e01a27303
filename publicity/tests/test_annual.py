"""年度数据 (issue #6 item 5): counting rules, manual entries, county isolation, the 1月1日/1月31日 warning and
publication as a snapshot."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from cases.models import Case, CaseStep, Party
from cases.tests.factories import make_case, world
from core.errors import SanxiangError, ValidationFailed
from publicity import annual, annual_actions
from publicity.models import AnnualReport, DecisionChange, Kind, ManualEntry, Publication
from publicity.workbench_annual import warnings

YEAR = 2026
DAY = date(2026, 6, 10)


@pytest.fixture
def w(persona):
    return world(persona)


def decided(
    w, procedure: str, outcome: str, *, types=(), fine=None, confiscation=None, on=DAY, text="", **over
):
    item = w.items[procedure]
    case = make_case(w.users["zhangsan"], item, procedure, on=on, **over)
    Case.objects.filter(pk=case.pk).update(
        outcome=outcome,
        penalty_types=list(types),
        fine_amount=fine,
        confiscation_amount=confiscation,
        decided_on=on,
        outcome_text=text,
    )
    case.refresh_from_db()
    return case


def inspected(w, outcome: str = "no_problem", *, parties: int = 1, record: bool = True, agency_item=None):
    item = agency_item or w.items["inspection"]
    case = make_case(w.users["zhangsan"], item, "inspection", on=DAY)
    Party.objects.filter(case=case).delete()
    for i in range(parties):
        Party.objects.create(case=case, kind=Party.Kind.LEGAL_PERSON, name=f"检查对象{i}")
    if record:
        step = CaseStep.objects.create(
            case=case,
            seq=2,
            step_id="record",
            name="制作检查记录",
            entered_at=case.created_at,
            entered_on=DAY,
        )
        step.completed_on = DAY
        step.save()
    Case.objects.filter(pk=case.pk).update(outcome=outcome, decided_on=DAY)
    return case


# --- pure rules -------------------------------------------------------------------------------------------


def test_heaviest_penalty_follows_the_order_light_to_heavy():
    assert annual.heaviest_penalty(["warning", "fine"]) == "fine"
    assert annual.heaviest_penalty(["fine", "confiscate_income"]) == "confiscation"
    assert annual.heaviest_penalty(["fine", "suspend_license", "warning"]) == "suspend_license"
    assert annual.heaviest_penalty(["revoke_license", "detention"]) == "detention"
    assert annual.heaviest_penalty(["restrict_practice", "suspend_business"]) == "close"
    # 明确种类 + 其他 counts in the 明确种类; 其他 alone in 其他
    assert annual.heaviest_penalty(["other", "criticism"]) == "criticism"
    assert annual.heaviest_penalty(["other"]) == "other"
    labels = [label for _c, label, _ in annual.PENALTY_ORDER]
    assert labels[0] == "警告" and labels[-1] == "行政拘留"
    assert labels.index("罚款") < labels.index("暂扣许可证件") < labels.index("吊销许可证件")
    assert "大同" in annual.PENALTY_ORDER_SOURCE


def test_manual_values_are_validated():
    clean, errors = annual.clean_manual_values("coercion", {"seize": "3", "court": "0"})
    assert clean == {"seize": 3, "court": 0} and not errors
    _clean, errors = annual.clean_manual_values("coercion", {"seize": "-1", "nope": "2"})
    assert any("整数" in e for e in errors) and any("nope" in e for e in errors)
    clean, errors = annual.clean_manual_values("levy", {"count": "2", "amount": "1200.5"})
    assert clean == {"count": 2, "amount": "1200.50"} and not errors
    _clean, errors = annual.clean_manual_values("levy", {"amount": "1.234"})
    assert errors


# --- counting from case data ------------------------------------------------------------------------------


def test_combined_penalty_counts_once_under_the_heaviest_type_and_amounts_come_from_the_decision(w):
    decided(
        w,
        "penalty_general",
        "penalty",
        types=["fine", "suspend_license"],
        fine=Decimal("5000"),
        confiscation=Decimal("1200"),
    )
    decided(w, "penalty_general", "penalty", types=["warning"])
    decided(w, "penalty_simple", "penalty", types=["fine"], fine=Decimal("200"))
    # 没收 without a determinable amount: counted, adds nothing to 罚没金额
    decided(w, "penalty_general", "penalty", types=["confiscate_property", "other"], text="依法减轻处罚")
    decided(w, "penalty_general", "no_penalty")
    decided(w, "penalty_general", "transfer")
    decided(w, "penalty_general", "penalty", types=["fine"], fine=Decimal("999"), on=date(2025, 12, 31))
    make_case(w.users["zhangsan"], w.items["penalty_general"], "penalty_general", on=DAY)  # undecided

    data = annual.compute([w.bureau.id], YEAR)
    penalty = data["tables"]["penalty"]
    total = penalty["total"]
    assert total["total"] == 4  # the combined one once, not twice
    assert total["suspend_license"] == 1 and total["fine"] == 1 and total["warning"] == 1
    assert total["confiscation"] == 1 and total["other"] == 0
    assert total["amount"] == "6400.00"
    assert [r["department"] for r in penalty["rows"]] == ["律师工作管理科"]
    ext = data["extended"]
    assert ext["simple"] == 1 and ext["general"] == 5
    assert ext["no_penalty"] == 1 and ext["transferred"] == 1 and ext["mitigated"] == 1


def test_licensing_counts_and_revocations(w, persona):
    grant = decided(w, "licensing", "grant", received_on=DAY, filed_on=DAY)
    decided(w, "licensing", "refuse", received_on=DAY, filed_on=DAY)
    make_case(
        w.users["zhangsan"], w.items["licensing"], "licensing", on=DAY, received_on=DAY
    )  # not yet accepted
    DecisionChange.objects.create(
        case=grant,
        agency=w.bureau,
        change=DecisionChange.Change.REVOKED,
        source=DecisionChange.Source.RECONSIDERATION,
        occurred_on=date(2026, 9, 1),
        notice="经行政复议撤销",
        due_on=date(2026, 9, 4),
        recorded_by=persona("kezhang"),
    )
    data = annual.compute([w.bureau.id], YEAR)
    lic = data["tables"]["licensing"]["total"]
    assert lic == {"applied": 3, "accepted": 2, "granted": 1, "refused": 1, "revoked": 1}
    assert data["extended"]["reconsideration"] == 1 and data["extended"]["litigation"] == 0


def test_one_inspection_is_one_object_with_a_complete_record(w):
    inspected(w)
    inspected(w, "rectify", parties=2)  # two objects, each with its record
    inspected(w, record=False)  # no complete record: not counted
    inspected(w, parties=0)  # patrol without a specific object: not counted
    data = annual.compute([w.bureau.id], YEAR)
    assert data["tables"]["inspection"]["total"] == {"inspections": 3, "problems": 2, "to_penalty": 0}


def test_legal_review_counts_and_corrections(w, persona):
    from review.models import Opinion, Submission
    from review.tests.factories import approved_row

    lisi = persona("lisi")
    for conclusion in ("agree", "problem"):
        case = decided(w, "penalty_general", "penalty", types=["fine"], fine=Decimal("100"))
        review = approved_row(case, w.users["zhangsan"])
        Opinion.objects.create(
            review=review,
            submission=Submission.objects.get(review=review),
            reviewer=lisi,
            conclusion=conclusion,
            reasons="意见",
            issued_on=DAY,
        )
    ext = annual.compute([w.bureau.id], YEAR)["extended"]
    assert ext["reviewed"] == 2 and ext["corrected"] == 1


# --- manual entries ---------------------------------------------------------------------------------------


def test_manual_entries_are_marked_and_added(w, persona):
    jiandu = persona("jiandu")
    report = annual_actions.get_or_create_report(jiandu, w.bureau.id, YEAR)
    coercion = report.data["own"]["tables"]["coercion"]
    assert coercion["rows"] == [] and "手工填报" in coercion["statement"]
    annual_actions.save_manual_entry(
        jiandu, report, table="coercion", department="律师工作管理科", values={"seize": "3"}, note="线下办理"
    )
    annual_actions.save_manual_entry(
        jiandu, report, table="requisition", department="", values={}, no_duty=True
    )
    report.refresh_from_db()
    tables = report.data["own"]["tables"]
    row = tables["coercion"]["rows"][0]
    assert row["manual"] is True and row["values"]["seize"] == 3 and tables["coercion"]["manual"] is True
    assert tables["coercion"]["total"]["seize"] == 3
    assert tables["requisition"]["statement"] == annual.NO_DUTY
    assert set(report.data["own"]["manual_tables"]) == {"coercion", "requisition"}
    assert report.data["city"]["tables"]["coercion"]["total"]["seize"] == 3
    with pytest.raises(ValidationFailed):
        annual_actions.save_manual_entry(
            jiandu, report, table="coercion", department="", values={"seize": "x"}
        )
    with pytest.raises(PermissionDenied):
        annual_actions.save_manual_entry(
            persona("wangwu"), report, table="coercion", department="", values={"seize": "1"}
        )


# --- isolation --------------------------------------------------------------------------------------------


def test_county_sees_its_own_report_and_the_city_all_ten(w, login, persona):
    decided(w, "penalty_general", "penalty", types=["fine"], fine=Decimal("100"))
    hongta_case = make_case(persona("wangwu"), w.hongta_item, "penalty_general", on=DAY)
    Case.objects.filter(pk=hongta_case.pk).update(
        outcome="penalty", penalty_types=["warning"], decided_on=DAY
    )
    hongta = annual.compute([w.hongta.id], YEAR)
    assert hongta["tables"]["penalty"]["total"]["total"] == 1
    assert hongta["tables"]["penalty"]["total"]["warning"] == 1

    city = annual_actions.city_agency_ids(w.bureau)
    assert city is not None and len(city) == 10 and w.hongta.id in city
    assert annual_actions.city_agency_ids(w.hongta) is None
    report = annual_actions.get_or_create_report(persona("jiandu"), w.bureau.id, YEAR)
    city_rows = {
        r["department"]: r["values"]["total"] for r in report.data["city"]["tables"]["penalty"]["rows"]
    }
    assert city_rows == {"玉溪市司法局": 1, w.hongta.name: 1}

    client = login("hongta_jiandu")
    page = client.get("/manage/annual/?year=2026").content.decode()
    assert w.hongta.name in page and "玉溪市司法局" not in page and "江川区司法局" not in page
    assert client.get(f"/manage/annual/{w.bureau.id}/2026/").status_code == 403
    assert client.get(f"/manage/annual/{w.bureau.id}/2026/export.xlsx").status_code == 403
    with pytest.raises(PermissionDenied):
        annual_actions.get_or_create_report(persona("hongta_jiandu"), w.bureau.id, YEAR)

    page = login("jiandu").get("/manage/annual/?year=2026").content.decode()
    assert page.count("司法局</td>") == 10


# --- the 1月31日 warning ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "level"),
    [
        (date(2027, 1, 1), "yellow"),
        (date(2027, 1, 31), "yellow"),
        (date(2027, 2, 1), "red"),
        (date(2026, 12, 31), "red"),
    ],
)
def test_workbench_warning_boundaries(persona, yuxi, today, level):
    hongta_jiandu = persona("hongta_jiandu")
    items = warnings(hongta_jiandu, today)
    assert len(items) == 1
    assert items[0].level == level
    assert f"{today.year - 1}年度" in items[0].title
    assert warnings(persona("zhangsan"), today) == []  # only those who publish it are warned


def test_no_warning_once_published(w, persona):
    hongta_jiandu = persona("hongta_jiandu")
    report = annual_actions.get_or_create_report(hongta_jiandu, w.hongta.id, YEAR)
    annual_actions.save_narrative(hongta_jiandu, report, "2026年红塔区司法局行政执法情况良好。")
    assert warnings(hongta_jiandu, date(2027, 1, 5))[0].level == "yellow"
    annual_actions.publish_report(hongta_jiandu, report)
    assert warnings(hongta_jiandu, date(2027, 1, 5)) == []
    assert warnings(hongta_jiandu, date(2027, 3, 5)) == []
    # the city's supervisor still sees the nine other 司法局s
    city_items = warnings(persona("jiandu"), date(2027, 2, 1))
    assert sum("个机关" in i.title for i in city_items) == 1
    assert all(w.hongta.name not in i.detail for i in city_items)


# --- publication ------------------------------------------------------------------------------------------


def test_publish_creates_the_snapshot_and_corrections_make_a_new_version(w, persona):
    jiandu = persona("jiandu")
    decided(w, "penalty_general", "penalty", types=["fine", "warning"], fine=Decimal("3000"))
    report = annual_actions.get_or_create_report(jiandu, w.bureau.id, YEAR)
    with pytest.raises(ValidationFailed):
        annual_actions.publish_report(jiandu, report)  # 情况说明 missing
    annual_actions.save_manual_entry(jiandu, report, table="levy", department="", values={"count": "1"})
    annual_actions.save_narrative(jiandu, report, "本年度依法办理行政处罚案件。")
    with pytest.raises(PermissionDenied):
        annual_actions.publish_report(persona("zhangsan"), AnnualReport.objects.get(pk=report.pk))
    made = annual_actions.publish_report(jiandu, AnnualReport.objects.get(pk=report.pk))
    assert [p.key for p in made] == ["2026", "2026-city"]
    own = Publication.objects.current().get(kind=Kind.ANNUAL, agency=w.bureau, key="2026")
    assert own.payload["tables"]["penalty"]["total"]["total"] == 1
    assert own.payload["tables"]["penalty"]["total"]["amount"] == "3000.00"
    assert own.payload["narrative"] == "本年度依法办理行政处罚案件。"
    assert own.payload["manual_tables"] == ["levy"]
    assert own.payload["tables"]["levy"]["rows"][0]["manual"] is True
    assert own.source_type == "publicity.annualreport" and own.source_id == str(report.pk)
    city = Publication.objects.current().get(kind=Kind.ANNUAL, agency=w.bureau, key="2026-city")
    assert city.payload["scope"] == "city" and len(city.payload["agencies"]) == 10

    report.refresh_from_db()
    assert report.state == AnnualReport.State.PUBLISHED and report.publication == own
    with pytest.raises(SanxiangError):
        annual_actions.recompute(jiandu, report)  # frozen once published
    with pytest.raises(SanxiangError):
        annual_actions.save_manual_entry(jiandu, report, table="levy", department="", values={"count": "2"})

    # 更正: reopen, recompute with a new case, publish again → version 2, version 1 kept
    decided(w, "penalty_general", "penalty", types=["fine"], fine=Decimal("500"))
    annual_actions.reopen_report(jiandu, report, reason="补录漏报案件")
    annual_actions.recompute(jiandu, report)
    annual_actions.publish_report(jiandu, AnnualReport.objects.get(pk=report.pk))
    versions = Publication.objects.filter(kind=Kind.ANNUAL, agency=w.bureau, key="2026").order_by("version")
    assert [p.version for p in versions] == [1, 2]
    assert versions[0].superseded_at is not None
    assert versions[1].payload["tables"]["penalty"]["total"]["total"] == 2
    assert AnnualReport.objects.filter(agency=w.bureau, year=YEAR).count() == 1


def test_every_past_year_is_kept(w, persona):
    jiandu = persona("jiandu")
    r2025 = annual_actions.get_or_create_report(jiandu, w.bureau.id, 2025)
    r2026 = annual_actions.get_or_create_report(jiandu, w.bureau.id, 2026)
    assert r2025.pk != r2026.pk
    assert annual_actions.get_or_create_report(jiandu, w.bureau.id, 2025).pk == r2025.pk
    with pytest.raises(SanxiangError):
        annual_actions.get_or_create_report(jiandu, w.bureau.id, 2099)
    assert ManualEntry.objects.count() == 0
