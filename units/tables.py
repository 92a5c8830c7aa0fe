import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from cchc_portal.tables import PortalTable
from units.models import AdministrativeUnit


class AdministrativeUnitTable(PortalTable):
    code = tables.Column(verbose_name=_("Mã"))
    name = tables.Column(verbose_name=_("Tên đơn vị"))
    level = tables.Column(verbose_name=_("Cấp"))
    parent = tables.Column(verbose_name=_("Trực thuộc"), order_by=("parent__name",))
    valid_until = tables.DateColumn(verbose_name=_("Hiệu lực đến"))

    class Meta:
        model = AdministrativeUnit
        fields = ("code", "name", "level", "parent", "valid_from", "valid_until")
        sequence = ("code", "name", "level", "parent", "valid_from", "valid_until")
        exclude = ("valid_from",)
        attrs = {"class": "table table-sm table-hover align-middle"}
