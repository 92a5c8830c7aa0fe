from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    """Administrative procedures (TTHC), dossiers from the one-stop system, their statistics."""

    name = "procedures"
    verbose_name = _("Thủ tục hành chính và hồ sơ")
    nav_label = _("Thủ tục và hồ sơ")
    nav_items = [
        (_("Thủ tục"), "procedures:procedure_list", None),
        (_("Hồ sơ"), "procedures:dossier_list", None),
        (_("Thống kê hồ sơ"), "procedures:stats", None),
        (_("Chỉ số phục vụ (766)"), "procedures:service_index", None),
        (_("Nhập hồ sơ"), "procedures:import_list", "is_provincial"),
    ]
