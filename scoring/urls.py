from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("sets/", views.CriteriaSetListView.as_view(), name="set_list"),
    path("sets/import/", views.set_import, name="set_import"),
    path("sets/<int:pk>/", views.set_detail, name="set_detail"),
    path("sets/<int:pk>/open/", views.set_open, name="set_open"),
    path("sets/<int:pk>/scores/import/", views.scores_upload, name="scores_upload"),
    path("sets/<int:pk>/bulk/<slug:action>/", views.set_bulk, name="set_bulk"),
    path("sets/<int:pk>/deadlines/", views.set_deadlines, name="set_deadlines"),
    path("sets/<int:pk>/remind/<slug:phase>/", views.set_remind, name="set_remind"),
    path("sets/<int:pk>/publish/", views.set_publish, name="set_publish"),
    path("sets/<int:pk>/unpublish/", views.set_unpublish, name="set_unpublish"),
    path("assessments/", views.AssessmentListView.as_view(), name="assessment_list"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/scores/<int:score_pk>/", views.score_save, name="score_save"),
    path("assessments/<int:pk>/scores/<int:score_pk>/keep/", views.score_keep, name="score_keep"),
    path(
        "assessments/<int:pk>/scores/<int:score_pk>/not-applicable/",
        views.score_not_applicable,
        name="score_not_applicable",
    ),
    path(
        "assessments/<int:pk>/scores/<int:score_pk>/thread/",
        views.score_thread,
        name="score_thread",
    ),
    path("assessments/<int:pk>/keep/<int:criterion_pk>/", views.area_keep, name="area_keep"),
    path(
        "assessments/<int:pk>/scores/<int:score_pk>/history/",
        views.score_history,
        name="score_history",
    ),
    path(
        "assessments/<int:pk>/scores/<int:score_pk>/evidence/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "assessments/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "assessments/<int:pk>/transition/<slug:action>/",
        views.assessment_transition,
        name="assessment_transition",
    ),
    path("assessments/<int:pk>/bonus/", views.assessment_bonus, name="assessment_bonus"),
    path(
        "assessments/<int:pk>/sheet.<str:fmt>",
        views.assessment_document,
        name="assessment_document",
    ),
    path("units/<str:code>/", views.unit_history, name="unit_history"),
    path("rankings/<int:pk>/", views.ranking_detail, name="ranking_detail"),
    path("rankings/<int:pk>.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path("rankings/<int:pk>.pdf", views.ranking_pdf, name="ranking_pdf"),
    path("rankings/<int:pk>.docx", views.ranking_docx, name="ranking_docx"),
]
