"""Page throughput (issue 8): each page under gunicorn (2 workers, 10 connections, 20 s on
127.0.0.1, production settings) against a bare view under the same gunicorn that runs the same
queries through the same selectors and renders the same rows with a plain template
(tests/benchmarks/bare_views.py). Target: the portal serves ≥ 50 % of the bare view's
requests/s, with 0 errors. Shares its driver with `make loadtest` (tests/benchmarks/loadtest.py).
"""

from __future__ import annotations

import secrets

from tests.benchmarks import loadtest
from tests.benchmarks.harness import Context, Result

SECONDS = 20
TARGET = 0.5


def _bare_path(page: loadtest.Page) -> str:
    if page.path == "/":
        return "/bare/"
    return "/bare" + page.path.removeprefix("/scoring").removeprefix("/procedures")


def run(ctx: Context) -> list[Result]:
    seconds = 2 if ctx.smoke else SECONDS
    loadtest.ensure_wrk()
    loadtest.ensure_demo()
    secret_key = secrets.token_urlsafe(64)
    pages = [
        p for p in loadtest.demo_pages() if p.username == loadtest.ADMIN
    ]  # dashboard (provincial admin), ranking, statistics
    cookie = loadtest.session_cookie(loadtest.ADMIN, secret_key)
    results = []
    with loadtest.gunicorn(
        database_url=ctx.database_url,
        secret_key=secret_key,
        settings="tests.benchmarks.settings",
        wsgi="tests.benchmarks.wsgi:application",
        log=ctx.workdir / "gunicorn.log",
    ) as port:
        for page in pages:
            bare_path = _bare_path(page)
            loadtest.check_page(port, page, cookie)
            loadtest.check_page(port, page, cookie, path=bare_path)
            portal = loadtest.wrk(port, page.path, cookie, seconds)
            bare = loadtest.wrk(port, bare_path, cookie, seconds)
            ratio = portal.requests_per_s / bare.requests_per_s if bare.requests_per_s else 0.0
            results.append(
                Result(
                    section="Page throughput (gunicorn, 2 workers, 10 connections)",
                    what=f"{page.name}, {seconds} s each",
                    portal=portal.requests_per_s,
                    limit=bare.requests_per_s,
                    unit="req/s",
                    ratio=ratio,
                    target="≥ 50 % of its requests/s; 0 errors",
                    met=ratio >= TARGET and portal.errors == 0 and bare.errors == 0,
                    notes=[
                        f"portal p50 {portal.p50_ms:,.0f} ms, p99 {portal.p99_ms:,.0f} ms, "
                        f"{portal.errors} errors / {portal.requests:,} requests; bare "
                        f"`{bare_path}` p50 {bare.p50_ms:,.0f} ms, p99 {bare.p99_ms:,.0f} ms, "
                        f"{bare.errors} errors / {bare.requests:,} requests"
                    ],
                )
            )
    return results
