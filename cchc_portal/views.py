from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


def home(request: HttpRequest) -> HttpResponse:
    """The landing page after login; grows into the role dashboard (issue: dashboards)."""
    return render(request, "cchc_portal/home.html", {"unit": request.user.unit})


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for the load balancer / docker healthcheck."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
