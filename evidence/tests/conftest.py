"""Fixtures of the evidence tests: an open penalty case of the 市司法局 and one of 红塔区."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def city_case(case_world: Any) -> Any:
    from cases.tests.factories import make_case

    return make_case(case_world.users["zhangsan"], case_world.items["penalty_general"], "penalty_general")


@pytest.fixture
def hongta_case(case_world: Any) -> Any:
    from cases.tests.factories import make_case

    return make_case(case_world.users["wangwu"], case_world.hongta_item, "penalty_general")


@pytest.fixture
def add_item(case_world: Any, city_case: Any) -> Any:
    """Store bytes as an evidence item of ``city_case`` (through evidence.actions.add_file)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence import actions

    def add(data: bytes = b"evidence bytes", name: str = "photo.jpg", **meta: Any) -> Any:
        meta.setdefault("kind", "physical")
        meta.setdefault("title", "现场照片")
        user = meta.pop("user", case_world.users["zhangsan"])
        case = meta.pop("case", city_case)
        return actions.add_file(user, case, SimpleUploadedFile(name, data), **meta)

    return add
