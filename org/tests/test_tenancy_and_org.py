"""Who supervises whom (《行政执法监督条例》第六条) and the 系统管理员's maintenance of agencies and departments."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from core import tenancy
from core.errors import SanxiangError
from core.models import Agency, Region
from org import actions
from org.models import Department, LeadingGroupMember


def test_city_bureau_supervises_every_agency_of_the_city_and_counties(yuxi) -> None:
    assert tenancy.supervised_agency_ids(yuxi) == set(Agency.objects.values_list("id", flat=True))


def test_county_bureau_supervises_only_its_county(yuxi) -> None:
    hongta = Agency.objects.get(short_name="红司")
    county_agency = Agency.objects.create(
        region=hongta.region, name="红塔区市场监督管理局", short_name="红市监"
    )
    assert tenancy.supervised_agency_ids(hongta) == {hongta.pk, county_agency.pk}
    assert tenancy.supervises(yuxi, county_agency)
    assert not tenancy.supervises(hongta, yuxi)


def test_an_ordinary_agency_supervises_nobody(yuxi) -> None:
    market = Agency.objects.get(short_name="玉市监")
    assert tenancy.supervised_agency_ids(market) == set()


def test_seed_is_idempotent_and_complete(yuxi) -> None:
    from org import demo

    counts = (
        Region.objects.count(),
        Agency.objects.count(),
        Department.objects.count(),
        LeadingGroupMember.objects.count(),
    )
    demo.load_structure()
    demo.load_users()
    assert counts == (
        Region.objects.count(),
        Agency.objects.count(),
        Department.objects.count(),
        LeadingGroupMember.objects.count(),
    )
    assert Agency.objects.filter(is_supervision_body=True).count() == 10
    assert Agency.objects.filter(is_supervision_body=False).exists()  # not every agency is a 司法局
    city_depts = set(Department.objects.filter(agency=yuxi).values_list("name", flat=True))
    assert {
        "行政执法协调监督科",
        "公共法律服务管理科",
        "律师工作管理科",
        "人民参与和促进法治科",
        "装备财务科",
        "办公室",
    } <= city_depts
    assert yuxi.leading_group.office.name == "行政执法协调监督科"


def _agency_data(region: Region, **overrides):
    data = {
        "region": region,
        "name": "玉溪市文化和旅游局",
        "short_name": "玉文旅",
        "sector": "文化旅游",
        "is_active": True,
    }
    data.update(overrides)
    return data


def test_sysadmin_registers_an_agency_and_it_is_audited(persona, yuxi) -> None:
    agency = actions.save_agency(persona("sysadmin"), None, _agency_data(yuxi.region))
    assert AuditEvent.objects.filter(action="org.agency_created", object_id=str(agency.pk)).exists()
    assert agency.pk in tenancy.supervised_agency_ids(yuxi)


def test_short_name_must_be_unique_and_chinese(persona, yuxi) -> None:
    with pytest.raises(SanxiangError) as exc:
        actions.save_agency(persona("sysadmin"), None, _agency_data(yuxi.region, short_name="红司"))
    assert exc.value.field == "short_name" and "红塔区司法局" in exc.value.message
    with pytest.raises(SanxiangError) as exc:
        actions.save_agency(persona("sysadmin"), None, _agency_data(yuxi.region, short_name="YXW"))
    assert exc.value.field == "short_name"
    assert not Agency.objects.filter(name="玉溪市文化和旅游局").exists()


def test_county_sysadmin_cannot_register_in_the_city_region(persona, yuxi) -> None:
    with pytest.raises(SanxiangError) as exc:
        actions.save_agency(persona("hongta_sysadmin"), None, _agency_data(yuxi.region))
    assert exc.value.field == "region"


def test_department_names_are_unique_per_agency(persona, yuxi) -> None:
    with pytest.raises(SanxiangError) as exc:
        actions.save_department(persona("sysadmin"), yuxi, None, {"name": "办公室"})
    assert exc.value.field == "name"


def test_only_one_leader_in_the_leading_group(persona, yuxi) -> None:
    with pytest.raises(SanxiangError) as exc:
        actions.save_member(
            persona("sysadmin"),
            yuxi.leading_group,
            None,
            {"position": "leader", "name": "某", "title": "局长"},
        )
    assert exc.value.field == "position"


def test_sysadmin_of_another_county_cannot_touch_hongta(persona) -> None:
    hongta = Agency.objects.get(short_name="红司")
    jiangchuan = Agency.objects.get(short_name="江司")
    from accounts.models import Role, User, UserRole

    admin = User.objects.create(username="jc_admin", full_name="江川管理员", agency=jiangchuan)
    UserRole.objects.create(user=admin, role=Role.SYSADMIN)
    with pytest.raises(PermissionDenied):
        actions.save_department(admin, hongta, None, {"name": "新科室"})


def test_agency_form_shows_field_error_in_chinese(login, yuxi) -> None:
    client = login("sysadmin")
    response = client.post(
        "/manage/agencies/new/",
        {"region": yuxi.region_id, "name": "玉溪市某局", "short_name": "玉司", "sort": 0, "is_active": "on"},
    )
    assert (
        response.status_code == 200
        and "文书简称" in response.content.decode()
        and "已被玉溪市司法局使用" in response.content.decode()
    )


def test_api_lists_only_agencies_in_scope(login) -> None:
    names = {a["name"] for a in login("wangwu").get("/api/v1/org/agencies").json()}
    assert names == {"玉溪市红塔区司法局"}


def test_api_create_agency_uses_the_same_rules(login, yuxi) -> None:
    client = login("sysadmin")
    ok = client.post(
        "/api/v1/org/agencies",
        {"region_code": "530400", "name": "玉溪市应急管理局", "short_name": "玉应急"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    clash = client.post(
        "/api/v1/org/agencies",
        {"region_code": "530400", "name": "玉溪市某局", "short_name": "玉应急"},
        content_type="application/json",
    )
    assert clash.status_code == 400 and clash.json()["field"] == "short_name"
    refused = login("zhangsan").post(
        "/api/v1/org/agencies",
        {"region_code": "530400", "name": "x", "short_name": "某"},
        content_type="application/json",
    )
    assert refused.status_code == 403
