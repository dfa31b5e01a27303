"""The "cases" namespace (/cases/ for staff). Each area keeps its own module; names are unique across them."""

from __future__ import annotations

from cases import urls_clocks, urls_core, urls_documents, urls_dossier

app_name = "cases"
urlpatterns = [
    *urls_core.urlpatterns,
    *urls_clocks.urlpatterns,
    *urls_documents.urlpatterns,
    *urls_dossier.urlpatterns,
]
