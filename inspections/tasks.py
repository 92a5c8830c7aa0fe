"""Scheduled work of inspections: the daily reminders, run by the workers (no cron)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from inspections import services
from jobs import schedule
from notifications import tasks as mail_tasks


@schedule.daily("inspections.reminders", at=dt.time(7, 0))
@task()
def send_reminders() -> dict[str, int]:
    """What `manage.py send_reminders` does: once a day at 07:00 (the schedule's slot is the
    day, so two workers run it once), and a second run sends nothing new."""
    return services.send_reminders()


# The mail queue's minute (retries whose time has come). Its task lives in `notifications`,
# which stands below `jobs` and so cannot declare its own schedule; inspections is the first
# app above both.
schedule.every("notifications.mail_due", minutes=1)(mail_tasks.enqueue_due_mail)
