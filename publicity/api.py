"""Open data under /api/v1/public/: published snapshots only (design.md §4)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["公开数据"], auth=None)
