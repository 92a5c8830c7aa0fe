"""Public pages (no login): mounted at /public/ by cchc_portal/urls.py."""

from django.urls import path

from scoring import views

app_name = "public"

urlpatterns = [
    path("rankings/", views.public_ranking_list, name="ranking_list"),
    path("rankings/<int:pk>/", views.public_ranking_detail, name="ranking_detail"),
]
