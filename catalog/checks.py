"""System check ``catalog.E001``: every procedure definition in catalog/processes/ validates.

``manage.py check`` (and runserver / migrate, which run the checks) fail with the Chinese messages that name the
file and the step, e.g. "legal_review.yaml：步骤“review”：clock 缺少 article……".
"""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register


@register("catalog")
def check_process_definitions(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from catalog import process

    return [
        Error(
            message,
            hint="请按 docs/processes.md 修改流程定义文件。",
            obj="catalog.processes",
            id="catalog.E001",
        )
        for message in process.validate_dir()
    ]
