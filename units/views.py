from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from units.filters import AdministrativeUnitFilter
from units.models import AdministrativeUnit
from units.tables import AdministrativeUnitTable


class UnitListView(SingleTableMixin, FilterView):
    """Units the user may see: the whole province for provincial roles, else the own subtree."""

    table_class = AdministrativeUnitTable
    filterset_class = AdministrativeUnitFilter
    template_name = "units/unit_list.html"
    paginate_by = 50
    extra_context = {"title": _("Đơn vị hành chính")}

    def get_queryset(self):
        return AdministrativeUnit.objects.visible_to(self.request.user).select_related("parent")
