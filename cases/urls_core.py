"""URL patterns of the cases app: the case pages. Combined into the "cases" namespace by cases/urls.py."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases import views

urlpatterns: list[URLPattern] = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/advance/", views.case_advance, name="advance"),
    path("<int:pk>/officers/", views.case_assign, name="assign"),
    path("<int:pk>/parties/", views.party_add, name="party_add"),
    path("<int:pk>/recusals/", views.recusal_request, name="recusal_request"),
    path("<int:pk>/recusals/<int:rid>/decide/", views.recusal_decide, name="recusal_decide"),
    path("<int:pk>/decision/", views.case_decision, name="decision"),
    path("<int:pk>/close/", views.case_close, name="close"),
]
