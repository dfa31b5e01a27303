from django.urls import path

from publicity import portal_results, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    # 执法结果 and 年度数据 (issue #6) come before the generic column route, which would otherwise take them.
    path("gongshi/jieguo/", portal_results.results, name="results"),
    path("gongshi/jieguo/chehui/", portal_results.withdrawals, name="result_withdrawals"),
    path("gongshi/jieguo/<int:pk>/", portal_results.result_detail, name="result_detail"),
    path("gongshi/nianbao/", portal_results.annual_list, name="annual_list"),
    path("gongshi/nianbao/<int:year>/", portal_results.annual_year, name="annual_year"),
    path("gongshi/nianbao/<int:year>/<int:agency_id>/", portal_results.annual_agency, name="annual_agency"),
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
