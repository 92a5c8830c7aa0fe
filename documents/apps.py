from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """The document register (sổ đăng ký văn bản) of the documents the portal issues, and who
    signs them. Plumbing for scoring and inspections, above units (it names issuing units)."""

    name = "documents"
    verbose_name = _("Sổ đăng ký văn bản")
    nav_label = _("Quản trị")
    nav_order = 90
    nav_items = [(_("Sổ đăng ký văn bản"), "documents:register_list", "is_provincial_admin")]
