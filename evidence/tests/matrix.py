"""Permission-matrix entries of the evidence app (H3)."""

from __future__ import annotations

from typing import Any

from tests.matrix import Rule

ENTRIES: dict[str, Rule] = {}
RESOLVERS: dict[str, Any] = {}
