import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from cchc_portal.tables import PortalTable


class AuditEventTable(PortalTable):
    at = tables.DateTimeColumn(format="d/m/Y H:i:s", verbose_name=_("Thời điểm"))
    actor_name = tables.Column(verbose_name=_("Người thực hiện"))
    action = tables.Column(verbose_name=_("Hành động"))
    target = tables.Column(verbose_name=_("Đối tượng"))
    detail = tables.Column(verbose_name=_("Chi tiết"))
    unit = tables.Column(verbose_name=_("Đơn vị"), accessor="unit__name", default="")
    ip_address = tables.Column(verbose_name=_("Địa chỉ"), default="")

    class Meta:
        model = AuditEvent
        fields = ("at", "actor_name", "action", "target", "detail", "unit", "ip_address")
        attrs = {"class": "table table-sm table-hover align-middle mb-0"}
        order_by = ("-at",)
