"""`make run` (scripts/run_dev.py): the web server and a worker start together, Ctrl-C stops
both, and when either dies the other is stopped too, with a message saying which.

Real processes, as `make run` starts them (DEBUG=1, the portal's own settings), on an SQLite
file of this module's own, whatever database the suite runs on: the script supervises
processes, and the worker needs only the queue's and the jobs' tables.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIDS = re.compile(r"web pid (\d+), worker pid (\d+)")


def wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def group_gone(pgid: int) -> bool:
    """No live process is left in the process group `pgid` (each child of run_dev leads one).

    Zombies count as gone: they are dead, waiting for their new parent (init, once the
    reloader that started them has exited) to collect them, which some inits do lazily.
    """
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # exited while we looked
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            return False
    return True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def dev_env(tmp_path_factory) -> dict[str, str]:
    """What `make run` gives its processes, on a fresh SQLite file with the tables they use."""
    folder = tmp_path_factory.mktemp("run-dev")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CCHC_"))}
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        JOBS_CACHE_DIR=str(folder / "jobs-cache"),
        MEDIA_ROOT=str(folder / "media"),
    )
    migrate = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', 'jobs', verbosity=0); "
        "call_command('migrate', 'django_tasks_database', verbosity=0)"
    )
    env_setup = {**env, "DJANGO_SETTINGS_MODULE": "cchc_portal.settings"}
    subprocess.run(
        [sys.executable, "-c", migrate], cwd=ROOT, env=env_setup, check=True, timeout=120
    )
    return env


class RunDev:
    def __init__(self, env: dict[str, str], folder: Path, port: int) -> None:
        self.port = port
        self.log = folder / "run_dev.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "scripts/run_dev.py", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
            )
        wait_for(lambda: PIDS.search(self.output()), timeout=10, what="the children's pids")
        web, worker = PIDS.search(self.output()).groups()  # type: ignore[union-attr]
        self.web_pid, self.worker_pid = int(web), int(worker)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def serving(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def both_up(self) -> bool:
        assert self.process.poll() is None, self.output()
        return "Starting worker worker_id=" in self.output() and self.serving()


@pytest.fixture
def run_dev(dev_env, tmp_path) -> Iterator[Callable[[int], RunDev]]:
    started: list[RunDev] = []

    def start(port: int) -> RunDev:
        started.append(RunDev(dev_env, tmp_path, port))
        return started[-1]

    yield start
    for run in started:  # a failed test leaves nothing running
        for pid in (run.web_pid, run.worker_pid):
            if not group_gone(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
        if run.process.poll() is None:
            run.process.kill()
        run.process.wait(timeout=10)


def test_ctrl_c_stops_the_web_server_and_the_worker(run_dev):
    run = run_dev(free_port())
    wait_for(run.both_up, timeout=60, what="the web server and the worker")
    assert "Watching for file changes" in run.output()  # runserver kept its autoreloader
    run.process.send_signal(signal.SIGINT)
    assert run.process.wait(timeout=20) == 0
    assert group_gone(run.web_pid) and group_gone(run.worker_pid)
    assert "make run: stopped." in run.output()
    assert not run.serving()


def test_when_the_worker_dies_the_web_server_is_stopped_too(run_dev):
    run = run_dev(free_port())
    wait_for(run.both_up, timeout=60, what="the web server and the worker")
    os.kill(run.worker_pid, signal.SIGKILL)
    assert run.process.wait(timeout=20) == 128 + signal.SIGKILL
    assert "the worker was killed (SIGKILL); stopping the web server too." in run.output()
    assert group_gone(run.web_pid)
    assert not run.serving()


def test_when_the_web_server_cannot_start_the_worker_is_stopped_too(run_dev):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = run_dev(taken.getsockname()[1])
        assert run.process.wait(timeout=60) == 1
    output = run.output()
    assert "That port is already in use" in output
    assert "the web server exited with code 1; stopping the worker too." in output
    assert group_gone(run.worker_pid)
