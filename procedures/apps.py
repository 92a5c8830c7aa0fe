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

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_after_flush, sender=self)


def _after_flush(sender, using, **kwargs) -> None:
    """`flush` (tests' transactional teardown) empties every table in no fixed order: on SQLite
    the dossiers' row triggers may write figures after their table was emptied. Recompute them
    (from no dossiers: nothing). `migrate` sends the same signal with its plan: left alone, the
    migration that installs the triggers computes the figures itself."""
    if "plan" in kwargs:
        return
    from django.db import connections

    from procedures.figures import figures_rebuild

    figures_rebuild(using=connections[using])
