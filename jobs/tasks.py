"""The queue's tasks for jobs: the one task that runs any job, and the sweeps."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from jobs import schedule, services
from notifications import tasks as mail_tasks


@task()
def run_job(job_id: int, attempt: int) -> str:
    """Run job `job_id` (its `attempt`-th run); a job already taken or finished is skipped."""
    from jobs.worker import current_worker_id

    return services.job_run(job_id, attempt, worker_id=current_worker_id())


@schedule.every("jobs.interrupted", minutes=1)
@task()
def mark_interrupted() -> int:
    return services.jobs_mark_interrupted()


@schedule.every("jobs.sweep", minutes=60)
@task()
def sweep() -> dict[str, int]:
    result = services.jobs_sweep()
    from jobs.models import ScheduledRun

    ScheduledRun.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=30)).delete()
    return result


# The mail queue's minute: retries whose time has come. The task is the notifications app's,
# which stands below jobs and so cannot use the schedule itself.
schedule.every("notifications.mail_due", minutes=1)(mail_tasks.enqueue_due_mail)
schedule.daily("notifications.prune", at=dt.time(3, 0))(mail_tasks.prune)
