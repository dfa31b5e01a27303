"""URL patterns of the public "apply" namespace (/apply/): online 许可 applications and status lookup.
Combined by cases/urls_public.py."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases import views_online

urlpatterns: list[URLPattern] = [
    path("", views_online.index, name="index"),
    path("<int:item_pk>/", views_online.form, name="form"),
    path("status/", views_online.status, name="status"),
]
