"""The progress page of a background job (core.jobs): a Bootstrap-styled <progress> refreshed by htmx every second."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import access
from core import jobs


@access("workbench.view")
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Every signed-in user may ask; ``jobs.get_for`` admits the creator and holders of the job's capability."""
    job = jobs.get_for(request.user, pk)
    context = {"job": job, "snap": jobs.snapshot(job)}
    if request.headers.get("HX-Request"):
        return render(request, "core/job_progress.html", context)
    return render(request, "core/job_detail.html", context)
