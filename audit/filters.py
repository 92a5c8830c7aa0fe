import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.choices import Action
from audit.models import AuditEvent
from cchc_portal.filters import PortalFilterSet


class AuditEventFilter(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Người, đối tượng hoặc chi tiết"))
    action = django_filters.ChoiceFilter(choices=Action.choices, label=_("Hành động"))
    ip_address = django_filters.CharFilter(label=_("Địa chỉ"))
    since = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label=_("Từ ngày"),
    )
    until = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label=_("Đến ngày"),
    )

    class Meta:
        model = AuditEvent
        fields = ["q", "action", "ip_address", "since", "until"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(actor_name__icontains=value) | Q(target__icontains=value) | Q(detail__icontains=value)
        )
