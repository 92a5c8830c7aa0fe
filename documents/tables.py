import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from cchc_portal.tables import PortalTable
from documents.models import RegisteredDocument


class RegisterTable(PortalTable):
    label = tables.Column(verbose_name=_("Số, ký hiệu"), accessor="label", orderable=False)
    doc_type = tables.Column(
        verbose_name=_("Loại văn bản"), accessor="sequence__get_doc_type_display", orderable=False
    )
    issued_on = tables.DateColumn(verbose_name=_("Ngày ban hành"), format="d/m/Y")
    subject = tables.Column(verbose_name=_("Trích yếu"))
    issuer = tables.Column(verbose_name=_("Đơn vị"), accessor="sequence__issuer__name")
    issued_by = tables.Column(verbose_name=_("Người cấp số"), accessor="issued_by__username")

    class Meta:
        model = RegisteredDocument
        fields = ("label", "doc_type", "issued_on", "subject", "issuer", "issued_by")
        order_by = ("-issued_on",)
