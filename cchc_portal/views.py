from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from cchc_portal.dashboard import dashboard_panels
from cchc_portal.http import AuthedHttpRequest


def home(request: AuthedHttpRequest) -> HttpResponse:
    """The role dashboard: each app contributes its panels (cchc_portal/dashboard.py)."""
    return render(
        request,
        "cchc_portal/home.html",
        {"unit": request.user.unit, "panels": dashboard_panels(request)},
    )


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for the load balancer / docker healthcheck."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever the page says: the vendored SVG. Its URL is
    resolved per request, not when the URLconf loads: the hashed name exists only once
    collectstatic has written the manifest."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
