"""Real-browser tests: Playwright (Python) driving Debian's chromium against live_server.

Never downloads a browser: when /usr/bin/chromium is missing the e2e tests are skipped with a
clear reason (`.ci/run` installs it with apt-get), and the run ends with a line that says so.

Every page a test visits must load without a console error, an uncaught exception, a
Content-Security-Policy violation or a 4xx/5xx response; a test that provokes a refusal on
purpose names it with `page.allow(status, path)`.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest

# CHROMIUM=/path overrides the lookup (CHROMIUM=/nonexistent shows what a machine without it sees).
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SKIP_REASON = f"e2e skipped: no chromium at {CHROMIUM} (apt-get install chromium)"
PASSWORD = "secret-pass-123"  # tests.factories.UserFactory

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves (setting up data) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason=SKIP_REASON)
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    """Say it plainly even under `-q`: the browser tests did not run."""
    skipped = [
        r for r in terminalreporter.stats.get("skipped", []) if SKIP_REASON in str(r.longrepr)
    ]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} browser (e2e) tests SKIPPED: no chromium at {CHROMIUM} "
            "(apt-get install chromium, then `make e2e`)",
            yellow=True,
            bold=True,
        )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        locale="vi-VN", accept_downloads=True, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url  # type: ignore[attr-defined]
    problems: list[str] = []
    allowed: list[re.Pattern] = []

    def allow(status: int, path: str) -> None:
        """A refusal the test provokes on purpose: `status` answered for URLs under `path`."""
        allowed.append(re.compile(rf"^{status} {re.escape(live_server.url + path)}"))

    page.problems = problems  # type: ignore[attr-defined]
    page.allow = allow  # type: ignore[attr-defined]
    # Chromium reports CSP violations, failed resources and script errors on the console.
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    yield page
    context.close()

    def expected(problem: str) -> bool:
        if any(p.match(problem) for p in allowed):
            return True
        # The console echoes an allowed response as "Failed to load resource: … status of 422".
        return bool(allowed) and problem.startswith("Failed to load resource: the server")

    unexpected = [p for p in problems if not expected(p)]
    assert not unexpected, f"browser console errors: {unexpected}"


@pytest.fixture
def login(page):
    """`login(username)` through the real login form; returns on the page the user lands on."""
    from playwright.sync_api import expect

    def do_login(username: str, password: str = PASSWORD):
        page.goto(page.base_url + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("form:has(#id_password) button[type=submit]")
        expect(page.locator("#user-menu")).to_be_visible()
        return page

    return do_login


@pytest.fixture
def logout(page):
    """`logout()` through the user menu, as a person does it."""
    from playwright.sync_api import expect

    def do_logout():
        page.click("#user-menu")
        page.click("#user-menu + .dropdown-menu button[type=submit]")
        expect(page.locator("#id_username")).to_be_visible()
        return page

    return do_logout


@pytest.fixture
def screenshot(page, request, tmp_path):
    """`screenshot()` saves the page as e2e-<test name>.png in the test's tmp_path, for a person
    to look at (pytest keeps the folders of its last three runs; `--basetemp=DIR` to choose)."""

    def shoot(suffix: str = "") -> str:
        name = re.sub(r"\W+", "-", request.node.name).strip("-") + (f"-{suffix}" if suffix else "")
        path = str(tmp_path / f"e2e-{name}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return shoot
