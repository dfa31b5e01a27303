from django.urls import path

from publicity import views_credit

app_name = "credit"
urlpatterns = [
    path("", views_credit.index, name="index"),
    path("export/", views_credit.export, name="export"),
    path("<int:pk>/download/", views_credit.download, name="download"),
]
