from django.contrib import admin
from django.urls import include, path

from cchc_portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("units/", include("units.urls")),
    path("procedures/", include("procedures.urls")),
    path("scoring/", include("scoring.urls")),
    path("inspections/", include("inspections.urls")),
    path("admin/", admin.site.urls),
]
