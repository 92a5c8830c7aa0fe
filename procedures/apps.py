from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    """Administrative procedures (TTHC), dossiers from the one-stop system, their statistics."""

    name = "procedures"
    verbose_name = _("Thủ tục hành chính và hồ sơ")
    nav_items: list = []
