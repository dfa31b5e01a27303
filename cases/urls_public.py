"""The public "apply" namespace (/apply/): online 许可 applications and progress lookup (seed 二(二)1–2)."""

from __future__ import annotations

from cases import urls_online

app_name = "apply"
urlpatterns = [*urls_online.urlpatterns]
