"""What each app puts on a user's 工作台: to-dos and red/yellow warnings.

Each installed app of ours may have a ``workbench`` module with a function ``items(user)`` returning
``(todos, warnings)``; ``collect`` asks every one of them, so an app adds to the 工作台 without editing this file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Item:
    title: str
    detail: str = ""
    url: str = ""
    level: str = "info"  # "red", "yellow" or "info"
    due: str = ""


Provider = Callable[[Any], tuple[list[Item], list[Item]]]


def _providers() -> list[Provider]:
    import importlib
    import importlib.util

    from django.apps import apps

    providers = []
    for config in apps.get_app_configs():
        name = f"{config.name}.workbench"
        if config.name.startswith(("django", "axes", "ninja")) or importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        if hasattr(module, "items"):
            providers.append(module.items)
    return providers


def collect(user: Any) -> tuple[list[Item], list[Item]]:
    todos: list[Item] = []
    warnings: list[Item] = []
    for provider in _providers():
        t, w = provider(user)
        todos += t
        warnings += w
    order = {"red": 0, "yellow": 1, "info": 2}
    warnings.sort(key=lambda i: order.get(i.level, 3))
    return todos, warnings
