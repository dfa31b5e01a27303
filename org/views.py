from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import access


@access("org.read")
def agency_list(request: HttpRequest) -> HttpResponse:
    return render(request, "org/agency_list.html", {})
