"""双公示 (issue #6 item 4; regulations.md §9): every published 行政许可/行政处罚 decision is sent to 信用中国（云南）
within 7 个工作日 of the decision, and sent again as 撤销 when its publication is withdrawn.

The platform does not push over the network: a 公示审核员 exports the pending records of one agency as a CSV
(UTF-8 with BOM, opens in Excel) or JSON file, stored as an evidence Blob (hashed, kept) and downloaded from
``/manage/credit/``. Column definitions and the mapping from the decision publication are documented in
docs/credit-export.md.

Pure rules (columns, rows, due dates, file bytes) first; actions (``on_published``, ``on_withdrawn``,
``export``, ``open_export``) after. Q's results pipeline calls the two hooks inside its own transactions.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from accounts.access import agency_scope, require
from audit.chain import record
from core.errors import SanxiangError
from core.workdays import add_workdays
from publicity.models import CreditExport, CreditRecord, Kind, Publication

# 国办发〔2018〕118号: 行政许可、行政处罚 decisions within 7 个工作日 (the same deadline as their 结果公示).
ADD_DEADLINE_DAYS = 7
# A withdrawn decision is re-sent as 撤销 within 3 个工作日 of the withdrawal, like the public withdrawal itself
# (《行政处罚法》第四十八条第二款; 住建 行政处罚程序规定: copies already pushed to the 信用平台 are dealt with too).
WITHDRAW_DEADLINE_DAYS = 3
# Pending records due within this many working days are shown yellow; overdue ones red.
WARN_WORKDAYS = 2

LICENSING = "行政许可"
PENALTY = "行政处罚"
CATEGORIES = (LICENSING, PENALTY)
FORMATS = ("csv", "json")

# One file holds both kinds; every row names its 公示类别 and leaves the other kind's columns empty.
# (code, 信用中国（云南）column label, applies to)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("category", "公示类别", "both"),
    ("action", "数据状态", "both"),
    ("doc_number", "决定书文号", "both"),
    ("project_name", "项目名称", LICENSING),
    ("approval_category", "审批类别", LICENSING),
    ("license_content", "许可内容", LICENSING),
    ("penalty_name", "处罚名称", PENALTY),
    ("penalty_category", "处罚类别", PENALTY),
    ("penalty_reason", "处罚事由", PENALTY),
    ("penalty_basis", "处罚依据", PENALTY),
    ("penalty_result", "处罚结果", PENALTY),
    ("fine_amount", "罚款金额（元）", PENALTY),
    ("confiscation_amount", "没收违法所得、没收非法财物的金额（元）", PENALTY),
    ("party_name", "行政相对人名称", "both"),
    ("party_type", "行政相对人类别", "both"),
    ("party_code_type", "行政相对人代码类型", "both"),
    ("party_code", "行政相对人代码", "both"),
    ("legal_representative", "法定代表人", "both"),
    ("decided_on", "决定日期", "both"),
    ("agency_name", "决定机关", "both"),
    ("agency_code", "决定机关统一社会信用代码", "both"),
    ("withdrawal_reason", "撤销原因", "both"),
    ("local_id", "本地编码", "both"),
)
HEADER = tuple(label for _code, label, _applies in COLUMNS)


# --- pure rules -------------------------------------------------------------------------------------------


def is_credit_publication(publication: Publication) -> bool:
    """A decision publication of a 许可 or 处罚 (检查结果 and others are not part of 双公示)."""
    return publication.kind == Kind.DECISION and publication.category in CATEGORIES


def add_due_on(decided_on: date, calendar: Any = None) -> date:
    """Last day to send a new decision: 7 working days after the decision (counting from the next day)."""
    return add_workdays(decided_on, ADD_DEADLINE_DAYS, calendar)


def withdraw_due_on(withdrawn_on: date, calendar: Any = None) -> date:
    """Last day to send the 撤销 of a withdrawn decision: 3 working days after the withdrawal."""
    return add_workdays(withdrawn_on, WITHDRAW_DEADLINE_DAYS, calendar)


def urgency(due_on: date, today: date, calendar: Any = None) -> str:
    """ "red" when overdue, "yellow" when due within WARN_WORKDAYS working days, else "" (the shared clock rule,
    ``cases.clock_rules.clock_status``)."""
    from cases import clock_rules
    from core.workdays import DbCalendar

    level = clock_rules.clock_status(
        due_on, today, clock_rules.WORKDAYS, calendar or DbCalendar(), WARN_WORKDAYS
    )
    return "" if level == clock_rules.OK else level


def mask_id_number(value: str) -> str:
    """A natural person's 证件号码 never leaves the platform in full: first 6 and last 4 characters."""
    value = value.strip()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value if v)
    return str(value)


def row(
    payload: dict[str, Any],
    *,
    category: str,
    action: str,
    party: dict[str, str] | None = None,
    agency_code: str = "",
    item_name: str = "",
    withdrawal_reason: str = "",
    local_id: str = "",
) -> dict[str, str]:
    """One export row (code → text) from a decision publication's redacted payload and the party's code.

    ``party``: {"type", "code_type", "code", "legal_representative"} from :func:`party_code`.
    """
    party = party or {}
    values: dict[str, str] = {
        "category": category,
        "action": dict(CreditRecord.Action.choices).get(action, action),
        "doc_number": _text(payload.get("doc_number")),
        "party_name": _text(payload.get("party")),
        "party_type": party.get("type") or _text(payload.get("party_kind")),
        "party_code_type": party.get("code_type", ""),
        "party_code": party.get("code", ""),
        "legal_representative": party.get("legal_representative", ""),
        "decided_on": _text(payload.get("decided_on")),
        "agency_name": _text(payload.get("agency_name")),
        "agency_code": agency_code,
        "withdrawal_reason": withdrawal_reason if action == CreditRecord.Action.WITHDRAW else "",
        "local_id": local_id or _text(payload.get("case_number")),
    }
    if category == LICENSING:
        values.update(
            {
                "project_name": item_name or _text(payload.get("category")),
                "approval_category": "普通",
                "license_content": _text(payload.get("result")),
            }
        )
    else:
        values.update(
            {
                "penalty_name": item_name or f"{_text(payload.get('party'))}行政处罚",
                "penalty_category": _text(payload.get("penalty_types")),
                "penalty_reason": _text(payload.get("facts")),
                "penalty_basis": _text(payload.get("basis")),
                "penalty_result": _text(payload.get("result")),
                "fine_amount": _text(payload.get("fine_amount")),
                "confiscation_amount": _text(payload.get("confiscation_amount")),
            }
        )
    return {code: values.get(code, "") for code, _label, _applies in COLUMNS}


def csv_bytes(rows: Iterable[dict[str, str]]) -> bytes:
    """CSV with a UTF-8 BOM (Excel opens it as UTF-8) and the Chinese header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow([r.get(code, "") for code, _label, _applies in COLUMNS])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def json_bytes(rows: Iterable[dict[str, str]], *, agency_name: str, generated_at: str) -> bytes:
    """JSON: the columns (code → label) and the rows keyed by the Chinese labels, grouped by 公示类别."""
    labels = {code: label for code, label, _applies in COLUMNS}
    grouped: dict[str, list[dict[str, str]]] = {LICENSING: [], PENALTY: []}
    for r in rows:
        applies = {c for c, _l, a in COLUMNS if a in ("both", r["category"])}
        grouped.setdefault(r["category"], []).append(
            {labels[c]: r[c] for c, _l, _a in COLUMNS if c in applies}
        )
    doc = {
        "format": "信用中国（云南）双公示数据",
        "agency": agency_name,
        "generated_at": generated_at,
        "columns": labels,
        "licensing": grouped[LICENSING],
        "penalty": grouped[PENALTY],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


# --- reading the sources ----------------------------------------------------------------------------------


def calendar() -> Any:
    from cases.actions.clocks import ClockCalendar

    return ClockCalendar()


def _decided_on(publication: Publication) -> date:
    raw = (publication.payload or {}).get("decided_on")
    if raw:
        try:
            return date.fromisoformat(str(raw)[:10])
        except ValueError:
            pass
    return timezone.localdate(publication.published_at)


def _case_of(publication: Publication) -> Any:
    """The case behind a decision publication (its source is a ResultDraft), or None."""
    if publication.source_type != "publicity.resultdraft":
        return None
    from publicity.models import ResultDraft

    draft = ResultDraft.objects.select_related("case__item").filter(pk=publication.source_id).first()
    return draft.case if draft else None


def party_code(case: Any) -> dict[str, str]:
    """The 行政相对人代码 of the case's first party: an organisation's 统一社会信用代码 in full; a natural person's
    证件号码 masked (mask_id_number) — the file leaves the platform, the full number does not."""
    if case is None:
        return {}
    from cases.models import Party
    from core import crypto

    party = case.parties.order_by("order", "pk").first()
    if party is None:
        return {}
    number = crypto.decrypt(party.id_number_enc) if party.id_number_enc else ""
    if party.kind == Party.Kind.CITIZEN:
        return {
            "type": "自然人",
            "code_type": party.id_type,
            "code": mask_id_number(number) if number else "",
        }
    return {
        "type": "法人及非法人组织",
        "code_type": party.id_type,
        "code": number,
        "legal_representative": party.legal_representative,
    }


def record_row(rec: CreditRecord) -> dict[str, str]:
    publication = rec.publication
    case = _case_of(publication)
    item = getattr(case, "item", None) if case is not None else None
    return row(
        publication.payload or {},
        category=publication.category,
        action=rec.action,
        party=party_code(case),
        agency_code=publication.agency.credit_code,
        item_name=getattr(item, "name", "") or str((publication.payload or {}).get("item_name") or ""),
        withdrawal_reason=publication.withdrawal_reason,
        local_id=publication.key,
    )


# --- actions ----------------------------------------------------------------------------------------------


def on_published(publication: Publication) -> CreditRecord | None:
    """A decision publication was made (Q's publish_result, inside its transaction): queue its 双公示 (新增), due
    7 working days after the decision. Other kinds and categories: None. Idempotent."""
    if not is_credit_publication(publication):
        return None
    rec, created = CreditRecord.objects.get_or_create(
        publication=publication,
        action=CreditRecord.Action.ADD,
        defaults={
            "agency_id": publication.agency_id,
            "due_on": add_due_on(_decided_on(publication), calendar()),
        },
    )
    if created:
        record(
            "credit.queued",
            actor=publication.published_by,
            agency_id=publication.agency_id,
            obj=rec,
            payload={"publication": publication.pk, "action": rec.action, "due_on": rec.due_on.isoformat()},
        )
    return rec


def on_withdrawn(publication: Publication, *, on: date | None = None) -> CreditRecord | None:
    """A decision publication was withdrawn (Q's withdraw_for_change): queue the 撤销, due 3 working days after the
    withdrawal. Also when the 新增 was never exported — the file then carries both, in order. Idempotent."""
    if not is_credit_publication(publication):
        return None
    if not CreditRecord.objects.filter(publication=publication, action=CreditRecord.Action.ADD).exists():
        on_published(publication)
    withdrawn_on = on or (
        timezone.localdate(publication.withdrawn_at) if publication.withdrawn_at else timezone.localdate()
    )
    rec, created = CreditRecord.objects.get_or_create(
        publication=publication,
        action=CreditRecord.Action.WITHDRAW,
        defaults={"agency_id": publication.agency_id, "due_on": withdraw_due_on(withdrawn_on, calendar())},
    )
    if created:
        record(
            "credit.queued",
            actor=publication.withdrawn_by,
            agency_id=publication.agency_id,
            obj=rec,
            payload={"publication": publication.pk, "action": rec.action, "due_on": rec.due_on.isoformat()},
        )
    return rec


def pending(agency_ids: Iterable[int]) -> Any:
    """Records not exported yet, oldest duty first."""
    return (
        CreditRecord.objects.filter(agency_id__in=list(agency_ids), export__isnull=True)
        .select_related("publication", "agency")
        .order_by("due_on", "id")
    )


def export(user: Any, agency_id: int, *, fmt: str, on: date | None = None, ip: str = "") -> CreditExport:
    """Export every pending record of one agency as one file: all-or-nothing (file, CreditExport row, the records'
    export link and the audit event commit together; a failure leaves no file and no marked record)."""
    from evidence.store import cleanup_on_rollback, ingest

    require(user, "publicity.review", agency_id)
    if fmt not in FORMATS:
        raise SanxiangError("导出格式：请选择 CSV 或 JSON", field="fmt")
    today = on or timezone.localdate()
    with cleanup_on_rollback(), transaction.atomic():
        records = list(
            CreditRecord.objects.select_for_update()
            .filter(agency_id=agency_id, export__isnull=True)
            .select_related("publication__agency")
            .order_by(
                "publication_id", "action", "id"
            )  # 新增 ("add") before 撤销 ("withdraw") of one decision
        )
        if not records:
            raise SanxiangError("该机关没有待报送的双公示记录", field="agency")
        rows = [record_row(r) for r in records]
        agency = records[0].publication.agency
        if fmt == "csv":
            data, content_type = csv_bytes(rows), "text/csv; charset=utf-8"
        else:
            data = json_bytes(rows, agency_name=agency.name, generated_at=timezone.now().isoformat())
            content_type = "application/json"
        blob = ingest([data], content_type=content_type)
        batch = CreditExport.objects.create(
            agency_id=agency_id, fmt=fmt, rows=len(rows), blob=blob, created_by=user
        )
        CreditRecord.objects.filter(pk__in=[r.pk for r in records]).update(export=batch, exported_on=today)
        late = sum(1 for r in records if r.due_on < today)
        record(
            "credit.exported",
            actor=user,
            agency_id=agency_id,
            obj=batch,
            ip=ip,
            payload={"fmt": fmt, "rows": len(rows), "late": late, "sha256": blob.sha256, "sm3": blob.sm3},
        )
    return batch


def filename(batch: CreditExport) -> str:
    return f"双公示-{batch.agency.short_name or batch.agency.name}-{timezone.localtime(batch.created_at):%Y%m%d-%H%M}-{batch.pk}.{batch.fmt}"


def open_export(user: Any, batch: CreditExport, ip: str = "") -> IO[bytes]:
    """The export file for download (公示审核员 over its agency); each download is audited."""
    from evidence.store import open_blob

    require(user, "publicity.review", batch.agency_id)
    with transaction.atomic():
        record(
            "credit.downloaded",
            actor=user,
            agency_id=batch.agency_id,
            obj=batch,
            ip=ip,
            payload={"fmt": batch.fmt},
        )
    return open_blob(batch.blob)


def scope(user: Any) -> set[int]:
    return agency_scope(user, "publicity.review")
