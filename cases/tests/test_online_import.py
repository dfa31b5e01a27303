"""Import of 政务服务平台 办件 (issue #4 item 9): CSV and JSON layouts, all or nothing, “第N行” errors, duplicates."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import online_import
from cases.actions.online import import_platform_applications
from cases.models import Case, CaseStep
from core.errors import ValidationFailed
from core.models import Job

pytestmark = pytest.mark.django_db
IMMEDIATE = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
}


@pytest.fixture
def item(case_world):
    """The sample files name YXSFJ-XK-001, the licensing item of the case world."""
    return case_world.items["licensing"]


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    import csv

    writer = csv.writer(out)
    writer.writerow(online_import.COLUMNS)
    for row in rows:
        writer.writerow(
            [
                "|".join(row[c])
                if c == "材料清单"
                else json.dumps(row[c], ensure_ascii=False)
                if c == "办理环节记录"
                else row[c]
                for c in online_import.COLUMNS
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()


def test_sample_csv_imports(item, case_world):
    user = case_world.users["zhangsan"]
    data = online_import.sample_csv().encode()
    cases = import_platform_applications(user, io.BytesIO(data), fmt="csv")
    assert len(cases) == 2
    granted, pending = (Case.objects.get(pk=c.pk) for c in cases)
    assert granted.channel == Case.Channel.PLATFORM and granted.platform_reference == "5304002026110100001"
    assert granted.status == Case.Status.ENDED and granted.outcome == "grant"
    assert str(granted.decided_on) == "2026-11-20" and str(granted.filed_on) == "2026-11-03"
    assert granted.current_step == "archive"
    assert not granted.clocks.filter(state="running").exists()
    first = CaseStep.objects.filter(case=granted).order_by("seq").first()
    assert first is not None
    assert first.data["platform"]["决定文号"] == "玉司许〔2026〕12号"
    assert first.data["platform"]["材料清单"] == ["设立申请书", "律师事务所章程"]
    assert len(first.data["platform"]["办理环节记录"]) == 3
    assert pending.status == Case.Status.OPEN and pending.outcome == ""
    assert pending.parties.get().name == "李四"


def test_sample_json_imports(item, case_world):
    user = case_world.users["zhangsan"]
    data = online_import.sample_json().encode()
    cases = import_platform_applications(user, io.BytesIO(data), fmt="json")
    assert [c.platform_reference for c in cases] == ["5304002026110100001", "5304002026111000002"]
    wrapped = json.dumps({"办件": [dict(online_import.SAMPLE_ROWS[0], 办件编号="X-3")]}, ensure_ascii=False)
    assert len(import_platform_applications(user, io.BytesIO(wrapped.encode()), fmt="json")) == 1


def test_bad_row_writes_nothing_and_names_the_line(item, case_world):
    user = case_world.users["zhangsan"]
    rows = copy.deepcopy(online_import.SAMPLE_ROWS)
    rows[1]["证件号码"] = "110105194912310021"  # wrong check digit
    rows[1]["办理结果"] = "同意"
    rows[0]["事项编码"] = "NO-SUCH-ITEM"
    before = Case.objects.count()
    with pytest.raises(ValidationFailed) as info:
        import_platform_applications(user, io.BytesIO(_csv(rows)), fmt="csv")
    errors = info.value.errors
    assert any(e.startswith("第2行 事项编码：NO-SUCH-ITEM") for e in errors)
    assert any(e.startswith("第3行 证件号码：") and "校验位" in e for e in errors)
    assert any(e.startswith("第3行 办理结果：") for e in errors)
    assert Case.objects.count() == before


def test_finished_row_needs_decision_number_and_ordered_dates(item, case_world):
    user = case_world.users["zhangsan"]
    row = dict(online_import.SAMPLE_ROWS[0], 决定文号="", 受理日期="2026-11-01")
    with pytest.raises(ValidationFailed) as info:
        import_platform_applications(user, io.BytesIO(json.dumps([row]).encode()), fmt="json")
    assert "第1行 决定文号：办理结果为“准予”时必填" in info.value.errors
    assert "第1行 受理日期：不能早于申请日期 2026-11-02" in info.value.errors


def test_reimport_lists_duplicates_and_writes_nothing(item, case_world):
    user = case_world.users["zhangsan"]
    data = online_import.sample_csv().encode()
    import_platform_applications(user, io.BytesIO(data), fmt="csv")
    count = Case.objects.count()
    with pytest.raises(ValidationFailed) as info:
        import_platform_applications(user, io.BytesIO(data), fmt="csv")
    assert info.value.errors[0].startswith("第2行 办件编号：5304002026110100001 已导入过")
    assert len(info.value.errors) == 2
    assert Case.objects.count() == count


def test_other_agency_items_are_not_importable(item, case_world):
    wangwu = case_world.users["wangwu"]  # 红塔区: YXSFJ-XK-001 belongs to the 市司法局
    with pytest.raises(ValidationFailed) as info:
        import_platform_applications(wangwu, io.BytesIO(online_import.sample_csv().encode()), fmt="csv")
    assert "第2行 事项编码：YXSFJ-XK-001 不是本机关" in info.value.errors[0]


def test_bad_header_is_reported(item, case_world):
    user = case_world.users["zhangsan"]
    with pytest.raises(ValidationFailed) as info:
        import_platform_applications(user, io.BytesIO("编号,名称\n1,2\n".encode()), fmt="csv")
    assert info.value.errors[0].startswith("第1行 表头：缺少列")


def test_import_page_runs_the_job(item, case_world, client, settings):
    settings.TASKS = IMMEDIATE
    client.force_login(case_world.users["zhangsan"])
    page = client.get(reverse("cases:platform_import"))
    assert page.status_code == 200 and "办件编号" in page.content.decode()
    sample = client.get(reverse("cases:platform_sample", args=["csv"]))
    assert sample.content.decode("utf-8-sig").startswith("办件编号,事项编码")
    upload = SimpleUploadedFile("export.csv", online_import.sample_csv().encode(), "text/csv")
    response = client.post(reverse("cases:platform_import"), {"file": upload})
    assert response.status_code == 302
    job = Job.objects.get(kind="cases.platform_import")
    assert job.status == Job.Status.SUCCEEDED, job.errors
    assert job.result["imported"] == 2
    again = client.post(
        reverse("cases:platform_import"),
        {"file": SimpleUploadedFile("export.csv", online_import.sample_csv().encode())},
    )
    assert again.status_code == 302
    failed = Job.objects.filter(kind="cases.platform_import").order_by("-pk").first()
    assert failed is not None
    assert failed.status == Job.Status.FAILED and any("已导入过" in e for e in failed.errors)
    assert Case.objects.filter(channel="platform").count() == 2


def test_other_agency_staff_cannot_import_into_the_city(case_world, client):
    client.force_login(case_world.users["wangwu"])
    assert client.get(reverse("cases:platform_import")).status_code == 200  # their own agency's page
    client.force_login(case_world.users["jiandu"])
    assert client.get(reverse("cases:platform_import")).status_code == 403
