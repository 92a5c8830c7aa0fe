import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.choices import Level
from units.models import AdministrativeUnit


class AdministrativeUnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Tìm theo tên hoặc mã"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Cấp"))

    class Meta:
        model = AdministrativeUnit
        fields = ["q", "level"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code=value))
