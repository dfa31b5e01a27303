from django.urls import path

from org import views

app_name = "org"
urlpatterns = [
    path("agencies/", views.agency_list, name="agency_list"),
]
