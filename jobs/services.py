"""Starting, running, retrying and sweeping jobs. The task in `jobs/tasks.py` calls `job_run`;
everything else in the portal calls `job_start` and reads the job back."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs import progress as live_progress
from jobs.choices import JobState
from jobs.kinds import JobFailed, JobKind, kind_of
from jobs.models import Job
from units.models import AdministrativeUnit, User

logger = logging.getLogger(__name__)

ERR_UNEXPECTED = _("Lỗi không lường trước khi xử lý; quản trị viên đã được ghi nhận lỗi này.")
ERR_INTERRUPTED = _("Máy xử lý dừng giữa chừng; chưa có thay đổi nào được ghi. Hãy chạy lại.")
ERR_NOT_RETRYABLE = _("Tác vụ này không chạy lại được.")
WAITING_TURN = _("Đang chờ lượt: bạn đang có %(count)d tác vụ cùng loại đang chạy.")
# A job waiting for its owner's turn asks again this often.
TURN_RETRY_SECONDS = 3


def results_folder() -> Path:
    """Under MEDIA_ROOT, which no URL serves: result files leave only through the job's own
    download view."""
    return Path(settings.MEDIA_ROOT) / "jobs"


def _enqueue(job: Job, *, delay: float = 0) -> None:
    from jobs.tasks import run_job

    task = run_job
    if delay and run_job.get_backend().supports_defer:
        task = run_job.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    result = task.enqueue(job.pk, job.attempts)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def job_start(
    *,
    kind: JobKind,
    owner: User | None,
    params: dict[str, Any] | None = None,
    unit: AdministrativeUnit | None = None,
    phase: str = "",
) -> Job:
    """Record a job and put it on the queue. The queue is the database: the task's row is
    written in the caller's transaction, so a request that fails enqueues nothing."""
    job = Job.objects.create(
        kind=kind.name,
        owner=owner,
        unit=unit if unit is not None else getattr(owner, "scope_unit", None),
        params=params or {},
        phase=phase,
    )
    _enqueue(job)
    job.refresh_from_db()
    return job


def _running_for_owner(job: Job) -> int:
    now = timezone.now()
    running = Job.objects.filter(kind=job.kind, owner_id=job.owner_id, state=JobState.RUNNING)
    return sum(not live_progress.live(other).is_silent(now) for other in running)


def _claim(job_id: int, attempt: int, worker_id: str) -> Job | None:
    """Take the job if it is still queued for this attempt; None when another worker has it,
    it was cancelled, or its owner already runs as many of its kind as allowed."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != JobState.QUEUED or job.attempts != attempt:
            return None
        limit = kind_of(job.kind).per_user_limit
        if limit and job.owner_id:
            # One owner's jobs are counted under a lock on the owner, so two workers cannot
            # both see "one running" and start the second and third.
            User.objects.select_for_update().filter(pk=job.owner_id).first()
            running = _running_for_owner(job)
            if running >= limit:
                phase = WAITING_TURN % {"count": running}
                Job.objects.filter(pk=job.pk).update(phase=phase)
                transaction.on_commit(lambda: _enqueue(job, delay=TURN_RETRY_SECONDS))
                return None
        now = timezone.now()
        job.state, job.started_at, job.heartbeat_at = JobState.RUNNING, now, now
        job.attempts, job.worker_id, job.phase = attempt + 1, worker_id[:64], ""
        job.save(
            update_fields=["state", "started_at", "heartbeat_at", "attempts", "worker_id", "phase"]
        )
        return job


def job_run(job_id: int, attempt: int, *, worker_id: str = "") -> str:
    """Run one job to its end (called by the task). Returns the state it ended in."""
    job = _claim(job_id, attempt, worker_id)
    if job is None:
        return "skipped"
    kind = kind_of(job.kind)
    progress = live_progress.Progress(job)
    state, error, result = JobState.DONE, "", {}
    try:
        with live_progress.Heartbeat(job.pk):
            result = kind.run(job, progress) or {}
    except JobFailed as exc:
        state, error = JobState.FAILED, str(exc)
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        state, error = JobState.FAILED, str(ERR_UNEXPECTED)
    finished = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, attempts=job.attempts)
    finished.update(
        state=state,
        error=error,
        result=result,
        result_file=job.result_file,
        result_name=job.result_name,
        phase=job.phase,
        done=job.total if state == JobState.DONE and job.total else job.done,
        total=job.total,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    live_progress.forget(job.pk)
    job.refresh_from_db()
    _finished(job)
    return str(job.state)


def _finished(job: Job) -> None:
    """Hook for what follows a job's end (the owner's notification)."""


def job_retry(*, job: Job, by: User) -> Job:
    """Run a failed or interrupted job again, as a new attempt."""
    jobs_mark_interrupted()
    job.refresh_from_db()
    if job.state not in (JobState.FAILED, JobState.INTERRUPTED) or not kind_of(job.kind).retryable(
        job
    ):
        raise JobFailed(ERR_NOT_RETRYABLE)
    Job.objects.filter(pk=job.pk).update(
        state=JobState.QUEUED, error="", phase="", done=0, finished_at=None
    )
    job.refresh_from_db()
    _enqueue(job)
    return job


def jobs_mark_interrupted(*, now: dt.datetime | None = None) -> int:
    """Running jobs whose heartbeat went silent: their worker died. Returns how many."""
    now = now or timezone.now()
    silent = [
        job.pk
        for job in Job.objects.filter(state=JobState.RUNNING)
        if live_progress.live(job).is_silent(now)
    ]
    if not silent:
        return 0
    count = Job.objects.filter(pk__in=silent, state=JobState.RUNNING).update(
        state=JobState.INTERRUPTED, error=ERR_INTERRUPTED, finished_at=now
    )
    # The queue's own row of a killed task stays "running" (nobody is left to finish it).
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    task_ids = list(Job.objects.filter(pk__in=silent).exclude(task_id="").values_list("task_id"))
    DBTaskResult.objects.running().filter(id__in=[t for (t,) in task_ids]).update(
        status=TaskResultStatus.FAILED, finished_at=now
    )
    for job in Job.objects.filter(pk__in=silent):
        _finished(job)
    return count


def jobs_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete result files older than `JOBS_RESULT_KEEP_HOURS` (exports hold personal data),
    and the queue's own records of finished tasks older than a week."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.JOBS_RESULT_KEEP_HOURS)
    expired = Job.objects.filter(finished_at__lt=cutoff).exclude(result_file="")
    files = 0
    for job in expired:
        Path(job.result_file).unlink(missing_ok=True)
        files += 1
    expired.update(result_file="")
    from django_tasks_db.models import DBTaskResult

    pruned, _detail = (
        DBTaskResult.objects.finished().filter(finished_at__lt=now - dt.timedelta(days=7)).delete()
    )
    return {"files": files, "task_rows": pruned}
