from __future__ import annotations

from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from audit.choices import Action
from audit.filters import AuditEventFilter
from audit.models import AuditEvent
from audit.tables import AuditEventTable
from cchc_portal.permissions import user_passes
from cchc_portal.xlsx import INTERNAL_EXTRACT, xlsx_response

EXPORT_COLUMNS = ("at", "actor_name", "action", "target", "detail", "unit", "ip_address")


@method_decorator(user_passes("is_provincial_admin"), name="dispatch")
class AuditEventListView(SingleTableMixin, FilterView):
    """The audit trail of the admin's province, newest first; `?format=xlsx` downloads the
    filtered lines (the download itself becomes a line: audit/middleware.py)."""

    table_class = AuditEventTable
    filterset_class = AuditEventFilter
    template_name = "audit/event_list.html"
    paginate_by = 50
    extra_context = {"title": _("Nhật ký hệ thống")}

    def get_queryset(self):
        return AuditEvent.objects.visible_to(self.request.user).select_related("unit")

    def render_to_response(self, context, **kwargs) -> HttpResponseBase:
        if self.request.GET.get("format") != "xlsx":
            return super().render_to_response(context, **kwargs)
        table = AuditEventTable(AuditEvent.objects.none())
        headers = [str(table.columns[c].header) for c in EXPORT_COLUMNS]
        labels = dict(Action.choices)
        lines = self.object_list.order_by("-at", "-pk").values_list(
            "at", "actor_name", "action", "target", "detail", "unit__name", "ip_address"
        )
        rows = (
            [
                timezone.localtime(at).replace(tzinfo=None),
                actor,
                str(labels.get(action, action)),
                target,
                detail,
                unit or "",
                ip or "",
            ]
            for at, actor, action, target, detail, unit, ip in lines.iterator(chunk_size=2000)
        )
        return xlsx_response(
            filename=f"nhat-ky-{timezone.localdate():%Y%m%d}.xlsx",
            sheets=[(gettext("Nhật ký"), headers, rows)],
            title_rows=[gettext("Nhật ký hệ thống")],
            status=INTERNAL_EXTRACT,
        )
