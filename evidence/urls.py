"""The "evidence" namespace (/evidence/): upload, list, play, download, 作废 (H3)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "evidence"
urlpatterns: list[URLPattern] = []
