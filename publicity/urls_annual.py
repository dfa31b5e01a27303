"""年度数据 staff pages (issue #6 item 5), mounted at /manage/annual/."""

from django.urls import path

from publicity import views_annual

app_name = "annual"

urlpatterns = [
    path("", views_annual.index, name="index"),
    path("<int:agency_id>/<int:year>/", views_annual.detail, name="detail"),
    path("<int:agency_id>/<int:year>/export.xlsx", views_annual.export, name="export"),
    path("<int:agency_id>/<int:year>/publish/", views_annual.publish, name="publish"),
    path("<int:agency_id>/<int:year>/reopen/", views_annual.reopen, name="reopen"),
]
