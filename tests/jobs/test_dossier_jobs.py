"""The procedures app's jobs: an upload's check, the confirmed import and the dossier list's big
Excel export, through the queue.

Most tests put the tasks on the database queue (`DB_BACKEND`) and play the worker themselves
with `job_run(job_id, attempt)`, so each step between "queued" and "done" can be looked at; the
others run them through the tests' immediate backend, as every page test does. A real worker
killed in the middle of an import: tests/ops/test_worker_kill.py.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from jobs import schedule
from jobs.choices import JobState
from jobs.models import Job
from jobs.progress import Progress
from jobs.services import ERR_INTERRUPTED, job_run, jobs_mark_interrupted
from procedures import services, views
from procedures.choices import DossierImportStatus
from procedures.models import Dossier, DossierImport
from procedures.services import (
    ERR_BAD_DATE,
    ERR_UNKNOWN_CHANNEL,
    PHASE_CHECK,
    PHASE_WRITE,
    dossier_uploads_sweep,
)
from tests.documents.readers import from_header
from tests.procedures.factories import DossierFactory, ProcedureFactory
from tests.procedures.test_services import GOOD, write_csv

pytestmark = pytest.mark.django_db

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
on_the_queue = override_settings(TASKS=DB_BACKEND)
SECOND = {**GOOD, "ma_ho_so": "HS-0002", "ma_don_vi": "648"}


@pytest.fixture
def catalogue(personas):
    ProcedureFactory(code="1.000894")
    return personas


@pytest.fixture
def phases(monkeypatch):
    """Every (phase, total) a job reported, in order."""
    seen: list[tuple[str, int]] = []
    original = Progress.phase

    def spy(self, label, total=0):
        seen.append((str(label), total))
        original(self, label, total)

    monkeypatch.setattr(Progress, "phase", spy)
    return seen


def upload(client, path: Path, name: str = "export.csv"):
    file = SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")
    return client.post(reverse("procedures:import_new"), {"file": file})


def page(client, record) -> str:
    return client.get(reverse("procedures:import_detail", args=[record.pk])).content.decode()


def silence(job: Job, minutes: int = 10) -> None:
    """The worker running `job` died `minutes` ago: its row says running, nothing beats."""
    long_ago = timezone.now() - dt.timedelta(minutes=minutes)
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING,
        attempts=job.attempts + 1,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )


@on_the_queue
def test_upload_check_confirm_import_through_the_queue(catalogue, client_for, tmp_path, phases):
    p = catalogue
    client = client_for(p.inspector)
    response = upload(client, write_csv(tmp_path, [GOOD, SECOND]))
    record = DossierImport.objects.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    # The upload request only queued the check: nothing read yet.
    check = record.job
    assert (record.status, check.kind, check.state) == (
        DossierImportStatus.PENDING,
        "procedures.dossier_import_preview",
        JobState.QUEUED,
    )
    assert DBTaskResult.objects.get(id=check.task_id).args_kwargs["args"] == [check.pk, 0]
    html = page(client, record)
    assert "Đang chờ" in html and f"procedures/imports/{record.pk}/progress/" in html
    assert "Xác nhận nhập" not in html

    assert job_run(check.pk, 0) == JobState.DONE  # the worker takes it
    record.refresh_from_db()
    check.refresh_from_db()
    assert record.status == DossierImportStatus.PREVIEWED
    assert (record.total_rows, record.created_count, record.updated_count) == (2, 2, 0)
    assert (check.phase, check.done, check.result["created"]) == (str(PHASE_CHECK), 2, 2)
    assert Path(record.stored_file).exists()  # kept for the import
    assert not Dossier.objects.exists()  # a check writes nothing
    assert "Xác nhận nhập" in page(client, record)

    assert client.post(reverse("procedures:import_confirm", args=[record.pk])).status_code == 302
    record.refresh_from_db()
    run = record.job
    assert (record.status, run.kind, run.state, run.owner) == (
        DossierImportStatus.RUNNING,
        "procedures.dossier_import",
        JobState.QUEUED,
        p.inspector,
    )
    # Confirmed twice (another tab): refused, the queued import goes on alone.
    assert client.post(reverse("procedures:import_confirm", args=[record.pk])).status_code == 403
    assert Job.objects.filter(kind="procedures.dossier_import").count() == 1

    assert job_run(run.pk, 0) == JobState.DONE
    record.refresh_from_db()
    run.refresh_from_db()
    assert record.status == DossierImportStatus.DONE and record.finished_at
    assert (run.phase, run.done, run.total) == (str(PHASE_WRITE), 2, 2)
    assert set(Dossier.objects.values_list("code", flat=True)) == {"HS-0001", "HS-0002"}
    assert not Path(record.stored_file).exists()  # personal data: gone once imported
    if connection.vendor == "postgresql":  # the whole file is checked, then written at once
        assert phases == [(str(PHASE_CHECK), 0), (str(PHASE_CHECK), 2), (str(PHASE_WRITE), 2)]
    else:  # row by row: each batch written as soon as it is checked
        assert phases == [(str(PHASE_CHECK), 0), (str(PHASE_WRITE), 2)]
    html = page(client, record)
    assert "Hoàn tất" in html and '<td class="created">2</td>' in html


@on_the_queue
def test_the_page_shows_the_running_jobs_live_progress(catalogue, client_for, tmp_path):
    """While the import's transaction hides everything, the page reads the jobs cache."""
    client = client_for(catalogue.admin)
    upload(client, write_csv(tmp_path, [GOOD, SECOND]))
    record = DossierImport.objects.get()
    job_run(record.job_id, 0)
    client.post(reverse("procedures:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    job = record.job
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempts=1)
    job.refresh_from_db()
    report = Progress(job)
    report.phase(str(PHASE_WRITE), 200_000)
    report(12_000)
    poll = client.get(reverse("procedures:import_progress", args=[record.pk]))
    body = poll.content.decode()
    assert "HX-Refresh" not in poll and 'hx-trigger="every 1s"' in body
    assert 'value="12000"' in body and 'max="200000"' in body
    assert "12.000 / 200.000 dòng" in body and str(PHASE_WRITE) in body


def test_refused_file_lists_errors_by_row_and_column_and_is_deleted(
    catalogue, client_for, tmp_path
):
    client = client_for(catalogue.admin)
    bad = [GOOD, {**SECOND, "kenh": "Fax"}, {**GOOD, "ma_ho_so": "3", "ngay_tiep_nhan": "hôm qua"}]
    upload(client, write_csv(tmp_path, bad))
    record = DossierImport.objects.get()
    assert record.status == DossierImportStatus.REJECTED
    assert record.errors == [
        {"row": 3, "column": "kenh", "reason": ERR_UNKNOWN_CHANNEL.format(value="Fax")},
        {"row": 4, "column": "ngay_tiep_nhan", "reason": ERR_BAD_DATE.format(value="hôm qua")},
    ]
    # The check did its work: the job is done, its summary says refused.
    assert (record.job.state, record.job.result["status"]) == (JobState.DONE, "rejected")
    assert not Path(record.stored_file).exists()
    html = page(client, record)
    assert "2 lỗi — tệp bị từ chối" in html and "Fax" in html and "Chạy lại" not in html
    assert client.post(reverse("procedures:import_confirm", args=[record.pk])).status_code == 403


@on_the_queue
def test_an_interrupted_import_wrote_nothing_and_its_retry_imports_everything(
    catalogue, client_for, tmp_path
):
    client = client_for(catalogue.inspector)
    upload(client, write_csv(tmp_path, [GOOD, SECOND]))
    record = DossierImport.objects.get()
    job_run(record.job_id, 0)
    client.post(reverse("procedures:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    job = record.job
    silence(job)  # a worker took it and was killed inside the import's transaction

    html = page(client, record)
    assert "Bị gián đoạn" in html and "Chạy lại từ đầu" in html
    assert "Xác nhận nhập" not in html
    # The poll stops and reloads the page, which shows the retry button.
    poll = client.get(reverse("procedures:import_progress", args=[record.pk]))
    assert poll["HX-Refresh"] == "true"
    assert jobs_mark_interrupted() == 1
    job.refresh_from_db()
    assert (job.state, job.error) == (JobState.INTERRUPTED, str(ERR_INTERRUPTED))
    assert not Dossier.objects.exists()
    record.refresh_from_db()
    assert record.status == DossierImportStatus.RUNNING
    assert Path(record.stored_file).exists()  # the retry needs it

    # The uploader's colleague may run it again: confirm no longer answers 403.
    other = client_for(catalogue.admin)
    assert other.post(reverse("procedures:import_confirm", args=[record.pk])).status_code == 302
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (JobState.QUEUED, 1, "")
    assert job_run(job.pk, 1) == JobState.DONE
    record.refresh_from_db()
    assert record.status == DossierImportStatus.DONE
    assert (record.created_count, record.updated_count) == (2, 0)
    assert Dossier.objects.count() == 2
    assert not Path(record.stored_file).exists()


@on_the_queue
def test_an_interrupted_check_is_retried_from_the_import_page(catalogue, client_for, tmp_path):
    client = client_for(catalogue.admin)
    upload(client, write_csv(tmp_path, [GOOD]))
    record = DossierImport.objects.get()
    silence(record.job)
    assert "Chạy lại từ đầu" in page(client, record)
    assert client.post(reverse("procedures:import_confirm", args=[record.pk])).status_code == 302
    assert job_run(record.job_id, 1) == JobState.DONE
    record.refresh_from_db()
    assert record.status == DossierImportStatus.PREVIEWED


@on_the_queue
def test_a_running_import_is_not_started_twice(catalogue, client_for, tmp_path):
    client = client_for(catalogue.admin)
    upload(client, write_csv(tmp_path, [GOOD]))
    record = DossierImport.objects.get()
    job_run(record.job_id, 0)
    client.post(reverse("procedures:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    silence(record.job, minutes=0)  # running, and its heartbeat is fresh
    assert client.post(reverse("procedures:import_confirm", args=[record.pk])).status_code == 403
    assert "Chạy lại" not in page(client, record)


def test_a_failed_import_keeps_the_reason_and_deletes_the_upload(
    catalogue, client_for, tmp_path, monkeypatch
):
    client = client_for(catalogue.admin)
    upload(client, write_csv(tmp_path, [GOOD]))
    record = DossierImport.objects.get()

    def broken(**kwargs):
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr(services, "dossiers_import_file", broken)
    client.post(reverse("procedures:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == DossierImportStatus.FAILED
    assert record.errors == [{"row": None, "column": "", "reason": "ổ đĩa đầy"}]
    assert record.job.state == JobState.FAILED
    assert not Path(record.stored_file).exists()
    assert "Chạy lại" not in page(client, record)  # nothing left to run again


def test_the_upload_sweep_expires_a_week_old_upload_and_keeps_an_interrupted_one(
    catalogue, client_for, tmp_path
):
    client = client_for(catalogue.admin)
    for name in ("old.csv", "fresh.csv", "cut.csv"):
        upload(client, write_csv(tmp_path, [GOOD]), name=name)
    old, fresh, cut = (
        DossierImport.objects.get(file_name=n) for n in ("old.csv", "fresh.csv", "cut.csv")
    )
    eight_days_ago = timezone.now() - dt.timedelta(days=8)
    DossierImport.objects.filter(pk__in=[old.pk, cut.pk]).update(created_at=eight_days_ago)
    DossierImport.objects.filter(pk=cut.pk).update(status=DossierImportStatus.RUNNING)
    folder = services.uploads_folder()
    orphan = folder / "never-recorded.csv"
    orphan.write_text("ma_ho_so\n")
    for path in (old.stored_file, cut.stored_file, orphan):
        os.utime(path, (eight_days_ago.timestamp(), eight_days_ago.timestamp()))

    assert dossier_uploads_sweep() == {"expired": 1, "files": 1}
    old.refresh_from_db()
    assert old.status == DossierImportStatus.EXPIRED
    assert not Path(old.stored_file).exists() and not orphan.exists()
    assert Path(fresh.stored_file).exists()  # six days and 23 hours left
    assert Path(cut.stored_file).exists()  # an interrupted import's retry needs it
    html = page(client, old)
    assert "Quá hạn xác nhận" in html and "Xác nhận nhập" not in html
    assert client.post(reverse("procedures:import_confirm", args=[old.pk])).status_code == 403


def test_the_sweep_runs_daily_on_the_workers(db):
    entry = schedule.SCHEDULE["procedures.uploads_sweep"]
    assert entry.daily_at == dt.time(2, 30)
    at_night = timezone.make_aware(dt.datetime(2026, 12, 1, 2, 29))
    assert entry.slot(at_night) is None
    assert entry.slot(at_night + dt.timedelta(minutes=1)) == "2026-12-01"


# --- The dossier list's Excel file above EXPORT_DIRECT_MAX_ROWS ----------------------------------


@pytest.fixture
def dossiers(personas, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_DIRECT_MAX_ROWS", 2)
    DossierFactory(unit=personas.cumgar, code="CUMGAR-1")
    DossierFactory(unit=personas.eakpam, code="EAKPAM-1")
    DossierFactory(unit=personas.eakpam, code="EAKPAM-2")
    DossierFactory(unit=personas.namnhun, code="NAMNHUN-1")
    return personas


def export(client, **query):
    response = client.get(reverse("procedures:dossier_export", args=["xlsx"]), query)
    assert response.status_code == 302, response
    return Job.objects.get(pk=response["Location"].strip("/").split("/")[-1])


def test_the_export_job_downloads_the_owners_rows_only_to_the_owner(dossiers, client_for):
    client = client_for(dossiers.cumgar_staff)
    job = export(client)
    assert (job.state, job.total, job.result_name) == (JobState.DONE, 3, job.result_name)
    assert job.result_name.startswith("ho-so-") and job.result_name.endswith(".xlsx")
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    rows = from_header(list(sheet.iter_rows(values_only=True)), "Mã hồ sơ")
    assert sorted(r[0] for r in rows[1:]) == ["CUMGAR-1", "EAKPAM-1", "EAKPAM-2"]
    for who in ("admin", "eakpam_staff", "namnhun_staff"):
        other = client_for(getattr(dossiers, who))
        assert other.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404
        assert other.get(job.get_absolute_url()).status_code == 404


def test_two_rows_download_at_once(dossiers, client_for):
    response = client_for(dossiers.eakpam_staff).get(
        reverse("procedures:dossier_export", args=["xlsx"])
    )
    assert response.status_code == 200 and not Job.objects.exists()


@on_the_queue
def test_the_third_export_of_one_user_waits_its_turn(dossiers, client_for):
    client = client_for(dossiers.cumgar_staff)
    first, second, third = (export(client) for _ in range(3))
    assert {j.state for j in (first, second, third)} == {JobState.QUEUED}
    html = client.get(third.get_absolute_url()).content.decode()
    assert "Tác vụ đã vào hàng đợi" in html
    # Two workers took the first two; a third worker gets the third and hands it back.
    for job in (first, second):
        Job.objects.filter(pk=job.pk).update(
            state=JobState.RUNNING, attempts=1, heartbeat_at=timezone.now()
        )
    assert job_run(third.pk, 0) == "skipped"
    third.refresh_from_db()
    assert third.state == JobState.QUEUED
    html = client.get(third.get_absolute_url()).content.decode()
    assert "Đang chờ lượt: bạn đang có 2 tác vụ cùng loại đang chạy." in html
    # Another user's export is not held back (client_for logs the one test client in as them).
    theirs = export(client_for(dossiers.admin))
    assert job_run(theirs.pk, 0) == JobState.DONE
    Job.objects.filter(pk=first.pk).update(state=JobState.DONE)
    assert job_run(third.pk, 0) == JobState.DONE
    third.refresh_from_db()
    download = client_for(dossiers.cumgar_staff).get(reverse("jobs:job_download", args=[third.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    assert len(from_header(list(sheet.iter_rows(values_only=True)), "Mã hồ sơ")) == 1 + 3


@on_the_queue
def test_an_interrupted_export_runs_again_from_its_page(dossiers, client_for):
    client = client_for(dossiers.cumgar_staff)
    job = export(client)
    silence(job)
    html = client.get(job.get_absolute_url()).content.decode()
    assert "Bị gián đoạn" in html and reverse("jobs:job_retry", args=[job.pk]) in html
    client.post(reverse("jobs:job_retry", args=[job.pk]))
    assert job_run(job.pk, 1) == JobState.DONE
    job.refresh_from_db()
    assert job.total == 3 and Path(job.result_file).exists()


def test_a_killed_exports_half_file_is_swept_after_a_day(dossiers, settings):
    from jobs.services import results_folder
    from procedures.exports import dossier_exports_sweep

    folder = results_folder()
    folder.mkdir(parents=True, exist_ok=True)
    old, new = folder / "dossier-export-1-a.part", folder / "dossier-export-2-b.part"
    for path in (old, new):
        path.write_bytes(b"PK")
    day_ago = (timezone.now() - dt.timedelta(hours=settings.JOBS_RESULT_KEEP_HOURS + 1)).timestamp()
    os.utime(old, (day_ago, day_ago))
    assert dossier_exports_sweep() == {"parts": 1}
    assert not old.exists() and new.exists()


def test_the_export_job_costs_the_same_queries_for_3_or_43_rows(dossiers, client_for):
    client = client_for(dossiers.cumgar_staff)
    counts = []
    for more in (0, 40):
        DossierFactory.create_batch(more, unit=dossiers.eakpam)
        with CaptureQueriesContext(connection) as captured:
            job = export(client)
        assert job.total == 3 + more
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
