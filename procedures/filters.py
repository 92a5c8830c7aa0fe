import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cchc_portal.filters import PortalFilterSet
from procedures.choices import Channel, DossierStatus, OnlineService
from procedures.models import HANDLING_LEVEL_CHOICES, Dossier, Procedure, ProcedureField
from procedures.selectors import BY_CHILD, BY_LEVEL
from units.choices import Level
from units.models import AdministrativeUnit
from units.widgets import UnitFilter


class ProcedureFilter(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Tìm theo mã hoặc tên"))
    field = django_filters.ModelChoiceFilter(
        queryset=ProcedureField.objects.all(), label=_("Lĩnh vực")
    )
    level = django_filters.ChoiceFilter(choices=HANDLING_LEVEL_CHOICES, label=_("Cấp thực hiện"))
    legacy_online_level = django_filters.ChoiceFilter(
        choices=[(i, str(i)) for i in range(1, 5)], label=_("Mức độ DVC (cũ)")
    )
    online_service = django_filters.ChoiceFilter(
        choices=OnlineService.choices, label=_("DVC trực tuyến")
    )

    class Meta:
        model = Procedure
        fields = ["q", "field", "level", "legacy_online_level", "online_service"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class DossierFilter(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Mã hồ sơ"))
    unit = UnitFilter(
        queryset=AdministrativeUnit.objects.none(), label=_("Đơn vị"), method="in_unit"
    )
    status = django_filters.ChoiceFilter(choices=DossierStatus.choices, label=_("Trạng thái"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Kênh"))
    received_from = django_filters.DateFilter(
        field_name="received_at",
        lookup_expr="date__gte",
        label=_("Tiếp nhận từ"),
    )
    received_to = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("đến")
    )

    class Meta:
        model = Dossier
        fields = ["q", "unit", "status", "channel", "received_from", "received_to"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = AdministrativeUnit.objects.visible_to(user)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(code__istartswith=value) if value else queryset

    def in_unit(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path) if value else queryset


class StatsFilter(PortalFilterSet):
    """Narrows the dossiers counted (field, level, channel); unit and period are read by the
    view from the same form."""

    unit = UnitFilter(queryset=AdministrativeUnit.objects.none(), label=_("Đơn vị"), method="keep")
    start = django_filters.DateFilter(label=_("Từ ngày"), method="keep")
    end = django_filters.DateFilter(label=_("Đến ngày"), method="keep")
    field = django_filters.ModelChoiceFilter(
        field_name="procedure__field", queryset=ProcedureField.objects.all(), label=_("Lĩnh vực")
    )
    level = django_filters.ChoiceFilter(
        field_name="procedure__level", choices=HANDLING_LEVEL_CHOICES, label=_("Cấp thực hiện")
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Kênh"))
    by = django_filters.ChoiceFilter(
        choices=[
            (BY_CHILD, _("Từng đơn vị trực thuộc")),
            (BY_LEVEL, _("Theo cấp (các xã gộp chung)")),
        ],
        label=_("Chia theo"),
        empty_label=None,
        method="keep",
    )

    class Meta:
        model = Dossier
        fields = ["unit", "start", "end", "field", "level", "channel", "by"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = AdministrativeUnit.objects.visible_to(user).exclude(
            level=Level.COMMUNE
        )

    def keep(self, queryset, name, value):
        return queryset
