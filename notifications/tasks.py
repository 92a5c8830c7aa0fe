"""The queue's tasks for mail: delivery, the minute's look for mail whose retry is due, and the
daily pruning of sent mail and read notifications.

`enqueue_due_mail` runs every minute and `prune` daily on the workers' schedule. The schedule
belongs to `jobs`, which stands above this app (jobs notifies a job's owner), so the entries are
declared in `jobs/tasks.py`; nothing here imports `jobs`.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from notifications import services


@task()
def deliver_mail(mail_ids: list[int], due_by: str | None = None) -> dict[str, int]:
    """Send these mails (one attempt each). `due_by`: when the enqueuer found them due, so a
    worker whose clock lags behind does not skip them."""
    now = timezone.now()
    if due_by:
        now = max(now, dt.datetime.fromisoformat(due_by))
    return services.mails_deliver(mail_ids=mail_ids, now=now)


@task()
def enqueue_due_mail() -> int:
    return services.mails_enqueue_due()


@task()
def prune() -> dict[str, int]:
    return services.prune()
