import django_tables2 as tables
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
    ranking = tables.LinkColumn(
        "scoring:ranking_detail",
        args=[tables.A("pk")],
        text=_("Xếp hạng"),
        verbose_name="",
        orderable=False,
        empty_values=(),
    )

    class Meta:
        model = CriteriaSet
        fields = ("name", "province", "year", "level", "legal_basis", "status")
        attrs = {"class": "table table-sm table-hover align-middle"}


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
