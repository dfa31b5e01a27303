from django.urls import path

from publicity import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("gongshi/<slug:column>/", views.column, name="column"),
    path("gongshi/zhuti/<int:agency_id>/", views.subject_detail, name="subject_detail"),
    path("gongshi/renyuan/zheng/<str:number>/", views.officer_detail, name="officer_detail"),
    path("gongshi/renyuan/zheng/<str:number>/photo/", views.officer_photo, name="officer_photo"),
    path("gongshi/renyuan/zheng/<str:number>/qr.svg", views.officer_qr, name="officer_qr"),
    path("yanzheng/", views.verify, name="verify"),
    path("gongshi/shixiang/<int:agency_id>/<str:code>/", views.item_detail, name="item_detail"),
    path(
        "gongshi/shixiang/<int:agency_id>/<str:code>/yangben/<int:index>/",
        views.item_sample,
        name="item_sample",
    ),
    path("gongshi/liucheng/<slug:code>.svg", views.flowchart, name="flowchart"),
]
