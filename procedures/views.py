"""Pages of the procedures app: catalogue, dossiers, statistics, dossier imports (thin views)."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max
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
from cchc_portal import background
from cchc_portal.charts import bar_chart
from cchc_portal.http import AuthedHttpRequest
from cchc_portal.permissions import get_visible_or_404, require, user_passes
from cchc_portal.tabular import csv_chunks
from cchc_portal.xlsx import XLSX_CONTENT_TYPE, xlsx_response
from procedures import exports
from procedures.choices import DossierImportStatus
from procedures.exports import stats_headers, stats_rows
from procedures.filters import DossierFilter, ProcedureFilter, StatsFilter
from procedures.forms import DossierUploadForm
from procedures.models import Dossier, DossierImport, Procedure
from procedures.selectors import dossier_stats, dossier_stats_total, procedure_online_levels
from procedures.services import (
    ImportAlreadyStarted,
    dossier_import_preview,
    dossier_import_progress,
    dossier_import_start,
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
        return context


# --- Dossier export (Tải Excel / Tải CSV of the list's filtered rows) ----------------------------

# Above this many rows the Excel file is written by a background job with a progress bar:
# openpyxl writes ~45,000 cells/s, so 20,000 rows × 12 cells ≈ 5 s inside a request.
EXPORT_DIRECT_MAX_ROWS = 20_000
EXPORT_KEEP_SECONDS = 24 * 3600
_JOB_PATTERN = re.compile(r"^(\d+)-[0-9a-f]{32}$")


def _exports_folder() -> Path:
    # Under MEDIA_ROOT, which no URL serves: the file leaves only through the download view.
    return Path(settings.MEDIA_ROOT) / "dossier-exports"


def _export_progress_key(job: str) -> str:
    return f"procedures:dossier-export:{job}:progress"


def _export_total_key(job: str) -> str:
    return f"procedures:dossier-export:{job}:total"


def _own_job(request: AuthedHttpRequest, job: str) -> tuple[Path, str]:
    """(folder, state) of one of the user's own export jobs, else 404. The job id starts with
    its owner's id; the files are the truth (`.xlsx` done, `.part` running, `.failed`), so any
    worker process can answer, the cache only carries the row counts."""
    match = _JOB_PATTERN.match(job)
    if match is None or int(match.group(1)) != request.user.pk:
        raise Http404
    folder = _exports_folder()
    for state in ("xlsx", "part", "failed"):
        if (folder / f"{job}.{state}").exists():
            return folder, state
    raise Http404


def _sweep_old_exports(folder: Path) -> None:
    """Exports hold personal data: keep them a day, then delete them."""
    cutoff = timezone.now().timestamp() - EXPORT_KEEP_SECONDS
    for path in folder.glob("*-*.*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _export_in_background(request: AuthedHttpRequest, dossiers, total: int) -> HttpResponse:
    folder = _exports_folder()
    folder.mkdir(parents=True, exist_ok=True)
    _sweep_old_exports(folder)
    job = f"{request.user.pk}-{uuid.uuid4().hex}"
    part = folder / f"{job}.part"
    part.touch()
    background.progress_set(_export_total_key(job), total)

    def work() -> None:
        try:
            with open(part, "wb") as fh:
                exports.dossier_export_xlsx(
                    dossiers,
                    fh,
                    progress=lambda done: background.progress_set(_export_progress_key(job), done),
                )
            part.rename(folder / f"{job}.xlsx")
        except Exception:
            part.rename(folder / f"{job}.failed")
            raise

    background.run_job(
        work,
        name=f"dossier-export-{job}",
        in_background=not getattr(settings, "PROCEDURES_EXPORT_INLINE", False),
    )
    return redirect("procedures:dossier_export_job", job=job)


def dossier_export(request: AuthedHttpRequest, fmt: str) -> HttpResponseBase:
    """The list's rows (same scoping and filters) as CSV, streamed, or Excel: downloaded at once
    up to EXPORT_DIRECT_MAX_ROWS rows, written by a background job above that."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    filterset = DossierFilter(
        request.GET or None,
        queryset=Dossier.objects.visible_to(request.user),
        user=request.user,
    )
    # As the list (FilterView, strict): a form that does not validate shows no rows.
    valid = not filterset.is_bound or filterset.is_valid()
    dossiers = filterset.qs if valid else Dossier.objects.none()
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_chunks(exports.dossier_export_headers(), exports.dossier_export_csv_rows(dossiers)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.dossier_export_filename("csv")}"'
        )
        return response
    total = dossiers.count()
    if total > EXPORT_DIRECT_MAX_ROWS:
        return _export_in_background(request, dossiers, total)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    exports.dossier_export_xlsx(dossiers, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=exports.dossier_export_filename("xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )


def _job_context(job: str, state: str) -> dict:
    total = background.progress_get(_export_total_key(job), 0)
    done = total if state == "xlsx" else background.progress_get(_export_progress_key(job), 0)
    return {"job": job, "state": state, "done": min(done, total), "total": total}


def dossier_export_job(request: AuthedHttpRequest, job: str) -> HttpResponse:
    """The page a long Excel export waits on: a progress bar, then the download link."""
    _folder, state = _own_job(request, job)
    return render(
        request,
        "procedures/dossier_export.html",
        {"title": _("Tải Excel danh sách hồ sơ"), **_job_context(job, state)},
    )


def dossier_export_progress(request: AuthedHttpRequest, job: str) -> HttpResponse:
    """The progress bar, polled by htmx every second while the job runs."""
    _folder, state = _own_job(request, job)
    response = render(request, "procedures/_export_progress.html", _job_context(job, state))
    if state != "part":
        response["HX-Refresh"] = "true"  # finished: reload so the download link shows
    return response


def dossier_export_download(request: AuthedHttpRequest, job: str) -> FileResponse:
    folder, state = _own_job(request, job)
    if state != "xlsx":
        raise Http404
    return FileResponse(
        open(folder / f"{job}.xlsx", "rb"),
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
    filterset.is_valid()  # fields that fail (a unit outside the scope) show their error
    data = getattr(filterset.form, "cleaned_data", {})
    today = timezone.localdate()
    # Without a period: the calendar year of the latest dossier the user sees (imports lag).
    year = today.year
    if not (data.get("start") and data.get("end")):
        latest = Dossier.objects.visible_to(user).aggregate(latest=Max("received_at"))["latest"]
        year = timezone.localtime(latest).year if latest else today.year
    start = data.get("start") or dt.date(year, 1, 1)
    end = data.get("end") or min(dt.date(year, 12, 31), today)
    if end < start:
        start, end = end, start
    selected = data.get("unit")
    roots: list[AdministrativeUnit] = [selected] if selected else _root_units(user)
    # One unit: its own desk, then each unit below it with everything under it.
    units = [roots[0], *roots[0].children.order_by("code")] if len(roots) == 1 else roots
    figures = dossier_stats(
        units=units,
        start=start,
        end=end,
        include_descendants=True,
        dossiers=filterset.qs if filterset.is_bound else Dossier.objects.visible_to(user),
    )
    lines = [(u.code, u.name, figures[u.pk]) for u in units]
    total = dossier_stats_total(figures.values())
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename=f"thong-ke-ho-so-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
            sheets=[(_("Thống kê hồ sơ"), stats_headers(), stats_rows(lines, total))],
            title_rows=[
                _("THỐNG KÊ TÌNH HÌNH GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH"),
                _("Kỳ báo cáo: %(start)s – %(end)s")
                % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"},
            ],
        )
    table_rows = [_table_record(name, s, False) for _code, name, s in lines]
    table_rows.append(_table_record(_("Tổng cộng"), total, True))
    table = StatsTable(table_rows)
    RequestConfig(request, paginate=False).configure(table)
    chart = bar_chart(
        title=_("Tỷ lệ giải quyết đúng hạn theo đơn vị (%)"),
        labels=[name for _code, name, _s in lines],
        series={
            _("Đúng hạn"): [
                None if s.on_time_rate is None else s.on_time_rate * 100 for _c, _n, s in lines
            ]
        },
        horizontal=True,
        max_value=100,
    )
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
            "xlsx_query": query.urlencode(),
        },
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
        upload = form.cleaned_data["file"]
        folder = Path(settings.MEDIA_ROOT) / "dossier-imports"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()[:5]}"
        with open(target, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        record = DossierImport.objects.create(
            created_by=request.user,
            unit=request.user.scope_unit,
            file_name=Path(upload.name).name[:255],
            stored_file=str(target),
        )
        dossier_import_preview(record=record)
        return redirect("procedures:import_detail", pk=record.pk)
    return render(
        request,
        "procedures/import_new.html",
        {"title": _("Tải lên tệp hồ sơ"), "form": form},
    )


@user_passes("is_provincial")
def import_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(DossierImport.objects.all(), request.user, pk=pk)
    return render(
        request,
        "procedures/import_detail.html",
        {
            "title": _("Nhập hồ sơ: %(name)s") % {"name": record.file_name},
            "record": record,
            "processed": dossier_import_progress(record),
            "Status": DossierImportStatus,
        },
    )


@require_POST
@user_passes("is_provincial")
def import_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(DossierImport.objects.all(), request.user, pk=pk)
    require(record.status == DossierImportStatus.PREVIEWED)
    try:
        dossier_import_start(
            record=record,
            in_background=not getattr(settings, "PROCEDURES_IMPORT_INLINE", False),
        )
    except ImportAlreadyStarted:
        raise PermissionDenied from None
    audit_record(
        action=Action.IMPORT, request=request, target=record.file_name, detail=f"#{record.pk}"
    )
    return redirect("procedures:import_detail", pk=record.pk)


@user_passes("is_provincial")
def import_progress(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx every second while the import runs."""
    record = get_visible_or_404(DossierImport.objects.all(), request.user, pk=pk)
    processed = dossier_import_progress(record)
    response = render(
        request,
        "procedures/_import_progress.html",
        {"record": record, "processed": processed, "Status": DossierImportStatus},
    )
    if record.status != DossierImportStatus.RUNNING:
        # Finished: reload the page so the counts and errors show.
        response["HX-Refresh"] = "true"
    return response
