"""Case actions (全过程记录, seed 二(二); 《行政处罚法》第四十七条): open a case, parties, officers and 回避, advance
through the process definition, record the decision, close.

Every action checks ``case.handle`` over the case's agency (PermissionDenied otherwise), runs in one transaction,
and appends one audit event whose payload holds ids and codes only — never names, ID numbers or contacts.
The workflow is read from ``catalog.process.get(case.procedure)`` (see ``cases.workflow``); the statutory gates
are the pure rules of ``cases.rules``; the clocks are started and stopped by ``cases.actions.clocks`` hooks,
called inside the same transaction (a hook may refuse, e.g. 听证 before the 7-day notice has run).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.access import require
from audit.chain import record
from cases import rules, workflow
from cases.models import Case, CaseOfficer, CaseStep, Party, Recusal, StepOfficer
from cases.selectors import blocked_officer_ids, current_step_row
from catalog.models import Item
from catalog.process import PROCEDURES, Process, Step
from core import crypto
from core.errors import NotPermitted, SanxiangError, ValidationFailed
from org.models import Department, Officer
from org.selectors import is_assignable
from publicity.rules import PUBLISHED

CASE_PROCEDURES = ("licensing", "penalty_general", "penalty_simple", "inspection")


# --- helpers ------------------------------------------------------------------------------------------------


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _moment(on: date) -> datetime:
    """The time of an act recorded for day ``on``: now, or now's time of day on ``on`` for a back-dated record."""
    now = timezone.now()
    if on == timezone.localdate(now):
        return now
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(on, local.time().replace(tzinfo=None)))


def _require_handle(user: Any, agency_id: int) -> None:
    """case.handle over the case's agency (《行政执法监督条例》: 只能办理本机关案件); PermissionDenied otherwise."""
    require(user, "case.handle", agency_id)


def _require_open(case: Case) -> None:
    if case.is_read_only:
        raise SanxiangError(
            f"案件{case.get_status_display()}：结案归档或终止后的案件只读，不能再办理（《行政处罚法》第四十七条）",
            field="case",
            code="read_only",
        )


def _lock(case: Case) -> Case:
    """The case row locked for this transaction; refuses when the caller's copy is stale (someone else moved it)."""
    locked = Case.objects.select_for_update().select_related("item", "agency").get(pk=case.pk)
    if locked.current_step != case.current_step or locked.status != case.status:
        raise SanxiangError(
            "案件状态已被他人更新（当前环节：" + locked.current_step_name + "），请刷新后重试",
            field="case",
            code="stale",
        )
    return locked


def _clean_json(data: dict[str, Any] | None) -> dict[str, Any]:
    if not data:
        return {}
    if not isinstance(data, dict):
        raise SanxiangError("环节数据：应为键值对", field="data")
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result


def _clocks() -> Any:
    from cases.actions import clocks

    return clocks


def _categories_label(item: Item) -> str:
    return str(item.get_category_display())


def _case_date(case: Case) -> date:
    return case.filed_on or case.discovered_on or case.received_on or timezone.localdate(case.created_at)


# --- parties ------------------------------------------------------------------------------------------------

PARTY_KEYS = (
    "kind",
    "name",
    "id_type",
    "id_number",
    "phone",
    "address",
    "legal_representative",
    "gender",
    "is_minor",
)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def clean_party(data: dict[str, Any], *, on: date, label: str = "当事人") -> tuple[dict[str, Any], list[str]]:
    """Validated model fields of a party (ID number, phone and address encrypted) and the problems found.

    居民身份证 numbers are checked against GB 11643, 统一社会信用代码 against GB 32100; ``is_minor`` is derived
    from the birth date in a 身份证号 on ``on`` (the case date) and may also be set by hand."""
    errors: list[str] = []
    kind = _text(data, "kind") or Party.Kind.CITIZEN
    if kind not in Party.Kind.values:
        errors.append(f"{label}类型：应为公民、法人或其他组织（{kind}）")
        kind = Party.Kind.CITIZEN
    name = _text(data, "name")
    if not name:
        errors.append(f"{label}姓名/名称：必填")
    elif len(name) > 120:
        errors.append(f"{label}姓名/名称：最多120个字")
    default_type = rules.ID_CARD if kind == Party.Kind.CITIZEN else rules.USCC
    id_type = _text(data, "id_type") or default_type
    if len(id_type) > 20:
        errors.append(f"{label}证件类型：最多20个字")
    id_number = rules.normal_identifier(_text(data, "id_number"))
    problem = rules.identifier_problem(id_type, id_number, f"{label}证件号码")
    if problem:
        errors.append(problem)
    phone = _text(data, "phone")
    if phone and not rules.phone_ok(phone):
        errors.append(f"{label}联系电话：只能包含数字、空格、+、-、括号和“转”，5至30个字符")
    address = _text(data, "address")
    if len(address) > 300:
        errors.append(f"{label}住址：最多300个字")
    legal_rep = _text(data, "legal_representative")
    if len(legal_rep) > 40:
        errors.append(f"{label}法定代表人/负责人：最多40个字")
    gender = _text(data, "gender")
    if gender not in ("", "男", "女"):
        errors.append(f"{label}性别：应为“男”或“女”")
    is_minor = bool(data.get("is_minor"))
    if kind == Party.Kind.CITIZEN and id_type == rules.ID_CARD and id_number and not problem:
        born = rules.birth_date_from_id(id_number)
        if born and rules.is_minor_on(born, on):
            is_minor = True
        gender = gender or rules.gender_from_id(id_number)
    if kind != Party.Kind.CITIZEN and is_minor:
        errors.append(f"{label}未成年人：法人或其他组织不能标记为未成年人")
    fields = {
        "kind": kind,
        "name": name,
        "id_type": id_type,
        "id_number_enc": crypto.encrypt(id_number),
        "id_index": crypto.blind_index(id_number),
        "phone_enc": crypto.encrypt(phone),
        "address_enc": crypto.encrypt(address),
        "legal_representative": legal_rep,
        "gender": gender,
        "is_minor": is_minor,
    }
    return fields, errors


def party_view(party: Party) -> dict[str, Any]:
    """Decrypted fields of a party for authorised staff views and 文书 (never for public pages)."""
    id_number = crypto.decrypt(party.id_number_enc)
    return {
        "id": party.pk,
        "kind": party.kind,
        "kind_label": party.get_kind_display(),
        "name": party.name,
        "id_type": party.id_type,
        "id_number": id_number,
        "id_number_masked": rules.mask_identifier(id_number),
        "phone": crypto.decrypt(party.phone_enc),
        "address": crypto.decrypt(party.address_enc),
        "legal_representative": party.legal_representative,
        "gender": party.gender,
        "is_minor": party.is_minor,
        "is_organisation": party.is_organisation,
    }


def add_party(user: Any, case: Case, data: dict[str, Any], *, on: date | None = None) -> Party:
    """Add a 当事人/申请人 to an open case (ID number, phone, address encrypted at rest)."""
    _require_handle(user, case.agency_id)
    _require_open(case)
    fields, errors = clean_party(data, on=on or _case_date(case))
    if errors:
        raise ValidationFailed(errors, field="party")
    with transaction.atomic():
        order = (case.parties.aggregate(m=Max("order"))["m"] or 0) + 1
        party = Party.objects.create(case=case, order=order, **fields)
        record(
            "case.party.add",
            actor=user,
            agency_id=case.agency_id,
            obj=party,
            payload={"case_id": case.pk, "kind": party.kind, "has_id_number": bool(party.id_index)},
        )
    return party


def update_party(user: Any, party: Party, data: dict[str, Any], *, on: date | None = None) -> Party:
    """Change a party's details (only the keys given); the whole record is validated again."""
    case = party.case
    _require_handle(user, case.agency_id)
    _require_open(case)
    current = party_view(party)
    merged = {key: current[key] for key in PARTY_KEYS}
    merged.update({k: v for k, v in data.items() if k in PARTY_KEYS})
    if "is_minor" not in data:
        merged["is_minor"] = False  # re-derived from the ID number below unless set by hand
        if party.is_minor and not (merged["id_type"] == rules.ID_CARD and merged["id_number"]):
            merged["is_minor"] = True
    fields, errors = clean_party(merged, on=on or _case_date(case))
    if errors:
        raise ValidationFailed(errors, field="party")
    changed = sorted(k for k in PARTY_KEYS if k in data and str(data[k] or "") != str(current[k] or ""))
    with transaction.atomic():
        for key, value in fields.items():
            setattr(party, key, value)
        party.save()
        record(
            "case.party.update",
            actor=user,
            agency_id=case.agency_id,
            obj=party,
            payload={"case_id": case.pk, "fields": changed},
        )
    return party


# --- open ---------------------------------------------------------------------------------------------------


def _case_number(agency: Any, year: int) -> str:
    from core.numbering import next_number

    return next_number(agency, "案", year)


def _create_case(
    user: Any,
    *,
    item: Item,
    procedure: str,
    title: str,
    parties: list[Any],
    on: date,
    department: Department,
    start_data: dict[str, Any],
    **fields: Any,
) -> tuple[Case, CaseStep]:
    process = workflow.process_for(procedure)
    start = process.start_steps[0]
    case = Case.objects.create(
        agency=item.agency,
        department=department,
        item=item,
        procedure=procedure,
        number=_case_number(item.agency, on.year),
        title=title,
        current_step=start.id,
        current_step_name=start.name,
        created_by=user,
        **fields,
    )
    for order, party in enumerate(parties, 1):
        if isinstance(party, Party):
            Party.objects.create(
                case=case,
                order=order,
                kind=party.kind,
                name=party.name,
                id_type=party.id_type,
                id_number_enc=bytes(party.id_number_enc),
                id_index=party.id_index,
                phone_enc=bytes(party.phone_enc),
                address_enc=bytes(party.address_enc),
                legal_representative=party.legal_representative,
                gender=party.gender,
                is_minor=party.is_minor,
            )
        else:
            Party.objects.create(case=case, order=order, **party)
    row = CaseStep.objects.create(
        case=case,
        seq=1,
        step_id=start.id,
        name=start.name,
        entered_at=_moment(on),
        entered_on=on,
        data=start_data,
    )
    _clocks().on_case_opened(case, on=on, actor=user)
    return case, row


def open_case(
    user: Any,
    *,
    item: Item,
    procedure: str,
    title: str,
    parties: list[dict[str, Any]],
    source: str = "",
    summary: str = "",
    on: date | None = None,
    channel: str = "offline",
    discovered_on: date | None = None,
    received_on: date | None = None,
    application_number: str = "",
    platform_reference: str = "",
    department: Department | None = None,
    planned_penalty_types: list[str] | None = None,
    planned_fine: Decimal | str | None = None,
) -> Case:
    """Register a case at its procedure's start step (案源登记 / 申请 / 检查启动 / 现场发现).

    The item must be a published, not abolished 事项 of the user's agency whose category fits the procedure; the
    number comes from ``core.numbering`` (机关简称 + 案 + 〔年〕 + 序号). For 简易程序 a planned penalty
    (``planned_penalty_types``/``planned_fine``) is checked against 《行政处罚法》第五十一条 at once."""
    day = _today(on)
    _require_handle(user, item.agency_id)
    errors: list[str] = []
    title = (title or "").strip()
    if not title:
        errors.append("案由/申请事项：必填")
    elif len(title) > 200:
        errors.append("案由/申请事项：最多200个字")
    if procedure not in CASE_PROCEDURES:
        errors.append(
            f"办理程序：“{procedure}”不能用于立案，可选：{'、'.join(PROCEDURES[p] for p in CASE_PROCEDURES)}"
        )
    else:
        problem = rules.procedure_problem(item.category, procedure)
        if problem:
            errors.append(problem)
    if item.is_abolished:
        errors.append("执法事项：该事项已废止，不能再立案办理")
    elif item.state != PUBLISHED:
        errors.append("执法事项：该事项尚未发布，不能立案办理（事前公开：未公示的事项不得执法）")
    if channel not in Case.Channel.values:
        errors.append(f"办理渠道：“{channel}”无效")
    elif channel != Case.Channel.OFFLINE and procedure != "licensing":
        errors.append("办理渠道：只有行政许可可以网上申请或从政务服务平台导入")
    for value, label in ((discovered_on, "发现违法行为日期"), (received_on, "收到申请材料日期")):
        if value and value > day:
            errors.append(f"{label}：不能晚于登记日期 {day:%Y-%m-%d}")
    if department is not None and department.agency_id != item.agency_id:
        errors.append("承办科室：不属于本机关")
    if len(source) > 200:
        errors.append("案件来源：最多200个字")
    if not parties:
        errors.append("当事人：至少登记一名当事人或申请人")
    cleaned: list[dict[str, Any]] = []
    for index, data in enumerate(parties or [], 1):
        label = "当事人" if len(parties) == 1 else f"第{index}名当事人"
        fields, problems = clean_party(data, on=day, label=label)
        cleaned.append(fields)
        errors += problems
    start_data: dict[str, Any] = {}
    if procedure == "penalty_simple" and (planned_penalty_types or planned_fine not in (None, "")):
        try:
            fine = rules.as_amount(planned_fine, "拟罚款金额")
        except ValueError as exc:
            errors.append(str(exc))
        else:
            for fields in cleaned:
                reason = rules.simple_procedure_allowed(
                    fields["kind"], planned_penalty_types or ["fine"], fine
                )
                if reason:
                    errors.append(reason)
                    break
            start_data["planned"] = {
                "penalty_types": rules.penalty_type_codes(planned_penalty_types or ["fine"]),
                "fine_amount": str(fine) if fine is not None else None,
            }
    if errors:
        raise ValidationFailed(list(dict.fromkeys(errors)), field="case")
    extra: dict[str, Any] = {
        "source": source.strip(),
        "summary": summary.strip(),
        "channel": channel,
        "application_number": application_number.strip(),
        "platform_reference": platform_reference.strip(),
        "discovered_on": discovered_on,
        "received_on": received_on or (day if procedure == "licensing" else None),
    }
    with transaction.atomic():
        case, row = _create_case(
            user,
            item=item,
            procedure=procedure,
            title=title,
            parties=cleaned,
            on=day,
            department=department or item.department,
            start_data=start_data,
            **extra,
        )
        record(
            "case.open",
            actor=user,
            agency_id=case.agency_id,
            obj=case,
            payload={
                "number": case.number,
                "procedure": procedure,
                "item_id": item.pk,
                "channel": channel,
                "parties": len(cleaned),
                "step": row.step_id,
                "on": day.isoformat(),
            },
        )
    return case


# --- officers and 回避 ---------------------------------------------------------------------------------------


def _officers_on_act(
    case: Case, entries: list[dict[str, Any]], on: date
) -> tuple[list[rules.OfficerOnAct], dict[int, Officer], list[str]]:
    errors: list[str] = []
    ids: list[int] = []
    for entry in entries:
        try:
            ids.append(int(entry["officer_id"]))
        except (KeyError, TypeError, ValueError):
            errors.append("执法人员：每名执法人员须有 officer_id")
    if len(set(ids)) != len(ids):
        errors.append("执法人员：同一执法人员重复填写")
    found = {o.pk: o for o in Officer.objects.filter(pk__in=ids).prefetch_related("certificates")}
    for missing in sorted(set(ids) - set(found)):
        errors.append(f"执法人员：编号 {missing} 不存在")
    blocked = blocked_officer_ids(case)
    acts: list[rules.OfficerOnAct] = []
    by_id = {int(e["officer_id"]): e for e in entries if str(e.get("officer_id", "")).isdigit()}
    for officer_id in dict.fromkeys(ids):
        officer = found.get(officer_id)
        if officer is None:
            continue
        entry = by_id.get(officer_id, {})
        acts.append(
            rules.OfficerOnAct(
                officer_id=officer.pk,
                name=officer.name,
                assignable=is_assignable(officer, on),
                categories=tuple(officer.categories or ()),
                recusal=blocked.get(officer.pk, ""),
                same_agency=officer.agency_id == case.agency_id,
                showed_certificate=bool(entry.get("showed_certificate")),
                informed_rights=bool(entry.get("informed_rights")),
            )
        )
    return acts, found, errors


def assign_officers(
    user: Any, case: Case, officer_ids: list[int], lead_id: int | None = None, *, on: date | None = None
) -> None:
    """Set the 承办人员 of the case: each assignable on that day (valid 执法证, 执法类别 covering the 事项, not
    recused), at least two for 处罚/检查 cases (《行政处罚法》第四十二条). Officers no longer listed are released."""
    day = _today(on)
    _require_handle(user, case.agency_id)
    _require_open(case)
    ids = [int(i) for i in officer_ids]
    acts, _found, errors = _officers_on_act(case, [{"officer_id": i} for i in ids], day)
    minimum = 2 if case.procedure in rules.TWO_OFFICER_PROCEDURES else 1
    errors += rules.officer_problems(acts, _categories_label(case.item), minimum)
    if lead_id is not None and int(lead_id) not in ids:
        errors.append("主办人：须是所指派的执法人员之一")
    if errors:
        raise ValidationFailed(list(dict.fromkeys(errors)), field="officers")
    lead = int(lead_id) if lead_id is not None else (ids[0] if ids else None)
    now = timezone.now()
    with transaction.atomic():
        active = {a.officer_id: a for a in case.assignments.filter(released_at__isnull=True)}
        for officer_id, assignment in active.items():
            if officer_id not in ids:
                assignment.released_at = now
                assignment.release_reason = "调整承办人员"
                assignment.save(update_fields=["released_at", "release_reason"])
        for officer_id in ids:
            current = active.get(officer_id)
            if current is None:
                CaseOfficer.objects.create(case=case, officer_id=officer_id, is_lead=officer_id == lead)
            elif current.is_lead != (officer_id == lead):
                current.is_lead = officer_id == lead
                current.save(update_fields=["is_lead"])
        record(
            "case.officers.assign",
            actor=user,
            agency_id=case.agency_id,
            obj=case,
            payload={"officer_ids": ids, "lead_id": lead, "on": day.isoformat()},
        )


def request_recusal(user: Any, case: Case, *, officer_id: int, applicant: str, reason: str) -> Recusal:
    """Record a 回避 request (by the party, or the officer's own: applicant “本人”). The investigation goes on while
    it is pending, but the officer may not act on the case (《行政处罚法》第四十三条)."""
    _require_handle(user, case.agency_id)
    _require_open(case)
    errors = []
    officer = Officer.objects.filter(pk=officer_id, agency_id=case.agency_id).first()
    if officer is None:
        errors.append("被申请回避人员：不是本机关的执法人员")
    applicant = (applicant or "").strip()
    if not applicant:
        errors.append("申请人：必填（当事人姓名，或“本人”表示自行回避）")
    elif len(applicant) > 60:
        errors.append("申请人：最多60个字")
    reason = (reason or "").strip()
    if len(reason) < 2:
        errors.append(
            "申请理由：请说明与案件的利害关系或其他可能影响公正执法的情形（《行政处罚法》第四十三条）"
        )
    if officer and case.recusals.filter(officer=officer, decision=Recusal.Decision.PENDING).exists():
        errors.append(f"被申请回避人员：{officer.name}已有待决定的回避申请")
    if errors:
        raise ValidationFailed(errors, field="recusal")
    assert officer is not None
    with transaction.atomic():
        recusal = Recusal.objects.create(case=case, officer=officer, applicant=applicant, reason=reason)
        record(
            "case.recusal.request",
            actor=user,
            agency_id=case.agency_id,
            obj=recusal,
            payload={"case_id": case.pk, "officer_id": officer_id},
        )
    return recusal


def decide_recusal(user: Any, recusal: Recusal, *, grant: bool, reason: str) -> Recusal:
    """The 行政机关负责人 (主要负责人 or 分管领导) grants or rejects a 回避 request (《行政处罚法》第四十三条第二款).
    A granted 回避 releases the officer from the case."""
    case = recusal.case
    _require_handle(user, case.agency_id)
    _require_open(case)
    if not rules.may_decide_recusal(user.role_codes):
        raise NotPermitted(
            "回避决定：由行政机关负责人（主要负责人或分管领导）决定（《行政处罚法》第四十三条）",
            field="decision",
        )
    if recusal.decision != Recusal.Decision.PENDING:
        raise SanxiangError(f"回避决定：该申请已{recusal.get_decision_display()}", field="decision")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise SanxiangError("决定理由：必填", field="reason")
    now = timezone.now()
    with transaction.atomic():
        recusal.decision = Recusal.Decision.GRANTED if grant else Recusal.Decision.REJECTED
        recusal.decision_reason = reason
        recusal.decided_by = user
        recusal.decided_at = now
        recusal.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
        released = 0
        if grant:
            released = CaseOfficer.objects.filter(
                case=case, officer_id=recusal.officer_id, released_at__isnull=True
            ).update(released_at=now, release_reason="决定回避（《行政处罚法》第四十三条）")
        record(
            "case.recusal.decide",
            actor=user,
            agency_id=case.agency_id,
            obj=recusal,
            payload={
                "case_id": case.pk,
                "officer_id": recusal.officer_id,
                "decision": recusal.decision,
                "released": released,
            },
        )
    return recusal


# --- advance ------------------------------------------------------------------------------------------------


def _av_met(row: CaseStep) -> bool:
    from evidence.selectors import av_items_for_step

    return av_items_for_step(row).exists()


def _item_av_steps(item: Item) -> list[str]:
    return list(item.av_duties.values_list("step", flat=True))


def step_duties(case: Case, step: Step) -> dict[str, Any]:
    """What completing ``step`` requires of this case: the 音像记录 duty text, the minimum number of officers with
    the article, and whether 出示证件/告知 must be recorded (for forms and the compliance sheet)."""
    av = rules.av_requirement(step, _item_av_steps(case.item), case.channel, case.procedure)
    minimum, article = rules.officers_required(step, case.procedure, av)
    return {
        "av_record": av,
        "officers_min": minimum,
        "officers_article": article,
        "disclosure": minimum > 0 and rules.disclosure_required(step),
        "category": _categories_label(case.item),
    }


DECISION_STEP = "decide"
REVIEW_STEP = "legal_review"
# (step, outcome) → where the case may go next (only enforced where the YAML offers one of them).
DECISION_ROUTES: dict[tuple[str, str], frozenset[str]] = {
    ("decide", "penalty"): frozenset({"serve"}),
    ("decide", "no_penalty"): frozenset({"serve"}),
    ("decide", "transfer"): frozenset({"transfer"}),
    ("decide", "grant"): frozenset({"issue"}),
    ("decide", "refuse"): frozenset({"refuse"}),
    ("serve", "penalty"): frozenset({"execute"}),
    ("serve", "no_penalty"): frozenset({"close"}),
}


def _decision_problems(case: Case, step: Step, to: str, options: list[str]) -> list[str]:
    problems: list[str] = []
    if to == REVIEW_STEP:  # back to 法制审核 before deciding (第五十八条): nothing is decided yet
        return problems
    if step.id == DECISION_STEP and case.procedure != "inspection" and not case.outcome:
        problems.append(f"处理决定：请先在“{step.name}”环节记录处理决定（《行政处罚法》第五十七条）")
    allowed = DECISION_ROUTES.get((step.id, case.outcome))
    if allowed and allowed & set(options) and to not in allowed:
        label = rules.OUTCOMES.get(case.procedure, {}).get(case.outcome, case.outcome)
        problems.append(f"办理环节：处理决定为“{label}”，不能进入“{to}”")
    return problems


def review_selectors() -> Any:
    """The review app's selectors (法制审核 and 集体讨论 gates); imported late because review depends on cases."""
    from review import selectors

    return selectors


COLLECTIVE_STEP = "collective"


def _review_gates(case: Case, step: Step, to: str, loop: bool) -> list[str]:
    """Leaving 法制审核 forward needs a passed review (《行政处罚法》第五十八条); going back to 调查/审查 needs no
    submission waiting for the reviewer. Leaving 集体讨论 or the decision step needs the signed 集体讨论 record where
    the case is 情节复杂或重大违法 (第五十七条第二款), and the decision a passed review (第五十八条)."""
    sel = review_selectors()
    problems: list[str | None] = []
    if step.id == REVIEW_STEP:
        problems.append(sel.leave_review_step_problem(case, forward=not loop))
    if step.id == COLLECTIVE_STEP:
        problems.append(sel.discussion_problem(case))
    if step.id == DECISION_STEP and case.outcome and to != REVIEW_STEP:
        problems.append(sel.gate_problem(case, _decision_of(case)))
        problems.append(sel.discussion_problem(case))
    return [p for p in problems if p]


def _decision_of(case: Case) -> dict[str, Any]:
    return {
        "outcome": case.outcome,
        "penalty_types": list(case.penalty_types or []),
        "fine_amount": case.fine_amount,
        "confiscation_amount": case.confiscation_amount,
    }


def _complete_row(row: CaseStep, user: Any, on: date, *, to: str, label: str) -> None:
    row.completed_at = _moment(on)
    row.completed_on = on
    row.completed_by = user
    row.transition_to = to
    row.transition_label = label[:200]


def _enter(case: Case, step: Step, on: date, seq: int, data: dict[str, Any] | None = None) -> CaseStep:
    row = CaseStep.objects.create(
        case=case,
        seq=seq,
        step_id=step.id,
        name=step.name,
        entered_at=_moment(on),
        entered_on=on,
        data=data or {},
    )
    case.current_step = step.id
    case.current_step_name = step.name
    return row


def _handoff(user: Any, case: Case, step: Step, on: date, data: dict[str, Any]) -> Case:
    """The matter continues under another procedure (简易程序转一般程序；检查发现违法转入处罚): a NEW case of
    ``step.handoff`` for the same parties, linked both ways through CaseStep.data."""
    item = case.item
    if data.get("handoff_item_id"):
        item = Item.objects.filter(pk=data["handoff_item_id"], agency_id=case.agency_id).first() or item
    problem = rules.procedure_problem(item.category, step.handoff)
    if problem:
        raise SanxiangError(
            f"转入{PROCEDURES.get(step.handoff, step.handoff)}：请在环节数据 handoff_item_id 中选择本机关的相应"
            f"事项（{problem}）",
            field="handoff_item_id",
        )
    if item.is_abolished or item.state != PUBLISHED:
        raise SanxiangError("转入事项：该事项未发布或已废止", field="handoff_item_id")
    new_case, _row = _create_case(
        user,
        item=item,
        procedure=step.handoff,
        title=case.title,
        parties=list(case.parties.all()),
        on=on,
        department=case.department,
        start_data={"from_case_id": case.pk, "from_number": case.number, "from_step": step.id},
        source=f"{PROCEDURES.get(case.procedure, case.procedure)}转入（原案 {case.number}）"[:200],
        summary=case.summary,
        discovered_on=case.discovered_on or on,
    )
    record(
        "case.open",
        actor=user,
        agency_id=new_case.agency_id,
        obj=new_case,
        payload={
            "number": new_case.number,
            "procedure": new_case.procedure,
            "item_id": item.pk,
            "from_case_id": case.pk,
            "on": on.isoformat(),
        },
    )
    return new_case


def _advance_locked(
    user: Any,
    case: Case,
    *,
    to: str,
    officers: list[dict[str, Any]] | None,
    note: str,
    data: dict[str, Any] | None,
    av_waiver_reason: str,
    on: date,
    allow_close: bool = False,
) -> CaseStep:
    process: Process = workflow.process_for(case.procedure)
    step = process.step(case.current_step)
    row = current_step_row(case)
    route = workflow.route_to(process, step.id, to)
    target = process.step(route.to)
    if route.is_close and not allow_close:
        raise SanxiangError(
            f"办理环节：进入“{target.name}”即结案，请使用“结案”，系统先核对合规清单（《行政处罚法》第四十七条）",
            field="to",
            code="use_close",
        )
    if not rules.may_act(user.role_codes, step):
        raise NotPermitted(
            f"办理人：“{step.name}”由{'、'.join(step.actor_labels)}办理，您的角色不能办理本环节",
            field="to",
        )
    if target.end and not route.is_close and not rules.may_act(user.role_codes, target):
        raise NotPermitted(
            f"办理人：“{target.name}”由{'、'.join(target.actor_labels)}决定，您的角色不能选择该去向",
            field="to",
        )
    clean = _clean_json(data)
    errors: list[str] = []
    if on < row.entered_on:
        errors.append(f"办理日期：不能早于本环节的进入日期 {row.entered_on:%Y-%m-%d}")
    if len(note) > 5000:
        errors.append("办理意见：最多5000个字")
    # 执法人员 (第四十二条、第四十三条、第五十五条)
    duties = step_duties(case, step)
    entries = list(officers or [])
    acts: list[rules.OfficerOnAct] = []
    found: dict[int, Officer] = {}
    if entries or duties["officers_min"]:
        acts, found, problems = _officers_on_act(case, entries, on)
        errors += problems
        errors += rules.officer_problems(acts, duties["category"], duties["officers_min"])
        if duties["disclosure"]:
            errors += rules.disclosure_problems(acts)
    # 音像记录 (第四十七条；工作方案二（二）)
    waiver = (av_waiver_reason or "").strip()
    av_mode = ""
    if duties["av_record"]:
        if _av_met(row):
            av_mode = "item"
        elif waiver:
            problem = rules.av_waiver_problem(waiver)
            if problem:
                errors.append(problem)
            av_mode = "waiver"
        else:
            errors.append(
                f"音像记录：“{step.name}”须{duties['av_record']}，请上传本环节的音像记录，或写明未能记录的原因"
                "（《行政处罚法》第四十七条）"
            )
    # gateway branches and decisions
    if clean.get("is_complex") is True:
        case.is_complex = True
    hops = [*route.via, route.to]
    if route.via:
        scope = review_selectors().scope(case)
        for gateway_id, chosen in zip(route.via, hops[1:], strict=True):
            problem = rules.branch_problem(
                gateway_id,
                chosen,
                review_required=scope.required,
                review_criteria=scope.text,
                is_complex=case.is_complex,
            )
            if problem:
                errors.append(problem)
    errors += _review_gates(case, step, route.to, route.loop)
    errors += _decision_problems(case, step, route.to, [r.to for r in workflow.routes(process, step.id)])
    if errors:
        raise ValidationFailed(list(dict.fromkeys(errors)), field="advance")

    clocks = _clocks()
    # 1. complete the current step, with its officers
    for act in acts:
        entry = next(e for e in entries if int(e["officer_id"]) == act.officer_id)
        officer = found[act.officer_id]
        cert = officer.current_certificate()
        StepOfficer.objects.create(
            step=row,
            officer=officer,
            certificate_number=cert.number if cert else "",
            showed_certificate=act.showed_certificate,
            informed_rights=act.informed_rights,
            is_lead=bool(entry.get("is_lead")),
        )
    first_hop = hops[0]
    _complete_row(row, user, on, to=first_hop, label=route.labels[0])
    row.note = note.strip()
    if clean:
        row.data = {**row.data, **clean}
    if waiver:
        row.av_waiver_reason = waiver
    row.save()
    clocks.on_step_completed(case, row, on=on, actor=user)
    if rules.sets_filed_on(case.procedure, completed=step.id, entered=None) and not route.is_end:
        case.filed_on = case.filed_on or on
    if step.id == DECISION_STEP:
        case.decided_on = on
    if step.id == "hearing" and case.procedure == "penalty_general":
        case.hearing_held = True
    # 2. gateways passed through
    seq = row.seq
    for index, gateway_id in enumerate(route.via):
        seq += 1
        gateway = process.step(gateway_id)
        g_row = _enter(case, gateway, on, seq)
        clocks.on_step_entered(case, g_row, on=on, actor=user)
        _complete_row(g_row, user, on, to=hops[index + 1], label=route.labels[index + 1])
        g_row.save()
        clocks.on_step_completed(case, g_row, on=on, actor=user)
    # 3. the chosen step
    new_row = _enter(case, target, on, seq + 1)
    clocks.on_step_entered(case, new_row, on=on, actor=user)
    if rules.sets_filed_on(case.procedure, completed=None, entered=target.id):
        case.filed_on = case.filed_on or on
    ended = target.end and not route.is_close
    handed_to: Case | None = None
    if ended:
        if target.handoff:
            handed_to = _handoff(user, case, target, on, clean)
            new_row.data = {"handoff_case_id": handed_to.pk, "handoff_number": handed_to.number}
        _complete_row(new_row, user, on, to="", label="")
        new_row.save()
        case.status = Case.Status.ENDED
        case.closed_on = on
        clocks.stop_all(case, on=on, actor=user)
    case.save()
    # 结果公示 (国办发〔2018〕118号): the decision (检查: its result) makes the publication draft
    from publicity import result_rules, results  # late import: publicity depends on cases

    if result_rules.is_decision_step(case.procedure, step.id) and route.to != REVIEW_STEP:
        results.on_decision(case, on=on, actor=user)
    record(
        "case.advance",
        actor=user,
        agency_id=case.agency_id,
        obj=case,
        payload={
            "from": step.id,
            "to": target.id,
            "via": list(route.via),
            "seq": new_row.seq,
            "officers": [a.officer_id for a in acts],
            "av": av_mode,
            "ended": ended,
            "handoff_case_id": handed_to.pk if handed_to else None,
            "on": on.isoformat(),
        },
    )
    return new_row


def advance(
    user: Any,
    case: Case,
    *,
    to: str,
    officers: list[dict[str, Any]] | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    av_waiver_reason: str = "",
    on: date | None = None,
) -> CaseStep:
    """Complete the current step and enter ``to`` (a step offered by ``selectors.available_transitions``; gateways
    in between are passed in the same call and recorded). Returns the CaseStep row of the step entered.

    Refuses (nothing written): a case of another agency (PermissionDenied), a closed/ended case, a ``to`` the
    process definition does not offer, a user whose role is not among the step's actors, officers short of the
    step's minimum or without a valid 执法证 that day / matching 执法类别 / under 回避, a missing 出示证件/告知
    record where required, an unmet 音像记录 duty without a reason, a gateway choice the law does not leave open
    (重大 → 法制审核; 情节复杂 → 集体讨论), a decision step left without a recorded decision."""
    day = _today(on)
    _require_handle(user, case.agency_id)
    with transaction.atomic():
        locked = _lock(case)
        _require_open(locked)
        row = _advance_locked(
            user,
            locked,
            to=to,
            officers=officers,
            note=note or "",
            data=data,
            av_waiver_reason=av_waiver_reason,
            on=day,
        )
    case.refresh_from_db()
    return row


# --- decision -----------------------------------------------------------------------------------------------


def record_decision(
    user: Any,
    case: Case,
    *,
    outcome: str,
    penalty_types: list[str],
    fine_amount: Decimal | None,
    confiscation_amount: Decimal | None = None,
    outcome_text: str = "",
    is_complex: bool | None = None,
) -> Case:
    """Record the decision of the case (处罚/不予处罚/移送；准予/不予许可；检查结论) at the decision step, by one of
    its actors. 简易程序: refused beyond 《行政处罚法》第五十一条 (警告, or 罚款 ≤ 200 元 公民 / ≤ 3000 元 组织)."""
    _require_handle(user, case.agency_id)
    _require_open(case)
    process = workflow.process_for(case.procedure)
    step_ids = {s.id for s in process.steps}
    if DECISION_STEP in step_ids:
        decide = process.step(DECISION_STEP)
        if case.current_step != DECISION_STEP:
            raise SanxiangError(
                f"处理决定：案件须处于“{decide.name}”环节才能记录决定，当前为“{case.current_step_name}”",
                field="outcome",
            )
    else:
        decide = process.step(case.current_step)
    if not rules.may_act(user.role_codes, decide):
        raise NotPermitted(
            f"处理决定：由{'、'.join(decide.actor_labels)}作出（《行政处罚法》第五十七条），您的角色不能记录",
            field="outcome",
        )
    errors: list[str] = []
    parsed = rules.parse_decision(case.procedure, outcome, penalty_types, fine_amount, confiscation_amount)
    code, types, fine, confiscation = parsed.outcome, parsed.penalty_types, parsed.fine, parsed.confiscation
    if code is None:
        options = "、".join(rules.OUTCOMES.get(case.procedure, {}).values())
        errors.append(f"处理结果：“{outcome}”无效，可选：{options}")
    errors += parsed.problems
    if case.procedure == "penalty_simple" and code == "penalty":
        for kind in case.parties.values_list("kind", flat=True).distinct():
            reason = rules.simple_procedure_allowed(kind, types, fine)
            if reason:
                errors.append(reason)
                break
    if len(outcome_text) > 10000:
        errors.append("决定内容：最多10000个字")
    if code and not errors:
        # 《行政处罚法》第五十八条 (法制审核) and 第五十七条第二款 (集体讨论) gate the decision itself
        complex_now = case.is_complex if is_complex is None else is_complex
        sel = review_selectors()
        decision = {
            "outcome": code,
            "penalty_types": types,
            "fine_amount": fine,
            "confiscation_amount": confiscation,
        }
        gate = sel.gate_problem(case, decision)
        if gate:
            errors.append(gate)
        discussion = sel.discussion_problem(case, is_complex=complex_now, outcome=code)
        if discussion:
            errors.append(discussion)
    if errors:
        raise ValidationFailed(list(dict.fromkeys(errors)), field="decision")
    assert code is not None
    with transaction.atomic():
        locked = _lock(case)
        locked.outcome = code
        locked.penalty_types = types
        locked.fine_amount = fine
        locked.confiscation_amount = confiscation
        locked.outcome_text = outcome_text.strip()
        if is_complex is not None:
            locked.is_complex = is_complex
        locked.save()
        row = current_step_row(locked)
        row.data = {
            **row.data,
            "decision": {
                "outcome": code,
                "penalty_types": types,
                "fine_amount": str(fine) if fine is not None else None,
                "confiscation_amount": str(confiscation) if confiscation is not None else None,
            },
        }
        row.save(update_fields=["data"])
        record(
            "case.decision",
            actor=user,
            agency_id=locked.agency_id,
            obj=locked,
            payload={
                "outcome": code,
                "penalty_types": types,
                "fine_amount": str(fine) if fine is not None else None,
                "confiscation_amount": str(confiscation) if confiscation is not None else None,
                "is_complex": locked.is_complex,
            },
        )
    case.refresh_from_db()
    return case


# --- close --------------------------------------------------------------------------------------------------


def compliance_failures(case: Case, on: date | None = None) -> list[str]:
    """The failing items of the case's compliance sheet (``cases.compliance.sheet``) on ``on``, as Chinese lines."""
    from cases import compliance

    sheet = compliance.sheet(case, today=on)
    if sheet.passed:
        return []
    return [
        f"{c.label}：{c.detail}" + (f"（{c.article}）" if c.article and c.article not in c.detail else "")
        for c in sheet.checks
        if not c.passed
    ]


def close_case(user: Any, case: Case, *, on: date | None = None) -> Any:
    """结案归档: refused while any compliance item fails (the list is the error). Moves the case into its close
    step (结案归档/归档/备案 — completing the current step with its gates if it is not there yet), status CLOSED
    (read-only from now on), stops all clocks, and starts the 电子案卷 job (returned)."""
    day = _today(on)
    _require_handle(user, case.agency_id)
    with transaction.atomic():
        locked = _lock(case)
        _require_open(locked)
        process = workflow.process_for(locked.procedure)
        step = process.step(locked.current_step)
        if not rules.is_close_step(step):
            closing = [r for r in workflow.routes(process, step.id) if r.is_close]
            if not closing:
                raise SanxiangError(
                    f"结案：当前环节“{step.name}”之后不能直接结案，请先按流程办理",
                    field="case",
                    code="not_closable",
                )
            _advance_locked(
                user,
                locked,
                to=closing[0].to,
                officers=None,
                note="",
                data=None,
                av_waiver_reason="",
                on=day,
                allow_close=True,
            )
            step = process.step(locked.current_step)
        if not rules.may_act(user.role_codes, step):
            raise NotPermitted(f"结案：由{'、'.join(step.actor_labels)}办理，您的角色不能结案", field="case")
        failures = compliance_failures(locked, day)
        if failures:
            raise ValidationFailed(["结案：合规清单有未通过项，不能结案", *failures], field="compliance")
        row = current_step_row(locked)
        _complete_row(row, user, day, to="", label="结案归档")
        row.save()
        locked.status = Case.Status.CLOSED
        locked.closed_on = day
        locked.save()
        _clocks().stop_all(locked, on=day, actor=user)
        record(
            "case.close",
            actor=user,
            agency_id=locked.agency_id,
            obj=locked,
            payload={"step": step.id, "on": day.isoformat()},
        )
        from cases.actions.dossier import start_dossier

        job = start_dossier(user, locked)
    case.refresh_from_db()
    return job
