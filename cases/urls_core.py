"""URL patterns of the cases app: H6 (case pages). Combined into the "cases" namespace by cases/urls.py."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
