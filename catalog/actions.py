"""State changes of the 事项清单: save a draft, submit, return, approve (publish), abolish, bulk import.

Each checks its rule (catalog.rules, publicity.rules.review_transition), writes, records the audit event and an
``ItemRevision`` in one transaction. Workflow (seed 二(一)3): a 科室 drafts and submits (publicity.draft, own
agency); the 行政执法协调监督科 approves — which publishes a ``publicity.Publication`` snapshot — or returns with
comments (publicity.review, supervised agencies). Every submitted and published version is kept and dated.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.access import require
from audit.chain import record
from catalog import rules
from catalog.models import (
    AvDuty,
    DiscretionBand,
    GuideMaterial,
    Item,
    ItemRevision,
    LegalBasis,
    ServiceGuide,
)
from catalog.process import PROCEDURES
from core.errors import SanxiangError, ValidationFailed
from core.models import Agency
from org.models import Department
from publicity import actions as publicity_actions
from publicity.models import Kind
from publicity.rules import DRAFT, PUBLISHED, RETURNED, SUBMITTED, editable, review_transition

ITEM_FIELDS = [
    "code",
    "name",
    "category",
    "level",
    "procedure",
    "time_limit_days",
    "time_limit_unit",
    "time_limit_text",
    "is_major",
    "major_criteria",
    "is_random_inspection",
    "inspection_sub_items",
    "inspection_method",
    "inspection_content",
    "inspection_note",
    "change_note",
]
GUIDE_FIELDS = ["conditions", "fees", "time_limit", "remedies", "window", "phone"]
_BATCH = 500


# ------------------------------------------------------------------------------------------------ reading helpers
def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def item_data(item: Item) -> dict[str, Any]:
    """The item as item data (see catalog.rules), JSON-serialisable (fines as strings). Used for snapshots."""
    data: dict[str, Any] = {name: getattr(item, name) for name in ITEM_FIELDS}
    data["department"] = item.department.name
    data["legal_bases"] = [
        {"law": b.law, "article": b.article, "text": b.text} for b in item.legal_bases.all()
    ]
    data["discretion"] = [
        {
            "condition": d.condition,
            "range_text": d.range_text,
            "fine_min": _dec(d.fine_min),
            "fine_max": _dec(d.fine_max),
            "note": d.note,
        }
        for d in item.discretion_bands.all()
    ]
    data["av_duties"] = [{"step": a.step, "requirement": a.requirement} for a in item.av_duties.all()]
    guide = ServiceGuide.objects.filter(item=item).first()
    data["guide"] = (
        {
            **{name: getattr(guide, name) for name in GUIDE_FIELDS},
            "materials": [
                {"name": m.name, "required": m.required, "copies": m.copies, "sample": m.sample.name or ""}
                for m in guide.materials.all()
            ],
        }
        if guide
        else None
    )
    return data


def _checkable(data: dict[str, Any]) -> dict[str, Any]:
    """Item data with fines as Decimals again (snapshots store them as strings)."""
    out = dict(data)
    out["discretion"] = [
        {
            **d,
            "fine_min": rules.to_decimal(d.get("fine_min")),
            "fine_max": rules.to_decimal(d.get("fine_max")),
        }
        for d in data.get("discretion") or []
    ]
    return out


def publication_payload(item: Item) -> dict[str, Any]:
    """The public snapshot of an item (contracts.md, kind="item")."""
    data = item_data(item)
    inspection = None
    if item.category == rules.INSPECTION and item.is_random_inspection:
        inspection = {
            "sub_items": item.inspection_sub_items,
            "method": item.inspection_method,
            "content": item.inspection_content,
            "note": item.inspection_note,
        }
    return {
        "code": item.code,
        "name": item.name,
        "category": item.get_category_display(),
        "level": item.get_level_display(),
        "agency_name": item.agency.name,
        "department": item.department.name,
        "procedure": item.procedure,
        "procedure_label": PROCEDURES.get(item.procedure, ""),
        "legal_bases": data["legal_bases"],
        "time_limit": item.time_limit_display,
        "time_limit_days": item.time_limit_days,
        "time_limit_unit": item.get_time_limit_unit_display() if item.time_limit_days else "",
        "discretion": [
            {"condition": d["condition"], "range": d["range_text"], "note": d["note"]}
            for d in data["discretion"]
        ],
        "is_major": item.is_major,
        "major_criteria": item.major_criteria if item.is_major else "",
        "av_duties": data["av_duties"],
        "inspection": inspection,
        "guide": data["guide"] if item.category == rules.LICENSING else None,
        "change_note": item.change_note,
    }


def search_text(item: Item) -> str:
    parts = [item.name, item.code]
    for b in item.legal_bases.all():
        parts += [b.law, b.article, b.text]
    return " ".join(p for p in parts if p)


def _revision(
    item: Item,
    user: Any,
    action: str,
    *,
    comment: str = "",
    version: int | None = None,
    snapshot: dict[str, Any] | None = None,
) -> ItemRevision:
    return ItemRevision.objects.create(
        item=item,
        agency_id=item.agency_id,
        action=action,
        actor=user if getattr(user, "is_authenticated", False) else None,
        at=timezone.now(),
        comment=comment,
        version=version,
        snapshot=snapshot,
    )


def last_published_snapshot(item: Item) -> dict[str, Any] | None:
    rev = item.revisions.filter(action=ItemRevision.Action.APPROVE).order_by("-at", "-id").first()
    return rev.snapshot if rev else None


# ------------------------------------------------------------------------------------------------------- drafts
def _department(agency: Agency, value: Any) -> Department:
    if isinstance(value, Department):
        dept = value if value.agency_id == agency.pk else None
    elif isinstance(value, int):
        dept = Department.objects.filter(agency=agency, pk=value).first()
    else:
        dept = Department.objects.filter(agency=agency, name=str(value or "").strip()).first()
    if dept is None:
        raise SanxiangError(f"承办科室：“{value}”不是{agency.name}的内设机构", field="department")
    return dept


def _store_sample(agency: Agency, upload: UploadedFile) -> str:
    error = rules.sample_file_error(upload.name or "", upload.size or 0)
    if error:
        raise SanxiangError(error, field="sample")
    return default_storage.save(f"samples/{agency.pk}/{uuid.uuid4().hex[:12]}/{upload.name}", upload)


def save_item(user: Any, agency: Agency, item: Item | None, data: dict[str, Any], ip: str = "") -> Item:
    """Create or update a draft with its child rows (依据, 裁量, 音像, 服务指南与材料) in one transaction.

    A 科室 edits its own agency's items (publicity.draft); an item waiting for review cannot change, nor can
    an abolished one; a published item keeps its 事项编码 (the public key of its versions) and becomes a draft
    of its next version until it is approved again.
    """
    require(user, "publicity.draft", agency.pk)
    if item is not None:
        if item.agency_id != agency.pk:
            raise SanxiangError("事项不属于该机关", field="agency")
        if item.is_abolished:
            raise SanxiangError("该事项已废止，不能修改", field="state")
        if not editable(item.state):
            raise SanxiangError(
                f"当前状态为“{item.get_state_display()}”，不能修改；如需修改请先由监督科退回", field="state"
            )
    department = _department(agency, data.get("department"))
    clean = {**data, "department": department.name}
    clean.setdefault("procedure", rules.default_procedure(clean.get("category", "")))
    errors = rules.check_item(clean)
    if errors:
        raise ValidationFailed(errors, field=_first_field(errors))
    code = clean["code"].strip()
    if Item.objects.filter(agency=agency, code=code).exclude(pk=item.pk if item else 0).exists():
        raise SanxiangError(f"事项编码：本机关已有编码为“{code}”的事项", field="code")
    if item is not None and item.published_version and item.code != code:
        raise SanxiangError(
            "事项编码：已发布的事项不能修改编码（编码是公示版本的标识）；如需变更请废止后新建", field="code"
        )
    guide = clean.get("guide")
    allowed_samples: set[str] = set()
    if item is not None:
        allowed_samples = {
            name
            for name in GuideMaterial.objects.filter(guide__item=item).values_list("sample", flat=True)
            if name
        }
    samples: list[str] = []
    for m in (guide or {}).get("materials") or []:
        sample = m.get("sample") or ""
        if isinstance(sample, str) and sample and sample not in allowed_samples:
            raise SanxiangError("示范文本：只能保留本事项已上传的文件或上传新文件", field="sample")
    with transaction.atomic():
        for m in (guide or {}).get("materials") or []:
            sample = m.get("sample") or ""
            samples.append(_store_sample(agency, sample) if isinstance(sample, UploadedFile) else sample)
        created = item is None
        target = item or Item(agency=agency, created_by=user, state=DRAFT)
        for name in ITEM_FIELDS:
            if name in clean:
                setattr(target, name, clean[name])
        target.code = code
        target.name = clean["name"].strip()
        target.department = department
        target.time_limit_unit = clean.get("time_limit_unit") or "workday"
        target.updated_by = user
        if target.state == PUBLISHED:
            target.state = DRAFT
        target.save()
        _replace_children(target, clean, samples)
        if created:
            _revision(target, user, ItemRevision.Action.CREATE)
        record(
            "catalog.item_created" if created else "catalog.item_updated",
            actor=user,
            agency_id=agency.pk,
            obj=target,
            ip=ip,
            payload={"code": target.code, "category": target.category, "state": target.state},
        )
    return target


def _first_field(errors: list[str]) -> str | None:
    labels = {
        "事项编码": "code",
        "事项名称": "name",
        "事项类别": "category",
        "实施层级": "level",
        "承办科室": "department",
        "办理程序": "procedure",
        "办理时限": "time_limit_days",
        "时限单位": "time_limit_unit",
        "重大执法决定认定标准": "major_criteria",
        "检查方式": "inspection_method",
        "检查内容": "inspection_content",
    }
    return labels.get(errors[0].split("：")[0]) if errors else None


def _replace_children(item: Item, data: dict[str, Any], samples: list[str]) -> None:
    item.legal_bases.all().delete()
    item.discretion_bands.all().delete()
    item.av_duties.all().delete()
    LegalBasis.objects.bulk_create(_bases(item.pk, data.get("legal_bases") or []))
    DiscretionBand.objects.bulk_create(_bands(item.pk, data.get("discretion") or []))
    AvDuty.objects.bulk_create(_duties(item.pk, data.get("av_duties") or []))
    guide_data = data.get("guide")
    existing = ServiceGuide.objects.filter(item=item).first()
    if not guide_data:
        if existing is not None:
            existing.materials.all().delete()
            existing.delete()
        return
    guide = existing or ServiceGuide(item=item)
    for name in GUIDE_FIELDS:
        setattr(guide, name, (guide_data.get(name) or "").strip())
    guide.fees = guide.fees or "不收费"
    guide.save()
    guide.materials.all().delete()
    GuideMaterial.objects.bulk_create(
        GuideMaterial(
            guide=guide,
            name=m["name"].strip(),
            required=bool(m.get("required", True)),
            copies=m.get("copies") or 1,
            sample=samples[i] if i < len(samples) else "",
            order=i,
        )
        for i, m in enumerate(guide_data.get("materials") or [])
    )


def _bases(item_id: int, bases: Iterable[dict[str, Any]]) -> list[LegalBasis]:
    return [
        LegalBasis(
            item_id=item_id,
            law=b["law"].strip(),
            article=(b.get("article") or "").strip(),
            text=(b.get("text") or "").strip(),
            order=i,
        )
        for i, b in enumerate(bases)
    ]


def _bands(item_id: int, bands: Iterable[dict[str, Any]]) -> list[DiscretionBand]:
    return [
        DiscretionBand(
            item_id=item_id,
            condition=d["condition"].strip(),
            range_text=d["range_text"].strip(),
            fine_min=rules.to_decimal(d.get("fine_min")),
            fine_max=rules.to_decimal(d.get("fine_max")),
            note=(d.get("note") or "").strip(),
            order=i,
        )
        for i, d in enumerate(bands)
    ]


def _duties(item_id: int, duties: Iterable[dict[str, Any]]) -> list[AvDuty]:
    return [
        AvDuty(item_id=item_id, step=a["step"].strip(), requirement=a["requirement"].strip(), order=i)
        for i, a in enumerate(duties)
    ]


# ------------------------------------------------------------------------------------------------------- review
def _locked(item: Item) -> Item:
    return Item.objects.select_for_update().select_related("agency", "department").get(pk=item.pk)


def submit_item(user: Any, item: Item, ip: str = "") -> Item:
    """报送审核: the 科室 sends a complete draft to the 监督科 (seed 二(一)3). Everything required for publication
    must be present already (《行政处罚法》第三十四条, 《行政许可法》第三十条 — see rules.publication_gaps)."""
    require(user, "publicity.draft", item.agency_id)
    with transaction.atomic():
        item = _locked(item)
        if item.is_abolished:
            raise SanxiangError("该事项已废止，不能报送", field="state")
        try:
            state = review_transition(item.state, "submit")
        except ValueError as exc:
            raise SanxiangError(str(exc), field="state") from exc
        snapshot = item_data(item)
        errors = rules.check_item(_checkable(snapshot), for_publication=True)
        if errors:
            raise ValidationFailed(errors, field=_first_field(errors))
        item.state = state
        item.submitted_at = timezone.now()
        item.save(update_fields=["state", "submitted_at", "updated_at"])
        _revision(item, user, ItemRevision.Action.SUBMIT, comment=item.change_note, snapshot=snapshot)
        record(
            "catalog.item_submitted",
            actor=user,
            agency_id=item.agency_id,
            obj=item,
            ip=ip,
            payload={"code": item.code},
        )
    return item


def return_item(user: Any, item: Item, comment: str, ip: str = "") -> Item:
    """退回修改 with a written reason (监督科, publicity.review over the agency)."""
    require(user, "publicity.review", item.agency_id)
    error = rules.check_comment(comment)
    if error:
        raise SanxiangError(error, field="comment")
    with transaction.atomic():
        item = _locked(item)
        try:
            state = review_transition(item.state, "return")
        except ValueError as exc:
            raise SanxiangError(str(exc), field="state") from exc
        item.state = state
        item.return_comment = comment.strip()
        item.save(update_fields=["state", "return_comment", "updated_at"])
        _revision(item, user, ItemRevision.Action.RETURN, comment=item.return_comment)
        record(
            "catalog.item_returned",
            actor=user,
            agency_id=item.agency_id,
            obj=item,
            ip=ip,
            payload={"code": item.code},
        )
    return item


def approve_item(user: Any, item: Item, comment: str = "", ip: str = "") -> Item:
    """审核发布: the 监督科 approves a submitted item, which publishes its next version (publicity.actions.publish)."""
    require(user, "publicity.review", item.agency_id)
    with transaction.atomic():
        item = _locked(item)
        try:
            state = review_transition(item.state, "approve")
        except ValueError as exc:
            raise SanxiangError(str(exc), field="state") from exc
        snapshot = item_data(item)
        errors = rules.check_item(_checkable(snapshot), for_publication=True)
        if errors:
            raise ValidationFailed(errors)
        publication = publicity_actions.publish(
            user,
            kind=Kind.ITEM,
            agency_id=item.agency_id,
            key=item.code,
            title=item.name,
            payload=publication_payload(item),
            source=item,
            category=item.get_category_display(),
            department=item.department.name,
            search_text=search_text(item),
            ip=ip,
        )
        item.state = state
        item.published_version = publication.version
        item.published_at = publication.published_at
        item.return_comment = ""
        item.save(
            update_fields=["state", "published_version", "published_at", "return_comment", "updated_at"]
        )
        _revision(
            item,
            user,
            ItemRevision.Action.APPROVE,
            comment=(comment or "").strip(),
            version=publication.version,
            snapshot=snapshot,
        )
        record(
            "catalog.item_approved",
            actor=user,
            agency_id=item.agency_id,
            obj=item,
            ip=ip,
            payload={"code": item.code, "version": publication.version},
        )
    return item


def abolish_item(user: Any, item: Item, reason: str, ip: str = "") -> Item:
    """废止: the item leaves the 事项清单; its publication is withdrawn with the reason (kept for the record)."""
    require(user, "publicity.review", item.agency_id)
    error = rules.check_comment(reason, "废止理由")
    if error:
        raise SanxiangError(error, field="reason")
    with transaction.atomic():
        item = _locked(item)
        if item.is_abolished:
            raise SanxiangError("该事项已废止，无需重复操作", field="reason")
        publicity_actions.withdraw_source(user, item, reason.strip(), ip=ip)
        item.is_abolished = True
        item.abolished_reason = reason.strip()[:300]
        item.abolished_at = timezone.now()
        item.save(update_fields=["is_abolished", "abolished_reason", "abolished_at", "updated_at"])
        _revision(item, user, ItemRevision.Action.ABOLISH, comment=item.abolished_reason)
        record(
            "catalog.item_abolished",
            actor=user,
            agency_id=item.agency_id,
            obj=item,
            ip=ip,
            payload={"code": item.code},
        )
    return item


# ------------------------------------------------------------------------------------------------------- import
_PREPARED = (models.DateTimeField, models.DecimalField, models.JSONField)


def _raw_insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT many rows, a few hundred per multi-row INSERT statement (one round trip each, also on PostgreSQL).

    The ORM's bulk_create spends ~0.15 ms per object building model instances and SQL (10 s for the 60,000 rows of
    a 10,000-item import); the target is well under 10 s (issue #3, make bench), so the import writes plain rows.
    Columns missing from a row take the field default; dates, decimals and JSON are prepared by their field.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        _copy_rows(model, fields, defaults, rows)
        return
    per_statement = max(1, min(500, 30000 // len(fields)))  # SQLite allows 32,766 parameters per statement
    # Table and column names come from the model's metadata, quoted by the backend; values are parameters.
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608
        qn(str(model._meta.db_table)), ", ".join(qn(str(f.column)) for f in fields)
    )
    one = "({})".format(", ".join(["%s"] * len(fields)))
    prepared = [(f.attname, f if isinstance(f, _PREPARED) else None) for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list[Any] = []
            for row in chunk:
                for attname, field in prepared:
                    value = row.get(attname, defaults[attname])
                    params.append(
                        field.get_db_prep_save(value, connection)
                        if field is not None and value is not None
                        else value
                    )
            cursor.execute(head + ", ".join([one] * len(chunk)), params)


def _copy_rows(
    model: type[models.Model], fields: list[Any], defaults: dict[str, Any], rows: list[dict[str, Any]]
) -> None:
    """PostgreSQL: COPY … FROM STDIN (psycopg splits a long multi-row INSERT slowly on the client side)."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(str(f.column)) for f in fields)
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    sql = f"COPY {qn(str(model._meta.db_table))} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values = []
            for f in fields:
                value = row.get(f.attname, defaults[f.attname])
                if f.attname in json_fields and value is not None:
                    value = json.dumps(value, ensure_ascii=False)
                values.append(value)
            copy.write_row(values)


def import_item_drafts(
    user: Any,
    agency_id: int,
    rows: list[dict[str, Any]],
    *,
    source: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Import rows of the 附件2 template as drafts, all or nothing (issue #3 item 4: one bad row imports nothing).

    Every row is validated first (``rules.validate_item`` plus: the 承办科室 exists in the agency, the 编码 is not
    repeated in the file, an existing item with that 编码 is neither waiting for review nor abolished); any problem
    raises ValidationFailed listing "第N行：…" for every bad row and nothing is written. Then new items are
    created and existing editable ones updated (a published one becomes the draft of its next version) with bulk
    operations in one transaction, with one audit event. ``progress(done, total)`` is called every 500 rows
    (validation counts as the first half). Returns the number of rows imported.
    """
    require(user, "publicity.draft", agency_id)
    total = len(rows)
    if total == 0:
        raise ValidationFailed(["导入文件中没有事项数据"])
    departments = dict(
        Department.objects.filter(agency_id=agency_id, is_active=True).values_list("name", "id")
    )
    existing = {
        code: (pk, state, abolished, version)
        for pk, code, state, abolished, version in Item.objects.filter(agency_id=agency_id).values_list(
            "id", "code", "state", "is_abolished", "published_version"
        )
    }
    errors: list[str] = []
    parsed: list[dict[str, Any]] = []
    first_row: dict[str, int] = {}
    for i, row in enumerate(rows):
        n = row.get("_row") or i + 2
        data, row_errors = rules.parse_and_validate(row)
        code = data["code"]
        if data["department"] and data["department"] not in departments:
            row_errors.append(f"承办科室：“{data['department']}”不是本机关的内设机构（或已停用）")
        if code:
            if code in first_row:
                row_errors.append(f"事项编码：“{code}”与第{first_row[code]}行重复")
            else:
                first_row[code] = n
            current = existing.get(code)
            if current and current[2]:
                row_errors.append(f"事项编码：“{code}”对应的事项已废止，不能导入修改")
            elif current and current[1] == SUBMITTED:
                row_errors.append(f"事项编码：“{code}”对应的事项正在审核中，不能导入修改")
        errors += [f"第{n}行：{e}" for e in row_errors]
        parsed.append(data)
        if progress and (i + 1) % _BATCH == 0:
            progress((i + 1) // 2, total)
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    actor_id = user.pk
    with transaction.atomic():
        new_rows: list[dict[str, Any]] = []
        updated: list[Item] = []
        for data in parsed:
            values = {name: data[name] for name in ITEM_FIELDS}
            values["department_id"] = departments[data["department"]]
            known = existing.get(data["code"])
            if known is None:
                new_rows.append(
                    {
                        **values,
                        "agency_id": agency_id,
                        "state": DRAFT,
                        "created_by_id": actor_id,
                        "updated_by_id": actor_id,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            else:
                pk, state, _abolished, _version = known
                updated.append(
                    Item(
                        pk=pk,
                        agency_id=agency_id,
                        state=RETURNED if state == RETURNED else DRAFT,
                        updated_by_id=actor_id,
                        updated_at=now,
                        **values,
                    )
                )
        _raw_insert(Item, new_rows)
        if updated:
            Item.objects.bulk_update(
                updated,
                [*ITEM_FIELDS, "department_id", "state", "updated_by_id", "updated_at"],
                batch_size=_BATCH,
            )
            ids = [u.pk for u in updated]
            for start in range(0, len(ids), _BATCH):
                chunk = ids[start : start + _BATCH]
                LegalBasis.objects.filter(item_id__in=chunk).delete()
                DiscretionBand.objects.filter(item_id__in=chunk).delete()
                AvDuty.objects.filter(item_id__in=chunk).delete()
        wanted = {data["code"] for data in parsed}
        pk_of = {
            code: pk
            for code, pk in Item.objects.filter(agency_id=agency_id).values_list("code", "id")
            if code in wanted
        }
        bases: list[dict[str, Any]] = []
        bands: list[dict[str, Any]] = []
        duties: list[dict[str, Any]] = []
        revisions: list[dict[str, Any]] = []
        note = (source or "批量导入")[:200]
        for j, data in enumerate(parsed):
            pk = pk_of[data["code"]]
            bases += [
                {
                    "item_id": pk,
                    "law": b["law"].strip(),
                    "article": (b.get("article") or "").strip(),
                    "text": (b.get("text") or "").strip(),
                    "order": i,
                }
                for i, b in enumerate(data["legal_bases"])
            ]
            bands += [
                {
                    "item_id": pk,
                    "condition": d["condition"],
                    "range_text": d["range_text"],
                    "fine_min": d.get("fine_min"),
                    "fine_max": d.get("fine_max"),
                    "note": d.get("note") or "",
                    "order": i,
                }
                for i, d in enumerate(data["discretion"])
            ]
            duties += [
                {"item_id": pk, "step": a["step"], "requirement": a["requirement"], "order": i}
                for i, a in enumerate(data["av_duties"])
            ]
            revisions.append(
                {
                    "item_id": pk,
                    "agency_id": agency_id,
                    "action": ItemRevision.Action.IMPORT.value,
                    "actor_id": actor_id,
                    "at": now,
                    "comment": note,
                }
            )
            if progress and (j + 1) % _BATCH == 0:
                progress(total // 2 + (j + 1) // 2, total)
        _raw_insert(LegalBasis, bases)
        _raw_insert(DiscretionBand, bands)
        _raw_insert(AvDuty, duties)
        _raw_insert(ItemRevision, revisions)
        record(
            "catalog.items_imported",
            actor=user,
            agency_id=agency_id,
            object_type="core.agency",
            object_id=agency_id,
            payload={
                "rows": total,
                "created": len(new_rows),
                "updated": len(updated),
                "source": source[:120],
            },
        )
    if progress:
        progress(total, total)
    return total
