import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Portal counts and facets are cached; every test starts from an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    """A temporary default storage for photos and 示范文本."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path
