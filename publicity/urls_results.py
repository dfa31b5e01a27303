"""结果公示 staff pages, mounted at /manage/results/ (app_name "results")."""

from django.urls import path

from publicity import views_results as views

app_name = "results"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.draft_detail, name="draft"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/block/", views.block, name="block"),
    path("changes/", views.changes, name="changes"),
    path("changes/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("case/<int:case_id>/change/", views.change_create, name="change_create"),
]
