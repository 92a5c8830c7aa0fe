"""A real worker (`manage.py worker`, the database queue) SIGKILLed in the middle of a confirmed
300,000-row dossier import: the job turns interrupted within the heartbeat timeout, the database
holds none of the file's rows, and the retry (a new worker) saves every one of them.

"In the middle" is proven as in test_import_kill.py: the job's live progress says it is writing
(PHASE_WRITE), the worker's transaction holds the write lock on the dossier table, and the table
has grown by megabytes of rows nobody else can see yet. The worker runs the development settings
(`cchc_portal.settings`, whose TASKS is the database backend) on the test database, with the
test's MEDIA_ROOT and jobs cache, and beats every second.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from jobs import progress as live_progress
from jobs.choices import JobState
from jobs.models import Job
from jobs.services import jobs_mark_interrupted
from procedures.choices import DossierImportStatus
from procedures.models import Dossier, DossierImport
from procedures.services import PHASE_WRITE, dossier_import_start, uploads_folder
from tests.dossier_csv import write_csv
from tests.factories import UnitFactory, UserFactory
from tests.ops.conftest import MANAGE, database_url, process_env
from tests.ops.test_import_kill import APP, dossier_table_bytes, import_backend, wait_backend_gone
from tests.procedures.factories import ProcedureFactory
from units.choices import Level, Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

ROWS = 300_000
PREFIX = "WKILL-"
MIDWAY_BYTES = 8 * 2**20
HEARTBEAT_TIMEOUT = 3  # seconds; the worker beats every second (JOBS_HEARTBEAT_INTERVAL=1)
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def imported() -> int:
    return Dossier.objects.filter(code__startswith=PREFIX).count()


def start_worker(log: Path) -> subprocess.Popen:
    env = process_env(DATABASE_URL=database_url(application_name=APP), JOBS_HEARTBEAT_INTERVAL="1")
    return subprocess.Popen(
        [*MANAGE, "worker", "--no-schedule", "--no-startup-delay", "--interval", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(log, "ab"),  # the child holds it
    )


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.kill()
        worker.wait(timeout=30)


def live(job: Job) -> Job:
    return live_progress.live(Job.objects.get(pk=job.pk))


@override_settings(TASKS=DB_BACKEND)
def test_worker_killed_midway_interrupts_the_job_and_the_retry_saves_every_row(
    tmp_path, client_for
):
    province = UnitFactory(code="66", name="Tỉnh Đắk Lắk", level=Level.PROVINCE)
    district = UnitFactory(code="648", name="Huyện Cư M'gar", level=Level.DISTRICT, parent=province)
    communes = [
        UnitFactory(code=f"{24280 + i}", name=f"Xã {i}", level=Level.COMMUNE, parent=district)
        for i in range(5)
    ]
    inspector = UserFactory(
        username="insp66", role=Role.PROVINCIAL_INSPECTOR, unit=province, is_active=True
    )
    procedures = [ProcedureFactory().code for _ in range(20)]
    folder = uploads_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored = write_csv(
        folder / "upload.csv",
        ROWS,
        [district.code, *(c.code for c in communes)],
        procedures,
        prefix=PREFIX,
    )
    # Checked already (the check is a job like the import: tests/jobs/test_dossier_jobs.py).
    record = DossierImport.objects.create(
        created_by=inspector,
        unit=province,
        file_name="upload.csv",
        stored_file=str(stored),
        status=DossierImportStatus.PREVIEWED,
        total_rows=ROWS,
        created_count=ROWS,
    )
    job = dossier_import_start(record=record, by=inspector)
    assert job.state == JobState.QUEUED

    log = tmp_path / "worker.log"
    worker = start_worker(log)
    size_before = dossier_table_bytes()
    try:
        deadline = time.monotonic() + 120
        seen, backend, grown = job, None, 0
        while time.monotonic() < deadline and worker.poll() is None:
            seen = live(job)
            if seen.phase == str(PHASE_WRITE):
                backend = import_backend()
                grown = dossier_table_bytes() - size_before
                if backend and backend[1] and grown >= MIDWAY_BYTES:
                    break
            time.sleep(0.05)
        assert worker.poll() is None, f"the worker ended: {log.read_text()[-1000:]}"
        assert seen.state == JobState.RUNNING and seen.phase == str(PHASE_WRITE), seen.phase
        assert seen.total == ROWS
        assert backend and backend[1], "no open import transaction seen"
        assert grown >= MIDWAY_BYTES, f"the dossier table grew by {grown} bytes only"
        assert imported() == 0  # uncommitted rows are invisible from outside
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        killed = time.monotonic()
    finally:
        stop(worker)
    assert worker.returncode == -signal.SIGKILL

    # Nobody beats any more: past the timeout the job is interrupted, not "running" forever.
    with override_settings(JOBS_HEARTBEAT_TIMEOUT=HEARTBEAT_TIMEOUT):
        assert jobs_mark_interrupted() == 0  # its last beat is at most a second old
        while time.monotonic() - killed < HEARTBEAT_TIMEOUT + 5:
            if jobs_mark_interrupted():
                break
            time.sleep(0.1)
        turned = time.monotonic() - killed
    job.refresh_from_db()
    assert job.state == JobState.INTERRUPTED
    assert turned <= HEARTBEAT_TIMEOUT + 0.5, f"interrupted {turned:.1f} s after the kill"
    wait_backend_gone(backend[0])
    assert imported() == 0, "a killed import left part of its file in the database"
    record.refresh_from_db()
    assert record.status == DossierImportStatus.RUNNING and stored.exists()  # kept for the retry

    client = client_for(inspector)
    html = client.get(record.get_absolute_url()).content.decode()
    assert "Bị gián đoạn" in html and "Chạy lại từ đầu" in html
    assert client.post(reverse("procedures:import_confirm", args=[record.pk])).status_code == 302
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.QUEUED, 1)

    worker = start_worker(log)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and worker.poll() is None:
            job.refresh_from_db()
            if not job.is_active:
                break
            time.sleep(0.2)
    finally:
        stop(worker)
    assert job.state == JobState.DONE, f"{job.state}: {job.error} {log.read_text()[-1000:]}"
    assert job.attempts == 2
    assert imported() == ROWS
    record.refresh_from_db()
    assert record.status == DossierImportStatus.DONE
    assert (record.created_count, record.updated_count) == (ROWS, 0)
    assert not stored.exists()  # personal data: gone once imported
