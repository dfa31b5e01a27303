"""URL patterns of the cases app: 文书. Combined into the "cases" namespace by cases/urls.py."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases import views_documents as views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/documents/", views.documents, name="documents"),
    path("<int:pk>/documents/new/<slug:doc_type>/", views.document_new, name="document_new"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/documents/<int:doc_pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/documents/<int:doc_pk>/issue/", views.document_issue, name="document_issue"),
    path("<int:pk>/documents/<int:doc_pk>/correct/", views.document_correct, name="document_correct"),
    path(
        "<int:pk>/documents/<int:doc_pk>/download/<slug:fmt>/",
        views.document_download,
        name="document_download",
    ),
]
