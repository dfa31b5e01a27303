"""JSON API of the 电子案卷: generate (job), list with hashes, download; other agencies are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.tests import dossier_helpers as h
from cases.tests.factories import make_case

pytestmark = pytest.mark.django_db
IMMEDIATE = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
}


def test_generate_list_and_download(case_world, client, settings):
    settings.TASKS = IMMEDIATE
    user = case_world.users["zhangsan"]
    case = make_case(user, case_world.items["penalty_general"], "penalty_general")
    h.issued_document(case, user, title="立案审批表", step_id="file_case", pdf=h.pdf_pages("立案审批正文", 3))
    h.close(case)
    client.force_login(user)
    url = reverse("api:cases_dossiers", args=[case.pk])
    job = client.post(url)
    assert job.status_code == 200 and job.json()["status"] == "succeeded", job.content
    assert job.json()["done"] == job.json()["total"] == 6  # progress counted in pages
    listed = client.get(url).json()
    assert len(listed) == 1 and listed[0]["pages"] == 6 and len(listed[0]["sha256"]) == 64
    assert [row["title"] for row in listed[0]["contents"]][:3] == ["封面", "卷内目录", "立案审批表"]
    pdf = client.get(reverse("api:cases_dossier_pdf", args=[case.pk, listed[0]["id"]]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    client.force_login(case_world.users["gongshi"])  # case.read but not case.handle: may read, not generate
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 403
    client.force_login(case_world.users["wangwu"])
    assert client.get(url).status_code == 403


def test_open_case_is_refused(case_world, client, settings):
    settings.TASKS = IMMEDIATE
    user = case_world.users["zhangsan"]
    case = make_case(user, case_world.items["penalty_general"], "penalty_general")
    client.force_login(user)
    response = client.post(reverse("api:cases_dossiers", args=[case.pk]))
    assert response.status_code == 400 and "尚未结案" in response.json()["message"]
