"""执法主体 registry: drafting, review, publication, history, re-confirmation (seed 二(一)1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import SanxiangError
from core.models import Agency
from org import actions
from org.models import SubjectProfile, SubjectVersion
from org.tests.factories import make_subject, subject_data
from org.workbench import subject_warnings
from publicity.models import Publication


@pytest.fixture
def market(yuxi):
    return Agency.objects.get(name="玉溪市市场监督管理局")


@pytest.fixture
def hongta(yuxi):
    return Agency.objects.get(short_name="红司")


def test_market_bureau_drafts_and_city_supervisor_publishes(persona, market):
    """朱执法 at 市场监管 keeps his bureau's entry; 郑监督 (市司法局 监督科) approves → a live 公告."""
    shijianju, jiandu = persona("shijianju"), persona("jiandu")
    profile = actions.save_subject(shijianju, market, subject_data(name=market.name, head="市场监管局长"))
    assert profile.state == "draft"
    actions.submit_subject(shijianju, profile)
    publication = actions.approve_subject(jiandu, profile)
    profile.refresh_from_db()
    assert profile.state == "published"
    assert profile.confirmed_on == timezone.localdate()
    assert publication.kind == "subject" and publication.key == "subject" and publication.version == 1
    assert publication.payload["name"] == market.name
    assert publication.payload["nature"] == "法定"
    assert publication.payload["region"] == "玉溪市"
    assert publication.payload["confirmed_on"] == timezone.localdate().isoformat()
    assert publication.category == "法定"
    assert set(publication.payload) == {
        "name", "nature", "entrusting_agency", "entrusted_scope", "head", "address", "categories", "area",
        "phone", "supervision_phone", "legal_basis", "credit_code", "region", "confirmed_on", "change_note",
    }  # fmt: skip
    actions_logged = set(
        AuditEvent.objects.filter(object_type="org.subjectprofile").values_list("action", flat=True)
    )
    assert {"org.subject_created", "org.subject_submitted", "org.subject_approved"} <= actions_logged


def test_return_with_comment_then_fix_and_resubmit_keeps_history(persona, market):
    shijianju, gongshi = persona("shijianju"), persona("gongshi")
    profile = actions.save_subject(shijianju, market, subject_data(name=market.name))
    actions.submit_subject(shijianju, profile)
    with pytest.raises(SanxiangError, match="退回意见"):
        actions.return_subject(gongshi, profile, "改")
    actions.return_subject(gongshi, profile, "监督电话请填写本单位电话")
    profile.refresh_from_db()
    assert profile.state == "returned" and profile.return_comment == "监督电话请填写本单位电话"
    actions.save_subject(shijianju, market, subject_data(name=market.name, supervision_phone="0877-2038899"))
    actions.submit_subject(shijianju, profile)
    actions.approve_subject(gongshi, profile)
    v2_data = subject_data(name=market.name, supervision_phone="0877-2038899", change_note="负责人变更")
    v2_data["head"] = "新局长"
    actions.save_subject(shijianju, market, v2_data)
    actions.submit_subject(shijianju, profile)
    actions.approve_subject(gongshi, profile)
    pubs = list(Publication.objects.filter(kind="subject", agency=market).order_by("version"))
    assert [p.version for p in pubs] == [1, 2]
    assert pubs[0].superseded_at is not None and pubs[1].is_live
    assert pubs[1].payload["head"] == "新局长" and pubs[1].payload["change_note"] == "负责人变更"
    history = list(
        SubjectVersion.objects.filter(profile=profile).order_by("id").values_list("action", flat=True)
    )
    assert history == ["save", "submit", "return", "save", "submit", "approve", "save", "submit", "approve"]


def test_wrong_state_is_refused(persona, market):
    shijianju, jiandu = persona("shijianju"), persona("jiandu")
    profile = actions.save_subject(shijianju, market, subject_data(name=market.name))
    with pytest.raises(SanxiangError, match="不能审核发布"):
        actions.approve_subject(jiandu, profile)
    with pytest.raises(SanxiangError, match="不能退回修改"):
        actions.return_subject(jiandu, profile, "请补充法律依据")
    actions.submit_subject(shijianju, profile)
    with pytest.raises(SanxiangError, match="审核完成前不能修改"):
        actions.save_subject(shijianju, market, subject_data(name=market.name))
    with pytest.raises(SanxiangError, match="不能报送审核"):
        actions.submit_subject(shijianju, profile)
    assert not Publication.objects.filter(kind="subject", agency=market).exists()


def test_wangwu_at_hongta_cannot_edit_city_entries(persona, yuxi, market):
    wangwu = persona("wangwu")
    with pytest.raises(PermissionDenied):
        actions.save_subject(wangwu, yuxi, subject_data())
    with pytest.raises(PermissionDenied):
        actions.save_subject(wangwu, market, subject_data(name=market.name))
    assert not SubjectProfile.objects.exists()


def test_shijianju_cannot_approve_own_entry(persona, market):
    shijianju = persona("shijianju")
    profile = actions.save_subject(shijianju, market, subject_data(name=market.name))
    actions.submit_subject(shijianju, profile)
    with pytest.raises(PermissionDenied):
        actions.approve_subject(shijianju, profile)
    with pytest.raises(PermissionDenied):
        actions.return_subject(shijianju, profile, "自己退回自己")


def test_hongta_supervisor_cannot_approve_city_agency(persona, market):
    """沈监督 supervises 红塔区 only: the city's 市场监管 entry is reviewed by the 市司法局."""
    shijianju = persona("shijianju")
    profile = actions.save_subject(shijianju, market, subject_data(name=market.name))
    actions.submit_subject(shijianju, profile)
    with pytest.raises(PermissionDenied):
        actions.approve_subject(persona("hongta_jiandu"), profile)


def test_city_bureau_enters_the_entry_for_a_county_bureau(persona, hongta):
    """The supervising 司法局 may enter it for them (郑监督 for 红塔区司法局)."""
    jiandu = persona("jiandu")
    profile = actions.save_subject(jiandu, hongta, subject_data(name=hongta.name, area="红塔区行政区域内"))
    actions.submit_subject(jiandu, profile)
    assert actions.approve_subject(jiandu, profile).agency_id == hongta.pk


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("head", "", "负责人：必填"),
        ("categories", [], "执法类别：至少选择一项"),
        ("categories", ["行政审批"], "执法类别：不支持“行政审批”"),
        ("phone", "请拨打电话", "联系方式：应为电话号码"),
        ("nature", "其他", "主体性质"),
    ],
)
def test_bad_input_names_the_field(persona, market, field, value, message):
    with pytest.raises(SanxiangError, match=message) as exc:
        actions.save_subject(persona("shijianju"), market, subject_data(name=market.name, **{field: value}))
    assert exc.value.field == field
    assert not SubjectProfile.objects.exists()


def test_entrusted_body_needs_entrusting_agency_and_scope(persona, market):
    shijianju = persona("shijianju")
    with pytest.raises(SanxiangError, match="委托机关") as exc:
        actions.save_subject(shijianju, market, subject_data(name=market.name, nature="委托"))
    assert exc.value.field == "entrusting_agency"
    with pytest.raises(SanxiangError, match="委托范围"):
        actions.save_subject(
            shijianju,
            market,
            subject_data(name=market.name, nature="委托", entrusting_agency="玉溪市人民政府"),
        )
    profile = actions.save_subject(
        shijianju,
        market,
        subject_data(
            name=market.name,
            nature="委托",
            entrusting_agency="玉溪市人民政府",
            entrusted_scope="食品安全检查",
        ),
    )
    assert profile.entrusting_agency == "玉溪市人民政府"
    # switching back to 法定 clears the 委托 fields
    profile = actions.save_subject(
        shijianju, market, subject_data(name=market.name, entrusting_agency="x", entrusted_scope="y")
    )
    assert profile.entrusting_agency == "" and profile.entrusted_scope == ""


def test_reconfirm_without_changes_republishes_with_new_date(persona, market):
    shijianju, jiandu = persona("shijianju"), persona("jiandu")
    profile = actions.save_subject(shijianju, market, subject_data(name=market.name))
    actions.submit_subject(shijianju, profile)
    actions.approve_subject(jiandu, profile)
    SubjectProfile.objects.filter(pk=profile.pk).update(
        confirmed_on=timezone.localdate() - timedelta(days=400)
    )
    profile.refresh_from_db()
    assert [w.level for w in subject_warnings(jiandu)] == ["red"]
    assert [w.level for w in subject_warnings(shijianju)] == ["red"]  # the agency's drafter too
    assert subject_warnings(persona("hongta_jiandu")) == []  # not supervised by 红塔区
    publication = actions.reconfirm_subject(jiandu, profile)
    profile.refresh_from_db()
    assert profile.confirmed_on == timezone.localdate()
    assert publication.version == 2 and publication.payload["change_note"] == "年度确认：内容无变化"
    assert subject_warnings(jiandu) == []
    assert AuditEvent.objects.filter(action="org.subject_reconfirmed").count() == 1
    with pytest.raises(PermissionDenied):
        actions.reconfirm_subject(shijianju, profile)


def test_reconfirm_refused_while_changes_wait(persona, market):
    jiandu = persona("jiandu")
    profile = make_subject(market, state="submitted")
    with pytest.raises(SanxiangError, match="年度确认"):
        actions.reconfirm_subject(jiandu, profile)


def test_drafter_asks_for_reconfirmation_by_resubmitting(persona, market):
    shijianju, jiandu = persona("shijianju"), persona("jiandu")
    profile = make_subject(market, state="published")
    actions.submit_subject(shijianju, profile)
    profile.refresh_from_db()
    assert profile.state == "submitted" and profile.change_note == "年度确认：内容无变化"
    actions.approve_subject(jiandu, profile)


@pytest.mark.parametrize(("age", "level"), [(334, None), (335, "yellow"), (365, "yellow"), (366, "red")])
def test_reconfirm_warning_boundaries_on_the_workbench(persona, market, age, level):
    make_subject(market, state="published", confirmed_on=timezone.localdate() - timedelta(days=age))
    assert [w.level for w in subject_warnings(persona("gongshi"))] == ([level] if level else [])


# pages ------------------------------------------------------------------------------------------------------------


def test_pages_edit_submit_return_approve(login, market):
    client = login("shijianju")
    url = reverse("org:subject_edit", args=[market.pk])
    assert client.get(url).status_code == 200
    data = subject_data(name=market.name)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.post(reverse("org:subject_submit", args=[market.pk]))
    assert SubjectProfile.objects.get(agency=market).state == "submitted"
    jiandu = login("jiandu")
    page = jiandu.get(reverse("org:review_queue")).content.decode()
    assert market.name in page
    jiandu.post(reverse("org:subject_return", args=[market.pk]), {"comment": "请补充法律依据条款"})
    assert SubjectProfile.objects.get(agency=market).state == "returned"
    client = login("shijianju")
    page = client.get(reverse("org:subject_detail", args=[market.pk])).content.decode()
    assert "请补充法律依据条款" in page
    client.post(url, data)
    client.post(reverse("org:subject_submit", args=[market.pk]))
    jiandu = login("jiandu")
    jiandu.post(reverse("org:subject_approve", args=[market.pk]))
    assert Publication.objects.current().filter(kind="subject", agency=market).exists()
    page = jiandu.get(reverse("org:subject_list") + "?state=published").content.decode()
    assert market.name in page


def test_page_shows_field_error_in_chinese(login, market):
    client = login("shijianju")
    data = subject_data(name=market.name, nature="委托")
    response = client.post(reverse("org:subject_edit", args=[market.pk]), data)
    assert response.status_code == 200
    assert "受委托组织必须写明委托机关" in response.content.decode()
