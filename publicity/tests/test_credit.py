"""双公示 export (issue #6 item 4): a 许可/处罚 decision publication queues a 新增 due 7 working days after the
decision; a withdrawal queues a 撤销; the 公示审核员 exports all pending records of an agency as CSV (UTF-8 BOM) or
JSON, stored as an evidence Blob, all-or-nothing and audited; the file is downloadable from /manage/credit/."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Party
from core import crypto
from core.errors import SanxiangError
from evidence.models import Blob
from publicity import actions, credit
from publicity.models import CreditExport, CreditRecord, Kind, Publication, ResultDraft

DECIDED = date(2026, 9, 1)  # a Tuesday; no 2026 holidays before 国庆
ORG_CODE = "91530400MA6K123456"
CITIZEN_ID = "530402198801011234"


def _decision(
    world: Any, category: str, *, party_kind: str = Party.Kind.LEGAL_PERSON, n: int = 1
) -> Publication:
    """A decision publication made the way Q's publish_result makes it: source = a ResultDraft of a case."""
    from cases.tests.factories import make_case

    procedure = "licensing" if category == "行政许可" else "penalty_general"
    case = make_case(world.users["zhangsan"], world.items[procedure], procedure, party_kind=party_kind)
    party = case.parties.get()
    party.id_type = "统一社会信用代码" if party_kind != Party.Kind.CITIZEN else "居民身份证"
    party.id_number_enc = crypto.encrypt(ORG_CODE if party_kind != Party.Kind.CITIZEN else CITIZEN_ID)
    party.legal_representative = "钱律师" if party_kind != Party.Kind.CITIZEN else ""
    party.save()
    draft = ResultDraft.objects.create(
        case=case,
        agency=case.agency,
        category=category,
        decided_on=DECIDED,
        deadline_days=7,
        due_on=date(2026, 9, 10),
    )
    payload = {
        "doc_number": f"玉司罚决字〔2026〕{n}号",
        "agency_name": case.agency.name,
        "party": party.name,
        "party_kind": "法人或其他组织" if party_kind != Party.Kind.CITIZEN else "自然人",
        "category": category,
        "facts": "未按规定办理执业机构变更登记",
        "basis": "《律师事务所管理办法》第六十五条",
        "result": "警告，罚款5000元" if category == "行政处罚" else "准予设立律师事务所",
        "decided_on": DECIDED.isoformat(),
        "procedure": "一般程序",
        "penalty_types": ["警告", "罚款"] if category == "行政处罚" else [],
        "fine_amount": "5000.00" if category == "行政处罚" else None,
        "confiscation_amount": None,
        "case_number": case.number,
    }
    return actions.publish(
        world.users["gongshi"],
        kind=Kind.DECISION,
        agency_id=case.agency_id,
        key=case.number,
        title=f"{payload['doc_number']} {party.name}",
        payload=payload,
        source=draft,
        category=category,
    )


@pytest.fixture
def w(case_world):
    return case_world


def test_7th_working_day_is_the_add_deadline(w) -> None:
    pub = _decision(w, "行政处罚")
    rec = credit.on_published(pub)
    assert rec is not None and rec.action == CreditRecord.Action.ADD
    # 2026-09-01 (Tue) + 7 working days, counting from the next day: Wed 2 … Thu 10.
    assert rec.due_on == date(2026, 9, 10)
    assert credit.urgency(rec.due_on, date(2026, 9, 10)) == "yellow"
    assert credit.urgency(rec.due_on, date(2026, 9, 11)) == "red"  # the 8th working day is late
    assert credit.on_published(pub) == rec  # idempotent
    assert CreditRecord.objects.filter(publication=pub).count() == 1


def test_inspection_results_and_other_kinds_are_not_credit_records(w) -> None:
    pub = _decision(w, "行政处罚")
    pub.category = "行政检查"
    assert credit.on_published(pub) is None
    pub.category = "行政处罚"
    pub.kind = Kind.ITEM
    assert credit.on_published(pub) is None
    assert not CreditRecord.objects.exists()


def test_withdrawal_queues_a_revocation_due_in_3_working_days(w) -> None:
    pub = _decision(w, "行政处罚")
    credit.on_published(pub)
    gone = actions.withdraw(w.users["gongshi"], pub, "该处罚决定经行政复议被撤销，依法撤回公示")
    rec = credit.on_withdrawn(gone, on=date(2026, 9, 25))  # a Friday: Mon 28, Tue 29, Wed 30
    assert rec is not None and rec.action == CreditRecord.Action.WITHDRAW
    assert rec.due_on == date(2026, 9, 30)
    assert credit.on_withdrawn(gone, on=date(2026, 9, 25)) == rec


def test_csv_export_all_columns_bom_and_masked_citizen_id(w, evidence_tmp) -> None:
    penalty = _decision(w, "行政处罚", n=1)
    licence = _decision(w, "行政许可", n=2)
    citizen = _decision(w, "行政处罚", party_kind=Party.Kind.CITIZEN, n=3)
    for pub in (penalty, licence, citizen):
        credit.on_published(pub)
    batch = credit.export(w.users["gongshi"], w.bureau.pk, fmt="csv", on=date(2026, 9, 3))
    assert batch.rows == 3 and batch.fmt == "csv"
    data = evidence_tmp.joinpath(batch.blob.storage_name).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(credit.HEADER)
    by_doc = {r["决定书文号"]: r for r in rows}
    p = by_doc["玉司罚决字〔2026〕1号"]
    assert p["公示类别"] == "行政处罚" and p["数据状态"] == "新增"
    assert p["处罚类别"] == "警告、罚款" and p["处罚依据"] == "《律师事务所管理办法》第六十五条"
    assert p["处罚事由"] == "未按规定办理执业机构变更登记" and p["罚款金额（元）"] == "5000.00"
    assert p["行政相对人代码"] == ORG_CODE and p["法定代表人"] == "钱律师"
    assert p["决定日期"] == "2026-09-01" and p["决定机关"] == w.bureau.name
    assert p["项目名称"] == ""  # licensing column left empty on a penalty row
    lic = by_doc["玉司罚决字〔2026〕2号"]
    assert lic["公示类别"] == "行政许可" and lic["许可内容"] == "准予设立律师事务所"
    assert lic["项目名称"] == w.items["licensing"].name and lic["处罚结果"] == ""
    cit = by_doc["玉司罚决字〔2026〕3号"]
    assert CITIZEN_ID not in data.decode("utf-8-sig")
    assert cit["行政相对人代码"] == "530402********1234" and cit["行政相对人类别"] == "自然人"
    assert CreditRecord.objects.filter(export=batch, exported_on=date(2026, 9, 3)).count() == 3
    event = AuditEvent.objects.get(action="credit.exported")
    assert event.object_id == str(batch.pk)
    # Nothing pending any more: a second export is refused and records nothing.
    with pytest.raises(SanxiangError, match="没有待报送"):
        credit.export(w.users["gongshi"], w.bureau.pk, fmt="json")
    assert CreditExport.objects.count() == 1


def test_json_export_resends_a_withdrawn_decision_as_revocation(w, evidence_tmp) -> None:
    pub = _decision(w, "行政处罚")
    credit.on_published(pub)
    first = credit.export(w.users["gongshi"], w.bureau.pk, fmt="json")
    gone = actions.withdraw(w.users["gongshi"], pub, "该处罚决定经行政复议被撤销，依法撤回公示")
    credit.on_withdrawn(gone)
    second = credit.export(w.users["jiandu"], w.bureau.pk, fmt="json")
    doc = json.loads(evidence_tmp.joinpath(second.blob.storage_name).read_bytes())
    assert doc["format"] == "信用中国（云南）双公示数据" and doc["licensing"] == []
    [row] = doc["penalty"]
    assert row["数据状态"] == "撤销" and row["撤销原因"] == "该处罚决定经行政复议被撤销，依法撤回公示"
    assert row["决定书文号"] == "玉司罚决字〔2026〕1号" and "许可内容" not in row
    assert first.records.get().action == "add" and second.records.get().action == "withdraw"


def test_unexported_add_and_revocation_go_out_together_in_order(w, evidence_tmp) -> None:
    pub = _decision(w, "行政处罚")
    credit.on_published(pub)
    gone = actions.withdraw(w.users["gongshi"], pub, "该处罚决定经行政复议被撤销，依法撤回公示")
    credit.on_withdrawn(gone)
    batch = credit.export(w.users["gongshi"], w.bureau.pk, fmt="csv")
    rows = list(
        csv.DictReader(io.StringIO(evidence_tmp.joinpath(batch.blob.storage_name).read_text("utf-8-sig")))
    )
    assert [r["数据状态"] for r in rows] == ["新增", "撤销"]


def test_export_is_all_or_nothing(w, evidence_tmp, monkeypatch) -> None:
    credit.on_published(_decision(w, "行政处罚"))

    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("audit chain unavailable")

    monkeypatch.setattr(credit, "record", broken)
    blobs = Blob.objects.count()
    with pytest.raises(RuntimeError):
        credit.export(w.users["gongshi"], w.bureau.pk, fmt="csv")
    assert CreditExport.objects.count() == 0 and Blob.objects.count() == blobs
    assert CreditRecord.objects.filter(export__isnull=True).count() == 1
    assert not [p for p in evidence_tmp.rglob("*") if p.is_file() and "tmp" not in p.parts]


def test_only_publicity_reviewers_over_the_agency_export(w, persona) -> None:
    credit.on_published(_decision(w, "行政处罚"))
    for who in ("zhangsan", "kezhang", "hongta_jiandu"):
        with pytest.raises(PermissionDenied):
            credit.export(persona(who), w.bureau.pk, fmt="csv")
    with pytest.raises(SanxiangError, match="CSV 或 JSON"):
        credit.export(w.users["gongshi"], w.bureau.pk, fmt="xlsx")


def test_staff_page_export_and_download(w, client, evidence_tmp) -> None:
    pub = _decision(w, "行政处罚")
    credit.on_published(pub)
    client.force_login(w.users["gongshi"])
    page = client.get(reverse("credit:index"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "玉司罚决字〔2026〕1号" in body and "待报送（1条）" in body
    response = client.post(reverse("credit:export"), {"agency": w.bureau.pk, "fmt": "csv"}, follow=True)
    assert "已导出1条双公示记录" in response.content.decode()
    batch = CreditExport.objects.get()
    download = client.get(reverse("credit:download", args=[batch.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"\xef\xbb\xbf")
    assert AuditEvent.objects.filter(action="credit.downloaded").count() == 1
    # Nothing left: the error is shown on the page and the chosen format is kept.
    again = client.post(reverse("credit:export"), {"agency": w.bureau.pk, "fmt": "json"}, follow=True)
    text = again.content.decode()
    assert "该机关没有待报送的双公示记录" in text and '<option value="json" selected>' in text


def test_download_out_of_scope_is_refused(w, client, evidence_tmp, persona) -> None:
    credit.on_published(_decision(w, "行政处罚"))
    batch = credit.export(w.users["gongshi"], w.bureau.pk, fmt="csv")
    client.force_login(persona("hongta_jiandu"))
    assert client.get(reverse("credit:download", args=[batch.pk])).status_code == 403
    assert client.post(reverse("credit:export"), {"agency": w.bureau.pk, "fmt": "csv"}).status_code == 403


def test_workbench_shows_pending_records_and_overdue_warning(w, persona) -> None:
    from publicity import workbench_credit

    rec = credit.on_published(_decision(w, "行政处罚"))
    assert rec is not None
    todos, warnings = workbench_credit.items(w.users["gongshi"])
    [todo] = todos
    assert todo.title == f"双公示报送：{w.bureau.name}" and "待报送1条" in todo.detail
    assert todo.url.endswith(f"?agency={w.bureau.pk}")
    assert rec.due_on == date(2026, 9, 10)  # long past: red, and a warning
    assert todo.level == "red" and [x.title for x in warnings] == [f"双公示逾期未报送：{w.bureau.name}"]
    assert workbench_credit.items(persona("zhangsan")) == ([], [])
    assert workbench_credit.items(persona("hongta_jiandu")) == ([], [])  # not its agency
