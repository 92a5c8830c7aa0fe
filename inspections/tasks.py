"""Scheduled work of inspections: the daily reminders, run by the workers (no cron)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from inspections import services
from jobs import schedule


@schedule.daily("inspections.reminders", at=dt.time(7, 0))
@task()
def send_reminders() -> dict[str, int]:
    """What `manage.py send_reminders` does: once a day at 07:00 (the schedule's slot is the
    day, so two workers run it once), and a second run sends nothing new."""
    return services.send_reminders()
