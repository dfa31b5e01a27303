from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("verify/", views.verify, name="verify"),
    path("checkpoints/", views.checkpoints, name="checkpoints"),
    path("checkpoints/export.json", views.checkpoint_export, name="checkpoint_export"),
]
