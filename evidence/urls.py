"""The "evidence" namespace (/evidence/): upload, list, play, download, 作废."""

from __future__ import annotations

from django.urls import path

from evidence import views

app_name = "evidence"
urlpatterns = [
    path("case/<int:case_pk>/", views.case_items, name="case_items"),
    path("case/<int:case_pk>/upload/", views.upload, name="upload"),
    path("case/<int:case_pk>/upload/begin/", views.upload_begin, name="upload_begin"),
    path("upload/<uuid:pk>/", views.upload_status, name="upload_status"),
    path("upload/<uuid:pk>/chunk/", views.upload_chunk, name="upload_chunk"),
    path("upload/<uuid:pk>/finish/", views.upload_finish, name="upload_finish"),
    path("upload/<uuid:pk>/abort/", views.upload_abort, name="upload_abort"),
    path("item/<int:pk>/", views.item_detail, name="item"),
    path("item/<int:pk>/file/", views.item_stream, name="item_stream"),
    path("item/<int:pk>/download/", views.item_download, name="item_download"),
    path("item/<int:pk>/void/", views.item_void, name="item_void"),
]
