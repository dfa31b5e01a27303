"""State changes of 结果公示 (issue #6 items 1 and 3): a decision makes a draft, a 公示审核员 publishes or blocks it, a
changed decision (变更、撤销、确认违法、确认无效) is withdrawn within 3 working days with a public notice, and a 变更
gets a corrected draft (the next version; every version is kept).

Deadlines, display periods and fields: ``publicity.result_rules``. Redaction: ``publicity.redaction`` (one engine),
reached only through ``redact_fields`` and ``blocked_because`` below. The portal reads only the Publication made by
``publish_result``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from accounts.access import require
from audit.chain import record
from core.errors import SanxiangError, ValidationFailed
from publicity import redaction
from publicity import result_rules as rr
from publicity.models import DecisionChange, Kind, Publication, ResultDraft
from publicity.rules import required_reason


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def calendar() -> Any:
    from cases.actions.clocks import ClockCalendar

    return ClockCalendar()


# --- redaction (the one place that calls the engine) -----------------------------------------------------------


def redact_fields(fields: dict[str, Any], *, keep_names: list[str], other_names: list[str]) -> dict[str, Any]:
    """The public copy of a draft's fields: personal data masked, the parties' own names kept."""
    result: dict[str, Any] = redaction.redact_value(fields, other_names=other_names, keep_names=keep_names)
    return result


def highlighted(text: str, *, keep_names: list[str], other_names: list[str]) -> str:
    """The redacted ``text`` as HTML, each mask marked (the reviewer's view before publishing)."""
    return redaction.preview(text, other_names=other_names, keep_names=keep_names)


def blocked_because(*, party_is_minor: bool, confidentiality: str) -> str | None:
    """Why the decision may not be published at all (regulations.md §9: 未成年人; 国家秘密/商业秘密/个人隐私), or None."""
    return redaction.block_reason(party_is_minor=party_is_minor, confidentiality=confidentiality)


# --- reading a case ---------------------------------------------------------------------------------------------


def _party_facts(case: Any, on: date) -> tuple[list[str], list[str], bool, list[str]]:
    """(names, kinds, any minor on ``on``, natural persons named in the case other than the parties)."""
    from cases import rules as case_rules
    from cases.actions.case import party_view

    names: list[str] = []
    kinds: list[str] = []
    minor = False
    others: list[str] = []
    for party in case.parties.all():
        names.append(party.name)
        kinds.append(party.kind)
        if party.is_minor:
            minor = True
        elif party.kind == "citizen":
            view = party_view(party)
            born = case_rules.birth_date_from_id(view["id_number"]) if view["id_number"] else None
            if born is not None and case_rules.is_minor_on(born, on):
                minor = True
        if party.legal_representative:
            others.append(party.legal_representative)
    return names, kinds, minor, others


def _decision_document(case: Any) -> Any:
    from cases.models import Document

    types = rr.DECISION_DOCUMENTS.get(case.procedure, ())
    docs = [
        d
        for d in case.documents.filter(doc_type__in=types).exclude(state=Document.State.SUPERSEDED)
        if d.doc_type in types
    ]
    docs.sort(key=lambda d: (d.state != Document.State.ISSUED, types.index(d.doc_type), -d.version, -d.pk))
    return docs[0] if docs else None


_INSPECTION_TARGET_OUTCOME = {"rectify": "rectify", "to_penalty": "to_penalty", "publish": "no_problem"}


def _outcome(case: Any) -> str:
    if case.outcome:
        return str(case.outcome)
    if case.procedure == "inspection":  # the result may be told by the route taken from 反馈检查结果
        return _INSPECTION_TARGET_OUTCOME.get(case.current_step, "")
    return ""


def case_fields(case: Any, *, decided_on: date) -> tuple[dict[str, Any], str, bool, list[str], list[str]]:
    """(fields, party kind label, minor party, party names, other names) of the case's decision."""
    from cases import rules as case_rules
    from cases.documents.context import legal_basis_text

    category = rr.category_for(case.procedure) or ""
    names, kinds, minor, others = _party_facts(case, decided_on)
    doc = _decision_document(case)
    data = doc.data if doc is not None else {}
    outcome = _outcome(case)
    outcome_label = case_rules.OUTCOMES.get(case.procedure, {}).get(outcome, outcome)
    labels = [case_rules.PENALTY_TYPES.get(t, t) for t in (case.penalty_types or [])]
    party_kind = rr.party_kind_label(kinds)
    fields = rr.decision_fields(
        doc_number=(doc.number if doc is not None and doc.number else case.number),
        agency_name=case.agency.name,
        party="、".join(names),
        party_kind=party_kind,
        category=category,
        facts=str(data.get("facts") or case.summary or case.title),
        basis=str(data.get("basis") or legal_basis_text(case.item)),
        result=rr.result_text(
            outcome_label=outcome_label,
            penalty_labels=labels,
            fine_amount=case.fine_amount,
            confiscation_amount=case.confiscation_amount,
            outcome_text=case.outcome_text or "",
        ),
        decided_on=decided_on,
        procedure=case.procedure,
        penalty_labels=labels,
        fine_amount=case.fine_amount,
        confiscation_amount=case.confiscation_amount,
        case_number=case.number,
        item_name=case.item.name,
    )
    return fields, party_kind, minor, names, others


# --- actions ----------------------------------------------------------------------------------------------------


def on_decision(case: Any, *, on: date, actor: Any) -> ResultDraft | None:
    """A decision was made (called by cases.actions.case inside its transaction): make the 结果公示 draft, due 7
    working days (许可、处罚) or 20 (检查 …) after ``on``. A minor party or a confidential case gives a blocked draft
    that never publishes. Outcomes that are not published (移送, 不予许可): None."""
    outcome = _outcome(case)
    if not rr.publishable(case.procedure, outcome):
        return None
    category = rr.category_for(case.procedure) or ""
    fields, party_kind, minor, _names, _others = case_fields(case, decided_on=on)
    days = rr.deadline_days(category)
    reason = blocked_because(party_is_minor=minor, confidentiality=case.confidentiality or "")
    existing = (
        ResultDraft.objects.select_for_update().filter(case=case, state=ResultDraft.State.PENDING).first()
    )
    values = {
        "agency_id": case.agency_id,
        "category": category,
        "fields": fields,
        "party_kind": party_kind,
        "decided_on": on,
        "deadline_days": days,
        "due_on": rr.due_on(on, days, calendar()),
        "state": ResultDraft.State.BLOCKED if reason else ResultDraft.State.PENDING,
        "block_reason": reason or "",
    }
    if existing is not None:  # the decision was made again before the draft was published: refresh it
        for key, value in values.items():
            setattr(existing, key, value)
        existing.save()
        draft = existing
    else:
        last = ResultDraft.objects.filter(case=case).order_by("-version").first()
        draft = ResultDraft.objects.create(case=case, version=(last.version + 1) if last else 1, **values)
    record(
        "publicity.result_drafted",
        actor=actor,
        agency_id=case.agency_id,
        obj=draft,
        payload={
            "case": case.number,
            "category": category,
            "due_on": draft.due_on.isoformat(),
            "blocked": bool(reason),
            "version": draft.version,
        },
    )
    return draft


def display_settings() -> tuple[dict[str, int], dict[str, int]]:
    by_party = getattr(settings, "SANXIANG_DISPLAY_YEARS", None) or {}
    by_penalty = getattr(settings, "SANXIANG_DISPLAY_YEARS_BY_PENALTY", None) or {}
    return dict(by_party), dict(by_penalty)


def _names_for(draft: ResultDraft) -> tuple[list[str], list[str]]:
    names, _kinds, _minor, others = _party_facts(draft.case, draft.decided_on)
    return names, others


def public_fields(draft: ResultDraft) -> dict[str, Any]:
    """What publishing ``draft`` shows on the portal: the parties' names kept, other natural persons named in the case
    (法定代表人 …) masked."""
    names, others = _names_for(draft)
    return redact_fields(dict(draft.fields), keep_names=names, other_names=others)


def preview(draft: ResultDraft) -> list[dict[str, Any]]:
    """The reviewer's check before publishing: each text field as published, with what was masked marked."""
    names, others = _names_for(draft)
    public = redact_fields(dict(draft.fields), keep_names=names, other_names=others)
    rows = []
    for label, key in rr.TEXT_FIELDS:
        original = str(draft.fields.get(key) or "")
        shown = str(public.get(key) or "")
        html = (
            highlighted(original, keep_names=names, other_names=others)
            if original != shown
            else str(escape(shown))
        )
        rows.append({"label": label, "key": key, "html": mark_safe(html), "masked": original != shown})  # noqa: S308
    return rows


def publish_result(user: Any, draft: ResultDraft, *, on: date | None = None) -> Publication:
    """Publish a pending draft (公示审核员、监督员 of the supervising 司法局): redacted snapshot, display period, 双公示
    queued. Refuses a blocked (minor party, 保密) or already handled draft."""
    from publicity import actions as publicity_actions
    from publicity import credit

    require(user, "publicity.review", draft.agency_id)
    day = _today(on)
    with transaction.atomic():
        locked = (
            ResultDraft.objects.select_for_update()
            .select_related("case", "case__department")
            .get(pk=draft.pk)
        )
        if locked.state == ResultDraft.State.BLOCKED:
            raise SanxiangError(f"依法不予公开：{locked.block_reason}", field="publish")
        if locked.state != ResultDraft.State.PENDING:
            raise SanxiangError(f"该结果公示当前为“{locked.get_state_display()}”，不能公示", field="publish")
        case = locked.case
        _fields, _kind, minor, _names, _others = case_fields(case, decided_on=locked.decided_on)
        reason = blocked_because(party_is_minor=minor, confidentiality=case.confidentiality or "")
        if reason:
            raise SanxiangError(f"依法不予公开：{reason}（请点击“不予公开”）", field="publish")
        payload = public_fields(locked)
        publication = publicity_actions.publish(
            user,
            kind=Kind.DECISION,
            agency_id=locked.agency_id,
            key=case.number,
            title=rr.title(payload) or case.number,
            payload=payload,
            source=locked,
            category=locked.category,
            department=case.department.name if case.department_id else "",
            search_text=rr.search_text(payload),
        )
        by_party, by_penalty = display_settings()
        years = rr.display_years(
            locked.party_kind, list(case.penalty_types or []), by_party=by_party, by_penalty=by_penalty
        )
        publication.expires_on = rr.expires_on(day, years)
        publication.save(update_fields=["expires_on"])
        locked.state = ResultDraft.State.PUBLISHED
        locked.published_on = day
        locked.published_by = user
        locked.on_time = rr.on_time(locked.due_on, day)
        locked.publication = publication
        locked.save(update_fields=["state", "published_on", "published_by", "on_time", "publication"])
        record(
            "publicity.result_published",
            actor=user,
            agency_id=locked.agency_id,
            obj=locked,
            payload={
                "case": case.number,
                "publication": publication.pk,
                "version": publication.version,
                "on_time": locked.on_time,
                "due_on": locked.due_on.isoformat(),
                "expires_on": publication.expires_on.isoformat(),
            },
        )
        credit.on_published(publication)
    return publication


def block_result(user: Any, draft: ResultDraft, *, reason: str) -> ResultDraft:
    """Decide not to publish (国家秘密、商业秘密、个人隐私, a minor party …), with the reason kept."""
    require(user, "publicity.review", draft.agency_id)
    text = required_reason(reason, "不予公开理由：请写明依据（至少4个字）", "reason")
    if len(text) > 300:
        raise SanxiangError("不予公开理由：最多300个字", field="reason")
    with transaction.atomic():
        locked = ResultDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.state != ResultDraft.State.PENDING:
            raise SanxiangError(f"该结果公示当前为“{locked.get_state_display()}”，不能再标记", field="reason")
        locked.state = ResultDraft.State.BLOCKED
        locked.block_reason = text
        locked.save(update_fields=["state", "block_reason"])
        record(
            "publicity.result_blocked",
            actor=user,
            agency_id=locked.agency_id,
            obj=locked,
            payload={"case_id": locked.case_id, "reason": text},
        )
    return locked


def _change_target(case: Any) -> ResultDraft | None:
    """The draft a change withdraws: the live published one, else the pending one."""
    drafts = ResultDraft.objects.filter(case=case)
    return (
        drafts.filter(state=ResultDraft.State.PUBLISHED).order_by("-version").first()
        or drafts.filter(state=ResultDraft.State.PENDING).order_by("-version").first()
    )


def record_change(
    user: Any,
    case: Any,
    *,
    change: str,
    source: str,
    occurred_on: date,
    reference: str,
    notice: str,
    on: date | None = None,
) -> DecisionChange:
    """Record that a decision was 变更、撤销、确认违法 or 确认无效 (after 复议/诉讼 or by the agency): the withdrawal is
    due 3 working days after ``occurred_on`` (《行政处罚法》第四十八条第二款)."""
    require(user, "case.handle", case.agency_id)
    day = _today(on)
    errors: list[str] = []
    if change not in DecisionChange.Change.values:
        errors.append("变化类型：请选择变更、撤销、确认违法或确认无效")
    if source not in DecisionChange.Source.values:
        errors.append("来源：请选择行政复议、行政诉讼或本机关自行纠正")
    if occurred_on > day:
        errors.append("作出日期：不能晚于今天")
    if len(reference) > 120:
        errors.append("文书文号：最多120个字")
    problem = rr.change_notice_problem(notice)
    if problem:
        errors.append(problem)
    target = _change_target(case)
    if target is None:
        errors.append("该案件没有待公示或已公示的执法决定，无需撤回")
    elif DecisionChange.objects.filter(draft=target, withdrawn_on__isnull=True).exists():
        errors.append("该决定已登记变更、尚未撤回，请先处理撤回")
    if errors:
        raise ValidationFailed(errors, field="change")
    assert target is not None
    with transaction.atomic():
        row = DecisionChange.objects.create(
            case=case,
            agency_id=case.agency_id,
            change=change,
            source=source,
            occurred_on=occurred_on,
            reference=reference.strip(),
            notice=notice.strip(),
            due_on=rr.withdrawal_due_on(occurred_on, calendar()),
            draft=target,
            recorded_by=user,
        )
        record(
            "publicity.decision_changed",
            actor=user,
            agency_id=case.agency_id,
            obj=row,
            payload={
                "case": case.number,
                "change": change,
                "source": source,
                "occurred_on": occurred_on.isoformat(),
                "due_on": row.due_on.isoformat(),
                "draft": target.pk,
            },
        )
    return row


def withdraw_for_change(user: Any, change: DecisionChange, *, on: date | None = None) -> DecisionChange:
    """Withdraw the publication of a changed decision with its public notice (公示审核员); for a 变更 make the
    corrected draft (next version, superseding the old one). A draft not yet published is simply withdrawn."""
    from publicity import actions as publicity_actions
    from publicity import credit

    require(user, "publicity.review", change.agency_id)
    day = _today(on)
    with transaction.atomic():
        locked = DecisionChange.objects.select_for_update().select_related("case").get(pk=change.pk)
        if locked.withdrawn_on is not None:
            raise SanxiangError(f"已于{locked.withdrawn_on:%Y-%m-%d}撤回，无需重复撤回", field="withdraw")
        if day < locked.occurred_on:
            raise SanxiangError("撤回日期：不能早于决定变更的日期", field="withdraw")
        draft = ResultDraft.objects.select_for_update().get(pk=locked.draft_id) if locked.draft_id else None
        publication = None
        if draft is not None and draft.state == ResultDraft.State.PUBLISHED and draft.publication_id:
            live = Publication.objects.filter(
                pk=draft.publication_id, withdrawn_at__isnull=True, superseded_at__isnull=True
            ).first()
            if live is not None:
                publication = publicity_actions.withdraw(user, live, locked.notice)
        if draft is not None and draft.state in (ResultDraft.State.PUBLISHED, ResultDraft.State.PENDING):
            draft.state = ResultDraft.State.WITHDRAWN
            draft.save(update_fields=["state"])
        locked.withdrawn_on = day
        locked.on_time = rr.on_time(locked.due_on, day)
        locked.save(update_fields=["withdrawn_on", "on_time"])
        corrected = None
        if locked.change == DecisionChange.Change.ALTERED and draft is not None:
            corrected = _corrected_draft(locked, draft)
        record(
            "publicity.result_withdrawn",
            actor=user,
            agency_id=locked.agency_id,
            obj=locked,
            payload={
                "case_id": locked.case_id,
                "publication": publication.pk if publication else None,
                "on_time": locked.on_time,
                "due_on": locked.due_on.isoformat(),
                "corrected_draft": corrected.pk if corrected else None,
            },
        )
        if publication is not None:
            credit.on_withdrawn(publication, on=day)
    return locked


def _corrected_draft(change: DecisionChange, old: ResultDraft) -> ResultDraft:
    """The next version after a 变更: the case's current decision, due from the day of the change."""
    case = change.case
    fields, party_kind, minor, _names, _others = case_fields(case, decided_on=change.occurred_on)
    fields["correction"] = (
        f"原决定已于{change.occurred_on:%Y年%m月%d日}经{change.get_source_display()}变更"
        + (f"（{change.reference}）" if change.reference else "")
        + "，本信息为变更后的决定"
    )
    reason = blocked_because(party_is_minor=minor, confidentiality=case.confidentiality or "")
    days = rr.deadline_days(old.category)
    return ResultDraft.objects.create(
        case=case,
        agency_id=old.agency_id,
        version=old.version + 1,
        category=old.category,
        state=ResultDraft.State.BLOCKED if reason else ResultDraft.State.PENDING,
        fields=fields,
        party_kind=party_kind,
        decided_on=change.occurred_on,
        deadline_days=days,
        due_on=rr.due_on(change.occurred_on, days, calendar()),
        block_reason=reason or "",
        supersedes=old,
    )


def expire_due(today: date | None = None) -> int:
    """Nothing to change: ``Publication.current()`` hides a decision past its display period. Returns how many
    decision publications are past it (for the audit counts)."""
    day = _today(today)
    return Publication.objects.filter(
        kind=Kind.DECISION, superseded_at__isnull=True, withdrawn_at__isnull=True, expires_on__lt=day
    ).count()
