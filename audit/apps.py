from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit trail (nhật ký hệ thống): who did what, when, from where; append-only."""

    name = "audit"
    verbose_name = _("Nhật ký hệ thống")
    # Its page sits in the "Quản trị" menu of the accounts app (one menu for both).
