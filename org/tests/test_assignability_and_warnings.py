"""Who may be assigned to an enforcement act (《行政处罚法》第四十二条) and the 执法证 warnings on the 工作台."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Agency
from org import selectors
from org.tests.factories import make_officer
from org.workbench import certificate_warnings, items


@pytest.fixture
def hongta(yuxi):
    return Agency.objects.get(short_name="红司")


def _today():
    return timezone.localdate()


@pytest.mark.parametrize(
    ("days_left", "status", "approved", "active", "assignable"),
    [
        (0, "valid", True, True, True),  # the last day of validity still counts
        (-1, "valid", True, True, False),  # expired yesterday
        (400, "valid", True, True, True),
        (400, "suspended", True, True, False),
        (400, "revoked", True, True, False),
        (400, "valid", False, True, False),  # never reviewed by the 监督科
        (400, "valid", True, False, False),  # 离岗
    ],
)
def test_assignable_officers(yuxi, days_left, status, approved, active, assignable):
    officer = make_officer(
        yuxi,
        valid_until=_today() + timedelta(days=days_left),
        status=status,
        approved=approved,
        is_active=active,
    )
    assert selectors.is_assignable(officer, _today()) is assignable
    assert (officer in selectors.assignable_officers(yuxi.pk, _today())) is assignable


def test_certificate_not_yet_in_force_gives_no_qualification(yuxi):
    officer = make_officer(yuxi)
    cert = officer.current_certificate()
    assert cert is not None
    cert.valid_from = _today() + timedelta(days=1)
    cert.save()
    assert not selectors.is_assignable(officer, _today())
    assert not selectors.assignable_officers(yuxi.pk, _today()).exists()
    assert selectors.is_assignable(officer, _today() + timedelta(days=1))


def test_assignable_is_per_agency(yuxi, hongta):
    city = make_officer(yuxi, name="市局")
    county = make_officer(hongta, name="红塔")
    assert list(selectors.assignable_officers(yuxi.pk, _today())) == [city]
    assert list(selectors.assignable_officers(hongta.pk, _today())) == [county]


def test_assignable_on_a_later_date(yuxi):
    officer = make_officer(yuxi, valid_until=_today() + timedelta(days=10))
    assert officer in selectors.assignable_officers(yuxi.pk, _today() + timedelta(days=10))
    assert officer not in selectors.assignable_officers(yuxi.pk, _today() + timedelta(days=11))


@pytest.mark.parametrize(
    ("days_left", "level"), [(61, None), (60, "yellow"), (1, "yellow"), (0, "yellow"), (-1, "red")]
)
def test_warning_boundaries_for_the_city_supervisor(persona, yuxi, days_left, level):
    make_officer(yuxi, name="到期测试", valid_until=_today() + timedelta(days=days_left))
    warnings = certificate_warnings(persona("jiandu"))
    assert [w.level for w in warnings] == ([level] if level else [])
    if level:
        assert "到期测试" in warnings[0].title
        assert ("已过期" if level == "red" else "即将到期") in warnings[0].title


def test_suspended_revoked_or_departed_officers_give_no_expiry_warning(persona, yuxi):
    soon = _today() + timedelta(days=5)
    make_officer(yuxi, valid_until=soon, status="suspended")
    make_officer(yuxi, valid_until=soon, status="revoked")
    make_officer(yuxi, valid_until=soon, is_active=False)
    assert certificate_warnings(persona("jiandu")) == []


def test_who_is_warned(persona, yuxi, hongta):
    """The agency's 科室负责人 and 公示审核员 and the supervising 监督员; not the officers, not other counties."""
    make_officer(yuxi, name="市局人员", valid_until=_today() + timedelta(days=30))
    make_officer(hongta, name="红塔人员", valid_until=_today() - timedelta(days=1))

    def names(username):
        return sorted(w.title.split("：")[1].split("（")[0] for w in certificate_warnings(persona(username)))

    assert names("kezhang") == ["市局人员"]
    assert names("gongshi") == ["市局人员"]
    assert names("jiandu") == sorted(["红塔人员", "市局人员"])
    assert names("hongta_jiandu") == ["红塔人员"]
    assert names("hongta_kezhang") == ["红塔人员"]
    assert names("zhangsan") == []
    assert names("wangwu") == []
    assert names("shijianju") == []
    assert names("sysadmin") == []


def test_workbench_page_shows_the_warning_and_review_todo(login, yuxi):
    make_officer(yuxi, name="过期人员", valid_until=_today() - timedelta(days=3))
    make_officer(yuxi, name="待审人员", state="submitted")
    page = login("jiandu").get("/workbench/").content.decode()
    assert "执法证已过期：过期人员" in page
    assert "审核执法主体与执法人员公示信息（1项待审）" in page


def test_items_for_anonymous_is_empty():
    from django.contrib.auth.models import AnonymousUser

    assert items(AnonymousUser()) == ([], [])


def test_only_one_current_certificate_per_officer(yuxi):
    from django.db import IntegrityError, transaction

    from org.models import Certificate

    officer = make_officer(yuxi)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            officer=officer,
            number="云执53040020990001",
            issuer="云南省人民政府",
            valid_from=_today(),
            valid_until=_today() + timedelta(days=10),
            is_current=True,
            approved_at=timezone.now(),
        )
