"""Public JSON API of online 许可 applications (H5); mounted under /api/v1/apply/ (auth=None per operation)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["网上申请"])
