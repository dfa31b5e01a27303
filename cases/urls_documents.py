"""URL patterns of the cases app: H4 (文书). Combined into the "cases" namespace by cases/urls.py."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
