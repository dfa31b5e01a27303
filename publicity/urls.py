from django.urls import path

from publicity import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("gongshi/<slug:column>/", views.column, name="column"),
]
