from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from cchc_portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers and feed readers ask for /favicon.ico whatever the page says: the vendored SVG.
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/", include("accounts.auth_urls")),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    # Anyone, logged in or not, may switch the language (the login page has the switch too).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("units/", include("units.urls")),
    path("notifications/", include("notifications.urls")),
    path("jobs/", include("jobs.urls")),
    path("documents/", include("documents.urls")),
    path("procedures/", include("procedures.urls")),
    path("scoring/", include("scoring.urls")),
    path("inspections/", include("inspections.urls")),
    path("surveys/", include("surveys.urls")),
    path("public/", include("scoring.public_urls")),
    # The public survey form: short, because it is printed under QR codes.
    path("s/", include("surveys.public_urls")),
    path("admin/", admin.site.urls),
]
