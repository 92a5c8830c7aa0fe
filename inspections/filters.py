import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cchc_portal.filters import PortalFilterSet
from inspections.choices import InspectionState, RecommendationState
from inspections.models import Inspection, InspectionPlan, Recommendation
from units.widgets import UnitFilter


class InspectionPlanFilter(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Tìm theo số hoặc tên"))
    year = django_filters.NumberFilter(label=_("Năm"))

    class Meta:
        model = InspectionPlan
        fields = ["q", "year"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))


class InspectionFilter(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Tìm theo đơn vị"))
    unit = UnitFilter(label=_("Đơn vị (và đơn vị trực thuộc)"))
    state = django_filters.ChoiceFilter(choices=InspectionState.choices, label=_("Trạng thái"))

    class Meta:
        model = Inspection
        fields = ["q", "unit", "state"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(unit__name__icontains=value) | Q(unit__code=value))


class RecommendationFilter(PortalFilterSet):
    unit = UnitFilter(via="responsible_unit", label=_("Đơn vị thực hiện"))
    state = django_filters.ChoiceFilter(choices=RecommendationState.choices, label=_("Trạng thái"))
    overdue = django_filters.BooleanFilter(
        method="only_overdue",
        label=_("Hạn khắc phục"),
        widget=forms.Select(choices=[("", _("Tất cả")), ("true", _("Chỉ quá hạn"))]),
    )

    class Meta:
        model = Recommendation
        fields = ["unit", "state", "overdue"]

    def only_overdue(self, queryset, name, value):
        if value:
            return queryset.overdue()
        return queryset
