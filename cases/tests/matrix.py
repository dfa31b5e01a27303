"""Permission-matrix entries of the cases app; each area keeps its own module (matrix_<area>.py)."""

from __future__ import annotations

from typing import Any

from cases.tests import matrix_clocks, matrix_core, matrix_documents, matrix_dossier, matrix_online
from tests.matrix import Rule

ENTRIES: dict[str, Rule] = {}
RESOLVERS: dict[str, Any] = {}
for _module in (matrix_core, matrix_clocks, matrix_documents, matrix_dossier, matrix_online):
    _clash = set(ENTRIES) & set(_module.ENTRIES)
    assert not _clash, f"{_module.__name__} repeats {_clash}"
    ENTRIES.update(_module.ENTRIES)
    RESOLVERS.update(_module.RESOLVERS)
