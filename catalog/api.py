"""Staff API of the catalog (事项清单). Mounted at /api/v1/catalog/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["事项清单"])
