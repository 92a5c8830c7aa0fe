from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """The sociological survey run online: questionnaires, one-time links, answers, points."""

    name = "surveys"
    verbose_name = _("Điều tra xã hội học")
    nav_label = _("Chỉ số CCHC")
    nav_items: list = [
        (_("Điều tra xã hội học"), "surveys:survey_list", "is_provincial"),
    ]
