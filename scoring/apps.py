from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    """Criteria sets, assessments and the 100-point CCHC index with rankings."""

    name = "scoring"
    verbose_name = _("Chỉ số CCHC")
    nav_items: list = []
