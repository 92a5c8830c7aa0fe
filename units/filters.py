import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc_portal.filters import PortalFilterSet
from units.choices import Level
from units.models import AdministrativeUnit

VALIDITY_CHOICES = (
    ("current", _("Đang có hiệu lực")),
    ("expired", _("Đã hết hiệu lực")),
    ("all", _("Tất cả")),
)


def by_validity(queryset, value: str):
    """Units valid today (the default), those whose validity ended, or all of them."""
    today = timezone.localdate()
    if value == "expired":
        return queryset.filter(valid_until__lt=today)
    if value == "all":
        return queryset
    return queryset.valid_on(today)


class AdministrativeUnitFilter(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Tìm theo tên hoặc mã"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Cấp"))
    validity = django_filters.ChoiceFilter(
        choices=VALIDITY_CHOICES,
        label=_("Hiệu lực"),
        method="filter_validity",
        empty_label=None,
    )

    class Meta:
        model = AdministrativeUnit
        fields = ["q", "level", "validity"]

    def __init__(self, data=None, *args, **kwargs):
        # Current units unless asked otherwise: the list opens on today's tree.
        if data is None or not data.get("validity"):
            data = data.copy() if data is not None else {}
            data["validity"] = "current"
        super().__init__(data, *args, **kwargs)

    def filter_validity(self, queryset, name, value):
        return by_validity(queryset, value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code=value))


class DepartmentFilter(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Tìm theo tên hoặc mã"))

    class Meta:
        model = AdministrativeUnit
        fields = ["q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))
