"""Real `manage.py worker` processes on the test database: two workers never run the same job
or the same day's scheduled task, and Ctrl-C stops a worker cleanly.

The workers run `tests/jobs/worker_settings.py` (the test settings on the database queue,
CCHC_TASKS_BACKEND=database, plus the tiny app `tests/jobs/worker_app`) against the test
database, with the folders of this test. PostgreSQL only: SQLite's test database lives in the
memory of the pytest process, where no other process can reach it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from jobs.choices import JobState
from jobs.models import Job, ScheduledRun
from jobs.services import job_start
from tests.jobs.worker_app.work import RECORD

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="worker processes need a database they can reach: SQLite's test database is "
        "in the memory of the pytest process",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
READY = "Starting worker worker_id="
DAILY_PATH = "tests.jobs.worker_app.work.daily_mark"


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


class Worker:
    """One `manage.py worker` process, its output in a file."""

    def __init__(self, worker_id: str, folder: Path, trace: Path) -> None:
        self.worker_id = worker_id
        self.log = folder / f"{worker_id}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
            "CCHC_TASKS_BACKEND": "database",
            "DATABASE_URL": _database_url(),
            "JOBS_CACHE_DIR": str(settings.CACHES["jobs"]["LOCATION"]),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "JOBS_SCHEDULE_SECONDS": "1",
            "CCHC_WORKER_TRACE": str(trace),
            "PYTHONUNBUFFERED": "1",
        }
        command = [sys.executable, "manage.py", "worker", "--interval", "0.2"]
        command += ["--no-startup-delay", "--worker-id", worker_id]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out
            )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"{self.worker_id} died:\n{self.output()}")
        return READY in self.output()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def trace(tmp_path) -> Path:
    return tmp_path / "trace.txt"


@pytest.fixture
def start_workers(transactional_db, tmp_path, trace) -> Iterator[Callable[..., list[Worker]]]:
    """`start_workers("a", "b")`: workers with those ids, ready to take tasks. Killed at the
    end (before the database is flushed: this fixture stands on `transactional_db`)."""
    started: list[Worker] = []

    def start(*worker_ids: str) -> list[Worker]:
        workers = [Worker(worker_id, tmp_path, trace) for worker_id in worker_ids]
        started.extend(workers)
        for worker in workers:
            wait_for(worker.ready, timeout=30, what=f"{worker.worker_id} to start")
        return workers

    yield start
    for worker in started:
        worker.stop()


def trace_lines(trace: Path) -> list[str]:
    return trace.read_text(encoding="utf-8").splitlines() if trace.exists() else []


@override_settings(TASKS=DB_BACKEND)
def test_two_workers_run_every_job_exactly_once(start_workers, trace):
    count = 12
    start_workers("worker-a", "worker-b")
    jobs = [
        job_start(kind=RECORD, owner=None, params={"n": n, "trace": str(trace)})
        for n in range(count)
    ]

    def all_finished() -> bool:
        return not Job.objects.filter(pk__in=[j.pk for j in jobs], state__in=["queued", "running"])

    wait_for(all_finished, timeout=30, what="the jobs to finish")
    runs = [line.split() for line in trace_lines(trace) if not line.startswith("daily")]
    assert sorted(int(n) for n, _worker in runs) == list(range(count))  # each once, none lost
    assert {worker for _n, worker in runs} == {"worker-a", "worker-b"}  # both took part
    done = Job.objects.filter(pk__in=[j.pk for j in jobs])
    assert {(job.state, job.attempts) for job in done} == {(JobState.DONE, 1)}
    tasks = DBTaskResult.objects.filter(id__in=[j.task_id for j in jobs])
    assert [len(task.worker_ids) for task in tasks] == [1] * count  # each claimed by one worker
    # The job row names the worker the trace names.
    assert {(job.params["n"], job.worker_id) for job in done} == {(int(n), w) for n, w in runs}


@override_settings(TASKS=DB_BACKEND)
def test_two_workers_ticking_the_schedule_enqueue_the_daily_task_once(start_workers, trace):
    workers = start_workers("worker-a", "worker-b")

    def ran() -> bool:
        return DBTaskResult.objects.filter(task_path=DAILY_PATH).finished().exists()

    wait_for(ran, timeout=20, what="the daily task to run")
    # Each worker ticks every second: let both tick a few more times after the run.
    time.sleep(2)
    assert ScheduledRun.objects.filter(name="tests.worker.daily").count() == 1
    assert DBTaskResult.objects.filter(task_path=DAILY_PATH).count() == 1
    assert len([line for line in trace_lines(trace) if line.startswith("daily")]) == 1
    enqueued_by = Counter(
        worker.worker_id for worker in workers if "tests.worker.daily" in worker.output()
    )
    assert sum(enqueued_by.values()) == 1  # one worker's tick took the slot
    assert all(worker.process.poll() is None for worker in workers)


@override_settings(TASKS=DB_BACKEND)
def test_ctrl_c_stops_an_idle_worker_at_once_and_a_busy_one_after_its_job(start_workers, trace):
    workers = {worker.worker_id: worker for worker in start_workers("worker-a", "worker-b")}
    job = job_start(kind=RECORD, owner=None, params={"n": 7, "trace": str(trace), "seconds": 6})
    wait_for(
        lambda: Job.objects.get(pk=job.pk).state == JobState.RUNNING, timeout=20, what="the job"
    )
    busy = workers.pop(Job.objects.get(pk=job.pk).worker_id)
    (idle,) = workers.values()
    for worker in (idle, busy):
        worker.process.send_signal(signal.SIGINT)
    # Between tasks, it stops without waiting for anything: before the other's job ends.
    assert idle.process.wait(timeout=5) == 0
    assert Job.objects.get(pk=job.pk).state == JobState.RUNNING
    assert busy.process.wait(timeout=15) == 0  # it finished the job first
    job.refresh_from_db()
    assert (job.state, job.result) == (JobState.DONE, {"n": 7})
    assert [line for line in trace_lines(trace) if not line.startswith("daily")] == [
        f"7 {busy.worker_id}"
    ]
    for worker in (idle, busy):
        assert "shutting down gracefully" in worker.output()
        assert "Traceback" not in worker.output()


def children(pid: int) -> list[int]:
    """The live child processes of `pid` (Linux /proc)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has stopped; only its exit status is left


@override_settings(TASKS=DB_BACKEND)
def test_the_scheduler_process_and_a_jobs_heartbeat_stop_with_a_killed_worker(start_workers, trace):
    (worker,) = start_workers("worker-a")
    job = job_start(kind=RECORD, owner=None, params={"n": 1, "trace": str(trace), "seconds": 30})
    wait_for(
        lambda: Job.objects.get(pk=job.pk).state == JobState.RUNNING, timeout=20, what="the job"
    )
    # The scheduler and the running job's heartbeat: two children, no thread doing their work.
    wait_for(lambda: len(children(worker.process.pid)) == 2, timeout=10, what="two children")
    helpers = children(worker.process.pid)
    worker.process.kill()
    worker.process.wait(timeout=10)
    wait_for(lambda: not any(alive(pid) for pid in helpers), timeout=5, what="the children")
