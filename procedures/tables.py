import datetime as dt

import django_tables2 as tables
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cchc_portal.tables import PortalTable
from procedures.models import Dossier, DossierImport, Procedure
from procedures.rules import OVERDUE

ATTRS = {"class": "table table-sm table-hover align-middle"}


class ProcedureTable(PortalTable):
    code = tables.Column(verbose_name=_("Mã TTHC"), linkify=True)
    name = tables.Column(verbose_name=_("Tên thủ tục"), linkify=True)
    field = tables.Column(verbose_name=_("Lĩnh vực"), order_by=("field__name",))

    class Meta:
        model = Procedure
        fields = (
            "code",
            "name",
            "field",
            "level",
            "processing_days",
            "legacy_online_level",
            "online_service",
            "province",
            "active",
        )
        exclude = ("active",)
        attrs = ATTRS


class DossierTable(PortalTable):
    """The dossier list: the procedure by name (its code on hover), the appointed day in the
    province's time (its hour only when it is not midnight) and an overdue badge judged as the
    statistics judge (`Dossier.timeliness`, no query)."""

    code = tables.Column(verbose_name=_("Mã hồ sơ"), linkify=True)
    procedure = tables.Column(
        verbose_name=_("Thủ tục"), accessor="procedure__name", order_by=("procedure__name",)
    )
    unit = tables.Column(verbose_name=_("Đơn vị tiếp nhận"), order_by=("unit__name",))
    received_at = tables.DateTimeColumn(format="d/m/Y H:i")
    due_at = tables.Column()
    finished_at = tables.DateTimeColumn(format="d/m/Y H:i")

    def render_procedure(self, value, record):
        return format_html(
            '<span class="procedure-name" title="{}">{}</span>', record.procedure.code, value
        )

    def render_due_at(self, value):
        local = timezone.localtime(value)
        if local.time() == dt.time.min:
            return date_format(local, "d/m/Y")
        return date_format(local, "d/m/Y H:i")

    def render_status(self, value, record):
        if record.timeliness() == OVERDUE:
            return format_html(
                '{} <span class="badge text-bg-danger" data-badge="overdue">{}</span>',
                value,
                _("Quá hạn"),
            )
        return value

    class Meta:
        model = Dossier
        fields = (
            "code",
            "procedure",
            "unit",
            "channel",
            "received_at",
            "due_at",
            "finished_at",
            "status",
        )
        attrs = {**ATTRS, "class": ATTRS["class"] + " dossier-table"}


class DossierImportTable(PortalTable):
    file_name = tables.Column(verbose_name=_("Tệp"), linkify=True)
    created_at = tables.DateTimeColumn(format="d/m/Y H:i")

    class Meta:
        model = DossierImport
        fields = (
            "file_name",
            "created_at",
            "created_by",
            "status",
            "total_rows",
            "created_count",
            "updated_count",
            "rejected_count",
        )
        attrs = ATTRS


class StatsTable(PortalTable):
    """One row per unit plus the total; columns as provinces report them."""

    unit = tables.Column(verbose_name=_("Đơn vị"))
    carried_over = tables.Column(verbose_name=_("Kỳ trước chuyển sang"))
    received = tables.Column(verbose_name=_("Tiếp nhận"))
    received_online = tables.Column(verbose_name=_("Trực tuyến"))
    finished_early = tables.Column(verbose_name=_("Trước hạn"))
    finished_on_time = tables.Column(verbose_name=_("Đúng hạn"))
    finished_late = tables.Column(verbose_name=_("Quá hạn"))
    in_progress_on_time = tables.Column(verbose_name=_("Đang xử lý trong hạn"))
    in_progress_overdue = tables.Column(verbose_name=_("Đang xử lý quá hạn"))
    withdrawn = tables.Column(verbose_name=_("Rút hồ sơ"))
    not_accepted = tables.Column(verbose_name=_("Không tiếp nhận"))
    on_time_rate = tables.TemplateColumn(
        "{% load portal %}{{ value|percent }}", verbose_name=_("Tỷ lệ đúng hạn")
    )
    online_rate = tables.TemplateColumn(
        "{% load portal %}{{ value|percent }}", verbose_name=_("Tỷ lệ trực tuyến")
    )
    digitised_result_rate = tables.TemplateColumn(
        "{% load portal %}{{ value|percent }}", verbose_name=_("Số hóa kết quả")
    )
    paid_online_rate = tables.TemplateColumn(
        "{% load portal %}{{ value|percent }}", verbose_name=_("Thanh toán trực tuyến")
    )

    class Meta:
        orderable = False
        attrs = {**ATTRS, "class": ATTRS["class"] + " stats-table"}
        row_attrs = {"class": lambda record: "table-total fw-bold" if record["total"] else ""}

    RATES = ("on_time_rate", "online_rate", "digitised_result_rate", "paid_online_rate")

    def cells(self) -> tuple[list[str], list[tuple[bool, list[str]]]]:
        """Headers and rows (total?, cell texts) as the page shows them, for its plain
        template (`procedures/_stats_table.html`): django-tables2 spent ~0.4 ms per cell
        rendering this report (~100 ms for a province's 17 rows, most of the page), while
        the report has no sorting, paging nor links to render."""
        from cchc_portal.templatetags.portal import percent

        sep = get_format("THOUSAND_SEPARATOR")  # once, not per cell: grouping by 3 (vi, en)
        names = list(self.base_columns)
        headers = [str(self.base_columns[n].verbose_name) for n in names]
        rows = []
        for record in self.data.data:
            texts = [
                percent(record[n])
                if n in self.RATES
                else (record[n] if n == "unit" else f"{record[n]:,}".replace(",", sep))
                for n in names
            ]
            rows.append((bool(record["total"]), texts))
        return headers, rows
