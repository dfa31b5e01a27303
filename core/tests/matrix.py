"""Permission-matrix entries of the core app: the progress page of a background job (core.jobs).

A job is readable by its creator and by users holding the job's capability over its agency; the matrix job is an
import started by 张三 at the 市司法局 (capability publicity.draft: 执法人员、科室负责人、公示审核员 of 玉司).
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from tests.matrix import Resolver, Rule, api, staff

JOB_READERS = {"zhangsan", "zhaoliu", "kezhang", "gongshi"}

ENTRIES: dict[str, Rule] = {
    "core:job_detail": staff(JOB_READERS, kwargs={"pk": "job:玉司"}),
}


def _api_job_mounted() -> bool:
    try:
        reverse("api:job", kwargs={"job_id": 1})
    except NoReverseMatch:
        return False
    return True


# GET /api/v1/jobs/{id} exists once sanxiang/api.py mounts core.api.jobs_router (see /tmp/brief/C_api.txt).
if _api_job_mounted():
    ENTRIES["api:job"] = api(JOB_READERS, kwargs={"job_id": "job:玉司"})


def _job(key: str) -> Any:
    from accounts.models import User
    from core import jobs
    from core.models import Agency, Job

    agency = Agency.objects.get(short_name=key)
    existing = Job.objects.filter(agency=agency, kind="test.matrix").first()
    if existing is not None:
        return existing.pk
    creator = User.objects.get(username="zhangsan")
    return jobs.create(
        creator,
        kind="test.matrix",
        title="权限矩阵测试任务",
        agency_id=agency.pk,
        capability="publicity.draft",
    ).pk


RESOLVERS: dict[str, Resolver] = {"job": _job}
