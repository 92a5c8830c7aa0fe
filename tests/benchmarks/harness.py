"""The `make bench` harness: every benchmark times the portal's path and the bare limit of the
same work in the same run, and reports the ratio (absolute times drift on shared machines).

Each module `tests/benchmarks/bench_*.py` defines ``run(ctx) -> list[Result]``. `run.py` calls
them in name order against one PostgreSQL database and writes `docs/benchmarks.md`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Context:
    database_url: str  # the benchmark database (already migrated)
    workdir: Path  # scratch space for generated files, removed after the run
    smoke: bool = False  # small sizes: checks the benchmarks work, measures nothing
    repeat: int = 3  # runs per measurement; report medians

    def size(self, full: int, smoke: int) -> int:
        return smoke if self.smoke else full


@dataclass
class Result:
    section: str  # heading the row goes under, e.g. "Dossier import"
    what: str  # e.g. "CSV, 300,000 rows"
    portal: float  # median of the portal's path (seconds, or requests/s when unit says so)
    limit: float | None  # median of the bare limit, same unit
    target: str  # as the issue states it, e.g. "≤ 3×" or "≥ 50 % of its requests/s"
    met: bool
    unit: str = "s"
    ratio: float | None = None  # portal / limit unless the module says otherwise
    peak_mb: float | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        if self.ratio is None and self.limit:
            self.ratio = self.portal / self.limit


def median_time(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn()`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_process(args: list[str], env: dict | None = None) -> tuple[float, float]:
    """Run a command to completion; return (wall seconds, peak RSS in MB of that process)."""
    started = time.perf_counter()
    child = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, args)
    return elapsed, usage.ru_maxrss / 1024  # Linux reports kB


def replace_section(path: Path, name: str, text: str) -> None:
    """Write ``text`` between the ``<!-- name:start -->`` / ``<!-- name:end -->`` markers of a
    Markdown file (appended at the end the first time), leaving the rest of the file alone."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{text.rstrip()}\n{end}"
    old = path.read_text() if path.exists() else ""
    if start in old and end in old:
        head, rest = old.split(start, 1)
        new = head + block + rest.split(end, 1)[1]
    else:
        new = old.rstrip() + "\n\n" + block + "\n"
    path.write_text(new)


def portal_client(user):
    """A test client logged in as `user`, talking to the app in-process (no network)."""
    from django.conf import settings
    from django.test import Client

    # The benchmark's users have no second factor nor a chosen password: what is timed is the
    # page, not the sign-in steps (as in tests/settings.py).
    settings.SIGN_IN_STEPS_ENFORCED = False
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def get_page(client, url: str) -> int:
    """GET `url` and read the whole body (streamed responses too); returns the status code."""
    response = client.get(url)
    if getattr(response, "streaming", False):
        for _chunk in response.streaming_content:
            pass
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    return response.status_code


def count_queries(fn: Callable[[], object]) -> int:
    """How many SQL queries `fn()` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def explain(sql: str, params) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a query, as text."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def make_user(username: str, *, role: str, unit):
    from units.models import User

    return User.objects.create(username=username, role=role, unit=unit)
