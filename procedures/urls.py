from django.urls import path

from procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.ProcedureListView.as_view(), name="procedure_list"),
    path("<int:pk>/", views.procedure_detail, name="procedure_detail"),
    path("dossiers/", views.DossierListView.as_view(), name="dossier_list"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("dossiers/export.<str:fmt>", views.dossier_export, name="dossier_export"),
    path("stats/", views.stats, name="stats"),
    path("service-index/", views.service_index, name="service_index"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
]
