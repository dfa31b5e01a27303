"""JSON API of the cases app (H2); mounted under /api/v1/cases/ by sanxiang/api.py."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["执法案件"])
