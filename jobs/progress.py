"""How a running job reports: phase, rows done, heartbeat.

Two channels, read together by `live()`:
- the job's row, written whenever the runner is not inside a transaction (a transaction would
  hide the write from every other connection until it ends, and on SQLite a second connection
  cannot write while it lasts);
- the shared "jobs" cache (a folder every process of the machine sees), written always, so the
  all-or-nothing phase of an import still shows its progress.
A heartbeat process, forked from the one running the job, beats through the cache every
`JOBS_HEARTBEAT_INTERVAL` seconds for as long as the runner runs, even in one long statement; it
stops on its own the moment its parent dies, so a job whose beats stop is interrupted.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from jobs.models import Job

LIVE_TTL = 24 * 3600
# Rows written to the job's row at most this often (the cache gets every report).
ROW_WRITE_SECONDS = 1.0


def _key(job_id: int) -> str:
    return f"jobs:{job_id}:live"


def _read(job_id: int) -> dict[str, Any]:
    return caches["jobs"].get(_key(job_id)) or {}


def _beat_key(job_id: int) -> str:
    return f"jobs:{job_id}:beat"


def last_beat(job: Job) -> dt.datetime | None:
    """The newest sign of life: the row's heartbeat or the cache's, whichever is later."""
    stamp = caches["jobs"].get(_beat_key(job.pk))
    cached = dt.datetime.fromtimestamp(stamp, tz=dt.UTC) if stamp else None
    beats = [b for b in (job.heartbeat_at, cached) if b is not None]
    return max(beats) if beats else None


def live(job: Job) -> Job:
    """The job as it is now: a running job's row overlaid with what the cache knows."""
    if job.state == "running":
        data = _read(job.pk)
        if data.get("attempt") == job.attempts:
            job.phase = data.get("phase", job.phase)
            job.done = data.get("done", job.done)
            job.total = data.get("total", job.total)
        job.heartbeat_at = last_beat(job)
    return job


def forget(job_id: int) -> None:
    caches["jobs"].delete_many([_key(job_id), _beat_key(job_id)])


class Progress:
    """Handed to a kind's runner: `progress.phase("Ghi hồ sơ", total)`, then `progress(done)`."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._row_written = 0.0

    def phase(self, label: str, total: int = 0) -> None:
        self.job.phase, self.job.total, self.job.done = str(label)[:120], total, 0
        self._write(force=True)

    def __call__(self, done: int, total: int | None = None) -> None:
        self.job.done = done
        if total is not None:
            self.job.total = total
        self._write()

    def _write(self, *, force: bool = False) -> None:
        job = self.job
        caches["jobs"].set(
            _key(job.pk),
            {"phase": job.phase, "done": job.done, "total": job.total, "attempt": job.attempts},
            LIVE_TTL,
        )
        beat(job.pk)
        now = time.monotonic()
        if connection.in_atomic_block or (
            not force and now - self._row_written < ROW_WRITE_SECONDS
        ):
            return
        self._row_written = now
        Job.objects.filter(pk=job.pk).update(
            phase=job.phase, done=job.done, total=job.total, heartbeat_at=timezone.now()
        )


def beat(job_id: int) -> None:
    caches["jobs"].set(_beat_key(job_id), time.time(), LIVE_TTL)


def _beat_while_parent_lives(job_id: int, parent: int, interval: float) -> None:
    """The heartbeat process's loop: it touches only the cache's files, never the database."""
    # The parent's handlers (the worker's graceful shutdown) are not this process's: SIGTERM
    # ends it at once, and Ctrl-C in a terminal is for the parent to handle.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while os.getppid() == parent:
        beat(job_id)
        time.sleep(interval)


class Heartbeat:
    """`with Heartbeat(job.pk):` beats through the cache from a child process while the block runs.

    A child process rather than a thread: the runner may hold the interpreter for long in a call
    that does not release the GIL (parsing a big XLSX), and nothing in the job's process has to be
    shared with, or locked against, the beating. The child is forked (cheap, nothing to import)
    and checks its parent every beat: when the runner dies, for any reason, the beats stop
    within one interval.
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._process: multiprocessing.process.BaseProcess | None = None

    def __enter__(self) -> Heartbeat:
        beat(self.job_id)
        context = multiprocessing.get_context("fork")
        self._process = context.Process(
            target=_beat_while_parent_lives,
            args=(self.job_id, os.getpid(), settings.JOBS_HEARTBEAT_INTERVAL),
            name=f"beat-{self.job_id}",
            daemon=True,
        )
        self._process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join(timeout=5)
            if self._process.exitcode is None:
                self._process.kill()
                self._process.join()
            self._process.close()
