"""URL patterns of the cases app: H2 (clocks, compliance). Combined into the "cases" namespace by cases/urls.py."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
