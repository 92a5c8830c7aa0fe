"""The worker process: django-tasks' database worker, plus the schedule's ticker."""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection

from jobs import schedule

logger = logging.getLogger(__name__)

_WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def current_worker_id() -> str:
    return _WORKER_ID


def set_worker_id(worker_id: str) -> None:
    global _WORKER_ID
    _WORKER_ID = worker_id


class Ticker(threading.Thread):
    """Ticks the schedule every `JOBS_SCHEDULE_SECONDS` with its own database connection."""

    def __init__(self) -> None:
        super().__init__(daemon=True, name="schedule")
        self.stopped = threading.Event()

    def run(self) -> None:
        while True:
            try:
                close_old_connections()
                enqueued = schedule.tick()
                if enqueued:
                    logger.info("Scheduled: %s", ", ".join(enqueued))
            except Exception:  # a locked SQLite file, a lost connection: try next tick
                logger.exception("Schedule tick failed")
            finally:
                connection.close()
            if self.stopped.wait(settings.JOBS_SCHEDULE_SECONDS):
                return
