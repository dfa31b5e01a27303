from __future__ import annotations

import pytest


@pytest.fixture
def media_tmp(settings, tmp_path):
    """Uploaded 示范文本 go to a temporary directory, not var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path
