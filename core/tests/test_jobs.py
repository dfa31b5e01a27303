"""Background jobs (core.jobs): lifecycle, cheap progress, live progress through a transaction, who may read.

Personas: 张三 (执法人员, 玉司) starts an import; 赵六 and 陈科长 of the same agency may follow it (publicity.draft);
李四 (法制审核员) and 王五 (红塔区) may not.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from audit.models import AuditEvent
from core import jobs
from core.errors import SanxiangError, ValidationFailed
from core.models import Job


@pytest.fixture
def job(persona, yuxi):
    return jobs.create(
        persona("zhangsan"),
        kind="test.import",
        title="导入测试",
        agency_id=yuxi.pk,
        capability="publicity.draft",
        params={"back_url": "/manage/catalog/", "back_label": "返回"},
    )


def test_zhangsan_creates_a_queued_audited_job(job, yuxi):
    assert job.status == Job.Status.QUEUED
    assert job.get_status_display() == "排队中"
    assert AuditEvent.objects.filter(action="job.created", object_id=str(job.pk), agency=yuxi).exists()


def test_a_successful_run_ends_at_total_with_result(job):
    def work(j, progress):
        progress(0, 200, "处理中")
        for i in range(1, 201):
            progress(i)
        return "完成 200 条", {"imported": 200}

    done = jobs.run(job.pk, work)
    assert done.status == Job.Status.SUCCEEDED
    assert (done.done, done.total, done.percent) == (200, 200, 100)
    assert done.result == {"imported": 200}
    assert done.message == "完成 200 条"
    assert done.started_at is not None and done.finished_at is not None
    assert AuditEvent.objects.filter(action="job.succeeded", object_id=str(job.pk)).exists()


def test_progress_writes_only_when_it_moved_by_one_percent(job):
    progress = jobs.Progress(job)
    progress(0, 10_000, "检查")
    assert progress.writes == 1
    for i in range(1, 100):  # 99 rows of 10 000: below 1 %
        progress(i)
    assert progress.writes == 1
    progress(100)  # exactly 1 %
    assert progress.writes == 2
    for i in range(101, 10_001):
        progress(i)
    # one write per 1 % (100) plus the first; the last row is a multiple of the step
    assert progress.writes == 101
    progress(10_000, message="写入")  # a new message is always shown
    assert progress.writes == 102


def test_a_refused_row_fails_the_job_with_every_row_error(job):
    def work(j, progress):
        raise ValidationFailed(["第3行 事项编码：不能为空", "第7行 事项类别：“罚款”无效"])

    failed = jobs.run(job.pk, work)
    assert failed.status == Job.Status.FAILED
    assert failed.errors == ["第3行 事项编码：不能为空", "第7行 事项类别：“罚款”无效"]
    assert failed.result["error_count"] == 2
    assert "2 处问题" in failed.message and "未写入" in failed.message
    assert AuditEvent.objects.filter(action="job.failed", object_id=str(job.pk)).exists()


def test_a_rule_refusal_and_a_crash_fail_with_chinese_messages(job, persona, yuxi):
    failed = jobs.run(job.pk, lambda j, p: (_ for _ in ()).throw(SanxiangError("承办科室：不存在")))
    assert failed.status == Job.Status.FAILED and failed.errors == ["承办科室：不存在"]

    other = jobs.create(
        persona("zhangsan"), kind="t", title="t", agency_id=yuxi.pk, capability="publicity.draft"
    )

    def crash(j: Job, p: jobs.Progress) -> tuple[str, dict]:
        raise ZeroDivisionError("division by zero")

    crashed = jobs.run(other.pk, crash)
    assert crashed.status == Job.Status.FAILED
    assert crashed.message == jobs.INTERNAL_ERROR
    assert "ZeroDivision" not in str(crashed.errors)


def test_a_finished_job_is_not_run_again(job):
    jobs.run(job.pk, lambda j, p: ("ok", {}))
    calls: list[int] = []

    def work(j: Job, p: jobs.Progress) -> tuple[str, dict]:
        calls.append(1)
        return "again", {}

    again = jobs.run(job.pk, work)
    assert calls == [] and again.message == "ok"


@pytest.mark.django_db(transaction=True)
def test_progress_inside_a_transaction_is_visible_before_it_commits(yuxi, persona):
    """An all-or-nothing import writes in one transaction; its progress must still show on the page."""
    job = jobs.create(
        persona("zhangsan"), kind="t", title="t", agency_id=yuxi.pk, capability="publicity.draft"
    )
    jobs.start(job.pk)
    job.refresh_from_db()
    progress = jobs.Progress(job)
    try:
        with transaction.atomic():
            progress(0, 100, "写入")
            progress(40)
            seen = jobs.snapshot(Job.objects.get(pk=job.pk))
            assert (seen["done"], seen["total"], seen["percent"]) == (40, 100, 40)
            assert seen["message"] == "写入"
    finally:
        progress.close()
    finished = jobs.finish(Job.objects.get(pk=job.pk), message="完成", done=100)
    assert jobs.snapshot(finished)["percent"] == 100
    assert not jobs._live_path(job.pk).exists()


def test_who_may_read_a_job(job, persona):
    assert jobs.visible_to(persona("zhangsan"), job)  # creator
    assert jobs.visible_to(persona("zhaoliu"), job)  # same agency, publicity.draft
    assert jobs.visible_to(persona("kezhang"), job)
    assert not jobs.visible_to(persona("lisi"), job)  # 法制审核员: no publicity.draft
    assert not jobs.visible_to(persona("wangwu"), job)  # 红塔区
    assert not jobs.visible_to(persona("auditor"), job)


def test_progress_page_polls_while_running_and_stops_when_done(job, login):
    client = login("zhaoliu")
    url = reverse("core:job_detail", kwargs={"pk": job.pk})
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'hx-trigger="every 1s"' in html and "<progress" in html
    assert "style=" not in html.split('id="main"')[1]  # CSP: no inline styles in the page body
    assert "排队中" in html

    partial = client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()

    jobs.run(
        job.pk,
        lambda j, p: (
            "导入完成：3 条",
            {"summary": ["导入事项：3 条"], "links": [{"label": "查看", "url": "/x/"}]},
        ),
    )
    done = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "every 1s" not in done
    assert "导入完成：3 条" in done and 'href="/x/"' in done and 'value="100"' in done


def test_a_job_queued_for_over_a_minute_says_the_worker_may_be_down(job, login):
    import datetime as dt

    Job.objects.filter(pk=job.pk).update(
        created_at=job.created_at - dt.timedelta(seconds=jobs.STALE_QUEUE_SECONDS - 1)
    )
    assert not jobs.snapshot(Job.objects.get(pk=job.pk))["stale"]
    Job.objects.filter(pk=job.pk).update(
        created_at=job.created_at - dt.timedelta(seconds=jobs.STALE_QUEUE_SECONDS + 1)
    )
    html = login("zhangsan").get(reverse("core:job_detail", kwargs={"pk": job.pk})).content.decode()
    assert "db_worker" in html and 'hx-trigger="every 10s"' in html


def test_failed_job_page_lists_row_errors(job, login):
    jobs.run(job.pk, lambda j, p: (_ for _ in ()).throw(ValidationFailed(["第3行 事项编码：不能为空"])))
    html = login("zhangsan").get(reverse("core:job_detail", kwargs={"pk": job.pk})).content.decode()
    assert "第3行 事项编码：不能为空" in html and "失败" in html


def test_others_are_refused_and_unknown_jobs_are_404(job, login, client):
    assert login("lisi").get(reverse("core:job_detail", kwargs={"pk": job.pk})).status_code == 403
    assert login("wangwu").get(reverse("core:job_detail", kwargs={"pk": job.pk})).status_code == 403
    assert login("zhangsan").get(reverse("core:job_detail", kwargs={"pk": job.pk + 999})).status_code == 404


def _api_url(pk: int) -> str:
    try:
        return reverse("api:job", kwargs={"job_id": pk})
    except NoReverseMatch:
        pytest.skip(
            "GET /api/v1/jobs/{id} is not mounted yet (sanxiang/api.py: api.add_router('/jobs', jobs_router))"
        )


def test_job_api_reports_progress_and_errors(job, login):
    url = _api_url(job.pk)
    jobs.run(job.pk, lambda j, p: (_ for _ in ()).throw(ValidationFailed(["第3行 事项编码：不能为空"])))
    body = login("kezhang").get(url).json()
    assert body["status"] == "failed" and body["status_label"] == "失败"
    assert body["errors"] == ["第3行 事项编码：不能为空"]
    assert login("wangwu").get(url).status_code == 403
