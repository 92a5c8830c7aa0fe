"""Public pages (no login): mounted at /public/ by cchc_portal/urls.py."""

from django.urls import path

from scoring import views

app_name = "public"

urlpatterns = [
    path("rankings/", views.public_ranking_list, name="ranking_list"),
    path("rankings/<int:pk>/", views.public_ranking_detail, name="ranking_detail"),
    path("rankings/<int:pk>.xlsx", views.public_ranking_xlsx, name="ranking_xlsx"),
    path("rankings/<int:pk>.pdf", views.public_ranking_pdf, name="ranking_pdf"),
]
