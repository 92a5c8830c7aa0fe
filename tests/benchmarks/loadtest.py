"""`make loadtest`: gunicorn with the demo data on PostgreSQL under a bounded wrk load.

    .venv/bin/python tests/benchmarks/loadtest.py [--seconds 13]

One driver, two callers: this script (`make loadtest`, the portal's pages under production
settings, results between the `loadtest` markers of docs/benchmarks.md) and
`bench_throughput.py` (`make bench`, the same pages against bare views under the same gunicorn).

Safety: gunicorn binds 127.0.0.1 only, wrk targets that address only, every run is bounded in
time (`--seconds` per page, 4 pages, at most 60 s of load in all) and stops by itself.

The database is ``$LOADTEST_DATABASE_URL`` or ``postgres://postgres@127.0.0.1:5432/cchc_loadtest``;
it is created, migrated and given the demo (`load_demo`) when the demo is not there yet (a
comment on the database marks a finished load, so repeated runs do not reload).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cchc_loadtest"
DEMO_MARKER = "cchc demo loaded"
HOST = "127.0.0.1"  # loopback only: never point the load at another address
CONNECTIONS = 10
WORKERS = 2
MAX_LOAD_SECONDS = 60
ADMIN = "quantri.daklak"  # provincial admin of Đắk Lắk (units/demo.py)
DISTRICT_STAFF = "cumgar"  # staff of Huyện Cư M'gar

# Counts every response that is not 200 (a redirect to the login page included), per thread,
# summed in done(): wrk itself counts only statuses above 399 as errors.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("not_ok") end
  io.write(string.format("NOT_200 %d\\n", total))
end
"""


@dataclass
class Page:
    name: str
    path: str
    username: str
    marker: str  # text the page shows only when rendered for a logged-in user


@dataclass
class LoadResult:
    requests: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    not_200: int  # responses other than 200, redirects included
    socket_errors: int

    @property
    def errors(self) -> int:
        return self.not_200 + self.socket_errors


# --------------------------------------------------------------------------- database


def psql_admin(url: str, sql: str) -> str:
    admin = urlsplit(url)._replace(path="/postgres").geturl()
    out = subprocess.run(
        ["psql", admin, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def ensure_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    exists = psql_admin(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if not exists:
        psql_admin(url, f'CREATE DATABASE "{name}"')


def ensure_demo() -> bool:
    """Load the demo into the connected database unless a finished load marked it; True when
    it loaded now. The marker is a comment on the database, so no table of the app changes."""
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
        (comment,) = cursor.fetchone()
    if comment and comment.startswith(DEMO_MARKER):
        return False
    started = time.perf_counter()
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        stamp = f"{DEMO_MARKER} {time.strftime('%Y-%m-%d %H:%M')}"
        cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [stamp])
    print(f"load_demo: {time.perf_counter() - started:.0f} s", flush=True)
    return True


def session_cookie(username: str, secret_key: str) -> str:
    """A database session logging `username` in, valid for the server that runs with
    `secret_key` (the session data and the auth hash are signed with it)."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.test.utils import override_settings

    user = get_user_model().objects.get(username=username)
    with override_settings(SECRET_KEY=secret_key):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.set_expiry(3600)
        session.create()
    return session.session_key


def demo_pages() -> list[Page]:
    """Dashboard (provincial admin, district staff), the latest Đắk Lắk ranking and the
    dossier statistics, each with its marker text."""
    from django.contrib.auth import get_user_model

    from scoring.models import CriteriaSet

    names = {
        u.username: u.get_full_name() or u.username
        for u in get_user_model().objects.filter(username__in=[ADMIN, DISTRICT_STAFF])
    }
    latest = (
        CriteriaSet.objects.filter(province__code="66").order_by("-year", "-level", "-pk").first()
    )
    if latest is None or len(names) < 2:
        raise SystemExit("the demo is incomplete: run manage.py load_demo on this database")
    return [
        Page("Dashboard `/`, provincial admin", "/", ADMIN, names[ADMIN]),
        Page("Dashboard `/`, district staff", "/", DISTRICT_STAFF, names[DISTRICT_STAFF]),
        Page(
            f"Ranking `/scoring/rankings/{latest.pk}/` ({latest.year})",
            f"/scoring/rankings/{latest.pk}/",
            ADMIN,
            "ranking-table",
        ),
        Page("Dossier statistics `/procedures/stats/`", "/procedures/stats/", ADMIN, "Kỳ báo cáo"),
    ]


# --------------------------------------------------------------------------- server


def free_port() -> int:
    """``$LOADTEST_PORT`` or a port the kernel says is free on 127.0.0.1."""
    if os.environ.get("LOADTEST_PORT"):
        return int(os.environ["LOADTEST_PORT"])
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def production_env(database_url: str, secret_key: str, settings: str) -> dict[str, str]:
    """Production settings as a deployment sets them: DEBUG off, a real key, one host. HTTPS
    is what nginx tells the app (X-Forwarded-Proto, sent by every request here), so SSL
    redirect, HSTS and secure cookies stay at their production defaults."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE=settings,
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def headers(cookie: str | None = None) -> dict[str, str]:
    out = {"X-Forwarded-Proto": "https"}
    if cookie:
        out["Cookie"] = f"sessionid={cookie}"
    return out


def get(port: int, path: str, cookie: str | None = None) -> tuple[int, str]:
    """One GET without following redirects: (status, body)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers=headers(cookie))
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


@contextmanager
def gunicorn(
    *, database_url: str, secret_key: str, settings: str, wsgi: str, log: Path
) -> Iterator[int]:
    """Collect static files, start gunicorn (2 workers) on 127.0.0.1, yield its port once
    /healthz answers, and stop it afterwards whatever happens."""
    env = production_env(database_url, secret_key, settings)
    # DEBUG=0 serves static files through the manifest storage, which needs collectstatic.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = free_port()
    binary = Path(sys.executable).with_name("gunicorn")
    with open(log, "ab") as out:
        server = subprocess.Popen(
            [
                str(binary),
                wsgi,
                "--workers",
                str(WORKERS),
                "--bind",
                f"{HOST}:{port}",
                "--chdir",
                str(ROOT),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}; see {log}")
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer /healthz in 60 s; see {log}")
            time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --------------------------------------------------------------------------- load


def ensure_wrk() -> str:
    """wrk (Debian package `wrk`), installed with apt-get when missing, as .ci/run does."""
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (apt-get)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "wrk"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return shutil.which("wrk") or "wrk"


def check_page(port: int, page: Page, cookie: str, *, path: str | None = None) -> None:
    """The page itself, not a redirect to the login page or an error page: 200 and the marker.
    A few requests also warm both workers up (templates compiled, connections open)."""
    for _ in range(4):
        status, body = get(port, path or page.path, cookie)
        if status != 200 or page.marker not in body:
            raise RuntimeError(
                f"{page.name}: GET {path or page.path} answered {status} without "
                f"{page.marker!r}: the load would measure the wrong page"
            )


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> LoadResult:
    def find(pattern: str) -> re.Match:
        match = re.search(pattern, output)
        if match is None:
            raise RuntimeError(f"unexpected wrk output (no {pattern!r}):\n{output}")
        return match

    requests, seconds = find(r"(\d+) requests in ([\d.]+)(ms|s|m)").groups()[:2]
    unit = find(r"\d+ requests in [\d.]+(ms|s|m)").group(1)
    seconds_f = float(seconds) * {"ms": 1e-3, "s": 1.0, "m": 60.0}[unit]
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    not_200 = int(find(r"NOT_200 (\d+)").group(1))
    return LoadResult(
        requests=int(requests),
        seconds=seconds_f,
        requests_per_s=float(find(r"Requests/sec:\s+([\d.]+)").group(1)),
        p50_ms=_ms(find(r"\n\s+50%\s+(\S+)").group(1)),
        p99_ms=_ms(find(r"\n\s+99%\s+(\S+)").group(1)),
        not_200=max(not_200, int(non_2xx.group(1)) if non_2xx else 0),
        socket_errors=sum(int(n) for n in socket.groups()) if socket else 0,
    )


def wrk(port: int, path: str, cookie: str, seconds: int) -> LoadResult:
    """Run wrk (2 threads, 10 connections, `seconds`) against 127.0.0.1:port/path."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        args = [ensure_wrk(), "--latency", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s"]
        # A response slower than gunicorn's own worker timeout (30 s) counts as an error.
        args += ["--timeout", "30s", "-s", script.name]
        for name, value in headers(cookie).items():
            args += ["-H", f"{name}: {value}"]
        args.append(f"http://{HOST}:{port}{path}")
        out = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 30)
        if out.returncode:
            raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr}")
        return parse_wrk(out.stdout)
    finally:
        os.unlink(script.name)


def describe(r: LoadResult) -> str:
    return (
        f"{r.requests_per_s:,.1f} req/s, p50 {r.p50_ms:,.0f} ms, p99 {r.p99_ms:,.0f} ms, "
        f"{r.errors} errors ({r.requests:,} requests)"
    )


# --------------------------------------------------------------------------- make loadtest


def setup_django(database_url: str, secret_key: str) -> None:
    os.environ.update(production_env(database_url, secret_key, "cchc_portal.settings"))
    import django

    django.setup()


def results_table(rows: list[tuple[Page, LoadResult]], seconds: int, started: str) -> str:
    from tests.benchmarks.run import commit, machine

    lines = [
        f"Run {started} on commit `{commit()}`, {machine()}. gunicorn {WORKERS} workers "
        f"(sync), `DEBUG=0`, demo data on PostgreSQL; wrk 2 threads, {CONNECTIONS} connections, "
        f"{seconds} s per page on 127.0.0.1, each page checked first (status 200 and its text, "
        "not the login page). Errors: socket errors plus every response other than 200.",
        "",
        "| page | requests/s | p50 | p99 | requests | errors |",
        "|---|---|---|---|---|---|",
    ]
    for page, r in rows:
        lines.append(
            f"| {page.name} | {r.requests_per_s:,.1f} | {r.p50_ms:,.0f} ms | {r.p99_ms:,.0f} ms "
            f"| {r.requests:,} | {r.errors} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=13, help="load per page (4 pages)")
    parser.add_argument("--no-write", action="store_true", help="print, leave docs alone")
    args = parser.parse_args()
    if args.seconds * 4 > MAX_LOAD_SECONDS:
        parser.error(f"at most {MAX_LOAD_SECONDS} s of load in all (4 pages)")
    url = os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_URL)
    secret_key = secrets.token_urlsafe(64)
    ensure_wrk()
    ensure_database(url)
    setup_django(url, secret_key)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    ensure_demo()
    pages = demo_pages()
    cookies = {u: session_cookie(u, secret_key) for u in {p.username for p in pages}}
    started = time.strftime("%Y-%m-%d %H:%M")
    log = Path(tempfile.gettempdir()) / "cchc-loadtest-gunicorn.log"
    rows = []
    with gunicorn(
        database_url=url,
        secret_key=secret_key,
        settings="cchc_portal.settings",
        wsgi="cchc_portal.wsgi:application",
        log=log,
    ) as port:
        for page in pages:
            check_page(port, page, cookies[page.username])
            result = wrk(port, page.path, cookies[page.username], args.seconds)
            print(f"{page.name}: {describe(result)}", flush=True)
            rows.append((page, result))
    text = results_table(rows, args.seconds, started)
    print(text)
    if not args.no_write:
        from tests.benchmarks.harness import replace_section

        replace_section(ROOT / "docs" / "benchmarks.md", "loadtest", "## Load test\n\n" + text)
    failed = [p.name for p, r in rows if r.errors]
    if failed:
        print(f"errors under load: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
