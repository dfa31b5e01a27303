"""Staff pages of enforcement cases under /cases/: list, register, and the case page (overview, step timeline,
advance form, parties, officers, 回避, decision, 结案). Thin: every case is fetched through ``scoped_get`` and
every change goes through ``cases.actions.case``; a refusal (``SanxiangError``) is shown in Chinese on the page
that was submitted, with the input kept.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.access import access, can, scoped, scoped_get
from cases import rules as case_rules
from cases import selectors
from cases.actions import case as engine
from cases.forms import (
    CASE_PROCEDURES,
    AdvanceForm,
    AssignForm,
    CaseForm,
    DecisionForm,
    PartyForm,
    PartyFormSet,
    RecusalDecideForm,
    RecusalForm,
    case_items,
)
from cases.models import Case, CaseOfficer, CaseStep, Clock, Party, Recusal
from catalog.process import get as get_process
from core.errors import SanxiangError
from core.formerrors import apply_errors
from org.models import Officer

PAGE_SIZE = 30
# The tabs of a case page: (label, URL name, kwarg name). Tabs whose page does not exist yet are left out.
TABS: list[tuple[str, str, str]] = [
    ("概况", "cases:detail", "pk"),
    ("期限", "cases:clocks", "pk"),
    ("合规检查", "cases:compliance", "pk"),
    ("文书", "cases:documents", "pk"),
    ("证据", "evidence:case_items", "case_pk"),
    ("电子案卷", "cases:dossier", "pk"),
]


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("agency", "department", "item", "created_by")


def _get(request: HttpRequest, capability: str, pk: int) -> Case:
    return scoped_get(request.user, capability, _cases(), pk=pk)


def _today() -> date:
    return timezone.localdate()


# --- list ------------------------------------------------------------------------------------------------------


def overdue_clocks(today: date) -> QuerySet[Clock]:
    """Running deadlines whose due day has passed: the database form of ``cases.clock_rules.clock_status`` ==
    "red" (today after the due day; the due day itself is still in time, 《行政处罚法》第八十五条)."""
    return Clock.objects.filter(
        case=OuterRef("pk"), state=Clock.State.RUNNING, kind="deadline", due_on__lt=today
    )


def filter_cases(qs: QuerySet[Case], user: Any, params: Any, today: date) -> QuerySet[Case]:
    """The list filters shared by the page and the API: 程序, 状态, 我的案件, 超期, search."""
    if params.get("procedure") in dict(CASE_PROCEDURES):
        qs = qs.filter(procedure=params["procedure"])
    if params.get("status") in Case.Status.values:
        qs = qs.filter(status=params["status"])
    if params.get("mine") in ("1", "true", "True", True):
        mine = CaseOfficer.objects.filter(case=OuterRef("pk"), officer__user=user, released_at__isnull=True)
        qs = qs.filter(Q(created_by=user) | Q(Exists(mine)))
    if params.get("overdue") in ("1", "true", "True", True):
        qs = qs.filter(Exists(overdue_clocks(today)))
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(title__icontains=q)
            | Q(application_number__icontains=q)
            | Q(Exists(Party.objects.filter(case=OuterRef("pk"), name__icontains=q)))
        )
    return qs


def next_clocks(case_ids: list[int]) -> dict[int, Clock]:
    """The running deadline due first, per case."""
    found: dict[int, Clock] = {}
    for clock in Clock.objects.filter(
        case_id__in=case_ids, state=Clock.State.RUNNING, kind="deadline"
    ).order_by("due_on", "id"):
        found.setdefault(clock.case_id, clock)
    return found


def clock_colour(clock: Clock, today: date, calendar: Any = None) -> str:
    """ "ok" | "yellow" | "red" by ``cases.clock_rules.clock_status`` (working days for working-day clocks)."""
    from cases import clock_rules
    from cases.actions.clocks import ClockCalendar

    try:
        return clock_rules.clock_status(
            clock.due_on, today, clock.unit, calendar or ClockCalendar(), clock.warn_days
        )
    except SanxiangError:  # e.g. a calendar year not loaded: colour by calendar days
        if clock.due_on < today:
            return "red"
        return "yellow" if (clock.due_on - today).days <= clock_rules.yellow_days() else "ok"


@access("case.read")
def case_list(request: HttpRequest) -> HttpResponse:
    today = _today()
    g = request.GET
    qs = filter_cases(scoped(request.user, "case.read", _cases()), request.user, g, today)
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(g.get("page"))
    rows = list(page)
    clocks = next_clocks([c.pk for c in rows])
    from cases.actions.clocks import ClockCalendar

    calendar = ClockCalendar()
    items = [
        {
            "case": c,
            "clock": clocks.get(c.pk),
            "colour": clock_colour(clocks[c.pk], today, calendar) if c.pk in clocks else "",
        }
        for c in rows
    ]
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "rows": items,
            "procedures": CASE_PROCEDURES,
            "statuses": Case.Status.choices,
            "filters": g,
            "can_handle": can(request.user, "case.handle"),
        },
    )


# --- new case --------------------------------------------------------------------------------------------------


PARTY_LABEL = re.compile(
    r"^(?:第(\d+)名)?当事人(类型|姓名/名称|证件类型|证件号码|联系电话|住址|法定代表人/负责人|未成年人|性别)："
)
PARTY_FIELDS = {
    "类型": "kind",
    "姓名/名称": "name",
    "证件类型": "id_type",
    "证件号码": "id_number",
    "联系电话": "phone",
    "住址": "address",
    "法定代表人/负责人": "legal_representative",
}


def attach_party_message(form: Any, message: str) -> None:
    """ "当事人证件号码：…" on the party form's 证件号码 (the label is printed by the field template)."""
    m = PARTY_LABEL.match(message)
    name = PARTY_FIELDS.get(m.group(2)) if m else None
    if m and name in form.fields:
        form.add_error(name, message[m.end() :])
    else:
        form.add_error(None, message)


def attach_case_errors(exc: SanxiangError, form: CaseForm, formset: Any) -> None:
    """Put each message of a refused ``open_case`` next to its input: "第2名当事人证件号码：…" on that party's
    证件号码, "案由/申请事项：…" on the title; the rest above the form."""
    messages_ = list(getattr(exc, "errors", None) or [exc.message])
    rows = [f for f in formset.forms if f.has_changed() and not (f.cleaned_data or {}).get("DELETE")]
    labels = {**{str(f.label): name for name, f in form.fields.items()}, **CASE_MESSAGE_FIELDS}
    for message in messages_:
        m = PARTY_LABEL.match(message)
        if m and rows:
            index = int(m.group(1) or 1) - 1
            attach_party_message(rows[index] if index < len(rows) else rows[0], message)
            continue
        label, sep, rest = message.partition("：")
        if sep and label in labels:
            form.add_error(labels[label], rest)
        else:
            form.add_error(None, message)


def _planned(d: dict[str, Any]) -> dict[str, Any]:
    """The planned penalty of a 简易程序 case, checked against 《行政处罚法》第五十一条 when the case is opened."""
    if d.get("procedure") != "penalty_simple":
        return {}
    types = list(d.get("planned_penalty_types") or [])
    fine = d.get("planned_fine")
    if not types and fine is None:
        return {}
    return {"planned_penalty_types": types or ["fine"], "planned_fine": fine}


# Labels of open_case's messages that name a field of the form under another label.
CASE_MESSAGE_FIELDS = {
    "处罚种类": "planned_penalty_types",
    "罚款金额": "planned_fine",
    "拟罚款金额": "planned_fine",
}


@access("case.handle")
def case_new(request: HttpRequest) -> HttpResponse:
    agency_id: int = request.user.agency_id  # type: ignore[union-attr,assignment]
    if request.method == "POST":
        post = request.POST.copy()
        adding = "add_row" in post
        if adding:
            post["parties-TOTAL_FORMS"] = str(int(post.get("parties-TOTAL_FORMS", "0") or 0) + 1)
        form = CaseForm(post, agency_id=agency_id)
        formset = PartyFormSet(post, prefix="parties")
        if not adding and form.is_valid() and formset.is_valid():
            d = form.cleaned_data
            try:
                case = engine.open_case(
                    request.user,
                    item=d["item"],
                    procedure=d["procedure"],
                    title=d["title"],
                    parties=formset.parties(),  # type: ignore[attr-defined]
                    source=d.get("source") or "",
                    summary=d.get("summary") or "",
                    discovered_on=d.get("discovered_on"),
                    received_on=d.get("received_on"),
                    **_planned(d),
                )
            except SanxiangError as exc:
                attach_case_errors(exc, form, formset)
            else:
                messages.success(request, f"已登记案件：{case.number}")
                return redirect("cases:detail", case.pk)
    else:
        initial: dict[str, Any] = {}
        if request.GET.get("item", "").isdigit():
            initial["item"] = int(request.GET["item"])
        form = CaseForm(initial=initial, agency_id=agency_id)
        formset = PartyFormSet(prefix="parties")
    return render(
        request,
        "cases/case_new.html",
        {"form": form, "formset": formset, "procedures_by_category": case_rules.PROCEDURES_BY_CATEGORY},
    )


# --- case page -------------------------------------------------------------------------------------------------


def tabs(case: Case, active: str) -> list[dict[str, Any]]:
    """The tab bar of every case page (概况、期限、合规检查、文书、证据、法制审核、电子案卷)."""
    entries = [*TABS[:-1], ("法制审核", "review:case_reviews", "case_id"), *TABS[-1:]]
    return [
        {
            "label": label,
            "url": reverse(name, kwargs={kwarg: case.pk}),
            "name": name,
            "active": name == active,
        }
        for label, name, kwarg in entries
    ]


def header_context(case: Case, today: date | None = None) -> dict[str, Any]:
    """``next_clock`` and ``next_colour`` for cases/_header.html: the running deadline due first."""
    clock = next_clocks([case.pk]).get(case.pk)
    return {"next_clock": clock, "next_colour": clock_colour(clock, today or _today()) if clock else ""}


def current_row(case: Case) -> CaseStep | None:
    try:
        return selectors.current_step_row(case)
    except CaseStep.DoesNotExist:
        return None


def transitions(case: Case) -> list[dict[str, Any]]:
    """Where the current step may go by 办结 (the 结案 step is entered by the close button, after the checks)."""
    return [t for t in selectors.available_transitions(case) if not t.get("is_close")]


def handoff_items(case: Case, options: list[dict[str, Any]]) -> QuerySet[Any] | None:
    """The 处罚 事项 a matter may be handed to when a transition leads to a handoff step (简易程序转一般程序，
    检查发现违法转入处罚); None when no transition does."""
    process = get_process(case.procedure)
    handoff = {s.id for s in process.steps if s.handoff}
    if not any(t["to"] in handoff for t in options):
        return None
    return case_items(case.agency_id).filter(category="penalty")


def advance_form(case: Case, data: Any = None, initial: dict[str, Any] | None = None) -> AdvanceForm:
    options = transitions(case)
    return AdvanceForm(
        data,
        transitions=options,
        officers=case_officers(case, _today()),
        handoff_items=handoff_items(case, options),
        initial=initial,
    )


def can_close_now(case: Case) -> bool:
    return any(t.get("is_close") for t in selectors.available_transitions(case))


def case_officers(case: Case, today: date) -> list[Officer]:
    """Who may be picked for an act: the case's assigned officers first, then the agency's assignable ones."""
    from org.selectors import assignable_officers

    assigned = [
        a.officer for a in case.assignments.filter(released_at__isnull=True).select_related("officer")
    ]
    seen = {o.pk for o in assigned}
    others = [o for o in assignable_officers(case.agency_id, today).order_by("name") if o.pk not in seen]
    return assigned + others


def _party_rows(case: Case, show: bool) -> list[dict[str, Any]]:
    """Parties for staff: decrypted through ``party_view``; masked unless the user asked to see them."""
    rows = []
    for party in case.parties.all():
        data = engine.party_view(party)
        if not show:
            data["id_number"] = case_rules.mask_identifier(data.get("id_number") or "")
            data["phone"] = case_rules.mask_identifier(data.get("phone") or "")
            data["address"] = "******" if data.get("address") else ""
        data.setdefault("kind_label", party.get_kind_display())
        data.setdefault("id_type", party.id_type)
        data.setdefault("legal_representative", party.legal_representative)
        data["pk"] = party.pk
        rows.append(data)
    return rows


def _step_rows(case: Case) -> list[dict[str, Any]]:
    process = get_process(case.procedure)
    names = {s.id: s for s in process.steps}
    rows = []
    for row in case.steps.select_related("completed_by").prefetch_related("officers__officer"):
        transition_to = names.get(row.transition_to)
        rows.append(
            {
                "row": row,
                "officers": list(row.officers.all()),
                "to_name": transition_to.name if transition_to else row.transition_to,
                "av": names[row.step_id].av_record if row.step_id in names else "",
            }
        )
    return rows


def _is_decision_step(case: Case) -> bool:
    """The decision is recorded at the 作出决定 step; procedures without one (检查) record it along the way."""
    process = get_process(case.procedure)
    if any(s.id == "decide" for s in process.steps):
        return case.current_step == "decide"
    return not case.is_read_only


def detail_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    """Everything the case page shows; ``forms`` replaces a blank form with the bound one that was refused."""
    user = request.user
    today = _today()
    process = get_process(case.procedure)
    try:
        step = process.step(case.current_step)
    except SanxiangError:
        step = None
    row = current_row(case)
    options = transitions(case)
    officers = case_officers(case, today)
    handle = can(user, "case.handle", case.agency_id) and not case.is_read_only
    roles = frozenset(getattr(user, "role_codes", ()) or ())
    may_act = handle and step is not None and case_rules.may_act(roles, step)
    duties = engine.step_duties(case, step) if step is not None and not case.is_read_only else {}
    av_upload = ""
    if duties.get("av_record") and row is not None:
        av_upload = reverse("evidence:upload", kwargs={"case_pk": case.pk})
    assigned = list(case.assignments.select_related("officer").order_by("released_at", "-is_lead", "id"))
    active_assigned = [a.officer for a in assigned if a.released_at is None]
    pending = [r for r in case.recusals.all() if r.decision == Recusal.Decision.PENDING]
    context = {
        "case": case,
        "process": process,
        "step": step,
        "row": row,
        "duties": duties,
        "outcome_label": case_rules.OUTCOMES.get(case.procedure, {}).get(case.outcome, case.outcome),
        "penalty_labels": [case_rules.PENALTY_TYPES.get(t, t) for t in case.penalty_types or []],
        "tabs": tabs(case, "cases:detail"),
        "steps": _step_rows(case),
        "transitions": options,
        **header_context(case, today),
        "av_upload": av_upload,
        "show_pii": request.GET.get("show") == "parties",
        "parties": _party_rows(case, request.GET.get("show") == "parties"),
        "assigned": assigned,
        "recusals": list(case.recusals.select_related("officer", "decided_by")),
        "can_handle": handle,
        "may_act": may_act,
        "show_advance": handle and bool(options) and (may_act or "advance_form" in forms),
        "can_decide_recusal": handle and case_rules.may_decide_recusal(roles) and bool(pending),
        "can_close": handle and can_close_now(case),
        "show_decision": may_act and _is_decision_step(case),
        "advance_form": forms.get("advance_form") or advance_form(case, initial=_advance_initial(case, row)),
        "assign_form": forms.get("assign_form")
        or AssignForm(
            officers=officers,
            initial={"officers": [str(o.pk) for o in active_assigned]},
        ),
        "party_form": forms.get("party_form") or PartyForm(prefix="party"),
        "recusal_form": forms.get("recusal_form") or RecusalForm(officers=active_assigned or officers),
        "decide_form": forms.get("decide_form") or RecusalDecideForm(),
        "decide_for": forms.get("decide_for"),
        "decision_form": forms.get("decision_form")
        or DecisionForm(
            case=case,
            initial={
                "outcome": case.outcome,
                "penalty_types": case.penalty_types,
                "fine_amount": case.fine_amount,
                "confiscation_amount": case.confiscation_amount,
                "outcome_text": case.outcome_text,
                "is_complex": case.is_complex,
            },
        ),
        "close_errors": forms.get("close_errors") or [],
        "flowchart_url": _flowchart_url(case.procedure),
    }
    return context


def _flowchart_url(code: str) -> str:
    return reverse("catalog:process_detail", kwargs={"code": code})


def _advance_initial(case: Case, row: CaseStep | None) -> dict[str, Any]:
    """Pre-tick the case's assigned officers, with 出示证件/告知 ticked (the officer unticks what did not happen)."""
    ids = [
        str(pk)
        for pk in case.assignments.filter(released_at__isnull=True)
        .order_by("-is_lead", "id")
        .values_list("officer_id", flat=True)
    ]
    initial: dict[str, Any] = {"officers": ids}
    lead = case.assignments.filter(released_at__isnull=True, is_lead=True).first()
    if lead:
        initial["lead"] = str(lead.officer_id)
    for pk in ids:
        initial[f"showed_{pk}"] = True
        initial[f"informed_{pk}"] = True
    return initial


@access("case.read")
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get(request, "case.read", pk)
    return render(request, "cases/case_detail.html", detail_context(request, case))


def _refused(request: HttpRequest, case: Case, **forms: Any) -> HttpResponse:
    return render(request, "cases/case_detail.html", detail_context(request, case, **forms), status=400)


def _post_case(request: HttpRequest, pk: int) -> Case | HttpResponse:
    case = _get(request, "case.handle", pk)
    if request.method != "POST":  # after the scope check, so an outsider learns nothing but 403
        return HttpResponseNotAllowed(["POST"])
    return case


@access("case.handle")
def case_advance(request: HttpRequest, pk: int) -> HttpResponse:
    case = _post_case(request, pk)
    if isinstance(case, HttpResponse):
        return case
    form = advance_form(case, request.POST)
    if not form.is_valid():
        return _refused(request, case, advance_form=form)
    d = form.cleaned_data
    handoff = d.get("handoff_item")
    try:
        row = engine.advance(
            request.user,
            case,
            to=d["to"],
            officers=form.officers_payload(),
            note=d.get("note") or "",
            data={"handoff_item_id": handoff.pk} if handoff else None,
            av_waiver_reason=d.get("av_waiver_reason") or "",
        )
    except SanxiangError as exc:
        apply_errors(form, exc, fallback="handoff_item" if exc.field == "handoff_item_id" else None)
        return _refused(request, case, advance_form=form)
    new_case = (row.data or {}).get("handoff_case_id")
    if new_case:
        messages.success(request, f"本案已终止，已转入新案件 {row.data.get('handoff_number', '')}")
        return redirect("cases:detail", new_case)
    messages.success(request, f"已办结，进入“{row.name}”")
    return redirect("cases:detail", case.pk)


@access("case.handle")
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = _post_case(request, pk)
    if isinstance(case, HttpResponse):
        return case
    form = AssignForm(request.POST, officers=case_officers(case, _today()))
    if not form.is_valid():
        return _refused(request, case, assign_form=form)
    ids = [int(x) for x in form.cleaned_data["officers"]]
    lead = form.cleaned_data.get("lead")
    try:
        engine.assign_officers(request.user, case, ids, lead_id=int(lead) if lead else None)
    except SanxiangError as exc:
        apply_errors(form, exc, fallback="officers")
        return _refused(request, case, assign_form=form)
    messages.success(request, "已指派承办人员")
    return redirect("cases:detail", case.pk)


@access("case.handle")
def recusal_request(request: HttpRequest, pk: int) -> HttpResponse:
    case = _post_case(request, pk)
    if isinstance(case, HttpResponse):
        return case
    officers = case_officers(case, _today())
    form = RecusalForm(request.POST, officers=officers)
    if not form.is_valid():
        return _refused(request, case, recusal_form=form)
    d = form.cleaned_data
    try:
        engine.request_recusal(
            request.user, case, officer_id=int(d["officer"]), applicant=d["applicant"], reason=d["reason"]
        )
    except SanxiangError as exc:
        apply_errors(form, exc, fallback="reason")
        return _refused(request, case, recusal_form=form)
    messages.success(request, "已登记回避申请，待行政机关负责人决定")
    return redirect("cases:detail", case.pk)


@access("case.handle")
def recusal_decide(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    case = _post_case(request, pk)
    if isinstance(case, HttpResponse):
        return case
    recusal = scoped_get(
        request.user, "case.handle", Recusal.objects.filter(case=case), agency_field="case__agency_id", pk=rid
    )
    form = RecusalDecideForm(request.POST)
    if not form.is_valid():
        return _refused(request, case, decide_form=form, decide_for=recusal.pk)
    try:
        engine.decide_recusal(
            request.user, recusal, grant=form.cleaned_data["grant"], reason=form.cleaned_data["reason"]
        )
    except SanxiangError as exc:
        apply_errors(form, exc, fallback="reason")
        return _refused(request, case, decide_form=form, decide_for=recusal.pk)
    messages.success(request, "已作出回避决定")
    return redirect("cases:detail", case.pk)


@access("case.handle")
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _post_case(request, pk)
    if isinstance(case, HttpResponse):
        return case
    form = PartyForm(request.POST, prefix="party")
    if not form.is_valid():
        return _refused(request, case, party_form=form)
    try:
        party = engine.add_party(request.user, case, form.cleaned_data)
    except SanxiangError as exc:
        for message in list(getattr(exc, "errors", None) or [exc.message]):
            attach_party_message(form, message)
        return _refused(request, case, party_form=form)
    messages.success(request, f"已增加当事人：{party.name}")
    return redirect("cases:detail", case.pk)


@access("case.handle")
def case_decision(request: HttpRequest, pk: int) -> HttpResponse:
    case = _post_case(request, pk)
    if isinstance(case, HttpResponse):
        return case
    form = DecisionForm(request.POST, case=case)
    if not form.is_valid():
        return _refused(request, case, decision_form=form)
    d = form.cleaned_data
    try:
        engine.record_decision(
            request.user,
            case,
            outcome=d["outcome"],
            penalty_types=list(d.get("penalty_types") or []),
            fine_amount=d.get("fine_amount"),
            confiscation_amount=d.get("confiscation_amount"),
            outcome_text=d.get("outcome_text") or "",
            is_complex=d.get("is_complex") if form.is_penalty else None,
        )
    except SanxiangError as exc:
        apply_errors(form, exc)
        return _refused(request, case, decision_form=form)
    messages.success(request, "已记录处理决定")
    return redirect("cases:detail", case.pk)


@access("case.handle")
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = _post_case(request, pk)
    if isinstance(case, HttpResponse):
        return case
    try:
        job = engine.close_case(request.user, case)
    except SanxiangError as exc:
        errors = list(getattr(exc, "errors", None) or [exc.message])
        return _refused(request, case, close_errors=errors)
    messages.success(request, f"已结案，正在生成电子案卷：{case.number}")
    if job is not None:
        return redirect("core:job_detail", job.pk)
    return redirect("cases:detail", case.pk)
