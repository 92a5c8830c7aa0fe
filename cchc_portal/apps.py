from django.apps import AppConfig


class CchcPortalConfig(AppConfig):
    """Shared plumbing: PDF and Excel writers, access helpers, formatting, load_demo."""

    name = "cchc_portal"
    verbose_name = "CCHC portal"
