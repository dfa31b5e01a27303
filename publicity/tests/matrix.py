"""Permission-matrix entries of the publicity app; each area keeps its own module (matrix_<area>.py)."""

from __future__ import annotations

from typing import Any

from publicity.tests import matrix_annual, matrix_credit, matrix_portal, matrix_portal_results, matrix_results
from tests.matrix import Rule

ENTRIES: dict[str, Rule] = {}
RESOLVERS: dict[str, Any] = {}
for _module in (matrix_portal, matrix_results, matrix_annual, matrix_credit, matrix_portal_results):
    _clash = set(ENTRIES) & set(_module.ENTRIES)
    assert not _clash, f"{_module.__name__} repeats {_clash}"
    ENTRIES.update(_module.ENTRIES)
    RESOLVERS.update(_module.RESOLVERS)
