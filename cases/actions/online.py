"""Online 许可 (issue #4 item 9; seed 二(二)1–2: 行政许可通过网上办理，有系统信息数据记录的，可以不再进行纸质
文字记录和音像记录).

- :func:`submit_application` — an applicant files a 许可 application on the public page /apply/ with one file per
  material of the item's 材料清单. The case is opened through ``cases.actions.case.open_case`` (channel
  ``online``), each material becomes an ``EvidenceItem`` (purpose 申请材料, ``material_name`` = the 材料清单 name)
  through ``evidence.actions.add_file``, and the case moves on to 受理审查. The applicant gets an 申请编号 and a
  random 8-character 查询码, shown once; only its SHA-256 is kept (first CaseStep ``data["query_code_sha256"]``).
- :func:`status_for` — the public status of an application, for the right 申请编号 + 查询码 only.
- :func:`import_platform_applications` — applications handled on the 政务服务平台 (``cases.online_import``
  parses the file; layout in docs/online-and-dossier.md).

Who registers an online application: ``open_case`` needs a staff user holding case.handle in the item's agency.
The public has none, so the case is registered in the name of the agency's 受理人员 (:func:`intake_actor`: an
active officer of the item's department, else of the agency), and a separate audit event ``apply.submit`` without
actor records that the applicant filed it, with the applicant's IP.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.chain import record
from cases.models import Case, CaseStep, Party
from catalog.models import Category, GuideMaterial, Item
from core.errors import SanxiangError, ValidationFailed
from publicity.rules import PUBLISHED

MAX_MATERIAL_BYTES = 50 * 1024 * 1024
MATERIAL_EXTENSIONS = {".pdf": b"%PDF", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".png": b"\x89PNG"}
MATERIAL_EXTENSIONS[".docx"] = b"PK\x03\x04"
QUERY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed by applicants
QUERY_CODE_LENGTH = 8
APPLICANT_KINDS: dict[str, str] = {
    Party.Kind.CITIZEN: "居民身份证",
    Party.Kind.LEGAL_PERSON: "统一社会信用代码",
    Party.Kind.OTHER_ORG: "统一社会信用代码",
}


def online_items() -> QuerySet[Item]:
    """许可 items that accept online applications: published, not abolished, category 行政许可, with a 服务指南."""
    return (
        Item.objects.filter(
            state=PUBLISHED,
            is_abolished=False,
            category=Category.LICENSING,
            guide__isnull=False,
        )
        .select_related("agency", "guide", "department")
        .order_by("agency_id", "code")
    )


def materials_of(item: Item) -> list[GuideMaterial]:
    return list(GuideMaterial.objects.filter(guide__item=item).order_by("order", "id"))


def material_problem(name: str, fileobj: Any) -> str | None:
    """A material file is PDF, JPG, PNG or DOCX (by extension and by its first bytes) and at most 50 MB."""
    filename = os.path.basename(getattr(fileobj, "name", "") or "")
    ext = os.path.splitext(filename)[1].lower()
    label = f"申请材料“{name}”"
    if ext not in MATERIAL_EXTENSIONS:
        return f"{label}：只接受 PDF、JPG、PNG 或 DOCX 文件（{filename or '无文件名'}）"
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, os.SEEK_END)
        size = fileobj.tell()
    fileobj.seek(0)
    if not size:
        return f"{label}：文件是空的"
    if size > MAX_MATERIAL_BYTES:
        return f"{label}：单个文件不能超过 50 MB（本文件 {size // 1024 // 1024} MB）"
    head = fileobj.read(8)
    fileobj.seek(0)
    if not bytes(head).startswith(MATERIAL_EXTENSIONS[ext]):
        return f"{label}：文件内容与扩展名 {ext} 不符，请上传真实的 PDF、JPG、PNG 或 DOCX 文件"
    return None


def applicant_problems(applicant: dict[str, Any]) -> list[str]:
    """Applicant fields: kind, name, 证件号 (身份证 GB 11643 / 统一社会信用代码 GB 32100 — the validators in
    cases.rules), phone (required online: the agency must be able to reach the applicant), address."""
    from cases import rules

    errors: list[str] = []
    kind = str(applicant.get("kind") or "")
    if kind not in APPLICANT_KINDS:
        errors.append("申请人类型：请选择公民、法人或其他组织")
    name = str(applicant.get("name") or "").strip()
    if not name:
        errors.append("申请人姓名/名称：必填")
    elif len(name) > 120:
        errors.append("申请人姓名/名称：最多120个字")
    number = rules.normal_identifier(str(applicant.get("id_number") or ""))
    if not number:
        errors.append("证件号码：必填")
    elif kind in APPLICANT_KINDS:
        problem = rules.identifier_problem(APPLICANT_KINDS[kind], number, "证件号码")
        if problem:
            errors.append(problem)
    phone = str(applicant.get("phone") or "").strip()
    if not phone:
        errors.append("联系电话：必填")
    elif not rules.phone_ok(phone):
        errors.append("联系电话：只能包含数字、空格、+、-、括号，5至30个字符")
    address = str(applicant.get("address") or "").strip()
    if len(address) > 300:
        errors.append("地址：最多300个字")
    return errors


def _party(applicant: dict[str, Any]) -> dict[str, Any]:
    kind = str(applicant["kind"])
    return {
        "kind": kind,
        "name": str(applicant["name"]).strip(),
        "id_type": APPLICANT_KINDS.get(kind, "居民身份证"),
        "id_number": str(applicant.get("id_number") or ""),
        "phone": str(applicant.get("phone") or "").strip(),
        "address": str(applicant.get("address") or "").strip(),
        "legal_representative": str(applicant.get("legal_representative") or "").strip(),
    }


def intake_actor(item: Item) -> Any:
    """The staff user in whose name an online application is registered: an active 执法人员 (then 科室负责人) of the
    item's department, else of the agency. Refused when the agency has nobody who may handle cases."""
    from accounts.models import User
    from accounts.rules import Role

    base = User.objects.filter(agency_id=item.agency_id, is_active=True)
    for role in (Role.OFFICER, Role.DEPT_HEAD):
        for qs in (base.filter(department_id=item.department_id), base):
            user = qs.filter(roles__role=role).order_by("pk").first()
            if user is not None:
                return user
    raise SanxiangError(
        "网上申请：本事项的实施机关暂无受理人员，暂不能网上申请，请到办理窗口申请",
        field="item",
        code="no_intake",
    )


def _application_number(item: Item, year: int) -> str:
    """“XK-001-2026-000123”: 许可, agency id, year and a gapless per-agency sequence (``core.numbering``)."""
    from core.numbering import _locked_sequence

    sequence = _locked_sequence(item.agency_id, "网申", year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"XK-{item.agency_id:03d}-{year}-{sequence.last:06d}"


def query_code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def submit_application(
    *,
    item: Item,
    applicant: dict[str, Any],
    materials: list[tuple[str, Any]],
    ip: str = "",
    actor: Any = None,
    on: date | None = None,
) -> Case:
    """File an online 许可 application (《行政许可法》第三十三条：方便申请人采取数据电文等方式提出行政许可申请).
    Every material marked 必需 in the published 材料目录 (第三十条) must be uploaded. All or nothing: every problem
    (applicant, each material) is reported in one ``ValidationFailed``, and nothing is written. Returns the case
    with ``case.query_code`` (shown once)."""
    from cases.actions.case import advance, open_case
    from evidence.actions import add_file
    from evidence.store import cleanup_on_rollback

    day = on or timezone.localdate()
    if not online_items().filter(pk=item.pk).exists():
        raise SanxiangError("办理事项：该事项未开通网上申请", field="item", code="not_online")
    errors = applicant_problems(applicant)
    wanted = materials_of(item)
    names = {m.name for m in wanted}
    given: dict[str, Any] = {}
    for name, fileobj in materials:
        if fileobj is None:
            continue
        if name not in names:
            errors.append(f"申请材料“{name}”：不在本事项的材料清单中")
            continue
        problem = material_problem(name, fileobj)
        if problem:
            errors.append(problem)
        given[name] = fileobj
    for material in wanted:
        if material.required and material.name not in given:
            errors.append(f"申请材料“{material.name}”：必须上传（材料清单所列必需材料）")
    if errors:
        raise ValidationFailed(errors, field="application")
    user = actor or intake_actor(item)
    party = _party(applicant)
    code = new_query_code()
    with cleanup_on_rollback(), transaction.atomic():
        number = _application_number(item, day.year)
        case = open_case(
            user,
            item=item,
            procedure="licensing",
            title=f"{item.name}申请（{party['name']}）"[:200],
            parties=[party],
            source="网上申请",
            on=day,
            channel=Case.Channel.ONLINE,
            received_on=day,
            application_number=number,
        )
        first = CaseStep.objects.filter(case=case).order_by("seq").first()
        assert first is not None
        first.data = {**first.data, "query_code_sha256": query_code_hash(code), "submitted_ip": ip[:45]}
        first.save(update_fields=["data"])
        for material in wanted:
            if material.name in given:
                add_file(
                    None,
                    case,
                    given[material.name],
                    kind="documentary",
                    purpose="application",
                    title=material.name,
                    material_name=material.name,
                    step_id=first.step_id,
                    case_step=first,
                    ip=ip,
                )
        record(
            "apply.submit",
            actor=None,
            agency_id=case.agency_id,
            obj=case,
            payload={"application_number": number, "item_id": item.pk, "materials": len(given)},
            ip=ip,
        )
        if _can_go(case, "intake"):
            advance(user, case, to="intake", note="申请人通过网上申请提交申请及材料", on=day)
    case.refresh_from_db()
    case.query_code = code  # type: ignore[attr-defined]
    return case


def _can_go(case: Case, to: str) -> bool:
    from cases.selectors import available_transitions

    return any(t["to"] == to for t in available_transitions(case))


# --- public status ------------------------------------------------------------------------------------------


@dataclass
class PublicStatus:
    """What the applicant may see: nothing personal, no internal notes, nobody else's data."""

    item_name: str
    agency_name: str
    application_number: str
    submitted_on: date | None
    step_name: str
    status_label: str
    due: list[tuple[str, date]]
    outcome: str
    decided_on: date | None


def status_for(application_number: str, query_code: str) -> PublicStatus | None:
    """The public status of an online application; None unless both the number and the 查询码 match. Only the
    matter's progress is shown, never the applicant's personal data (《政府信息公开条例》第十五条 个人隐私)."""
    number = application_number.strip().upper()
    code = query_code.strip().upper()
    if not number or not code:
        return None
    case = (
        Case.objects.select_related("item", "agency")
        .filter(application_number=number, channel=Case.Channel.ONLINE)
        .first()
    )
    if case is None:
        hmac.compare_digest(query_code_hash(code), "0" * 64)  # same work whether or not the number exists
        return None
    first = CaseStep.objects.filter(case=case).order_by("seq").first()
    stored = str((first.data if first else {}).get("query_code_sha256", ""))
    if not stored or not hmac.compare_digest(query_code_hash(code), stored):
        return None
    due = [
        (c.label, c.due_on) for c in case.clocks.filter(state="running", kind="deadline").order_by("due_on")
    ]
    decided = bool(case.decided_on and case.outcome)
    return PublicStatus(
        item_name=case.item.name,
        agency_name=case.agency.name,
        application_number=case.application_number,
        submitted_on=case.received_on,
        step_name=case.current_step_name,
        status_label=case.get_status_display(),
        due=due,
        outcome=_outcome_label(case) if decided else "",
        decided_on=case.decided_on if decided else None,
    )


def _outcome_label(case: Case) -> str:
    from cases.rules import OUTCOMES

    return OUTCOMES.get(case.procedure, {}).get(case.outcome, case.outcome)


# --- 政务服务平台 import -------------------------------------------------------------------------------------


def import_platform_applications(
    user: Any, fileobj: Any, *, fmt: str, progress: Callable[..., None] | None = None
) -> list[Case]:
    """Import 办件 handled on the 政务服务平台 (CSV or JSON, layout in docs/online-and-dossier.md) for the user's
    agency. Every row is checked first; one bad row (or an already imported 办件编号) → ``ValidationFailed`` with
    “第N行 字段：问题” and nothing written. See ``cases.online_import.write_rows`` for what each row becomes."""
    from accounts.access import require
    from cases import online_import

    require(user, "case.handle", user.agency_id)
    report = progress or (lambda *a, **k: None)
    rows = online_import.parse(fileobj, fmt=fmt)
    checked = online_import.check_rows(user, rows)
    report(0, len(checked) * 2, f"已检查 {len(checked)} 行，正在写入")
    return online_import.write_rows(
        user, checked, progress=lambda n: report(len(checked) + n, len(checked) * 2)
    )
