"""URL patterns of the cases app: clocks and the compliance sheet. Combined into the "cases" namespace by cases/urls.py."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases import views_clocks

urlpatterns: list[URLPattern] = [
    path("<int:pk>/clocks/", views_clocks.clocks, name="clocks"),
    path("<int:pk>/compliance/", views_clocks.compliance_sheet, name="compliance"),
]
