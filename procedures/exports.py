"""Rows for CSV and Excel: the dossier statistics and the dossier list (one definition of the
columns each), and the list's big Excel file as a job of the queue."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc_portal.xlsx import WORKING_DATA, write_xlsx
from jobs.kinds import JobFailed, kind_of
from jobs.models import Job
from jobs.progress import Progress
from jobs.services import job_start, results_folder
from procedures.choices import Channel, DossierStatus
from procedures.filters import DossierFilter
from procedures.models import Dossier
from procedures.selectors import DossierStats
from units.models import User


def stats_headers() -> list[str]:
    return [
        _("Mã đơn vị"),
        _("Đơn vị"),
        _("Kỳ trước chuyển sang"),
        _("Tiếp nhận"),
        _("Trực tiếp"),
        _("Trực tuyến"),
        _("Bưu chính"),
        _("Giải quyết trước hạn"),
        _("Đúng hạn"),
        _("Quá hạn"),
        _("Đang giải quyết trong hạn"),
        _("Đang giải quyết quá hạn"),
        _("Đã trả kết quả"),
        _("Yêu cầu bổ sung"),
        _("Rút hồ sơ"),
        _("Không tiếp nhận"),
        _("Tỷ lệ đúng hạn (%)"),
        _("Tỷ lệ trực tuyến (%)"),
        _("Tỷ lệ số hóa hồ sơ (%)"),
        _("Tỷ lệ số hóa kết quả (%)"),
        _("Tỷ lệ thanh toán trực tuyến (%)"),
    ]


def _pct(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else (rate * 100).quantize(Decimal("0.01"))


def stats_row(code: str, name: str, s: DossierStats) -> list[Any]:
    return [
        code,
        name,
        s.carried_over,
        s.received,
        s.received_in_person,
        s.received_online,
        s.received_postal,
        s.finished_early,
        s.finished_on_time,
        s.finished_late,
        s.in_progress_on_time,
        s.in_progress_overdue,
        s.returned,
        s.supplement_requested,
        s.withdrawn,
        s.not_accepted,
        _pct(s.on_time_rate),
        _pct(s.online_rate),
        _pct(s.digitised_dossier_rate),
        _pct(s.digitised_result_rate),
        _pct(s.paid_online_rate),
    ]


def stats_rows(
    lines: Iterable[tuple[str, str, DossierStats]], total: DossierStats | None
) -> Iterator[list[Any]]:
    for code, name, s in lines:
        yield stats_row(code, name, s)
    if total is not None:
        yield stats_row("", _("Tổng cộng"), total)


# --- The dossier list (Tải Excel / Tải CSV of the filtered rows) ------------------------------

EXPORT_FIELDS = (
    "code",
    "procedure__code",
    "unit__name",
    "channel",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "status",
    "digitised_dossier",
    "digitised_result",
    "paid_online",
)
EXPORT_CHUNK = 2000  # rows per fetch from the server-side cursor, and per progress report
DATE_COLUMNS = (4, 5, 6, 7)


def dossier_export_headers() -> list[str]:
    return [
        _("Mã hồ sơ"),
        _("Mã TTHC"),
        _("Đơn vị tiếp nhận"),
        _("Kênh"),
        _("Ngày tiếp nhận"),
        _("Ngày hẹn trả"),
        _("Ngày kết thúc xử lý"),
        _("Ngày trả kết quả"),
        _("Trạng thái"),
        _("Số hóa hồ sơ"),
        _("Số hóa kết quả"),
        _("Thanh toán trực tuyến"),
    ]


def dossier_export_rows(
    dossiers: QuerySet, *, progress: Callable[[int], None] | None = None
) -> Iterator[list[Any]]:
    """The rows of `dossiers` (already scoped and filtered), newest first, in one query read
    through a server-side cursor: memory stays flat whatever the row count. Dates are local
    time; `progress(rows done)` is called every EXPORT_CHUNK rows."""
    channels = {value: str(label) for value, label in Channel.choices}
    statuses = {value: str(label) for value, label in DossierStatus.choices}
    yes = _("Có")
    tz = timezone.get_default_timezone()
    rows = (
        dossiers.order_by("-received_at", "-pk")
        .values_list(*EXPORT_FIELDS)
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    for done, values in enumerate(rows, start=1):
        row = list(values)
        row[3] = channels.get(row[3], row[3])
        for i in DATE_COLUMNS:
            if row[i] is not None:
                row[i] = row[i].astimezone(tz).replace(tzinfo=None)
        row[8] = statuses.get(row[8], row[8])
        for i in (9, 10, 11):
            row[i] = yes if row[i] else ""
        yield row
        if progress is not None and done % EXPORT_CHUNK == 0:
            progress(done)


def dossier_export_csv_rows(dossiers: QuerySet) -> Iterator[list[Any]]:
    """The same rows with dates as dd/mm/yyyy hh:mm:ss text (what the import reads back)."""
    for row in dossier_export_rows(dossiers):
        for i in DATE_COLUMNS:
            if row[i] is not None:
                row[i] = row[i].strftime("%d/%m/%Y %H:%M:%S")
        yield row


def dossier_export_xlsx(
    dossiers: QuerySet, stream: IO[bytes] | str, *, progress: Callable[[int], None] | None = None
) -> None:
    """Write the dossier rows as one worksheet (openpyxl write_only through the shared writer)."""
    write_xlsx(
        stream,
        sheets=[
            (_("Hồ sơ"), dossier_export_headers(), dossier_export_rows(dossiers, progress=progress))
        ],
        title_rows=[_("Danh sách hồ sơ thủ tục hành chính")],
        status=WORKING_DATA,
    )


def dossier_export_filename(ext: str) -> str:
    return f"ho-so-{timezone.localdate():%Y%m%d}.{ext}"


# --- The list's Excel file as a job (above the rows a request may write) -----------------------

KIND_EXPORT = "procedures.dossier_export"
# Result files are named for what wrote them; a killed job leaves its `.part` behind.
EXPORT_FILE_PREFIX = "dossier-export-"
ERR_OWNER_GONE = gettext_lazy("Người yêu cầu không còn hoạt động; tệp không được tạo.")
PHASE_EXPORT = gettext_lazy("Tạo tệp Excel")


def dossiers_of_list(*, user: User, query: QueryDict) -> QuerySet[Dossier]:
    """The rows the dossier list shows `user` for its query string (same scoping, same filters,
    strict like FilterView: a form that does not validate shows no rows)."""
    filterset = DossierFilter(query or None, queryset=Dossier.objects.visible_to(user), user=user)
    valid = not filterset.is_bound or filterset.is_valid()
    return filterset.qs if valid else Dossier.objects.none()


def dossier_export_start(*, by: User, query: str) -> Job:
    """Put the Excel file of the list's rows (`query`: the list's query string) on the queue."""
    return job_start(kind=kind_of(KIND_EXPORT), owner=by, params={"query": query})


def dossier_export_run(job: Job, progress: Progress) -> dict[str, Any]:
    """The export job: the owner's list, rebuilt from the query string with the owner's scope as
    it is now, written to a file under the jobs' results folder (no URL serves it: it leaves
    through the job's download, for its owner alone; jobs' sweep deletes it after a day)."""
    owner = job.owner
    if owner is None or not owner.is_active:
        raise JobFailed(str(ERR_OWNER_GONE))
    dossiers = dossiers_of_list(user=owner, query=QueryDict(job.params.get("query", "")))
    total = dossiers.count()
    progress.phase(str(PHASE_EXPORT), total)
    folder = results_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{EXPORT_FILE_PREFIX}{job.pk}-{uuid.uuid4().hex}.xlsx"
    part = target.with_suffix(".part")
    try:
        with open(part, "wb") as fh:
            dossier_export_xlsx(dossiers, fh, progress=progress)
        part.rename(target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    job.result_file, job.result_name = str(target), dossier_export_filename("xlsx")
    progress(total)
    return {"rows": total}


def dossier_exports_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Half-written files of export jobs whose worker was killed (a finished export's file is
    swept by jobs' own sweep), once they are older than any running export could be."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.JOBS_RESULT_KEEP_HOURS)
    parts = 0
    for path in results_folder().glob(f"{EXPORT_FILE_PREFIX}*.part"):
        if path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
            parts += 1
    return {"parts": parts}
