"""The 工作台: each user's to-dos and warnings first. Apps contribute through their ``workbench`` module."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import access
from sanxiang.workbench import collect


@access("workbench.view")
def workbench(request: HttpRequest) -> HttpResponse:
    todos, warnings = collect(request.user)
    return render(request, "workbench.html", {"todos": todos, "warnings": warnings})
