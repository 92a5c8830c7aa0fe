import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cchc_portal.filters import PortalFilterSet
from scoring.choices import AssessmentState
from scoring.models import ASSESSED_LEVEL_CHOICES, Assessment, CriteriaSet


class CriteriaSetFilter(PortalFilterSet):
    year = django_filters.NumberFilter(label=_("Năm"))
    level = django_filters.ChoiceFilter(choices=ASSESSED_LEVEL_CHOICES, label=_("Cấp"))

    class Meta:
        model = CriteriaSet
        fields = ["year", "level"]


class AssessmentFilter(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Tìm đơn vị"))
    year = django_filters.NumberFilter(field_name="criteria_set__year", label=_("Năm"))
    state = django_filters.ChoiceFilter(choices=AssessmentState.choices, label=_("Trạng thái"))

    class Meta:
        model = Assessment
        fields = ["q", "year", "state"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(unit__name__icontains=value) | Q(unit__code=value))
