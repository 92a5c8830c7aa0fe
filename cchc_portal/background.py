"""Work that outlives a request: a thread of the web process, progress in the "jobs" cache.

A thread is enough for one province's heavy jobs (a dossier import, a 100,000-row export);
a real queue would take over past one machine (docs/architecture.md, "Scale"). The job reports rows
done through the cache because its own transaction, or an unfinished file, hides its progress
from the request that polls it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.core.cache import caches
from django.db import close_old_connections, connection

PROGRESS_TTL = 3600


def run_job(work: Callable[[], object], *, name: str, in_background: bool = True) -> None:
    """Run `work()` in a daemon thread with its own database connection (or inline, for tests
    and commands, when `in_background` is false)."""
    if not in_background:
        work()
        return

    def target() -> None:
        close_old_connections()
        try:
            work()
        finally:
            connection.close()

    threading.Thread(target=target, daemon=True, name=name).start()


def progress_set(key: str, done: int) -> None:
    caches["jobs"].set(key, done, PROGRESS_TTL)


def progress_get(key: str, default: int = 0) -> int:
    return caches["jobs"].get(key, default)


def progress_clear(key: str) -> None:
    caches["jobs"].delete(key)
