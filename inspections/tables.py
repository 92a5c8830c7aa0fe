import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cchc_portal.tables import PortalTable
from inspections.models import Inspection, InspectionPlan, InspectionTeam, Recommendation

ATTRS = {"class": "table table-sm table-hover align-middle"}


class InspectionPlanTable(PortalTable):
    number = tables.Column(verbose_name=_("Số kế hoạch"), linkify=True)
    issued_on = tables.DateColumn(verbose_name=_("Ngày"), format="d/m/Y")
    issuer = tables.Column(verbose_name=_("Cấp ban hành"), order_by=("issuer__name",))
    year = tables.Column(verbose_name=_("Năm"))
    title = tables.Column(verbose_name=_("Tên kế hoạch"), linkify=True)
    progress = tables.Column(verbose_name=_("Tiến độ"), empty_values=(), orderable=False)

    class Meta:
        model = InspectionPlan
        fields = ("number", "issued_on", "issuer", "year", "title")
        attrs = ATTRS

    def render_year(self, value):
        return str(value)  # a year, not an amount: "2019", never "2.019"

    def render_progress(self, record):
        planned, done = record.planned, record.inspected
        percent = round(100 * done / planned) if planned else 0
        return f"{done}/{planned} = {percent} %"


class InspectionTeamTable(PortalTable):
    name = tables.Column(verbose_name=_("Tên đoàn"), linkify=True)
    unit = tables.Column(verbose_name=_("Cấp thành lập"))
    decision_number = tables.Column(verbose_name=_("Quyết định"))
    decision_date = tables.DateColumn(verbose_name=_("Ngày"), format="d/m/Y")

    class Meta:
        model = InspectionTeam
        fields = ("name", "unit", "decision_number", "decision_date")
        attrs = ATTRS


class InspectionTable(PortalTable):
    unit = tables.Column(verbose_name=_("Đơn vị"), linkify=lambda record: record.get_absolute_url())
    scheduled_on = tables.DateColumn(verbose_name=_("Ngày dự kiến"), format="d/m/Y")
    held_on = tables.DateColumn(verbose_name=_("Ngày kiểm tra"), format="d/m/Y")
    kind = tables.Column(verbose_name=_("Loại"))
    plan = tables.Column(verbose_name=_("Kế hoạch"))
    team = tables.Column(verbose_name=_("Đoàn"))
    state = tables.Column(verbose_name=_("Trạng thái"))

    class Meta:
        model = Inspection
        fields = ("unit", "scheduled_on", "held_on", "kind", "plan", "team", "state")
        attrs = ATTRS


def _stack(label):
    """Cell attributes for the phone layout: each row a card, each cell under its label."""
    return {"td": {"data-label": label}}


class RecommendationTable(PortalTable):
    responsible_unit = tables.Column(verbose_name=_("Đơn vị"), attrs=_stack(_("Đơn vị")))
    finding = tables.Column(verbose_name=_("Tồn tại"), attrs=_stack(_("Tồn tại")))
    text = tables.Column(
        verbose_name=_("Kiến nghị"),
        linkify=lambda record: record.get_absolute_url(),
        attrs=_stack(_("Kiến nghị")),
    )
    due_on = tables.DateColumn(
        verbose_name=_("Thời hạn"), format="d/m/Y", attrs=_stack(_("Thời hạn"))
    )
    state = tables.Column(verbose_name=_("Trạng thái"), attrs=_stack(_("Trạng thái")))
    days_overdue = tables.Column(
        verbose_name=_("Số ngày quá hạn"),
        empty_values=(),
        orderable=False,
        attrs=_stack(_("Số ngày quá hạn")),
    )

    class Meta:
        model = Recommendation
        fields = ("responsible_unit", "finding", "text", "due_on", "state")
        attrs = {**ATTRS, "class": ATTRS["class"] + " table-stack recommendation-table"}
        row_attrs = {"class": lambda record: "table-danger overdue" if record.overdue_flag else ""}

    def render_responsible_unit(self, record, value):
        person = record.responsible_person
        if person is None:
            return value
        name = person.get_full_name() or person.username
        return format_html('{}<div class="small text-muted">{}</div>', value, name)

    def value_responsible_unit(self, record, value):
        return value

    def render_state(self, record, value):
        # The same badge as the dashboards and the recommendation's page.
        return render_to_string(
            "inspections/_rec_state.html", {"rec": record, "overdue": record.overdue_flag}
        )

    def value_state(self, record, value):
        return value

    def render_days_overdue(self, record):
        return record.days_overdue() or ""
