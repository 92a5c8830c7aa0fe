import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cchc_portal.tables import PortalTable
from scoring.models import Assessment, CriteriaSet


class CriteriaSetTable(PortalTable):
    name = tables.Column(
        verbose_name=_("Bộ chỉ số"), linkify=("scoring:set_detail", {"pk": tables.A("pk")})
    )
    province = tables.Column(verbose_name=_("Tỉnh"), order_by=("province__name",))
    year = tables.Column(verbose_name=_("Năm"), localize=False)
    level = tables.Column(verbose_name=_("Cấp"))
    legal_basis = tables.Column(verbose_name=_("Quyết định"))
    status = tables.Column(verbose_name=_("Trạng thái"))
    ranking = tables.Column(verbose_name="", orderable=False, empty_values=())

    class Meta:
        model = CriteriaSet
        fields = ("name", "province", "year", "level", "legal_basis", "status")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_ranking(self, record: CriteriaSet) -> str:
        """A link to the ranking only where the user may open it: provincial roles always, unit
        staff once the set is published (the provisional ranking answers them 404,
        views._ranking_for). `is_published` is annotated by the list's queryset."""
        user = getattr(self.request, "user", None)
        if not (getattr(user, "is_provincial", False) or getattr(record, "is_published", False)):
            return ""
        url = reverse("scoring:ranking_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, _("Xếp hạng"))


class AssessmentTable(PortalTable):
    unit = tables.Column(
        verbose_name=_("Đơn vị"),
        order_by=("unit__name",),
        linkify=("scoring:assessment_detail", {"pk": tables.A("pk")}),
    )
    criteria_set__year = tables.Column(verbose_name=_("Năm"), localize=False)
    criteria_set = tables.Column(verbose_name=_("Bộ chỉ số"), order_by=("criteria_set__name",))
    state = tables.Column(verbose_name=_("Trạng thái"))
    updated_at = tables.DateTimeColumn(verbose_name=_("Cập nhật"), format="SHORT_DATETIME_FORMAT")

    class Meta:
        model = Assessment
        fields = ("unit", "criteria_set__year", "criteria_set", "state", "updated_at")
        attrs = {"class": "table table-sm table-hover align-middle"}
