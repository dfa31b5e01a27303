"""What each app puts on a user's 工作台: to-dos and red/yellow warnings.

An app adds a provider to PROVIDERS; a provider returns ``(todos, warnings)`` for the user. Later issues
(cases, review, publicity, supervision) add theirs here.
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
    from core.workbench import calendar_items

    return [calendar_items]


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
