"""URL patterns of the cases app: 电子案卷 (staff import of 政务服务平台 办件). Combined into the "cases"
namespace by cases/urls.py."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases import views_dossier, views_online

urlpatterns: list[URLPattern] = [
    path("<int:pk>/dossier/", views_dossier.dossier, name="dossier"),
    path("<int:pk>/dossier/<int:dossier_pk>/pdf/", views_dossier.dossier_download, name="dossier_download"),
    path("platform-import/", views_online.platform_import, name="platform_import"),
    path("platform-import/sample.<str:fmt>", views_online.platform_sample, name="platform_sample"),
]
