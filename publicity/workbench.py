"""The publicity app's 工作台 entries: each area keeps its own module (workbench_<area>.py with ``items(user)``)."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from sanxiang.workbench import Item

AREAS = ("results", "annual", "credit")


def items(user: Any) -> tuple[list[Item], list[Item]]:
    todos: list[Item] = []
    warnings: list[Item] = []
    for area in AREAS:
        name = f"publicity.workbench_{area}"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        t, w = module.items(user)
        todos += t
        warnings += w
    return todos, warnings
