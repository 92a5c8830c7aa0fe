import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from cchc_portal.tables import PortalTable
from units.models import AdministrativeUnit


class AdministrativeUnitTable(PortalTable):
    code = tables.Column(verbose_name=_("Mã"))
    name = tables.Column(
        verbose_name=_("Tên đơn vị"), linkify=("units:unit_detail", [tables.A("pk")])
    )
    level = tables.Column(verbose_name=_("Cấp"))
    parent = tables.Column(verbose_name=_("Trực thuộc"), order_by=("parent__name",))
    valid_from = tables.DateColumn(verbose_name=_("Hiệu lực từ"))
    valid_until = tables.DateColumn(verbose_name=_("Hiệu lực đến"))

    class Meta:
        model = AdministrativeUnit
        fields = ("code", "name", "level", "parent", "valid_from", "valid_until")
        sequence = ("code", "name", "level", "parent", "valid_from", "valid_until")
        attrs = {"class": "table table-sm table-hover align-middle"}


class DepartmentTable(PortalTable):
    code = tables.Column(verbose_name=_("Mã"))
    name = tables.Column(
        verbose_name=_("Tên cơ quan"), linkify=("units:unit_detail", [tables.A("pk")])
    )
    valid_from = tables.DateColumn(verbose_name=_("Hiệu lực từ"))
    valid_until = tables.DateColumn(verbose_name=_("Hiệu lực đến"))
    edit = tables.TemplateColumn(
        template_code=(
            "{% load i18n %}<a href=\"{% url 'units:department_edit' record.pk %}\">"
            '{% translate "Sửa" %}</a>'
        ),
        verbose_name="",
        orderable=False,
    )

    class Meta:
        model = AdministrativeUnit
        fields = ("code", "name", "valid_from", "valid_until")
        sequence = ("code", "name", "valid_from", "valid_until", "edit")
        attrs = {"class": "table table-sm table-hover align-middle"}
