"""The demo 执法主体 and 执法人员 go through the workflow, cover the warning cases and load idempotently."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Agency
from org import demo_content
from org.models import Certificate, Officer, SubjectProfile
from org.workbench import certificate_warnings
from publicity.models import Publication


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


def test_demo_content_is_published_and_idempotent(yuxi, persona, media):
    demo_content.load(io.StringIO())
    agencies = Agency.objects.filter(is_active=True).count()
    assert SubjectProfile.objects.filter(state="published").count() == agencies
    assert Publication.objects.current().filter(kind="subject").count() == agencies
    entrusted = Publication.objects.current().get(kind="subject", payload__nature="委托")
    assert entrusted.payload["entrusting_agency"] == "玉溪市交通运输局"
    assert Officer.objects.count() == 15
    assert Publication.objects.current().filter(kind="officer").count() == 15
    today = timezone.localdate()
    assert Certificate.objects.filter(is_current=True, valid_until=today + timedelta(days=30)).count() == 1
    assert Certificate.objects.filter(is_current=True, valid_until__lt=today).count() == 1
    suspended = Certificate.objects.get(status="suspended")
    live = Publication.objects.current().get(kind="officer", key=suspended.number)
    assert live.payload["status"] == "suspended"
    assert all(p.payload["photo"].startswith("officers/") for p in Publication.objects.filter(kind="officer"))
    assert Officer.objects.get(user__username="zhangsan").name == "张三"
    levels = sorted(w.level for w in certificate_warnings(persona("jiandu")))
    assert levels == ["red", "yellow"]
    before = (Publication.objects.count(), Officer.objects.count(), Agency.objects.count())
    demo_content.load(io.StringIO())
    assert (Publication.objects.count(), Officer.objects.count(), Agency.objects.count()) == before
