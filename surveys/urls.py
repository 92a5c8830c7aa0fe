from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path(
        "sets/<int:set_pk>/questionnaires/import/",
        views.questionnaire_import,
        name="questionnaire_import",
    ),
    path("sets/<int:set_pk>/new/", views.survey_create, name="survey_create"),
    path(
        "sets/<int:set_pk>/questionnaires/new/", views.questionnaire_new, name="questionnaire_new"
    ),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:pk>/edit/", views.questionnaire_edit, name="questionnaire_edit"),
    path("questionnaires/<int:pk>.xlsx", views.questionnaire_xlsx, name="questionnaire_xlsx"),
    path("questionnaires/<int:pk>/copy/", views.questionnaire_copy, name="questionnaire_copy"),
    path("<int:pk>/", views.survey_detail, name="survey_detail"),
    path("<int:pk>/quota/", views.survey_quota, name="survey_quota"),
    path("<int:pk>/tokens/", views.survey_tokens, name="survey_tokens"),
    path("<int:pk>/paper/", views.survey_paper, name="survey_paper"),
    path("<int:pk>/remind/", views.survey_remind, name="survey_remind"),
    path("<int:pk>/close/", views.survey_close, name="survey_close"),
    path("<int:pk>/export.xlsx", views.survey_export, name="survey_export"),
]
