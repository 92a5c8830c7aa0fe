from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.InspectionListView.as_view(), name="inspection_list"),
    path("new/", views.inspection_edit, name="inspection_create"),
    path("calendar/", views.inspection_calendar, name="inspection_calendar"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path("<int:pk>/statistics/", views.inspection_statistics, name="inspection_statistics"),
    path("<int:pk>/report.pdf", views.inspection_report_pdf, name="inspection_report"),
    path("<int:pk>/report.docx", views.inspection_report_docx, name="inspection_report_docx"),
    path("<int:pk>/minutes.<str:fmt>", views.inspection_minutes, name="inspection_minutes"),
    path("<int:pk>/conclude/", views.inspection_conclude, name="inspection_conclude"),
    path("<int:pk>/reopen/", views.inspection_reopen, name="inspection_reopen"),
    path("<int:pk>/close/", views.inspection_close, name="inspection_close"),
    path(
        "<int:pk>/checklist/<int:result_id>/",
        views.checklist_record,
        name="checklist_record",
    ),
    path(
        "<int:pk>/checklist/from-template/",
        views.checklist_from_template,
        name="checklist_from_template",
    ),
    path(
        "<int:pk>/checklist/<int:result_id>/photos/",
        views.checklist_photos_add,
        name="checklist_photos_add",
    ),
    path(
        "<int:pk>/findings/<int:finding_id>/photos/",
        views.finding_photos_add,
        name="finding_photos_add",
    ),
    path("photos/<int:pk>/", views.photo_file, name="photo_file"),
    path("photos/<int:pk>/thumb/", views.photo_thumbnail, name="photo_thumbnail"),
    path("<int:pk>/findings/", views.finding_add, name="finding_add"),
    path(
        "<int:pk>/findings/<int:finding_id>/delete/",
        views.finding_delete,
        name="finding_delete",
    ),
    path("<int:pk>/recommendations/", views.recommendation_add, name="recommendation_add"),
    path("<int:pk>/dossier-checks/draw/", views.dossier_draw, name="dossier_check_draw"),
    path("<int:pk>/dossier-checks/pick/", views.dossier_pick, name="dossier_check_pick"),
    path(
        "<int:pk>/dossier-checks/<int:check_id>/",
        views.dossier_check_record,
        name="dossier_check_record",
    ),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.plan_edit, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/issue/", views.plan_issue, name="plan_issue"),
    path("plans/<int:pk>/document.<str:fmt>", views.plan_document, name="plan_document"),
    path(
        "plans/<int:pk>/inspections.xlsx",
        views.plan_inspections_xlsx,
        name="plan_inspections_xlsx",
    ),
    path("checklists/", views.checklist_template_list, name="checklist_template_list"),
    path("checklists/new/", views.checklist_template_edit, name="checklist_template_create"),
    path("checklists/<int:pk>/", views.checklist_template_detail, name="checklist_template_detail"),
    path(
        "checklists/<int:pk>/edit/", views.checklist_template_edit, name="checklist_template_edit"
    ),
    path(
        "checklists/<int:pk>/copy/", views.checklist_template_copy, name="checklist_template_copy"
    ),
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/new/", views.team_edit, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("recommendations/", views.RecommendationListView.as_view(), name="recommendation_list"),
    path("recommendations.xlsx", views.recommendations_xlsx, name="recommendation_list_xlsx"),
    path(
        "recommendations/<int:pk>/",
        views.recommendation_detail,
        name="recommendation_detail",
    ),
    path(
        "recommendations/<int:pk>/remediation/",
        views.remediation_report,
        name="remediation_report",
    ),
    path(
        "recommendations/<int:pk>/verify/",
        views.recommendation_verify,
        name="recommendation_verify",
    ),
    path(
        "recommendations/<int:pk>/send-back/",
        views.recommendation_send_back,
        name="recommendation_send_back",
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
