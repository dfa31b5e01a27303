"""Permission-matrix entries of the cases app: dossier pages (combined by cases/tests/matrix.py)."""

from __future__ import annotations

from typing import Any

from tests.matrix import Rule

ENTRIES: dict[str, Rule] = {}
RESOLVERS: dict[str, Any] = {}
