from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import access


@access("calendar.manage")
def calendar(request: HttpRequest) -> HttpResponse:
    return render(request, "core/calendar.html", {})
