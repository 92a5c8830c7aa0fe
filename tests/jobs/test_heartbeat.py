"""The heartbeat (jobs/progress.py): a child process beats for the runner while it runs, stops
when the block ends, and stops by itself when the runner is killed."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

from django.core.cache import caches
from django.test import override_settings

from jobs import progress

JOB_ID = 987654  # a key of its own in the jobs cache; no row needed: beats touch only the cache
INTERVAL = 0.1


def stamp() -> float | None:
    return caches["jobs"].get(f"jobs:{JOB_ID}:beat")


def wait_for_beat_after(moment: float, limit: float = 5.0) -> float:
    deadline = time.time() + limit
    while time.time() < deadline:
        current = stamp()
        if current is not None and current > moment:
            return current
        time.sleep(0.02)
    raise AssertionError(f"no beat after {moment} within {limit} s")


def assert_silent(seconds: float) -> None:
    before = stamp()
    time.sleep(seconds)
    assert stamp() == before, "something still beats"


def test_beats_while_the_block_runs_and_stops_after():
    caches["jobs"].delete(f"jobs:{JOB_ID}:beat")
    with override_settings(JOBS_HEARTBEAT_INTERVAL=INTERVAL):
        with progress.Heartbeat(JOB_ID) as heartbeat:
            entered = time.time()
            # A block that never calls back into the portal still beats: several beats pass.
            wait_for_beat_after(entered + 3 * INTERVAL)
            child = heartbeat._process
            assert child is not None and child.pid != os.getpid()
        assert_silent(5 * INTERVAL)


def _runner_that_dies() -> None:
    """A job runner killed mid-block: SIGKILL, no `with` exit, no cleanup of any kind."""
    with override_settings(JOBS_HEARTBEAT_INTERVAL=INTERVAL), progress.Heartbeat(JOB_ID):
        time.sleep(3 * INTERVAL)
        os.kill(os.getpid(), signal.SIGKILL)


def test_beats_stop_when_the_runner_is_killed():
    caches["jobs"].delete(f"jobs:{JOB_ID}:beat")
    runner = multiprocessing.get_context("fork").Process(target=_runner_that_dies)
    started = time.time()
    runner.start()
    runner.join(timeout=10)
    assert runner.exitcode == -signal.SIGKILL
    wait_for_beat_after(started)  # it did beat while the runner lived
    # Its heartbeat process notices within one interval and stops; nothing beats any more.
    time.sleep(3 * INTERVAL)
    assert_silent(5 * INTERVAL)
