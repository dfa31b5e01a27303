"""Shared fixtures: the 玉溪 tenancy and named personas.

Personas (all with password ``demo.DEMO_PASSWORD``): 张三 zhangsan 执法人员 and 李四 lisi 法制审核员 at the
市司法局; 王五 wangwu at 红塔区司法局 (must not see city cases); one user per role at the 市司法局 and a few at
红塔区 — see org/demo.py.
"""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM then refuses to run there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """Tests hash demo passwords with MD5: PBKDF2's 1M rounds would cost seconds per fixture (tests only)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def yuxi(db):
    """The 玉溪 structure and demo users; returns the 市司法局."""
    from org import demo

    bureau = demo.load_structure()
    demo.load_users()
    return bureau


@pytest.fixture
def persona(yuxi):
    """Look up a demo user by username: ``persona("zhangsan")``."""
    from accounts.models import User

    def get(username: str) -> User:
        return User.objects.select_related("agency__region").get(username=username)

    return get


@pytest.fixture
def login(client, persona):
    """A Django test client signed in as the named persona."""

    def as_user(username: str):
        client.force_login(persona(username))
        return client

    return as_user


@pytest.fixture
def password():
    from org.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


@pytest.fixture
def evidence_tmp(settings, tmp_path):
    """Evidence blobs and issued 文书 go to a temporary directory, not var/evidence."""
    location = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location


@pytest.fixture
def case_world(yuxi, persona, evidence_tmp):
    """Officers with valid 执法证 (linked to zhangsan, zhaoliu, kezhang; 王五 at 红塔区) and one published item per
    procedure at the 市司法局 and a penalty item at 红塔区. See cases/tests/factories.py."""
    from cases.tests import factories

    return factories.world(persona)
