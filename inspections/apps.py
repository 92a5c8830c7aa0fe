from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """Inspection plans, teams, inspections, findings and recommendations."""

    name = "inspections"
    verbose_name = _("Kiểm tra công tác CCHC")
    nav_label = _("Kiểm tra")
    nav_items: list = [
        (_("Kế hoạch kiểm tra"), "inspections:plan_list", "is_provincial"),
        (_("Đoàn kiểm tra"), "inspections:team_list", "is_provincial"),
        (_("Mẫu danh mục kiểm tra"), "inspections:checklist_template_list", "is_provincial"),
        (_("Cuộc kiểm tra"), "inspections:inspection_list", None),
        (_("Lịch kiểm tra"), "inspections:inspection_calendar", None),
        (_("Kiến nghị"), "inspections:recommendation_list", None),
    ]
