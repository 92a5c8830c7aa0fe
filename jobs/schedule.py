"""Scheduled work, run by the workers themselves: no cron.

An app declares what runs when, next to the task, in its `tasks.py`:

    @jobs.schedule.daily("inspections.reminders", at=dt.time(7, 0))
    @task()
    def send_reminders() -> int: ...

Every worker ticks (`tick`) every `JOBS_SCHEDULE_SECONDS`; each piece of work has one slot per
period (the day, for daily work; the n-th interval, for interval work), and a slot is taken by
inserting a `ScheduledRun` row under a unique constraint, so when two workers tick at once one
enqueues the work and the other sees the row and does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scheduled:
    name: str
    task: Any  # a django_tasks Task
    daily_at: dt.time | None = None
    every: dt.timedelta | None = None

    def slot(self, now: dt.datetime) -> str | None:
        """This period's slot, or None while today's time has not come."""
        if self.every is not None:
            seconds = int(self.every.total_seconds())
            return f"i{int(now.timestamp()) // seconds}"
        local = timezone.localtime(now)
        assert self.daily_at is not None
        if local.time() < self.daily_at:
            return None
        return local.date().isoformat()


SCHEDULE: dict[str, Scheduled] = {}


def _register(entry: Scheduled) -> None:
    if entry.name in SCHEDULE and SCHEDULE[entry.name].task is not entry.task:
        raise ValueError(f"Scheduled work {entry.name!r} is declared twice.")
    SCHEDULE[entry.name] = entry


def daily(name: str, *, at: dt.time) -> Callable[[Any], Any]:
    """Run the task once a day, at or after `at` local time (a worker down at that time runs it
    when it comes back, the same day)."""

    def decorator(task: Any) -> Any:
        _register(Scheduled(name=name, task=task, daily_at=at))
        return task

    return decorator


def every(name: str, *, minutes: int) -> Callable[[Any], Any]:
    def decorator(task: Any) -> Any:
        _register(Scheduled(name=name, task=task, every=dt.timedelta(minutes=minutes)))
        return task

    return decorator


def tick(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue whatever is due and not yet taken by another worker; returns the names enqueued."""
    from jobs.models import ScheduledRun

    now = now or timezone.now()
    enqueued = []
    for entry in SCHEDULE.values():
        slot = entry.slot(now)
        if slot is None:
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=entry.name, slot=slot, created_at=now)
                entry.task.enqueue()
        except IntegrityError:
            continue  # another worker took this slot
        enqueued.append(entry.name)
    return enqueued
