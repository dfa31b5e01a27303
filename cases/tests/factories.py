"""Test data for cases: certified officers, published items, and cases written directly (no workflow).

``world(persona)`` builds what most case tests need; ``make_case`` creates a case at its procedure's start step
without going through ``cases.actions`` — for unit tests of clocks, documents, evidence and dossiers. Tests of the
workflow itself use ``cases.actions.case``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from accounts.models import User
from cases.models import Case, CaseStep, Party
from catalog.models import Item
from catalog.process import get as get_process
from catalog.tests import factories as item_factories
from core.models import Agency
from org.models import Certificate, Department, Officer

_seq = count(1)
ALL_CATEGORIES = ["行政许可", "行政处罚", "行政检查"]


@dataclass
class World:
    bureau: Agency
    hongta: Agency
    items: dict[str, Item] = field(default_factory=dict)  # procedure code → item of the 市司法局
    hongta_item: Item | None = None
    officers: dict[str, Officer] = field(default_factory=dict)  # username (or name) → officer
    users: dict[str, User] = field(default_factory=dict)


def certified_officer(
    agency: Agency,
    name: str,
    *,
    user: User | None = None,
    categories: list[str] | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    status: str = Certificate.Status.VALID,
) -> Officer:
    """A published, active officer with one current, approved certificate."""
    today = timezone.localdate()
    officer = Officer.objects.create(
        agency=agency,
        department=user.department
        if user and user.department_id
        else Department.objects.filter(agency=agency).first(),
        name=name,
        position="一级科员",
        categories=categories if categories is not None else list(ALL_CATEGORIES),
        area=f"{agency.region.name}行政区域内",
        state="published",
        user=user,
    )
    Certificate.objects.create(
        officer=officer,
        number=f"云执T{agency.pk:02d}{next(_seq):08d}",
        issuer="云南省人民政府",
        valid_from=valid_from or today - timedelta(days=365 * 3),
        valid_until=valid_until or today + timedelta(days=365 * 3),
        status=status,
        is_current=True,
        approved_at=timezone.now(),
    )
    return officer


def world(persona: Any) -> World:
    zhangsan, kezhang, gongshi = persona("zhangsan"), persona("kezhang"), persona("gongshi")
    bureau = zhangsan.agency
    hongta = persona("wangwu").agency
    w = World(bureau=bureau, hongta=hongta)
    for username in ("zhangsan", "zhaoliu", "kezhang"):
        user = persona(username)
        w.users[username] = user
        w.officers[username] = certified_officer(bureau, user.full_name, user=user)
    wangwu = persona("wangwu")
    w.users["wangwu"] = wangwu
    w.officers["wangwu"] = certified_officer(hongta, wangwu.full_name, user=wangwu)
    w.officers["hongta_2"] = certified_officer(hongta, "红塔执法员")
    for username in ("lisi", "fenguan", "juzhang", "jiandu", "gongshi"):
        w.users[username] = persona(username)
    w.items["penalty_general"] = item_factories.published_item(
        kezhang, gongshi, bureau, item_factories.penalty()
    )
    w.items["penalty_simple"] = w.items["penalty_general"]
    w.items["licensing"] = item_factories.published_item(kezhang, gongshi, bureau, item_factories.licensing())
    w.items["inspection"] = item_factories.published_item(
        kezhang, gongshi, bureau, item_factories.inspection()
    )
    hongta_kezhang = persona("hongta_kezhang")
    hongta_data = item_factories.penalty("HTSFJ-CF-001", department="律师公证工作股", level="county")
    w.hongta_item = item_factories.published_item(
        hongta_kezhang, persona("hongta_jiandu"), hongta, hongta_data
    )
    return w


def make_case(
    user: User,
    item: Item,
    procedure: str | None = None,
    *,
    on: date | None = None,
    party_kind: str = Party.Kind.CITIZEN,
    **over: Any,
) -> Case:
    """A case at its procedure's start step, written directly. ``on``: the day the start step was entered."""
    procedure = procedure or item.procedure or "penalty_general"
    process = get_process(procedure)
    start = process.start_steps[0]
    day = on or timezone.localdate()
    n = next(_seq)
    fields: dict[str, Any] = {
        "agency": item.agency,
        "department": item.department,
        "item": item,
        "procedure": procedure,
        "number": f"{item.agency.short_name}测案〔{day.year}〕{n}号",
        "title": f"测试案件{n}",
        "current_step": start.id,
        "current_step_name": start.name,
        "created_by": user,
    }
    fields.update(over)
    case = Case.objects.create(**fields)
    moment = timezone.make_aware(datetime.combine(day, time(9, 0)))
    CaseStep.objects.create(
        case=case, seq=1, step_id=start.id, name=start.name, entered_at=moment, entered_on=day
    )
    Party.objects.create(
        case=case,
        kind=party_kind,
        name="测试当事人" if party_kind == Party.Kind.CITIZEN else "测试律师事务所",
    )
    return case
