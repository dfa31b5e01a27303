from django.urls import include, path

from sanxiang.api import api
from sanxiang.views import workbench

urlpatterns = [
    path("", include("publicity.urls")),
    path("workbench/", workbench, name="workbench"),
    path("accounts/", include("accounts.urls")),
    path("manage/", include("org.urls")),
    path("manage/calendar/", include("core.urls")),
    path("manage/catalog/", include("catalog.urls")),
    path("audit/", include("audit.urls")),
    path("cases/", include("cases.urls")),
    path("evidence/", include("evidence.urls")),
    path("review/", include("review.urls")),
    path("manage/results/", include("publicity.urls_results")),
    path("manage/annual/", include("publicity.urls_annual")),
    path("manage/credit/", include("publicity.urls_credit")),
    path("apply/", include("cases.urls_public")),
    path("api/v1/", api.urls),
]
