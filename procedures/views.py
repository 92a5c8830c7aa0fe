"""Pages of the procedures app: catalogue, dossiers, statistics, dossier imports (thin views)."""

from __future__ import annotations

import datetime as dt
import tempfile

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import LazyPaginator, RequestConfig, SingleTableMixin

from audit.choices import Action
from audit.services import record as audit_record
from cchc_portal.charts import bar_chart
from cchc_portal.http import AuthedHttpRequest
from cchc_portal.permissions import get_visible_or_404, user_passes
from cchc_portal.tabular import csv_chunks
from cchc_portal.xlsx import MONTH_FORMAT, XLSX_CONTENT_TYPE, period_status, xlsx_response
from jobs import progress as live_progress
from jobs.choices import JobState
from procedures import exports
from procedures.choices import DossierImportStatus
from procedures.dashboard import default_stats_period, weakest_for_chart
from procedures.exports import stats_headers, stats_rows
from procedures.filters import DossierFilter, ProcedureFilter, StatsFilter
from procedures.forms import DossierUploadForm
from procedures.models import Dossier, DossierImport, Procedure
from procedures.selectors import (
    BY_CHILD,
    BY_LEVEL,
    dossier_stats,
    dossier_stats_breakdown,
    dossier_stats_total,
    list_total,
    procedure_online_levels,
)
from procedures.services import (
    ImportAlreadyStarted,
    dossier_import_retryable,
    dossier_import_start,
    dossier_import_upload,
)
from procedures.tables import DossierImportTable, DossierTable, ProcedureTable, StatsTable
from units.choices import Level
from units.models import AdministrativeUnit, User

ALL_TIME_START = dt.date(2000, 1, 1)


def _root_units(user: User) -> list[AdministrativeUnit]:
    """The units a user's figures start from: their scope unit, or every province (superuser)."""
    if user.scope_unit is not None:
        return [user.scope_unit]
    if user.is_superuser:
        return list(AdministrativeUnit.objects.filter(level=Level.PROVINCE))
    return []


class ProcedureListView(SingleTableMixin, FilterView):
    table_class = ProcedureTable
    filterset_class = ProcedureFilter
    template_name = "procedures/procedure_list.html"
    paginate_by = 50
    extra_context = {"title": gettext_lazy("Thủ tục hành chính")}

    def get_queryset(self):
        return Procedure.objects.visible_to(self.request.user).select_related("field", "province")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["online_levels"] = procedure_online_levels(procedures=self.object_list)
        return context


def procedure_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    procedure = get_visible_or_404(
        Procedure.objects.select_related("field", "province"), request.user, pk=pk
    )
    roots = _root_units(request.user)
    stats = dossier_stats(
        units=roots,
        start=ALL_TIME_START,
        end=timezone.localdate(),
        include_descendants=True,
        dossiers=Dossier.objects.visible_to(request.user).filter(procedure=procedure),
    )
    return render(
        request,
        "procedures/procedure_detail.html",
        {
            "title": str(procedure),
            "procedure": procedure,
            "stats": dossier_stats_total(stats.values()),
        },
    )


class DossierListView(SingleTableMixin, FilterView):
    """Dossiers the user may see; a lazy paginator, so millions of rows cost no COUNT(*)."""

    table_class = DossierTable
    filterset_class = DossierFilter
    template_name = "procedures/dossier_list.html"
    table_pagination = {"paginator_class": LazyPaginator, "per_page": 50}
    extra_context = {"title": gettext_lazy("Hồ sơ")}

    def get_queryset(self):
        return Dossier.objects.visible_to(self.request.user).for_list()

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        context["export_query"] = query.urlencode()
        filterset = context.get("filter")
        if filterset is not None and (not filterset.is_bound or filterset.is_valid()):
            context["total"] = list_total(filterset.qs)
        return context


# --- Dossier export (Tải Excel / Tải CSV of the list's filtered rows) ----------------------------

# Above this many rows the Excel file is written by a job of the queue (its page: /jobs/<id>/):
# openpyxl writes ~45,000 cells/s, so 20,000 rows × 12 cells ≈ 5 s inside a request.
EXPORT_DIRECT_MAX_ROWS = 20_000


def dossier_export(request: AuthedHttpRequest, fmt: str) -> HttpResponseBase:
    """The list's rows (same scoping and filters) as CSV, streamed, or Excel: downloaded at once
    up to EXPORT_DIRECT_MAX_ROWS rows, written by a job above that (the user waits on the job's
    page, which offers the download)."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    dossiers = exports.dossiers_of_list(user=request.user, query=request.GET)
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_chunks(exports.dossier_export_headers(), exports.dossier_export_csv_rows(dossiers)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.dossier_export_filename("csv")}"'
        )
        return response
    if dossiers.count() > EXPORT_DIRECT_MAX_ROWS:
        job = exports.dossier_export_start(by=request.user, query=request.GET.urlencode())
        return redirect(job)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    exports.dossier_export_xlsx(dossiers, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=exports.dossier_export_filename("xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )


def dossier_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    dossier = get_visible_or_404(
        Dossier.objects.select_related("procedure__field", "unit"), request.user, pk=pk
    )
    return render(
        request,
        "procedures/dossier_detail.html",
        {"title": dossier.code, "dossier": dossier, "timeliness": dossier.timeliness()},
    )


def stats(request: AuthedHttpRequest) -> HttpResponseBase:
    """Dossier statistics per unit for a period, with a total row, a chart and an Excel file."""
    user = request.user
    filterset = StatsFilter(
        request.GET or None, queryset=Dossier.objects.visible_to(user), user=user
    )
    valid = filterset.is_valid()  # fields that fail (a unit outside the scope) show their error
    data = getattr(filterset.form, "cleaned_data", {})
    start, end = data.get("start"), data.get("end")
    if not (start and end):
        default_start, default_end = default_stats_period(user, timezone.localdate())
        start, end = start or default_start, end or default_end
    if end < start:
        start, end = end, start
    selected = data.get("unit")
    roots: list[AdministrativeUnit] = [selected] if selected else _root_units(user)
    # Narrowed by procedure field, level or channel: counted from the dossiers; otherwise the
    # selector sums the day figures (the unit and the period are not dossier filters).
    # A form with errors keeps counting through the filter set (which then counts nothing).
    narrowed = bool(filterset.errors) or any(data.get(n) for n in ("field", "level", "channel"))
    counted = filterset.qs if narrowed else None
    if len(roots) == 1:
        # One unit: its own desk, then each unit (or each level) below it.
        breakdown = dossier_stats_breakdown(
            unit=roots[0],
            by=data.get("by") or BY_CHILD,
            start=start,
            end=end,
            dossiers=counted,
            visible_to=user,
        )
        lines = [(line.code, line.name, line.stats) for line in breakdown]
    else:
        figures = dossier_stats(
            units=roots,
            start=start,
            end=end,
            include_descendants=True,
            dossiers=counted,
            visible_to=user,
        )
        lines = [(u.code, u.name, figures[u.pk]) for u in roots]
    total = dossier_stats_total(s for _c, _n, s in lines)
    refused = filterset.is_bound and not valid
    # A refused field shows its error on the page (400); a file would silently use the default.
    if request.GET.get("format") == "xlsx" and not refused:
        return xlsx_response(
            filename=f"thong-ke-ho-so-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
            sheets=[(_("Thống kê hồ sơ"), stats_headers(), stats_rows(lines, total))],
            title_rows=[
                _("THỐNG KÊ TÌNH HÌNH GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH"),
                _("Kỳ báo cáo: %(start)s – %(end)s")
                % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"},
            ],
            status=period_status(end),
        )
    # Units without a single dossier in the period are folded under the table, not 15 rows of 0.
    shown = [line for line in lines if not line[2].is_empty]
    empty = [name for _code, name, s in lines if s.is_empty]
    table_rows = [_table_record(name, s, False) for _code, name, s in shown]
    table_rows.append(_table_record(_("Tổng cộng"), total, True))
    table = StatsTable(table_rows)
    RequestConfig(request, paginate=False).configure(table)
    drawn = weakest_for_chart([(name, s) for _code, name, s in shown])
    bars = drawn[::-1]  # pygal draws the first bar at the bottom
    chart = bar_chart(
        title=_("Tỷ lệ giải quyết đúng hạn theo đơn vị (%)"),
        labels=[name for name, _s in bars],
        series={
            _("Đúng hạn"): [
                None if s.on_time_rate is None else s.on_time_rate * 100 for _n, s in bars
            ]
        },
        horizontal=True,
        max_value=100,
        value_suffix=" %",
    )
    chart.rows = [
        [name, None if s.on_time_rate is None else s.on_time_rate * 100] for _c, name, s in shown
    ]
    if len(drawn) < len(shown):
        chart.note = _(
            "Biểu đồ: %(n)s đơn vị có tỷ lệ đúng hạn thấp nhất; đủ %(all)s đơn vị trong số "
            "liệu của biểu đồ."
        ) % {"n": len(drawn), "all": len(shown)}
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(
        request,
        "procedures/stats.html",
        {
            "title": _("Thống kê hồ sơ"),
            "filter": filterset,
            "table": table,
            "chart": chart,
            "start": start,
            "end": end,
            "by_level": data.get("by") == BY_LEVEL,
            "xlsx_query": query.urlencode(),
            "empty_units": empty,
        },
        status=400 if refused else 200,
    )


def _table_record(name: str, s, is_total: bool) -> dict:
    return {
        "unit": name,
        "total": is_total,
        "carried_over": s.carried_over,
        "received": s.received,
        "received_online": s.received_online,
        "finished_early": s.finished_early,
        "finished_on_time": s.finished_on_time,
        "finished_late": s.finished_late,
        "in_progress_on_time": s.in_progress_on_time,
        "in_progress_overdue": s.in_progress_overdue,
        "withdrawn": s.withdrawn,
        "not_accepted": s.not_accepted,
        "on_time_rate": s.on_time_rate,
        "online_rate": s.online_rate,
        "digitised_result_rate": s.digitised_result_rate,
        "paid_online_rate": s.paid_online_rate,
    }


# --- Imports (provincial admins and inspectors) -----------------------------------------------


@user_passes("is_provincial")
def import_list(request: AuthedHttpRequest) -> HttpResponse:
    table = DossierImportTable(
        DossierImport.objects.visible_to(request.user).select_related("created_by")
    )
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "procedures/import_list.html",
        {"title": _("Nhập hồ sơ từ hệ thống một cửa"), "table": table},
    )


@user_passes("is_provincial")
def import_new(request: AuthedHttpRequest) -> HttpResponse:
    form = DossierUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = dossier_import_upload(upload=form.cleaned_data["file"], by=request.user)
        return redirect(record)
    return render(
        request,
        "procedures/import_new.html",
        {"title": _("Tải lên tệp hồ sơ"), "form": form},
    )


def _import_context(record: DossierImport) -> dict:
    """The record and its current job as it is now (a silent worker shows as interrupted at
    once, as on the job's own page)."""
    job = live_progress.live(record.job) if record.job is not None else None
    if job is not None and job.is_silent():
        job.state = JobState.INTERRUPTED
    stopped = job is not None and job.state in (JobState.INTERRUPTED, JobState.FAILED)
    return {
        "record": record,
        "job": job,
        "Status": DossierImportStatus,
        "JobState": JobState,
        "working": job is not None and job.is_active,
        "can_retry": job is not None and stopped and dossier_import_retryable(job),
    }


@user_passes("is_provincial")
def import_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(DossierImport.objects.select_related("job"), request.user, pk=pk)
    return render(
        request,
        "procedures/import_detail.html",
        {
            "title": _("Nhập hồ sơ: %(name)s") % {"name": record.file_name},
            **_import_context(record),
        },
    )


@require_POST
@user_passes("is_provincial")
def import_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Confirm a previewed upload, or run an interrupted check or import again."""
    record = get_visible_or_404(DossierImport.objects.all(), request.user, pk=pk)
    try:
        dossier_import_start(record=record, by=request.user)
    except ImportAlreadyStarted:
        raise PermissionDenied from None
    audit_record(
        action=Action.IMPORT, request=request, target=record.file_name, detail=f"#{record.pk}"
    )
    return redirect(record)


@user_passes("is_provincial")
def import_progress(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx every second while the check or the import runs."""
    record = get_visible_or_404(DossierImport.objects.select_related("job"), request.user, pk=pk)
    context = _import_context(record)
    response = render(request, "procedures/_import_progress.html", context)
    if not context["working"]:
        # Finished (or stopped): reload the page so the counts, errors or retry button show.
        response["HX-Refresh"] = "true"
    return response


# --- The Decision 766/QĐ-TTg service index (procedures/service_selectors.py) -----------------


def service_index(request: AuthedHttpRequest) -> HttpResponseBase:
    """One unit's service index by month and by group for a year, the chart over the months,
    one month's indicators, and the Excel file of both tables."""
    from cchc_portal.charts import line_chart
    from procedures import service_exports
    from procedures.choices import ServiceGroup
    from procedures.dashboard import latest_dossier_day
    from procedures.forms import ServiceIndexForm
    from procedures.service_index import GROUP_MAXIMA
    from procedures.service_selectors import service_index_report

    user = request.user
    form = ServiceIndexForm(request.GET or None, user=user)
    form.is_valid()  # a unit outside the scope shows its error; the rest of the form holds
    data = getattr(form, "cleaned_data", {})
    roots = _root_units(user)
    unit = data.get("unit") or (roots[0] if roots else None)
    if unit is None:
        raise PermissionDenied
    today = timezone.localdate()
    latest = latest_dossier_day(user)
    year = data.get("year") or (latest or today).year
    first = dt.date(year, 1, 1)
    last = max(first, min(dt.date(year, 12, 31), today))
    report = service_index_report(unit=unit, first=first, last=last)
    chosen = data.get("month")
    detail = report.month(dt.date(year, chosen, 1)) if chosen else None
    if detail is None and report.months:
        detail = report.months[-1]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename=f"chi-so-766-{unit.code}-{year}.xlsx",
            sheets=[
                (
                    _("Theo tháng"),
                    service_exports.month_headers(),
                    service_exports.month_rows(report, as_dates=True),
                    {0: MONTH_FORMAT},
                ),
                (
                    _("Theo chỉ số"),
                    [_("Tháng"), *service_exports.indicator_headers()],
                    service_exports.indicator_rows_by_month(report),
                    {0: MONTH_FORMAT},
                ),
            ],
            title_rows=[
                _("CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (QUYẾT ĐỊNH 766/QĐ-TTg)"),
                f"{unit.name}: {year}",
            ],
            status=period_status(dt.date(year, 12, 31), today=today),
        )
    labels = [f"{m.month:%m/%Y}" for m in report.months]
    groups = dict(ServiceGroup.choices)
    total_chart = line_chart(
        title=_("Chỉ số phục vụ theo tháng, %(unit)s") % {"unit": unit.name},
        labels=labels,
        series={_("Tổng điểm"): [m.score.total for m in report.months]},
        max_value=100,
    )
    group_chart = line_chart(
        title=_("Điểm theo nhóm chỉ số"),
        labels=labels,
        series={
            str(groups[value]): [
                next(g.points for g in m.score.groups if g.group == value) for m in report.months
            ]
            for value in GROUP_MAXIMA
        },
        max_value=float(max(GROUP_MAXIMA.values())),
    )
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(
        request,
        "procedures/service_index.html",
        {
            "title": _("Chỉ số phục vụ người dân, doanh nghiệp (766)"),
            "form": form,
            "unit": unit,
            "year": year,
            "report": report,
            "month_headers": service_exports.month_headers(),
            "month_rows": list(service_exports.month_rows(report)),
            "detail": detail,
            "detail_headers": service_exports.indicator_headers(),
            "detail_rows": list(service_exports.indicator_rows(report, detail)) if detail else [],
            "inconsistent": [
                g for g in (detail.score.groups if detail else []) if not g.consistent
            ],
            "total_chart": total_chart,
            "group_chart": group_chart,
            "xlsx_query": query.urlencode(),
        },
    )
