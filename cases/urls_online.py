"""URL patterns of the cases app: H5 (网上申请, public). Combined into the "cases" namespace by cases/urls.py."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
