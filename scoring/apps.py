from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    """Criteria sets, assessments and the 100-point CCHC index with rankings."""

    name = "scoring"
    verbose_name = _("Chỉ số CCHC")
    nav_label = _("Chỉ số CCHC")
    nav_items: list = [
        (_("Bản đánh giá"), "scoring:assessment_list", None),
        (_("Bộ chỉ số"), "scoring:set_list", None),
        (_("Kết quả công bố"), "public:ranking_list", None),
    ]
