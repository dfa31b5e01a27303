"""JSON API of evidence (H3); mounted under /api/v1/evidence/ by sanxiang/api.py."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["证据"])
