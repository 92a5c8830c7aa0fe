from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Long work outside the request: one job record per task, the worker, the daily schedule."""

    name = "jobs"
    verbose_name = _("Tác vụ nền")

    def ready(self) -> None:
        # Each app declares its job kinds and scheduled work in `<app>/tasks.py`.
        autodiscover_modules("tasks")
