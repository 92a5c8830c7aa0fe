import django_filters
from django.utils.translation import gettext_lazy as _

from cchc_portal.filters import PortalFilterSet
from documents.choices import DocumentType
from documents.models import RegisteredDocument


class RegisterFilter(PortalFilterSet):
    doc_type = django_filters.ChoiceFilter(
        field_name="sequence__doc_type", choices=DocumentType.choices, label=_("Loại văn bản")
    )
    year = django_filters.NumberFilter(field_name="sequence__year", label=_("Năm"))
    q = django_filters.CharFilter(
        field_name="subject", lookup_expr="icontains", label=_("Trích yếu")
    )

    class Meta:
        model = RegisteredDocument
        fields = ["doc_type", "year", "q"]
