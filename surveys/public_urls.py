"""The public survey form (no login), mounted at /s/ by cchc_portal/urls.py: the printed QR
codes carry these addresses, so they must not change."""

from django.urls import path

from surveys import views

app_name = "survey_public"

urlpatterns = [
    path("cam-on/", views.public_done, name="done"),
    path("<str:token>/", views.public_form, name="form"),
]
