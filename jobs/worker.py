"""The worker process: django-tasks' database worker, plus the scheduler process it forks."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import time

from django.conf import settings
from django.db import close_old_connections, connections

from jobs import schedule

logger = logging.getLogger(__name__)

_WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def current_worker_id() -> str:
    return _WORKER_ID


def set_worker_id(worker_id: str) -> None:
    global _WORKER_ID
    _WORKER_ID = worker_id


def _tick_while_parent_lives(parent: int, every: float) -> None:
    """The scheduler's loop: a tick, then a wait, until the worker that forked it is gone."""
    # The worker's graceful-shutdown handlers are the worker's: SIGTERM ends this process at
    # once (a slot is claimed and its task enqueued in one transaction, so a tick cut short
    # leaves nothing half done), and Ctrl-C in a terminal is for the worker to handle.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while os.getppid() == parent:
        try:
            close_old_connections()
            enqueued = schedule.tick()
            if enqueued:
                logger.info("Scheduled: %s", ", ".join(enqueued))
        except Exception:  # a locked SQLite file, a lost connection: try next tick
            logger.exception("Schedule tick failed")
        finally:
            connections.close_all()
        waited = 0.0
        while waited < every and os.getppid() == parent:
            time.sleep(min(1.0, every - waited))
            waited += 1.0


def start_scheduler() -> multiprocessing.process.BaseProcess:
    """Fork the worker's scheduler process: it ticks the schedule every `JOBS_SCHEDULE_SECONDS`
    with connections of its own, and stops with the worker (even a killed one) within a second."""
    connections.close_all()  # nothing open is shared across the fork; both sides reconnect
    process = multiprocessing.get_context("fork").Process(
        target=_tick_while_parent_lives,
        args=(os.getpid(), float(settings.JOBS_SCHEDULE_SECONDS)),
        name="schedule",
        daemon=True,
    )
    process.start()
    return process


def stop_scheduler(process: multiprocessing.process.BaseProcess) -> None:
    process.terminate()
    process.join(timeout=5)
    if process.exitcode is None:
        process.kill()
        process.join()
