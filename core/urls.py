"""The working-day calendar pages, mounted at /manage/calendar/, and the progress page of background jobs."""

from django.urls import path

from core import views, views_jobs

app_name = "core"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("day/", views.holiday_edit, name="holiday_edit"),
    path("day/<str:day>/delete/", views.holiday_delete, name="holiday_delete"),
    path("import/", views.import_csv, name="import_csv"),
    path("template.csv", views.csv_template, name="csv_template"),
    path("jobs/<int:pk>/", views_jobs.job_detail, name="job_detail"),
]
