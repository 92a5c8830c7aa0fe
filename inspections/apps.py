from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """Inspection plans, teams, inspections, findings and recommendations."""

    name = "inspections"
    verbose_name = _("Kiểm tra công tác CCHC")
    nav_items: list = []
