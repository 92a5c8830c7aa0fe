from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    """Administrative units (province → district → commune) and the users bound to them."""

    name = "units"
    verbose_name = _("Đơn vị hành chính và người dùng")
    nav_items = [(_("Đơn vị"), "units:unit_list", None)]
