"""事项清单, 裁量基准, 服务指南 and the 目录清单s (seed 二(一)3–4), staff pages under /manage/catalog/."""

from __future__ import annotations

from django.urls import path

from catalog import views, views_import, views_process

app_name = "catalog"
urlpatterns: list = [
    path("items/", views.item_list, name="item_list"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/submit/", views.item_submit, name="item_submit"),
    path("items/<int:pk>/review/", views.item_review, name="item_review"),
    path("items/<int:pk>/abolish/", views.item_abolish, name="item_abolish"),
    path("revisions/<int:pk>/", views.revision_detail, name="revision_detail"),
    path("materials/<int:pk>/sample/", views.sample_download, name="sample_download"),
    path("review/", views.review_queue, name="review_queue"),
    path("lists/major/", views.major_list, name="major_list"),
    path("lists/av/", views.av_list, name="av_list"),
    path("lists/random/", views.random_list, name="random_list"),
    # Excel import/export (helper C)
    path("import/", views_import.import_items, name="import"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("export.xlsx", views_import.export_items, name="export"),
    # Procedure definitions and 流程图 (helper E)
    path("processes/", views_process.process_list, name="process_list"),
    path("processes/<str:code>/", views_process.process_detail, name="process_detail"),
    path("processes/<str:code>/flowchart.svg", views_process.process_svg, name="process_svg"),
]
