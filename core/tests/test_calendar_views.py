"""The 工作日历 pages: only the 系统管理员 of the 市司法局 opens them; imports are audited; errors are Chinese."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from core import workdays
from core.models import CalendarYear, Holiday

CSV_2027 = "日期,类型,名称\n2027-01-01,法定节假日,元旦\n2027-02-06,调休上班日,春节\n".encode()
URLS = [
    reverse("core:calendar"),
    reverse("core:holiday_edit"),
    reverse("core:import_csv"),
    reverse("core:csv_template"),
]


@pytest.mark.parametrize("url", URLS)
def test_sysadmin_opens_the_pages(login, url: str) -> None:
    assert login("sysadmin").get(url).status_code == 200


@pytest.mark.parametrize("username", ["hongta_sysadmin", "zhangsan"])
@pytest.mark.parametrize("url", URLS)
def test_others_are_refused(login, username: str, url: str) -> None:
    assert login(username).get(url).status_code == 403


@pytest.mark.parametrize("username", ["hongta_sysadmin", "zhangsan"])
def test_others_cannot_post(login, username: str) -> None:
    client = login(username)
    assert client.post(reverse("core:holiday_delete", args=["2026-10-01"])).status_code == 403
    response = client.post(
        reverse("core:import_csv"), {"year": 2027, "file": SimpleUploadedFile("a.csv", CSV_2027)}
    )
    assert response.status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert Holiday.objects.filter(date=date(2026, 10, 1)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_login(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_year_page_shows_grids_exceptions_and_years(login) -> None:
    html = login("sysadmin").get(reverse("core:calendar") + "?year=2026").content.decode()
    assert "工作日历 · 2026年" in html
    assert html.count('class="sx-cal"') >= 12
    assert 'class="h"' in html and 'class="w"' in html and 'class="we"' in html
    assert "国庆节" in html and "调休上班日" in html
    assert reverse("core:holiday_delete", args=["2026-10-01"]) in html
    assert "?year=2004" in html  # loaded years listed
    assert "尚未载入" not in html
    assert "<script" not in html.split("</main>")[0]  # no inline scripts in the page body
    assert 'style="' not in html


def test_unloaded_year_shows_a_yellow_notice(login) -> None:
    html = login("sysadmin").get(reverse("core:calendar") + "?year=2027").content.decode()
    assert "alert-warning" in html and "2027年的节假日安排尚未载入" in html
    assert reverse("core:import_csv") + "?year=2027" in html


def test_bad_year_parameter_falls_back(login) -> None:
    assert login("sysadmin").get(reverse("core:calendar") + "?year=abc").status_code == 200


def test_calculators(login) -> None:
    client = login("sysadmin")
    url = reverse("core:calendar")
    html = client.get(url, {"add-start": "2026-09-30", "add-n": "5"}).content.decode()
    assert "2026年10月13日（星期二）" in html
    html = client.get(url, {"between-start": "2026-09-30", "between-end": "2026-10-13"}).content.decode()
    assert "<strong>5</strong> 个工作日" in html
    html = client.get(url, {"add-start": "2026-12-30", "add-n": "2"}).content.decode()
    assert "起算日：2027年的节假日安排尚未载入工作日历" in html
    html = client.get(url, {"add-start": "2026-12-30", "add-n": "-1"}).content.decode()
    assert "工作日数：不能为负数" in html
    html = client.get(url, {"between-start": "2026-09-30", "between-end": "2027-01-05"}).content.decode()
    assert "截止日：2027年的节假日安排尚未载入工作日历" in html


def test_import_csv_writes_the_year_and_an_audit_event(login, persona) -> None:
    client = login("sysadmin")
    response = client.post(
        reverse("core:import_csv") + "?year=2027",
        {
            "year": "2027",
            "file": SimpleUploadedFile("2027.csv", CSV_2027, "text/csv"),
            "source": "国办发明电",
        },
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:calendar") + "?year=2027"
    assert CalendarYear.objects.get(year=2027).source == "国办发明电"
    assert workdays.is_workday(date(2027, 2, 6))
    event = AuditEvent.objects.get(action="calendar.year_imported")
    assert event.actor_id == persona("sysadmin").pk
    assert event.object_type == "core.calendaryear" and event.object_id == "2027"
    assert event.ip == "10.1.2.3"
    assert '"holidays":1' in event.payload and '"workdays":1' in event.payload
    html = client.get(response["Location"]).content.decode()
    assert "已导入2027年安排：法定节假日 1 天，调休上班日 1 天" in html


def test_import_csv_shows_row_errors_and_writes_nothing(login) -> None:
    bad = "日期,类型,名称\n2027-01-01,法定节假日,元旦\n2027-02-04,调休上班日,周四\n2027-02-30,法定节假日,\n".encode()
    response = login("sysadmin").post(
        reverse("core:import_csv"), {"year": "2027", "file": SimpleUploadedFile("bad.csv", bad)}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "共 2 处问题" in html
    assert "第 3 行：2027-02-04 是周一至周五" in html
    assert "第 4 行：日期“2027-02-30”不是有效日期" in html
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not AuditEvent.objects.filter(action="calendar.year_imported").exists()


def test_import_requires_a_file(login) -> None:
    html = login("sysadmin").post(reverse("core:import_csv"), {"year": "2027"}).content.decode()
    assert "请选择要上传的 CSV 文件" in html


def test_reload_builtin_from_the_import_page(login) -> None:
    client = login("sysadmin")
    client.post(reverse("core:holiday_delete", args=["2026-10-01"]))
    assert workdays.is_workday(date(2026, 10, 1))
    response = client.post(reverse("core:import_csv"), {"builtin-year": "2026"})
    assert response.status_code == 302
    assert not workdays.is_workday(date(2026, 10, 1))


def test_csv_template(login) -> None:
    response = login("sysadmin").get(reverse("core:csv_template") + "?year=2027")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="calendar-2027.csv"' in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == "日期,类型,名称"
    assert len(lines) == 3
    # the template itself passes the importer's checks
    from core.calendar_source import parse_csv

    assert len(parse_csv(body, 2027)) == 2


def test_add_edit_and_delete_one_day(login) -> None:
    client = login("sysadmin")
    url = reverse("core:holiday_edit")
    html = client.get(url + "?date=2026-03-14").content.decode()
    assert 'value="workday" selected' in html  # a Saturday defaults to 调休上班日
    response = client.post(
        url + "?date=2026-03-14", {"date": "2026-03-14", "kind": "workday", "name": "测试"}
    )
    assert response.status_code == 302
    assert workdays.is_workday(date(2026, 3, 14))
    # editing: the date is fixed, the kind changes
    response = client.post(
        url + "?date=2026-03-14", {"date": "2026-05-01", "kind": "holiday", "name": "测试"}
    )
    assert response.status_code == 302
    assert Holiday.objects.get(date=date(2026, 3, 14)).kind == "holiday"
    assert Holiday.objects.get(date=date(2026, 5, 1)).name == "劳动节"
    response = client.post(reverse("core:holiday_delete", args=["2026-03-14"]))
    assert response.status_code == 302
    assert not Holiday.objects.filter(date=date(2026, 3, 14)).exists()
    assert AuditEvent.objects.filter(action="calendar.holiday_saved").count() == 2
    assert AuditEvent.objects.filter(action="calendar.holiday_deleted").count() == 1


def test_edit_form_errors_are_chinese_next_to_the_field(login) -> None:
    client = login("sysadmin")
    url = reverse("core:holiday_edit")
    html = client.post(url, {"date": "2026-03-10", "kind": "workday"}).content.decode()
    assert "类型：2026-03-10 是周一至周五" in html and "类型：类型：" not in html
    html = client.post(url, {"date": "2027-10-01", "kind": "holiday"}).content.decode()
    assert "日期：2027年的节假日安排尚未载入，请先" in html
    html = client.post(url, {"date": "not-a-date", "kind": "holiday"}).content.decode()
    assert "请输入有效日期" in html
    assert not Holiday.objects.filter(date=date(2026, 3, 10)).exists()


def test_delete_is_post_only_and_unknown_dates_404(login) -> None:
    client = login("sysadmin")
    assert client.get(reverse("core:holiday_delete", args=["2026-10-01"])).status_code == 405
    assert client.post(reverse("core:holiday_delete", args=["2026-13-01"])).status_code == 404
    response = client.post(reverse("core:holiday_delete", args=["2026-03-10"]), follow=True)
    assert "不是节假日或调休上班日" in response.content.decode()
